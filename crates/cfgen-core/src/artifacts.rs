//! `package:createDeploymentArtifacts`: which zips the service has, their bytes and hashes.
//!
//! The zips are built in memory from the files the host lists (the same bytes `cfgen package`
//! writes), so `CodeSha256` and the version ids are those of real, reproducible artifacts. The
//! S3 folder of the artifacts is derived from their content and the configuration, never from
//! the clock.

use crate::package::{
    build_zip, build_zip_packed, code_sha256, pack_all, select_files_with, serverless_excludes, zip_listing, Packed, PackedEntry, Packer,
    ZipEntry, PARALLEL_MIN_BYTES,
};
use cfgen_model::Service;
use cfgen_syntax::{codes, Diagnostic, Node, Span};
use indexmap::IndexMap;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::Arc;

/// The files an artifact is built from; implemented by the host (the CLI reads the service
/// directory; tests use maps).
pub trait FileSource {
    /// Every file under the service directory, as a '/'-separated relative path.
    fn list_files(&self) -> Vec<String>;
    /// A file relative to the service directory, with its executable bit (which its zip entry
    /// keeps); `None` when it does not exist. The bit comes with the bytes rather than with the
    /// listing, so that a host learns it from the file it opens (the CLI: one `fstat`, which
    /// reading makes anyway) and asks nothing of the files no artifact takes.
    fn read_bytes(&self, path: &str) -> Option<FileData>;
    /// [`read_bytes`](Self::read_bytes), but a file of more than `max` bytes is not read:
    /// `Err(its size)`. Artifacts are read through this, so that a service folder holding far
    /// more than Lambda takes (a `serverless.yml` in a home folder) costs at most Lambda's limit
    /// in memory before the build stops. A host that can learn the size before reading (the
    /// CLI: the open file's metadata) should override it.
    fn read_at_most(&self, path: &str, max: u64) -> Result<Option<FileData>, u64> {
        match self.read_bytes(path) {
            Some(d) if d.bytes.len() as u64 > max => Err(d.bytes.len() as u64),
            d => Ok(d),
        }
    }
    /// Called while artifact `name` is compressed: `done` of `total` uncompressed bytes are in
    /// (the last call has `done == total`). The CLI shows it on a terminal; by default nothing.
    fn progress(&self, _name: &str, _done: u64, _total: u64) {}
    /// How many threads may compress at once. The host knows the machine (the core asks nothing
    /// of it); it is asked only when an artifact has [`PARALLEL_MIN_BYTES`] of new content or
    /// more, and the bytes are the same for any number. By default one.
    fn workers(&self) -> usize {
        1
    }
}

/// A host's files and a few more made by the build (a plugin's generated handler), which
/// stand in for a host's file of the same path.
pub struct WithFiles<'a> {
    pub inner: &'a dyn FileSource,
    /// `(path, bytes)`.
    pub files: &'a [(String, Vec<u8>)],
}

impl WithFiles<'_> {
    fn made(&self, path: &str) -> Option<&[u8]> {
        self.files.iter().find(|(p, _)| p == path).map(|(_, b)| b.as_slice())
    }
}

impl FileSource for WithFiles<'_> {
    fn list_files(&self) -> Vec<String> {
        let mut all = self.inner.list_files();
        all.extend(self.files.iter().map(|(p, _)| p.clone()));
        all.sort();
        all.dedup();
        all
    }
    fn read_bytes(&self, path: &str) -> Option<FileData> {
        self.read_at_most(path, u64::MAX).ok().flatten()
    }
    fn read_at_most(&self, path: &str, max: u64) -> Result<Option<FileData>, u64> {
        match self.made(path) {
            Some(b) if b.len() as u64 > max => Err(b.len() as u64),
            Some(b) => Ok(Some(FileData { bytes: b.to_vec(), executable: false })),
            None => self.inner.read_at_most(path, max),
        }
    }
    fn progress(&self, name: &str, done: u64, total: u64) {
        self.inner.progress(name, done, total);
    }
    fn workers(&self) -> usize {
        self.inner.workers()
    }
}

/// A file as [`FileSource::read_bytes`] gives it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileData {
    pub bytes: Vec<u8>,
    /// The owner may execute it (mode `0o755` in the zip, `0o644` otherwise).
    pub executable: bool,
}

/// One artifact.
#[derive(Clone, Debug)]
pub struct ArtifactPlan {
    /// Its file name in the S3 folder (`service.zip`, `fn.zip`, or a given artifact's basename).
    pub file_name: String,
    /// Where Serverless would keep it (used only to order layer hashes as Serverless does).
    pub path_for_sort: String,
    /// The zip (empty for a given `package.artifact` that does not exist).
    pub bytes: Vec<u8>,
    /// base64(sha256(bytes)).
    pub code_sha256: String,
    /// True when cfgen built it (false: a user-given artifact).
    pub built: bool,
    /// The files in it with their sizes (empty for a user-given artifact).
    pub files: Vec<(String, u64)>,
}

/// All artifacts of a build.
#[derive(Clone, Debug, Default)]
pub struct Artifacts {
    /// The S3 folder: `<prefix>/<service>/<stage>/<content hash>`.
    pub directory: String,
    pub service: Option<Arc<ArtifactPlan>>,
    /// Per function; functions sharing the service zip share one plan.
    pub functions: IndexMap<String, Arc<ArtifactPlan>>,
    pub layers: IndexMap<String, ArtifactPlan>,
    /// `<L>LambdaLayer` logical id -> layer key, made on the first [`Artifacts::layer_key_for_id`]
    /// (after planning, when `layers` is complete): a function may name thousands of layers.
    layer_ids: std::sync::OnceLock<std::collections::HashMap<String, String>>,
}

impl Artifacts {
    pub fn function(&self, key: &str) -> Option<&ArtifactPlan> {
        self.functions.get(key).map(|p| &**p)
    }
    pub fn layer(&self, key: &str) -> Option<&ArtifactPlan> {
        self.layers.get(key)
    }
    /// The layer key whose `<L>LambdaLayer` logical id is `id`.
    pub fn layer_key_for_id(&self, id: &str) -> Option<String> {
        let ids = self.layer_ids.get_or_init(|| {
            let mut ids = std::collections::HashMap::new();
            for k in self.layers.keys() {
                // The first key with that id, as a search in order would find it.
                ids.entry(crate::naming::layer(k)).or_insert_with(|| k.clone());
            }
            ids
        });
        ids.get(id).cloned()
    }
}

/// What the planner needs to know about the run.
pub struct PlanInput<'a> {
    pub cfg: &'a Service,
    pub node: &'a Node,
    pub service: &'a str,
    pub stage: &'a str,
    pub config_file_name: &'a str,
    pub functions: &'a [(String, Box<cfgen_model::Function>)],
    /// Mixed into the folder name (the configuration text's hash).
    pub seed: &'a str,
    /// A fixed folder name instead of the content hash.
    pub folder: Option<&'a str>,
}

fn span_at(node: &Node, path: &[&str]) -> Option<Span> {
    node.pointer(path.iter().copied()).map(|n| n.span)
}

fn list<T: Clone>(v: &Option<cfgen_model::coerce::List<T>>) -> Vec<T> {
    v.as_ref().map(|l| l.0.clone()).unwrap_or_default()
}

/// The most files a service folder may hold. A host lists at most one more, so that the plan
/// sees that there are too many: directories linked into themselves several times over (a
/// symbolic link to `..` followed from two places) make a listing without end.
pub const MAX_SERVICE_FILES: usize = 1_000_000;

/// Plan and build every artifact.
pub fn plan(input: &PlanInput, files: &dyn FileSource, diags: &mut Vec<Diagnostic>) -> Artifacts {
    let cfg = input.cfg;
    let pkg = cfg.package.clone().unwrap_or_default();
    let all_paths: Vec<String> = files.list_files();
    if all_paths.len() > MAX_SERVICE_FILES {
        diags.push(
            Diagnostic::error(
                codes::PACKAGING,
                format!("the service folder lists more than {MAX_SERVICE_FILES} files; no artifact is built"),
            )
            .at_opt(span_at(input.node, &["package"]).or_else(|| span_at(input.node, &["service"])))
            .help("symbolic links that lead back into the folder repeat it; remove them, or package a smaller folder"),
        );
        return Artifacts::default();
    }
    let all_set: HashSet<&str> = all_paths.iter().map(String::as_str).collect();
    // Whether a function's code is in the folder: its handler's file, or, for runtimes whose
    // handler names no file (Java, .NET, a runtime a plugin replaces), any file but
    // configuration and data (YAML, JSON). An empty artifact is then the patterns' doing, not
    // code to come.
    let has_files = all_paths.iter().any(|p| {
        p != input.config_file_name && !p.starts_with(".serverless/") && ![".yml", ".yaml", ".json"].iter().any(|e| p.ends_with(e))
    });
    let code_of = |f: &cfgen_model::Function| {
        handler_candidates(input, f).map_or(has_files, |c| c.iter().any(|x| all_set.contains(x.trim_start_matches("./"))))
    };
    let layers: Vec<(String, cfgen_model::Layer)> =
        cfg.layers.iter().flatten().filter_map(|(k, l)| l.clone().map(|l| (k.clone(), l))).collect();
    let layer_paths: Vec<String> = layers.iter().filter_map(|(_, l)| l.path.clone()).collect();
    let local_path = cfg.plugins.as_ref().and_then(|p| p.get("localPath")).and_then(Value::as_str).map(String::from);
    let excludes = serverless_excludes(
        input.config_file_name,
        local_path.as_deref(),
        &list(&pkg.exclude),
        &layer_paths,
        cfg.use_dotenv == Some(true),
        &[],
    );
    let includes = list(&pkg.include);
    let patterns = list(&pkg.patterns);
    let individually = pkg.individually == Some(true);
    // Serverless' default: a Node service's development dependencies stay out of every zip.
    let dev_excludes = if pkg.exclude_dev_dependencies == Some(false) {
        Vec::new()
    } else {
        // A manifest larger than any text cfgen reads counts as one that cannot be read (its
        // package is skipped), rather than being read into memory.
        crate::devdeps::dev_dependency_globs(&all_paths, &|p| files.read_at_most(p, crate::MAX_TEXT_FILE).ok().flatten().map(|f| f.bytes))
    };

    // Each file is read and compressed once per build, however many artifacts take it: a
    // service packaged function by function puts the same files (often all of `node_modules`)
    // into every function's zip.
    let packed: RefCell<HashMap<String, (Rc<Packed>, bool)>> = RefCell::new(HashMap::new());
    let packer = RefCell::new(Packer::default());
    // An artifact whose files pass Lambda's unzipped limit is an error (`check_sizes`); its
    // files are read only up to that limit, so the error costs bounded memory however much the
    // patterns take in. It gets no zip.
    let budget = LAMBDA_LIMITS.unzipped;
    let zip_of = |selected: &[String],
                  strip_prefix: Option<&str>,
                  name: &str,
                  span: Option<Span>,
                  diags: &mut Vec<Diagnostic>|
     -> (Vec<u8>, Vec<(String, u64)>) {
        let mut cache = packed.borrow_mut();
        let cached: u64 = selected.iter().filter_map(|p| cache.get(p.as_str())).map(|(e, _)| e.size).sum();
        let mut fresh: Vec<(&String, FileData)> = Vec::new();
        let mut read: u64 = 0;
        for p in selected.iter().filter(|p| !cache.contains_key(p.as_str())) {
            match files.read_at_most(p, budget.saturating_sub(cached + read)) {
                Ok(d) => {
                    let d = d.unwrap_or_default();
                    read += d.bytes.len() as u64;
                    fresh.push((p, d));
                }
                Err(size) => {
                    let mut seen: Vec<(&str, u64)> = selected
                        .iter()
                        .filter_map(|q| cache.get(q.as_str()).map(|(e, _)| (q.as_str(), e.size)))
                        .chain(fresh.iter().map(|(q, d)| (q.as_str(), d.bytes.len() as u64)))
                        .chain([(p.as_str(), size)])
                        .collect();
                    diags.push(over_budget(name, p, cached + read + size, &mut seen, budget, span));
                    return (Vec::new(), Vec::new());
                }
            }
        }
        let contents: Vec<&[u8]> = fresh.iter().map(|(_, d)| d.bytes.as_slice()).collect();
        let total = cached + read;
        let workers = if read >= PARALLEL_MIN_BYTES { files.workers() } else { 1 };
        let entries = pack_all(&mut packer.borrow_mut(), &contents, workers, &mut |n| files.progress(name, cached + n, total));
        drop(contents);
        // The contents go before the zip is written, so that the peak holds them or the zip.
        for ((p, data), entry) in fresh.into_iter().zip(entries) {
            cache.insert(p.clone(), (Rc::new(entry), data.executable));
        }
        files.progress(name, total, total);
        let chosen: Vec<(String, bool, Rc<Packed>)> = selected
            .iter()
            .map(|p| {
                let entry_name = match strip_prefix {
                    Some(pre) => p.strip_prefix(pre).unwrap_or(p).to_string(),
                    None => p.clone(),
                };
                let (packed, executable) = &cache[p.as_str()];
                (entry_name, *executable, packed.clone())
            })
            .collect();
        let entries: Vec<PackedEntry> = chosen.iter().map(|(p, e, d)| PackedEntry { path: p, executable: *e, packed: d }).collect();
        let sizes: Vec<(String, u64)> = chosen.iter().map(|(p, _, d)| (p.clone(), d.size)).collect();
        (build_zip_packed(&entries), sizes)
    };
    let given = |path: &str, span: Option<Span>, diags: &mut Vec<Diagnostic>| -> ArtifactPlan {
        let bytes = match files.read_at_most(path, budget) {
            Ok(Some(f)) => f.bytes,
            Err(size) => {
                diags.push(
                    Diagnostic::error(
                        codes::PACKAGING,
                        format!(
                            "package.artifact `{path}` is {}; Lambda takes at most {} unzipped, so cfgen does not read it",
                            human_size(size),
                            human_size(budget)
                        ),
                    )
                    .at_opt(span)
                    .help("point `package.artifact` at the zip of the function's code"),
                );
                Vec::new()
            }
            Ok(None) => {
                diags.push(
                    Diagnostic::warning(
                        codes::PACKAGING,
                        format!("package.artifact `{path}` does not exist; its CodeSha256 is that of an empty file"),
                    )
                    .at_opt(span),
                );
                Vec::new()
            }
        };
        ArtifactPlan {
            file_name: path.rsplit('/').next().unwrap_or(path).to_string(),
            path_for_sort: path.to_string(),
            code_sha256: code_sha256(&bytes),
            bytes,
            built: false,
            files: Vec::new(),
        }
    };

    let mut out = Artifacts::default();
    let mut service_zip: Option<Arc<ArtifactPlan>> = None;
    let mut service_selected: Option<Vec<String>> = None;
    // A pattern too complex to match (reported once) leaves the selection empty: no handler checks.
    let mut service_failed = false;
    let mut service_set: Option<HashSet<String>> = None;
    for (key, f) in input.functions {
        if f.image.is_some() && f.handler.is_none() {
            continue;
        }
        let fpkg = f.package.clone().unwrap_or_default();
        let plan = if let Some(a) = fpkg.artifact.as_ref().filter(|a| !a.is_empty()) {
            Arc::new(given(a, span_at(input.node, &["functions", key, "package", "artifact"]), diags))
        } else if let Some(a) = pkg.artifact.as_ref().filter(|a| !a.is_empty()) {
            Arc::new(given(a, span_at(input.node, &["package", "artifact"]), diags))
        } else if individually || fpkg.individually == Some(true) {
            // Serverless' order: service include, service patterns, own include, own patterns.
            let mut inc = includes.clone();
            inc.extend(patterns.iter().cloned());
            inc.extend(list(&fpkg.include));
            inc.extend(list(&fpkg.patterns));
            let pats: Vec<String> = Vec::new();
            let exc = serverless_excludes(
                input.config_file_name,
                local_path.as_deref(),
                &list(&pkg.exclude),
                &layer_paths,
                cfg.use_dotenv == Some(true),
                &list(&fpkg.exclude),
            );
            let span = span_at(input.node, &["functions", key, "package"]).or_else(|| span_at(input.node, &["package"]));
            let selected = selection(select_files_with(&all_paths, &exc, &inc, &pats, &dev_excludes), span, diags);
            let code_exists = code_of(f);
            if let Some(s) = &selected {
                check_not_empty(s, code_exists, &format!("function `{key}`"), span, diags);
                check_handler(input, key, f, &s.iter().cloned().collect(), diags);
            }
            let selected = selected.unwrap_or_default();
            let (bytes, files) = zip_of(&selected, None, &crate::naming::function_artifact(key), span, diags);
            Arc::new(ArtifactPlan {
                file_name: crate::naming::function_artifact(key),
                path_for_sort: format!(".serverless/{}", crate::naming::function_artifact(key)),
                code_sha256: code_sha256(&bytes),
                bytes,
                built: true,
                files,
            })
        } else {
            if fpkg.patterns.is_some() {
                diags.push(
                    Diagnostic::warning(
                        codes::PACKAGING,
                        format!("function `{key}`: package patterns at function level apply only with `package.individually: true`; they are ignored"),
                    )
                    .at_opt(span_at(input.node, &["functions", key, "package", "patterns"])),
                );
            }
            if service_selected.is_none() {
                let span = span_at(input.node, &["package", "patterns"]).or_else(|| span_at(input.node, &["package"]));
                let selected = selection(select_files_with(&all_paths, &excludes, &includes, &patterns, &dev_excludes), span, diags);
                let code_exists = input.functions.iter().any(|(_, f)| f.handler.is_some() && code_of(f));
                if let Some(s) = &selected {
                    check_not_empty(s, code_exists, "the service", span, diags);
                }
                service_failed = selected.is_none();
                service_selected = Some(selected.unwrap_or_default());
            }
            let selected = service_selected.as_deref().unwrap_or_default();
            let set = service_set.get_or_insert_with(|| selected.iter().cloned().collect());
            let plan = service_zip.get_or_insert_with(|| {
                let span = span_at(input.node, &["package"]).or_else(|| span_at(input.node, &["service"]));
                let (bytes, files) = zip_of(selected, None, &crate::naming::service_artifact(input.service), span, diags);
                Arc::new(ArtifactPlan {
                    file_name: crate::naming::service_artifact(input.service),
                    path_for_sort: format!(".serverless/{}", crate::naming::service_artifact(input.service)),
                    code_sha256: code_sha256(&bytes),
                    bytes,
                    built: true,
                    files,
                })
            });
            if !service_failed {
                check_handler(input, key, f, set, diags);
            }
            plan.clone()
        };
        out.functions.insert(key.clone(), plan);
    }
    out.service = service_zip;
    for (key, l) in &layers {
        let lpkg = l.package.clone().unwrap_or_default();
        let plan = if let Some(a) = lpkg.artifact.as_ref().filter(|a| !a.is_empty()) {
            given(a, span_at(input.node, &["layers", key, "package", "artifact"]), diags)
        } else {
            let base = l.path.clone().unwrap_or_default();
            let base = base.trim_start_matches("./").trim_end_matches('/').to_string();
            let prefix = if base.is_empty() || base == "." { String::new() } else { format!("{base}/") };
            let inside: Vec<String> = all_paths.iter().filter(|p| p.starts_with(&prefix)).map(|p| p[prefix.len()..].to_string()).collect();
            let mut exc = vec![
                ".git/**".to_string(),
                ".gitignore".into(),
                ".DS_Store".into(),
                "npm-debug.log".into(),
                "yarn-*.log".into(),
                ".serverless/**".into(),
                ".serverless_plugins/**".into(),
            ];
            exc.extend(list(&lpkg.exclude));
            let span = span_at(input.node, &["layers", key, "package"]).or_else(|| span_at(input.node, &["layers", key]));
            let selected =
                selection(select_files_with(&inside, &exc, &list(&lpkg.include), &list(&lpkg.patterns), &dev_excludes), span, diags);
            if selected.as_ref().is_some_and(Vec::is_empty) {
                diags.push(
                    Diagnostic::warning(
                        codes::PACKAGING,
                        format!("layer `{key}`: no files under `{}`", l.path.clone().unwrap_or_default()),
                    )
                    .at_opt(span_at(input.node, &["layers", key, "path"])),
                );
            }
            let full: Vec<String> = selected.iter().flatten().map(|p| format!("{prefix}{p}")).collect();
            let (bytes, files) = zip_of(&full, Some(&prefix), &crate::naming::layer_artifact(key), span, diags);
            ArtifactPlan {
                file_name: crate::naming::layer_artifact(key),
                path_for_sort: format!(".serverless/{}", crate::naming::layer_artifact(key)),
                code_sha256: code_sha256(&bytes),
                bytes,
                built: true,
                files,
            }
        };
        out.layers.insert(key.clone(), plan);
    }
    // The folder: a hash of the configuration and every artifact, custom-resources.zip's
    // sources included (its functions carry no CodeSha256: a new folder is what redeploys them).
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(input.seed.as_bytes());
    for p in out.functions.values().map(|p| &**p).chain(out.layers.values()) {
        h.update(p.code_sha256.as_bytes());
    }
    for (path, data) in CUSTOM_RESOURCE_FILES {
        h.update(path.as_bytes());
        h.update(data);
    }
    let digest = crate::compile::hex(&h.finalize());
    let prefix = match cfg.provider.as_ref().and_then(|p| p.deployment_prefix.as_ref()) {
        Some(p) => p.0.clone(),
        None => "serverless".into(),
    };
    let folder = input.folder.map_or_else(|| format!("cfgen-{}", &digest[..16]), String::from);
    out.directory = crate::naming::artifact_directory(&prefix, input.service, input.stage, &folder);
    out
}

/// Serverless' own `custom-resources.zip`: the Lambdas behind existing S3 buckets, existing
/// Cognito user pools, legacy EventBridge buses and the API Gateway CloudWatch role. The
/// sources are vendored from Serverless v3.40.0 (MIT; see `vendor/serverless-custom-resources`).
pub const CUSTOM_RESOURCES_ZIP: &str = "custom-resources.zip";

macro_rules! vendored {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_bytes!(concat!("../vendor/serverless-custom-resources/resources/", $path)))),*]
    };
}

/// The files Serverless zips (`generate-zip.js`: every file of `resources/`).
const CUSTOM_RESOURCE_FILES: &[(&str, &[u8])] = vendored!(
    "README.md",
    "api-gateway-cloud-watch-role/handler.js",
    "cognito-user-pool/handler.js",
    "cognito-user-pool/lib/permissions.js",
    "cognito-user-pool/lib/user-pool.js",
    "event-bridge/handler.js",
    "event-bridge/lib/event-bridge.js",
    "event-bridge/lib/permissions.js",
    "event-bridge/lib/utils.js",
    "s3/handler.js",
    "s3/lib/bucket.js",
    "s3/lib/permissions.js",
    "utils.js",
);

/// The custom-resources artifact, built like every other zip (reproducible bytes).
pub fn custom_resources_zip() -> ArtifactPlan {
    let entries: Vec<ZipEntry> = CUSTOM_RESOURCE_FILES.iter().map(|(path, data)| ZipEntry { path, executable: false, data }).collect();
    let bytes = build_zip(&entries);
    ArtifactPlan {
        file_name: CUSTOM_RESOURCES_ZIP.into(),
        path_for_sort: format!(".serverless/{CUSTOM_RESOURCES_ZIP}"),
        code_sha256: code_sha256(&bytes),
        bytes,
        built: true,
        files: CUSTOM_RESOURCE_FILES.iter().map(|(p, d)| (p.to_string(), d.len() as u64)).collect(),
    }
}

/// Whether the template deploys a function from `custom-resources.zip`.
pub fn uses_custom_resources(template: &Value) -> bool {
    let suffix = format!("/{CUSTOM_RESOURCES_ZIP}");
    template.get("Resources").and_then(Value::as_object).is_some_and(|r| {
        r.values().any(|res| {
            res.get("Type").and_then(Value::as_str) == Some("AWS::Lambda::Function")
                && res.pointer("/Properties/Code/S3Key").and_then(Value::as_str).is_some_and(|k| k.ends_with(&suffix))
        })
    })
}

/// Lambda's limits for a deployment package.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SizeLimits {
    /// Zipped, for a direct upload.
    pub zipped: u64,
    /// Unzipped (code and layers together).
    pub unzipped: u64,
}

pub const LAMBDA_LIMITS: SizeLimits = SizeLimits { zipped: 50 * 1024 * 1024, unzipped: 250 * 1024 * 1024 };

/// `1.5 MB`, `12.0 KB`, `10 B`.
pub fn human_size(n: u64) -> String {
    const MB: f64 = 1024.0 * 1024.0;
    if n as f64 >= MB {
        format!("{:.1} MB", n as f64 / MB)
    } else if n >= 1024 {
        format!("{:.1} KB", n as f64 / 1024.0)
    } else {
        format!("{n} B")
    }
}

/// An error for every artifact over a limit, naming its largest files. User-given artifacts
/// (`package.artifact`) are measured too: their unzipped size is read from the zip's directory.
pub fn check_sizes(arts: &Artifacts, limits: SizeLimits) -> Vec<Diagnostic> {
    let mut seen: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    let plans = arts.service.iter().map(|p| &**p).chain(arts.functions.values().map(|p| &**p)).chain(arts.layers.values());
    for p in plans {
        if seen.contains(&p.file_name.as_str()) {
            continue;
        }
        seen.push(&p.file_name);
        let files = if p.built { p.files.clone() } else { zip_listing(&p.bytes).unwrap_or_default() };
        let zipped = p.bytes.len() as u64;
        let unzipped: u64 = files.iter().map(|(_, n)| n).sum();
        if zipped <= limits.zipped && unzipped <= limits.unzipped {
            continue;
        }
        let users: Vec<&str> = arts.functions.iter().filter(|(_, f)| f.file_name == p.file_name).map(|(k, _)| k.as_str()).collect();
        let layers: Vec<&str> = arts.layers.iter().filter(|(_, l)| l.file_name == p.file_name).map(|(k, _)| k.as_str()).collect();
        let whose = if !users.is_empty() {
            format!(" (function{} {})", if users.len() > 1 { "s" } else { "" }, users.join(", "))
        } else if !layers.is_empty() {
            format!(" (layer {})", layers.join(", "))
        } else {
            String::new()
        };
        let mut largest: Vec<&(String, u64)> = files.iter().collect();
        largest.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let list: Vec<String> = largest.iter().take(5).map(|(f, n)| format!("{f} ({})", human_size(*n))).collect();
        let d = Diagnostic::error(
            codes::PACKAGING,
            format!(
                "{}{whose} is {} zipped and {} unzipped; Lambda takes at most {} zipped (direct upload) and {} unzipped",
                p.file_name,
                human_size(zipped),
                human_size(unzipped),
                human_size(limits.zipped),
                human_size(limits.unzipped)
            ),
        );
        let largest = if list.is_empty() { String::new() } else { format!("the largest files: {}; ", list.join(", ")) };
        out.push(d.help(format!(
            "{largest}leave out what the code does not need with `package.patterns` (e.g. '!tests/**'), or move libraries into a layer"
        )));
    }
    out
}

/// The error for artifact `name`, whose files pass `budget` bytes at `at` (`total` so far;
/// `seen`: the files read or sized until then).
fn over_budget(name: &str, at: &str, total: u64, seen: &mut [(&str, u64)], budget: u64, span: Option<Span>) -> Diagnostic {
    seen.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let largest: Vec<String> = seen.iter().take(5).map(|(f, n)| format!("{f} ({})", human_size(*n))).collect();
    Diagnostic::error(
        codes::PACKAGING,
        format!(
            "{name} would hold more than {}, Lambda's limit unzipped: its files reach {} at `{at}`, where cfgen stopped reading",
            human_size(budget),
            human_size(total)
        ),
    )
    .at_opt(span)
    .help(format!(
        "the largest files so far: {}; an artifact takes every file under the service's folder that the patterns do not leave out: \
         leave out what the code does not need with `package.patterns` (e.g. '!tests/**'), or move libraries into a layer",
        largest.join(", ")
    ))
}

/// The files [`select_files`] picked, or `None` after an error at `span` for a pattern too
/// complex to match.
fn selection(selected: Result<Vec<String>, String>, span: Option<Span>, diags: &mut Vec<Diagnostic>) -> Option<Vec<String>> {
    let pattern = match selected {
        Ok(files) => return Some(files),
        Err(p) => p,
    };
    let shown: String = pattern.chars().take(60).collect();
    let more = if shown.len() < pattern.len() { "…" } else { "" };
    diags.push(
        Diagnostic::error(codes::PACKAGING, format!("the package pattern `{shown}{more}` is too complex to match"))
            .at_opt(span)
            .help("write it with fewer nested groups, braces or stars"),
    );
    None
}

/// An artifact with no files: an error when the user's patterns excluded handler code that
/// exists (Serverless' NO_MATCHED_FILES), a warning when there is no code yet (templates are
/// often built before the code).
fn check_not_empty(selected: &[String], code_exists: bool, what: &str, span: Option<Span>, diags: &mut Vec<Diagnostic>) {
    if !selected.is_empty() {
        return;
    }
    if !code_exists {
        diags.push(
            Diagnostic::warning(codes::PACKAGING, format!("{what}: no files to package yet; the artifact is empty"))
                .at_opt(span)
                .help("the template is built anyway; Serverless v3 would stop here"),
        );
    } else {
        diags.push(
            Diagnostic::error(codes::PACKAGING, format!("{what}: no file matches the package patterns"))
                .at_opt(span)
                .help("every file of the service is excluded; check `package.patterns`"),
        );
    }
}

/// The files a function's handler may live in (`None` for runtimes whose handler names a class
/// inside a built artifact, such as Java and .NET, or for image functions).
fn handler_candidates(input: &PlanInput, f: &cfgen_model::Function) -> Option<Vec<String>> {
    let handler = f.handler.as_deref()?;
    let runtime =
        f.runtime.clone().or_else(|| input.cfg.provider.as_ref().and_then(|p| p.runtime.clone())).unwrap_or_else(|| "nodejs16.x".into());
    let module = handler.rsplit_once('.').map_or(handler, |(m, _)| m);
    let candidates: Vec<String> = if runtime.starts_with("nodejs") {
        ["js", "mjs", "cjs", "ts"].iter().map(|e| format!("{module}.{e}")).collect()
    } else if runtime.starts_with("python") {
        vec![format!("{module}.py")]
    } else if runtime.starts_with("ruby") {
        vec![format!("{module}.rb")]
    } else if runtime.starts_with("go") || runtime.starts_with("provided") {
        vec![handler.to_string()]
    } else {
        return None;
    };
    Some(candidates)
}

/// Warn when the handler's file is not among the artifact's files: the template is still
/// right, but the deployed function would fail to start.
fn check_handler(input: &PlanInput, key: &str, f: &cfgen_model::Function, selected: &HashSet<String>, diags: &mut Vec<Diagnostic>) {
    let Some(candidates) = handler_candidates(input, f) else { return };
    if candidates.iter().any(|c| selected.contains(c.trim_start_matches("./"))) {
        return;
    }
    // A path that leaves the service's folder can never be zipped: Serverless packages the
    // files under the folder of serverless.yml only.
    let outside = candidates[0].starts_with("../") || candidates[0].starts_with('/');
    diags.push(
        Diagnostic::warning(
            codes::HANDLER_MISSING,
            format!("function `{key}`: handler file `{}` not found; the template is built anyway", candidates[0]),
        )
        .at_opt(span_at(input.node, &["functions", key, "handler"]))
        .label(if outside { "outside the service's folder" } else { "no such file in the artifact" })
        .help(if outside {
            "Serverless zips only the files under the folder of serverless.yml: give the handler's path from there (a bundler plugin, or `package.artifact`, can bring code from elsewhere)"
        } else {
            "the deployed function will fail until the file exists"
        }),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::package::build_zip_with;

    fn plan_of(name: &str, files: &[(&str, usize)]) -> ArtifactPlan {
        let data: Vec<(String, Vec<u8>)> = files.iter().map(|(p, n)| (p.to_string(), vec![b'x'; *n])).collect();
        let entries: Vec<ZipEntry> = data.iter().map(|(p, d)| ZipEntry { path: p, executable: false, data: d }).collect();
        let bytes = build_zip(&entries);
        ArtifactPlan {
            file_name: name.into(),
            path_for_sort: name.into(),
            code_sha256: code_sha256(&bytes),
            bytes,
            built: true,
            files: data.iter().map(|(p, d)| (p.clone(), d.len() as u64)).collect(),
        }
    }

    #[test]
    fn custom_resources_zip_holds_serverless_sources_reproducibly() {
        let a = custom_resources_zip();
        let b = custom_resources_zip();
        assert_eq!(a.bytes, b.bytes);
        assert_eq!(a.code_sha256, code_sha256(&a.bytes));
        let listing = zip_listing(&a.bytes).unwrap();
        let names: Vec<&str> = listing.iter().map(|(n, _)| n.as_str()).collect();
        // Every handler the template names (`s3/handler.handler`, ...) is in it.
        for h in [
            "s3/handler.js",
            "cognito-user-pool/handler.js",
            "event-bridge/handler.js",
            "api-gateway-cloud-watch-role/handler.js",
            "utils.js",
        ] {
            assert!(names.contains(&h), "{h} in {names:?}");
        }
        assert_eq!(listing.len(), 13);
        let mut files = a.files.clone();
        files.sort_by(|x, y| crate::collate::locale_compare(&x.0, &y.0));
        assert_eq!(listing, files, "the zip holds exactly the vendored files, in Serverless' order");
    }

    #[test]
    fn uses_custom_resources_looks_at_function_code() {
        let t = serde_json::json!({"Resources": {"F": {"Type": "AWS::Lambda::Function", "Properties": {"Code": {"S3Key": "serverless/s/dev/x/custom-resources.zip"}}}}});
        assert!(uses_custom_resources(&t));
        let t = serde_json::json!({"Resources": {"F": {"Type": "AWS::Lambda::Function", "Properties": {"Code": {"S3Key": "serverless/s/dev/x/s.zip"}}}}});
        assert!(!uses_custom_resources(&t));
    }

    #[test]
    fn sizes_over_the_limits_are_errors_naming_the_largest_files() {
        let mut arts = Artifacts::default();
        let service = Arc::new(plan_of("svc.zip", &[("small.js", 10), ("big.bin", 3000), ("mid.bin", 900)]));
        arts.service = Some(service.clone());
        arts.functions.insert("a".into(), service.clone());
        arts.functions.insert("b".into(), service);
        arts.functions.insert("c".into(), Arc::new(plan_of("c.zip", &[("c.js", 10)])));
        let limits = SizeLimits { zipped: 1 << 20, unzipped: 2000 };
        let d = check_sizes(&arts, limits);
        assert_eq!(d.len(), 1, "one error for the shared zip, none for c.zip: {d:?}");
        assert!(d[0].is_error());
        assert!(d[0].message.starts_with("svc.zip (functions a, b) is ") && d[0].message.contains("3.8 KB unzipped"), "{}", d[0].message);
        assert!(d[0].help.as_deref().unwrap().starts_with("the largest files: big.bin (2.9 KB), mid.bin (900 B), small.js (10 B);"));
        // Zipped size counts too.
        let tight = SizeLimits { zipped: 10, unzipped: 1 << 30 };
        assert_eq!(check_sizes(&arts, tight).len(), 2);
        assert!(check_sizes(&arts, LAMBDA_LIMITS).is_empty());
        // A given artifact is measured from its zip directory.
        let mut given = plan_of("given.zip", &[("lib.so", 5000)]);
        given.built = false;
        given.files.clear();
        arts.layers.insert("deps".into(), given);
        let d = check_sizes(&arts, SizeLimits { zipped: 1 << 20, unzipped: 4000 });
        assert!(
            d.iter().any(|x| x.message.starts_with("given.zip (layer deps) is") && x.help.as_deref().unwrap().contains("lib.so (4.9 KB)")),
            "{d:?}"
        );
    }

    #[test]
    fn progress_reaches_the_total() {
        let data = [vec![1u8; 100], vec![2u8; 50]];
        let entries = [ZipEntry { path: "a", executable: false, data: &data[0] }, ZipEntry { path: "b", executable: true, data: &data[1] }];
        let mut seen = Vec::new();
        let bytes = build_zip_with(&entries, &mut |d| seen.push(d));
        assert_eq!(seen, [100, 150]);
        assert_eq!(bytes, build_zip(&entries), "progress does not change the bytes");
        assert_eq!(zip_listing(&bytes).unwrap(), [("a".to_string(), 100), ("b".to_string(), 50)]);
        assert_eq!(zip_listing(b"not a zip"), None);
    }
}
