//! `package.excludeDevDependencies` (on unless set to `false`): Serverless v3 leaves a Node
//! service's development dependencies out of its zips (`excludeNodeDevDependencies` in
//! `lib/plugins/package/lib/zip-service.js`). It runs `npm ls --dev=true` and `npm ls
//! --prod=true` (`--parseable --all`) in every folder with a `package.json` outside
//! `node_modules`, and excludes each package the first lists and the second does not, with its
//! `.bin` links. cfgen reads the same answer from the installed tree itself, without npm:
//!
//! * a package is a folder `node_modules/<name>` or `node_modules/@scope/<name>` with a
//!   `package.json`, at any depth of nested `node_modules`;
//! * a dependency of the package in folder `D` is found as npm and Node find it: in
//!   `D/node_modules`, then in the `node_modules` of each package folder above `D`, up to the
//!   root's;
//! * the excluded packages are those reachable from the root `package.json` only through its
//!   `devDependencies`: every path from the root to them starts with a dev edge. Any other
//!   edge (`dependencies`, `optionalDependencies`, `peerDependencies`) is a production edge,
//!   and a package nothing reaches (extraneous) stays, as npm lists it either way.
//!
//! The globs are Serverless': `<package>/**`, and for each executable in its `bin` (an object),
//! or for the package's own name (a string `bin`), `<folder of the package>/.bin/<name>` (for a
//! scoped package that folder is `node_modules/@scope/`, as Serverless writes it).

use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

/// The dependency fields that are production edges.
const PROD_FIELDS: [&str; 3] = ["dependencies", "optionalDependencies", "peerDependencies"];

/// The exclude globs for the development dependencies installed under every `package.json`
/// of `paths` (the service's files, '/'-separated, relative to the service folder) that is not
/// inside a `node_modules`. `read` gives a file's bytes.
pub fn dev_dependency_globs(paths: &[String], read: &dyn Fn(&str) -> Option<Vec<u8>>) -> Vec<String> {
    // Every package folder, by the folder of its `node_modules` and its name.
    let mut packages: HashSet<&str> = HashSet::new();
    let mut roots: Vec<&str> = Vec::new();
    for p in paths {
        let Some(dir) = p.strip_suffix("package.json").filter(|d| d.is_empty() || d.ends_with('/')) else {
            continue;
        };
        let dir = dir.trim_end_matches('/');
        if p.contains("node_modules") {
            if is_package_folder(dir) {
                packages.insert(dir);
            }
        } else {
            roots.push(dir);
        }
    }
    if packages.is_empty() {
        return Vec::new();
    }
    // Each package's manifest, read and parsed once: `None` when it cannot be read, `Err` when
    // it is not JSON (Serverless skips the first and gives up its whole exclusion on the second).
    let mut manifests: BTreeMap<String, Option<Result<Value, ()>>> = BTreeMap::new();
    // The names the manifest in `dir` depends on through `fields`; `None` without a manifest.
    let mut edges = |dir: &str, fields: &[&str]| -> Option<Vec<String>> {
        let entry = manifests.entry(dir.to_string()).or_insert_with(|| {
            let path = if dir.is_empty() { "package.json".to_string() } else { format!("{dir}/package.json") };
            read(&path).map(|b| serde_json::from_slice(&b).map_err(|_| ()))
        });
        let manifest = entry.as_ref()?.as_ref().ok()?;
        Some(fields.iter().filter_map(|f| manifest.get(*f)?.as_object()).flat_map(|deps| deps.keys().cloned()).collect())
    };

    let mut excluded: Vec<String> = Vec::new();
    for root in roots {
        let Some(root_prod) = edges(root, &PROD_FIELDS) else {
            continue; // npm ls fails on it and lists nothing
        };
        let root_dev = edges(root, &["devDependencies"]).unwrap_or_default();
        let resolve = |from: &str, name: &str| -> Option<String> {
            let mut dir = from.to_string();
            loop {
                let candidate = join(&join(&dir, "node_modules"), name);
                if packages.contains(candidate.as_str()) {
                    return Some(candidate);
                }
                if dir == root {
                    return None;
                }
                dir = parent_package(&dir, root);
            }
        };
        // Every package reachable from the root's `names` over production edges.
        let mut walk = |names: &[String], seen: &mut HashSet<String>| {
            let mut stack: Vec<String> = names.iter().filter_map(|name| resolve(root, name)).collect();
            while let Some(dir) = stack.pop() {
                if !seen.insert(dir.clone()) {
                    continue;
                }
                for name in edges(&dir, &PROD_FIELDS).unwrap_or_default() {
                    if let Some(next) = resolve(&dir, &name) {
                        stack.push(next);
                    }
                }
            }
        };
        let mut prod: HashSet<String> = HashSet::new();
        walk(&root_prod, &mut prod);
        let mut all = prod.clone();
        walk(&root_dev, &mut all);
        let mut dev: Vec<String> = all.into_iter().filter(|d| !prod.contains(d)).collect();
        dev.sort();
        excluded.extend(dev);
    }

    let mut globs = Vec::new();
    for item in excluded {
        // Every excluded package was walked, so its manifest is in the map.
        let pkg = match manifests.get(&item) {
            Some(Some(Ok(pkg))) => pkg,
            Some(Some(Err(()))) => return Vec::new(),
            _ => continue,
        };
        let cut = item.rfind('/').map_or(0, |i| i + 1);
        let (module_path, module_name) = item.split_at(cut);
        globs.push(format!("{item}/**"));
        match pkg.get("bin") {
            Some(Value::Object(bins)) => globs.extend(bins.keys().map(|exe| format!("{module_path}.bin/{exe}"))),
            Some(Value::String(_)) => globs.push(format!("{module_path}.bin/{module_name}")),
            _ => {}
        }
    }
    crate::value::union(globs.iter().map(String::as_str))
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// Whether `dir` ends in `node_modules/<name>` or `node_modules/@scope/<name>`, with only such
/// pairs between `node_modules` folders (`.bin` and other dot folders are not packages).
fn is_package_folder(dir: &str) -> bool {
    let Some(i) = dir.find("node_modules/") else {
        return false;
    };
    if i > 0 && !dir[..i].ends_with('/') {
        return false;
    }
    let name_ok = |n: &str| !n.is_empty() && !n.starts_with('.');
    let mut parts = dir[i + "node_modules/".len()..].split('/');
    loop {
        match parts.next() {
            Some(scope) if scope.starts_with('@') => {
                if scope.len() == 1 || !parts.next().is_some_and(name_ok) {
                    return false;
                }
            }
            Some(name) if name_ok(name) => {}
            _ => return false,
        }
        match parts.next() {
            None => return true,
            Some("node_modules") => {}
            Some(_) => return false,
        }
    }
}

/// The package folder that holds the `node_modules` that `dir` is in (the root at the top).
fn parent_package(dir: &str, root: &str) -> String {
    match dir.rfind("/node_modules/") {
        Some(i) if i >= root.len() => dir[..i].to_string(),
        _ => root.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn globs(files: &[(&str, &str)]) -> Vec<String> {
        let paths: Vec<String> = files.iter().map(|(p, _)| p.to_string()).collect();
        let map: BTreeMap<String, Vec<u8>> = files.iter().map(|(p, c)| (p.to_string(), c.as_bytes().to_vec())).collect();
        dev_dependency_globs(&paths, &|p| map.get(p).cloned())
    }

    #[test]
    fn dev_only_packages_and_their_bins_are_excluded() {
        let files = [
            ("package.json", r#"{"dependencies":{"a":"1"},"devDependencies":{"jest":"1","shared":"1","@t/cli":"1"}}"#),
            ("node_modules/a/package.json", r#"{"name":"a","dependencies":{"shared":"1","b":"1"}}"#),
            ("node_modules/a/node_modules/b/package.json", r#"{"name":"b"}"#),
            // Not the `b` that `a` finds (its own), but the one `jest` finds.
            ("node_modules/b/package.json", r#"{"name":"b"}"#),
            ("node_modules/shared/package.json", r#"{"name":"shared"}"#),
            ("node_modules/jest/package.json", r#"{"name":"jest","bin":{"jest":"bin/jest.js"},"dependencies":{"pretty":"1","b":"1"}}"#),
            ("node_modules/pretty/package.json", r#"{"name":"pretty","bin":"cli.js"}"#),
            ("node_modules/@t/cli/package.json", r#"{"name":"@t/cli","bin":"x.js"}"#),
            ("node_modules/extraneous/package.json", r#"{"name":"extraneous"}"#),
            ("node_modules/a/lib/package.json", r#"{"name":"not a package"}"#),
        ];
        assert_eq!(
            globs(&files),
            [
                "node_modules/@t/cli/**",
                "node_modules/@t/.bin/cli",
                "node_modules/b/**",
                "node_modules/jest/**",
                "node_modules/.bin/jest",
                "node_modules/pretty/**",
                "node_modules/.bin/pretty",
            ]
        );
    }

    #[test]
    fn nothing_without_a_root_manifest_or_installed_packages() {
        assert!(globs(&[("node_modules/x/package.json", "{}")]).is_empty());
        assert!(globs(&[("package.json", r#"{"devDependencies":{"x":"1"}}"#)]).is_empty());
        assert!(globs(&[("package.json", "not json"), ("node_modules/x/package.json", "{}")]).is_empty());
    }

    #[test]
    fn an_unparsable_excluded_manifest_cancels_the_exclusion() {
        let files = [("package.json", r#"{"devDependencies":{"x":"1"}}"#), ("node_modules/x/package.json", "{oops")];
        // The tree walk cannot read x's own dependencies either; Serverless' reduce rejects.
        assert!(globs(&files).is_empty());
    }

    #[test]
    fn nested_roots_resolve_within_their_own_tree() {
        let files = [
            ("package.json", r#"{"dependencies":{"x":"1"}}"#),
            ("node_modules/x/package.json", "{}"),
            ("svc/package.json", r#"{"devDependencies":{"x":"1"}}"#),
            ("svc/node_modules/x/package.json", "{}"),
        ];
        assert_eq!(globs(&files), ["svc/node_modules/x/**"]);
    }

    #[test]
    fn package_folders() {
        for yes in ["node_modules/a", "node_modules/@s/a", "x/node_modules/a/node_modules/@s/b"] {
            assert!(is_package_folder(yes), "{yes}");
        }
        for no in ["node_modules", "node_modules/a/lib", "node_modules/@s", "node_modules/.bin", "node_modules/a/node_modules", "lib/a"] {
            assert!(!is_package_folder(no), "{no}");
        }
    }
}
