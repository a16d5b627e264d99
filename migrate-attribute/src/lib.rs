//! What `#[migration(...)]` says, read from its tokens: the parser (`ast`) and the checks
//! (`valid`) of the `#[migration]` attribute, in one crate shared by the macro, which reports each
//! mistake on its token, and by `cargo migrate`, which reads the graph from an app's source files
//! without building it. Sharing them means the two can't read an attribute differently.

mod ast;
mod valid;

pub use ast::{ARGUMENTS, Errors, Input};
pub use valid::check;

impl Input {
    /// The migration's message: `message = "..."`, or the first non-empty line of the function's
    /// doc comment.
    pub fn message(&self) -> String {
        self.message.as_ref().map(syn::LitStr::value).unwrap_or_else(|| first_doc_line(&self.function))
    }
}

/// The first non-empty line of the function's doc comment.
fn first_doc_line(function: &syn::ItemFn) -> String {
    function
        .attrs
        .iter()
        .filter(|attribute| attribute.path().is_ident("doc"))
        .filter_map(|attribute| match &attribute.meta {
            syn::Meta::NameValue(syn::MetaNameValue {
                value: syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(text), .. }),
                ..
            }) => Some(text.value()),
            _ => None,
        })
        .flat_map(|text| text.lines().map(|line| line.trim().to_owned()).collect::<Vec<_>>())
        .find(|line| !line.is_empty())
        .unwrap_or_default()
}
