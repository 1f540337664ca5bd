//! Benchmarks of each stage (load, resolve, compile, emit) over generated services of 10, 100
//! and 1,000 functions with mixed events. Run: `cargo bench -p cfgen-core`.
//! Whole-process numbers (against the floor and Serverless v3) come from `scripts/bench`.

use cfgen_core::{BuildOptions, MemoryHost};
use cfgen_syntax::FileId;

fn main() {
    divan::main();
}

/// A service of `n` functions; every third has an http event, every third an sqs event, the
/// rest a schedule, and every function reads variables.
pub fn service(n: usize) -> String {
    let mut s = String::from(
        "service: bench\nframeworkVersion: '3'\nprovider:\n  name: aws\n  runtime: nodejs20.x\n  environment:\n    TABLE: ${self:service}-${sls:stage}\n  iam:\n    role:\n      statements:\n        - Effect: Allow\n          Action: dynamodb:*\n          Resource: '*'\ncustom:\n  memory: 256\nfunctions:\n",
    );
    for i in 0..n {
        s.push_str(&format!(
            "  fn{i}:\n    handler: src/fn{i}.handler\n    memorySize: ${{self:custom.memory}}\n    environment:\n      INDEX: {i}\n"
        ));
        match i % 3 {
            0 => s.push_str(&format!(
                "    events:\n      - http:\n          path: items/fn{i}\n          method: get\n          cors: true\n"
            )),
            1 => s.push_str(&format!("    events:\n      - sqs:\n          arn: arn:aws:sqs:us-east-1:123456789012:queue{i}\n")),
            _ => s.push_str("    events:\n      - schedule: rate(5 minutes)\n"),
        }
    }
    s
}

/// Build options of the benches: the services over 500 resources are built anyway.
fn opts() -> BuildOptions {
    BuildOptions { checks: cfgen_core::check::CheckOptions { no_limit_checks: true, ..Default::default() }, ..Default::default() }
}

fn host(n: usize) -> MemoryHost {
    let mut h = MemoryHost::default();
    for i in 0..n {
        h.files.insert(format!("src/fn{i}.js"), format!("exports.handler = async () => {i};\n").into_bytes());
    }
    h
}

/// The template of the service of `n` functions; a bench of a build that failed would time
/// the error path, so a failure stops the run with the diagnostics.
fn template(n: usize) -> serde_json::Value {
    let out = cfgen_core::build(&service(n), "serverless.yml", &opts(), &host(n));
    match out.template {
        Some(t) => t,
        None => panic!("the bench service of {n} functions does not build: {:?}", out.diagnostics),
    }
}

const SIZES: &[usize] = &[10, 100, 200, 1000];

#[divan::bench(args = SIZES)]
fn load(bencher: divan::Bencher, n: usize) {
    let src = service(n);
    bencher.bench(|| cfgen_syntax::yaml::load(divan::black_box(&src), FileId(0)).map(|n| n.weight().nodes).unwrap_or(0));
}

#[divan::bench(args = SIZES)]
fn resolve(bencher: divan::Bencher, n: usize) {
    let src = service(n);
    let h = host(n);
    bencher.bench(|| cfgen_core::resolve(divan::black_box(&src), "serverless.yml", &opts(), &h).config.is_some());
}

#[divan::bench(args = SIZES)]
fn build(bencher: divan::Bencher, n: usize) {
    let src = service(n);
    let h = host(n);
    assert!(cfgen_core::build(&src, "serverless.yml", &opts(), &h).template.is_some(), "the bench service of {n} functions builds");
    bencher.bench(|| cfgen_core::build(divan::black_box(&src), "serverless.yml", &opts(), &h).template.is_some());
}

#[divan::bench(args = SIZES)]
fn emit(bencher: divan::Bencher, n: usize) {
    let t = template(n);
    bencher.bench(|| cfgen_core::emit::to_json(divan::black_box(&t)).len());
}

/// The checks of the emitted template alone (schemas, limits with the stack quotas,
/// provenance), on the template `build` made.
#[divan::bench(args = SIZES)]
fn check(bencher: divan::Bencher, n: usize) {
    let src = service(n);
    let h = host(n);
    let t = template(n);
    let node = cfgen_core::resolve(&src, "serverless.yml", &opts(), &h).config.expect("resolves");
    bencher.bench(|| {
        let mut diags = Vec::new();
        cfgen_core::check::check(divan::black_box(&t), &node, &Default::default(), &mut diags);
        diags.len()
    });
}
