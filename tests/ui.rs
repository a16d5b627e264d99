//! The `#[migration]` attribute at compile time: accepted forms compile and run; every misuse is a
//! compile error whose message and span are pinned in `tests/ui/fail/*.stderr`.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
}
