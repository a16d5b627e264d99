//! A migration's declaration written as one string: what `#[migration]` registers for each
//! migration, and what the runtime reads back.
//!
//! One string instead of a struct of strings and slices because every pointer in a registered
//! static is work twice over: the compiler evaluates and checks each string and slice of each of
//! the app's migrations, and the loader relocates each pointer when the program starts (24 bytes
//! of relocation and 8 of data per pointer, for every migration of a program, whether it runs or
//! not). A declaration of a dozen strings and lists is one pointer this way.
//!
//! Each field is its length in bytes, `:`, then its bytes; a list is its number of items, `:`,
//! then each item as a field. That holds any text (a message may contain anything) and is read
//! without copying. The fields are, in order: the revision, the down revisions, the branch labels,
//! the `depends_on` entries, the replaced revisions, the allowed lint rules, the message and the
//! checksum. After them comes the migration's origin, as messages name it:
//! `path::to::function (src/file.rs:12)` (the attribute writes it with `concat!` from
//! `module_path!()`, the function's name, `file!()` and `line!()`), so that reading it allocates
//! nothing; the function's name is read from it.
//!
//! ```
//! use migrate_names::{Declaration, DeclarationText};
//!
//! let declared = Declaration {
//!     revision: "b2",
//!     down_revisions: &["a1"],
//!     message: "Add: an index",
//!     function: "add_index",
//!     ..Declaration::default()
//! };
//! let text = declared.encode_at("app::versions", "src/versions/b2.rs", 7);
//! assert_eq!(text, "2:b21:2:a10:0:0:0:13:Add: an index0:app::versions::add_index (src/versions/b2.rs:7)");
//!
//! let read = DeclarationText::new(&text).fields();
//! assert_eq!(read.revision, "b2");
//! assert_eq!(read.down_revisions.collect::<Vec<_>>(), ["a1"]);
//! assert_eq!(read.message, "Add: an index");
//! assert_eq!(read.origin, "app::versions::add_index (src/versions/b2.rs:7)");
//! assert_eq!(read.function, "add_index");
//! assert_eq!((read.module_path, read.file, read.line), ("app::versions", "src/versions/b2.rs", 7));
//! ```

use std::fmt::Write as _;

/// What a migration declares, as the attribute reads it (or as a program that builds migrations
/// at run time gives it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Declaration<'a> {
    /// The revision id.
    pub revision: &'a str,
    /// The revisions it follows.
    pub down_revisions: &'a [&'a str],
    /// Its branch labels.
    pub branch_labels: &'a [&'a str],
    /// Revisions or labels on other branches that must be applied first.
    pub depends_on: &'a [&'a str],
    /// The revisions it squashes.
    pub replaces: &'a [&'a str],
    /// The lint rules it breaks on purpose.
    pub allow: &'a [&'a str],
    /// Its description.
    pub message: &'a str,
    /// The checksum of its code.
    pub checksum: &'a str,
    /// The upgrade function's name.
    pub function: &'a str,
}

impl Declaration<'_> {
    /// The text of every field, without the origin that follows them (the attribute appends it
    /// with `concat!`, from the pieces [`Declaration::origin_joints`] gives).
    pub fn encode(&self) -> String {
        let mut text = String::new();
        field(&mut text, self.revision);
        for list in [self.down_revisions, self.branch_labels, self.depends_on, self.replaces, self.allow] {
            // Writing to a String can't fail.
            let _ = write!(text, "{}:", list.len());
            for item in list {
                field(&mut text, item);
            }
        }
        for value in [self.message, self.checksum] {
            field(&mut text, value);
        }
        text
    }

    /// What joins the origin's parts: the text between the module path and the file, between
    /// the file and the line, and after the line.
    pub fn origin_joints(&self) -> [String; 3] {
        [format!("::{} (", self.function), ":".to_owned(), ")".to_owned()]
    }

    /// The whole text, with the origin of a function in `module_path`, at `line` of `file`.
    pub fn encode_at(&self, module_path: &str, file: &str, line: u32) -> String {
        let [infix, before_line, end] = self.origin_joints();
        let mut text = self.encode();
        for part in [module_path, &infix, file, &before_line, &line.to_string(), &end] {
            text.push_str(part);
        }
        text
    }
}

fn field(text: &mut String, value: &str) {
    let _ = write!(text, "{}:{value}", value.len());
}

/// A declaration's text, read back. Reading never fails: a text that isn't one
/// [`Declaration::encode_at`] wrote reads as empty fields from where it goes wrong.
#[derive(Debug, Clone, Copy)]
pub struct DeclarationText<'a> {
    text: &'a str,
}

impl<'a> DeclarationText<'a> {
    /// Reads `text`.
    pub fn new(text: &'a str) -> Self {
        DeclarationText { text }
    }

    /// The revision id: the first field, read without the others.
    pub fn revision(self) -> &'a str {
        Cursor(self.text).string()
    }

    /// Every field, read in one pass.
    pub fn fields(self) -> Fields<'a> {
        let mut cursor = Cursor(self.text);
        let revision = cursor.string();
        let [down_revisions, branch_labels, depends_on, replaces, allow] = [(); 5].map(|()| cursor.list());
        let [message, checksum] = [(); 2].map(|()| cursor.string());
        let origin = cursor.0;
        // `module::function (file:line)`: neither a module path nor a function name holds " (",
        // and a function name holds no "::".
        let (head, place) = origin.split_once(" (").unwrap_or((origin, ""));
        let (module_path, function) = head.rsplit_once("::").unwrap_or((head, ""));
        let place = place.strip_suffix(')').unwrap_or(place);
        let (file, line) = match place.rsplit_once(':') {
            Some((file, line)) => (file, line.parse().unwrap_or(0)),
            None => (place, 0),
        };
        Fields {
            revision,
            down_revisions,
            branch_labels,
            depends_on,
            replaces,
            allow,
            message,
            checksum,
            function,
            origin,
            module_path,
            file,
            line,
        }
    }
}

/// Every field of a declaration's text.
#[derive(Debug, Clone)]
pub struct Fields<'a> {
    /// The revision id.
    pub revision: &'a str,
    /// The revisions it follows.
    pub down_revisions: NameList<'a>,
    /// Its branch labels.
    pub branch_labels: NameList<'a>,
    /// Revisions or labels on other branches that must be applied first.
    pub depends_on: NameList<'a>,
    /// The revisions it squashes.
    pub replaces: NameList<'a>,
    /// The lint rules it breaks on purpose.
    pub allow: NameList<'a>,
    /// Its description.
    pub message: &'a str,
    /// The checksum of its code.
    pub checksum: &'a str,
    /// The upgrade function's name.
    pub function: &'a str,
    /// Where the function is, for messages: `path::to::function (src/file.rs:12)`.
    pub origin: &'a str,
    /// The function's module path.
    pub module_path: &'a str,
    /// The function's file.
    pub file: &'a str,
    /// The function's line in its file.
    pub line: u32,
}

/// Where reading has got to.
struct Cursor<'a>(&'a str);

impl<'a> Cursor<'a> {
    /// The next field; empty, with nothing left to read, where the text is not a field.
    fn string(&mut self) -> &'a str {
        let field = self
            .0
            .split_once(':')
            .and_then(|(length, rest)| Some((rest, length.parse::<usize>().ok()?)))
            .and_then(|(rest, length)| Some((rest.get(..length)?, rest.get(length..)?)));
        match field {
            Some((value, rest)) => {
                self.0 = rest;
                value
            }
            None => {
                self.0 = "";
                ""
            }
        }
    }

    /// The next list, read lazily; the cursor moves past it.
    fn list(&mut self) -> NameList<'a> {
        let count =
            match self.0.split_once(':').and_then(|(count, rest)| Some((count.parse::<usize>().ok()?, rest)))
            {
                Some((count, rest)) => {
                    self.0 = rest;
                    count
                }
                None => {
                    self.0 = "";
                    0
                }
            };
        let rest = self.0;
        // A count larger than the text holds stops where the text does: the list holds what was
        // read, so that its length is exact (a `Vec` collected from it is allocated once).
        let mut read = 0;
        while read < count && !self.0.is_empty() {
            self.string();
            read += 1;
        }
        NameList { rest, left: read }
    }
}

/// The names of one of a declaration's lists (its down revisions, its branch labels, ...), in
/// the order they were declared.
#[derive(Debug, Clone)]
pub struct NameList<'a> {
    rest: &'a str,
    left: usize,
}

impl<'a> Iterator for NameList<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let mut cursor = Cursor(self.rest);
        let name = cursor.string();
        self.rest = cursor.0;
        Some(name)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for NameList<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    fn every_field<'a>() -> Declaration<'a> {
        Declaration {
            revision: "c3",
            down_revisions: &["a1", "b2"],
            branch_labels: &["shop"],
            depends_on: &["billing", "d4"],
            replaces: &["x1", "x2", "x3"],
            allow: &["drop-table"],
            message: "12:3 odd: text\u{1f} with\u{1e} separators and é",
            checksum: "00ff",
            function: "merge_them",
        }
    }

    #[test]
    fn every_field_reads_back_as_written() {
        let declared = every_field();
        let text = declared.encode_at("app::versions::c3", "src/ver (sions)/c3 é:1.rs", 42);
        let read = DeclarationText::new(&text).fields();
        assert_eq!(read.revision, "c3");
        assert_eq!(read.down_revisions.collect::<Vec<_>>(), ["a1", "b2"]);
        assert_eq!(read.branch_labels.collect::<Vec<_>>(), ["shop"]);
        assert_eq!(read.depends_on.collect::<Vec<_>>(), ["billing", "d4"]);
        assert_eq!(read.replaces.collect::<Vec<_>>(), ["x1", "x2", "x3"]);
        assert_eq!(read.allow.collect::<Vec<_>>(), ["drop-table"]);
        assert_eq!(read.message, declared.message);
        assert_eq!(read.checksum, "00ff");
        assert_eq!(read.function, "merge_them");
        assert_eq!(read.origin, "app::versions::c3::merge_them (src/ver (sions)/c3 é:1.rs:42)");
        assert_eq!(
            (read.module_path, read.file, read.line),
            ("app::versions::c3", "src/ver (sions)/c3 é:1.rs", 42)
        );
        assert_eq!(DeclarationText::new(&text).revision(), "c3");
    }

    #[test]
    fn empty_fields_read_back_empty() {
        let text = Declaration::default().encode_at("m", "f.rs", 1);
        let read = DeclarationText::new(&text).fields();
        assert_eq!(read.revision, "");
        assert_eq!(read.down_revisions.count(), 0);
        assert_eq!(read.message, "");
        assert_eq!((read.origin, read.module_path, read.file, read.line), ("m:: (f.rs:1)", "m", "f.rs", 1));
    }

    #[test]
    fn a_text_cut_short_reads_as_empty_fields_without_panicking() {
        let text = every_field().encode_at("m", "f.rs", 1);
        for end in 0..text.len() {
            let Some(cut) = text.get(..end) else { continue };
            let fields = DeclarationText::new(cut).fields();
            assert!(fields.replaces.clone().count() <= 3);
            for list in [fields.down_revisions, fields.branch_labels, fields.depends_on, fields.replaces] {
                assert_eq!(list.len(), list.count(), "a list of {cut:?} says how many names it holds");
            }
        }
        let read = DeclarationText::new("99:a").fields();
        assert_eq!((read.revision, read.down_revisions.count()), ("", 0));
        assert_eq!(DeclarationText::new("x:1:").revision(), "");
        let read = DeclarationText::new("1:a99999999999999:").fields();
        assert_eq!(read.down_revisions.count(), 0);
        assert_eq!(read.message, "");
    }
}
