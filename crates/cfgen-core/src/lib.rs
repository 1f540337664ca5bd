//! `cfgen-core`: the pure compiler. serverless.yml (already loaded by `cfgen-syntax`) in,
//! CloudFormation out, exactly as Serverless Framework v3.40.0 `serverless package` writes it.
//!
//! What it is not: it does no IO, reads no clock, environment or network. Files, environment
//! variables and injected values come in through [`Host`]; the instance id and every other
//! "random" part of Serverless' output are derived from the input.
//!
//! ```
//! use cfgen_core::{build, BuildOptions, MemoryHost};
//! let src = "service: hello\nprovider:\n  name: aws\nfunctions:\n  main:\n    handler: index.handler\n";
//! let mut host = MemoryHost::default();
//! host.files.insert("index.js".into(), b"exports.handler = async () => 1;\n".to_vec());
//! let out = build(src, "serverless.yml", &BuildOptions::default(), &host);
//! let t = out.template.unwrap();
//! assert_eq!(t["Resources"]["MainLambdaFunction"]["Properties"]["FunctionName"], "hello-dev-main");
//! ```

pub mod artifacts;
pub mod check;
pub mod collate;
pub mod compile;
pub mod devdeps;
pub mod emit;
pub mod events;
pub mod identity;
pub(crate) mod json;
pub mod merge;
pub mod naming;
pub(crate) mod node_url;
pub mod package;
pub mod plugins;
pub mod schema;
pub mod static_value;
pub mod validate;
pub mod value;
#[rustfmt::skip]
mod validation_schema;
pub mod variables;

use cfgen_syntax::{codes, Diagnostic, Node, SourceMap, Value as NodeValue};
use indexmap::IndexMap;
use serde_json::Value;
use std::collections::BTreeMap;

/// The largest text file cfgen reads: a configuration, a `${file()}` target, a `--vars` file,
/// a `package.json` read for development dependencies (the loader's own limit, 16 MiB).
pub const MAX_TEXT_FILE: u64 = 16 * 1024 * 1024;

/// Everything the outside world provides: environment, text files for `${file()}`, and the
/// service's files for artifacts.
pub trait Host: variables::Host + artifacts::FileSource {}
impl<T: variables::Host + artifacts::FileSource> Host for T {}

/// A host backed by maps (for tests and for embedding).
#[derive(Clone, Debug, Default)]
pub struct MemoryHost {
    pub env: BTreeMap<String, String>,
    /// Files by '/'-separated path relative to the service directory.
    pub files: BTreeMap<String, Vec<u8>>,
    /// The files (paths as in `files`) whose owner-execute bit is set.
    pub executable: std::collections::BTreeSet<String>,
}

impl variables::Host for MemoryHost {
    fn env(&self, name: &str) -> Option<String> {
        self.env.get(name).cloned()
    }
    fn read_file(&self, path: &str) -> Result<Option<String>, String> {
        match self.files.get(path) {
            Some(b) => String::from_utf8(b.clone()).map(Some).map_err(|_| "not UTF-8 text".into()),
            None => Ok(None),
        }
    }
}

impl artifacts::FileSource for MemoryHost {
    fn list_files(&self) -> Vec<String> {
        self.files.keys().cloned().collect()
    }
    fn read_bytes(&self, path: &str) -> Option<artifacts::FileData> {
        self.files.get(path).map(|b| artifacts::FileData { bytes: b.clone(), executable: self.executable.contains(path) })
    }
}

/// Options of one build (the CLI's flags).
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    /// `--stage`.
    pub stage: Option<String>,
    /// `--region`.
    pub region: Option<String>,
    /// Other `${opt:name}` values (`--opt name=value`).
    pub options: IndexMap<String, Value>,
    /// `--param key=value`.
    pub params: IndexMap<String, String>,
    /// Values of `${ssm:}`, `${cf:}`, `${s3:}`, `${aws:accountId}` (`--var`, `--vars`).
    pub injected: IndexMap<String, Value>,
    /// Pin the framework instance id (the `ApiGatewayDeployment` suffix and `${sls:instanceId}`);
    /// by default it is derived from the configuration text.
    pub instance_id: Option<String>,
    /// Build even when `plugins:` names plugins cfgen does not know (they become warnings).
    pub allow_unknown_plugins: bool,
    /// The checks of the emitted template (`cfgen validate`, `--no-limit-checks`,
    /// `--allow-deprecated-runtimes`); they run on every build.
    pub checks: check::CheckOptions,
    /// Pin the artifact folder name (the last part of the S3 folder); by default it is derived
    /// from the configuration and the artifacts' content.
    pub artifact_folder: Option<String>,
}

/// The result of a build: the template (unless an error stopped it), every diagnostic, the
/// artifacts, and the source files the diagnostics point into.
pub struct BuildOutput {
    pub template: Option<Value>,
    /// The configuration as it was compiled: variables resolved, and what plugins add to it
    /// before it is typed (serverless-lift's functions and events, serverless-plugin-warmup's
    /// warmers). `None` when it could not be loaded or resolved.
    pub config: Option<Node>,
    pub diagnostics: Vec<Diagnostic>,
    pub artifacts: artifacts::Artifacts,
    pub sources: SourceMap,
}

/// Load, resolve and compile `src` (the text of `file_name`, e.g. `serverless.yml`).
pub fn build(src: &str, file_name: &str, opts: &BuildOptions, host: &dyn Host) -> BuildOutput {
    cfgen_syntax::diagnostic::with_suggestion_budget(cfgen_syntax::diagnostic::SUGGESTION_BUDGET, || {
        build_inner(src, file_name, opts, host)
    })
}

fn build_inner(src: &str, file_name: &str, opts: &BuildOptions, host: &dyn Host) -> BuildOutput {
    let mut sources = SourceMap::new();
    let (config, mut diagnostics) = load_and_resolve(src, file_name, opts, host, &mut sources);
    let mut out =
        BuildOutput { template: None, config: None, diagnostics: Vec::new(), artifacts: Default::default(), sources: SourceMap::new() };
    if let Some(mut node) = config {
        let (template, artifacts) = compile_node(&mut node, src, file_name, opts, host, &mut diagnostics);
        out.template = template;
        out.artifacts = artifacts;
        out.config = Some(node);
    }
    out.diagnostics = diagnostics;
    out.sources = sources;
    out
}

/// The configuration with its variables resolved (`cfgen print`), or the errors that stopped it.
pub struct ResolveOutput {
    pub config: Option<Node>,
    pub diagnostics: Vec<Diagnostic>,
    pub sources: SourceMap,
}

/// Load `src` and resolve its variables, without compiling.
pub fn resolve(src: &str, file_name: &str, opts: &BuildOptions, host: &dyn Host) -> ResolveOutput {
    cfgen_syntax::diagnostic::with_suggestion_budget(cfgen_syntax::diagnostic::SUGGESTION_BUDGET, || {
        resolve_inner(src, file_name, opts, host)
    })
}

fn resolve_inner(src: &str, file_name: &str, opts: &BuildOptions, host: &dyn Host) -> ResolveOutput {
    let mut sources = SourceMap::new();
    let (mut config, diagnostics) = load_and_resolve(src, file_name, opts, host, &mut sources);
    if let Some(c) = config.as_mut() {
        plugins::lift::untokenize(c);
    }
    ResolveOutput { config, diagnostics, sources }
}

fn load_and_resolve(
    src: &str,
    file_name: &str,
    opts: &BuildOptions,
    host: &dyn Host,
    sources: &mut SourceMap,
) -> (Option<Node>, Vec<Diagnostic>) {
    let file = sources.add(file_name, src);
    let mut notes = Vec::new();
    let loaded = if file_name.ends_with(".json") {
        cfgen_syntax::yaml::load_json(src, file)
    } else {
        cfgen_syntax::yaml::load_noting(src, file, &mut notes)
    };
    let root = match loaded {
        Ok(n) => n,
        Err(d) => return (None, vec![d]),
    };
    if !matches!(root.value, NodeValue::Map(_)) {
        let d = Diagnostic::error(codes::NOT_A_MAPPING, format!("the configuration must be a mapping, not {}", root.type_name()))
            .at(root.span)
            .help("start with `service: <name>` and `provider: {name: aws}`");
        return (None, vec![d]);
    }
    let mut var_opts = variables::VarOptions {
        options: opts.options.clone(),
        params: opts.params.clone(),
        injected: opts.injected.clone(),
        instance_id: instance_id(src, opts),
    };
    if let Some(s) = &opts.stage {
        var_opts.options.insert("stage".into(), Value::String(s.clone()));
    }
    if let Some(r) = &opts.region {
        var_opts.options.insert("region".into(), Value::String(r.clone()));
    }
    let (node, mut diags) = variables::resolve(root, &var_opts, host, sources);
    diags.splice(0..0, notes);
    let ok = !diags.iter().any(Diagnostic::is_error);
    if !ok {
        // Report every problem at once: keys do not depend on variables, so unknown keys are
        // still found when some value could not be resolved.
        validate::unknown_keys_only(&node, &mut diags);
    }
    (ok.then_some(node), diags)
}

fn instance_id(src: &str, opts: &BuildOptions) -> String {
    opts.instance_id.clone().unwrap_or_else(|| derive_instance_id(src))
}

/// A deterministic 13-digit instance id derived from the configuration text.
pub fn derive_instance_id(src: &str) -> String {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(src.as_bytes());
    let mut n = 0u64;
    for b in &d[..8] {
        n = (n << 8) | u64::from(*b);
    }
    format!("{:013}", n % 10_000_000_000_000)
}

fn compile_node(
    node: &mut Node,
    src: &str,
    file_name: &str,
    opts: &BuildOptions,
    host: &dyn Host,
    diags: &mut Vec<Diagnostic>,
) -> (Option<Value>, artifacts::Artifacts) {
    let instance_id = instance_id(src, opts);
    // serverless-lift changes the configuration before it is validated (functions, events,
    // `${construct:}` values) and after (IAM statements, resources).
    // serverless-plugin-warmup adds its functions and roles after Lift's.
    let listed = plugins::listed(node.get("plugins").map(Node::to_json).as_ref());
    let uses = |p: &str| listed.iter().any(|l| l == p);
    let mut lift = None;
    if uses("serverless-lift") {
        let Some(l) = plugins::lift::expand(node, diags) else {
            return (None, Default::default());
        };
        lift = Some(l);
    }
    let mut warmup = None;
    if uses(plugins::warmup::PLUGIN) {
        let (stage, region) = validate::stage_and_region(node, opts);
        let severity = validate::schema_severity(node);
        let Some(w) = plugins::warmup::expand(node, &stage, &region, severity, diags) else {
            // The configuration's own problems too, all at once (not past the budget: what
            // the warmers added so far is large).
            if !diags.iter().any(|d| d.code == codes::TEMPLATE_BUDGET) {
                let _ = validate::prepare(node, opts, diags);
            }
            return (None, Default::default());
        };
        warmup = Some(w);
    }
    let node: &Node = node;
    let Some(mut pre) = validate::prepare(node, opts, diags) else {
        return (None, Default::default());
    };
    if let Some(lift) = &lift {
        plugins::lift::finish(lift, &mut pre, diags);
    }
    if let Some(w) = &warmup {
        plugins::warmup::finish(w, &mut pre);
    }
    events::coerce_scalar_bodies(&mut pre.functions, node, diags);
    let functions = std::rc::Rc::new(std::mem::take(&mut pre.functions));
    let mut ctx = compile::Ctx {
        cfg: &pre.service,
        node,
        service: pre.service_name.clone(),
        service_value: pre.service_value.clone(),
        stage: pre.stage.clone(),
        region: pre.region.clone(),
        function_index: functions.iter().enumerate().map(|(i, (k, _))| (k.clone(), i)).collect(),
        functions: functions.clone(),
        diags: Vec::new(),
        instance_id: instance_id.clone(),
    };
    let plan_input = artifacts::PlanInput {
        cfg: &pre.service,
        node,
        service: &pre.service_name,
        stage: &pre.stage,
        config_file_name: file_name.rsplit('/').next().unwrap_or(file_name),
        functions: &functions,
        seed: &instance_id,
        folder: opts.artifact_folder.as_deref(),
    };
    // The handlers the warmers write are files of the service while it is packaged.
    let with_generated;
    let files: &dyn artifacts::FileSource = match warmup.as_ref().filter(|w| !w.files.is_empty()) {
        Some(w) => {
            with_generated = artifacts::WithFiles { inner: host, files: &w.files };
            &with_generated
        }
        None => host,
    };
    let arts = artifacts::plan(&plan_input, files, diags);
    let template = compile::compile(&mut ctx, &arts);
    // Some passes check the keys of the sections they compile (`provider.apiGateway`,
    // `provider.httpApi`, `resources.extensions`, ...) with a more specific message than the
    // schema check of `validate`: one finding per key, the pass's.
    let pass_spans: Vec<_> = ctx.diags.iter().filter_map(|d| d.span).collect();
    let schema_codes = [codes::UNKNOWN_KEY.id, codes::INVALID_VALUE.id, codes::INVALID_TYPE.id];
    diags.retain(|d| !schema_codes.contains(&d.code.id) || !d.span.is_some_and(|s| pass_spans.contains(&s)));
    diags.extend(ctx.diags);
    // Checks of the emitted template; an error so far (other than a blocked runtime, which
    // only `cfgen validate` makes an error) means the template is not worth checking.
    if let Some(t) = template.as_ref().filter(|_| !diags.iter().any(|d| d.is_error() && d.code != codes::RUNTIME_BLOCKED)) {
        check::check(t, node, &opts.checks, diags);
    }
    // Any error (e.g. a schema error under `configValidationMode: error`) means no template.
    let template = template.filter(|_| !diags.iter().any(Diagnostic::is_error));
    (template, arts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::collections::BTreeMap;

    /// A [`MemoryHost`] that counts the reads of each file and allows `workers` threads.
    struct CountingHost {
        inner: MemoryHost,
        workers: usize,
        reads: RefCell<BTreeMap<String, usize>>,
        asked: std::cell::Cell<usize>,
    }

    impl variables::Host for CountingHost {
        fn env(&self, name: &str) -> Option<String> {
            self.inner.env(name)
        }
        fn read_file(&self, path: &str) -> Result<Option<String>, String> {
            self.inner.read_file(path)
        }
    }

    impl artifacts::FileSource for CountingHost {
        fn list_files(&self) -> Vec<String> {
            self.inner.list_files()
        }
        fn read_bytes(&self, path: &str) -> Option<artifacts::FileData> {
            *self.reads.borrow_mut().entry(path.to_string()).or_default() += 1;
            self.inner.read_bytes(path)
        }
        fn workers(&self) -> usize {
            self.asked.set(self.asked.get() + 1);
            self.workers
        }
    }

    /// A host that lists one file more than a service may hold, and reads none.
    struct Crowded;

    impl variables::Host for Crowded {
        fn env(&self, _: &str) -> Option<String> {
            None
        }
        fn read_file(&self, _: &str) -> Result<Option<String>, String> {
            Ok(None)
        }
    }

    impl artifacts::FileSource for Crowded {
        fn list_files(&self) -> Vec<String> {
            (0..=artifacts::MAX_SERVICE_FILES).map(|i| format!("f{i}")).collect()
        }
        fn read_bytes(&self, _: &str) -> Option<artifacts::FileData> {
            panic!("a folder with too many files is not read");
        }
    }

    /// `org` and `app` turn on the Dashboard, whose changes cfgen does not write: a warning at
    /// `org`, none when `dashboard.disableMonitoring` turns it off or `app` is missing.
    #[test]
    fn the_dashboard_is_named_when_org_and_app_turn_it_on() {
        let base = "service: d\nprovider:\n  name: aws\n  runtime: nodejs22.x\nfunctions:\n  a:\n    handler: a.handler\n";
        let mut host = MemoryHost::default();
        host.files.insert("a.js".into(), b"exports.handler = 1;\n".to_vec());
        let dashboard = |src: &str| {
            let out = build(src, "serverless.yml", &BuildOptions::default(), &host);
            assert!(out.template.is_some(), "{:?}", out.diagnostics);
            out.diagnostics.into_iter().filter(|d| d.code == codes::NOT_IMPLEMENTED).collect::<Vec<_>>()
        };
        let on = dashboard(&format!("org: o1234\napp: a\n{base}"));
        assert_eq!(on.len(), 1, "{on:?}");
        assert_eq!(on[0].severity, cfgen_syntax::Severity::Warning);
        assert_eq!(on[0].span.map(|s| (s.line, s.col)), Some((1, 1)), "at `org`");
        assert!(dashboard(&format!("org: o1234\napp: a\ndashboard:\n  disableMonitoring: true\n{base}")).is_empty());
        assert!(dashboard(&format!("org: o1234\n{base}")).is_empty());
    }

    #[test]
    fn a_folder_with_too_many_files_is_an_error_not_a_zip() {
        let src = "service: crowded\nprovider:\n  name: aws\n  runtime: nodejs22.x\nfunctions:\n  a:\n    handler: a.handler\n";
        let out = build(src, "serverless.yml", &BuildOptions::default(), &Crowded);
        let errors: Vec<&Diagnostic> = out.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert_eq!(errors.len(), 1, "{:?}", out.diagnostics);
        assert_eq!(errors[0].code, codes::PACKAGING);
        assert!(errors[0].message.contains("more than 1000000 files"), "{}", errors[0].message);
        assert!(errors[0].span.is_some(), "located at `service`");
        assert!(out.template.is_none());
    }

    /// A host with one more file, `path`, of `size` bytes: sized, never made (reading it whole
    /// fails the test).
    struct Huge {
        inner: MemoryHost,
        path: &'static str,
        size: u64,
    }

    impl variables::Host for Huge {
        fn env(&self, _: &str) -> Option<String> {
            None
        }
        fn read_file(&self, path: &str) -> Result<Option<String>, String> {
            self.inner.read_file(path)
        }
    }

    impl artifacts::FileSource for Huge {
        fn list_files(&self) -> Vec<String> {
            let mut files = self.inner.list_files();
            files.push(self.path.into());
            files.sort();
            files
        }
        fn read_bytes(&self, path: &str) -> Option<artifacts::FileData> {
            assert_ne!(path, self.path, "read whole");
            self.inner.read_bytes(path)
        }
        fn read_at_most(&self, path: &str, max: u64) -> Result<Option<artifacts::FileData>, u64> {
            if path == self.path {
                assert!(self.size > max, "{path} fits in {max} bytes");
                return Err(self.size);
            }
            self.inner.read_at_most(path, max)
        }
    }

    #[test]
    fn files_past_lambdas_limit_are_not_read() {
        let src = "service: huge\nprovider:\n  name: aws\n  runtime: nodejs22.x\nfunctions:\n  a:\n    handler: a.handler\n";
        let mut inner = MemoryHost::default();
        inner.files.insert("a.js".into(), b"exports.handler = async () => 1;\n".to_vec());
        let out = build(src, "serverless.yml", &BuildOptions::default(), &Huge { inner, path: "huge.bin", size: 300 * 1024 * 1024 });
        let errors: Vec<&Diagnostic> = out.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert_eq!(errors.len(), 1, "{:?}", out.diagnostics);
        assert_eq!(errors[0].code, codes::PACKAGING);
        assert_eq!(
            errors[0].message,
            "huge.zip would hold more than 250.0 MB, Lambda's limit unzipped: its files reach 300.0 MB at `huge.bin`, where cfgen stopped reading"
        );
        assert!(
            errors[0].help.as_deref().unwrap().starts_with("the largest files so far: huge.bin (300.0 MB), a.js (33 B); "),
            "{:?}",
            errors[0].help
        );
        assert!(errors[0].span.is_some(), "located at `service`");
        assert!(out.template.is_none());
        assert!(out.artifacts.service.as_ref().is_some_and(|p| p.bytes.is_empty()), "no zip is made");
    }

    #[test]
    fn a_huge_manifest_is_not_read_for_development_dependencies() {
        let src = "service: pj\nprovider:\n  name: aws\n  runtime: nodejs22.x\npackage:\n  patterns: ['!package.json']\n\
                   functions:\n  a:\n    handler: h.a\n";
        let mut inner = MemoryHost::default();
        inner.files.insert("h.js".into(), b"exports.a = 1;\n".to_vec());
        inner.files.insert("node_modules/x/package.json".into(), br#"{"name": "x"}"#.to_vec());
        let out = build(src, "serverless.yml", &BuildOptions::default(), &Huge { inner, path: "package.json", size: 1 << 30 });
        assert!(out.template.is_some(), "{:?}", out.diagnostics);
        let zip = &out.artifacts.function("a").unwrap().files;
        let names: Vec<&str> = zip.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(names, ["h.js", "node_modules/x/package.json"], "a package whose root manifest cannot be read keeps its modules");
    }

    #[test]
    fn shared_files_are_compressed_once_and_threads_change_no_byte() {
        let src = "service: shared\nprovider:\n  name: aws\n  runtime: nodejs22.x\npackage:\n  individually: true\nfunctions:\n  \
                   a:\n    handler: a.handler\n  b:\n    handler: b.handler\n  c:\n    handler: c.handler\n    package:\n      \
                   patterns: ['!lib/big1.js']\n";
        let mut inner = MemoryHost::default();
        for f in ["a", "b", "c"] {
            inner.files.insert(format!("{f}.js"), format!("exports.handler = async () => '{f}';\n").into_bytes());
        }
        // Enough content that the host's threads are asked for (a compressible text, like code).
        let per_file = package::PARALLEL_MIN_BYTES / 3 + 1;
        for i in 0..4u64 {
            let text: Vec<u8> =
                (0..per_file).map(|j| b"const value = require('lib'); // x\n"[(j % 35) as usize] ^ (j / 4096 % 2) as u8).collect();
            inner.files.insert(format!("lib/big{i}.js"), text);
        }
        let run = |workers: usize| {
            let host = CountingHost { inner: inner.clone(), workers, reads: RefCell::default(), asked: Default::default() };
            let out = build(src, "serverless.yml", &BuildOptions::default(), &host);
            assert!(out.template.is_some(), "{:?}", out.diagnostics);
            assert_eq!(host.asked.get(), 1, "the threads are asked for once: only the first zip has new content");
            (out, host.reads.into_inner())
        };
        let (one, reads) = run(1);
        assert_eq!(reads.len(), 7, "every file is read: {reads:?}");
        assert!(reads.values().all(|&n| n == 1), "each file is read once for the three zips: {reads:?}");
        let (three, _) = run(3);
        assert!(one.template == three.template, "threads change no byte of the template");
        for f in ["a", "b", "c"] {
            let (x, y) = (&one.artifacts.function(f).unwrap().bytes, &three.artifacts.function(f).unwrap().bytes);
            assert!(x == y, "function {f}: the same zip on one thread and three");
        }
        // Each zip is the one written from the files themselves.
        let expected = |skip: &str| {
            let entries: Vec<package::ZipEntry> = inner
                .files
                .iter()
                .filter(|(p, _)| p.as_str() != skip)
                .map(|(p, d)| package::ZipEntry { path: p, executable: false, data: d })
                .collect();
            package::build_zip(&entries)
        };
        assert!(one.artifacts.function("a").unwrap().bytes == expected(""), "function a holds every file");
        assert!(one.artifacts.function("c").unwrap().bytes == expected("lib/big1.js"), "function c leaves out lib/big1.js");
    }

    /// An empty artifact is a warning while the service has no code yet and an error once its
    /// patterns leave out code that is there, also for runtimes whose handler names no file.
    #[test]
    fn empty_artifact_is_code_to_come_or_the_patterns_doing() {
        let packaging = |runtime: &str, files: &[&str], patterns: &str| {
            let src = format!(
                "service: s\nprovider:\n  name: aws\n  runtime: {runtime}\npackage:\n  individually: true\n  patterns: [{patterns}]\n\
                 functions:\n  check:\n    handler: email-checker\n"
            );
            let mut host = MemoryHost::default();
            for f in files {
                host.files.insert(f.to_string(), b"x".to_vec());
            }
            let out = build(&src, "serverless.yml", &BuildOptions::default(), &host);
            let found: Vec<(bool, String)> =
                out.diagnostics.iter().filter(|d| d.code == codes::PACKAGING).map(|d| (d.is_error(), d.message.clone())).collect();
            (out.template.is_some(), found)
        };
        let to_come = (false, "function `check`: no files to package yet; the artifact is empty".to_string());
        let excluded = (true, "function `check`: no file matches the package patterns".to_string());
        // A runtime cfgen cannot name the handler's file of (one a plugin replaces): the folder
        // holds nothing but configuration and data, so the code is still to come.
        assert_eq!(packaging("rust", &["serverless.yml", "config/dev.yml"], "'!config/**'"), (true, vec![to_come.clone()]));
        // It holds code, and the patterns leave it out.
        assert_eq!(packaging("rust", &["serverless.yml", "src/main.rs"], "'!src/**'"), (false, vec![excluded.clone()]));
        // A runtime whose handler's file cfgen knows: that file decides.
        assert_eq!(packaging("provided.al2", &["serverless.yml", "README"], "'!README'"), (true, vec![to_come]));
        assert_eq!(packaging("provided.al2", &["serverless.yml", "email-checker"], "'!email-checker'"), (false, vec![excluded]));
    }
}
