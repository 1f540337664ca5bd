//! Source positions.

/// Which source file a span points into. The host (the CLI) owns the table of file names and
/// texts; the library only carries the id.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A region of a source file: 1-based line and column (in characters) of its start and end.
/// The end is exclusive.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub file: FileId,
    pub line: u32,
    pub col: u32,
    pub end_line: u32,
    pub end_col: u32,
}

impl Span {
    /// A span covering one point.
    pub fn point(file: FileId, line: u32, col: u32) -> Span {
        Span { file, line, col, end_line: line, end_col: col + 1 }
    }

    /// True for the span of something that has no place in a file (generated values).
    pub fn is_synthetic(&self) -> bool {
        self.line == 0
    }
}

/// The table of source files a run has read: the configuration (always [`FileId`] 0) and every
/// file `${file()}` loaded. The host fills it; diagnostics are rendered from it.
#[derive(Clone, Debug, Default)]
pub struct SourceMap {
    files: Vec<(String, String)>,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }
    /// Register a file (its display name and text) and get its id.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        self.files.push((name.into(), text.into()));
        FileId(self.files.len() as u32 - 1)
    }
    pub fn name(&self, id: FileId) -> &str {
        self.files.get(id.0 as usize).map_or("<unknown>", |f| f.0.as_str())
    }
    pub fn text(&self, id: FileId) -> &str {
        self.files.get(id.0 as usize).map_or("", |f| f.1.as_str())
    }
    /// Find a file already registered under `name`.
    pub fn find(&self, name: &str) -> Option<FileId> {
        self.files.iter().position(|f| f.0 == name).map(|i| FileId(i as u32))
    }
}
