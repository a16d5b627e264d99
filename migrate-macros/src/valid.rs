//! Checks of the parsed attribute and function, each error on the token at fault.

use syn::spanned::Spanned;
use syn::{FnArg, LitStr, ReturnType, Type};

use crate::ast::{Errors, Input};

/// Words that mean a place in the revision graph, so no revision id or label may be one.
const RESERVED: [&str; 4] = ["head", "heads", "base", "current"];

/// Adds every mistake in the input to `errors`.
pub fn check(input: &Input, errors: &mut Errors) {
    let given = |name: &str| input.given.iter().any(|given| given == name);
    match &input.revision {
        None if given("revision") => {}
        None => errors.push(syn::Error::new(
            input.attribute,
            "#[migration] needs a `revision`: `#[migration(revision = \"ae1027a6acf\", down_revision = None)]`",
        )),
        Some(revision) => errors.push_result(name(revision, "revision id")),
    }
    match &input.down_revision {
        None if given("down_revision") => {}
        None => errors.push(syn::Error::new(
            input.attribute,
            "#[migration] needs a `down_revision`: the revision this one follows, or `down_revision = None` for the first migration",
        )),
        Some((_, downs)) => {
            for (index, down) in downs.iter().enumerate() {
                if let Err(error) = name(down, "down_revision") {
                    // An invalid id already has its error; comparing it would only repeat it.
                    errors.push(error);
                    continue;
                }
                if input.revision.as_ref().is_some_and(|revision| revision.value() == down.value()) {
                    errors.push(syn::Error::new_spanned(
                        down,
                        "`down_revision` names the migration's own revision: a migration can't follow itself",
                    ));
                }
                if downs[..index].iter().any(|earlier| earlier.value() == down.value()) {
                    errors.push(syn::Error::new_spanned(down, "this `down_revision` is listed twice"));
                }
            }
        }
    }
    for label in &input.branch_labels {
        errors.push_result(name(label, "branch label"));
    }
    for dependency in &input.depends_on {
        errors.push_result(name(dependency, "depends_on entry"));
    }
    if let (Some(irreversible), Some(downgrade)) = (input.irreversible, &input.downgrade) {
        let mut error = syn::Error::new(
            irreversible,
            "a migration is either `irreversible` or has a `downgrade`, not both: remove one",
        );
        error.combine(syn::Error::new_spanned(downgrade, "the `downgrade` given here"));
        errors.push(error);
    }
    signature(&input.function.sig, errors);
}

/// Revision ids and labels must be usable inside target expressions like `label@head` or `ae10+2`.
fn name(text: &LitStr, what: &str) -> syn::Result<()> {
    let value = text.value();
    let problem = if value.trim().is_empty() {
        "is empty"
    } else if value.chars().any(char::is_whitespace) {
        "contains whitespace"
    } else if value.contains(['@', ':', ',']) {
        "contains '@', ':' or ',', which separate the parts of targets like `label@head` and `base:head`"
    } else if value.starts_with(['+', '-']) {
        "starts with '+' or '-', which mean a relative step"
    } else if RESERVED.contains(&value.as_str()) {
        "is a reserved word (head, heads, base, current)"
    } else {
        return Ok(());
    };
    Err(syn::Error::new_spanned(text, format!("this {what} {problem}: choose another, e.g. \"ae1027a6acf\"")))
}

const EXPECTED: &str = "a migration function looks like `fn name(op: &mut Operations)`";

fn signature(sig: &syn::Signature, errors: &mut Errors) {
    if let Some(token) = &sig.asyncness {
        errors.push(syn::Error::new_spanned(
            token,
            format!("async migrations are not supported yet: {EXPECTED}, recording operations"),
        ));
    }
    if let Some(token) = &sig.unsafety {
        errors.push(syn::Error::new_spanned(token, format!("a migration can't be `unsafe`: {EXPECTED}")));
    }
    if let Some(abi) = &sig.abi {
        errors.push(syn::Error::new_spanned(abi, format!("a migration can't have an ABI: {EXPECTED}")));
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        errors.push(syn::Error::new_spanned(
            &sig.generics,
            format!("a migration can't be generic: {EXPECTED}"),
        ));
    }
    if let Some(variadic) = &sig.variadic {
        errors.push(syn::Error::new_spanned(variadic, EXPECTED));
    }
    if let ReturnType::Type(_, returned) = &sig.output {
        errors.push(syn::Error::new_spanned(
            returned,
            format!("a migration returns nothing; it records operations on `op`: {EXPECTED}"),
        ));
    }
    let mut parameters = sig.inputs.iter();
    match parameters.next() {
        None => errors.push(syn::Error::new(
            sig.paren_token.span.join(),
            format!("a migration takes the operations to record: {EXPECTED}"),
        )),
        Some(FnArg::Receiver(receiver)) => errors.push(syn::Error::new_spanned(
            receiver,
            format!("a migration is a free function, not a method: {EXPECTED}"),
        )),
        Some(FnArg::Typed(typed)) => {
            if !matches!(&*typed.ty, Type::Reference(reference) if reference.mutability.is_some()) {
                errors.push(syn::Error::new_spanned(
                    &typed.ty,
                    format!("the parameter must be `&mut Operations`: {EXPECTED}"),
                ));
            }
        }
    }
    for extra in parameters {
        errors.push(syn::Error::new(
            extra.span(),
            format!("a migration takes exactly one parameter: {EXPECTED}"),
        ));
    }
}
