//! `cfgen invoke local`: run one function's handler on this machine, in a child process
//! (`python3` or `node` from PATH), with the function's resolved environment and a Lambda-like
//! `context`, and print what it returns.
//!
//! The function's settings (handler, runtime, memory, timeout, name, environment) are read from
//! the compiled template, so they are exactly what would be deployed. A small wrapper script,
//! embedded in the binary and written to a temporary folder, imports the handler, calls it and
//! writes the outcome to a file; the handler's own stdout/stderr are shown with `--log`.

use crate::{host, load_input, report, usage_error, InputArgs, Loaded};
use clap::Args;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

const PYTHON_WRAPPER: &str = include_str!("wrappers/invoke.py");
const NODE_WRAPPER: &str = include_str!("wrappers/invoke.js");

/// How long the interpreter may take to start and import the handler, on top of the
/// function's timeout, before cfgen stops it (the wrapper enforces the timeout itself once the
/// handler is called; this catches handlers that block the interpreter, and slow imports).
const STARTUP_ALLOWANCE: Duration = Duration::from_secs(3);

#[derive(Args)]
pub struct InvokeLocalArgs {
    /// The function to run (its key under `functions:`).
    #[arg(long, short = 'f', value_name = "NAME")]
    pub function: String,
    /// The event, as JSON (a value that is not JSON is passed as a string).
    #[arg(long, short = 'd', value_name = "JSON", conflicts_with = "path")]
    pub data: Option<String>,
    /// A JSON or YAML file holding the event (relative to the service directory, else to the
    /// current directory; `-` reads standard input).
    #[arg(long, short = 'p', value_name = "FILE")]
    pub path: Option<PathBuf>,
    /// Show the handler's own output (stdout and stderr).
    #[arg(long, short = 'l')]
    pub log: bool,
    /// Set or override an environment variable of the function (repeatable).
    #[arg(long = "env", short = 'e', value_name = "KEY=VALUE")]
    pub env: Vec<String>,
    #[command(flatten)]
    pub input: InputArgs,
}

/// The runtimes `invoke local` runs, and with which interpreter.
fn interpreter(runtime: &str) -> Option<(&'static str, &'static str, &'static str)> {
    if runtime.starts_with("python") {
        Some(("python3", "invoke.py", PYTHON_WRAPPER))
    } else if runtime.starts_with("nodejs") {
        Some(("node", "invoke.js", NODE_WRAPPER))
    } else {
        None
    }
}

/// The function as the template deploys it.
#[derive(Debug, PartialEq)]
pub struct LocalFunction {
    pub handler: String,
    pub runtime: String,
    pub timeout_s: u64,
    pub memory_mb: u64,
    pub name: String,
    /// Variables with plain values, and the names of those that are CloudFormation expressions.
    pub env: Vec<(String, String)>,
    pub unresolved: Vec<String>,
    /// Logical ids of the service's own layers the function uses (`Ref` in `Layers`).
    pub layers: Vec<String>,
}

/// Read a function's settings from its compiled `AWS::Lambda::Function` resource.
pub fn local_function(template: &Value, key: &str) -> Result<LocalFunction, String> {
    let id = cfgen_core::naming::lambda_function(key);
    let props = template
        .pointer(&format!("/Resources/{id}/Properties"))
        .ok_or_else(|| format!("function `{key}` has no `{id}` resource in the compiled template"))?;
    if props.get("PackageType").and_then(Value::as_str) == Some("Image") || props.pointer("/Code/ImageUri").is_some() {
        return Err(format!("function `{key}` is a container image; `cfgen invoke local` runs python* and nodejs* handlers"));
    }
    let text = |k: &str| props.get(k).and_then(|v| v.as_str().map(String::from).or_else(|| v.as_u64().map(|n| n.to_string())));
    let number = |k: &str| props.get(k).and_then(|v| v.as_u64().or_else(|| v.as_str().and_then(|s| s.parse().ok())));
    let runtime = text("Runtime").ok_or_else(|| format!("function `{key}` has no runtime"))?;
    let handler = text("Handler").ok_or_else(|| format!("function `{key}` has no handler"))?;
    let name = text("FunctionName").unwrap_or_else(|| key.to_string());
    let mut env = Vec::new();
    let mut unresolved = Vec::new();
    if let Some(Value::Object(vars)) = props.pointer("/Environment/Variables") {
        for (k, v) in vars {
            match v {
                Value::String(s) => env.push((k.clone(), s.clone())),
                Value::Number(n) => env.push((k.clone(), n.to_string())),
                Value::Bool(b) => env.push((k.clone(), b.to_string())),
                Value::Null => {}
                _ => unresolved.push(k.clone()),
            }
        }
    }
    let layers = props
        .get("Layers")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|l| l.get("Ref").and_then(Value::as_str).map(String::from)).collect())
        .unwrap_or_default();
    Ok(LocalFunction {
        layers,
        handler,
        runtime,
        timeout_s: number("Timeout").unwrap_or(6).max(1),
        memory_mb: number("MemorySize").unwrap_or(1024),
        name,
        env,
        unresolved,
    })
}

/// Split a handler string into (module path, attribute path) the way the runtime does:
/// Python at the last dot, Node.js at the first dot after the last `/`.
pub fn split_handler(handler: &str, runtime: &str) -> Option<(String, String)> {
    let (dir, file) = handler.rsplit_once('/').map_or(("", handler), |(d, f)| (d, f));
    let (module, attr) = if runtime.starts_with("python") { file.rsplit_once('.')? } else { file.split_once('.')? };
    if module.is_empty() || attr.is_empty() {
        return None;
    }
    let module = if dir.is_empty() { module.to_string() } else { format!("{dir}/{module}") };
    Some((module, attr.to_string()))
}

/// The folders of the service's own layers the runtime would put on its search path:
/// `python/` (and `python/lib/*/site-packages`) or `nodejs/node_modules` (and
/// `nodejs/node*/node_modules`), for the layers of `f` defined in `config`.
pub fn layer_paths(f: &LocalFunction, config: &Value, dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Some(layers) = config.get("layers").and_then(Value::as_object) else { return out };
    let python = f.runtime.starts_with("python");
    for id in &f.layers {
        let Some((key, l)) = layers.iter().find(|(k, _)| cfgen_core::naming::layer(k) == *id) else { continue };
        let base = dir.join(l.get("path").and_then(Value::as_str).unwrap_or(key));
        let (root, sub) = if python { (base.join("python"), "site-packages") } else { (base.join("nodejs"), "node_modules") };
        if python && root.is_dir() {
            out.push(root.clone());
        }
        if !python && root.join(sub).is_dir() {
            out.push(root.join(sub));
        }
        let nested = if python { root.join("lib") } else { root.clone() };
        let mut more: Vec<PathBuf> = std::fs::read_dir(&nested)
            .map(|rd| rd.flatten().map(|e| e.path().join(sub)).filter(|p| p.is_dir() && !out.contains(p)).collect())
            .unwrap_or_default();
        more.sort();
        out.extend(more);
    }
    out
}

/// What the wrapper reports.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    Result(Value),
    Error { error_type: String, message: String, trace: Vec<String> },
    Timeout,
}

pub fn parse_outcome(text: &str) -> Option<Outcome> {
    let v: Value = serde_json::from_str(text).ok()?;
    if let Some(r) = v.get("result") {
        return Some(Outcome::Result(r.clone()));
    }
    if v.get("timeout") == Some(&Value::Bool(true)) {
        return Some(Outcome::Timeout);
    }
    let e = v.get("error")?;
    let s = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
    let trace = e.get("stackTrace").and_then(Value::as_array).map(|a| a.iter().filter_map(|x| x.as_str().map(String::from)).collect());
    Some(Outcome::Error { error_type: s("errorType"), message: s("errorMessage"), trace: trace.unwrap_or_default() })
}

/// JSON as Serverless' `invoke local` prints it (`JSON.stringify(v, null, 4)`).
pub fn pretty(v: &Value) -> String {
    fn go(v: &Value, depth: usize, out: &mut String) {
        let pad = |n: usize| "    ".repeat(n);
        match v {
            Value::Array(a) if !a.is_empty() => {
                out.push('[');
                for (i, x) in a.iter().enumerate() {
                    out.push_str(if i == 0 { "\n" } else { ",\n" });
                    out.push_str(&pad(depth + 1));
                    go(x, depth + 1, out);
                }
                out.push('\n');
                out.push_str(&pad(depth));
                out.push(']');
            }
            Value::Object(m) if !m.is_empty() => {
                out.push('{');
                for (i, (k, x)) in m.iter().enumerate() {
                    out.push_str(if i == 0 { "\n" } else { ",\n" });
                    out.push_str(&pad(depth + 1));
                    out.push_str(&Value::String(k.clone()).to_string());
                    out.push_str(": ");
                    go(x, depth + 1, out);
                }
                out.push('\n');
                out.push_str(&pad(depth));
                out.push('}');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let mut out = String::new();
    go(v, 0, &mut out);
    out
}

/// The event: `--data` (JSON, else the text itself), `--path` (JSON or YAML), else `{}`.
fn read_event(args: &InvokeLocalArgs, dir: &Path) -> Result<Value, String> {
    if let Some(d) = &args.data {
        return Ok(serde_json::from_str(d).unwrap_or_else(|_| Value::String(d.clone())));
    }
    let Some(p) = &args.path else { return Ok(json!({})) };
    let text = if p.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin()
            .lock()
            .take(host::MAX_TEXT_FILE + 1)
            .read_to_string(&mut text)
            .map_err(|e| format!("--path -: cannot read stdin: {e}"))?;
        if text.len() as u64 > host::MAX_TEXT_FILE {
            return Err(format!("--path -: events of at most {} bytes are read", host::MAX_TEXT_FILE));
        }
        text
    } else {
        let candidates = if p.is_absolute() { vec![p.clone()] } else { vec![dir.join(p), p.clone()] };
        let Some(file) = candidates.iter().find(|c| c.is_file()) else {
            return Err(format!("--path {}: no such file", p.display()));
        };
        let meta = std::fs::metadata(file).map_err(|e| format!("--path {}: {e}", p.display()))?;
        if meta.len() > host::MAX_TEXT_FILE {
            return Err(format!("--path {}: {} bytes; events of at most {} bytes are read", p.display(), meta.len(), host::MAX_TEXT_FILE));
        }
        std::fs::read_to_string(file).map_err(|e| format!("--path {}: {e}", p.display()))?
    };
    if let Ok(v) = serde_json::from_str::<Value>(&text) {
        return Ok(v);
    }
    let mut sources = cfgen_syntax::SourceMap::new();
    let fid = sources.add(p.to_string_lossy().into_owned(), text.clone());
    match cfgen_syntax::yaml::load(&text, fid) {
        Ok(n) => Ok(n.to_json()),
        Err(d) => Err(format!("--path {}: not JSON or YAML: {}", p.display(), d.message)),
    }
}

/// A folder of our own under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> std::io::Result<TempDir> {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
        let p = std::env::temp_dir().join(format!("cfgen-invoke-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&p)?;
        Ok(TempDir(p))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn fail(msg: &str) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::from(1)
}

pub fn run(args: &InvokeLocalArgs) -> ExitCode {
    let Loaded { display, src, dir, opts } = match load_input(&args.input) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let mut env_overrides = Vec::new();
    for e in &args.env {
        let Some((k, v)) = e.split_once('=') else { return usage_error(&format!("--env wants KEY=VALUE, got `{e}`")) };
        env_overrides.push((k.to_string(), v.to_string()));
    }
    let fs_host = host::FsHost::new(dir.clone(), None);
    let resolved = cfgen_core::resolve(&src, &display, &opts, &fs_host);
    // The build below reports these again, with the rest; here only a failure stops.
    if resolved.diagnostics.iter().any(cfgen_syntax::Diagnostic::is_error) {
        report(&resolved.diagnostics, &resolved.sources, args.input.diagnostics, args.input.strict);
        return ExitCode::from(1);
    }
    let Some(config) = resolved.config.map(|c| c.to_json()) else { return ExitCode::from(1) };
    let keys: Vec<String> = config.get("functions").and_then(Value::as_object).map(|m| m.keys().cloned().collect()).unwrap_or_default();
    if !keys.contains(&args.function) {
        let known = if keys.is_empty() { "it has none".to_string() } else { format!("it has: {}", keys.join(", ")) };
        return usage_error(&format!("function `{}` is not in {display}; {known}", args.function));
    }
    // The template, built without reading the artifacts' content (only the settings matter).
    let light = host::SettingsOnly(&fs_host);
    // Running the code locally does not need the template to be deployable.
    let mut opts = opts;
    opts.checks.skip = true;
    let out = cfgen_core::build(&src, &display, &opts, &light);
    if report(&out.diagnostics, &out.sources, args.input.diagnostics, args.input.strict) {
        return ExitCode::from(1);
    }
    let Some(template) = out.template else { return ExitCode::from(1) };
    let f = match local_function(&template, &args.function) {
        Ok(f) => f,
        Err(e) => return fail(&e),
    };
    let Some((program, wrapper_name, wrapper)) = interpreter(&f.runtime) else {
        return fail(&format!(
            "function `{}` has runtime `{}`; `cfgen invoke local` runs python* (with python3) and nodejs* (with node) handlers",
            args.function, f.runtime
        ));
    };
    let Some((module, attr)) = split_handler(&f.handler, &f.runtime) else {
        return fail(&format!("function `{}`: handler `{}` is not of the form `path/module.function`", args.function, f.handler));
    };
    let event = match read_event(args, &dir) {
        Ok(e) => e,
        Err(e) => return usage_error(&e),
    };
    for k in &f.unresolved {
        if !env_overrides.iter().any(|(o, _)| o == k) {
            eprintln!(
                "warning: environment variable {k} of `{}` is a CloudFormation expression, known only once deployed; it is left unset (set it with --env {k}=VALUE)",
                args.function
            );
        }
    }

    let region = config.pointer("/provider/region").and_then(Value::as_str).map(String::from);
    let region = opts.region.clone().or(region).unwrap_or_else(|| "us-east-1".into());
    let account = opts.injected.get("aws:accountId").and_then(Value::as_str).unwrap_or("123456789012").to_string();
    let task_root = std::fs::canonicalize(&dir).unwrap_or_else(|_| dir.clone());
    let tmp = match TempDir::new() {
        Ok(t) => t,
        Err(e) => return fail(&format!("cannot create a temporary folder: {e}")),
    };
    let log_group = cfgen_core::naming::log_group_name(&f.name);
    let wrapper_config = json!({
        "task_root": task_root.to_string_lossy(),
        "module": module,
        "handler": attr,
        "event_path": tmp.0.join("event.json").to_string_lossy(),
        "result_path": tmp.0.join("result.json").to_string_lossy(),
        "timeout_ms": f.timeout_s * 1000,
        "function_name": f.name,
        "function_arn": format!("arn:aws:lambda:{region}:{account}:function:{}", f.name),
        "memory_mb": f.memory_mb,
        "log_group_name": log_group,
        "extra_paths": layer_paths(&f, &config, &task_root).iter().map(|p| p.to_string_lossy().into_owned()).collect::<Vec<_>>(),
    });
    let writes = [(wrapper_name, wrapper.to_string()), ("event.json", event.to_string()), ("config.json", wrapper_config.to_string())];
    for (name, text) in writes {
        if let Err(e) = std::fs::write(tmp.0.join(name), text) {
            return fail(&format!("cannot write {}: {e}", tmp.0.join(name).display()));
        }
    }

    let mut cmd = Command::new(program);
    cmd.arg(tmp.0.join(wrapper_name)).arg(tmp.0.join("config.json")).current_dir(&task_root).stdin(Stdio::null());
    if args.log {
        cmd.stdout(Stdio::inherit()).stderr(Stdio::inherit());
    } else {
        cmd.stdout(Stdio::null()).stderr(Stdio::null());
    }
    let lambda_env = [
        ("AWS_REGION", region.clone()),
        ("AWS_DEFAULT_REGION", region),
        ("AWS_LAMBDA_FUNCTION_NAME", f.name.clone()),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", f.memory_mb.to_string()),
        ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST".into()),
        ("AWS_LAMBDA_LOG_GROUP_NAME", log_group),
        ("AWS_EXECUTION_ENV", format!("AWS_Lambda_{}", f.runtime)),
        ("LAMBDA_TASK_ROOT", task_root.to_string_lossy().into_owned()),
        ("_HANDLER", f.handler.clone()),
        ("IS_LOCAL", "true".into()),
        ("PYTHONUNBUFFERED", "1".into()),
    ];
    for (k, v) in lambda_env {
        cmd.env(k, v);
    }
    if f.runtime.starts_with("nodejs") {
        let mut node_path = layer_paths(&f, &config, &task_root);
        if let Some(existing) = std::env::var_os("NODE_PATH") {
            node_path.extend(std::env::split_paths(&existing));
        }
        if let Ok(joined) = std::env::join_paths(node_path) {
            cmd.env("NODE_PATH", joined);
        }
    }
    for k in &f.unresolved {
        cmd.env_remove(k);
    }
    for (k, v) in f.env.iter().chain(&env_overrides) {
        cmd.env(k, v);
    }
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return fail(&format!("`{program}` is not on PATH; `cfgen invoke local` runs {} handlers with it", f.runtime));
        }
        Err(e) => return fail(&format!("cannot start {program}: {e}")),
    };
    let deadline = Instant::now() + Duration::from_secs(f.timeout_s) + STARTUP_ALLOWANCE;
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break Some(s),
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return fail(&format!("waiting for {program}: {e}")),
        }
    };
    let timed_out = || {
        fail(&format!(
            "function `{}` timed out: it did not return within its timeout of {} s; the handler process was stopped",
            args.function, f.timeout_s
        ))
    };
    let Some(status) = status else { return timed_out() };
    let outcome = std::fs::read_to_string(tmp.0.join("result.json")).ok().and_then(|t| parse_outcome(&t));
    match outcome {
        Some(Outcome::Result(v)) => {
            let mut stdout = std::io::stdout().lock();
            if writeln!(stdout, "{}", pretty(&v)).and_then(|()| stdout.flush()).is_err() {
                return ExitCode::from(1);
            }
            ExitCode::SUCCESS
        }
        Some(Outcome::Timeout) => timed_out(),
        Some(Outcome::Error { error_type, message, trace }) => {
            let mut text = format!("error: the handler of `{}` failed: {error_type}: {message}", args.function);
            for line in trace.iter().flat_map(|l| l.lines()) {
                text.push_str("\n    ");
                text.push_str(line.trim_end());
            }
            eprintln!("{text}");
            ExitCode::from(1)
        }
        None => {
            let how = status.code().map_or_else(|| "was killed by a signal".to_string(), |c| format!("exited with status {c}"));
            let hint = if args.log { "" } else { " (run with --log to see its output)" };
            fail(&format!("the handler process of `{}` {how} before returning a result{hint}", args.function))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handlers_split_like_the_runtimes() {
        assert_eq!(split_handler("index.handler", "python3.12"), Some(("index".into(), "handler".into())));
        assert_eq!(split_handler("src/app.main.run", "python3.12"), Some(("src/app.main".into(), "run".into())));
        assert_eq!(split_handler("src/app.main.run", "nodejs20.x"), Some(("src/app".into(), "main.run".into())));
        assert_eq!(split_handler("a.b/index.handler", "nodejs20.x"), Some(("a.b/index".into(), "handler".into())));
        assert_eq!(split_handler("nodot", "nodejs20.x"), None);
        assert_eq!(split_handler("index.", "python3.12"), None);
    }

    #[test]
    fn settings_come_from_the_function_resource() {
        let t = json!({"Resources": {"MainLambdaFunction": {"Properties": {
            "Handler": "index.handler", "Runtime": "python3.12", "FunctionName": "svc-dev-main",
            "MemorySize": 256, "Timeout": 3,
            "Environment": {"Variables": {"A": "x", "N": 1, "T": {"Ref": "Table"}}}}}}});
        let f = local_function(&t, "main").unwrap();
        assert_eq!(f.name, "svc-dev-main");
        assert_eq!((f.memory_mb, f.timeout_s), (256, 3));
        assert_eq!(f.env, vec![("A".to_string(), "x".to_string()), ("N".to_string(), "1".to_string())]);
        assert_eq!(f.unresolved, vec!["T".to_string()]);
        let image = json!({"Resources": {"MainLambdaFunction": {"Properties": {"PackageType": "Image", "Code": {"ImageUri": "x"}}}}});
        assert!(local_function(&image, "main").unwrap_err().contains("container image"));
        assert!(local_function(&t, "other").is_err());
    }

    #[test]
    fn outcomes_parse() {
        assert_eq!(parse_outcome(r#"{"result": "Hello world"}"#), Some(Outcome::Result(json!("Hello world"))));
        assert_eq!(parse_outcome(r#"{"result": null}"#), Some(Outcome::Result(Value::Null)));
        assert_eq!(parse_outcome(r#"{"timeout": true}"#), Some(Outcome::Timeout));
        assert_eq!(
            parse_outcome(r#"{"error": {"errorType": "ValueError", "errorMessage": "boom", "stackTrace": ["a"]}}"#),
            Some(Outcome::Error { error_type: "ValueError".into(), message: "boom".into(), trace: vec!["a".into()] })
        );
        assert_eq!(parse_outcome("not json"), None);
        assert_eq!(pretty(&json!({"a": [1]})), "{\n    \"a\": [\n        1\n    ]\n}");
    }
}
