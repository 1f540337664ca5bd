//! `cfgen init`: write a new service from a blueprint.
//!
//! The blueprints live in `templates/<name>/` at the root of the repository and are embedded in
//! the binary; every file is rendered with minijinja (`{{ service }}`, `{{ schema }}`). Each
//! blueprint writes `serverless.yml` (its first line the yaml-language-server modeline pointing
//! at `.cfgen/serverless.schema.json`, which `init` writes too, so editors work offline), the
//! handler code and a sample event under `events/`. Existing files are never overwritten.

use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Where the editor schema is written, relative to the service directory.
pub const SCHEMA_PATH: &str = ".cfgen/serverless.schema.json";

pub struct Blueprint {
    pub name: &'static str,
    pub description: &'static str,
    /// (path in the new service, template text).
    pub files: &'static [(&'static str, &'static str)],
}

macro_rules! blueprint_file {
    ($bp:literal, $path:literal) => {
        ($path, include_str!(concat!("../../../templates/", $bp, "/", $path)))
    };
}

const GITIGNORE: (&str, &str) = (".gitignore", include_str!("../../../templates/gitignore"));

pub const BLUEPRINTS: &[Blueprint] = &[
    Blueprint {
        name: "hello-python",
        description: "one Python function and a sample event",
        files: &[
            blueprint_file!("hello-python", "serverless.yml"),
            blueprint_file!("hello-python", "handler.py"),
            blueprint_file!("hello-python", "events/hello.json"),
            GITIGNORE,
        ],
    },
    Blueprint {
        name: "hello-node",
        description: "one Node.js function and a sample event",
        files: &[
            blueprint_file!("hello-node", "serverless.yml"),
            blueprint_file!("hello-node", "handler.js"),
            blueprint_file!("hello-node", "events/hello.json"),
            GITIGNORE,
        ],
    },
    Blueprint {
        name: "http-api-python",
        description: "an HTTP API (httpApi events) in front of Python functions",
        files: &[
            blueprint_file!("http-api-python", "serverless.yml"),
            blueprint_file!("http-api-python", "api.py"),
            blueprint_file!("http-api-python", "events/get-item.json"),
            GITIGNORE,
        ],
    },
    Blueprint {
        name: "sqs-worker-node",
        description: "a Node.js producer and an SQS worker, with the queue and its dead-letter queue",
        files: &[
            blueprint_file!("sqs-worker-node", "serverless.yml"),
            blueprint_file!("sqs-worker-node", "producer.js"),
            blueprint_file!("sqs-worker-node", "worker.js"),
            blueprint_file!("sqs-worker-node", "events/sqs.json"),
            GITIGNORE,
        ],
    },
    Blueprint {
        name: "step-functions-python",
        description: "a state machine (serverless-step-functions) running two Python functions",
        files: &[
            blueprint_file!("step-functions-python", "serverless.yml"),
            blueprint_file!("step-functions-python", "steps.py"),
            blueprint_file!("step-functions-python", "events/order.json"),
            GITIGNORE,
        ],
    },
];

#[derive(Args)]
pub struct InitArgs {
    /// The folder to write the service into (created if missing; default: the current one).
    pub dir: Option<PathBuf>,
    /// The blueprint (`--list` shows them).
    #[arg(long, short = 't', default_value = "hello-python")]
    pub template: String,
    /// The service name (default: the folder's name, made a valid service name).
    #[arg(long, short = 'n')]
    pub name: Option<String>,
    /// List the blueprints and exit.
    #[arg(long)]
    pub list: bool,
}

/// Serverless' rule for service names: a letter, then letters, digits and hyphens.
pub fn valid_service_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic()) && chars.all(|c| c.is_ascii_alphanumeric() || c == '-') && s.len() >= 2
}

/// A service name from a folder name: other characters become `-`, a leading non-letter gets
/// an `s-` prefix; `None` when nothing usable is left.
pub fn service_name_from(folder: &str) -> Option<String> {
    let mut s: String = folder.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' }).collect();
    s = s.trim_matches('-').to_string();
    if s.is_empty() {
        return None;
    }
    if !s.starts_with(|c: char| c.is_ascii_alphabetic()) {
        s = format!("s-{s}");
    }
    valid_service_name(&s).then_some(s)
}

/// Every file of the new service: (relative path, content), the schema last.
pub fn render(bp: &Blueprint, service: &str) -> Result<Vec<(String, String)>, String> {
    let env = minijinja::Environment::new();
    let ctx = minijinja::context! { service => service, schema => format!("./{SCHEMA_PATH}") };
    let mut out = Vec::new();
    for (path, text) in bp.files {
        let rendered = env.render_str(text, &ctx).map_err(|e| format!("blueprint {}: {path}: {e}", bp.name))?;
        // minijinja drops the final newline of a template; files end with one.
        let rendered = if text.ends_with('\n') && !rendered.ends_with('\n') { rendered + "\n" } else { rendered };
        out.push((path.to_string(), rendered));
    }
    out.push((SCHEMA_PATH.to_string(), cfgen_core::schema::schema_json() + "\n"));
    Ok(out)
}

/// Write `files` under `dir`, refusing (before writing anything) when any exists.
pub fn write_all(dir: &Path, files: &[(String, String)]) -> Result<(), String> {
    let existing: Vec<String> =
        files.iter().filter(|(p, _)| dir.join(p).exists()).map(|(p, _)| dir.join(p).display().to_string()).collect();
    if !existing.is_empty() {
        return Err(format!("refusing to overwrite existing files: {}", existing.join(", ")));
    }
    for (p, text) in files {
        let path = dir.join(p);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

pub fn run(args: &InitArgs) -> ExitCode {
    if args.list {
        for bp in BLUEPRINTS {
            println!("{:<24} {}", bp.name, bp.description);
        }
        return ExitCode::SUCCESS;
    }
    let Some(bp) = BLUEPRINTS.iter().find(|b| b.name == args.template) else {
        let names: Vec<&str> = BLUEPRINTS.iter().map(|b| b.name).collect();
        return crate::usage_error(&format!("no blueprint `{}`; there are: {}", args.template, names.join(", ")));
    };
    let dir = args.dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let service = match &args.name {
        Some(n) if valid_service_name(n) => n.clone(),
        Some(n) => return crate::usage_error(&format!("`{n}` is not a valid service name (a letter, then letters, digits and hyphens)")),
        None => {
            let folder = std::fs::canonicalize(&dir).ok().unwrap_or_else(|| dir.clone());
            let base = folder.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
            service_name_from(&base).unwrap_or_else(|| bp.name.to_string())
        }
    };
    let files = match render(bp, &service) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    if let Err(e) = write_all(&dir, &files) {
        eprintln!("error: {e}");
        return ExitCode::from(1);
    }
    for (p, _) in &files {
        eprintln!("wrote {}", dir.join(p).display());
    }
    eprintln!("service `{service}` from blueprint {}; try `cfgen build` in {}", bp.name, dir.display());
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;
    use cfgen_core::{BuildOptions, MemoryHost};

    #[test]
    fn service_names() {
        assert!(valid_service_name("my-service1"));
        assert!(!valid_service_name("1abc") && !valid_service_name("a_b") && !valid_service_name("x"));
        assert_eq!(service_name_from("my_service").as_deref(), Some("my-service"));
        assert_eq!(service_name_from("2048").as_deref(), Some("s-2048"));
        assert_eq!(service_name_from("..."), None);
    }

    /// Every blueprint renders and compiles with the library without an error, and its
    /// serverless.yml starts with the modeline pointing at the schema it writes.
    #[test]
    fn every_blueprint_compiles() {
        assert!(BLUEPRINTS.len() >= 5);
        for bp in BLUEPRINTS {
            let files = render(bp, "demo-svc").unwrap();
            let yml = &files.iter().find(|(p, _)| p == "serverless.yml").expect("a serverless.yml").1;
            let first = yml.lines().next().unwrap();
            assert_eq!(first, "# yaml-language-server: $schema=./.cfgen/serverless.schema.json", "{}", bp.name);
            assert!(files.iter().any(|(p, _)| p == SCHEMA_PATH));
            assert!(files.iter().any(|(p, _)| p.starts_with("events/") && p.ends_with(".json")), "{}: a sample event", bp.name);
            for (p, text) in &files {
                assert!(!text.contains("{{") && !text.contains("{%"), "{}: {p} is not fully rendered", bp.name);
                if p.ends_with(".json") {
                    serde_json::from_str::<serde_json::Value>(text).unwrap_or_else(|e| panic!("{}: {p}: {e}", bp.name));
                }
            }
            let mut host = MemoryHost::default();
            for (p, text) in &files {
                host.files.insert(p.clone(), text.clone().into_bytes());
            }
            let out = cfgen_core::build(yml, "serverless.yml", &BuildOptions::default(), &host);
            let diags: String = out.diagnostics.iter().map(|d| cfgen_syntax::render::human(d, &out.sources)).collect();
            assert!(out.template.is_some() && !out.diagnostics.iter().any(|d| d.is_error()), "{}:\n{diags}", bp.name);
            assert!(diags.is_empty(), "{}: a blueprint compiles without warnings:\n{diags}", bp.name);
            let t = out.template.unwrap();
            assert!(t["Resources"].as_object().unwrap().keys().any(|k| k.ends_with("LambdaFunction")), "{}", bp.name);
            // The schema and the sample events stay out of the deployment package.
            let zip = out.artifacts.service.as_ref().expect("a service zip");
            assert!(zip.files.iter().all(|(f, _)| !f.starts_with(".cfgen/") && !f.starts_with("events/")), "{}: {:?}", bp.name, zip.files);
        }
    }

    #[test]
    fn init_refuses_to_overwrite() {
        let dir = std::env::temp_dir().join(format!("cfgen-init-unit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let files = render(&BLUEPRINTS[0], "demo").unwrap();
        write_all(&dir, &files).unwrap();
        std::fs::write(dir.join("handler.py"), "# mine\n").unwrap();
        let err = write_all(&dir, &files).unwrap_err();
        assert!(err.contains("refusing to overwrite") && err.contains("serverless.yml"), "{err}");
        assert_eq!(std::fs::read_to_string(dir.join("handler.py")).unwrap(), "# mine\n");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
