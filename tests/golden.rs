//! The golden harness.
//!
//! * `golden/ok/<area>/<case>/`: builds `serverless.yml` (with the stage, region, arguments and
//!   environment of its `oracle.json`, the instance id and artifact folder pinned to the values
//!   the oracle's normaliser writes) and checks (1) the output is byte-for-byte `template.json`,
//!   (2) it equals `reference.json` (Serverless v3's output) under cfn-compare's rules, (3) the
//!   diagnostics (warnings) are exactly `diagnostics.txt` (absent = none) and none is an error.
//! * `golden/err/<area>/<case>/`: the build fails with at least one error, and its diagnostics
//!   are exactly `diagnostics.txt`.
//!
//! Every build runs the checks of the emitted template (`cfgen_core::check`), as `cfgen build`
//! does; an `oracle.json` with `"validate": true` runs them as `cfgen validate`, and one with
//! `"stage"` / `"region"` builds for those instead of dev / us-east-1 (the oracle takes them as
//! `CFGEN_STAGE` / `CFGEN_REGION`: `scripts/make-reference` passes them).
//!
//! `CFGEN_BLESS=1 cargo test` rewrites `template.json` and `diagnostics.txt`; read the diff.
//! `reference.json` only ever comes from `../shared/tools/oracle`.

use cfgen_core::{BuildOptions, MemoryHost};
use serde_json::Value;
use std::path::{Path, PathBuf};

const NOT_SERVICE_FILES: [&str; 6] = ["reference.json", "template.json", "oracle.json", "diagnostics.txt", "NOTE", "SOURCE"];

fn config_file(dir: &Path) -> Option<PathBuf> {
    ["serverless.yml", "serverless.yaml", "serverless.json"].iter().map(|n| dir.join(n)).find(|p| p.is_file())
}

fn cases(root: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(root) else { return };
    let mut dirs: Vec<PathBuf> = rd.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    for d in dirs {
        if config_file(&d).is_some() {
            out.push(d);
        } else {
            cases(&d, out);
        }
    }
}

fn walk_files(dir: &Path, prefix: &str, host: &mut MemoryHost) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
        let p = e.path();
        if p.is_dir() {
            walk_files(&p, &rel, host);
        } else if !(prefix.is_empty() && (NOT_SERVICE_FILES.contains(&name.as_str()) || name.ends_with(".md"))) {
            if let Ok(b) = std::fs::read(&p) {
                use std::os::unix::fs::PermissionsExt;
                if std::fs::metadata(&p).is_ok_and(|m| m.permissions().mode() & 0o100 != 0) {
                    host.executable.insert(rel.clone());
                }
                host.files.insert(rel, b);
            }
        }
    }
}

/// Build a case as the oracle ran it.
fn run(dir: &Path) -> (Option<String>, String, bool) {
    let cfg = config_file(dir).expect("case has a config file");
    let file_name = cfg.file_name().unwrap().to_string_lossy().into_owned();
    let src = std::fs::read_to_string(&cfg).expect("config is UTF-8");
    let mut host = MemoryHost::default();
    walk_files(dir, "", &mut host);
    let mut opts = BuildOptions {
        stage: Some("dev".into()),
        region: Some("us-east-1".into()),
        instance_id: Some("0000000000000".into()),
        artifact_folder: Some("0000000000000-1970-01-01T00:00:00.000Z".into()),
        ..Default::default()
    };
    if let Ok(text) = std::fs::read_to_string(dir.join("oracle.json")) {
        let o: Value = serde_json::from_str(&text).expect("oracle.json is JSON");
        // `"validate": true` (cfgen only; the oracle ignores it): run as `cfgen validate`.
        opts.checks.validate = o.get("validate") == Some(&Value::Bool(true));
        // `"stage"` / `"region"` (cfgen's; `scripts/make-reference` gives them to the oracle).
        if let Some(stage) = o.get("stage").and_then(Value::as_str) {
            opts.stage = Some(stage.into());
        }
        if let Some(region) = o.get("region").and_then(Value::as_str) {
            opts.region = Some(region.into());
        }
        if let Some(Value::Object(env)) = o.get("env") {
            for (k, v) in env {
                host.env.insert(k.clone(), v.as_str().unwrap_or_default().to_string());
            }
        }
        let args: Vec<String> = o
            .get("args")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|x| x.as_str().map(String::from)).collect())
            .unwrap_or_default();
        let mut i = 0;
        while i < args.len() {
            let a = args[i].trim_start_matches('-').to_string();
            let (name, value) = match a.split_once('=') {
                Some((n, v)) => (n.to_string(), v.to_string()),
                None => {
                    i += 1;
                    (a, args.get(i).cloned().unwrap_or_default())
                }
            };
            match name.as_str() {
                "param" => {
                    if let Some((k, v)) = value.split_once('=') {
                        opts.params.insert(k.into(), v.into());
                    }
                }
                "stage" | "s" => opts.stage = Some(value),
                "region" | "r" => opts.region = Some(value),
                _ => {
                    opts.options.insert(name, Value::String(value));
                }
            }
            i += 1;
        }
    }
    let out = cfgen_core::build(&src, &file_name, &opts, &host);
    let diags: String = out.diagnostics.iter().map(|d| cfgen_syntax::render::human(d, &out.sources)).collect();
    let failed = out.diagnostics.iter().any(|d| d.is_error());
    (out.template.map(|t| cfgen_core::emit::to_json(&t)), diags, failed)
}

fn check_text(path: &Path, actual: &str, bless: bool, what: &str) -> Result<(), String> {
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    if expected == actual {
        return Ok(());
    }
    if bless {
        if actual.is_empty() {
            let _ = std::fs::remove_file(path);
        } else {
            std::fs::write(path, actual).map_err(|e| e.to_string())?;
        }
        return Ok(());
    }
    let first =
        expected.lines().zip(actual.lines()).position(|(a, b)| a != b).unwrap_or(expected.lines().count().min(actual.lines().count()));
    Err(format!(
        "{what} differs from {} at line {}:\n  expected: {}\n  actual:   {}\n(CFGEN_BLESS=1 cargo test rewrites it; read the diff)",
        path.display(),
        first + 1,
        expected.lines().nth(first).unwrap_or("<end>"),
        actual.lines().nth(first).unwrap_or("<end>")
    ))
}

fn check_ok(dir: &Path, bless: bool) -> Result<(), String> {
    let (template, diags, failed) = run(dir);
    if failed {
        return Err(format!("build failed:\n{diags}"));
    }
    let template = template.ok_or("no template")?;
    let reference_text = std::fs::read_to_string(dir.join("reference.json"))
        .map_err(|_| "no reference.json (make it with scripts/make-reference)".to_string())?;
    let reference: Value = serde_json::from_str(&reference_text).map_err(|e| format!("reference.json: {e}"))?;
    let actual: Value = serde_json::from_str(&template).map_err(|e| format!("template: {e}"))?;
    let diffs = cfgen_tests::differences(&reference, &actual);
    if !diffs.is_empty() {
        return Err(format!("differs from reference.json:\n  {}", diffs.join("\n  ")));
    }
    // Stronger than cfn-compare: with the instance id and artifact folder pinned, and the zips
    // byte-identical to Serverless', the whole template (key order, CodeSha256, version ids)
    // is the oracle's, byte for byte.
    if template != reference_text {
        return Err("equivalent to reference.json but not byte-identical (key order, CodeSha256 or a version id differs); \
                    if reference.json was made with cfgen's own files in the folder, remake it with scripts/make-reference"
            .into());
    }
    check_text(&dir.join("diagnostics.txt"), &diags, bless, "diagnostics")?;
    check_text(&dir.join("template.json"), &template, bless, "template")
}

fn check_err(dir: &Path, bless: bool) -> Result<(), String> {
    let (_, diags, failed) = run(dir);
    if !failed {
        return Err(format!("expected an error, the build succeeded; diagnostics:\n{diags}"));
    }
    check_text(&dir.join("diagnostics.txt"), &diags, bless, "diagnostics")
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../golden");
    let bless = std::env::var_os("CFGEN_BLESS").is_some_and(|v| v == "1");
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with('-'));
    let mut ok_cases = Vec::new();
    cases(&root.join("ok"), &mut ok_cases);
    let mut err_cases = Vec::new();
    cases(&root.join("err"), &mut err_cases);
    // golden/err/hostile runs through the real binary (IO limits included):
    // crates/cfgen-cli/tests/golden_hostile.rs.
    err_cases.retain(|d| !d.starts_with(root.join("err/hostile")));
    assert!(!ok_cases.is_empty() && !err_cases.is_empty(), "no golden cases found under {}", root.display());
    let (mut passed, mut failed) = (0, 0);
    for (kind, list) in [("ok", &ok_cases), ("err", &err_cases)] {
        for dir in list {
            let name = dir.strip_prefix(&root).unwrap_or(dir).display().to_string();
            if filter.as_ref().is_some_and(|f| !name.contains(f.as_str())) {
                continue;
            }
            let r = std::panic::catch_unwind(|| if kind == "ok" { check_ok(dir, bless) } else { check_err(dir, bless) })
                .unwrap_or_else(|_| Err("panicked".into()));
            match r {
                Ok(()) => {
                    passed += 1;
                    println!("golden {name} ... ok");
                }
                Err(e) => {
                    failed += 1;
                    println!("golden {name} ... FAILED\n{e}\n");
                }
            }
        }
    }
    println!("\ngolden: {passed} passed, {failed} failed");
    if failed > 0 {
        std::process::exit(1);
    }
}
