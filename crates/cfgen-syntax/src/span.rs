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
    files: Vec<SourceFile>,
}

#[derive(Clone, Debug)]
struct SourceFile {
    name: String,
    text: String,
    /// The byte offset of each line's start, computed the first time a line is asked for, so
    /// rendering many diagnostics costs one pass over the text rather than one per diagnostic.
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }
    /// Register a file (its display name and text) and get its id.
    pub fn add(&mut self, name: impl Into<String>, text: impl Into<String>) -> FileId {
        self.files.push(SourceFile { name: name.into(), text: text.into(), line_starts: std::sync::OnceLock::new() });
        FileId(self.files.len() as u32 - 1)
    }
    pub fn name(&self, id: FileId) -> &str {
        self.files.get(id.0 as usize).map_or("<unknown>", |f| f.name.as_str())
    }
    pub fn text(&self, id: FileId) -> &str {
        self.files.get(id.0 as usize).map_or("", |f| f.text.as_str())
    }
    /// Line `line` (1-based; 0 reads as 1) of file `id`, as [`str::lines`] would give it
    /// (without its `\n` or `\r\n`); `None` past the last line.
    pub fn line(&self, id: FileId, line: u32) -> Option<&str> {
        let file = self.files.get(id.0 as usize)?;
        let text = file.text.as_str();
        let starts = file
            .line_starts
            .get_or_init(|| std::iter::once(0).chain(text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(i, _)| i + 1)).collect());
        let start = *starts.get(line.saturating_sub(1) as usize)?;
        if start >= text.len() {
            return None;
        }
        let rest = &text[start..];
        let end = rest.find('\n').unwrap_or(rest.len());
        let l = &rest[..end];
        Some(if end < rest.len() { l.strip_suffix('\r').unwrap_or(l) } else { l })
    }
    /// Find a file already registered under `name`.
    pub fn find(&self, name: &str) -> Option<FileId> {
        self.files.iter().position(|f| f.name == name).map(|i| FileId(i as u32))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_those_of_str_lines() {
        let texts = ["", "\n", "a", "a\n", "a\r\nb\r\n", "a\nb", "a\r", "a\r\n\r\nc\rd\n\n", "é\nü\r\nx"];
        let mut map = SourceMap::new();
        for text in texts {
            let id = map.add("f", text);
            for n in 0..8u32 {
                let expected = text.lines().nth(n.saturating_sub(1) as usize);
                assert_eq!(map.line(id, n), expected, "line {n} of {text:?}");
            }
        }
        assert_eq!(map.line(FileId(99), 1), None);
    }
}
