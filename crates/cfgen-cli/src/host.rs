//! The real world: files of the service directory and the process environment.

use std::path::{Path, PathBuf};

/// Largest file cfgen reads (configuration, `${file()}` targets, artifact sources are exempt).
pub const MAX_TEXT_FILE: u64 = 16 * 1024 * 1024;

pub struct FsHost {
    pub dir: PathBuf,
    /// A folder under `dir` to leave out of the file listing (`cfgen package --out` inside
    /// the service, like Serverless' own `.serverless/`).
    pub skip: Option<String>,
    /// Show a progress line on stderr while large artifacts are compressed.
    pub progress: bool,
    /// The last progress line shown: (artifact, percent).
    shown: std::cell::RefCell<Option<(String, u64)>>,
}

/// Artifacts smaller than this are packed without a progress line.
pub const PROGRESS_MIN_BYTES: u64 = 8 * 1024 * 1024;

/// The progress line for `done` of `total` bytes of `name`, when it is worth showing and
/// differs from the last one (`last`: the artifact and percent shown before).
pub fn progress_line(name: &str, done: u64, total: u64, last: Option<&(String, u64)>) -> Option<(u64, String)> {
    if total < PROGRESS_MIN_BYTES {
        return None;
    }
    let pct = done.min(total) * 100 / total;
    if last.is_some_and(|(n, p)| n == name && *p == pct) {
        return None;
    }
    let end = if done >= total { "\n" } else { "" };
    Some((
        pct,
        format!(
            "\rpackaging {name}: {pct:>3}% ({} of {}){end}",
            cfgen_core::artifacts::human_size(done),
            cfgen_core::artifacts::human_size(total)
        ),
    ))
}

impl FsHost {
    pub fn new(dir: PathBuf, skip: Option<String>) -> FsHost {
        FsHost { dir, skip, progress: false, shown: std::cell::RefCell::new(None) }
    }

    fn path(&self, rel: &str) -> PathBuf {
        let p = Path::new(rel);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.dir.join(p)
        }
    }
}

impl cfgen_core::variables::Host for FsHost {
    fn env(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
    fn read_file(&self, rel: &str) -> Result<Option<String>, String> {
        let p = self.path(rel);
        let meta = match std::fs::metadata(&p) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e.to_string()),
        };
        if meta.is_dir() {
            return Err("it is a directory".into());
        }
        if meta.len() > MAX_TEXT_FILE {
            return Err(format!("it is {} bytes; cfgen reads files of at most {} bytes", meta.len(), MAX_TEXT_FILE));
        }
        let bytes = std::fs::read(&p).map_err(|e| e.to_string())?;
        String::from_utf8(bytes).map(Some).map_err(|_| "it is not UTF-8 text".into())
    }
}

impl cfgen_core::artifacts::FileSource for FsHost {
    fn list_files(&self) -> Vec<(String, bool)> {
        let mut out = Vec::new();
        walk(&self.dir, "", &mut out, 0, self.skip.as_deref());
        out.sort();
        out
    }
    fn read_bytes(&self, rel: &str) -> Option<Vec<u8>> {
        // No separate `is_file` check: reading a directory fails (EISDIR) all the same, and a
        // 200-function service saves 200 `statx` calls.
        std::fs::read(self.path(rel)).ok()
    }
    fn workers(&self) -> usize {
        // The cores this process may use (cgroup quotas and affinity included), at most 8:
        // compression stops scaling well past that on memory bandwidth.
        std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
    }
    fn progress(&self, name: &str, done: u64, total: u64) {
        if !self.progress {
            return;
        }
        let mut shown = self.shown.borrow_mut();
        if let Some((pct, line)) = progress_line(name, done, total, shown.as_ref()) {
            use std::io::Write;
            let mut err = std::io::stderr().lock();
            let _ = err.write_all(line.as_bytes()).and_then(|()| err.flush());
            *shown = Some((name.to_string(), pct));
        }
    }
}

fn walk(dir: &Path, prefix: &str, out: &mut Vec<(String, bool)>, depth: usize, skip: Option<&str>) {
    if depth > 64 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            if depth == 0 && (name == ".git" || name == ".serverless") || skip == Some(rel.as_str()) {
                continue;
            }
            walk(&e.path(), &rel, out, depth + 1, skip);
        } else if ft.is_file() || ft.is_symlink() {
            let Ok(meta) = std::fs::metadata(e.path()) else { continue };
            if !meta.is_file() {
                continue;
            }
            #[cfg(unix)]
            let exec = {
                use std::os::unix::fs::PermissionsExt;
                meta.permissions().mode() & 0o100 != 0
            };
            #[cfg(not(unix))]
            let exec = false;
            out.push((rel, exec));
        }
    }
}

/// The service's files as listed, with empty content: enough to compile the template when
/// only the functions' settings matter (`invoke local`, `graph`), without reading or zipping
/// the code.
pub struct SettingsOnly<'a>(pub &'a FsHost);

impl cfgen_core::variables::Host for SettingsOnly<'_> {
    fn env(&self, name: &str) -> Option<String> {
        self.0.env(name)
    }
    fn read_file(&self, rel: &str) -> Result<Option<String>, String> {
        self.0.read_file(rel)
    }
}

impl cfgen_core::artifacts::FileSource for SettingsOnly<'_> {
    fn list_files(&self) -> Vec<(String, bool)> {
        self.0.list_files()
    }
    fn read_bytes(&self, rel: &str) -> Option<Vec<u8>> {
        self.0.path(rel).is_file().then(Vec::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_lines() {
        let big = 100 * 1024 * 1024;
        assert_eq!(progress_line("a.zip", 1, 1000, None), None, "small artifacts show nothing");
        let (pct, line) = progress_line("a.zip", big / 2, big, None).unwrap();
        assert_eq!((pct, line.as_str()), (50, "\rpackaging a.zip:  50% (50.0 MB of 100.0 MB)"));
        assert_eq!(progress_line("a.zip", big / 2 + 1, big, Some(&("a.zip".into(), 50))), None, "same percent: no new line");
        assert_eq!(
            progress_line("a.zip", big, big, Some(&("a.zip".into(), 99))).unwrap().1,
            "\rpackaging a.zip: 100% (100.0 MB of 100.0 MB)\n"
        );
    }
}
