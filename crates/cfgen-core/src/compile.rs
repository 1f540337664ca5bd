//! The compile passes, in Serverless v3's lifecycle order: core template, log groups and the
//! execution role, artifacts, layers, functions, finalize (output exports, `resources:` merge,
//! null stripping). Each pass appends to the template in the order Serverless does, because
//! key order is part of the output.

use crate::artifacts::Artifacts;
use crate::json::json;
use crate::merge;
use crate::naming;
use cfgen_model::coerce::{truthy, Maybe, StrMap};
use cfgen_model::{Function, IamRole, Layer, Service};
use cfgen_syntax::{codes, Diagnostic, Node, Severity, Span};
use indexmap::IndexMap;
use serde_json::{Map, Value};

/// Everything the passes share.
pub struct Ctx<'a> {
    pub cfg: &'a Service,
    /// The resolved configuration, for spans.
    pub node: &'a Node,
    pub service: String,
    /// [`crate::validate::Prepared::service_value`].
    pub service_value: Value,
    pub stage: String,
    pub region: String,
    /// Shared (cloning the list for a pass is cheap); passes that change functions use
    /// `Rc::make_mut` before the function resources are compiled.
    pub functions: std::rc::Rc<Vec<(String, Box<Function>)>>,
    /// Function key -> its position in `functions` (whose keys and order never change once
    /// the context is made; passes only change settings).
    pub function_index: std::collections::HashMap<String, usize>,
    pub diags: Vec<Diagnostic>,
    /// The framework instance id (`ApiGatewayDeployment` suffix).
    pub instance_id: String,
}

impl Ctx<'_> {
    /// How v3 treats a finding of its configuration schema: a warning, or an error with
    /// `configValidationMode: error` (v3 then refuses the configuration).
    pub fn schema_severity(&self) -> Severity {
        if self.cfg.config_validation_mode.as_deref() == Some("error") {
            Severity::Error
        } else {
            Severity::Warning
        }
    }
    /// The span of the value at `path` in serverless.yml, or of the nearest ancestor.
    pub fn span(&self, path: &[&str]) -> Option<Span> {
        let mut n = path.len();
        loop {
            if let Some(node) = self.node.pointer(path[..n].iter().copied()) {
                return Some(node.span);
            }
            if n == 0 {
                return None;
            }
            n -= 1;
        }
    }
    /// The span of the key at the end of `path`.
    pub fn key_span(&self, path: &[&str]) -> Option<Span> {
        let (last, parent) = path.split_last()?;
        self.node.pointer(parent.iter().copied()).and_then(|p| p.as_map()).and_then(|m| m.key_span(last)).or_else(|| self.span(path))
    }
    /// The function `key` with its position, found through the index.
    pub fn function(&self, key: &str) -> Option<(usize, &Function)> {
        self.function_index.get(key).map(|&i| (i, &*self.functions[i].1))
    }
    fn error(&mut self, code: cfgen_syntax::Code, msg: String, path: &[&str]) {
        let d = Diagnostic::error(code, msg).at_opt(self.span(path));
        self.diags.push(d);
    }
}

pub struct Template {
    pub resources: Map<String, Value>,
    pub outputs: Map<String, Value>,
    pub description: Value,
    /// The size budget: how many resources (from the first) have been charged, and their
    /// estimated heap.
    charged: usize,
    bytes: usize,
}

/// The most template a build may make, as the heap its resources take
/// ([`crate::value::heap_estimate`]; the process's peak is about twice it). A template
/// CloudFormation accepts (at most 1 MB of text) takes about 3 MiB (2.7 times its text for
/// the 200-function benchmark service); the largest service of the scale sweep
/// (`scripts/scale-sweep`: 8,000 functions, 28 MB of template) about 73 MiB. Compiling
/// copies some settings into every function (`provider.environment`, `tags`, `vpc`,
/// `layers`) and some plugins make a resource per function and setting, so a small file can
/// ask for a template that grows with the product of two of its lists: 2,000 functions and
/// 2,000 provider tags, an 83 KB file, made 326 MB of template text and peaked at 2.5 GiB. The
/// passes charge what they add and stop at this budget with `CFG413`.
pub const MAX_TEMPLATE_HEAP: usize = 128 << 20;

impl Template {
    /// Charges the resources added since the last charge (the newest, at the end of the
    /// map); `false` once the template is past [`MAX_TEMPLATE_HEAP`]. Resources changed in
    /// place are not charged again: the passes that change them add a bounded part of their
    /// input to each.
    pub fn within_budget(&mut self) -> bool {
        let len = self.resources.len();
        let new = len.saturating_sub(self.charged);
        self.bytes += self.resources.iter().rev().take(new).map(|(k, v)| k.len() + crate::value::heap_estimate(v)).sum::<usize>();
        self.charged = len;
        self.bytes <= MAX_TEMPLATE_HEAP
    }
}

/// `; its function resource takes about N KiB, M KiB of it in `<property>``, for the
/// function whose resources crossed the budget.
fn largest_part(t: &Template, key: &str) -> String {
    let Some(Value::Object(props)) = t.resources.get(&naming::lambda_function(key)).and_then(|r| r.get("Properties")) else {
        return String::new();
    };
    let size = |v: &Value| crate::value::heap_estimate(v);
    let total: usize = props.values().map(size).sum();
    match props.iter().max_by_key(|(_, v)| size(v)) {
        Some((name, v)) => {
            format!("; its function resource takes about {} KiB, {} KiB of it in `{name}`", total.div_ceil(1024), size(v).div_ceil(1024))
        }
        None => String::new(),
    }
}

/// Charges what a pass added; past the budget, reports `CFG413` (`what()`, at `path` in
/// serverless.yml) unless a pass already did, and returns `false`.
pub fn within_budget_or_report(ctx: &mut Ctx, t: &mut Template, what: impl FnOnce() -> String, path: &[&str]) -> bool {
    within_budget_or_report_at(ctx, t, what, |ctx, _| ctx.key_span(path))
}

/// [`within_budget_or_report`] with the place to point at found by `at` (only when it reports).
pub fn within_budget_or_report_at(
    ctx: &mut Ctx,
    t: &mut Template,
    what: impl FnOnce() -> String,
    at: impl FnOnce(&Ctx, &Template) -> Option<Span>,
) -> bool {
    if t.within_budget() {
        return true;
    }
    if !ctx.diags.iter().any(|d| d.code == codes::TEMPLATE_BUDGET) {
        let d = over_budget(&what()).at_opt(at(ctx, t));
        ctx.diags.push(d);
    }
    false
}

/// [`within_budget_or_report`] after a plugin's pass.
fn plugin_within_budget(ctx: &mut Ctx, t: &mut Template, plugin: &str) -> bool {
    within_budget_or_report(ctx, t, || format!("in the resources of {plugin}"), &["plugins"])
}

/// Of a REST API's paths (in order), the first whose resource tree would carry the template
/// past [`MAX_TEMPLATE_HEAP`], checked before the tree is built: every prefix of a path is a
/// node of the tree and a resource named after it, so a path's cost grows with the square of
/// its depth (one 340 KB path of 50,000 segments asked for more than 24 GB), and a service's
/// with the number of its paths (7,000 paths of 20 segments are 140,000 resources). A prefix
/// is counted as [`REST_PREFIX_BYTES`] and six times its length (the node's path and name, the
/// resource's id, its child's reference to it, a method's id, the written text: measured, a
/// 6,500-segment path peaks at about twice the budget). A path given again (several methods on
/// it) is counted once; prefixes that different paths share are counted for each, which
/// overestimates only services with thousands of paths.
pub fn deep_path_over_budget<'a>(t: &Template, paths: impl IntoIterator<Item = &'a str>) -> Option<usize> {
    let mut total = t.bytes;
    let mut seen = std::collections::HashSet::new();
    for (i, p) in paths.into_iter().enumerate() {
        if !seen.insert(p) {
            continue;
        }
        total += p.match_indices('/').map(|(n, _)| n).chain([p.len()]).map(|n| 6 * n + REST_PREFIX_BYTES).sum::<usize>();
        if total > MAX_TEMPLATE_HEAP {
            return Some(i);
        }
    }
    None
}

/// What [`deep_path_over_budget`] counts for a resource of a REST API path besides its names:
/// about what [`Template::within_budget`] charges for one (`AWS::ApiGateway::Resource` with its
/// `ParentId`, `PathPart` and `RestApiId`: about 1,040 bytes for the paths of
/// `golden/err/hostile/template-budget-event-input`), so that the check before the tree is
/// built stops what the charge after it would stop.
const REST_PREFIX_BYTES: usize = 1000;

/// The error for [`deep_path_over_budget`]'s path.
pub fn deep_path_error(path: &str) -> Diagnostic {
    let shown: String = path.chars().take(40).collect();
    let more = if shown.len() < path.len() { "…" } else { "" };
    let segments = path.split('/').count();
    let help = if segments > 100 {
        "API Gateway takes a resource per path segment, named after all the segments before it, so a path's resources grow with the square of its depth"
    } else {
        "API Gateway takes a resource per path segment, so a REST API's resources grow with the number of its paths times their depth"
    };
    over_budget(&format!("in the REST API resources of the path `{shown}{more}` ({segments} segments)")).help(help)
}

/// The error for a template past [`MAX_TEMPLATE_HEAP`], where `what` made it so.
pub fn over_budget(what: &str) -> Diagnostic {
    Diagnostic::error(
        codes::TEMPLATE_BUDGET,
        format!("the template passes cfgen's budget of {} MiB of memory {what}", MAX_TEMPLATE_HEAP >> 20),
    )
    .help("CloudFormation accepts at most 1 MB of template (about 3 MiB in memory); a template this large comes from one list multiplied by another: settings copied into every function, a plugin's resource per function and setting")
}

/// Compile a service; `None` when an error stops compilation (the errors are in `ctx.diags`).
pub fn compile(ctx: &mut Ctx, artifacts: &Artifacts) -> Option<Value> {
    let provider = ctx.cfg.provider.clone().unwrap_or_default();
    let mut t = Template {
        resources: Map::new(),
        outputs: Map::new(),
        description: Value::String("The AWS CloudFormation template for this Serverless application".into()),
        charged: 0,
        bytes: 0,
    };

    // package:initialize — the core template and the deployment bucket.
    let bucket_name = core_template(ctx, &provider, &mut t);

    // package:setupProviderConfiguration — log groups, then the execution role.
    let plugins = crate::plugins::listed(ctx.cfg.plugins.as_ref());
    let logging_config = if plugins.iter().any(|p| p == "serverless-logging-config") {
        crate::plugins::logging_config::settings(ctx.cfg.custom.as_ref())
    } else {
        None
    };
    if plugins.iter().any(|p| p == "serverless-logging-config") && logging_config.is_none() {
        ctx.diags.push(
            Diagnostic::error(codes::MISSING_KEY, "serverless-logging-config needs its settings under `custom.serverless-logging-config`")
                .at_opt(ctx.key_span(&["plugins"]))
                .help("add `custom: {serverless-logging-config: {logGroupName: my-logs}}`"),
        );
        return None;
    }
    if let Some(s) = &logging_config {
        // before:package:initialize
        crate::plugins::logging_config::disable_function_logs(s, std::rc::Rc::make_mut(&mut ctx.functions).as_mut_slice());
    }

    let role_created = merge_iam(ctx, &provider, &mut t);

    // package:compileLayers
    let layers: Vec<(String, Layer)> = ctx.cfg.layers.iter().flatten().filter_map(|(k, l)| l.clone().map(|l| (k.clone(), l))).collect();
    for (key, layer) in &layers {
        compile_layer(ctx, key, layer, bucket_name.as_deref(), artifacts, &mut t);
    }

    // before:package:compileFunctions — Lambda@Edge functions are versioned, with memory and
    // timeout defaults of their own.
    crate::events::cloudfront::prepare_functions(ctx);
    if ctx.diags.iter().any(Diagnostic::is_error) {
        return None;
    }

    // package:compileFunctions. Serverless compiles functions concurrently; the output order
    // is the order their `await`s resolve: zip functions insert their function resource at
    // once; image functions only after resolving the image (and then their version at once);
    // versions of zip functions follow, those hashing local layers last. A version awaits the
    // hash of its function's artifact, which Serverless reads once per file: the functions
    // sharing a zip resume together, in their order, when it is read, and the zips are read in
    // the order functions first ask for them.
    let mut deferred = Vec::new();
    let functions = ctx.functions.clone();
    let is_image = |f: &Function| f.image.as_ref().is_some_and(truthy) && f.handler.is_none();
    let mut zip_rank: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (key, _) in functions.iter().filter(|(_, f)| !is_image(f)) {
        if let Some(p) = artifacts.function(key) {
            let next = zip_rank.len();
            zip_rank.entry(p.file_name.as_str()).or_insert(next);
        }
    }
    let order = functions.iter().filter(|(_, f)| !is_image(f)).chain(functions.iter().filter(|(_, f)| is_image(f)));
    for (n, (key, f)) in order.enumerate() {
        match compile_function(ctx, &provider, key, f, bucket_name.as_deref(), artifacts, role_created, &mut t) {
            Some(d) if is_image(f) => flush(&mut t, d),
            Some(mut d) => {
                if d.order > 0 {
                    d.zip = artifacts.function(key).and_then(|p| zip_rank.get(p.file_name.as_str()).copied()).unwrap_or(0);
                }
                // Charged now, though added to the template after all functions.
                t.bytes += d.resources.iter().map(|(k, v)| k.len() + crate::value::heap_estimate(v)).sum::<usize>();
                deferred.push(d);
            }
            None => {}
        }
        if !t.within_budget() {
            let what = format!("at function `{key}` ({} of {}){}", n + 1, functions.len(), largest_part(&t, key));
            let d = over_budget(&what).at_opt(ctx.key_span(&["functions", key]));
            ctx.diags.push(d);
            return None;
        }
    }
    deferred.sort_by_key(|d| (d.order, d.zip));
    for d in deferred {
        flush(&mut t, d);
    }
    t.charged = t.resources.len();
    if ctx.diags.iter().any(Diagnostic::is_error) {
        return None;
    }

    let step_functions = plugins.iter().any(|p| p == "serverless-step-functions");
    if step_functions {
        crate::plugins::step_functions::compile_functions(ctx, &mut t);
        if !plugin_within_budget(ctx, &mut t, "serverless-step-functions") {
            return None;
        }
    }

    // package:compileEvents
    crate::events::compile(ctx, &provider, &mut t, &artifacts.directory, bucket_name.as_deref());
    if !within_budget_or_report(ctx, &mut t, || "compiling the events".into(), &["functions"]) {
        return None;
    }
    if step_functions {
        crate::plugins::step_functions::compile_events(ctx, &mut t);
        if !plugin_within_budget(ctx, &mut t, "serverless-step-functions") {
            return None;
        }
    }
    // Plugins hooked on `package:compileEvents`, in the order `plugins:` lists them.
    for p in &plugins {
        match p.as_str() {
            "serverless-apigateway-service-proxy" => crate::plugins::apigw_service_proxy::compile(ctx, &mut t),
            "serverless-plugin-aws-alerts" => crate::plugins::aws_alerts::compile(ctx, &mut t),
            _ => continue,
        }
        if !plugin_within_budget(ctx, &mut t, p) {
            return None;
        }
    }
    if let Some(s) = &logging_config {
        // after:package:compileEvents
        crate::plugins::logging_config::set_logging_config(s, &mut t);
    }
    if ctx.diags.iter().any(Diagnostic::is_error) {
        return None;
    }

    // before:package:finalize, in the order `plugins:` lists them.
    for p in &plugins {
        match p.as_str() {
            "serverless-iam-roles-per-function" => {
                crate::plugins::iam_roles_per_function::apply(ctx, &mut t);
                if !plugin_within_budget(ctx, &mut t, p) {
                    return None;
                }
            }
            "serverless-logging-config" => {
                if let Some(s) = &logging_config {
                    crate::plugins::logging_config::add_iam_permissions(s, &mut t);
                }
            }
            _ => {}
        }
    }

    // package:finalize
    for (key, out) in t.outputs.iter_mut() {
        if let Value::Object(o) = out {
            if !o.contains_key("Export") {
                o.insert("Export".into(), json!({ "Name": naming::output_export(&ctx.service, &ctx.stage, key) }));
            }
        }
    }
    let mut template = Map::new();
    template.insert("AWSTemplateFormatVersion".into(), json!("2010-09-09"));
    template.insert("Description".into(), t.description);
    template.insert("Resources".into(), Value::Object(t.resources));
    template.insert("Outputs".into(), Value::Object(t.outputs));
    let mut template = Value::Object(template);
    merge_resources(ctx, &mut template);
    // Plugins hooked on and after `mergeCustomProviderResources`.
    if plugins.iter().any(|p| p == "serverless-cf-vars") {
        crate::plugins::cf_vars::apply(&mut template);
    }
    if plugins.iter().any(|p| p == "serverless-cloudformation-sub-variables") {
        crate::plugins::sub_variables::apply(&mut template);
    }
    if plugins.iter().any(|p| p == "serverless-pseudo-parameters") {
        crate::plugins::pseudo_parameters(&mut template, ctx.cfg.custom.as_ref());
    }
    if let Some(Value::Object(r)) = template.get_mut("Resources") {
        merge::strip_null_props(r);
    }
    if ctx.diags.iter().any(Diagnostic::is_error) {
        return None;
    }
    Some(template)
}

fn core_template(ctx: &mut Ctx, provider: &cfgen_model::Provider, t: &mut Template) -> Option<String> {
    t.resources.insert(
        naming::DEPLOYMENT_BUCKET.into(),
        json!({"Type": "AWS::S3::Bucket", "Properties": {"BucketEncryption": {"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}}}),
    );
    t.resources.insert(
        naming::DEPLOYMENT_BUCKET_POLICY.into(),
        json!({"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": {"Ref": "ServerlessDeploymentBucket"}, "PolicyDocument": {"Statement": [{"Action": "s3:*", "Effect": "Deny", "Principal": "*", "Resource": [
            {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":s3:::", {"Ref": "ServerlessDeploymentBucket"}, "/*"]]},
            {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":s3:::", {"Ref": "ServerlessDeploymentBucket"}]]}],
            "Condition": {"Bool": {"aws:SecureTransport": false}}}]}}}),
    );
    t.outputs.insert(naming::DEPLOYMENT_BUCKET_OUTPUT.into(), json!({"Value": {"Ref": "ServerlessDeploymentBucket"}}));

    // An empty name is no name (v3 tests `bucketName` for truth): the stack gets its own bucket.
    let (name, object) = match &provider.deployment_bucket {
        Some(Value::String(s)) => (Some(s.clone()).filter(|s| !s.is_empty()), None),
        Some(Value::Object(o)) => (o.get("name").and_then(Value::as_str).filter(|s| !s.is_empty()).map(String::from), Some(o.clone())),
        Some(Value::Null) | None => (None, None),
        Some(other) => {
            let msg =
                format!("provider.deploymentBucket must be a bucket name or an object, not {}", cfgen_model::coerce::type_name(other));
            ctx.error(codes::INVALID_TYPE, msg, &["provider", "deploymentBucket"]);
            (None, None)
        }
    };
    if let Some(o) = object.filter(|o| !o.is_empty()) {
        let bucket = t.resources[naming::DEPLOYMENT_BUCKET]["Properties"].as_object().cloned().unwrap_or_default();
        let mut props = bucket;
        if let Some(Value::Object(tags)) = o.get("tags") {
            if !tags.is_empty() {
                let list: Vec<Value> = tags
                    .iter()
                    .map(
                        |(k, v)| json!({"Key": k, "Value": cfgen_model::coerce::scalar_string(v).map_or_else(|| v.clone(), Value::String)}),
                    )
                    .collect();
                props.insert("Tags".into(), Value::Array(list));
            }
        }
        if o.get("blockPublicAccess").is_some_and(truthy) {
            props.insert(
                "PublicAccessBlockConfiguration".into(),
                json!({"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true}),
            );
        }
        if o.get("versioning").is_some_and(truthy) {
            props.insert("VersioningConfiguration".into(), json!({"Status": "Enabled"}));
        }
        t.resources[naming::DEPLOYMENT_BUCKET]["Properties"] = Value::Object(props);
        if o.get("skipPolicySetup").is_some_and(truthy) {
            t.resources.shift_remove(naming::DEPLOYMENT_BUCKET_POLICY);
        }
    }
    if let Some(n) = &name {
        t.outputs[naming::DEPLOYMENT_BUCKET_OUTPUT]["Value"] = Value::String(n.clone());
        t.resources.shift_remove(naming::DEPLOYMENT_BUCKET);
        t.resources.shift_remove(naming::DEPLOYMENT_BUCKET_POLICY);
    }
    name
}

/// The execution role settings when `provider.iam.role` is an object of settings.
fn iam_role_settings(provider: &cfgen_model::Provider) -> IamRole {
    match provider.iam.as_ref().and_then(|i| i.role.as_ref()) {
        Some(v @ Value::Object(o)) if !o.keys().any(|k| k.contains("::")) => serde_json::from_value(v.clone()).unwrap_or_default(),
        _ => IamRole::default(),
    }
}

/// An existing role given by string or CloudFormation function (`isExistingRoleProvided`).
fn is_existing_role(v: &Value) -> bool {
    match v {
        Value::String(_) => true,
        Value::Object(o) => o.keys().any(|k| k.contains("::")),
        _ => false,
    }
}

/// `getCustomExecutionRole`: function role, provider `iam.role` (when existing), legacy `role`;
/// `None` when that is falsy, as every caller in v3 tests it (`iam.role: ''` is an existing
/// role, so v3 makes no `IamRoleLambdaExecution`, and yet the functions name that role).
pub fn custom_role(provider: &cfgen_model::Provider, f: &Function) -> Option<Value> {
    if let Some(r) = f.role.get().filter(|r| truthy(r)) {
        return Some(r.clone());
    }
    if let Some(r) = provider.iam.as_ref().and_then(|i| i.role.as_ref()).filter(|r| is_existing_role(r)) {
        return Some(r.clone()).filter(truthy);
    }
    provider.role.get().filter(|r| truthy(r)).cloned()
}

fn log_arn(group: &str, suffix: &str) -> Value {
    json!({"Fn::Sub": format!("arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:{group}{suffix}")})
}

fn merge_iam(ctx: &mut Ctx, provider: &cfgen_model::Provider, t: &mut Template) -> bool {
    if ctx.functions.is_empty() {
        return false;
    }
    for (key, f) in ctx.functions.iter() {
        if f.disable_logs == Some(true) {
            continue;
        }
        let name = function_name(ctx, key, f);
        let mut props = Map::new();
        props.insert("LogGroupName".into(), Value::String(naming::log_group_name(&name)));
        let retention = f.log_retention_in_days.filter(|n| n.truthy()).or(provider.log_retention_in_days);
        if let Some(r) = retention.filter(|n| n.truthy()) {
            props.insert("RetentionInDays".into(), r.to_json());
        }
        let dpp = f.log_data_protection_policy.as_ref().filter(|v| truthy(v)).or(provider.log_data_protection_policy.as_ref());
        if let Some(p) = dpp.filter(|v| truthy(v)) {
            props.insert("DataProtectionPolicy".into(), p.clone());
        }
        let res = json!({"Type": "AWS::Logs::LogGroup", "Properties": props});
        merge::merge_entry(&mut t.resources, naming::log_group(key), res);
    }

    let iam_role = provider.iam.as_ref().and_then(|i| i.role.clone());
    if iam_role.as_ref().is_some_and(is_existing_role) || provider.role.is_present() {
        // `iam.role: ''` (an unset `${env:ROLE, ''}`) is an existing role to v3's test, so it
        // makes no execution role, while the functions fall back to it all the same.
        let empty = iam_role.as_ref().is_some_and(|r| !truthy(r));
        if empty && ctx.functions.iter().any(|(_, f)| custom_role(provider, f).is_none()) {
            let d = Diagnostic::warning(
                codes::V3_QUIRK,
                "`provider.iam.role` is empty: Serverless v3 then creates no IamRoleLambdaExecution, yet the functions without a `role` use it",
            )
            .at_opt(ctx.span(&["provider", "iam", "role"]))
            .help("leave `iam.role` out to get the execution role, or name an existing role (an ARN or a resource of the template)");
            ctx.diags.push(d);
        }
        return false;
    }
    if ctx.functions.iter().all(|(_, f)| f.role.is_present()) {
        return false;
    }
    let settings = iam_role_settings(provider);
    let mut props = Map::new();
    props.insert(
        "AssumeRolePolicyDocument".into(),
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": ["lambda.amazonaws.com"]}, "Action": ["sts:AssumeRole"]}]}),
    );
    props.insert(
        "Policies".into(),
        json!([{"PolicyName": {"Fn::Join": ["-", [ctx.service_value.clone(), &ctx.stage, "lambda"]]}, "PolicyDocument": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:CreateLogGroup", "logs:TagResource"], "Resource": []},
            {"Effect": "Allow", "Action": ["logs:PutLogEvents"], "Resource": []}]}}]),
    );
    props.insert("Path".into(), settings.path.clone().filter(truthy).unwrap_or_else(|| json!("/")));
    props.insert(
        "RoleName".into(),
        settings
            .name
            .clone()
            .filter(truthy)
            .unwrap_or_else(|| json!({"Fn::Join": ["-", [ctx.service_value.clone(), &ctx.stage, {"Ref": "AWS::Region"}, "lambdaRole"]]})),
    );
    if let Some(tags) = &settings.tags {
        props.insert("Tags".into(), Value::Array(tags.iter().map(|(k, v)| json!({"Key": k, "Value": &v.0})).collect()));
    }
    let boundary = settings
        .permissions_boundary
        .clone()
        .filter(truthy)
        .or_else(|| settings.permission_boundary.clone().filter(truthy))
        .or_else(|| provider.role_permissions_boundary.clone().filter(truthy));
    if let Some(b) = boundary {
        props.insert("PermissionsBoundary".into(), b);
    }

    let prefix = format!("{}-{}", ctx.service, ctx.stage);
    let mut create = Vec::new();
    let mut put = Vec::new();
    let mut canonical_with_logs = false;
    let mut canonical_without_logs = Vec::new();
    for (key, f) in ctx.functions.iter() {
        let name = function_name(ctx, key, f);
        let logs_off = f.disable_logs == Some(true);
        if name.starts_with(&prefix) {
            if logs_off {
                canonical_without_logs.push(name);
            } else {
                canonical_with_logs = true;
            }
            continue;
        }
        if !logs_off {
            let g = naming::log_group_name(&name);
            create.push(log_arn(&g, ":*"));
            put.push(log_arn(&g, ":*:*"));
        }
    }
    let mut extra = Vec::new();
    if canonical_with_logs {
        let g = naming::log_group_name(&prefix);
        create.push(log_arn(&g, "*:*"));
        put.push(log_arn(&g, "*:*:*"));
        if !canonical_without_logs.is_empty() {
            let arns: Vec<Value> = canonical_without_logs.iter().map(|n| log_arn(&naming::log_group_name(n), ":*")).collect();
            extra.push(json!({"Effect": "Deny", "Action": "logs:PutLogEvents", "Resource": arns}));
        }
    }
    if let Some(stmts) = settings.statements.clone().or_else(|| provider.iam_role_statements.clone()) {
        extra.extend(stmts.into_iter().map(|s| s.0));
    }
    {
        let st = &mut props["Policies"][0]["PolicyDocument"]["Statement"];
        st[0]["Resource"] = Value::Array(create);
        st[1]["Resource"] = Value::Array(put);
        if let Value::Array(a) = st {
            a.extend(extra);
        }
    }
    let mut managed: Vec<Value> = settings.managed_policies.clone().or_else(|| provider.iam_managed_policies.clone()).unwrap_or_default();
    let vpc_anywhere = ctx.functions.iter().any(|(_, f)| f.vpc.is_present()) || provider.vpc.as_ref().is_some_and(truthy);
    if vpc_anywhere {
        managed.push(
            json!({"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"]]}),
        );
    }
    if !managed.is_empty() {
        props.insert("ManagedPolicyArns".into(), Value::Array(managed));
    }
    let role = json!({"Type": "AWS::IAM::Role", "Properties": props});
    merge::merge_entry(&mut t.resources, naming::ROLE, role);
    true
}

/// The deployed name of a function (`name`, else `<service>-<stage>-<key>`).
pub fn function_name(ctx: &Ctx, key: &str, f: &Function) -> String {
    function_name_of(&ctx.service, &ctx.stage, key, f)
}

/// The deployed name of a function, from the service and stage.
pub fn function_name_of(service: &str, stage: &str, key: &str, f: &Function) -> String {
    f.name.clone().filter(|n| !n.is_empty()).unwrap_or_else(|| naming::function_name(service, stage, key))
}

fn compile_layer(ctx: &mut Ctx, key: &str, layer: &Layer, bucket: Option<&str>, artifacts: &Artifacts, t: &mut Template) {
    let plan = artifacts.layer(key);
    let mut content = Map::new();
    content.insert("S3Bucket".into(), bucket.map_or_else(|| json!({"Ref": "ServerlessDeploymentBucket"}), |b| json!(b)));
    content.insert(
        "S3Key".into(),
        json!(format!("{}/{}", artifacts.directory, plan.map_or_else(|| naming::layer_artifact(key), |p| p.file_name.clone()))),
    );
    let mut props = Map::new();
    props.insert("Content".into(), Value::Object(content));
    props.insert("LayerName".into(), json!(layer.name.clone().filter(|n| !n.is_empty()).unwrap_or_else(|| key.to_string())));
    if let Some(d) = layer.description.as_ref().filter(|d| !d.is_empty()) {
        props.insert("Description".into(), json!(d));
    }
    if let Some(l) = layer.license_info.as_ref().filter(|d| !d.is_empty()) {
        props.insert("LicenseInfo".into(), json!(l));
    }
    if let Some(r) = &layer.compatible_runtimes {
        props.insert("CompatibleRuntimes".into(), r.0.iter().map(|x| json!(&x.0)).collect());
    }
    if let Some(a) = &layer.compatible_architectures {
        props.insert("CompatibleArchitectures".into(), a.0.iter().map(|x| json!(&x.0)).collect());
    }
    let mut resource = Map::new();
    resource.insert("Type".into(), json!("AWS::Lambda::LayerVersion"));
    resource.insert("Properties".into(), Value::Object(props));

    // sha1(JSON of the resource without Content.S3Key, then the zip bytes).
    let mut for_hash = Value::Object(resource.clone());
    if let Some(Value::Object(c)) = for_hash.pointer_mut("/Properties/Content") {
        c.shift_remove("S3Key");
    }
    let sha = {
        use sha1::{Digest, Sha1};
        let mut h = Sha1::new();
        h.update(crate::emit::to_json_compact(&for_hash).as_bytes());
        if let Some(p) = plan {
            h.update(&p.bytes);
        }
        hex(&h.finalize())
    };
    let mut id = naming::layer(key);
    let retain = layer.retain == Some(true);
    if retain {
        id.push_str(&sha);
        resource.insert("DeletionPolicy".into(), json!("Retain"));
    }
    let s3_key = resource["Properties"]["Content"]["S3Key"].clone();
    t.resources.insert(id.clone(), Value::Object(resource));
    for account in layer.allowed_accounts.iter().flat_map(|a| a.0.iter()) {
        let account_s = account.0.clone();
        let account = json!(&account_s);
        let mut perm = Map::new();
        perm.insert("Type".into(), json!("AWS::Lambda::LayerVersionPermission"));
        perm.insert(
            "Properties".into(),
            json!({"Action": "lambda:GetLayerVersion", "LayerVersionArn": {"Ref": &id}, "Principal": account}),
        );
        let mut pid = naming::layer_permission(key, &account_s);
        if retain {
            pid.push_str(&sha);
            perm.insert("DeletionPolicy".into(), json!("Retain"));
        }
        t.resources.insert(pid, Value::Object(perm));
    }
    let outs = [
        (naming::layer_output(key), json!({"Description": "Current Lambda layer version", "Value": {"Ref": id}})),
        (naming::layer_hash_output(key), json!({"Description": "Current Lambda layer hash", "Value": sha})),
        (naming::layer_s3_key_output(key), json!({"Description": "Current Lambda layer S3Key", "Value": s3_key})),
    ];
    for (k, v) in outs {
        merge::merge_entry(&mut t.outputs, k, v);
    }
    let _ = ctx;
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn flush(t: &mut Template, d: Deferred) {
    for (k, v) in d.resources {
        t.resources.insert(k, v);
    }
    for (k, v) in d.outputs {
        t.outputs.insert(k, v);
    }
}

/// Resources a function adds after all functions (its version, aliases, URL, invoke config).
struct Deferred {
    order: u8,
    /// The rank of the function's zip among the zips read for versions (0 without a version).
    zip: usize,
    resources: Vec<(String, Value)>,
    outputs: Vec<(String, Value)>,
}

fn str_map_json(m: &StrMap) -> Map<String, Value> {
    m.iter().map(|(k, v)| (k.clone(), v.0.clone())).collect()
}

/// The statements of role `role`'s first policy (the execution role's: [`naming::ROLE`]); `None`
/// when the template has no such role (then Serverless adds no statements).
pub(crate) fn role_statements<'a>(resources: &'a mut Map<String, Value>, role: &str) -> Option<&'a mut Vec<Value>> {
    let role = resources.get_mut(role)?;
    crate::value::at_mut(role, &["Properties", "Policies", "0", "PolicyDocument", "Statement"])?.as_array_mut()
}

/// The image URI and its SHA-256 (hex) of a function's `image`, resolved as Serverless v3's
/// `resolveImageUriAndSha` does: an ECR URI (its pattern), else the name of an image of
/// `provider.ecr.images` (a URI, or a folder to build); or `{uri}` / `{name}`. Only a URI pinned
/// by digest (`...@sha256:<hex>`) resolves offline: a tag needs ECR, a folder Docker.
fn resolve_image(ctx: &mut Ctx, provider: &cfgen_model::Provider, key: &str, image: &Value) -> Option<(String, String)> {
    let at = ["functions", key, "image"];
    // At the key of the object at fault (`image:`, or the image's name under `provider.ecr.images`).
    let invalid = |ctx: &mut Ctx, msg: String, path: &[&str]| {
        let span = ctx.key_span(path).or_else(|| ctx.span(path));
        ctx.diags.push(Diagnostic::error(codes::INVALID_FUNCTION, msg).at_opt(span));
    };
    let text = cfgen_model::coerce::scalar_string;
    let (uri, name) = match image {
        Value::Object(o) => {
            let (uri, name) = (o.get("uri").filter(|v| truthy(v)), o.get("name").filter(|v| truthy(v)));
            match (uri, name) {
                (None, None) => {
                    invalid(ctx, format!("function `{key}`: its `image` needs a `uri` or a `name`"), &at);
                    return None;
                }
                (Some(_), Some(_)) => {
                    invalid(ctx, format!("function `{key}`: its `image` sets both `uri` and `name`; set one of them"), &at);
                    return None;
                }
                (u, n) => (u.and_then(text), n.and_then(text)),
            }
        }
        // AJV's `coerceTypes: "array"` reads a list of one as its item, even where the item
        // then fails the schema (`[x]`: too short a name).
        v => match text(v).or_else(|| v.as_array().filter(|l| l.len() == 1).and_then(|l| text(&l[0]))) {
            Some(s) if is_ecr_uri(&s) => (Some(s), None),
            s => (None, s),
        },
    };
    if let Some(uri) = uri {
        return image_from_uri(ctx, key, &uri, &at);
    }
    let name = name.unwrap_or_default();
    let defined = provider.ecr.as_ref().and_then(|e| e.get("images")).and_then(|i| i.get(&name)).filter(|v| !v.is_null());
    let image_path = ["provider", "ecr", "images", name.as_str()];
    let Some(defined) = defined else {
        ctx.diags.push(
            Diagnostic::error(codes::INVALID_FUNCTION, format!("function `{key}`: image `{name}` is not defined in `provider.ecr.images`"))
                .at_opt(ctx.span(&at))
                .help("define it under `provider.ecr.images`, or give the image's URI"),
        );
        return None;
    };
    let uri = match defined {
        Value::Object(o) => {
            let set = |k: &str| o.get(k).filter(|v| truthy(v));
            match (set("uri"), set("path")) {
                (None, None) => {
                    invalid(ctx, format!("image `{name}` of `provider.ecr.images` needs a `uri` or a `path`"), &image_path);
                    return None;
                }
                (Some(_), Some(_)) => {
                    invalid(
                        ctx,
                        format!("image `{name}` of `provider.ecr.images` sets both `uri` and `path`; set one of them"),
                        &image_path,
                    );
                    return None;
                }
                (Some(u), None) => {
                    if let Some(k) = ["buildArgs", "cacheFrom", "platform"].into_iter().find(|k| set(k).is_some()) {
                        invalid(ctx, format!("image `{name}` of `provider.ecr.images`: `{k}` cannot be used with `uri`"), &image_path);
                        return None;
                    }
                    text(u)
                }
                (None, Some(_)) => None,
            }
        }
        v => text(v).filter(|s| is_ecr_uri(s)),
    };
    match uri {
        Some(uri) => image_from_uri(ctx, key, &uri, &image_path),
        None => {
            ctx.diags.push(
                Diagnostic::error(
                    codes::NOT_IMPLEMENTED,
                    format!("function `{key}`: image `{name}` is built from a folder with Docker and pushed to ECR; cfgen works offline"),
                )
                .at_opt(ctx.span(&image_path))
                .help("build and push the image, then give its URI pinned by digest: `<account>.dkr.ecr.<region>.amazonaws.com/<repo>@sha256:<digest>`"),
            );
            None
        }
    }
}

/// Serverless v3's `isEcrUri` (its pattern as written: either alternative may match a part).
fn is_ecr_uri(s: &str) -> bool {
    static ECR_URI: std::sync::OnceLock<Option<regex_lite::Regex>> = std::sync::OnceLock::new();
    ECR_URI
        .get_or_init(|| regex_lite::Regex::new(r"^\d+\.dkr\.ecr\.[a-z0-9-]+..amazonaws.com/([^@]+)|([^@:]+@sha256:[a-f0-9]{64})$").ok())
        .as_ref()
        .is_some_and(|re| re.is_match(s))
}

/// The URI and SHA-256 of an image given by URI: pinned by digest, the text after `@` less its
/// `sha256:` (v3 drops the first seven characters); a tag needs ECR to find its digest.
fn image_from_uri(ctx: &mut Ctx, key: &str, uri: &str, at: &[&str]) -> Option<(String, String)> {
    match uri.split('@').nth(1).filter(|d| !d.is_empty()) {
        Some(digest) => Some((uri.to_string(), digest.get(7..).unwrap_or_default().to_string())),
        None => {
            ctx.diags.push(
                Diagnostic::error(
                    codes::NOT_IMPLEMENTED,
                    format!("function `{key}`: an image without a `@sha256:` digest needs ECR (or a Docker build) to resolve; cfgen works offline"),
                )
                .at_opt(ctx.span(at))
                .help("pin the image by digest: `<account>.dkr.ecr.<region>.amazonaws.com/<repo>@sha256:<digest>`"),
            );
            None
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn compile_function(
    ctx: &mut Ctx,
    provider: &cfgen_model::Provider,
    key: &str,
    f: &Function,
    bucket: Option<&str>,
    artifacts: &Artifacts,
    role_created: bool,
    t: &mut Template,
) -> Option<Deferred> {
    let path = ["functions", key];
    let has_handler = f.handler.as_ref().is_some_and(|h| !h.is_empty());
    let has_image = f.image.as_ref().is_some_and(truthy);
    if !has_handler && !has_image {
        ctx.diags.push(
            Diagnostic::error(codes::INVALID_FUNCTION, format!("function `{key}` needs a `handler` or an `image`"))
                .at_opt(ctx.key_span(&path))
                .help("add `handler: file.function` (e.g. `handler: index.handler`)"),
        );
        return None;
    }
    if has_handler && has_image {
        ctx.diags.push(
            Diagnostic::error(codes::INVALID_FUNCTION, format!("function `{key}` sets both `handler` and `image`; set one of them"))
                .at_opt(ctx.key_span(&["functions", key, "image"])),
        );
        return None;
    }
    let name = function_name(ctx, key, f);
    let mut props = Map::with_capacity(16);
    let mut code = Map::new();
    let mut image_sha = None;
    let mut image_uri = None;
    let mut image_config = Map::new();
    if has_image {
        let cfg = f.image.as_ref().and_then(Value::as_object);
        let (uri, sha) = resolve_image(ctx, provider, key, f.image.as_ref()?)?;
        image_sha = Some(sha);
        image_uri = Some(uri);
        if let Some(o) = cfg {
            for (k, ck) in [("command", "Command"), ("entryPoint", "EntryPoint"), ("workingDirectory", "WorkingDirectory")] {
                if let Some(v) = o.get(k).filter(|v| truthy(v)) {
                    // `command` and `entryPoint` are lists of strings in v3's schema (AJV
                    // makes one string a list of it).
                    let v = if k == "workingDirectory" { v.clone() } else { crate::events::queue_common::list_of_text(v) };
                    image_config.insert(ck.into(), v);
                }
            }
        }
    }
    props.insert("Code".into(), Value::Object(Map::new()));
    if !image_config.is_empty() {
        props.insert("ImageConfig".into(), Value::Object(image_config));
    }
    let plan = artifacts.function(key);
    if has_handler {
        if let Some(rm) = runtime_management(provider.runtime_management.as_ref(), f.runtime_management.as_ref()) {
            props.insert("RuntimeManagementConfig".into(), rm);
        }
        props.insert("Handler".into(), json!(&f.handler));
        code.insert("S3Bucket".into(), bucket.map_or_else(|| json!({"Ref": "ServerlessDeploymentBucket"}), |b| json!(b)));
        code.insert("S3Key".into(), json!(format!("{}/{}", artifacts.directory, plan.map_or("", |p| p.file_name.as_str()))));
        props.insert("Code".into(), Value::Object(code));
        let runtime = f
            .runtime
            .clone()
            .filter(|r| !r.is_empty())
            .or_else(|| provider.runtime.clone().filter(|r| !r.is_empty()))
            .unwrap_or_else(|| "nodejs16.x".into());
        props.insert("Runtime".into(), json!(runtime));
    } else {
        code.insert("ImageUri".into(), json!(image_uri));
        props.insert("Code".into(), Value::Object(code));
        props.insert("PackageType".into(), json!("Image"));
    }
    props.insert("FunctionName".into(), json!(name));
    let memory = f.memory_size.filter(|n| n.truthy()).or(provider.memory_size.filter(|n| n.truthy())).map_or(json!(1024), |n| n.to_json());
    props.insert("MemorySize".into(), memory);
    let timeout = f.timeout.filter(|n| n.truthy()).or(provider.timeout.filter(|n| n.truthy())).map_or(json!(6), |n| n.to_json());
    props.insert("Timeout".into(), timeout);
    if let Some(a) = f.architecture.clone().or_else(|| provider.architecture.clone()).filter(|a| !a.is_empty()) {
        props.insert("Architectures".into(), json!([a]));
    }
    if let Some(d) = f.description.as_ref().filter(|d| truthy(d)) {
        props.insert("Description".into(), d.clone());
    }
    let mut resource = Map::with_capacity(5);
    resource.insert("Type".into(), json!("AWS::Lambda::Function"));
    resource.insert("Properties".into(), Value::Null);
    if let Some(c) = f.condition.as_ref().filter(|c| truthy(c)) {
        resource.insert("Condition".into(), c.clone());
    }
    let mut depends_on: Vec<Value> = Vec::new();
    let mut has_depends_on = false;
    if let Some(d) = &f.depends_on {
        depends_on.extend(d.0.iter().cloned());
        has_depends_on = true;
        resource.insert("DependsOn".into(), Value::Null);
    }
    if f.tags.is_some() || provider.tags.is_some() {
        let mut tags: IndexMap<String, Value> = IndexMap::new();
        for m in [provider.tags.as_ref(), f.tags.as_ref()].into_iter().flatten() {
            for (k, v) in str_map_json(m) {
                tags.insert(k, v);
            }
        }
        let list: Vec<Value> =
            cfgen_syntax::js_key_order(tags.keys().map(String::as_str)).into_iter().map(|k| json!({"Key": k, "Value": &tags[k]})).collect();
        props.insert("Tags".into(), Value::Array(list));
    }
    if let Some(s) = f.ephemeral_storage_size.filter(|n| n.truthy()) {
        props.insert("EphemeralStorage".into(), json!({"Size": s.to_json()}));
    }
    let mut statements: Vec<(Value, bool)> = Vec::new(); // (statement, dedupe)
    if let Some(arn) = f.on_error.as_ref().filter(|v| truthy(v)) {
        props.insert("DeadLetterConfig".into(), json!({"TargetArn": arn}));
        if arn.is_string() {
            statements.push((json!({"Effect": "Allow", "Action": ["sns:Publish"], "Resource": [arn]}), false));
        }
    }
    let kms = f.kms_key_arn.as_ref().filter(|v| truthy(v)).or(provider.kms_key_arn.as_ref().filter(|v| truthy(v)));
    if let Some(k) = kms {
        props.insert("KmsKeyArn".into(), k.clone());
        if k.is_string() {
            statements.push((json!({"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": [k]}), true));
        }
    }
    let tracing =
        f.tracing.as_ref().filter(|v| truthy(v)).or(provider.tracing.as_ref().and_then(|t| t.lambda.as_ref()).filter(|v| truthy(v)));
    if let Some(tr) = tracing {
        let mode = if tr.is_boolean() { json!("Active") } else { tr.clone() };
        props.insert("TracingConfig".into(), json!({"Mode": mode}));
        statements
            .push((json!({"Effect": "Allow", "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "Resource": ["*"]}), true));
    }
    if f.environment.is_some() || provider.environment.is_some() {
        let mut vars = Map::new();
        for m in [provider.environment.as_ref(), f.environment.as_ref()].into_iter().flatten() {
            for (k, v) in str_map_json(m) {
                vars.insert(k, v);
            }
        }
        for k in &f.environment_unset {
            vars.shift_remove(k);
        }
        props.insert("Environment".into(), json!({"Variables": vars}));
    }
    // Role
    let role = custom_role(provider, f).unwrap_or_else(|| json!(naming::ROLE));
    match &role {
        Value::String(s) if s.starts_with("arn:") => {
            props.insert("Role".into(), role.clone());
        }
        Value::String(s) => {
            props.insert("Role".into(), json!({"Fn::GetAtt": [s, "Arn"]}));
            if s != naming::ROLE {
                depends_on.push(json!(s));
                if !has_depends_on {
                    resource.insert("DependsOn".into(), Value::Null);
                    has_depends_on = true;
                }
            }
        }
        Value::Object(o) if o.contains_key("Fn::GetAtt") => {
            props.insert("Role".into(), role.clone());
            if let Some(first) = o["Fn::GetAtt"].get(0) {
                depends_on.push(first.clone());
                if !has_depends_on {
                    resource.insert("DependsOn".into(), Value::Null);
                    has_depends_on = true;
                }
            }
        }
        other => {
            props.insert("Role".into(), other.clone());
        }
    }
    // VPC
    if !matches!(f.vpc, Maybe::Null) && !matches!(f.vpc.get(), Some(Value::Bool(false))) {
        let fv = f.vpc.get().and_then(Value::as_object);
        let pv = provider.vpc.as_ref().and_then(Value::as_object);
        let pick =
            |k: &str| fv.and_then(|o| o.get(k)).filter(|v| truthy(v)).or_else(|| pv.and_then(|o| o.get(k)).filter(|v| truthy(v))).cloned();
        if let (Some(sg), Some(sn)) = (pick("securityGroupIds"), pick("subnetIds")) {
            props.insert("VpcConfig".into(), json!({"SecurityGroupIds": sg, "SubnetIds": sn}));
        }
    }
    if let Some(fs) = f.file_system_config.as_ref().filter(|v| truthy(v)) {
        if !props.contains_key("VpcConfig") {
            ctx.diags.push(
                Diagnostic::error(
                    codes::INVALID_FUNCTION,
                    format!("function `{key}`: fileSystemConfig needs a VPC on the function or the provider"),
                )
                .at_opt(ctx.key_span(&["functions", key, "fileSystemConfig"]))
                .help("add `vpc: {securityGroupIds: [...], subnetIds: [...]}`"),
            );
            return None;
        }
        let arn = fs.get("arn").cloned().unwrap_or(Value::Null);
        statements.push((
            json!({"Effect": "Allow", "Action": ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"], "Resource": [&arn]}),
            false,
        ));
        let mut c = Map::new();
        c.insert("Arn".into(), arn);
        if let Some(p) = fs.get("localMountPath") {
            c.insert("LocalMountPath".into(), p.clone());
        }
        props.insert("FileSystemConfigs".into(), json!([c]));
    }
    if let Some(rc) = f.reserved_concurrency.as_ref().filter(|v| truthy(v) || v.as_f64() == Some(0.0)) {
        props.insert("ReservedConcurrentExecutions".into(), rc.clone());
    }
    if f.disable_logs != Some(true) {
        depends_on.insert(0, json!(naming::log_group(key)));
        if !has_depends_on {
            resource.insert("DependsOn".into(), Value::Null);
            has_depends_on = true;
        }
    }
    if let Some(l) = &f.layers {
        props.insert("Layers".into(), Value::Array(l.0.clone()));
    } else if let Some(l) = &provider.layers {
        props.insert("Layers".into(), Value::Array(l.0.clone()));
    }
    if has_depends_on {
        resource.insert("DependsOn".into(), Value::Array(depends_on));
    }
    if role_created {
        if let Some(st) = role_statements(&mut t.resources, naming::ROLE) {
            for (s, dedupe) in statements {
                if !dedupe || !st.contains(&s) {
                    st.push(s);
                }
            }
        }
    }

    let fid = naming::lambda_function(key);
    let version_functions = f.version_function.unwrap_or(provider.version_functions.unwrap_or(true));
    let provisioned = f.provisioned_concurrency.as_ref().filter(|v| truthy(v));
    let snap_start = f.snap_start == Some(true);
    let hashes_local_layers = props.get("Layers").and_then(Value::as_array).is_some_and(|ls| {
        ls.iter().any(|l| {
            l.get("Ref").and_then(Value::as_str).is_some_and(|r| artifacts.layer_key_for_id(r).is_some() && t.resources.contains_key(r))
        })
    });
    let mut deferred = Deferred { order: if hashes_local_layers { 2 } else { 1 }, zip: 0, resources: Vec::new(), outputs: Vec::new() };
    let mut target_alias: Option<(String, String)> = None;
    if version_functions || provisioned.is_some() || snap_start {
        let code_sha = match &image_sha {
            Some(s) => s.clone(),
            None => plan.map(|p| p.code_sha256.clone()).unwrap_or_default(),
        };
        let version_id = version_logical_id(key, &props, has_image, &code_sha, t, artifacts);
        let mut vprops = Map::new();
        vprops.insert("FunctionName".into(), json!({"Ref": &fid}));
        vprops.insert("CodeSha256".into(), json!(code_sha));
        if let Some(d) = f.description.as_ref().filter(|d| truthy(d)) {
            vprops.insert("Description".into(), d.clone());
        }
        let mut version = Map::new();
        version.insert("Type".into(), json!("AWS::Lambda::Version"));
        if version_functions {
            version.insert("DeletionPolicy".into(), json!("Retain"));
        }
        version.insert("Properties".into(), Value::Object(vprops));
        deferred.resources.push((version_id.clone(), Value::Object(version)));
        deferred.outputs.push((
            naming::lambda_version_output(key),
            json!({"Description": "Current Lambda function version", "Value": {"Ref": &version_id}}),
        ));
        if provisioned.is_some() && snap_start {
            ctx.diags.push(
                Diagnostic::error(
                    codes::INVALID_FUNCTION,
                    format!("function `{key}`: SnapStart does not support provisioned concurrency; remove one of them"),
                )
                .at_opt(ctx.key_span(&["functions", key, "snapStart"])),
            );
            return None;
        }
        if let Some(pc) = provisioned {
            let alias = naming::provisioned_concurrency_alias(key);
            deferred.resources.push((
                alias.clone(),
                json!({"Type": "AWS::Lambda::Alias", "Properties": {"FunctionName": {"Ref": &fid}, "FunctionVersion": {"Fn::GetAtt": [&version_id, "Version"]}, "Name": naming::PROVISIONED_ALIAS_NAME, "ProvisionedConcurrencyConfig": {"ProvisionedConcurrentExecutions": pc}}, "DependsOn": &fid}),
            ));
            target_alias = Some((naming::PROVISIONED_ALIAS_NAME.into(), alias));
        }
        if snap_start {
            props.insert("SnapStart".into(), json!({"ApplyOn": "PublishedVersions"}));
            let alias = naming::snap_start_alias(key);
            deferred.resources.push((
                alias.clone(),
                json!({"Type": "AWS::Lambda::Alias", "Properties": {"FunctionName": {"Ref": &fid}, "FunctionVersion": {"Fn::GetAtt": [version_id, "Version"]}, "Name": naming::SNAP_START_ALIAS_NAME}, "DependsOn": &fid}),
            ));
            target_alias = Some((naming::SNAP_START_ALIAS_NAME.into(), alias));
        }
    } else {
        deferred.order = 0;
    }
    resource.insert("Properties".into(), Value::Object(props));
    t.resources.insert(fid.clone(), Value::Object(resource));

    let target = match &target_alias {
        Some((name, _)) => json!({"Fn::Join": [":", [{"Fn::GetAtt": [fid, "Arn"]}, name]]}),
        None => json!({"Fn::GetAtt": [fid, "Arn"]}),
    };
    let alias_dep = target_alias.as_ref().map(|(_, id)| json!(id));
    let mut extras: Vec<(String, Value)> = Vec::new();
    let mut extra_outputs: Vec<(String, Value)> = Vec::new();
    compile_url(ctx, key, f, &target, alias_dep.as_ref(), &mut extras, &mut extra_outputs);
    let destination_statements = compile_event_invoke_config(ctx, provider, key, f, target_alias.as_ref(), &mut extras);
    if role_created {
        if let Some(st) = role_statements(&mut t.resources, naming::ROLE) {
            for s in destination_statements {
                st.push(s);
            }
        }
    }
    if version_functions || provisioned.is_some() || snap_start {
        deferred.resources.extend(extras);
        deferred.outputs.extend(extra_outputs);
        Some(deferred)
    } else {
        for (k, v) in extras {
            t.resources.insert(k, v);
        }
        for (k, v) in extra_outputs {
            t.outputs.insert(k, v);
        }
        None
    }
}

fn runtime_management(provider: Option<&Value>, function: Option<&Value>) -> Option<Value> {
    let mut mode = "auto".to_string();
    let mut arn = None;
    for v in [provider, function].into_iter().flatten() {
        match v {
            Value::String(s) => mode = s.clone(),
            Value::Object(o) => {
                if let Some(m) = o.get("mode").and_then(Value::as_str) {
                    mode = m.to_string();
                }
                if let Some(a) = o.get("arn") {
                    arn = Some(a.clone());
                }
            }
            _ => {}
        }
    }
    let update_on = match mode.as_str() {
        "auto" => return None,
        "onFunctionUpdate" => "FunctionUpdate",
        "manual" => "Manual",
        _ => return None,
    };
    let mut m = Map::new();
    m.insert("UpdateRuntimeOn".into(), json!(update_on));
    if mode == "manual" {
        m.insert("RuntimeVersionArn".into(), arn.unwrap_or(Value::Null));
    }
    Some(Value::Object(m))
}

fn version_logical_id(key: &str, props: &Map<String, Value>, image: bool, code_sha: &str, t: &Template, artifacts: &Artifacts) -> String {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    if !image {
        h.update(code_sha.as_bytes());
    }
    let mut layer_configs = Vec::new();
    let mut layer_paths = Vec::new();
    if let Some(Value::Array(layers)) = props.get("Layers") {
        for l in layers {
            let Some(r) = l.get("Ref").and_then(Value::as_str) else { continue };
            let Some(res) = t.resources.get(r) else { continue };
            let Some(layer_key) = artifacts.layer_key_for_id(r) else { continue };
            let mut p = res.get("Properties").cloned().unwrap_or(Value::Null);
            if let Some(Value::Object(c)) = p.pointer_mut("/Content") {
                c.shift_remove("S3Key");
            }
            layer_configs.push(json!({"name": &layer_key, "ref": r, "properties": p}));
            if let Some(plan) = artifacts.layer(&layer_key) {
                layer_paths.push((plan.path_for_sort.clone(), plan.code_sha256.clone()));
            }
        }
    }
    layer_paths.sort();
    for (_, sha) in &layer_paths {
        h.update(sha.as_bytes());
    }
    // The function's properties without its code, reserved concurrency and tags, plus its
    // layers' configurations (written from the entries: no copy of the properties).
    let layer_configs = Value::Array(layer_configs);
    let hashed = props
        .iter()
        .filter(|(k, _)| {
            !matches!(k.as_str(), "ReservedConcurrentExecutions" | "Tags" | "layerConfigurations") && (image || k.as_str() != "Code")
        })
        .map(|(k, v)| (k.as_str(), v))
        .chain([("layerConfigurations", &layer_configs)]);
    h.update(crate::emit::object_compact_sorted(hashed).as_bytes());
    let digest = base64::engine::general_purpose::STANDARD.encode(h.finalize());
    naming::lambda_version(key, &digest)
}

fn compile_url(
    ctx: &mut Ctx,
    key: &str,
    f: &Function,
    target: &Value,
    alias: Option<&Value>,
    res: &mut Vec<(String, Value)>,
    outs: &mut Vec<(String, Value)>,
) {
    let Some(url) = f.url.as_ref().filter(|v| truthy(v)) else { return };
    let auth = if url.get("authorizer").and_then(Value::as_str) == Some("aws_iam") { "AWS_IAM" } else { "NONE" };
    let mut props = Map::new();
    props.insert("AuthType".into(), json!(auth));
    props.insert("TargetFunctionArn".into(), target.clone());
    if let Some(cors) = url.get("cors").filter(|v| truthy(v)) {
        let default_headers =
            json!(["Content-Type", "X-Amz-Date", "Authorization", "X-Api-Key", "X-Amz-Security-Token", "X-Amzn-Trace-Id"]);
        let pick = |k: &str, default: Option<Value>| -> Option<Value> {
            match cors.get(k) {
                Some(Value::Null) => None,
                Some(v) if truthy(v) => Some(uniq(v)),
                _ => default,
            }
        };
        let mut c = Map::new();
        let allow_credentials = cors.get("allowCredentials").is_some_and(truthy);
        if allow_credentials {
            c.insert("AllowCredentials".into(), json!(true));
        }
        if let Some(h) = pick("allowedHeaders", Some(default_headers)) {
            c.insert("AllowHeaders".into(), h);
        }
        if let Some(m) = pick("allowedMethods", Some(json!(["*"]))) {
            c.insert("AllowMethods".into(), m);
        }
        if let Some(o) = pick("allowedOrigins", Some(json!(["*"]))) {
            c.insert("AllowOrigins".into(), o);
        }
        if let Some(e) = cors.get("exposedResponseHeaders").filter(|v| truthy(v)) {
            c.insert("ExposeHeaders".into(), uniq(e));
        }
        if let Some(m) = cors.get("maxAge").filter(|v| !v.is_null()) {
            c.insert("MaxAge".into(), m.clone());
        }
        props.insert("Cors".into(), Value::Object(c));
    }
    if url.get("invokeMode").and_then(Value::as_str) == Some("RESPONSE_STREAM") {
        props.insert("InvokeMode".into(), json!("RESPONSE_STREAM"));
    }
    let mut r = Map::new();
    r.insert("Type".into(), json!("AWS::Lambda::Url"));
    r.insert("Properties".into(), Value::Object(props));
    if let Some(a) = alias {
        r.insert("DependsOn".into(), a.clone());
    }
    let id = naming::function_url(key);
    res.push((id.clone(), Value::Object(r)));
    outs.push((id.clone(), json!({"Description": "Lambda Function URL", "Value": {"Fn::GetAtt": [id, "FunctionUrl"]}})));
    if auth == "NONE" {
        let mut p = Map::new();
        p.insert("Type".into(), json!("AWS::Lambda::Permission"));
        p.insert(
            "Properties".into(),
            json!({"FunctionName": target, "Action": "lambda:InvokeFunctionUrl", "Principal": "*", "FunctionUrlAuthType": "NONE"}),
        );
        if let Some(a) = alias {
            p.insert("DependsOn".into(), a.clone());
        }
        res.push((naming::function_url_permission(key), Value::Object(p)));
    }
    let _ = ctx;
}

/// A list of strings of a function URL's CORS settings: AJV (v3's schema) makes one string a
/// list of it, then v3 removes repeated items.
fn uniq(v: &Value) -> Value {
    match crate::events::queue_common::list_of_text(v) {
        Value::Array(a) => Value::Array(crate::value::uniq(a)),
        other => other,
    }
}

fn compile_event_invoke_config(
    ctx: &mut Ctx,
    provider: &cfgen_model::Provider,
    key: &str,
    f: &Function,
    alias: Option<&(String, String)>,
    res: &mut Vec<(String, Value)>,
) -> Vec<Value> {
    let age = f.maximum_event_age.filter(|n| n.truthy());
    let retries = f.maximum_retry_attempts;
    if f.destinations.is_none() && age.is_none() && retries.is_none() {
        return Vec::new();
    }
    let mut statements = Vec::new();
    let mut dest = Map::new();
    if let Some(d) = &f.destinations {
        let external_role = custom_role(provider, f).is_some();
        for (field, out_key, v) in [("onSuccess", "OnSuccess", &d.on_success), ("onFailure", "OnFailure", &d.on_failure)] {
            let Some(v) = v.as_ref().filter(|v| truthy(v)) else { continue };
            let arn = match v {
                Value::Object(o) => o.get("arn").cloned().unwrap_or(Value::Null),
                Value::String(s) if s.starts_with("arn:") => v.clone(),
                Value::String(s) => match ctx.function(s) {
                    Some((there, tf)) => {
                        // Serverless reads the target's alias while functions compile
                        // concurrently: only a function compiled earlier has one yet.
                        let here = ctx.function(key).map_or(0, |(i, _)| i);
                        let target_alias = (there < here).then_some(tf).and_then(|tf| {
                            if tf.provisioned_concurrency.as_ref().is_some_and(truthy) {
                                Some(naming::PROVISIONED_ALIAS_NAME)
                            } else if tf.snap_start == Some(true) {
                                Some(naming::SNAP_START_ALIAS_NAME)
                            } else {
                                None
                            }
                        });
                        let get = json!({"Fn::GetAtt": [naming::lambda_function(s), "Arn"]});
                        match target_alias {
                            Some(a) => json!({"Fn::Join": [":", [get, a]]}),
                            None => get,
                        }
                    }
                    None => {
                        ctx.diags.push(
                            Diagnostic::error(
                                codes::INVALID_FUNCTION,
                                format!("function `{key}`: destination `{s}` is neither an ARN nor a function of this service"),
                            )
                            .at_opt(ctx.span(&["functions", key, "destinations", field])),
                        );
                        continue;
                    }
                },
                _ => v.clone(),
            };
            dest.insert(out_key.into(), json!({"Destination": arn}));
            if !external_role {
                if let Some(s) = destination_statement(ctx, key, field, v) {
                    if !statements.contains(&s) {
                        statements.push(s);
                    }
                }
            }
        }
    }
    let mut props = Map::new();
    props.insert("FunctionName".into(), json!({"Ref": naming::lambda_function(key)}));
    props.insert("DestinationConfig".into(), Value::Object(dest));
    props.insert("Qualifier".into(), json!(alias.map_or("$LATEST", |a| a.0.as_str())));
    if let Some(a) = age {
        props.insert("MaximumEventAgeInSeconds".into(), a.to_json());
    }
    if let Some(r) = retries {
        props.insert("MaximumRetryAttempts".into(), r.to_json());
    }
    let mut r = Map::new();
    r.insert("Type".into(), json!("AWS::Lambda::EventInvokeConfig"));
    r.insert("Properties".into(), Value::Object(props));
    if let Some(a) = alias {
        r.insert("DependsOn".into(), json!(&a.1));
    }
    res.push((naming::event_invoke_config(key), Value::Object(r)));
    statements
}

fn destination_statement(ctx: &mut Ctx, key: &str, field: &str, v: &Value) -> Option<Value> {
    let action = match v {
        Value::Object(o) => match o.get("type").and_then(Value::as_str) {
            Some("function") => Some("lambda:InvokeFunction"),
            Some("sqs") => Some("sqs:SendMessage"),
            Some("sns") => Some("sns:Publish"),
            Some("eventBus") => Some("events:PutEvents"),
            _ => None,
        },
        Value::String(s) if !s.starts_with("arn:") || s.contains(":function:") => Some("lambda:InvokeFunction"),
        Value::String(s) if s.contains(":sqs:") => Some("sqs:SendMessage"),
        Value::String(s) if s.contains(":sns:") => Some("sns:Publish"),
        Value::String(s) if s.contains(":event-bus/") => Some("events:PutEvents"),
        _ => None,
    };
    let Some(action) = action else {
        ctx.diags.push(
            Diagnostic::error(codes::INVALID_FUNCTION, format!("function `{key}`: unsupported destination target"))
                .at_opt(ctx.span(&["functions", key, "destinations", field]))
                .help("use a function key, or an ARN of a function, SQS queue, SNS topic or event bus, or `{type, arn}`"),
        );
        return None;
    };
    let resource = match v {
        Value::Object(o) => o.get("arn").cloned().unwrap_or(Value::Null),
        Value::String(s) if s.starts_with("arn:") => v.clone(),
        Value::String(s) => {
            let name = ctx.function(s).map(|(_, tf)| function_name(ctx, s, tf)).unwrap_or_default();
            json!({"Fn::Sub": format!("arn:${{AWS::Partition}}:lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:{name}")})
        }
        _ => Value::Null,
    };
    Some(json!({"Effect": "Allow", "Action": action, "Resource": resource}))
}

/// `mergeCustomProviderResources`: `_.merge(template, resources)` then `extensions`.
fn merge_resources(ctx: &mut Ctx, template: &mut Value) {
    let Some(resources) = ctx.cfg.resources.clone() else { return };
    let Value::Object(mut res) = resources else {
        if !resources.is_null() {
            ctx.error(codes::INVALID_RESOURCES, "resources must be a mapping".into(), &["resources"]);
        }
        return;
    };
    let extensions = res.shift_remove("extensions");
    res.entry("Resources").or_insert_with(|| json!({}));
    res.entry("Outputs").or_insert_with(|| json!({}));
    if res.get("Resources").is_some_and(Value::is_null) {
        res.insert("Resources".into(), json!({}));
    }
    if res.get("Outputs").is_some_and(Value::is_null) {
        res.insert("Outputs".into(), json!({}));
    }
    let user_ids: Vec<String> = res.get("Resources").and_then(Value::as_object).map(|r| r.keys().cloned().collect()).unwrap_or_default();
    let generated: Vec<String> =
        template.get("Resources").and_then(Value::as_object).map(|r| r.keys().cloned().collect()).unwrap_or_default();
    // An override of a generated resource without `Type`: it merges, but v3's schema wants a
    // `Type` in every resource and says so (an error under `configValidationMode: error`).
    let untyped_overrides: Vec<(String, String)> = res
        .get("Resources")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(id, r)| generated.contains(id) && r.as_object().is_some_and(|o| !o.contains_key("Type")))
        .filter_map(|(id, _)| Some((id.clone(), template.get("Resources")?.get(id)?.get("Type")?.as_str()?.to_string())))
        .collect();
    let severity = ctx.schema_severity();
    for (id, ty) in untyped_overrides {
        ctx.diags.push(
            Diagnostic::new(
                codes::MISSING_KEY,
                severity,
                format!("resource `{id}` has no `Type`: Serverless v3's schema wants one in every resource, and warns, though this one merges into the generated `{id}`"),
            )
            .at_opt(ctx.key_span(&["resources", "Resources", &id]))
            .help(format!("add `Type: {ty}`, or change the generated resource through `resources.extensions.{id}`")),
        );
    }
    merge::merge_owned(template, Value::Object(res));
    for id in user_ids.iter().filter(|id| !generated.contains(id)) {
        let has_type =
            template.pointer(&format!("/Resources/{}", id.replace('~', "~0").replace('/', "~1"))).and_then(|r| r.get("Type")).is_some();
        if !has_type {
            ctx.diags.push(
                Diagnostic::warning(codes::MISSING_KEY, format!("resource `{id}` has no `Type`; CloudFormation will reject it"))
                    .at_opt(ctx.key_span(&["resources", "Resources", id]))
                    .help("add `Type: AWS::...`, or name a generated resource to override it"),
            );
        }
    }
    let Some(Value::Object(ext)) = extensions else { return };
    for (name, def) in &ext {
        let Some(Value::Object(resource)) = template.get_mut("Resources").and_then(|r| r.get_mut(name)) else {
            ctx.diags.push(
                Diagnostic::error(codes::RESOURCE_EXTENSION, format!("cannot extend `{name}`: the generated stack has no such resource"))
                    .at_opt(ctx.key_span(&["resources", "extensions", name])),
            );
            continue;
        };
        let Value::Object(def) = def else { continue };
        for (attr, value) in def {
            match attr.as_str() {
                "Condition" | "CreationPolicy" | "DeletionPolicy" | "UpdatePolicy" | "UpdateReplacePolicy" => {
                    resource.insert(attr.clone(), value.clone());
                }
                "Properties" | "Metadata" => {
                    let target = resource.entry(attr.clone()).or_insert_with(|| json!({}));
                    if !target.is_object() {
                        *target = json!({});
                    }
                    if let (Value::Object(t), Value::Object(v)) = (target, value) {
                        for (k, x) in v {
                            t.insert(k.clone(), x.clone());
                        }
                    }
                }
                "DependsOn" => {
                    let cur = resource.entry("DependsOn").or_insert_with(|| json!([]));
                    if let Value::String(s) = cur {
                        *cur = json!([s.clone()]);
                    }
                    if let (Value::Array(a), Value::Array(v)) = (cur, value) {
                        a.extend(v.iter().cloned());
                    }
                }
                _ => {
                    ctx.diags.push(
                        Diagnostic::error(codes::RESOURCE_EXTENSION, format!("cannot extend `{name}`: extending `{attr}` is not supported"))
                            .at_opt(ctx.key_span(&["resources", "extensions", name, attr]))
                            .help("supported: Properties, Metadata, DependsOn, Condition, CreationPolicy, DeletionPolicy, UpdatePolicy, UpdateReplacePolicy"),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn empty() -> Template {
        Template { resources: Map::new(), outputs: Map::new(), description: Value::Null, charged: 0, bytes: 0 }
    }

    /// The count before a REST API's tree is built: a path given again counts once, the
    /// number of distinct paths counts as their depth does, and a large real API is far below.
    #[test]
    fn rest_paths_are_counted_before_the_tree() {
        let t = empty();
        // One path a million times (a method each): one path's resources.
        assert_eq!(deep_path_over_budget(&t, std::iter::repeat_n("a/b/c", 1_000_000)), None);
        // 7,000 distinct paths of 20 segments: 140,000 resources, past the budget before the last.
        let many: Vec<String> = (0..7000).map(|i| format!("r{i}/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/s/t")).collect();
        let stop = deep_path_over_budget(&t, many.iter().map(String::as_str)).expect("over the budget");
        assert!((4000..7000).contains(&stop), "{stop}");
        // 2,000 distinct paths of 6 segments (an API far past CloudFormation's 500 resources).
        let api: Vec<String> = (0..2000).map(|i| format!("api/v1/orders/{{id}}/items/x{i}")).collect();
        assert_eq!(deep_path_over_budget(&t, api.iter().map(String::as_str)), None);
        // One very deep path: its prefixes' names grow with the square of its depth.
        let deep = "a/".repeat(10_000);
        assert_eq!(deep_path_over_budget(&t, [deep.as_str()]), Some(0));
    }
}
