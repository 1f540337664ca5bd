//! Property test: the whole pipeline over mutated golden inputs never panics, and always ends
//! in a template or at least one error. Deterministic (a fixed-seed PRNG), bounded (a fixed
//! number of mutants per input).

use cfgen_core::{BuildOptions, MemoryHost};
use std::path::{Path, PathBuf};

/// xorshift64*: deterministic, dependency-free.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const TOKENS: [&str; 24] = [
    "${self:custom.a}",
    "${opt:stage}",
    "${env:HOME}",
    "${file(./serverless.yml)}",
    "${sls:stage}",
    "${param:x}",
    "${ssm:/x}",
    "!GetAtt A.B",
    "!Ref X",
    "&anchor",
    "*anchor",
    "<<: *anchor",
    "null",
    "~",
    "[",
    "]",
    "{",
    "}",
    ": ",
    "- ",
    "\t",
    "'",
    "\"",
    "\n  nested:\n    deeper: 1\n",
];

fn mutate(src: &str, rng: &mut Rng) -> String {
    let mut lines: Vec<String> = src.lines().map(String::from).collect();
    for _ in 0..1 + rng.below(3) {
        if lines.is_empty() {
            lines.push(String::new());
        }
        let i = rng.below(lines.len());
        match rng.below(6) {
            0 => {
                lines.remove(i);
            }
            1 => {
                let l = lines[i].clone();
                lines.insert(i, l);
            }
            2 => {
                let l = &mut lines[i];
                let at = l.char_indices().map(|(p, _)| p).nth(rng.below(l.chars().count() + 1)).unwrap_or(l.len());
                l.insert_str(at, TOKENS[rng.below(TOKENS.len())]);
            }
            3 => {
                let l = &mut lines[i];
                let keep = l.chars().count() / 2;
                *l = l.chars().take(keep).collect();
            }
            4 => {
                let j = rng.below(lines.len());
                lines.swap(i, j);
            }
            _ => {
                let l = &mut lines[i];
                *l = format!("  {l}");
            }
        }
    }
    lines.join("\n") + "\n"
}

fn inputs(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            inputs(&p, out);
        } else if p.file_name().is_some_and(|n| n == "serverless.yml") {
            out.push(p);
        }
    }
}

#[test]
fn mutated_golden_inputs_never_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../golden");
    let mut files = Vec::new();
    inputs(&root, &mut files);
    assert!(files.len() > 50, "golden inputs not found");
    // CFGEN_ROBUST_ROUNDS / CFGEN_ROBUST_SEED widen the search locally; CI runs the default.
    let rounds: usize = std::env::var("CFGEN_ROBUST_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(12);
    let seed: u64 = std::env::var("CFGEN_ROBUST_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0x9E37_79B9_7F4A_7C15);
    let mut rng = Rng(seed | 1);
    let mut built = 0usize;
    let mut rejected = 0usize;
    for f in &files {
        // The hostile cases hold non-UTF-8 bytes on purpose (the binary's test reads those).
        let Ok(src) = String::from_utf8(std::fs::read(f).expect("golden input")) else { continue };
        let mut host = MemoryHost::default();
        host.files.insert("serverless.yml".into(), src.as_bytes().to_vec());
        host.files.insert("handler.js".into(), b"exports.handler = async () => 1;\n".to_vec());
        for _ in 0..rounds {
            let mutant = mutate(&src, &mut rng);
            let opts = BuildOptions { stage: Some("dev".into()), region: Some("us-east-1".into()), ..Default::default() };
            let out = std::panic::catch_unwind(|| cfgen_core::build(&mutant, "serverless.yml", &opts, &host))
                .unwrap_or_else(|_| panic!("panic on a mutant of {}:\n{mutant}", f.display()));
            let errors = out.diagnostics.iter().filter(|d| d.is_error()).count();
            match (&out.template, errors) {
                (Some(_), 0) => built += 1,
                (None, n) if n > 0 => rejected += 1,
                (t, n) => panic!("mutant of {} gave template={} with {n} errors:\n{mutant}", f.display(), t.is_some()),
            }
        }
    }
    assert!(built > 0 && rejected > 0, "mutants should both build and fail ({built} built, {rejected} rejected)");
}
