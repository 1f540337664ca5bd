//! The `cfgen` binary end to end: exit codes, `package` reproducibility, `print`.

mod common;

use common::Scratch;
use std::path::Path;
use std::process::Command;

fn cfgen() -> Command {
    Command::new(env!("CARGO_BIN_EXE_cfgen"))
}

/// A fresh copy of `examples/hello` in a scratch directory.
fn hello_copy(tag: &str) -> Scratch {
    let dir = Scratch::new(&format!("cli-{tag}"));
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/hello");
    for f in ["serverless.yml", "index.py"] {
        std::fs::copy(example.join(f), dir.join(f)).unwrap();
    }
    dir
}

#[test]
fn build_prints_the_template_and_warns_on_stderr() {
    let dir = hello_copy("build");
    let out = cfgen().arg("build").current_dir(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let template: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(template["Resources"]["MainLambdaFunction"]["Properties"]["Runtime"], "python3.6");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("warning[CFG520]") && stderr.contains("warning[CFG402]"), "{stderr}");
}

#[test]
fn validate_blocks_runtimes_and_limits() {
    let dir = hello_copy("validate");
    // python3.6: updates blocked, so `validate` fails unless --allow-deprecated-runtimes; `build` warns.
    let v = cfgen().arg("validate").current_dir(&dir).output().unwrap();
    assert_eq!(v.status.code(), Some(1));
    assert!(v.stdout.is_empty(), "validate prints no template");
    assert!(String::from_utf8_lossy(&v.stderr).contains("error[CFG520]"), "{}", String::from_utf8_lossy(&v.stderr));
    let allowed = cfgen().args(["validate", "--allow-deprecated-runtimes"]).current_dir(&dir).output().unwrap();
    assert_eq!(allowed.status.code(), Some(0), "{}", String::from_utf8_lossy(&allowed.stderr));
    assert!(String::from_utf8_lossy(&allowed.stderr).contains("warning[CFG520]"));

    // 130 functions with an sqs event each: 523 resources, over the stack limit.
    let mut yml = String::from(
        "service: many
provider:
  name: aws
  runtime: python3.12
functions:
",
    );
    for i in 0..130 {
        yml.push_str(&format!(
            "  w{i}:
    handler: index.handler
    events:
      - sqs: arn:aws:sqs:us-east-1:123456789012:q{i}
"
        ));
    }
    std::fs::write(dir.join("many.yml"), yml).unwrap();
    let b = cfgen().args(["build", "many.yml"]).current_dir(&dir).output().unwrap();
    assert_eq!(b.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&b.stderr);
    assert!(stderr.contains("error[CFG510]") && stderr.contains("523 resources") && stderr.contains("at most 500"), "{stderr}");
    assert!(b.stdout.is_empty());
    let out = cfgen().args(["build", "many.yml", "--no-limit-checks"]).current_dir(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let t: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(t["Resources"].as_object().unwrap().len(), 523);
}

#[test]
fn exit_codes() {
    let dir = hello_copy("codes");
    std::fs::write(dir.join("bad.yml"), "service: x\nprovider:\n  name: google\n").unwrap();
    let bad = cfgen().args(["build", "bad.yml"]).current_dir(&dir).output().unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("bad.yml:3:9"));
    let usage = cfgen().args(["build", "--no-such-flag"]).current_dir(&dir).output().unwrap();
    assert_eq!(usage.status.code(), Some(2));
    let strict = cfgen().args(["build", "--strict"]).current_dir(&dir).output().unwrap();
    assert_eq!(strict.status.code(), Some(1), "warnings are errors with --strict");
}

#[test]
fn package_is_reproducible_and_code_sha256_is_the_zip_hash() {
    use sha2::{Digest, Sha256};
    let dir = hello_copy("package");
    // Outputs go next to the service: a folder inside it would be part of the next package.
    let run = |out: &str| {
        let out = dir.with_extension(out);
        let s = cfgen().arg("package").arg("--out").arg(&out).current_dir(&dir).output().unwrap();
        assert_eq!(s.status.code(), Some(0), "{}", String::from_utf8_lossy(&s.stderr));
    };
    run("a");
    run("b");
    for f in ["cloudformation-template-update-stack.json", "cloudformation-template-create-stack.json", "helloworld.zip"] {
        assert_eq!(
            std::fs::read(dir.with_extension("a").join(f)).unwrap(),
            std::fs::read(dir.with_extension("b").join(f)).unwrap(),
            "{f} differs between runs"
        );
    }
    let zip = std::fs::read(dir.with_extension("a").join("helloworld.zip")).unwrap();
    use base64::Engine;
    let sha = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&zip));
    let template: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.with_extension("a").join("cloudformation-template-update-stack.json")).unwrap()).unwrap();
    let version = template["Resources"].as_object().unwrap().iter().find(|(k, _)| k.starts_with("MainLambdaVersion")).unwrap().1;
    assert_eq!(version["Properties"]["CodeSha256"], sha);

    // A changed source changes that artifact's hash.
    std::fs::write(dir.join("index.py"), "def handler(event, context):\n    return 'changed'\n").unwrap();
    run("c");
    assert_ne!(std::fs::read(dir.with_extension("c").join("helloworld.zip")).unwrap(), zip);
    // The default output folder (.serverless inside the service) is never packaged.
    let s = cfgen().arg("package").current_dir(&dir).output().unwrap();
    assert_eq!(s.status.code(), Some(0));
    let again = cfgen().arg("package").current_dir(&dir).output().unwrap();
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(
        std::fs::read(dir.join(".serverless/helloworld.zip")).unwrap(),
        std::fs::read(dir.with_extension("c").join("helloworld.zip")).unwrap()
    );
}

#[test]
fn print_resolves_variables() {
    let dir = hello_copy("print");
    std::fs::write(
        dir.join("serverless.yml"),
        "service: p\nprovider:\n  name: aws\n  stage: ${opt:stage, 'dev'}\ncustom:\n  s: ${sls:stage}-x\n",
    )
    .unwrap();
    let out = cfgen().args(["print", "--stage", "prod"]).current_dir(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("stage: prod") && text.contains("s: prod-x"), "{text}");
}

#[test]
fn hostile_files_end_in_clear_errors() {
    let dir = hello_copy("hostile");
    // Non-UTF-8 text: an error at the first bad byte.
    std::fs::write(dir.join("latin1.yml"), b"service: caf\xe9\nprovider:\n  name: aws\n").unwrap();
    let out = cfgen().args(["build", "latin1.yml"]).current_dir(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("error[CFG107]"));
    // ${file()} pointing at a directory, and at a 1 GB (sparse) file: refused without reading it.
    std::fs::create_dir_all(dir.join("adir")).unwrap();
    let big = std::fs::File::create(dir.join("big.yml")).unwrap();
    big.set_len(1 << 30).unwrap();
    for target in ["./adir", "./big.yml"] {
        std::fs::write(dir.join("v.yml"), format!("service: v\nprovider:\n  name: aws\ncustom:\n  x: ${{file({target})}}\n")).unwrap();
        let out = cfgen().args(["build", "v.yml"]).current_dir(&dir).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{target}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("error[CFG305]"), "{target}: {}", String::from_utf8_lossy(&out.stderr));
    }
    // A configuration over the size limit is refused before it is read.
    let huge = std::fs::File::create(dir.join("huge.yml")).unwrap();
    huge.set_len(1 << 30).unwrap();
    let out = cfgen().args(["build", "huge.yml"]).current_dir(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("error[CFG104]"));
    // So is a `--vars` file (it took 6 GB of memory to refuse after reading).
    let out = cfgen().args(["build", "--vars", "huge.yml"]).current_dir(&dir).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--vars huge.yml is 1073741824 bytes; cfgen reads files of at most 16777216 bytes"), "{stderr}");
}
