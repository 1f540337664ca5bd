//! The real world: files of the service directory and the process environment.

use std::path::{Path, PathBuf};

/// Largest file cfgen reads (configuration, `${file()}` targets, artifact sources are exempt).
pub const MAX_TEXT_FILE: u64 = cfgen_core::MAX_TEXT_FILE;

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
    fn list_files(&self) -> Vec<String> {
        let root = std::fs::metadata(&self.dir).map(|m| dir_id(&self.dir, &m)).unwrap_or(DirId::Path(None));
        let mut w = Walk { out: Vec::new(), skip: self.skip.as_deref(), above: vec![root], linked: Default::default() };
        walk(&self.dir, "", &mut w);
        let mut out = w.out;
        out.sort();
        out
    }
    fn read_bytes(&self, rel: &str) -> Option<cfgen_core::artifacts::FileData> {
        self.read_at_most(rel, u64::MAX).ok().flatten()
    }
    fn read_at_most(&self, rel: &str, max: u64) -> Result<Option<cfgen_core::artifacts::FileData>, u64> {
        // No separate `is_file` check: reading a directory fails (EISDIR) all the same. The
        // executable bit comes from the open file's metadata, which sizes the buffer too (as
        // `fs::read` does) and tells a file too large before any of it is read: the listing
        // stats no file.
        use std::io::Read;
        let Ok(f) = std::fs::File::open(self.path(rel)) else { return Ok(None) };
        let Ok(meta) = f.metadata() else { return Ok(None) };
        if meta.len() > max {
            return Err(meta.len());
        }
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        // A file that grew since: read one byte past the limit to know.
        if f.take(max.saturating_add(1)).read_to_end(&mut bytes).is_err() {
            return Ok(None);
        }
        if bytes.len() as u64 > max {
            return Err(bytes.len() as u64);
        }
        Ok(Some(cfgen_core::artifacts::FileData { bytes, executable: executable(&meta) }))
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

/// How many times one folder is listed through symbolic links. Serverless lists a folder under
/// every link that reaches it; links that fan out (two links to the next level, twenty levels
/// deep) would list it a million times, so past this a link to it is not followed.
const MAX_LINKS_TO_ONE_FOLDER: usize = 16;

/// What the walk keeps: the folders above the current one (a link to one of them is a cycle,
/// not followed) and how often each folder was reached through a link.
struct Walk<'a> {
    out: Vec<String>,
    skip: Option<&'a str>,
    above: Vec<DirId>,
    linked: std::collections::HashMap<DirId, usize>,
}

/// Lists the files under `dir` as Serverless' globby does (`follow: true`): symbolic links to
/// files and to folders are followed, except a link to a folder above it (a cycle) or to a
/// folder already reached through [`MAX_LINKS_TO_ONE_FOLDER`] links; the listing stops one past
/// [`MAX_SERVICE_FILES`](cfgen_core::artifacts::MAX_SERVICE_FILES), which the build reports.
fn walk(dir: &Path, prefix: &str, w: &mut Walk) {
    let max = cfgen_core::artifacts::MAX_SERVICE_FILES;
    if w.above.len() > 64 || w.out.len() > max {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
        // The entry's type comes with the listing (`d_type`); a plain file needs no `stat`.
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_file() {
            w.out.push(rel);
            if w.out.len() > max {
                return;
            }
            continue;
        }
        // A link is followed (its target's metadata); a folder's identifies it for the cycle check.
        let meta = if ft.is_symlink() { std::fs::metadata(e.path()) } else { e.metadata() };
        let Ok(meta) = meta else { continue };
        if meta.is_dir() {
            if w.above.len() == 1 && (name == ".git" || name == ".serverless") || w.skip == Some(rel.as_str()) {
                continue;
            }
            let id = dir_id(&e.path(), &meta);
            if w.above.contains(&id) {
                continue;
            }
            if ft.is_symlink() {
                let n = w.linked.entry(id.clone()).or_default();
                if *n >= MAX_LINKS_TO_ONE_FOLDER {
                    continue;
                }
                *n += 1;
            }
            w.above.push(id);
            walk(&e.path(), &rel, w);
            w.above.pop();
        } else if meta.is_file() {
            w.out.push(rel);
        }
        if w.out.len() > max {
            return;
        }
    }
}

/// What identifies a folder for the cycle check: its device and inode where there are some,
/// its canonical path elsewhere.
#[derive(Clone, PartialEq, Eq, Hash)]
enum DirId {
    #[cfg(unix)]
    Inode(u64, u64),
    Path(Option<PathBuf>),
}

fn dir_id(path: &Path, meta: &std::fs::Metadata) -> DirId {
    #[cfg(unix)]
    {
        let _ = path;
        use std::os::unix::fs::MetadataExt;
        DirId::Inode(meta.dev(), meta.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        DirId::Path(std::fs::canonicalize(path).ok())
    }
}

fn executable(meta: &std::fs::Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.permissions().mode() & 0o100 != 0
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        false
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
    fn list_files(&self) -> Vec<String> {
        self.0.list_files()
    }
    fn read_bytes(&self, rel: &str) -> Option<cfgen_core::artifacts::FileData> {
        self.0.path(rel).is_file().then(Default::default)
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

    /// Serverless' globby follows links (`follow: true`); cfgen does too, without cycles and
    /// without listing one folder through more than `MAX_LINKS_TO_ONE_FOLDER` links.
    #[cfg(unix)]
    #[test]
    fn links_are_followed_but_not_round_in_circles() {
        use std::os::unix::fs::symlink;
        let dir = std::env::temp_dir().join(format!("cfgen-walk-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mk = |p: &str| {
            let p = dir.join(p);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        };
        mk("handler.js");
        mk("packages/lib/index.js");
        std::fs::create_dir_all(dir.join("node_modules")).unwrap();
        symlink("../packages/lib", dir.join("node_modules/lib")).unwrap();
        symlink("handler.js", dir.join("alias.js")).unwrap();
        symlink("/nonexistent/cfgen", dir.join("broken.js")).unwrap();
        symlink("..", dir.join("packages/up")).unwrap();
        symlink(".", dir.join("self")).unwrap();
        // Two links to each next level, 30 levels: 2^30 paths if every link were followed.
        for i in 0..30 {
            mk(&format!("fan/l{i}/f"));
        }
        for i in 0..29 {
            for link in ["a", "b"] {
                symlink(format!("../l{}", i + 1), dir.join(format!("fan/l{i}/{link}"))).unwrap();
            }
        }
        use cfgen_core::artifacts::FileSource;
        let files: Vec<String> = FsHost::new(dir.clone(), None).list_files();
        let _ = std::fs::remove_dir_all(&dir);
        let plain: Vec<&str> = files.iter().map(String::as_str).filter(|p| !p.starts_with("fan/")).collect();
        assert_eq!(plain, ["alias.js", "handler.js", "node_modules/lib/index.js", "packages/lib/index.js"]);
        // Level k is listed once as itself and once per link followed to it: two per listing of
        // level k - 1, at most MAX_LINKS_TO_ONE_FOLDER in all (1, 3, 7, 15, then 17 each).
        let mut listings = vec![1usize];
        for _ in 1..30 {
            listings.push(1 + (2 * listings.last().unwrap()).min(MAX_LINKS_TO_ONE_FOLDER));
        }
        assert_eq!(files.len() - plain.len(), listings.iter().sum::<usize>(), "one file per listing of each level");
    }

    /// The listing stats no plain file; the executable bit (kept in the zip) comes with the
    /// bytes, from the opened file, through a link from its target.
    #[cfg(unix)]
    #[test]
    fn the_executable_bit_comes_with_the_bytes() {
        use cfgen_core::artifacts::FileSource;
        use std::os::unix::fs::{symlink, PermissionsExt};
        let dir = std::env::temp_dir().join(format!("cfgen-exec-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("bin")).unwrap();
        std::fs::write(dir.join("bin/run.sh"), "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(dir.join("bin/run.sh"), std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::write(dir.join("handler.js"), "exports.h = 1;\n").unwrap();
        symlink("bin/run.sh", dir.join("run")).unwrap();
        let host = FsHost::new(dir.clone(), None);
        let files = host.list_files();
        let read: Vec<(Vec<u8>, bool)> = files.iter().map(|p| host.read_bytes(p).map(|f| (f.bytes, f.executable)).unwrap()).collect();
        let missing = host.read_bytes("nope.js");
        let folder = host.read_bytes("bin");
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(files, ["bin/run.sh", "handler.js", "run"]);
        assert_eq!(read, [(b"#!/bin/sh\n".to_vec(), true), (b"exports.h = 1;\n".to_vec(), false), (b"#!/bin/sh\n".to_vec(), true)]);
        assert_eq!((missing, folder), (None, None), "a missing file and a folder read as nothing");
    }
}
