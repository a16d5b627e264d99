//! `#[migration]`, `#[derive(Model)]` and `#[derive(Enum)]` at compile time: accepted forms compile
//! and run; every misuse is a compile error whose message and span are pinned in `fail/*.stderr`.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("pass/*.rs");
    cases.compile_fail("fail/*.rs");
}
