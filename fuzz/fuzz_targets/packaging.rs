//! File selection, development dependencies and the zip on an arbitrary service folder: the
//! input is `path\0content\0path\0content...` (package.json files and node_modules trees are
//! what the seeds hold). Asserts no panic, and that the zip lists what was selected.
#![no_main]
use cfgen_core::devdeps::dev_dependency_globs;
use cfgen_core::package::{build_zip, select_files_with, zip_listing, ZipEntry};
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;

fuzz_target!(|data: &[u8]| {
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    let mut parts = data.split(|b| *b == 0);
    while let (Some(path), Some(content)) = (parts.next(), parts.next()) {
        if let Ok(path) = std::str::from_utf8(path) {
            if !path.is_empty() {
                files.insert(path.to_string(), content.to_vec());
            }
        }
    }
    let paths: Vec<String> = files.keys().cloned().collect();
    let globs = dev_dependency_globs(&paths, &|p| files.get(p).cloned());
    let excludes = vec![".git/**".to_string(), "serverless.yml".to_string()];
    let Ok(selected) = select_files_with(&paths, &excludes, &[], &[], &globs) else { return };
    let entries: Vec<ZipEntry> = selected.iter().map(|p| ZipEntry { path: p, executable: false, data: &files[p] }).collect();
    let zip = build_zip(&entries);
    let listed = zip_listing(&zip).expect("cfgen reads back the zips it writes");
    assert!(listed.len() <= selected.len(), "no entry the selection did not hold");
});
