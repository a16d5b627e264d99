//! [`RevisionSpec`]: one revision as plain data, the input the graph is built from.

use std::borrow::Cow;

/// One revision's place in the graph, as declared: the input of [`RevisionGraph::new`](super::RevisionGraph::new).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RevisionSpec {
    /// The revision id.
    pub revision: String,
    /// The revisions this one follows: none for a base, several for a merge point.
    pub down_revisions: Vec<String>,
    /// Labels naming the branch this revision starts or belongs to.
    pub branch_labels: Vec<String>,
    /// Revision ids or branch labels on other branches that must be applied before this one.
    pub depends_on: Vec<String>,
    /// The revisions this one squashes, oldest first: it stands in their place in the graph.
    pub replaces: Vec<String>,
    /// The human description.
    pub message: String,
    /// Where the revision is declared, named in error messages (a function path, a file);
    /// borrowed where it is static text, as a registered migration's is.
    pub origin: Cow<'static, str>,
}

impl RevisionSpec {
    /// A base revision with this id; chain the other setters to place it.
    pub fn new(revision: impl Into<String>) -> Self {
        let revision = revision.into();
        Self { origin: Cow::Owned(revision.clone()), revision, ..Self::default() }
    }

    /// Sets the revision it follows (builder).
    pub fn down_revision(mut self, down_revision: impl Into<String>) -> Self {
        self.down_revisions = vec![down_revision.into()];
        self
    }

    /// Sets the revisions it follows: several make it a merge point (builder).
    pub fn down_revisions<S: Into<String>>(mut self, down_revisions: impl IntoIterator<Item = S>) -> Self {
        self.down_revisions = strings(down_revisions);
        self
    }

    /// Sets its branch labels (builder).
    pub fn branch_labels<S: Into<String>>(mut self, labels: impl IntoIterator<Item = S>) -> Self {
        self.branch_labels = strings(labels);
        self
    }

    /// Sets the revisions or labels it depends on (builder).
    pub fn depends_on<S: Into<String>>(mut self, dependencies: impl IntoIterator<Item = S>) -> Self {
        self.depends_on = strings(dependencies);
        self
    }

    /// Sets the revisions it squashes, oldest first (builder).
    pub fn replaces<S: Into<String>>(mut self, replaced: impl IntoIterator<Item = S>) -> Self {
        self.replaces = strings(replaced);
        self
    }

    /// Sets its message (builder).
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    /// Sets where it is declared, for error messages (builder).
    pub fn origin(mut self, origin: impl Into<Cow<'static, str>>) -> Self {
        self.origin = origin.into();
        self
    }
}

/// The names as strings, in a vector allocated once at the length the names say they have (a
/// vector collected from an iterator starts at four, and the graph keeps every revision's lists).
fn strings<S: Into<String>>(names: impl IntoIterator<Item = S>) -> Vec<String> {
    let names = names.into_iter();
    let mut strings = Vec::with_capacity(names.size_hint().0);
    strings.extend(names.map(Into::into));
    strings
}
