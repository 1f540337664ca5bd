//! `cfgen`: compile a Serverless Framework v3 `serverless.yml` into the CloudFormation template
//! `serverless package` would write, offline and deterministically.
//!
//! This binary is the only place that does IO: it reads files and the environment, renders
//! diagnostics and writes the template; everything else is `cfgen-core`.

mod host;

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
    Validate {
        #[command(flatten)]
        input: InputArgs,
    },
    /// Print the JSON Schema (draft-07) of serverless.yml, for editors.
    Schema,
    /// Explain a diagnostic code, or list them all.
    Explain {
        /// A code such as CFG202 (or its name, e.g. unknown-key); none lists every code.
        code: Option<String>,
    },
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
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Json,
    Yaml,
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

fn run_build(input: &InputArgs, emit: Option<(Format, Option<PathBuf>)>) -> ExitCode {
    let path = match find_config(input.file.as_deref()) {
        Ok(p) => p,
        Err(e) => return usage_error(&e),
    };
    let display = path.to_string_lossy().into_owned();
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    if matches!(ext, "js" | "ts" | "cjs" | "mjs") {
        return usage_error(&format!("{display}: JavaScript/TypeScript configurations are not supported; cfgen reads YAML or JSON"));
    }
    let mut sources = SourceMap::new();
    let fail = |d: Diagnostic, sources: &SourceMap| {
        report(&[d], sources, input.diagnostics, false);
        ExitCode::from(1)
    };
    let meta = match std::fs::metadata(&path) {
        Ok(m) => m,
        Err(e) => return usage_error(&format!("cannot read {display}: {e}")),
    };
    if meta.is_dir() {
        return usage_error(&format!("{display} is a directory"));
    }
    if meta.len() > host::MAX_TEXT_FILE {
        return fail(
            Diagnostic::error(
                codes::BUDGET,
                format!("{display} is {} bytes; cfgen reads configurations of at most {} bytes", meta.len(), host::MAX_TEXT_FILE),
            ),
            &sources,
        );
    }
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) => return usage_error(&format!("cannot read {display}: {e}")),
    };
    let src = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let upto = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = upto.iter().filter(|b| **b == b'\n').count() as u32 + 1;
            let col = upto.iter().rev().take_while(|b| **b != b'\n').count() as u32 + 1;
            let f = sources.add(display.clone(), "");
            return fail(
                Diagnostic::error(codes::NOT_UTF8, format!("{display} is not UTF-8 text")).at(cfgen_syntax::Span::point(f, line, col)),
                &sources,
            );
        }
    };
    let dir = path.parent().map(Path::to_path_buf).filter(|p| !p.as_os_str().is_empty()).unwrap_or_else(|| PathBuf::from("."));

    let mut opts = BuildOptions {
        stage: input.stage.clone(),
        region: input.region.clone(),
        instance_id: input.instance_id.clone(),
        ..Default::default()
    };
    for p in &input.params {
        let Some((k, v)) = split_kv(p) else { return usage_error(&format!("--param wants KEY=VALUE, got `{p}`")) };
        opts.params.insert(k, v);
    }
    for o in &input.opts {
        let Some((k, v)) = split_kv(o) else { return usage_error(&format!("--opt wants NAME=VALUE, got `{o}`")) };
        opts.options.insert(k, Value::String(v));
    }
    let mut injected: IndexMap<String, Value> = IndexMap::new();
    if let Some(f) = &input.vars_file {
        let text = match std::fs::read_to_string(f) {
            Ok(t) => t,
            Err(e) => return usage_error(&format!("cannot read --vars {}: {e}", f.display())),
        };
        let fid = sources.add(f.to_string_lossy().into_owned(), text.clone());
        match cfgen_syntax::yaml::load(&text, fid) {
            Ok(n) => match n.to_json() {
                Value::Object(m) => injected.extend(m),
                _ => return usage_error(&format!("--vars {}: expected a mapping of 'ssm:/path' keys to values", f.display())),
            },
            Err(d) => return fail(d, &sources),
        }
    }
    for v in &input.vars {
        let Some((k, val)) = split_kv(v) else { return usage_error(&format!("--var wants SOURCE:ADDRESS=VALUE, got `{v}`")) };
        injected.insert(k, Value::String(val));
    }
    opts.injected = injected;

    let host = host::FsHost { dir };
    let out: BuildOutput = cfgen_core::build(&src, &display, &opts, &host);
    let failed = report(&out.diagnostics, &out.sources, input.diagnostics, input.strict);
    if failed {
        return ExitCode::from(1);
    }
    let Some(template) = out.template else {
        return ExitCode::from(1);
    };
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
