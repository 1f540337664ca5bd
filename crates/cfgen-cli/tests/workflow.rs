//! The local workflow end to end: `invoke local` (python and node, sample events, timeouts,
//! errors), `init` (every blueprint builds; the hello handlers run with their sample event).
//! These run the real `python3` and `node` from PATH, as `cfgen invoke local` does.

mod common;

use common::Scratch;
use std::path::Path;
use std::process::{Command, Output};

fn cfgen() -> Command {
    Command::new(env!("CARGO_BIN_EXE_cfgen"))
}

fn temp(tag: &str) -> Scratch {
    Scratch::new(&format!("workflow-{tag}"))
}

/// Whether `program` can run. A missing interpreter fails the test, unless
/// CFGEN_SKIP_INTERPRETER_TESTS=1 says to skip what needs it.
fn has(program: &str) -> bool {
    if Command::new(program).arg("--version").output().is_ok_and(|o| o.status.success()) {
        return true;
    }
    if std::env::var_os("CFGEN_SKIP_INTERPRETER_TESTS").is_some_and(|v| v == "1") {
        eprintln!("skipped: `{program}` is not on PATH");
        return false;
    }
    panic!("`{program}` is not on PATH; the `invoke local` tests run it (CFGEN_SKIP_INTERPRETER_TESTS=1 skips them)");
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn run(dir: &Path, args: &[&str]) -> Output {
    cfgen().args(args).current_dir(dir).output().unwrap()
}

#[test]
fn invoke_local_runs_the_hello_example() {
    if !has("python3") {
        return;
    }
    let dir = temp("hello");
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/hello");
    for f in ["serverless.yml", "index.py"] {
        std::fs::copy(example.join(f), dir.join(f)).unwrap();
    }
    let out = run(&dir, &["invoke", "local", "-f", "main", "--data", r#"{"a": 1}"#, "--log"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "Log event {'a': 1}\n\"Hello world\"\n");
    // Without --log only the result is printed.
    let out = run(&dir, &["invoke", "local", "-f", "main", "--data", r#"{"a": 1}"#]);
    assert_eq!(text(&out.stdout), "\"Hello world\"\n");
}

const SERVICE: &str = "\
service: inv
frameworkVersion: '3'
provider:
  name: aws
  runtime: nodejs20.x
  region: eu-west-1
  environment:
    GREETING: hi
    TABLE:
      Ref: Table
functions:
  ctx:
    handler: h.ctx
    memorySize: 256
    timeout: 30
  callback:
    handler: h.callback
  slow:
    handler: h.slow
    timeout: 1
  boom:
    handler: h.boom
  esm:
    handler: lib/m.handler
  py:
    handler: p.handler
    runtime: python3.12
    layers:
      - Ref: CommonLambdaLayer
    environment:
      OWN: ${self:service}-own
  withLayer:
    handler: h.withLayer
    layers:
      - Ref: CommonLambdaLayer
  pyslow:
    handler: p.slow
    runtime: python3.12
    timeout: 1
  pyboom:
    handler: p.boom
    runtime: python3.12
  java:
    handler: com.example.Handler
    runtime: java21
layers:
  common:
    path: layer
resources:
  Resources:
    Table:
      Type: AWS::DynamoDB::Table
";

const NODE: &str = "\
exports.ctx = async (event, c) => ({ event, name: c.functionName, memory: c.memoryLimitInMB,
  remaining: c.getRemainingTimeInMillis() > 25000 && c.getRemainingTimeInMillis() <= 30000,
  requestId: /^[0-9a-f-]{36}$/.test(c.awsRequestId), group: c.logGroupName,
  stream: c.logStreamName.includes('[$LATEST]'), arn: c.invokedFunctionArn,
  env: [process.env.GREETING, process.env.TABLE || null, process.env.AWS_REGION, process.env.AWS_LAMBDA_FUNCTION_NAME] });
exports.callback = (event, context, callback) => { console.log('cb log'); setTimeout(() => callback(null, { via: 'callback' }), 20); };
exports.slow = async () => { await new Promise((r) => setTimeout(r, 10000)); return 'late'; };
exports.boom = async () => { throw new TypeError('no such thing'); };
exports.withLayer = async (e) => require('greet')(e.who);
";

const PYTHON: &str = "\
import os, time
def handler(event, context):
    import shared
    print('py log', event)
    return {'layer': shared.NAME,'name': context.function_name, 'memory': context.memory_limit_in_mb,
            'remaining': 0 < context.get_remaining_time_in_millis() <= 6000,
            'request': len(context.aws_request_id), 'group': context.log_group_name,
            'env': [os.environ.get('GREETING'), os.environ.get('OWN'), os.environ.get('TABLE'), os.environ.get('EXTRA')]}
def slow(event, context):
    time.sleep(10)
def boom(event, context):
    raise ValueError('bad input: %s' % event)
";

fn service(tag: &str) -> Scratch {
    let dir = temp(tag);
    std::fs::write(dir.join("serverless.yml"), SERVICE).unwrap();
    std::fs::write(dir.join("h.js"), NODE).unwrap();
    std::fs::create_dir_all(dir.join("lib")).unwrap();
    std::fs::write(dir.join("lib/m.mjs"), "export const handler = async (e) => ({ esm: e });\n").unwrap();
    std::fs::write(dir.join("p.py"), PYTHON).unwrap();
    std::fs::write(dir.join("event.yml"), "k: [1, 2]\n").unwrap();
    // The service's own layer: python/ and nodejs/node_modules/ are on the search paths.
    std::fs::create_dir_all(dir.join("layer/python")).unwrap();
    std::fs::write(dir.join("layer/python/shared.py"), "NAME = 'from the layer'\n").unwrap();
    std::fs::create_dir_all(dir.join("layer/nodejs/node_modules/greet")).unwrap();
    std::fs::write(dir.join("layer/nodejs/node_modules/greet/index.js"), "module.exports = (who) => `hello ${who}`;\n").unwrap();
    dir
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: stdout {} stderr {}", text(&out.stdout), text(&out.stderr)))
}

#[test]
fn invoke_local_node_and_python() {
    if !has("python3") || !has("node") {
        return;
    }
    let dir = service("runs");
    let out = run(&dir, &["invoke", "local", "-f", "ctx", "--path", "event.yml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        json(&out),
        serde_json::json!({"event": {"k": [1, 2]}, "name": "inv-dev-ctx", "memory": "256", "remaining": true, "requestId": true,
            "group": "/aws/lambda/inv-dev-ctx", "stream": true, "arn": "arn:aws:lambda:eu-west-1:123456789012:function:inv-dev-ctx",
            "env": ["hi", null, "eu-west-1", "inv-dev-ctx"]})
    );
    // The CloudFormation expression is left unset, with a warning naming it.
    assert!(text(&out.stderr).contains("warning: environment variable TABLE"), "{}", text(&out.stderr));

    let out = run(&dir, &["invoke", "local", "-f", "callback", "--log"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "cb log\n{\n    \"via\": \"callback\"\n}\n");

    let out = run(&dir, &["invoke", "local", "-f", "esm", "--data", "plain text"]);
    assert_eq!(json(&out), serde_json::json!({"esm": "plain text"}));

    let out = run(&dir, &["invoke", "local", "-f", "py", "-d", "{\"x\": true}", "-l", "-e", "EXTRA=1", "--env", "TABLE=t"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("py log {'x': True}\n"), "{stdout}");
    let result: serde_json::Value = serde_json::from_str(stdout.split_once('\n').unwrap().1).unwrap();
    assert_eq!(
        result,
        serde_json::json!({"layer": "from the layer", "name": "inv-dev-py", "memory": "1024", "remaining": true, "request": 36, "group": "/aws/lambda/inv-dev-py",
            "env": ["hi", "inv-own", "t", "1"]})
    );
    assert!(!text(&out.stderr).contains("TABLE"), "--env sets it: no warning");

    // A node layer module, and the event from stdin.
    let mut child = cfgen()
        .args(["invoke", "local", "-f", "withLayer", "--path", "-"])
        .current_dir(&dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(b"{\"who\": \"stdin\"}").unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "\"hello stdin\"\n");
}

#[test]
fn invoke_local_failures() {
    if !has("python3") || !has("node") {
        return;
    }
    let dir = service("fails");
    for f in ["slow", "pyslow"] {
        let started = std::time::Instant::now();
        let out = run(&dir, &["invoke", "local", "-f", f]);
        assert_eq!(out.status.code(), Some(1), "{f}");
        assert!(text(&out.stderr).contains(&format!("function `{f}` timed out")), "{f}: {}", text(&out.stderr));
        assert!(started.elapsed() < std::time::Duration::from_secs(8), "{f}: stopped at its 1 s timeout");
        assert!(out.stdout.is_empty());
    }
    let out = run(&dir, &["invoke", "local", "-f", "boom"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("the handler of `boom` failed: TypeError: no such thing\n    at "), "{}", text(&out.stderr));
    let out = run(&dir, &["invoke", "local", "-f", "pyboom", "-d", "7"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("the handler of `pyboom` failed: ValueError: bad input: 7") && err.contains("p.py"), "{err}");
    let out = run(&dir, &["invoke", "local", "-f", "java"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("runtime `java21`; `cfgen invoke local` runs python* (with python3) and nodejs* (with node)"));
    let out = run(&dir, &["invoke", "local", "-f", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("function `nope` is not in serverless.yml; it has: ctx, callback"), "{}", text(&out.stderr));
    let out = run(&dir, &["invoke", "local", "-f", "ctx", "--path", "missing.json"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn init_blueprints_build_and_the_hello_handlers_run() {
    let root = temp("init");
    let list = run(&root, &["init", "--list"]);
    let names: Vec<String> = text(&list.stdout).lines().map(|l| l.split_whitespace().next().unwrap().to_string()).collect();
    assert_eq!(names, ["hello-python", "hello-node", "http-api-python", "sqs-worker-node", "step-functions-python"]);
    for name in &names {
        let out = run(&root, &["init", "--template", name, name]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", text(&out.stderr));
        let dir = root.join(name);
        let yml = std::fs::read_to_string(dir.join("serverless.yml")).unwrap();
        assert!(yml.starts_with("# yaml-language-server: $schema=./.cfgen/serverless.schema.json\n"));
        assert_eq!(
            std::fs::read_to_string(dir.join(".cfgen/serverless.schema.json")).unwrap(),
            text(&run(&root, &["schema"]).stdout),
            "the schema next to the service is `cfgen schema`"
        );
        let out = run(&dir, &["build", "--strict"]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", text(&out.stderr));
        // A second init over the same folder refuses and changes nothing.
        let again = run(&root, &["init", "--template", name, name]);
        assert_eq!(again.status.code(), Some(1));
        assert!(text(&again.stderr).contains("refusing to overwrite"));
    }
    if !has("python3") || !has("node") {
        return;
    }
    for name in ["hello-python", "hello-node"] {
        let out = run(&root.join(name), &["invoke", "local", "-f", "hello", "--path", "events/hello.json", "--log"]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", text(&out.stderr));
        let stdout = text(&out.stdout);
        assert!(
            stdout.starts_with(&format!("event: {{\"name\": \"{name}\"}}\n"))
                || stdout.starts_with(&format!("event: {{\"name\":\"{name}\"}}\n")),
            "{stdout}"
        );
        assert!(
            stdout.ends_with(&format!("{{\n    \"message\": \"Hello, {name}!\",\n    \"function\": \"{name}-dev-hello\"\n}}\n")),
            "{stdout}"
        );
    }
    let out = run(&root.join("sqs-worker-node"), &["invoke", "local", "-f", "worker", "--path", "events/sqs.json"]);
    assert_eq!(text(&out.stdout), "{\n    \"batchItemFailures\": [\n        {\n            \"itemIdentifier\": \"2e1424d4-f796-459a-8184-9c92662be6da\"\n        }\n    ]\n}\n");
    let out = run(&root, &["init", "--template", "nope", "x"]);
    assert_eq!(out.status.code(), Some(2));
}
