//! Service quotas and naming rules that CloudFormation, Lambda, IAM, CloudWatch Logs, API Gateway
//! and EventBridge enforce at deploy time, checked on the emitted template. Literal values only:
//! a value computed by an intrinsic function is known only at deploy time.

use super::provenance::{Origin, Provenance};
use super::{finding, CheckOptions};
use cfgen_syntax::{codes, Diagnostic, Node, Severity, Span};
use serde_json::Value;
use std::collections::BTreeMap;

type Found = Vec<(Diagnostic, Option<Span>)>;

/// CloudFormation's quotas for one stack.
pub const MAX_RESOURCES: usize = 500;
pub const MAX_OUTPUTS: usize = 200;
pub const MAX_PARAMETERS: usize = 200;
pub const MAX_MAPPINGS: usize = 200;
/// A template body passed inline; bigger ones must be uploaded to S3 (Serverless always does).
pub const MAX_INLINE_BODY: usize = 51_200;
/// A template body read from S3.
pub const MAX_S3_BODY: usize = 1_000_000;
pub const MAX_LOGICAL_ID: usize = 255;

/// Lambda.
pub const MAX_FUNCTION_NAME: usize = 64;
pub const MEMORY: (i64, i64) = (128, 10_240);
pub const MAX_TIMEOUT: i64 = 900;
/// The longest an API Gateway integration (REST 29 s by default, HTTP API 30 s) waits.
pub const API_TIMEOUT: i64 = 30;
pub const MAX_ENVIRONMENT_BYTES: usize = 4 * 1024;
pub const MAX_LAYERS: usize = 5;
pub const EPHEMERAL_STORAGE: (i64, i64) = (512, 10_240);
pub const MAX_ROLE_NAME: usize = 64;
/// CloudWatch Logs' retention choices (days).
pub const LOG_RETENTION_DAYS: &[i64] =
    &[1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

pub fn check(template: &Value, node: &Node, prov: &Provenance, opts: &CheckOptions, found: &mut Found) {
    let resources = template.get("Resources").and_then(Value::as_object);
    if !opts.no_limit_checks {
        stack(template, node, prov, found);
    }
    logical_ids(template, prov, found);
    let Some(resources) = resources else { return };
    let api_functions = api_targets(resources);
    for (id, res) in resources {
        let props = res.get("Properties");
        let prop = |k: &str| props.and_then(|p| p.get(k));
        let at = |path: &[&str]| prov.resource(id, res, path);
        match res.get("Type").and_then(Value::as_str).unwrap_or_default() {
            "AWS::Lambda::Function" => lambda(id, res, prov, &api_functions, found),
            "AWS::IAM::Role" => {
                if let Some(n) = prop("RoleName").and_then(Value::as_str).filter(|n| n.chars().count() > MAX_ROLE_NAME) {
                    found.push(finding(
                        codes::NAME_LIMIT,
                        Severity::Error,
                        format!(
                            "the IAM role name `{n}` of `{id}` is {} characters; IAM allows at most {MAX_ROLE_NAME}",
                            n.chars().count()
                        ),
                        at(&["RoleName"]),
                    ));
                }
            }
            "AWS::Logs::LogGroup" => {
                if let Some(days) = prop("RetentionInDays").and_then(number) {
                    if !LOG_RETENTION_DAYS.contains(&days) {
                        let near = LOG_RETENTION_DAYS.iter().min_by_key(|d| (*d - days).abs()).copied().unwrap_or(1);
                        let (d, x) = finding(
                            codes::LOG_RETENTION,
                            Severity::Error,
                            format!("log retention of {days} days (`{id}`) is not one CloudWatch Logs offers"),
                            at(&["RetentionInDays"]),
                        );
                        found.push((
                            d.help(format!(
                                "use one of {} (the nearest is {near})",
                                LOG_RETENTION_DAYS.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")
                            )),
                            x,
                        ));
                    }
                }
            }
            "AWS::S3::Bucket" => bucket_name(prop("BucketName"), || at(&["BucketName"]), found),
            "AWS::Events::Rule" => name_rule(
                prop("Name"),
                64,
                "an EventBridge rule name",
                is_event_name,
                "letters, digits, `.`, `-`, `_`",
                || at(&["Name"]),
                found,
            ),
            "AWS::Events::EventBus" => name_rule(
                prop("Name"),
                256,
                "an EventBridge event bus name",
                |c| is_event_name(c) || c == '/',
                "letters, digits, `.`, `-`, `_`, `/`",
                || at(&["Name"]),
                found,
            ),
            // HTTP API's `$default` stage is a name of its own.
            ty @ ("AWS::ApiGateway::Deployment" | "AWS::ApiGateway::Stage" | "AWS::ApiGatewayV2::Stage")
                if ty != "AWS::ApiGatewayV2::Stage" || prop("StageName").and_then(Value::as_str) != Some("$default") =>
            {
                name_rule(
                    prop("StageName"),
                    128,
                    "an API Gateway stage name",
                    is_stage_char,
                    "letters, digits, `-`, `_`",
                    || stage_origin(prov, id, res),
                    found,
                )
            }
            "AWS::ApiGatewayV2::Api" => {
                name_rule(prop("Name"), 128, "an API Gateway API name", |_| true, "", || api_name_origin(prov, id, res), found)
            }
            _ => {}
        }
    }
}

/// S3's bucket naming rules: 3 to 63 lowercase letters, digits, `.` and `-`, starting and
/// ending with a letter or digit, no `..`.
/// `at` is called only for a finding (locating a value in the source is not free).
fn bucket_name(v: Option<&Value>, at: impl FnOnce() -> Origin, found: &mut Found) {
    let Some(name) = v.and_then(Value::as_str) else { return };
    let n = name.chars().count();
    let why = if !(3..=63).contains(&n) {
        Some(format!("it is {n} character{} (3 to 63)", if n == 1 { "" } else { "s" }))
    } else if let Some(c) = name.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '.' || *c == '-')) {
        Some(format!("`{c}` is not allowed (lowercase letters, digits, `.`, `-`)"))
    } else if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) || !name.ends_with(|c: char| c.is_ascii_alphanumeric()) {
        Some("it must start and end with a letter or digit".to_string())
    } else if name.contains("..") {
        Some("it holds `..`".to_string())
    } else {
        None
    };
    if let Some(why) = why {
        found.push(finding(codes::NAME_LIMIT, Severity::Error, format!("`{name}` is not an S3 bucket name: {why}"), at()));
    }
}

fn is_event_name(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')
}

fn is_stage_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_')
}

/// The stage comes from `--stage` or `provider.stage`.
fn stage_origin(prov: &Provenance, id: &str, res: &Value) -> Origin {
    prov.value_origin(&["provider", "stage"]).unwrap_or_else(|| prov.resource(id, res, &["StageName"]))
}

/// An HTTP or WebSocket API's name comes from `provider.httpApi.name` / `provider.websocketsApiName`.
fn api_name_origin(prov: &Provenance, id: &str, res: &Value) -> Origin {
    let path: &[&str] = if id == "HttpApi" { &["provider", "httpApi", "name"] } else { &["provider", "websocketsApiName"] };
    prov.value_origin(path).unwrap_or_else(|| prov.resource(id, res, &["Name"]))
}

fn number(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

#[allow(clippy::too_many_arguments)]
fn name_rule(v: Option<&Value>, max: usize, what: &str, ok: fn(char) -> bool, chars: &str, at: impl FnOnce() -> Origin, found: &mut Found) {
    let Some(name) = v.and_then(Value::as_str) else { return };
    let n = name.chars().count();
    if n > max || n == 0 {
        found.push(finding(codes::NAME_LIMIT, Severity::Error, format!("`{name}` is {n} characters; {what} has 1 to {max}"), at()));
    } else if let Some(bad) = name.chars().find(|c| !ok(*c)) {
        found.push(finding(
            codes::NAME_LIMIT,
            Severity::Error,
            format!("`{name}` is not {what}: `{bad}` is not allowed ({chars} only)"),
            at(),
        ));
    }
}

fn stack(template: &Value, node: &Node, prov: &Provenance, found: &mut Found) {
    let count = |k: &str| template.get(k).and_then(Value::as_object).map_or(0, |m| m.len());
    let n = count("Resources");
    if n > MAX_RESOURCES {
        let (d, x) = finding(
            codes::STACK_LIMIT,
            Severity::Error,
            format!("the template has {n} resources; CloudFormation allows at most {MAX_RESOURCES} in one stack"),
            prov.key_origin(&["functions"]),
        );
        found.push((d.help(split_advice(template, node, prov)), x));
    }
    for (section, max, what) in
        [("Outputs", MAX_OUTPUTS, "outputs"), ("Parameters", MAX_PARAMETERS, "parameters"), ("Mappings", MAX_MAPPINGS, "mappings")]
    {
        let n = count(section);
        if n > max {
            let o = if node.pointer(["resources", section]).is_some() {
                prov.key_origin(&["resources", section])
            } else {
                prov.key_origin(&["functions"])
            };
            let help = if section == "Outputs" {
                "every versioned function adds a `<F>LambdaFunctionQualifiedArn` output; `versionFunctions: false` or fewer user outputs bring the count down"
            } else {
                "move some into another stack"
            };
            let (d, x) = finding(
                codes::STACK_LIMIT,
                Severity::Error,
                format!("the template has {n} {what}; CloudFormation allows at most {max}"),
                o,
            );
            found.push((d.help(help), x));
        }
    }
    let size = crate::emit::json_len(template);
    let o = prov.key_origin(&["service"]);
    if size > MAX_S3_BODY {
        found.push(finding(
            codes::STACK_LIMIT,
            Severity::Error,
            format!("the template is {size} bytes; CloudFormation reads at most {MAX_S3_BODY} bytes of template, even from S3"),
            o,
        ));
    } else if size > MAX_INLINE_BODY {
        let (d, x) = finding(
            codes::STACK_LIMIT,
            Severity::Warning,
            format!(
                "the template is {size} bytes, over the {MAX_INLINE_BODY} bytes CloudFormation takes inline: it must be deployed from S3"
            ),
            o,
        );
        found.push((d.help("`serverless deploy` uploads it to the deployment bucket; other tools need `--s3-bucket` or a TemplateURL"), x));
    }
}

/// What to split: where the resources come from (each function's own, each event kind, the
/// shared ones) and the functions contributing most.
fn split_advice(template: &Value, node: &Node, prov: &Provenance) -> String {
    let mut by_fn: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_source: BTreeMap<String, usize> = BTreeMap::new();
    let mut shared = 0;
    let mut kinds: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    if let Some(rs) = template.get("Resources").and_then(Value::as_object) {
        for (id, r) in rs {
            match prov.function_of(id, r) {
                Some(f) => {
                    *by_fn.entry(f).or_default() += 1;
                    let kinds = kinds.entry(f).or_insert_with(|| prov.event_kinds(f));
                    let source = match prov.event_kind(f, id, r, kinds) {
                        Some(k) => format!("`{k}` events"),
                        None => "the functions themselves (function, version, log group, ...)".to_string(),
                    };
                    *by_source.entry(source).or_default() += 1;
                }
                None => shared += 1,
            }
        }
    }
    let top = |m: &BTreeMap<String, usize>, n: usize| {
        let mut v: Vec<(&str, usize)> = m.iter().map(|(k, n)| (k.as_str(), *n)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v.into_iter().take(n).map(|(k, n)| format!("{k} {n}")).collect::<Vec<_>>().join(", ")
    };
    let fns: BTreeMap<String, usize> = by_fn.iter().map(|(k, n)| (format!("`{k}`"), *n)).collect();
    let nfns = node.get("functions").and_then(Node::as_map).map_or(0, |m| m.len());
    let per_fn = if nfns > 0 { by_fn.values().sum::<usize>() as f64 / nfns as f64 } else { 0.0 };
    let fit = if per_fn > 0.0 { ((MAX_RESOURCES - shared.min(MAX_RESOURCES)) as f64 / per_fn).floor() as usize } else { 0 };
    format!(
        "by source: {}, shared (API, role, bucket, ...) {shared}; the functions making most: {}. \
         Split the service into several (e.g. by API or by event source; at {per_fn:.1} resources a function about {fit} functions fit in one stack), \
         or move resources into nested stacks as serverless-plugin-split-stacks does and build with --no-limit-checks",
        top(&by_source, 6),
        top(&fns, 5),
    )
}

fn logical_ids(template: &Value, prov: &Provenance, found: &mut Found) {
    for section in ["Resources", "Outputs", "Parameters", "Conditions", "Mappings"] {
        let Some(m) = template.get(section).and_then(Value::as_object) else { continue };
        for (id, v) in m {
            let bad_char = id.chars().find(|c| !c.is_ascii_alphanumeric());
            let too_long = id.len() > MAX_LOGICAL_ID;
            if bad_char.is_none() && !too_long && !id.is_empty() {
                continue;
            }
            let o = if section == "Resources" { prov.id_origin(id, v) } else { prov.key_origin(&["resources", section, id]) };
            let msg = match bad_char {
                Some(c) => format!("the logical id `{id}` in {section} holds `{c}`; CloudFormation takes only letters and digits"),
                None if id.is_empty() => format!("an empty logical id in {section}"),
                None => format!(
                    "the logical id `{}…` in {section} is {} characters; CloudFormation allows at most {MAX_LOGICAL_ID}",
                    &id[..40],
                    id.len()
                ),
            };
            found.push(finding(codes::LOGICAL_ID, Severity::Error, msg, o));
        }
    }
}

/// `<F>LambdaFunction` ids that API Gateway (REST or HTTP API) integrates with, and which kind.
fn api_targets(resources: &serde_json::Map<String, Value>) -> BTreeMap<String, &'static str> {
    let mut out = BTreeMap::new();
    for r in resources.values() {
        let (kind, uri) = match r.get("Type").and_then(Value::as_str) {
            Some("AWS::ApiGateway::Method") => ("REST API", crate::value::at(r, &["Properties", "Integration", "Uri"])),
            Some("AWS::ApiGatewayV2::Integration")
                if crate::value::at(r, &["Properties", "ApiId", "Ref"]).and_then(Value::as_str) == Some("WebsocketsApi") =>
            {
                ("WebSocket API", crate::value::at(r, &["Properties", "IntegrationUri"]))
            }
            Some("AWS::ApiGatewayV2::Integration") => ("HTTP API", crate::value::at(r, &["Properties", "IntegrationUri"])),
            _ => continue,
        };
        let mut names = Vec::new();
        if let Some(u) = uri {
            referenced(u, &mut names, 0);
        }
        for n in names {
            out.entry(n).or_insert(kind);
        }
    }
    out
}

fn referenced(v: &Value, out: &mut Vec<String>, depth: usize) {
    if depth > 10 {
        return;
    }
    match v {
        Value::Object(o) => {
            if let Some(Value::String(r)) = o.get("Ref") {
                out.push(r.clone());
            }
            if let Some(g) = o.get("Fn::GetAtt") {
                match g {
                    Value::Array(a) => out.extend(a.first().and_then(Value::as_str).map(String::from)),
                    Value::String(s) => out.extend(s.split('.').next().map(String::from)),
                    _ => {}
                }
            }
            o.values().for_each(|x| referenced(x, out, depth + 1));
        }
        Value::Array(a) => a.iter().for_each(|x| referenced(x, out, depth + 1)),
        _ => {}
    }
}

fn lambda(id: &str, res: &Value, prov: &Provenance, api: &BTreeMap<String, &'static str>, found: &mut Found) {
    let Some(p) = res.get("Properties") else { return };
    let at = |path: &[&str]| prov.resource(id, res, path);
    let mut err_out: Found = Vec::new();
    let mut err = |msg: String, o: Origin, help: Option<String>| {
        let (mut d, x) = finding(codes::LAMBDA_LIMIT, Severity::Error, msg, o);
        if let Some(h) = help {
            d = d.help(h);
        }
        found.push((d, x));
    };
    if let Some(name) = p.get("FunctionName").and_then(Value::as_str) {
        let n = name.chars().count();
        if n > MAX_FUNCTION_NAME {
            err(
                format!("the function name `{name}` is {n} characters; Lambda allows at most {MAX_FUNCTION_NAME}"),
                at(&["FunctionName"]),
                Some(
                    "Serverless names functions `<service>-<stage>-<key>`: shorten one of them, or set a shorter `name` on the function"
                        .into(),
                ),
            );
        } else if let Some(c) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))) {
            err(format!("the function name `{name}` holds `{c}`; Lambda takes letters, digits, `-` and `_`"), at(&["FunctionName"]), None);
        }
    }
    if let Some(m) = p.get("MemorySize").and_then(number) {
        // Lambda Managed Instances (a capacity provider) take more memory than the 10,240 MB of on-demand functions.
        let managed = p.get("CapacityProviderConfig").is_some();
        if m < MEMORY.0 || (m > MEMORY.1 && !managed) {
            err(format!("memorySize {m} MB is outside what Lambda accepts ({} to {} MB)", MEMORY.0, MEMORY.1), at(&["MemorySize"]), None);
        }
    }
    let timeout = p.get("Timeout").and_then(number);
    if let Some(t) = timeout {
        if !(1..=MAX_TIMEOUT).contains(&t) {
            err(format!("timeout {t} s is outside what Lambda accepts (1 to {MAX_TIMEOUT} seconds)"), at(&["Timeout"]), None);
        } else if t > API_TIMEOUT {
            if let Some(kind) = api.get(id) {
                let (d, x) = finding(
                    codes::API_TIMEOUT,
                    Severity::Warning,
                    format!(
                        "timeout {t} s, but the {kind} in front of this function stops waiting after {}",
                        if *kind == "HTTP API" { "30 s" } else { "29 s (its default)" }
                    ),
                    at(&["Timeout"]),
                );
                err_out.push((d.help("callers get a 504 while the function keeps running; keep API-facing functions under 30 s or hand long work to a queue"), x));
            }
        }
    }
    if let Some(Value::Object(vars)) = crate::value::at(p, &["Environment", "Variables"]) {
        let literal = |v: &Value| match v {
            Value::String(s) => Some(s.len()),
            Value::Number(n) => Some(n.to_string().len()),
            Value::Bool(b) => Some(b.to_string().len()),
            _ => None,
        };
        let total: usize = vars.iter().map(|(k, v)| k.len() + literal(v).unwrap_or(0)).sum();
        if total > MAX_ENVIRONMENT_BYTES {
            let computed = vars.values().filter(|v| literal(v).is_none()).count();
            let also = if computed > 0 { format!(" (not counting {computed} values computed at deploy time)") } else { String::new() };
            err(
                format!(
                    "the environment variables of `{id}` take {total} bytes{also}; Lambda allows {MAX_ENVIRONMENT_BYTES} bytes in total"
                ),
                at(&["Environment"]),
                Some("move large values to SSM Parameter Store or Secrets Manager and read them at start-up".into()),
            );
        }
    }
    if let Some(Value::Array(layers)) = p.get("Layers") {
        // Serverless v3 gives `provider.layers` to image functions too; Lambda refuses them.
        if !layers.is_empty() && p.get("PackageType").and_then(Value::as_str) == Some("Image") {
            err(
                format!("`{id}` runs a container image and has layers; Lambda takes layers only for zip functions"),
                at(&["Layers"]),
                Some("a container image carries its own dependencies: set `layers` on the zip functions that use them rather than on `provider`".into()),
            );
        }
        if layers.len() > MAX_LAYERS {
            err(format!("`{id}` uses {} layers; Lambda allows at most {MAX_LAYERS}", layers.len()), at(&["Layers"]), None);
        }
    }
    if let Some(s) = crate::value::at(p, &["EphemeralStorage", "Size"]).and_then(number) {
        if !(EPHEMERAL_STORAGE.0..=EPHEMERAL_STORAGE.1).contains(&s) {
            err(
                format!(
                    "ephemeral storage of {s} MB is outside what Lambda accepts ({} to {} MB)",
                    EPHEMERAL_STORAGE.0, EPHEMERAL_STORAGE.1
                ),
                at(&["EphemeralStorage"]),
                None,
            );
        }
    }
    if let Some(c) = p.get("ReservedConcurrentExecutions").and_then(number) {
        if c < 0 {
            err(format!("reserved concurrency {c} is negative; Lambda takes 0 or more"), at(&["ReservedConcurrentExecutions"]), None);
        }
    }
    found.append(&mut err_out);
}

#[cfg(test)]
mod tests {
    use crate::check::{check, CheckOptions};
    use cfgen_syntax::{Diagnostic, Node, Severity};
    use serde_json::{json, Value};

    fn run(t: &Value, opts: CheckOptions) -> Vec<Diagnostic> {
        let mut diags = Vec::new();
        check(t, &Node::null(Default::default()), &opts, &mut diags);
        diags
    }

    fn topic() -> Value {
        json!({"Type": "AWS::SNS::Topic"})
    }

    #[test]
    fn template_body_size() {
        let small = json!({"Resources": {"T": topic()}});
        assert!(run(&small, CheckOptions::default()).is_empty());
        let inline = json!({"Description": "x".repeat(60_000), "Resources": {"T": topic()}});
        let d = run(&inline, CheckOptions::default());
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].severity, d[0].code.id), (Severity::Warning, "CFG510"));
        let huge = json!({"Description": "x".repeat(1_000_001), "Resources": {"T": topic()}});
        let d = run(&huge, CheckOptions::default());
        assert_eq!((d[0].severity, d[0].code.id), (Severity::Error, "CFG510"), "{d:?}");
        assert!(d[0].message.contains("1000000"));
        // --no-limit-checks leaves the stack quotas out.
        assert!(run(&huge, CheckOptions { no_limit_checks: true, ..Default::default() }).is_empty());
    }

    #[test]
    fn resource_count_boundary() {
        let mut rs = serde_json::Map::new();
        for i in 0..500 {
            rs.insert(format!("T{i}"), topic());
        }
        let mut t = json!({"Resources": rs});
        assert!(run(&t, CheckOptions::default()).iter().all(|d| d.code.id != "CFG510" || !d.is_error()));
        t["Resources"]["T500"] = topic();
        let d = run(&t, CheckOptions::default());
        assert!(d.iter().any(|d| d.is_error() && d.message.contains("501 resources") && d.help.is_some()), "{d:?}");
    }

    #[test]
    fn lambda_values_only_when_literal() {
        let f = |props: Value| json!({"Parameters": {"Memory": {"Type": "Number"}}, "Resources": {"F": {"Type": "AWS::Lambda::Function", "Properties": props}}});
        let base = json!({"Code": {"ZipFile": "x"}, "Role": "arn:aws:iam::1:role/r"});
        let mut ok = base.clone();
        ok["MemorySize"] = json!({"Ref": "Memory"});
        ok["Timeout"] = json!(900);
        assert!(run(&f(ok), CheckOptions::default()).is_empty());
        let mut bad = base;
        bad["MemorySize"] = json!(127);
        bad["Timeout"] = json!("901");
        let d = run(&f(bad), CheckOptions { validate: true, ..Default::default() });
        assert_eq!(d.iter().filter(|d| d.code.id == "CFG512" && d.is_error()).count(), 2, "{d:?}");
    }

    #[test]
    fn an_image_function_with_layers_is_refused_by_lambda() {
        let f = |layers: Value| {
            let props = json!({"Code": {"ImageUri": "1.dkr.ecr.us-east-1.amazonaws.com/r@sha256:0"}, "PackageType": "Image", "Layers": layers, "Role": "arn:aws:iam::1:role/r"});
            json!({"Resources": {"F": {"Type": "AWS::Lambda::Function", "Properties": props}}})
        };
        let opts = || CheckOptions { validate: true, ..Default::default() };
        let d = run(&f(json!(["arn:aws:lambda:us-east-1:1:layer:l:1"])), opts());
        assert!(d.iter().any(|d| d.code.id == "CFG512" && d.is_error() && d.message.contains("container image")), "{d:?}");
        assert!(run(&f(json!([])), opts()).is_empty());
    }
}
