//! Checks of the parsed attribute and function, each error on the token at fault.

use migrate_names::{Name, Problem};
use syn::spanned::Spanned;
use syn::{FnArg, LitStr, ReturnType, Type};

use crate::ast::{Errors, Input};

/// Adds every mistake in the input to `errors`.
pub fn check(input: &Input, errors: &mut Errors) {
    let given = |name: &str| input.given.iter().any(|given| given == name) || input.meant.contains(&name);
    match &input.revision {
        None if given("revision") => {}
        None => errors.push(syn::Error::new(
            input.attribute,
            "#[migration] needs a `revision`: `#[migration(revision = \"ae1027a6acf\", down_revision = None)]`",
        )),
        Some(revision) => errors.push_result(name(revision, &REVISION)),
    }
    match &input.down_revision {
        None if given("down_revision") => {}
        None => errors.push(syn::Error::new(
            input.attribute,
            "#[migration] needs a `down_revision`: the revision this one follows, or `down_revision = None` for the first migration",
        )),
        Some((_, downs)) => {
            for (index, down) in downs.iter().enumerate() {
                if let Err(error) = name(down, &DOWN_REVISION) {
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
        errors.push_result(name(label, &BRANCH_LABEL));
    }
    for dependency in &input.depends_on {
        errors.push_result(name(dependency, &DEPENDS_ON));
    }
    for (index, old) in input.replaces.iter().enumerate() {
        errors.push_result(name(old, &REPLACES));
        if input.revision.as_ref().is_some_and(|revision| revision.value() == old.value()) {
            errors.push(syn::Error::new_spanned(
                old,
                "`replaces` names the migration's own revision: a squash replaces older ones",
            ));
        }
        if input.replaces[..index].iter().any(|earlier| earlier.value() == old.value()) {
            errors.push(syn::Error::new_spanned(old, "this revision is listed twice in `replaces`"));
        }
    }
    for (index, rule) in input.allow.iter().enumerate() {
        errors.push_result(lint_rule(rule));
        if input.allow[..index].iter().any(|earlier| earlier.value() == rule.value()) {
            errors.push(syn::Error::new_spanned(rule, "this rule is listed twice in `allow`"));
        }
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

/// What a checked string is, for messages: its name, a valid example, and how several are written.
struct Kind {
    name: Name,
    what: &'static str,
    example: &'static str,
    several: Option<&'static str>,
}

const REVISION: Kind =
    Kind { name: Name::Revision, what: "revision id", example: "\"ae1027a6acf\"", several: None };
const DOWN_REVISION: Kind = Kind {
    name: Name::Revision,
    what: "down_revision",
    example: "\"ae1027a6acf\"",
    several: Some("down_revision = (\"ae1027a6acf\", \"27c6a30d7c24\")"),
};
const BRANCH_LABEL: Kind = Kind {
    name: Name::BranchLabel,
    what: "branch label",
    example: "\"billing\"",
    several: Some("branch_labels = [\"billing\", \"reports\"]"),
};
const DEPENDS_ON: Kind = Kind {
    name: Name::BranchLabel,
    what: "depends_on entry",
    example: "\"ae1027a6acf\"",
    several: Some("depends_on = [\"ae1027a6acf\", \"billing\"]"),
};

const REPLACES: Kind = Kind {
    name: Name::Revision,
    what: "replaced revision",
    example: "\"ae1027a6acf\"",
    several: Some("replaces = [\"ae1027a6acf\", \"27c6a30d7c24\"]"),
};

/// Revision ids and labels must be usable inside target expressions like `label@head` or `ae10+2`:
/// the rule is `migrate_names`', shared with the revision graph; the messages are the attribute's.
fn name(text: &LitStr, kind: &Kind) -> syn::Result<()> {
    let value = text.value();
    let Kind { name, what, example, several } = kind;
    let Err(problem) = migrate_names::check(&value, *name) else { return Ok(()) };
    let message = match problem {
        Problem::Empty => format!("this {what} is empty: write one, e.g. {example}"),
        Problem::Whitespace => {
            format!("this {what} contains whitespace, which targets can't hold: remove it, e.g. {example}")
        }
        Problem::Comma if several.is_some() => {
            format!(
                "this {what} contains ',': write several as a list, as in `{}`",
                several.unwrap_or_default()
            )
        }
        Problem::Comma | Problem::Separator => format!(
            "this {what} contains '@', ':' or ',', which separate the parts of targets like \
             `billing@head` and `base:head`: remove it, e.g. {example}"
        ),
        Problem::StartsWithSign => format!(
            "this {what} starts with '+' or '-', which mark a relative step like `+2`: remove it, e.g. {example}"
        ),
        Problem::PlusOrMinus => format!(
            "this {what} contains '+' or '-', so a target `{value}` could read as a relative step \
             (Alembic refuses them too): remove it, e.g. {example}"
        ),
        Problem::LooksRelative => format!(
            "this {what} ends like a relative step (`-2`, `+1`), which a target would read as one: \
             end it with a letter, e.g. {example}"
        ),
        Problem::Reserved => format!(
            "this {what} is `{value}`, which already names a place in the graph (`head`, `heads`, \
             `base` and `current` are reserved): choose another, e.g. {example}"
        ),
    };
    Err(syn::Error::new_spanned(text, message))
}

/// An acknowledged rule must be one the lint has, or the acknowledgement would silence nothing:
/// the names are `migrate_names`', shared with the lint.
fn lint_rule(rule: &LitStr) -> syn::Result<()> {
    let name = rule.value();
    if migrate_names::is_lint_rule(&name) {
        return Ok(());
    }
    let closest = migrate_names::LINT_RULES
        .iter()
        .min_by_key(|known| strsim::levenshtein(&name, known))
        .filter(|known| strsim::levenshtein(&name, known) <= 4);
    let message = match closest {
        Some(closest) => format!("unknown lint rule `{name}`: did you mean `{closest}`?"),
        None => format!(
            "unknown lint rule `{name}`; the rules are {}",
            migrate_names::LINT_RULES.map(|rule| format!("`{rule}`")).join(", ")
        ),
    };
    Err(syn::Error::new_spanned(rule, message))
}

const EXPECTED: &str = "a migration function looks like `fn name(op: &mut Operations)`, or \
     `async fn name(db: &mut Connection) -> migrate::Result<()>` for one that needs the database";

fn signature(sig: &syn::Signature, errors: &mut Errors) {
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
    let parameter = if sig.asyncness.is_some() { "&mut Connection" } else { "&mut Operations" };
    match (&sig.output, sig.asyncness) {
        (ReturnType::Type(_, returned), None) => errors.push(syn::Error::new_spanned(
            returned,
            format!("a migration returns nothing; it records operations on `op`: {EXPECTED}"),
        )),
        (ReturnType::Default, Some(token)) => errors.push(syn::Error::new_spanned(
            token,
            format!("an async migration returns `migrate::Result<()>`, so that its errors stop the run: {EXPECTED}"),
        )),
        _ => {}
    }
    let mut parameters = sig.inputs.iter();
    match parameters.next() {
        None => errors.push(syn::Error::new(
            sig.paren_token.span.join(),
            format!("a migration takes `{parameter}`: {EXPECTED}"),
        )),
        Some(FnArg::Receiver(receiver)) => errors.push(syn::Error::new_spanned(
            receiver,
            format!("a migration is a free function, not a method: {EXPECTED}"),
        )),
        Some(FnArg::Typed(typed)) => match &*typed.ty {
            Type::Reference(reference) if reference.mutability.is_some() => {
                // The other form's parameter: say which form goes with it. Other types are
                // left to the type checker, which sees through aliases.
                let named = |name: &str| matches!(&*reference.elem, Type::Path(path) if path.path.segments.last().is_some_and(|last| last.ident == name));
                if sig.asyncness.is_some() && named("Operations") {
                    errors.push(syn::Error::new_spanned(
                        &typed.ty,
                        "a migration that records operations is a plain `fn name(op: &mut Operations)`; an async migration takes `&mut Connection`",
                    ));
                } else if sig.asyncness.is_none() && named("Connection") {
                    errors.push(syn::Error::new_spanned(
                        &typed.ty,
                        "a migration that uses the connection is `async fn name(db: &mut Connection) -> migrate::Result<()>`",
                    ));
                }
            }
            _ => errors.push(syn::Error::new_spanned(
                &typed.ty,
                format!("the parameter must be `{parameter}`: {EXPECTED}"),
            )),
        },
    }
    for extra in parameters {
        errors.push(syn::Error::new(
            extra.span(),
            format!("a migration takes exactly one parameter: {EXPECTED}"),
        ));
    }
}
