//! `cfgen`: compile a Serverless Framework v3 `serverless.yml` into the CloudFormation template
//! `serverless package` would write, offline and deterministically.
//!
//! This binary is the only place that does IO: it reads files and the environment, renders
//! diagnostics and writes the template; everything else is `cfgen-core`.

mod graph;
mod host;
mod init;
mod invoke;

use cfgen_core::{BuildOptions, BuildOutput};
use cfgen_syntax::{codes, Diagnostic, Severity, SourceMap};
use clap::{Args, Parser, Subcommand, ValueEnum};
use indexmap::IndexMap;
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Serverless Framework v3 serverless.yml to CloudFormation, offline and deterministic.
///
/// Exit status: 0 success (warnings go to stderr), 1 invalid input, 2 usage error.
#[derive(Parser)]
#[command(name = "cfgen", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Compile serverless.yml and print the CloudFormation template.
    ///
    /// The template is checked first (see `validate`). `build` produces what Serverless v3
    /// would: what v3 packages as is (a resource CloudFormation rejects, a name or Lambda setting
    /// refused at deploy, a runtime whose updates AWS blocks) is a warning here, an error with
    /// --strict; only the stack quotas (500 resources, ...) stop the build (--no-limit-checks),
    /// and cfgen's own budget for the template's memory (CFG413).
    Build {
        #[command(flatten)]
        input: InputArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        /// Write the template to FILE instead of stdout.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Check serverless.yml and report every problem, without printing the template.
    ///
    /// Runs the build and the checks of the emitted template: every resource against its
    /// CloudFormation schema, stack and Lambda quotas, names, log retention, runtimes. Every
    /// finding AWS would reject is an error here (most are warnings in `build`); a runtime whose
    /// updates AWS blocks too, unless --allow-deprecated-runtimes.
    Validate {
        #[command(flatten)]
        input: InputArgs,
    },
    /// Write the template and the zip artifacts, laid out like Serverless' `.serverless/`.
    ///
    /// The zips are byte-for-byte reproducible (sorted entries, fixed times and modes, the same
    /// bytes Serverless v3 writes), and each template `CodeSha256` is the sha256 of the zip written.
    /// Serverless' `custom-resources.zip` is written when the template uses it. An artifact over
    /// Lambda's limits (50 MB zipped, 250 MB unzipped) is an error naming its largest files; on a
    /// terminal, large artifacts show a progress line.
    Package {
        #[command(flatten)]
        input: InputArgs,
        /// Where to write (default: `.serverless` next to the configuration).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Print the configuration with every variable resolved (like `serverless print`).
    Print {
        #[command(flatten)]
        input: InputArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Yaml)]
        format: Format,
    },
    /// Run a function's handler on this machine (python* with python3, nodejs* with node).
    Invoke {
        #[command(subcommand)]
        what: InvokeCommand,
    },
    /// Write a new service from a blueprint (`--list` shows them).
    ///
    /// Writes serverless.yml (its first line the yaml-language-server modeline), the handler, a
    /// sample event under events/, and the editor schema in .cfgen/. Existing files are never
    /// overwritten.
    Init(init::InitArgs),
    /// Draw the service: triggers -> functions -> the resources they touch.
    ///
    /// Built from the event sources, the IAM statements that apply to each function, the
    /// `Ref`/`Fn::GetAtt` in its environment, and state machines; printed as Mermaid or Graphviz
    /// DOT.
    Graph {
        #[command(flatten)]
        input: InputArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
        format: GraphFormat,
    },
    /// Print the JSON Schema (draft-07) of serverless.yml, for editors.
    Schema,
    /// Explain a diagnostic code, or list them all.
    Explain {
        /// A code such as CFG202 (or its name, e.g. unknown-key); none lists every code.
        code: Option<String>,
    },
}

#[derive(Subcommand)]
enum InvokeCommand {
    /// Run the handler in a child process with the function's resolved environment and a
    /// Lambda-like context; print its return value as JSON. The function's timeout is enforced.
    ///
    /// Exit status: 0 when the handler returned, 1 when it failed or timed out, 2 usage error.
    Local(invoke::InvokeLocalArgs),
}

#[derive(Args)]
struct InputArgs {
    /// The configuration file (default: ./serverless.yml, ./serverless.yaml or ./serverless.json).
    file: Option<PathBuf>,
    /// The stage (Serverless' --stage; default: provider.stage, else dev).
    #[arg(long, short = 's')]
    stage: Option<String>,
    /// The region (Serverless' --region; default: provider.region, else us-east-1).
    #[arg(long, short = 'r')]
    region: Option<String>,
    /// A value for ${param:KEY} (repeatable).
    #[arg(long = "param", value_name = "KEY=VALUE")]
    params: Vec<String>,
    /// A value for ${opt:NAME}, as Serverless' --NAME VALUE (repeatable).
    #[arg(long = "opt", value_name = "NAME=VALUE")]
    opts: Vec<String>,
    /// A value for a variable that needs AWS: 'ssm:/path=VALUE', 'cf:stack.Output=VALUE',
    /// 's3:bucket/key=VALUE', 'aws:accountId=VALUE' (repeatable).
    #[arg(long = "var", value_name = "SOURCE:ADDRESS=VALUE")]
    vars: Vec<String>,
    /// A YAML or JSON file mapping 'ssm:/path' (etc.) keys to values.
    #[arg(long = "vars", value_name = "FILE")]
    vars_file: Option<PathBuf>,
    /// Pin the framework instance id (13 digits; ${sls:instanceId}); default: derived from the input.
    #[arg(long, value_name = "ID")]
    instance_id: Option<String>,
    /// How diagnostics are printed.
    #[arg(long, value_enum, default_value_t = DiagFormat::Human)]
    diagnostics: DiagFormat,
    /// Treat warnings as errors.
    #[arg(long)]
    strict: bool,
    /// Build even when `plugins:` lists plugins cfgen does not know (warnings instead of errors;
    /// `cfgen explain CFG409` lists the plugins it knows).
    #[arg(long)]
    allow_unknown_plugins: bool,
    /// Let a template over CloudFormation's stack quotas (500 resources, 200 outputs, parameters
    /// or mappings, 1 MB) out, for tools that split stacks afterwards. cfgen's own budget still
    /// holds: a template taking over 128 MiB of memory stops the build (CFG413).
    #[arg(long)]
    no_limit_checks: bool,
    /// Under `validate`, report runtimes whose updates AWS blocks as warnings, not errors
    /// (`build` always reports them as warnings; errors under --strict).
    #[arg(long)]
    allow_deprecated_runtimes: bool,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Json,
    Yaml,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum GraphFormat {
    Mermaid,
    Dot,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum DiagFormat {
    Human,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build { input, format, output } => run_build(&input, Some((format, output))),
        Command::Validate { input } => run_build(&input, None),
        Command::Package { input, out } => run_package(&input, out),
        Command::Print { input, format } => run_print(&input, format),
        Command::Invoke { what: InvokeCommand::Local(args) } => invoke::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Graph { input, format } => run_graph(&input, format),
        Command::Schema => {
            println!("{}", cfgen_core::schema::schema_json());
            ExitCode::SUCCESS
        }
        Command::Explain { code } => explain(code.as_deref()),
    }
}

fn explain(code: Option<&str>) -> ExitCode {
    match code {
        None => {
            for c in codes::ALL {
                println!("{}  {:<24} {}", c.id, c.name, c.summary);
            }
            ExitCode::SUCCESS
        }
        Some(q) => match codes::ALL.iter().find(|c| c.id.eq_ignore_ascii_case(q) || c.name == q) {
            Some(c) => {
                println!("{} ({}): {}", c.id, c.name, c.summary);
                if c.id == codes::UNKNOWN_PLUGIN.id {
                    println!("\nplugins cfgen knows:");
                    for (name, effect) in cfgen_core::plugins::KNOWN {
                        let (kind, what) = match effect {
                            cfgen_core::plugins::Effect::Neutral(w) => ("skipped, no template effect", w),
                            cfgen_core::plugins::Effect::Compiled(w) => ("compiled", w),
                            cfgen_core::plugins::Effect::NotCompiled(w) => ("not compiled yet", w),
                        };
                        println!("  {name:<40} {kind}: {what}");
                    }
                }
                ExitCode::SUCCESS
            }
            None => {
                eprintln!("error: no diagnostic code `{q}` (run `cfgen explain` for the list)");
                ExitCode::from(2)
            }
        },
    }
}

/// Print diagnostics; true when any counts as an error.
fn report(diags: &[Diagnostic], sources: &SourceMap, fmt: DiagFormat, strict: bool) -> bool {
    let mut stderr = std::io::stderr().lock();
    let mut failed = false;
    for d in diags {
        let mut d = d.clone();
        if strict && d.severity == Severity::Warning {
            d.severity = Severity::Error;
        }
        failed |= d.is_error();
        let text = match fmt {
            DiagFormat::Human => cfgen_syntax::render::human(&d, sources),
            DiagFormat::Json => cfgen_syntax::render::json(&d, sources) + "\n",
        };
        let _ = stderr.write_all(text.as_bytes());
    }
    failed
}

fn usage_error(msg: &str) -> ExitCode {
    eprintln!("error: {msg}");
    ExitCode::from(2)
}

fn split_kv(s: &str) -> Option<(String, String)> {
    s.split_once('=').map(|(k, v)| (k.to_string(), v.to_string()))
}

fn find_config(file: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(f) = file {
        return Ok(f.to_path_buf());
    }
    for name in ["serverless.yml", "serverless.yaml", "serverless.json"] {
        if Path::new(name).is_file() {
            return Ok(PathBuf::from(name));
        }
    }
    for name in ["serverless.js", "serverless.ts", "serverless.cjs", "serverless.mjs"] {
        if Path::new(name).is_file() {
            return Err(format!("{name}: JavaScript/TypeScript configurations are not supported; cfgen reads serverless.yml, serverless.yaml or serverless.json"));
        }
    }
    Err("no serverless.yml, serverless.yaml or serverless.json in the current directory".into())
}

/// What every command reads: the configuration text, its directory and the build options.
struct Loaded {
    display: String,
    src: String,
    dir: PathBuf,
    opts: BuildOptions,
}

/// Read the configuration and the options, or the exit code of the failure (already reported).
fn load_input(input: &InputArgs) -> Result<Loaded, ExitCode> {
    let path = match find_config(input.file.as_deref()) {
        Ok(p) => p,
        Err(e) => return Err(usage_error(&e)),
    };
    let display = path.to_string_lossy().into_owned();
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    if matches!(ext, "js" | "ts" | "cjs" | "mjs") {
        return Err(usage_error(&format!("{display}: JavaScript/TypeScript configurations are not supported; cfgen reads YAML or JSON")));
    }
    let mut sources = SourceMap::new();
    let fail = |d: Diagnostic, sources: &SourceMap| {
        report(&[d], sources, input.diagnostics, false);
        ExitCode::from(1)
    };
    let meta = match std::fs::metadata(&path) {
        Ok(m) => m,
        Err(e) => return Err(usage_error(&format!("cannot read {display}: {e}"))),
    };
    if meta.is_dir() {
        return Err(usage_error(&format!("{display} is a directory")));
    }
    if meta.len() > host::MAX_TEXT_FILE {
        return Err(fail(
            Diagnostic::error(
                codes::BUDGET,
                format!("{display} is {} bytes; cfgen reads configurations of at most {} bytes", meta.len(), host::MAX_TEXT_FILE),
            ),
            &sources,
        ));
    }
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => return Err(usage_error(&format!("cannot read {display}: {e}"))),
    };
    let src = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let upto = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = upto.iter().filter(|b| **b == b'\n').count() as u32 + 1;
            let col = upto.iter().rev().take_while(|b| **b != b'\n').count() as u32 + 1;
            let f = sources.add(display.clone(), "");
            return Err(fail(
                Diagnostic::error(codes::NOT_UTF8, format!("{display} is not UTF-8 text")).at(cfgen_syntax::Span::point(f, line, col)),
                &sources,
            ));
        }
    };
    let dir = path.parent().map(Path::to_path_buf).filter(|p| !p.as_os_str().is_empty()).unwrap_or_else(|| PathBuf::from("."));

    let mut opts = BuildOptions {
        stage: input.stage.clone(),
        region: input.region.clone(),
        instance_id: input.instance_id.clone(),
        allow_unknown_plugins: input.allow_unknown_plugins,
        checks: cfgen_core::check::CheckOptions {
            validate: false,
            allow_deprecated_runtimes: input.allow_deprecated_runtimes,
            no_limit_checks: input.no_limit_checks,
            skip: false,
        },
        ..Default::default()
    };
    for p in &input.params {
        let Some((k, v)) = split_kv(p) else { return Err(usage_error(&format!("--param wants KEY=VALUE, got `{p}`"))) };
        opts.params.insert(k, v);
    }
    for o in &input.opts {
        let Some((k, v)) = split_kv(o) else { return Err(usage_error(&format!("--opt wants NAME=VALUE, got `{o}`"))) };
        opts.options.insert(k, Value::String(v));
    }
    let mut injected: IndexMap<String, Value> = IndexMap::new();
    if let Some(f) = &input.vars_file {
        if let Some(meta) = std::fs::metadata(f).ok().filter(|m| m.len() > host::MAX_TEXT_FILE) {
            let (n, max) = (meta.len(), host::MAX_TEXT_FILE);
            return Err(usage_error(&format!("--vars {} is {n} bytes; cfgen reads files of at most {max} bytes", f.display())));
        }
        let text = match std::fs::read_to_string(f) {
            Ok(t) => t,
            Err(e) => return Err(usage_error(&format!("cannot read --vars {}: {e}", f.display()))),
        };
        let fid = sources.add(f.to_string_lossy().into_owned(), text.clone());
        match cfgen_syntax::yaml::load(&text, fid) {
            Ok(n) => match n.to_json() {
                Value::Object(m) => injected.extend(m),
                _ => return Err(usage_error(&format!("--vars {}: expected a mapping of 'ssm:/path' keys to values", f.display()))),
            },
            Err(d) => return Err(fail(d, &sources)),
        }
    }
    for v in &input.vars {
        let Some((k, val)) = split_kv(v) else { return Err(usage_error(&format!("--var wants SOURCE:ADDRESS=VALUE, got `{v}`"))) };
        injected.insert(k, Value::String(val));
    }
    opts.injected = injected;

    Ok(Loaded { display, src, dir, opts })
}

fn run_build(input: &InputArgs, emit: Option<(Format, Option<PathBuf>)>) -> ExitCode {
    let Loaded { display, src, dir, mut opts } = match load_input(input) {
        Ok(l) => l,
        Err(code) => return code,
    };
    opts.checks.validate = emit.is_none();
    let host = host::FsHost::new(dir, None);
    let out: BuildOutput = cfgen_core::build(&src, &display, &opts, &host);
    let failed = report(&out.diagnostics, &out.sources, input.diagnostics, input.strict);
    if failed {
        return ExitCode::from(1);
    }
    let Some(template) = out.template else {
        return ExitCode::from(1);
    };
    // The process ends next: freeing the template and the artifacts piece by piece would only
    // delay the exit (about 1 ms of a 200-function build, `scripts/bench`).
    std::mem::forget(out.artifacts);
    let template = std::mem::ManuallyDrop::new(template);
    if let Some((format, output)) = emit {
        let text = match format {
            Format::Json => cfgen_core::emit::to_json(&template),
            Format::Yaml => cfgen_core::emit::to_yaml(&template),
        };
        match output {
            Some(p) => {
                if let Err(e) = std::fs::write(&p, text) {
                    eprintln!("error: cannot write {}: {e}", p.display());
                    return ExitCode::from(1);
                }
            }
            None => {
                let mut stdout = std::io::stdout().lock();
                if stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()).is_err() {
                    return ExitCode::from(1);
                }
            }
        }
    }
    ExitCode::SUCCESS
}

fn run_print(input: &InputArgs, format: Format) -> ExitCode {
    let Loaded { display, src, dir, opts } = match load_input(input) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let host = host::FsHost::new(dir, None);
    let out = cfgen_core::resolve(&src, &display, &opts, &host);
    if report(&out.diagnostics, &out.sources, input.diagnostics, input.strict) {
        return ExitCode::from(1);
    }
    let Some(config) = out.config else { return ExitCode::from(1) };
    let json = config.to_json();
    let text = match format {
        Format::Json => cfgen_core::emit::to_json(&json),
        Format::Yaml => cfgen_core::emit::to_yaml(&json),
    };
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()).is_err() {
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

fn run_graph(input: &InputArgs, format: GraphFormat) -> ExitCode {
    let Loaded { display, src, dir, opts } = match load_input(input) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let fs_host = host::FsHost::new(dir, None);
    let host = host::SettingsOnly(&fs_host);
    let out = cfgen_core::build(&src, &display, &opts, &host);
    if report(&out.diagnostics, &out.sources, input.diagnostics, input.strict) {
        return ExitCode::from(1);
    }
    let Some(template) = out.template else { return ExitCode::from(1) };
    // The configuration as compiled: with the functions and events plugins add.
    let Some(config) = out.config.map(|c| c.to_json()) else { return ExitCode::from(1) };
    let g = graph::graph(&config, &template);
    let text = match format {
        GraphFormat::Mermaid => graph::mermaid(&g),
        GraphFormat::Dot => graph::dot(&g),
    };
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()).is_err() {
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

fn run_package(input: &InputArgs, out_dir: Option<PathBuf>) -> ExitCode {
    let Loaded { display, src, dir, opts } = match load_input(input) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let out_dir = out_dir.unwrap_or_else(|| dir.join(".serverless"));
    // An output folder inside the service must not end up in its own artifacts.
    let skip = out_dir
        .strip_prefix(&dir)
        .ok()
        .or_else(|| out_dir.strip_prefix("./").ok())
        .map(|p| p.to_string_lossy().trim_end_matches('/').to_string())
        .filter(|p| !p.is_empty());
    let mut host = host::FsHost::new(dir, skip);
    host.progress = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let out = cfgen_core::build(&src, &display, &opts, &host);
    // Lambda's size limits, per artifact.
    let mut diagnostics = out.diagnostics;
    diagnostics.extend(cfgen_core::artifacts::check_sizes(&out.artifacts, cfgen_core::artifacts::LAMBDA_LIMITS));
    if report(&diagnostics, &out.sources, input.diagnostics, input.strict) {
        return ExitCode::from(1);
    }
    let Some(template) = out.template else { return ExitCode::from(1) };

    let arts = &out.artifacts;
    let mut plans: Vec<&cfgen_core::artifacts::ArtifactPlan> = Vec::new();
    for p in arts.service.iter().chain(arts.functions.values()).map(|p| &**p).chain(arts.layers.values()) {
        if p.built && !plans.iter().any(|q| q.file_name == p.file_name) {
            plans.push(p);
        }
    }
    let custom = cfgen_core::artifacts::uses_custom_resources(&template).then(cfgen_core::artifacts::custom_resources_zip);
    plans.extend(custom.as_ref());

    if let Err(e) = std::fs::create_dir_all(&out_dir) {
        eprintln!("error: cannot create {}: {e}", out_dir.display());
        return ExitCode::from(1);
    }
    let mut files: Vec<(String, Vec<u8>)> =
        vec![("cloudformation-template-update-stack.json".into(), cfgen_core::emit::to_json(&template).into_bytes())];
    if let Some(core) = core_template(&template) {
        files.push(("cloudformation-template-create-stack.json".into(), cfgen_core::emit::to_json(&core).into_bytes()));
    }
    for p in &plans {
        files.push((p.file_name.clone(), p.bytes.clone()));
    }
    for (name, bytes) in &files {
        let path = out_dir.join(name);
        if let Err(e) = std::fs::write(&path, bytes) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return ExitCode::from(1);
        }
        eprintln!("wrote {} ({})", path.display(), cfgen_core::artifacts::human_size(bytes.len() as u64));
    }
    ExitCode::SUCCESS
}

/// The stack Serverless creates first (`cloudformation-template-create-stack.json`): the
/// deployment bucket, its policy and its name output. None with an existing bucket.
fn core_template(template: &Value) -> Option<Value> {
    let resources = template.get("Resources")?.as_object()?;
    let bucket = resources.get("ServerlessDeploymentBucket")?;
    let mut r = serde_json::Map::new();
    r.insert("ServerlessDeploymentBucket".into(), bucket.clone());
    if let Some(p) = resources.get("ServerlessDeploymentBucketPolicy") {
        r.insert("ServerlessDeploymentBucketPolicy".into(), p.clone());
    }
    Some(serde_json::json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "The AWS CloudFormation template for this Serverless application",
        "Resources": r,
        "Outputs": {"ServerlessDeploymentBucketName": {"Value": {"Ref": "ServerlessDeploymentBucket"}}}
    }))
}
