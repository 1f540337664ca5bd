//! Golden-style tests of the text outputs that are not templates: `cfgen graph` (Mermaid and
//! DOT) and `cfgen print` (YAML and JSON). Each case folder under `tests/golden/<command>/`
//! holds a `serverless.yml` and the exact expected output of every format:
//! `graph.mmd`, `graph.dot` / `print.yaml`, `print.json`.
//! `CFGEN_BLESS=1 cargo test -p cfgen-cli --test outputs` rewrites them; read the diff.

use std::path::Path;
use std::process::Command;

fn check(command: &str, expectations: &[(&str, &str)]) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(command);
    let bless = std::env::var_os("CFGEN_BLESS").is_some_and(|v| v == "1");
    let mut cases: Vec<_> = std::fs::read_dir(&root).unwrap().flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect();
    cases.sort();
    assert!(!cases.is_empty(), "no cases under {}", root.display());
    let mut failures = Vec::new();
    for case in &cases {
        for (file, format) in expectations {
            let out = Command::new(env!("CARGO_BIN_EXE_cfgen"))
                .args([command, "--format", format, "--stage", "dev", "--region", "us-east-1"])
                .current_dir(case)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(0), "{}: {}", case.display(), String::from_utf8_lossy(&out.stderr));
            let actual = String::from_utf8(out.stdout).unwrap();
            let path = case.join(file);
            let expected = std::fs::read_to_string(&path).unwrap_or_default();
            if actual != expected {
                if bless {
                    std::fs::write(&path, &actual).unwrap();
                } else {
                    failures.push(format!("{} differs:\n--- expected\n{expected}\n--- actual\n{actual}", path.display()));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}\n(CFGEN_BLESS=1 rewrites the expected files)", failures.join("\n"));
}

#[test]
fn graph_outputs() {
    check("graph", &[("graph.mmd", "mermaid"), ("graph.dot", "dot")]);
}

#[test]
fn print_outputs() {
    check("print", &[("print.yaml", "yaml"), ("print.json", "json")]);
}

/// The README shows the graph of `tests/golden/graph/orders` as it is rendered today.
#[test]
fn readme_graph_is_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(dir.join("../../README.md")).unwrap();
    let graph = std::fs::read_to_string(dir.join("tests/golden/graph/orders/graph.mmd")).unwrap();
    assert!(readme.contains(&format!("```mermaid\n{graph}```\n")), "README.md's mermaid block is not tests/golden/graph/orders/graph.mmd");
}
