//! `cfgen package` end to end: per-artifact reproducibility, the custom-resources zip, and
//! Lambda's size limits.

use cfgen_core::package::zip_listing;
mod common;

use common::Scratch;
use std::path::Path;
use std::process::{Command, Output};

/// A service folder (see [`Scratch`]: the `--out` folders made beside it, `svc.<run>`, go with it).
fn temp(tag: &str) -> Scratch {
    Scratch::new(&format!("package-{tag}"))
}

fn package(dir: &Path, out: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cfgen")).args(["package", "--out"]).arg(dir.with_extension(out)).current_dir(dir).output().unwrap()
}

fn template(dir: &Path, out: &str) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.with_extension(out).join("cloudformation-template-update-stack.json")).unwrap()).unwrap()
}

fn code_sha(t: &serde_json::Value, prefix: &str) -> String {
    let r = t["Resources"].as_object().unwrap();
    let (_, v) = r.iter().find(|(k, _)| k.starts_with(&format!("{prefix}LambdaVersion"))).unwrap();
    v["Properties"]["CodeSha256"].as_str().unwrap().to_string()
}

#[test]
fn a_changed_source_changes_exactly_that_artifact() {
    let dir = temp("individually");
    std::fs::write(
        dir.join("serverless.yml"),
        "service: two\nprovider:\n  name: aws\n  runtime: python3.12\npackage:\n  individually: true\nfunctions:\n  a:\n    handler: a/h.main\n    package:\n      patterns: ['!b/**']\n  b:\n    handler: b/h.main\n    package:\n      patterns: ['!a/**']\n",
    )
    .unwrap();
    for f in ["a", "b"] {
        std::fs::create_dir_all(dir.join(f)).unwrap();
        std::fs::write(dir.join(f).join("h.py"), format!("def main(e, c):\n    return '{f}'\n")).unwrap();
    }
    for run in ["one", "two"] {
        let out = package(&dir, run);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let read = |run: &str, f: &str| std::fs::read(dir.with_extension(run).join(f)).unwrap();
    for f in ["a.zip", "b.zip", "cloudformation-template-update-stack.json"] {
        assert_eq!(read("one", f), read("two", f), "{f}: same sources, same bytes");
    }
    std::fs::write(dir.join("b/h.py"), "def main(e, c):\n    return 'changed'\n").unwrap();
    let out = package(&dir, "three");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(read("one", "a.zip"), read("three", "a.zip"), "a's sources did not change");
    assert_ne!(read("one", "b.zip"), read("three", "b.zip"));
    let (before, after) = (template(&dir, "one"), template(&dir, "three"));
    assert_eq!(code_sha(&before, "A"), code_sha(&after, "A"));
    assert_ne!(code_sha(&before, "B"), code_sha(&after, "B"));
    use base64::Engine;
    use sha2::Digest;
    let sha = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(read("three", "b.zip")));
    assert_eq!(code_sha(&after, "B"), sha, "CodeSha256 is the hash of the zip written");
    assert!(!dir.with_extension("one").join("custom-resources.zip").exists(), "written only when the template uses it");
}

#[test]
fn existing_buckets_get_the_custom_resources_zip() {
    let dir = temp("custom");
    std::fs::write(
        dir.join("serverless.yml"),
        "service: cr\nprovider:\n  name: aws\n  runtime: nodejs20.x\nfunctions:\n  f:\n    handler: h.f\n    events:\n      - s3:\n          bucket: existing-bucket\n          event: s3:ObjectCreated:*\n          existing: true\n",
    )
    .unwrap();
    std::fs::write(dir.join("h.js"), "exports.f = async () => 1;\n").unwrap();
    let out = package(&dir, "a");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("does not build"), "no gap warning any more: {stderr}");
    let t = template(&dir, "a");
    let f = &t["Resources"]["CustomDashresourceDashexistingDashs3LambdaFunction"]["Properties"];
    assert!(f["Code"]["S3Key"].as_str().unwrap().ends_with("/custom-resources.zip"));
    let handler = f["Handler"].as_str().unwrap();
    let zip = std::fs::read(dir.with_extension("a").join("custom-resources.zip")).unwrap();
    let names: Vec<String> = zip_listing(&zip).unwrap().into_iter().map(|(n, _)| n).collect();
    let module = format!("{}.js", handler.rsplit_once('.').unwrap().0);
    assert!(names.contains(&module), "{module} in {names:?}");
    assert!(names.contains(&"utils.js".to_string()));
    // Reproducible like every other artifact.
    assert_eq!(package(&dir, "b").status.code(), Some(0));
    assert_eq!(zip, std::fs::read(dir.with_extension("b").join("custom-resources.zip")).unwrap());
}

/// A real zip whose directory claims large sizes (as a 300 MB artifact's would), without
/// writing 300 MB.
fn claimed_zip(files: &[(&str, u32)]) -> Vec<u8> {
    let data: Vec<Vec<u8>> = files.iter().map(|_| b"x".to_vec()).collect();
    let entries: Vec<cfgen_core::package::ZipEntry> =
        files.iter().zip(&data).map(|((p, _), d)| cfgen_core::package::ZipEntry { path: p, executable: false, data: d }).collect();
    let mut zip = cfgen_core::package::build_zip(&entries);
    let mut i = 0;
    let mut n = 0;
    while i + 4 <= zip.len() {
        if zip[i..i + 4] == [0x50, 0x4b, 0x01, 0x02] {
            let name_len = u16::from_le_bytes([zip[i + 28], zip[i + 29]]) as usize;
            let name = String::from_utf8_lossy(&zip[i + 46..i + 46 + name_len]).into_owned();
            let size = files.iter().find(|(p, _)| *p == name).unwrap().1;
            zip[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
            n += 1;
        }
        i += 1;
    }
    assert_eq!(n, files.len());
    zip
}

#[test]
fn artifacts_over_lambda_limits_are_errors() {
    let dir = temp("limits");
    std::fs::write(
        dir.join("serverless.yml"),
        "service: big\nprovider:\n  name: aws\n  runtime: python3.12\nfunctions:\n  f:\n    handler: h.main\n    package:\n      artifact: dist/big.zip\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("dist")).unwrap();
    let mb = 1024 * 1024;
    std::fs::write(dir.join("dist/big.zip"), claimed_zip(&[("h.py", 1000), ("libs/torch.so", 200 * mb), ("libs/numpy.so", 80 * mb)]))
        .unwrap();
    let out = package(&dir, "out");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error[CFG410]: big.zip (function f) is ")
            && stderr.contains("280.0 MB unzipped; Lambda takes at most 50.0 MB zipped (direct upload) and 250.0 MB unzipped"),
        "{stderr}"
    );
    assert!(stderr.contains("the largest files: libs/torch.so (200.0 MB), libs/numpy.so (80.0 MB), h.py (1000 B)"), "{stderr}");
    assert!(!dir.with_extension("out").exists(), "nothing is written");
    // Under the limit: packaged.
    std::fs::write(dir.join("dist/big.zip"), claimed_zip(&[("h.py", 1000), ("libs/numpy.so", 80 * mb)])).unwrap();
    assert_eq!(package(&dir, "out").status.code(), Some(0));
}

/// The service of `golden/ok/package/dev-dependencies`, whose reference.json (CodeSha256
/// included) is Serverless v3.40.0's with npm 11 on the path: the same zip byte for byte.
#[test]
fn development_dependencies_stay_out_of_the_zip() {
    let dir = temp("devdeps");
    let files: &[(&str, &str)] = &[
        ("handler.js", "exports.main = async () => ({ statusCode: 200 });\n"),
        (
            "package.json",
            r#"{"name":"devdeps","version":"1.0.0","dependencies":{"app-lib":"1.0.0"},"devDependencies":{"jest-lite":"1.0.0","shared-util":"1.0.0","@tools/cli":"1.0.0"}}"#,
        ),
        ("node_modules/app-lib/package.json", r#"{"name":"app-lib","version":"1.0.0","dependencies":{"shared-util":"1.0.0"}}"#),
        ("node_modules/app-lib/index.js", "module.exports = 'app-lib';\n"),
        ("node_modules/shared-util/package.json", r#"{"name":"shared-util","version":"1.0.0"}"#),
        ("node_modules/shared-util/index.js", "module.exports = 'shared-util';\n"),
        (
            "node_modules/jest-lite/package.json",
            r#"{"name":"jest-lite","version":"1.0.0","bin":{"jest-lite":"cli.js"},"dependencies":{"pretty-lite":"1.0.0"}}"#,
        ),
        ("node_modules/jest-lite/cli.js", "module.exports = 'jest-lite';\n"),
        ("node_modules/pretty-lite/package.json", r#"{"name":"pretty-lite","version":"1.0.0","bin":"cli.js"}"#),
        ("node_modules/pretty-lite/cli.js", "module.exports = 'pretty-lite';\n"),
        ("node_modules/@tools/cli/package.json", r#"{"name":"@tools/cli","version":"1.0.0","bin":"run.js"}"#),
        ("node_modules/@tools/cli/run.js", "module.exports = '@tools/cli';\n"),
        ("node_modules/stray/package.json", r#"{"name":"stray","version":"1.0.0"}"#),
        ("node_modules/stray/index.js", "module.exports = 'stray';\n"),
        ("node_modules/.bin/jest-lite", "#!/usr/bin/env node\n"),
        ("node_modules/.bin/pretty-lite", "#!/usr/bin/env node\n"),
        ("node_modules/.bin/cli", "#!/usr/bin/env node\n"),
        ("node_modules/@tools/.bin/cli", "#!/usr/bin/env node\n"),
    ];
    for (path, text) in files {
        let p = dir.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let config =
        "service: devdeps\nprovider:\n  name: aws\n  runtime: nodejs20.x\npackage:\n  patterns:\n    - node_modules/jest-lite/**\n";
    let names = |run: &str, extra: &str| -> Vec<String> {
        std::fs::write(dir.join("serverless.yml"), format!("{config}{extra}functions:\n  main:\n    handler: handler.main\n")).unwrap();
        let out = package(&dir, run);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        let zip = std::fs::read(dir.with_extension(run).join("devdeps.zip")).unwrap();
        zip_listing(&zip).unwrap().into_iter().map(|(n, _)| n).collect()
    };
    // What Serverless' zip holds: not jest-lite (even though a pattern includes it), nor
    // pretty-lite (only jest-lite needs it), nor @tools/cli, nor their .bin links, except
    // `.bin/cli`, which Serverless looks for at `node_modules/@tools/.bin/cli`.
    assert_eq!(
        names("default", ""),
        [
            "handler.js",
            "node_modules/.bin/cli",
            "node_modules/app-lib/index.js",
            "node_modules/app-lib/package.json",
            "node_modules/shared-util/index.js",
            "node_modules/shared-util/package.json",
            "node_modules/stray/index.js",
            "node_modules/stray/package.json",
            "package.json",
        ]
    );
    let all = names("kept", "  excludeDevDependencies: false\n");
    assert_eq!(all.len(), files.len(), "with excludeDevDependencies: false every file is in: {all:?}");
}
