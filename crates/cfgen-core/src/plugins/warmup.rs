//! serverless-plugin-warmup 8.4.1 (`after:package:initialize`): each warmer of
//! `custom.warmup` that has functions to warm becomes a function `warmUpPlugin<Name>` (Node.js,
//! run by its `events`, a schedule every 5 minutes by default) whose handler the plugin writes
//! to `<folderName>/index.mjs`, packaged on its own, with an IAM role
//! `WarmUpPlugin<Name>Role` in `resources.Resources` unless the warmer names a `role`.
//!
//! A function is warmed by a warmer when its `enabled` (the function's
//! `warmup.<warmer>.enabled`, else the warmer's, else false) is `true`, `'true'`, the stage, or
//! a list holding the stage. The plugin runs after Serverless' schema check, so what it adds is
//! not checked by it; what the plugin's own schema says of `custom.warmup` and of a function's
//! `warmup` is (unknown keys are warnings, errors under `configValidationMode: error`).
//!
//! The warmer's handler is generated here as the plugin writes it (the vendored template in
//! `vendor/serverless-plugin-warmup`) and handed to the artifacts as a file of the service
//! (Serverless zips it with every artifact whose patterns take it, as it is on disk then).

use super::span_at;
use crate::emit;
use crate::events::api_gateway::js_string;
use crate::naming;
use cfgen_model::coerce::truthy;
use cfgen_syntax::node::Map as NodeMap;
use cfgen_syntax::{codes, Diagnostic, Node, Severity, Span, Value as NodeValue};
use serde_json::{json, Value};

pub const PLUGIN: &str = "serverless-plugin-warmup";

/// The plugin's handler, with `{region}`, `{functions}` and `{log}` left open.
const HANDLER: &str = include_str!("../../vendor/serverless-plugin-warmup/index.mjs.template");

/// The settings of a warmer (`custom.warmup.<warmer>`), as the plugin's schema lists them.
const WARMER_KEYS: &[&str] = &[
    "folderName",
    "cleanFolder",
    "name",
    "roleName",
    "role",
    "tags",
    "vpc",
    "events",
    "architecture",
    "package",
    "memorySize",
    "timeout",
    "environment",
    "tracing",
    "verbose",
    "logRetentionInDays",
    "prewarm",
];
/// The settings a function gives per warmer (`functions.<f>.warmup.<warmer>`); a warmer takes
/// them too, as the defaults of its functions.
const FUNCTION_KEYS: &[&str] = &["enabled", "alias", "clientContext", "payload", "payloadRaw", "concurrency"];

/// What the warmers add that the configuration cannot say: the generated handlers, and the
/// provider's environment variables each warmer function leaves out.
#[derive(Debug, Default)]
pub struct Warmup {
    /// `(path, bytes)` of each warmer's `index.mjs`.
    pub files: Vec<(String, Vec<u8>)>,
    /// `(function key, provider variables it leaves out)`: a warmer without `environment`
    /// sets each of the provider's variables to `undefined`, which the template leaves out.
    pub unset_environment: Vec<(String, Vec<String>)>,
}

/// One function to warm: its deployed name and its settings for this warmer, as the plugin
/// holds them (`payload` and `clientContext` already as JSON text).
struct Target {
    name: Value,
    config: serde_json::Map<String, Value>,
}

/// `path.join` of Node's posix path module, for the relative paths the plugin joins.
fn join(parts: &[&str]) -> String {
    let mut out: Vec<&str> = Vec::new();
    let mut ups = 0usize;
    for seg in parts.iter().flat_map(|p| p.split('/')) {
        match seg {
            "" | "." => {}
            ".." => {
                if out.pop().is_none() {
                    ups += 1;
                }
            }
            s => out.push(s),
        }
    }
    let mut all: Vec<&str> = std::iter::repeat_n("..", ups).collect();
    all.extend(out);
    if all.is_empty() {
        ".".into()
    } else {
        all.join("/")
    }
}

/// JavaScript's `JSON.stringify` of a configuration value (compact), as text.
fn stringify(v: &Value) -> Value {
    Value::String(emit::to_json_compact(v))
}

/// The plugin's `getFunctionConfig(config, defaults)`.
fn function_config(config: Option<&Value>, defaults: &serde_json::Map<String, Value>) -> serde_json::Map<String, Value> {
    let get = |k: &str| config.and_then(|c| c.get(k));
    let mut out = serde_json::Map::new();
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            out.insert(k.into(), v);
        }
    };
    put("enabled", get("enabled").or_else(|| defaults.get("enabled")).cloned());
    put("alias", get("alias").or_else(|| defaults.get("alias")).cloned());
    // `config.clientContext && JSON.stringify(config.clientContext)`.
    put(
        "clientContext",
        match get("clientContext") {
            Some(c) if truthy(c) => Some(stringify(c)),
            Some(c) => Some(c.clone()),
            None => defaults.get("clientContext").cloned(),
        },
    );
    put(
        "payload",
        match get("payload") {
            Some(p) if get("payloadRaw").is_some_and(truthy) => Some(p.clone()),
            Some(p) => Some(stringify(p)),
            None => defaults.get("payload").cloned(),
        },
    );
    put("concurrency", get("concurrency").or_else(|| defaults.get("concurrency")).cloned());
    out
}

/// The coercions of Serverless' schema check (AJV, `coerceTypes: 'array'`) under the plugin's
/// schema, which the plugin then reads: booleans from `"true"`/`"false"`, `1`/`0` and null
/// (`enabled` first tries its boolean branch), integers and numbers from their text.
fn coerce(settings: &mut Value) {
    let Value::Object(m) = settings else { return };
    for (k, v) in m.iter_mut() {
        match k.as_str() {
            "enabled" | "cleanFolder" | "verbose" | "prewarm" | "payloadRaw" => {
                let b = match &*v {
                    Value::String(s) if s == "true" => Some(true),
                    Value::String(s) if s == "false" => Some(false),
                    Value::Number(n) if n.as_f64() == Some(1.0) => Some(true),
                    Value::Number(n) if n.as_f64() == Some(0.0) => Some(false),
                    Value::Null => Some(false),
                    _ => None,
                };
                if let Some(b) = b {
                    *v = Value::Bool(b);
                }
            }
            "concurrency" | "memorySize" | "timeout" => {
                let n = match &*v {
                    Value::String(s) => s.trim().parse::<i64>().ok(),
                    Value::Bool(b) => Some(i64::from(*b)),
                    _ => None,
                };
                if let Some(n) = n {
                    *v = json!(n);
                }
            }
            _ => {}
        }
    }
}

/// A function's deployed name as the plugin reads it: `name`, which Serverless sets to
/// `<service>-<stage>-<key>` when it is not given.
fn deployed_name(f: &Node, service: &str, stage: &str, key: &str) -> Value {
    f.get("name").map(Node::to_json).filter(truthy).unwrap_or_else(|| json!(naming::function_name(service, stage, key)))
}

fn is_enabled(enabled: Option<&Value>, stage: &str) -> bool {
    match enabled {
        Some(Value::Bool(true)) => true,
        Some(Value::String(s)) => s == "true" || s == stage,
        Some(Value::Array(a)) => a.iter().any(|x| x.as_str() == Some(stage)),
        _ => false,
    }
}

/// Unknown keys of a warmer, as the plugin's schema (`additionalProperties: false`) reports
/// them through Serverless (a function's settings per warmer are checked with the function).
fn check_keys(node: &Node, place: &str, severity: Severity, diags: &mut Vec<Diagnostic>) {
    let Some(m) = node.as_map() else {
        diags.push(
            Diagnostic::new(codes::INVALID_TYPE, severity, format!("{place} must be a mapping, not {}", node.type_name()))
                .at(node.span)
                .help(format!("{PLUGIN} reads its settings from a mapping")),
        );
        return;
    };
    let all = || WARMER_KEYS.iter().chain(FUNCTION_KEYS).copied();
    for (k, span, _) in m.iter_spanned() {
        if all().any(|a| a == k) {
            continue;
        }
        let mut d = Diagnostic::new(codes::UNKNOWN_KEY, severity, format!("unknown key `{k}` in {place}"))
            .at(span)
            .label(format!("not a setting of {PLUGIN}"));
        if let Some(s) = cfgen_syntax::diagnostic::did_you_mean(k, all()) {
            d = d.help(format!("did you mean `{s}`?"));
        }
        diags.push(d);
    }
}

/// The functions of the configuration in order (`functions` as a mapping, or as a list of
/// mappings that Serverless merges).
fn functions(root: &Node) -> Vec<(String, Node)> {
    let mut out: indexmap::IndexMap<String, Node> = indexmap::IndexMap::new();
    let mut add = |m: &NodeMap| {
        for (k, v) in m.iter() {
            out.insert(k.clone(), v.clone());
        }
    };
    match root.get("functions").map(|f| &f.value) {
        Some(NodeValue::Map(m)) => add(m),
        Some(NodeValue::Seq(items)) => items.iter().filter_map(Node::as_map).for_each(add),
        _ => {}
    }
    // Serverless drops functions given as null before any plugin runs.
    out.into_iter().filter(|(_, f)| !matches!(f.value, NodeValue::Null)).collect()
}

/// Add the warmers of `custom.warmup` to `root` (functions and roles). `None` when an error
/// stops the build (a function's settings for a warmer that does not exist, a traced warmer).
pub fn expand(root: &mut Node, stage: &str, region: &str, severity: Severity, diags: &mut Vec<Diagnostic>) -> Option<Warmup> {
    let mut out = Warmup::default();
    let warmers: Vec<(String, Node)> = match root.pointer(["custom", "warmup"]).map(|n| &n.value) {
        Some(NodeValue::Map(m)) => m.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        Some(NodeValue::Null) | None => Vec::new(),
        Some(_) => {
            let n = root.pointer(["custom", "warmup"]).expect("matched");
            diags.push(
                Diagnostic::new(
                    codes::INVALID_TYPE,
                    severity,
                    format!("`custom.warmup` must be a mapping of warmers, not {}", n.type_name()),
                )
                .at(n.span)
                .help("e.g. `custom.warmup.default: {enabled: true}`"),
            );
            Vec::new()
        }
    };
    let service = root.get("service").and_then(Node::as_str).unwrap_or_default().to_string();
    for (name, w) in &warmers {
        check_keys(w, &format!("`custom.warmup.{name}`"), severity, diags);
    }
    let fns = functions(root);
    let warmer_names: Vec<&str> = warmers.iter().map(|(n, _)| n.as_str()).collect();
    let declared: std::collections::HashSet<&str> = warmer_names.iter().copied().collect();
    let mut stop = false;
    for (key, f) in &fns {
        let Some(w) = f.get("warmup") else { continue };
        // Its shape is checked with the function's (`cfgen_model::WarmupFunctionSettings`).
        let Some(m) = w.as_map() else { continue };
        let unknown: Vec<(&String, Span)> =
            m.iter_spanned().filter(|(k, _, _)| !declared.contains(k.as_str())).map(|(k, s, _)| (k, s)).collect();
        if let Some((_, span)) = unknown.first() {
            let list: Vec<&str> = unknown.iter().map(|(k, _)| k.as_str()).collect();
            let fname = js_string(&deployed_name(f, &service, stage, key));
            let mut d = Diagnostic::error(
                codes::INVALID_VALUE,
                format!(
                    "WarmUp: Invalid function-level warmup configuration ({}) in function {fname}. Every warmer should be declared in the custom section.",
                    list.join(", ")
                ),
            )
            .at(*span)
            .label("no such warmer in `custom.warmup`");
            if let Some(s) = cfgen_syntax::diagnostic::did_you_mean(list[0], warmer_names.iter().copied()) {
                d = d.help(format!("did you mean `{s}`?"));
            }
            diags.push(d);
            stop = true;
        }
    }
    let provider_env: Vec<String> = match root.pointer(["provider", "environment"]).map(|n| &n.value) {
        Some(NodeValue::Map(m)) => m.iter().map(|(k, _)| k.clone()).collect(),
        _ => Vec::new(),
    };
    let function_defaults: serde_json::Map<String, Value> =
        [("enabled", json!(false)), ("payload", json!(r#"{"source":"serverless-plugin-warmup"}"#)), ("concurrency", json!(1))]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
    // What the warmers add grows with warmers times functions (each handler and role lists
    // every function it warms): charged against the template's budget before it is made.
    let mut charged = 0usize;
    for (warmer, w_node) in &warmers {
        let mut w = w_node.to_json();
        coerce(&mut w);
        let w_span = root.pointer(["custom", "warmup"]).and_then(Node::as_map).and_then(|m| m.key_span(warmer)).unwrap_or(w_node.span);
        let defaults = function_config(Some(&w), &function_defaults);
        // A function warmed costs 1.5 to 2 KB at the peak (golden/err/hostile/warmup-multiplied:
        // 336 MiB for 192,000): its settings, its line in the handler's text and zip, its
        // statement in the role as JSON and as a node. The look at every function is charged
        // too, so that many warmers warming nothing stop as well.
        let mut targets: Vec<Target> = Vec::new();
        for (key, f) in &fns {
            charged += 64;
            let mut own = f.get("warmup").and_then(|o| o.get(warmer)).map(Node::to_json);
            if let Some(o) = own.as_mut() {
                coerce(o);
            }
            let enabled = own.as_ref().and_then(|o| o.get("enabled")).or_else(|| defaults.get("enabled"));
            if is_enabled(enabled, stage) {
                let name = deployed_name(f, &service, stage, key);
                charged += 1500 + 3 * js_string(&name).len();
                targets.push(Target { name, config: function_config(own.as_ref(), &defaults) });
            }
            if charged > crate::compile::MAX_TEMPLATE_HEAP {
                diags.push(crate::compile::over_budget(&format!("in serverless-plugin-warmup's warmer `{warmer}`")).at(w_span));
                return None;
            }
        }
        if targets.is_empty() {
            diags.push(
                Diagnostic::warning(
                    codes::INVALID_VALUE,
                    format!("WarmUp: Skipping warmer \"{warmer}\" creation. No functions to warm up (at stage `{stage}`)."),
                )
                .at(w_span)
                .label("warms no function")
                .help("a function is warmed when its `enabled` (its own `warmup.<warmer>.enabled`, else the warmer's) is true, the stage, or a list holding the stage"),
            );
            continue;
        }
        if w.get("tracing").is_some_and(truthy) {
            diags.push(
                Diagnostic::error(
                    codes::NOT_IMPLEMENTED,
                    format!("warmer `{warmer}` has `tracing`, for which {PLUGIN} runs `npm install aws-xray-sdk-core` into its handler's folder; cfgen installs no packages"),
                )
                .at(span_at(root, &["custom", "warmup", warmer, "tracing"]))
                .help("remove `tracing` from the warmer, or use `serverless package` for this service"),
            );
            stop = true;
            continue;
        }
        let folder = match w.get("folderName") {
            Some(Value::String(s)) => s.clone(),
            _ => join(&[".warmup", warmer]),
        };
        let verbose = w.get("verbose").is_none_or(truthy);
        let handler_path = join(&[&folder, "index.mjs"]);
        out.files.push((handler_path, handler(region, &targets, verbose).into_bytes()));

        let function_name = match w.get("name") {
            Some(n) => n.clone(),
            None => json!(naming::warmer_function_name(&service, stage, warmer)),
        };
        let mut role = w.get("role").cloned();
        if role.is_none() {
            let role_id = naming::warmer_role(warmer);
            add_resource(root, &role_id, role_resource(&service, stage, warmer, &w, &function_name, &targets), w_span);
            role = Some(json!(role_id));
        }
        // The function, keys in the plugin's order.
        let node_at = |k: &str| w_node.get(k).cloned();
        let mut f = NodeMap::new();
        let put = |f: &mut NodeMap, k: &str, v: Node| f.insert(k.to_string(), w_span, v);
        let made = |v: Value| Node::from_json(&v, w_span);
        put(&mut f, "description", made(json!(format!("Serverless WarmUp Plugin (warmer \"{warmer}\")"))));
        let events = match w_node.get("events") {
            Some(e) if matches!(e.value, NodeValue::Seq(_)) => e.clone(),
            _ => made(json!([{"schedule": "rate(5 minutes)"}])),
        };
        put(&mut f, "events", events);
        put(&mut f, "handler", made(json!(join(&[&folder, "index.warmUp"]))));
        put(&mut f, "memorySize", node_at("memorySize").unwrap_or_else(|| made(json!(128))));
        put(&mut f, "name", node_at("name").unwrap_or_else(|| made(function_name.clone())));
        if let Some(a) = node_at("architecture").filter(|a| truthy(&a.to_json())) {
            put(&mut f, "architecture", a);
        }
        put(&mut f, "runtime", made(json!("nodejs24.x")));
        let mut pkg = package(w.get("package"), &folder);
        let service_individually = root.pointer(["package", "individually"]).is_some_and(|n| truthy(&n.to_json()));
        if !service_individually && !pkg.get("individually").is_some_and(truthy) {
            // Packaged with the service, where a function's patterns are not read (cfgen would
            // warn about patterns the user never wrote).
            if let Some(m) = pkg.as_object_mut() {
                m.remove("patterns");
            }
        }
        put(&mut f, "package", made(pkg));
        put(&mut f, "timeout", node_at("timeout").unwrap_or_else(|| made(json!(10))));
        let fn_key = naming::warmer_function(warmer);
        match node_at("environment") {
            // `Object.keys(environment).length ? {environment} : {}`.
            Some(e) if matches!(&e.value, NodeValue::Map(m) if m.is_empty()) => {}
            Some(e) => put(&mut f, "environment", e),
            None if !provider_env.is_empty() => {
                // Every provider variable set to `undefined`: the function has an
                // environment, and the template none of the provider's variables.
                put(&mut f, "environment", made(json!({})));
                out.unset_environment.push((fn_key.clone(), provider_env.clone()));
            }
            None => {}
        }
        for k in ["tracing", "logRetentionInDays"] {
            if let Some(v) = node_at(k) {
                put(&mut f, k, v);
            }
        }
        if let Some(r) = role.filter(truthy) {
            put(&mut f, "role", node_at("role").unwrap_or_else(|| made(r)));
        }
        if let Some(t) = node_at("tags").filter(|t| truthy(&t.to_json())) {
            put(&mut f, "tags", t);
        }
        match w.get("vpc") {
            Some(Value::Bool(false)) => put(&mut f, "vpc", made(json!({"securityGroupIds": [], "subnetIds": []}))),
            Some(v) if truthy(v) => put(&mut f, "vpc", node_at("vpc").expect("present")),
            _ => {}
        }
        put(&mut f, "layers", made(json!([])));
        super::add_function(root, &fn_key, Node::new(w_span, NodeValue::Map(f)), w_span, false);
    }
    (!stop).then_some(out)
}

/// What the configuration could not say: each warmer function leaves the provider's
/// environment variables out.
pub fn finish(w: &Warmup, pre: &mut crate::validate::Prepared) {
    for (key, unset) in &w.unset_environment {
        if let Some((_, f)) = pre.functions.iter_mut().find(|(k, _)| k == key) {
            f.environment_unset = unset.clone();
        }
    }
}

/// The plugin's `package` of a warmer function: only its own folder.
fn package(given: Option<&Value>, folder: &str) -> Value {
    let own = join(&[folder, "**"]);
    let mut patterns = vec![json!("!**")];
    let individually = match given {
        Some(p @ Value::Object(_)) => {
            match p.get("patterns") {
                Some(Value::Array(a)) => {
                    patterns.extend(a.iter().cloned());
                    if !a.iter().any(|x| x.as_str() == Some(own.as_str())) {
                        patterns.push(json!(own));
                    }
                }
                _ => patterns.push(json!(own)),
            }
            p.get("individually").cloned().unwrap_or(json!(true))
        }
        _ => {
            patterns.push(json!(own));
            json!(true)
        }
    };
    json!({"individually": individually, "patterns": patterns})
}

/// The warmer's handler, as the plugin writes it.
fn handler(region: &str, targets: &[Target], verbose: bool) -> String {
    let list = Value::Array(targets.iter().map(|t| json!({"name": t.name, "config": t.config})).collect());
    // `JSON.stringify(functions, null, '  ')`: the template's writer, without its final newline.
    let text = emit::to_json(&list);
    HANDLER.replacen("{region}", region, 1).replacen("{functions}", text.trim_end_matches('\n'), 1).replacen(
        "{log}",
        if verbose { "console.log(str);" } else { "" },
        1,
    )
}

/// `WarmUpPlugin<Name>Role`: logs of the warmer, invoking the warmed functions, and the
/// network interfaces a warmer in a VPC needs.
fn role_resource(service: &str, stage: &str, warmer: &str, w: &Value, function_name: &Value, targets: &[Target]) -> Value {
    let lower = warmer.to_lowercase();
    let fname = js_string(function_name);
    let role_name = match w.get("roleName").filter(|r| truthy(r)) {
        Some(r) => r.clone(),
        None => json!({"Fn::Join": ["-", [service, stage, {"Ref": "AWS::Region"}, lower, "role"]]}),
    };
    let arn = |tail: String| json!({"Fn::Sub": format!("arn:${{AWS::Partition}}:{tail}")});
    let invoke: Vec<Value> =
        targets.iter().map(|t| arn(format!("lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:{}*", js_string(&t.name)))).collect();
    json!({
        "Type": "AWS::IAM::Role",
        "Properties": {
            "Path": "/",
            "RoleName": role_name,
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": {"Service": ["lambda.amazonaws.com"]}, "Action": "sts:AssumeRole"}]
            },
            "Policies": [{
                "PolicyName": {"Fn::Join": ["-", [service, stage, "warmer", lower, "policy"]]},
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream"],
                         "Resource": [arn(format!("logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:/aws/lambda/{fname}:*"))]},
                        {"Effect": "Allow", "Action": ["logs:PutLogEvents"],
                         "Resource": [arn(format!("logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:/aws/lambda/{fname}:*:*"))]},
                        {"Effect": "Allow", "Action": ["lambda:InvokeFunction"], "Resource": invoke},
                        {"Effect": "Allow",
                         "Action": ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DetachNetworkInterface", "ec2:DeleteNetworkInterface"],
                         "Resource": "*"}
                    ]
                }
            }]
        }
    })
}

/// `service.resources.Resources[id] = resource`.
fn add_resource(root: &mut Node, id: &str, resource: Value, span: Span) {
    let Some(top) = root.as_map_mut() else { return };
    let node = Node::from_json(&resource, span);
    if let Some(NodeValue::Seq(items)) = top.get_mut("resources").map(|r| &mut r.value) {
        let mut inner = NodeMap::new();
        inner.insert(id.to_string(), span, node);
        let mut m = NodeMap::new();
        m.insert("Resources".into(), span, Node::new(span, NodeValue::Map(inner)));
        items.push(Node::new(span, NodeValue::Map(m)));
        return;
    }
    if !matches!(top.get("resources").map(|n| &n.value), Some(NodeValue::Map(_))) {
        top.insert("resources".into(), span, Node::new(span, NodeValue::Map(NodeMap::new())));
    }
    let Some(resources) = top.get_mut("resources").and_then(Node::as_map_mut) else { return };
    if !matches!(resources.get("Resources").map(|n| &n.value), Some(NodeValue::Map(_))) {
        resources.insert("Resources".into(), span, Node::new(span, NodeValue::Map(NodeMap::new())));
    }
    let Some(list) = resources.get_mut("Resources").and_then(Node::as_map_mut) else { return };
    match list.get_mut(id) {
        Some(existing) => *existing = node,
        None => list.insert(id.to_string(), span, node),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_join_as_node_does() {
        assert_eq!(join(&[".warmup", "default"]), ".warmup/default");
        assert_eq!(join(&["./custom/", "index.warmUp"]), "custom/index.warmUp");
        assert_eq!(join(&["a/../../b", "**"]), "../b/**");
        assert_eq!(join(&["", ""]), ".");
    }

    #[test]
    fn enabled_is_true_the_stage_or_a_list_holding_it() {
        for (v, want) in [
            (json!(true), true),
            (json!("true"), true),
            (json!("dev"), true),
            (json!(["prod", "dev"]), true),
            (json!("prod"), false),
            (json!(false), false),
            (json!(1), false),
            (json!(["prod"]), false),
        ] {
            assert_eq!(is_enabled(Some(&v), "dev"), want, "{v}");
        }
        assert!(!is_enabled(None, "dev"));
    }

    #[test]
    fn payloads_are_json_text_unless_raw() {
        let defaults = function_config(None, &serde_json::Map::new());
        let c = function_config(Some(&json!({"payload": {"a": 1}, "clientContext": false})), &defaults);
        assert_eq!(c.get("payload"), Some(&json!(r#"{"a":1}"#)));
        assert_eq!(c.get("clientContext"), Some(&json!(false)));
        let c = function_config(Some(&json!({"payload": "{\"raw\":1}", "payloadRaw": true})), &defaults);
        assert_eq!(c.get("payload"), Some(&json!("{\"raw\":1}")));
        assert_eq!(c.get("alias"), None, "undefined keys stay out");
    }
}
