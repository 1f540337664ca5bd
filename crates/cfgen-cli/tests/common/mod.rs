//! What the binary's end-to-end tests share.

use std::ops::Deref;
use std::path::{Path, PathBuf};

/// A scratch directory for one test: `<tmp>/cfgen-<tag>-<pid>/svc`, created empty. Everything
/// under `<tmp>/cfgen-<tag>-<pid>` (the service and the outputs written beside it, such as
/// `svc.a`) is removed when the test ends, and kept when it fails, to be looked at. Process ids
/// are reused, so an earlier run's leftovers are removed first: a test that expects no output
/// must not find one.
pub struct Scratch {
    root: PathBuf,
    dir: PathBuf,
}

impl Scratch {
    pub fn new(tag: &str) -> Scratch {
        let root = std::env::temp_dir().join(format!("cfgen-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let dir = root.join("svc");
        std::fs::create_dir_all(&dir).unwrap();
        Scratch { root, dir }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.root);
        }
    }
}

impl Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.dir
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        &self.dir
    }
}
