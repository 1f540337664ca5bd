//! Golden hostile inputs (issue 8), run through the real `cfgen` binary so the IO limits
//! (configuration size, non-UTF-8 bytes, `${file()}` on a directory or a 1 GB file) are covered
//! too. Each case is `golden/err/hostile/<case>/` holding either a committed `serverless.yml`
//! (+ files it reads) or a `recipe` that generates inputs too big to commit:
//!
//! ```text
//! # comment
//! config <text>            append <text> to serverless.yml (`\n` and `\t` escapes)
//! config-repeat <N> <text> append <text> N times
//! config-numbered <N> <text> append <text> N times, `{i}` in it replaced by 0, 1, ... N-1
//! sparse <path> <bytes>    a sparse file of that size (never written out)
//! dir <path>               an empty directory
//! ```
//!
//! `cfgen build serverless.yml` must exit 1 and print exactly `diagnostics.txt` on stderr
//! (`CFGEN_BLESS=1` rewrites it). Timings are measured by `scripts/hostile-timing`, not here.

use std::path::{Path, PathBuf};
use std::process::Command;

fn unescape(s: &str) -> String {
    s.replace("\\n", "\n").replace("\\t", "\t")
}

fn materialise(case: &Path, work: &Path) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(work);
    std::fs::create_dir_all(work).map_err(|e| e.to_string())?;
    for e in std::fs::read_dir(case).map_err(|e| e.to_string())? {
        let e = e.map_err(|e| e.to_string())?;
        let name = e.file_name().to_string_lossy().into_owned();
        if ["recipe", "diagnostics.txt", "NOTE"].contains(&name.as_str()) || !e.path().is_file() {
            continue;
        }
        std::fs::copy(e.path(), work.join(&name)).map_err(|e| e.to_string())?;
    }
    let Ok(recipe) = std::fs::read_to_string(case.join("recipe")) else { return Ok(()) };
    let mut config = String::new();
    for line in recipe.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')) {
        let (cmd, rest) = line.split_once(' ').unwrap_or((line, ""));
        match cmd {
            "config" => config.push_str(&unescape(rest)),
            "config-repeat" => {
                let (n, text) = rest.split_once(' ').ok_or("config-repeat N TEXT")?;
                config.push_str(&unescape(text).repeat(n.parse().map_err(|_| format!("bad count {n}"))?));
            }
            "config-numbered" => {
                let (n, text) = rest.split_once(' ').ok_or("config-numbered N TEXT")?;
                let text = unescape(text);
                for i in 0..n.parse::<usize>().map_err(|_| format!("bad count {n}"))? {
                    config.push_str(&text.replace("{i}", &i.to_string()));
                }
            }
            "sparse" => {
                let (p, n) = rest.split_once(' ').ok_or("sparse PATH BYTES")?;
                let f = std::fs::File::create(work.join(p)).map_err(|e| e.to_string())?;
                f.set_len(n.parse().map_err(|_| format!("bad size {n}"))?).map_err(|e| e.to_string())?;
            }
            "dir" => std::fs::create_dir_all(work.join(rest)).map_err(|e| e.to_string())?,
            other => return Err(format!("unknown recipe command `{other}`")),
        }
    }
    if !config.is_empty() {
        std::fs::write(work.join("serverless.yml"), config).map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn run(case: &Path, bless: bool) -> Result<(), String> {
    let work: PathBuf =
        std::env::temp_dir().join(format!("cfgen-hostile-{}-{}", case.file_name().unwrap().to_string_lossy(), std::process::id()));
    materialise(case, &work)?;
    let out = Command::new(env!("CARGO_BIN_EXE_cfgen"))
        .args(["build", "serverless.yml", "--stage", "dev", "--region", "us-east-1"])
        .current_dir(&work)
        .output()
        .map_err(|e| e.to_string())?;
    let _ = std::fs::remove_dir_all(&work);
    if out.status.code() != Some(1) {
        return Err(format!("exit status {:?}, expected 1", out.status.code()));
    }
    if !out.stdout.is_empty() {
        return Err("a template was printed".into());
    }
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if !stderr.contains("error[") {
        return Err(format!("no error reported:\n{stderr}"));
    }
    let expected_path = case.join("diagnostics.txt");
    if bless {
        std::fs::write(&expected_path, &stderr).map_err(|e| e.to_string())?;
        return Ok(());
    }
    let expected = std::fs::read_to_string(&expected_path).map_err(|_| "no diagnostics.txt (CFGEN_BLESS=1 writes it)".to_string())?;
    if expected != stderr {
        let line =
            expected.lines().zip(stderr.lines()).position(|(a, b)| a != b).unwrap_or(expected.lines().count().min(stderr.lines().count()));
        return Err(format!(
            "diagnostics differ at line {}:\n  expected: {}\n  actual:   {}",
            line + 1,
            expected.lines().nth(line).unwrap_or("<end>"),
            stderr.lines().nth(line).unwrap_or("<end>")
        ));
    }
    Ok(())
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../golden/err/hostile");
    let bless = std::env::var_os("CFGEN_BLESS").is_some_and(|v| v == "1");
    let mut cases: Vec<PathBuf> =
        std::fs::read_dir(&root).expect("golden/err/hostile").flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect();
    cases.sort();
    assert!(cases.len() >= 10, "only {} hostile cases", cases.len());
    let mut failed = 0;
    for case in &cases {
        match run(case, bless) {
            Ok(()) => println!("hostile {} ... ok", case.file_name().unwrap().to_string_lossy()),
            Err(e) => {
                failed += 1;
                println!("hostile {} ... FAILED\n{e}", case.file_name().unwrap().to_string_lossy());
            }
        }
    }
    println!("golden hostile: {} passed, {failed} failed", cases.len() - failed);
    if failed > 0 {
        std::process::exit(1);
    }
}
