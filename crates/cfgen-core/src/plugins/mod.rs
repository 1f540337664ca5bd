//! The plugin registry: what each Serverless plugin (by npm name) does to the template.
//!
//! Serverless v3 stops when a listed plugin is not installed; cfgen cannot run JavaScript, so it
//! must know each plugin's effect: template-neutral plugins (packaging, local runs, deploy-time
//! behaviour) are skipped with an info line; plugins that change the template and that cfgen
//! does not compile yet, and plugins it does not know, are errors at their line in `plugins:`
//! (unknown ones become warnings with `--allow-unknown-plugins`).

pub mod apigw_service_proxy;
pub mod aws_alerts;
pub mod cf_vars;
pub mod iam_roles_per_function;
pub mod lift;
pub mod logging_config;
pub mod step_functions;
mod step_functions_events;
mod step_functions_monitoring;
pub mod sub_variables;
pub mod warmup;

use cfgen_syntax::{codes, Diagnostic, Node, Severity, Value};

/// What cfgen knows about a plugin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// No effect on the template: packaging, local runs or deploy time only.
    Neutral(&'static str),
    /// Changes the template in a way cfgen does not compile yet.
    NotCompiled(&'static str),
    /// Changes the template; cfgen compiles it.
    Compiled(&'static str),
}

/// Every plugin cfgen knows, by npm name.
pub const KNOWN: &[(&str, Effect)] = &[
    ("serverless-offline", Effect::Neutral("runs the service locally")),
    ("serverless-webpack", Effect::Neutral("bundles code before packaging (zip contents only)")),
    ("serverless-esbuild", Effect::Neutral("bundles code before packaging (zip contents only)")),
    ("serverless-bundle", Effect::Neutral("bundles code before packaging (zip contents only)")),
    ("serverless-plugin-typescript", Effect::Neutral("compiles TypeScript before packaging (zip contents only)")),
    ("serverless-python-requirements", Effect::Neutral("adds Python dependencies to the zips (zip contents only)")),
    ("serverless-dotenv-plugin", Effect::Neutral("loads .env files into the environment of `serverless` commands")),
    ("serverless-localstack", Effect::Neutral("points deployments at LocalStack")),
    ("serverless-prune-plugin", Effect::Neutral("deletes old function versions after deploys")),
    ("serverless-export-outputs", Effect::Neutral("writes stack outputs to a local file after deploys")),
    ("serverless-export-env", Effect::Neutral("writes environment variables to a local file")),
    ("serverless-single-page-app-plugin", Effect::Neutral("adds a command that syncs a folder to S3")),
    ("serverless-wsgi", Effect::Neutral("adds the WSGI adapter to the zip (zip contents only)")),
    ("serverless-domain-manager", Effect::Neutral("creates custom domains through the AWS SDK at deploy time")),
    (
        "serverless-step-functions",
        Effect::Compiled("state machines, their roles, activities, alarms, notifications, schedule, cloudwatch and http events"),
    ),
    ("serverless-iam-roles-per-function", Effect::Compiled("one IAM role per function")),
    ("serverless-pseudo-parameters", Effect::Compiled("`#{AWS::Region}`-style values turned into Fn::Sub")),
    ("serverless-cloudformation-sub-variables", Effect::Compiled("`#{...}` values turned into Fn::Sub")),
    ("serverless-cf-vars", Effect::Compiled("`#{...}` values turned into Fn::Sub")),
    ("serverless-plugin-aws-alerts", Effect::Compiled("CloudWatch alarms and SNS topics")),
    (
        "serverless-lift",
        Effect::Compiled("every construct type (`queue`, `storage`, `webhook`, `database/dynamodb-single-table`, `static-website`, `single-page-app`, `server-side-website`, `vpc`) and `${construct:}` variables"),
    ),
    ("serverless-layers", Effect::NotCompiled("a dependencies layer attached to every function")),
    ("serverless-ruby-layer", Effect::NotCompiled("a Ruby gems layer")),
    ("serverless-apigw-binary", Effect::Neutral("sets binary media types through the AWS SDK after deploys")),
    ("serverless-apigateway-service-proxy", Effect::Compiled("API Gateway proxies to Kinesis, SQS, S3, SNS, DynamoDB and EventBridge")),
    ("serverless-logging-config", Effect::Compiled("advanced logging settings on every function")),
    ("serverless-plugin-warmup", Effect::Compiled("a warmer function per `custom.warmup` entry, its schedule and role")),
];

/// Check `plugins:` (a list of names, or `{localPath, modules}`): info lines for the neutral
/// plugins, errors for the rest.
pub fn check(config: &Node, allow_unknown: bool, diags: &mut Vec<Diagnostic>) {
    let Some(plugins) = config.get("plugins") else { return };
    if listed(Some(&plugins.to_json())).iter().any(|p| p == "serverless-plugin-aws-alerts") {
        // The plugin adds `alarms` to the function schema.
        let spans: Vec<cfgen_syntax::Span> = match config.get("functions").map(|f| &f.value) {
            Some(Value::Map(m)) => m.iter().filter_map(|(_, f)| f.as_map().and_then(|fm| fm.key_span("alarms"))).collect(),
            _ => Vec::new(),
        };
        diags.retain(|d| !(d.code == codes::UNKNOWN_KEY && d.span.is_some_and(|s| spans.contains(&s))));
    }
    let modules: Vec<&Node> = match &plugins.value {
        Value::Seq(items) => items.iter().collect(),
        Value::Map(m) => m.get("modules").and_then(Node::as_seq).map(|s| s.iter().collect()).unwrap_or_default(),
        Value::Null => return,
        _ => {
            diags.push(
                Diagnostic::error(codes::INVALID_TYPE, "`plugins` must be a list of plugin names or `{localPath, modules}`")
                    .at(plugins.span),
            );
            return;
        }
    };
    for m in modules {
        let Some(name) = m.as_str() else {
            diags.push(Diagnostic::error(codes::INVALID_TYPE, "a plugin is named by a string").at(m.span));
            continue;
        };
        let bare = name.rsplit_once('@').filter(|(n, _)| !n.is_empty()).map_or(name, |(n, _)| n);
        if bare == "@serverless/enterprise-plugin" {
            continue;
        }
        match KNOWN.iter().find(|(n, _)| *n == bare) {
            Some((_, Effect::Neutral(what))) => diags.push(
                Diagnostic::info(codes::UNKNOWN_PLUGIN, format!("plugin `{bare}` does not change the template ({what}); cfgen skips it"))
                    .at(m.span),
            ),
            Some((_, Effect::Compiled(_))) => {}
            Some((_, Effect::NotCompiled(what))) => diags.push(
                Diagnostic::error(
                    codes::UNKNOWN_PLUGIN,
                    format!("plugin `{bare}` changes the template ({what}), which cfgen does not compile yet"),
                )
                .at(m.span)
                .help("remove the plugin to build without it, or use `serverless package` for this service"),
            ),
            None => {
                let local = name.starts_with('.') || name.starts_with('/');
                let severity = if allow_unknown { Severity::Warning } else { Severity::Error };
                let what = if local { "a local plugin" } else { "a plugin cfgen does not know" };
                let mut d =
                    Diagnostic::new(codes::UNKNOWN_PLUGIN, severity, format!("`{name}` is {what}; its effect on the template is unknown"))
                        .at(m.span)
                        .label("unknown plugin");
                d = match cfgen_syntax::diagnostic::did_you_mean(bare, KNOWN.iter().map(|(n, _)| *n)) {
                    Some(s) => d.help(format!("did you mean `{s}`? (`--allow-unknown-plugins` builds without it)")),
                    None => d.help("`--allow-unknown-plugins` builds without it; `cfgen explain CFG409` lists the plugins cfgen knows"),
                };
                diags.push(d);
            }
        }
    }
}

/// The settings that belong to a plugin rather than to Serverless v3: at the top level, and
/// in a function. Serverless v3's schema knows them only when the plugin is loaded, and warns
/// about them otherwise; cfgen's schema always takes them, so this says what v3 would.
const PLUGIN_KEYS: &[(&str, &[&str], &str)] = &[
    ("top", &["stepFunctions"], "serverless-step-functions"),
    ("top", &["constructs", "lift"], "serverless-lift"),
    (
        "function",
        &["iamRoleStatements", "iamRoleStatementsInherit", "iamRoleStatementsName", "iamPermissionsBoundary"],
        "serverless-iam-roles-per-function",
    ),
    ("function", &["alarms"], "serverless-plugin-aws-alerts"),
    ("function", &["warmup"], "serverless-plugin-warmup"),
];

/// A setting of a plugin that `plugins:` does not list is ignored, by Serverless v3 (after a
/// schema warning) and by cfgen: a warning at its key (`severity`: the schema check's, an
/// error under `configValidationMode: error`), naming the plugin to add.
pub fn unlisted_plugin_keys(config: &Node, severity: Severity, diags: &mut Vec<Diagnostic>) {
    let Some(root) = config.as_map() else { return };
    let listed = listed(config.get("plugins").map(Node::to_json).as_ref());
    let mut report = |span: cfgen_syntax::Span, key: &str, place: &str, plugin: &str| {
        diags.push(
            Diagnostic::new(
                codes::UNKNOWN_KEY,
                severity,
                format!("`{key}`{place} is a setting of the plugin `{plugin}`, which `plugins:` does not list; it is ignored"),
            )
            .at(span)
            .label("no plugin reads it")
            .help(format!("add `{plugin}` to `plugins:`, or remove `{key}`")),
        );
    };
    // In the order of the document.
    let owner = |level: &str, key: &str| {
        PLUGIN_KEYS
            .iter()
            .find(|(l, keys, _)| *l == level && keys.contains(&key))
            .map(|(_, _, plugin)| *plugin)
            .filter(|plugin| !listed.iter().any(|p| p == plugin))
    };
    for (key, span, value) in root.iter_spanned() {
        if let Some(plugin) = owner("top", key) {
            report(span, key, "", plugin);
        }
        if key != "functions" {
            continue;
        }
        for (name, f) in value.as_map().into_iter().flat_map(|m| m.iter()) {
            for (key, span, _) in f.as_map().into_iter().flat_map(|m| m.iter_spanned()) {
                if let Some(plugin) = owner("function", key) {
                    report(span, key, &format!(" in `functions.{name}`"), plugin);
                }
            }
        }
    }
}

/// The span of `path` in `node`, else of the nearest part of it that exists.
pub(crate) fn span_at(node: &Node, path: &[&str]) -> cfgen_syntax::Span {
    let mut n = path.len();
    loop {
        if let Some(x) = node.pointer(path[..n].iter().copied()) {
            return x.span;
        }
        if n == 0 {
            return node.span;
        }
        n -= 1;
    }
}

/// A plugin adds function `name`: `_.merge(service.functions, {[name]: config})` when `merge`
/// (serverless-lift), `service.functions[name] = config` otherwise (a new key goes last, an
/// existing one is replaced where it is). `functions` given as a list gets one more item.
pub(crate) fn add_function(root: &mut Node, name: &str, config: Node, span: cfgen_syntax::Span, merge: bool) {
    let Some(top) = root.as_map_mut() else { return };
    if !matches!(top.get("functions").map(|n| &n.value), Some(Value::Map(_) | Value::Seq(_))) {
        top.insert("functions".into(), span, Node::new(span, Value::Map(Default::default())));
    }
    let Some(functions) = top.get_mut("functions") else { return };
    if let Value::Seq(items) = &mut functions.value {
        let mut m = cfgen_syntax::node::Map::new();
        m.insert(name.to_string(), span, config);
        items.push(Node::new(span, Value::Map(m)));
        return;
    }
    let Some(m) = functions.as_map_mut() else { return };
    match m.get_mut(name) {
        Some(existing) if merge => lift::merge_node(existing, config),
        Some(existing) => *existing = config,
        None => m.insert(name.to_string(), span, config),
    }
}

/// The names of the listed plugins (versions and `@serverless/enterprise-plugin` left out).
pub fn listed(plugins: Option<&serde_json::Value>) -> Vec<String> {
    let items = match plugins {
        Some(serde_json::Value::Array(a)) => a.clone(),
        Some(serde_json::Value::Object(o)) => o.get("modules").and_then(|m| m.as_array()).cloned().unwrap_or_default(),
        _ => Vec::new(),
    };
    items
        .iter()
        .filter_map(|v| v.as_str())
        .map(|n| n.rsplit_once('@').filter(|(b, _)| !b.is_empty()).map_or(n, |(b, _)| b).to_string())
        .collect()
}

/// serverless-pseudo-parameters 2.6.1 (`after:aws:package:finalize:mergeCustomProviderResources`):
/// every string holding `#{X}` becomes `{"Fn::Sub": "...${X}..."}` (rewritten in place when
/// its key is `Fn::Sub`), `#@{X}` becomes a literal `#{X}`, and with
/// `custom.pseudoParameters.skipRegionReplace: false` the first region name in a string
/// becomes `#{AWS::Region}` first. `allowReferences: false` limits it to `#{AWS::...}`.
pub fn pseudo_parameters(template: &mut serde_json::Value, custom: Option<&serde_json::Value>) {
    let setting = |k: &str| custom.and_then(|c| c.pointer(&format!("/pseudoParameters/{k}"))).cloned();
    let skip_region_replace = setting("skipRegionReplace").is_none_or(|v| cfgen_model::coerce::truthy(&v));
    let allow_references = setting("allowReferences").is_none_or(|v| cfgen_model::coerce::truthy(&v));
    if let serde_json::Value::Object(m) = template {
        for (_, v) in m.iter_mut() {
            replace_children(v, skip_region_replace, allow_references);
        }
    }
}

const PSEUDO_REGIONS: [&str; 15] = [
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ca-central-1",
    "eu-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

fn replace_children(node: &mut serde_json::Value, skip_region_replace: bool, allow_references: bool) {
    use serde_json::Value as J;
    let visit = |key: Option<&str>, slot: &mut J| {
        let mut value = slot.clone();
        if let J::String(s) = &value {
            if !skip_region_replace {
                // The first (leftmost) region name, as JavaScript's non-global `replace` does.
                if let Some((at, r)) =
                    PSEUDO_REGIONS.iter().filter_map(|r| s.find(r).map(|i| (i, *r))).min_by_key(|(i, r)| (*i, std::cmp::Reverse(r.len())))
                {
                    value = J::String(format!("{}#{{AWS::Region}}{}", &s[..at], &s[at + r.len()..]));
                }
            }
        }
        if let J::String(s) = &value {
            if let Some(replaced) = replace_references(s, allow_references) {
                *slot = if key == Some("Fn::Sub") { J::String(replaced) } else { crate::json::json!({"Fn::Sub": replaced}) };
            }
            if s.contains("#@{") {
                *slot = J::String(unescape(s));
            }
        }
        if value.is_object() || value.is_array() {
            replace_children(&mut value, skip_region_replace, allow_references);
            *slot = value;
        }
    };
    match node {
        J::Object(m) => {
            for (k, v) in m.iter_mut() {
                visit(Some(k.as_str()), v);
            }
        }
        J::Array(a) => {
            for v in a.iter_mut() {
                visit(None, v);
            }
        }
        _ => {}
    }
}

/// A plugin's text of a setting: a scalar as JavaScript prints it, anything else as JSON.
pub(crate) fn scalar_or_json(v: &serde_json::Value) -> String {
    cfgen_model::coerce::scalar_string(v).unwrap_or_else(|| v.to_string())
}

/// `s.replace(/#{([^}]+)}/g, '${$1}')` (or only `#{AWS::[a-zA-Z]+}`); `None` when nothing matches.
pub(crate) fn replace_references(s: &str, allow_references: bool) -> Option<String> {
    let mut out = String::new();
    let mut rest = s;
    let mut found = false;
    while let Some(i) = rest.find("#{") {
        let after = &rest[i + 2..];
        let end = after.find('}');
        let ok = match end {
            Some(j) if j > 0 => {
                let inner = &after[..j];
                allow_references || inner.strip_prefix("AWS::").is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphabetic()))
            }
            _ => false,
        };
        if ok {
            let j = end.unwrap_or(0);
            out.push_str(&rest[..i]);
            out.push_str("${");
            out.push_str(&after[..j]);
            out.push('}');
            rest = &after[j + 1..];
            found = true;
        } else {
            out.push_str(&rest[..i + 2]);
            rest = after;
        }
    }
    out.push_str(rest);
    found.then_some(out)
}

/// `s.replace(/#@{([^}]+)}/g, '#{$1}')`.
fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("#@{") {
        let after = &rest[i + 3..];
        match after.find('}') {
            Some(j) if j > 0 => {
                out.push_str(&rest[..i]);
                out.push_str("#{");
                out.push_str(&after[..=j]);
                rest = &after[j + 1..];
            }
            _ => {
                out.push_str(&rest[..i + 3]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn pseudo_parameters_become_fn_sub() {
        let mut t = json!({"Resources": {"A": {"Properties": {
            "Arn": "arn:aws:sqs:#{AWS::Region}:#{AWS::AccountId}:q",
            "Sub": {"Fn::Sub": "x-#{AWS::Region}"},
            "Esc": "#@{keep}",
            "Plain": "nothing"
        }}}});
        pseudo_parameters(&mut t, None);
        assert_eq!(
            t["Resources"]["A"]["Properties"],
            json!({"Arn": {"Fn::Sub": "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:q"}, "Sub": {"Fn::Sub": "x-${AWS::Region}"}, "Esc": "#{keep}", "Plain": "nothing"})
        );
    }
}
