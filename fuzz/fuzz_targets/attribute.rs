//! The `#[migration(...)]` attribute's parser and checks on arbitrary token text, as the macro
//! and `cargo migrate` run them: the arguments before the first newline, the item after it. Any
//! text that tokenizes gets errors or an input, never a panic.
#![no_main]

use std::str::FromStr;

use libfuzzer_sys::fuzz_target;
use migrate_attribute::{Errors, Input};
use proc_macro2::TokenStream;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (arguments, item) = text.split_once('\n').unwrap_or((text, "fn upgrade(op: &mut Operations) {}"));
    let (Ok(arguments), Ok(item)) = (TokenStream::from_str(arguments), TokenStream::from_str(item)) else {
        return;
    };
    let mut errors = Errors::default();
    if let Ok(input) = Input::parse(arguments, item, &mut errors) {
        migrate_attribute::check(&input, &mut errors);
        let _ = input.message();
    }
    let _ = errors.finish();
});
