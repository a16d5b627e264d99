//! The migrations an app declares, read from its source files with the attribute's own parser
//! (`migrate_attribute`), so that the graph is the one the build would register, without building.

use std::path::{Path, PathBuf};

use migrate_core::{RevisionGraph, RevisionSpec};
use quote::ToTokens as _;
use syn::spanned::Spanned;

use crate::error::{Error, Result};

/// One `#[migration]` found in a source file.
#[derive(Debug, Clone)]
pub struct Found {
    pub revision: String,
    pub down_revisions: Vec<String>,
    pub branch_labels: Vec<String>,
    pub depends_on: Vec<String>,
    pub replaces: Vec<String>,
    pub message: String,
    pub function: String,
    pub file: PathBuf,
    pub line: usize,
    /// Where `down_revision`'s value is in the file, as a byte range: what `rebase` rewrites.
    pub down_revision_at: Option<std::ops::Range<usize>>,
}

impl Found {
    fn spec(&self) -> RevisionSpec {
        RevisionSpec::new(&self.revision)
            .down_revisions(self.down_revisions.iter().map(String::as_str))
            .branch_labels(self.branch_labels.iter().map(String::as_str))
            .depends_on(self.depends_on.iter().map(String::as_str))
            .replaces(self.replaces.iter().map(String::as_str))
            .message(&self.message)
            .origin(format!("{} ({}:{})", self.function, self.file.display(), self.line))
    }
}

/// Every migration declared in the `.rs` files under `root` (the crate's `src/`), and the graph
/// they make, built in ascending revision id as the registry hands them to the runner.
pub fn read(root: &Path) -> Result<(Vec<Found>, RevisionGraph)> {
    let mut found = Vec::new();
    for file in rust_files(root)? {
        found.extend(read_file(&file)?);
    }
    found.sort_by(|a, b| a.revision.cmp(&b.revision).then(a.file.cmp(&b.file)));
    let graph = RevisionGraph::new(found.iter().map(Found::spec))?;
    Ok((found, graph))
}

fn rust_files(root: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let entries = std::fs::read_dir(&folder).map_err(Error::io("read", &folder))?;
        for entry in entries {
            let path = entry.map_err(Error::io("read", &folder))?.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|extension| extension == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// The migrations of one file. A file that doesn't parse is skipped unless it declares one, so
/// that a half-written file elsewhere doesn't stop scaffolding.
fn read_file(path: &Path) -> Result<Vec<Found>> {
    let text = std::fs::read_to_string(path).map_err(Error::io("read", path))?;
    if !text.contains("migration") {
        return Ok(Vec::new());
    }
    let file = match syn::parse_file(&text) {
        Ok(file) => file,
        Err(error) if text.contains("#[migration") => return Err(located(path, &error)),
        Err(_) => return Ok(Vec::new()),
    };
    let mut found = Vec::new();
    collect(&file.items, path, &text, &mut found)?;
    Ok(found)
}

fn collect(items: &[syn::Item], path: &Path, text: &str, found: &mut Vec<Found>) -> Result<()> {
    for item in items {
        match item {
            syn::Item::Fn(function) => found.extend(migration(function, path, text)?),
            syn::Item::Mod(syn::ItemMod { content: Some((_, items)), .. }) => {
                collect(items, path, text, found)?
            }
            _ => {}
        }
    }
    Ok(())
}

/// The migration a function declares, if it carries `#[migration(...)]`.
fn migration(function: &syn::ItemFn, path: &Path, text: &str) -> Result<Option<Found>> {
    let Some(attribute) = function.attrs.iter().find(|attribute| {
        attribute.path().segments.last().is_some_and(|segment| segment.ident == "migration")
    }) else {
        return Ok(None);
    };
    let arguments = match &attribute.meta {
        syn::Meta::List(list) => list.tokens.clone(),
        _ => proc_macro2::TokenStream::new(),
    };
    let mut bare = function.clone();
    bare.attrs.retain(|other| other != attribute);
    let located = |error: syn::Error| located(path, &error);
    let mut errors = migrate_attribute::Errors::default();
    let input =
        migrate_attribute::Input::parse(arguments, bare.to_token_stream(), &mut errors).map_err(located)?;
    migrate_attribute::check(&input, &mut errors);
    errors.finish().map_err(located)?;
    let strings = |literals: &[syn::LitStr]| literals.iter().map(syn::LitStr::value).collect::<Vec<_>>();
    Ok(Some(Found {
        revision: input.revision.as_ref().map(syn::LitStr::value).unwrap_or_default(),
        down_revisions: input.down_revision.as_ref().map(|(_, ids)| strings(ids)).unwrap_or_default(),
        branch_labels: strings(&input.branch_labels),
        depends_on: strings(&input.depends_on),
        replaces: strings(&input.replaces),
        message: input.message(),
        function: function.sig.ident.to_string(),
        file: path.to_path_buf(),
        line: function.span().start().line,
        down_revision_at: input.down_revision.as_ref().and_then(|(span, _)| byte_range(text, *span)),
    }))
}

/// A parse or attribute error, at its place in `file`.
fn located(file: &Path, error: &syn::Error) -> Error {
    let start = error.span().start();
    Error::Source {
        file: file.to_path_buf(),
        line: start.line,
        column: start.column + 1,
        message: error.to_string(),
    }
}

/// The bytes of `text` a span covers (lines count from 1, columns in characters from 0).
fn byte_range(text: &str, span: proc_macro2::Span) -> Option<std::ops::Range<usize>> {
    let offset = |at: proc_macro2::LineColumn| {
        let line_start = if at.line == 1 {
            0
        } else {
            text.match_indices('\n').nth(at.line - 2).map(|(index, _)| index + 1)?
        };
        let line = &text[line_start..];
        let column = line.char_indices().nth(at.column).map_or(line.len(), |(index, _)| index);
        Some(line_start + column)
    };
    Some(offset(span.start())?..offset(span.end())?)
}
