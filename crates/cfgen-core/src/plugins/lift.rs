//! serverless-lift 1.37.7: `constructs:` (`queue`, `storage`, `webhook`, `static-website`,
//! `single-page-app`, `server-side-website`, `vpc`, `database/dynamodb-single-table`: every type
//! Lift has) and `${construct:}`. A `vpc` sets
//! `provider.vpc` in [`expand`], as Lift does at `initialize`.
//!
//! Lift builds its constructs with the AWS CDK at the `initialize` hook (after the configuration
//! is validated), and then:
//! - adds the functions they need (a queue's `worker`, a webhook's `authorizer`) and an `sqs`
//!   event to the worker (here: [`expand`], on the configuration tree, before validation);
//! - resolves `${construct:id.property}` (CDK tokens) to `Ref`/`Fn::GetAtt` values; a token
//!   inside a longer string is joined as JavaScript joins an object: `[object Object]`;
//! - appends its IAM statements to `provider.iam.role.statements` when that list exists,
//!   otherwise to `provider.iamRoleStatements` ([`finish`], after validation);
//! - merges the CDK template (resources in construct-tree order, logical ids from the CDK's
//!   path hash, `extensions` applied as raw overrides) into `resources` at
//!   `after:package:compileEvents` ([`finish`]).

use super::scalar_or_json as js_string;
use crate::json::json;
use crate::naming::{self, cdk_id, ensure_name_max_length};
use crate::validate::Prepared;
use crate::value;
use cfgen_syntax::{codes, Diagnostic, Node, Span, Value as NodeValue};
use serde_json::{Map, Value};

const TOKEN_START: char = '\u{E000}';
const TOKEN_END: char = '\u{E001}';

/// The placeholder `${construct:<address>}` resolves to until the constructs exist.
pub fn token(address: &str) -> String {
    format!("{TOKEN_START}{address}{TOKEN_END}")
}

/// Write the placeholders back as `${construct:...}` (for `cfgen print`, which shows the
/// configuration before plugins run).
pub fn untokenize(node: &mut Node) {
    match &mut node.value {
        NodeValue::String(s) if s.contains(TOKEN_START) => {
            *s = s.replace(TOKEN_START, "${construct:").replace(TOKEN_END, "}");
        }
        NodeValue::Seq(items) => items.iter_mut().for_each(untokenize),
        NodeValue::Map(m) => m.iter_mut().for_each(|(_, n)| untokenize(n)),
        _ => {}
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Queue,
    Storage,
    Webhook,
    Database,
    /// `static-website`: a public website bucket behind CloudFront.
    StaticWebsite,
    /// `single-page-app`: a private bucket behind CloudFront, every page URL served `index.html`.
    SinglePageApp,
    /// `vpc`: the CDK's default VPC over two zones, which every function then runs in.
    Vpc,
    /// `server-side-website`: CloudFront in front of the service's HTTP or REST API, with
    /// asset paths served from a bucket.
    ServerSideWebsite,
}

/// One construct of `constructs:`.
#[derive(Clone, Debug)]
struct Construct {
    id: String,
    kind: Kind,
    cfg: Map<String, Value>,
    span: Span,
    /// A queue's worker function and the timeout its visibility timeout is computed from.
    worker: Option<(String, f64)>,
}

/// The constructs, read by [`expand`] and compiled by [`finish`].
#[derive(Clone, Debug, Default)]
pub struct Lift {
    constructs: Vec<Construct>,
    automatic_permissions: bool,
}

const QUEUE_KEYS: &[&str] = &[
    "type",
    "provider",
    "extensions",
    "worker",
    "maxRetries",
    "alarm",
    "batchSize",
    "maxBatchingWindow",
    "maxConcurrency",
    "fifo",
    "delay",
    "encryption",
    "encryptionKey",
];
const STORAGE_KEYS: &[&str] =
    &["type", "provider", "extensions", "archive", "encryption", "allowAcl", "publicPath", "cors", "lifecycleRules"];
const WEBHOOK_KEYS: &[&str] = &["type", "provider", "extensions", "authorizer", "insecure", "path", "eventType", "method"];
const DATABASE_KEYS: &[&str] = &["type", "provider", "extensions", "localSecondaryIndexes", "gsiCount"];
const WEBSITE_KEYS: &[&str] = &[
    "type",
    "provider",
    "extensions",
    "path",
    "domain",
    "certificate",
    "security",
    "errorPage",
    "redirectToMainDomain",
    "versionedAssets",
];
const VPC_KEYS: &[&str] = &["type", "provider", "extensions"];
const SERVER_SIDE_WEBSITE_KEYS: &[&str] = &[
    "type",
    "provider",
    "extensions",
    "apiGateway",
    "assets",
    "errorPage",
    "versionedAssets",
    "domain",
    "redirectToMainDomain",
    "certificate",
    "forwardedHeaders",
];

use super::span_at;

fn num(v: Option<&Value>) -> Option<f64> {
    match v? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Read `constructs:`, add the functions and events they need, and resolve `${construct:}`
/// tokens everywhere in the tree. `None` when an error stops the build.
pub fn expand(root: &mut Node, diags: &mut Vec<Diagnostic>) -> Option<Lift> {
    let before = diags.iter().filter(|d| d.is_error()).count();
    let automatic_permissions = !matches!(root.pointer(["lift", "automaticPermissions"]).map(|n| &n.value), Some(NodeValue::Bool(false)));
    let mut lift = Lift { constructs: Vec::new(), automatic_permissions };
    let entries: Vec<(String, Node)> = match root.get("constructs").map(|n| &n.value) {
        Some(NodeValue::Map(m)) => m.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        Some(NodeValue::Null) | None => Vec::new(),
        Some(_) => {
            diags.push(
                Diagnostic::error(codes::INVALID_TYPE, "`constructs` must be a mapping of construct ids to their settings")
                    .at(span_at(root, &["constructs"])),
            );
            return None;
        }
    };
    for (id, node) in &entries {
        if let Some(c) = read_construct(root, id, node, diags) {
            lift.constructs.push(c);
        }
    }
    if diags.iter().filter(|d| d.is_error()).count() > before {
        return None;
    }
    // Each construct adds its functions and events as it is built, in `constructs` order.
    for c in &lift.constructs {
        match c.kind {
            Kind::Queue => {
                let Some((worker, _)) = &c.worker else { continue };
                if let Some(w) = c.cfg.get("worker").filter(|w| w.is_object()) {
                    let w_span = span_at(root, &["constructs", &c.id, "worker"]);
                    super::add_function(root, worker, Node::from_json(w, w_span), w_span, true);
                }
                let mut sqs = Map::new();
                sqs.insert("arn".into(), json!({"Fn::GetAtt": [queue_id(&c.id, "Queue"), "Arn"]}));
                sqs.insert("batchSize".into(), c.cfg.get("batchSize").cloned().unwrap_or(json!(1)));
                sqs.insert("maximumBatchingWindow".into(), c.cfg.get("maxBatchingWindow").cloned().unwrap_or(json!(0)));
                if let Some(m) = c.cfg.get("maxConcurrency") {
                    sqs.insert("maximumConcurrency".into(), m.clone());
                }
                sqs.insert("functionResponseType".into(), json!("ReportBatchItemFailures"));
                add_event(root, worker, Node::from_json(&json!({ "sqs": sqs }), c.span));
            }
            Kind::Webhook => {
                if !truthy(c.cfg.get("insecure")) {
                    if let Some(a) = c.cfg.get("authorizer") {
                        let a_span = span_at(root, &["constructs", &c.id, "authorizer"]);
                        super::add_function(root, &format!("{}Authorizer", c.id), Node::from_json(a, a_span), a_span, true);
                    }
                }
            }
            Kind::Vpc => {
                if let Some(d) = set_vpc_config(root, c) {
                    diags.push(d);
                }
            }
            Kind::Storage | Kind::Database | Kind::StaticWebsite | Kind::SinglePageApp | Kind::ServerSideWebsite => {}
        }
    }
    resolve_tokens(root, &lift, diags);
    if diags.iter().filter(|d| d.is_error()).count() > before {
        return None;
    }
    Some(lift)
}

fn truthy(v: Option<&Value>) -> bool {
    cfgen_model::coerce::truthy(v.unwrap_or(&Value::Null))
}

fn read_construct(root: &Node, id: &str, node: &Node, diags: &mut Vec<Diagnostic>) -> Option<Construct> {
    let at = |k: &str| span_at(root, &["constructs", id, k]);
    let cfg = match node.to_json() {
        Value::Object(m) => m,
        _ => {
            diags.push(Diagnostic::error(codes::INVALID_TYPE, format!("construct `{id}` must be a mapping with a `type`")).at(node.span));
            return None;
        }
    };
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        diags.push(
            Diagnostic::warning(codes::INVALID_VALUE, format!("construct id `{id}` must only hold letters, digits, `-` and `_`"))
                .at(at("")),
        );
    }
    let kind = match cfg.get("type") {
        Some(Value::String(t)) if t == "queue" => Kind::Queue,
        Some(Value::String(t)) if t == "storage" => Kind::Storage,
        Some(Value::String(t)) if t == "webhook" => Kind::Webhook,
        Some(Value::String(t)) if t == "database/dynamodb-single-table" => Kind::Database,
        Some(Value::String(t)) if t == "static-website" => Kind::StaticWebsite,
        Some(Value::String(t)) if t == "single-page-app" => Kind::SinglePageApp,
        Some(Value::String(t)) if t == "vpc" => Kind::Vpc,
        Some(Value::String(t)) if t == "server-side-website" => Kind::ServerSideWebsite,
        None => {
            diags.push(
                Diagnostic::error(codes::MISSING_KEY, format!("The construct '{id}' has no 'type' defined."))
                    .at(node.span)
                    .help("add `type: queue` (or `storage`, `webhook`)"),
            );
            return None;
        }
        Some(t) => {
            let shown = cfgen_model::coerce::scalar_string(t).unwrap_or_else(|| t.to_string());
            diags.push(
                Diagnostic::error(codes::INVALID_VALUE, format!("The construct '{id}' has an unknown type '{shown}'"))
                    .at(at("type"))
                    .help("the construct types are: storage, queue, webhook, single-page-app, static-website, vpc, database/dynamodb-single-table, server-side-website"),
            );
            return None;
        }
    };
    let (keys, name) = match kind {
        Kind::Queue => (QUEUE_KEYS, "queue"),
        Kind::Storage => (STORAGE_KEYS, "storage"),
        Kind::Webhook => (WEBHOOK_KEYS, "webhook"),
        Kind::Database => (DATABASE_KEYS, "database/dynamodb-single-table"),
        Kind::StaticWebsite => (WEBSITE_KEYS, "static-website"),
        Kind::SinglePageApp => (WEBSITE_KEYS, "single-page-app"),
        Kind::Vpc => (VPC_KEYS, "vpc"),
        Kind::ServerSideWebsite => (SERVER_SIDE_WEBSITE_KEYS, "server-side-website"),
    };
    if let Some(m) = node.as_map() {
        for (k, ks, _) in m.iter_spanned() {
            if !keys.contains(&k.as_str()) {
                let mut d = Diagnostic::warning(codes::UNKNOWN_KEY, format!("unknown key `{k}` in a `{name}` construct"))
                    .at(ks)
                    .label("not a serverless-lift setting here");
                if let Some(s) = cfgen_syntax::diagnostic::did_you_mean(k, keys.iter().copied()) {
                    d = d.help(format!("did you mean `{s}`?"));
                }
                diags.push(d);
            }
        }
    }
    if let Some(p) = cfg.get("provider") {
        diags.push(
            Diagnostic::error(
                codes::NOT_IMPLEMENTED,
                format!("construct `{id}` names a Lift provider ({p}); cfgen compiles constructs of the default AWS provider only"),
            )
            .at(at("provider")),
        );
        return None;
    }
    let error = |diags: &mut Vec<Diagnostic>, key: &str, msg: String| {
        diags.push(Diagnostic::error(codes::INVALID_VALUE, format!("Invalid configuration in 'constructs.{id}': {msg}")).at(at(key)));
    };
    for k in ["maxRetries", "batchSize", "maxBatchingWindow", "maxConcurrency", "delay"] {
        if let Some(v) = cfg.get(k).filter(|v| kind == Kind::Queue && !v.is_number()) {
            error(diags, k, format!("'{k}' must be a number, not {}", cfgen_model::coerce::type_name(v)));
        }
    }
    if kind == Kind::Database {
        if let Some(g) = cfg.get("gsiCount") {
            if !num(Some(g)).is_some_and(|n| n.fract() == 0.0 && (1.0..=20.0).contains(&n)) || !g.is_number() {
                error(diags, "gsiCount", format!("'gsiCount' must be an integer from 1 to 20, '{}' given.", js_string(g)));
            }
        }
    }
    let mut worker = None;
    if kind == Kind::Queue {
        let batching = num(cfg.get("maxBatchingWindow")).unwrap_or(0.0);
        match cfg.get("worker") {
            None => {
                diags.push(
                    Diagnostic::error(
                        codes::MISSING_KEY,
                        format!("Invalid configuration in 'constructs.{id}': no 'worker' defined. Queue constructs require a 'worker' function to be defined."),
                    )
                    .at(node.span)
                    .help("add `worker: {handler: ...}` or `worker: <function name>`"),
                );
            }
            Some(Value::String(f)) => {
                let fnode = find_function(root, f);
                match fnode {
                    None => error(diags, "worker", "'workerRef' needs to point to an existing function.".into()),
                    Some(fnode) => {
                        let t = fnode.get("timeout").map(Node::to_json);
                        worker = Some((f.clone(), num(t.as_ref()).unwrap_or(6.0) * 6.0 + batching));
                    }
                }
            }
            Some(w @ Value::Object(_)) => {
                worker = Some((format!("{id}Worker"), num(w.get("timeout")).unwrap_or(6.0) * 6.0 + batching));
            }
            Some(w) => error(
                diags,
                "worker",
                format!("'worker' must be a function name or a function definition, not {}", cfgen_model::coerce::type_name(w)),
            ),
        }
        if let Some(d) = num(cfg.get("delay")).filter(|d| !(0.0..=900.0).contains(d)) {
            error(diags, "delay", format!("'delay' must be between 0 and 900, '{d}' given."));
        }
        if let Some(b) = num(cfg.get("batchSize")) {
            if b > 10.0 && cfg.get("fifo") == Some(&Value::Bool(true)) {
                error(diags, "batchSize", format!("'batchSize' must be between 0 and 10 for FIFO queues, '{b}' given."));
            } else if b > 10.0 && batching == 0.0 {
                error(diags, "batchSize", "'maxBatchingWindow' must be greater than 0 for batchSize > 10, '0' given.".into());
            }
        }
        match cfg.get("encryption") {
            None | Some(Value::Null) => {}
            Some(Value::String(e)) if e.is_empty() || e == "kmsManaged" => {}
            Some(Value::String(e)) if e == "kms" => {
                if !matches!(cfg.get("encryptionKey"), Some(Value::String(k)) if !k.is_empty()) {
                    error(diags, "encryption", "'encryptionKey' must be set if the 'encryption' is set to 'kms'".into());
                }
            }
            Some(e) => {
                error(diags, "encryption", format!("'encryption' must be one of 'kms', 'kmsManaged', null, '{}' given.", js_string(e)))
            }
        }
    }
    if kind == Kind::Storage {
        if let Some(e) = cfg.get("encryption").filter(|e| !matches!(e.as_str(), Some("s3" | "kms"))) {
            error(diags, "encryption", format!("'encryption' must be 's3' or 'kms', '{}' given.", js_string(e)));
        }
        if let Some(r) = cfg.get("lifecycleRules").filter(|r| !r.is_array()) {
            error(diags, "lifecycleRules", format!("'lifecycleRules' must be a list, not {}", cfgen_model::coerce::type_name(r)));
        }
        if let Some(p) = cfg.get("publicPath").filter(|p| !p.is_string()) {
            error(diags, "publicPath", format!("'publicPath' must be a string, not {}", cfgen_model::coerce::type_name(p)));
        }
    }
    if kind == Kind::Webhook {
        if !cfg.get("path").is_some_and(Value::is_string) {
            diags.push(
                Diagnostic::error(codes::MISSING_KEY, format!("webhook construct `{id}` needs a `path` (e.g. `/webhook`)")).at(node.span),
            );
        }
        let insecure = truthy(cfg.get("insecure"));
        match (insecure, cfg.get("authorizer")) {
            (true, Some(_)) => error(
                diags,
                "authorizer",
                format!("Webhook {id} is specified as insecure, however an authorizer is configured for this webhook. Either declare this webhook as secure by removing `insecure: true` property (recommended), or specify the webhook as insecure and remove the authorizer property altogether."),
            ),
            (false, None) => error(
                diags,
                "",
                format!("Webhook {id} is specified as secure, however no authorizer is configured for this webhook. Please provide an authorizer property for this webhook (recommended), or specify the webhook as insecure by adding `insecure: true` property."),
            ),
            (false, Some(a)) if !a.get("handler").is_some_and(Value::is_string) => {
                error(diags, "authorizer", "the webhook 'authorizer' needs a 'handler'".into())
            }
            _ => {}
        }
    }
    if matches!(kind, Kind::StaticWebsite | Kind::SinglePageApp | Kind::ServerSideWebsite) {
        read_website(root, id, kind, node, &cfg, diags);
    }
    let extendable: &[&str] = match kind {
        Kind::Queue if cfg.contains_key("alarm") => &["queue", "dlq", "alarm"],
        Kind::Queue => &["queue", "dlq"],
        Kind::Storage => &["bucket"],
        Kind::Webhook => &["api", "bus"],
        Kind::Database => &["table"],
        Kind::StaticWebsite | Kind::SinglePageApp | Kind::ServerSideWebsite => &["distribution", "bucket"],
        Kind::Vpc => &[],
    };
    match cfg.get("extensions") {
        Some(Value::Object(ext)) => {
            for k in ext.keys() {
                if !extendable.contains(&k.as_str()) {
                    diags.push(
                        Diagnostic::error(
                            codes::INVALID_VALUE,
                            format!(
                                "There is no extension '{k}' available on this construct. Available extensions are: {}.",
                                extendable.join(", ")
                            ),
                        )
                        .at(span_at(root, &["constructs", id, "extensions", k])),
                    );
                }
            }
        }
        None | Some(Value::Null) => {}
        Some(e) => {
            diags.push(
                Diagnostic::error(
                    codes::INVALID_TYPE,
                    format!("`extensions` must be a mapping, not {}", cfgen_model::coerce::type_name(e)),
                )
                .at(at("extensions")),
            );
        }
    }
    Some(Construct { id: id.to_string(), kind, cfg, span: node.span, worker })
}

/// The domains of a website construct (`domain`, a name or a list), as Lift reads them: none when
/// the value is empty.
fn website_domains(cfg: &Map<String, Value>) -> Option<Vec<String>> {
    match cfg.get("domain")? {
        Value::String(d) if !d.is_empty() => Some(vec![d.clone()]),
        Value::Array(items) if !items.is_empty() => Some(items.iter().filter_map(|d| d.as_str().map(str::to_string)).collect()),
        _ => None,
    }
}

/// Lift's and the CDK's checks of a `static-website`, `single-page-app` or `server-side-website`
/// construct (the configuration schema's types, Lift's own refusals, the CDK's certificate
/// checks).
fn read_website(root: &Node, id: &str, kind: Kind, node: &Node, cfg: &Map<String, Value>, diags: &mut Vec<Diagnostic>) {
    let server_side = kind == Kind::ServerSideWebsite;
    let at = |k: &[&str]| {
        let mut path = vec!["constructs", id];
        path.extend_from_slice(k);
        span_at(root, &path)
    };
    // A wrong type is a warning where Lift reads the value without failing (as Serverless v3's
    // schema check warns), an error where the CDK would crash or write a broken template.
    let type_finding = |diags: &mut Vec<Diagnostic>, error: bool, key: &[&str], want: &str, v: &Value| {
        let msg = format!(
            "Invalid configuration in 'constructs.{id}': '{}' must be {want}, not {}",
            key.join("."),
            cfgen_model::coerce::type_name(v)
        );
        let d = if error { Diagnostic::error(codes::INVALID_TYPE, msg) } else { Diagnostic::warning(codes::INVALID_TYPE, msg) };
        diags.push(d.at(at(key)));
    };
    let type_error = |diags: &mut Vec<Diagnostic>, key: &[&str], want: &str, v: &Value| type_finding(diags, true, key, want, v);
    match cfg.get("path") {
        _ if server_side => {}
        Some(Value::String(_)) => {}
        None => diags.push(
            Diagnostic::warning(codes::MISSING_KEY, format!("construct `{id}` has no `path`: the folder that `serverless deploy` uploads"))
                .at(node.span)
                .help("add `path: public` (the folder with the built website); the template does not depend on it"),
        ),
        Some(v) => type_finding(diags, false, &["path"], "a string", v),
    }
    match cfg.get("domain") {
        None | Some(Value::String(_)) => {}
        Some(Value::Array(items)) => {
            for (i, d) in items.iter().enumerate() {
                if !d.is_string() {
                    let index = i.to_string();
                    type_error(diags, &["domain", &index], "a string", d);
                }
            }
        }
        Some(v) => type_error(diags, &["domain"], "a domain name or a list of them", v),
    }
    for key in ["certificate", "errorPage"] {
        if let Some(v) = cfg.get(key).filter(|v| !v.is_string()) {
            type_error(diags, &[key], "a string", v);
        }
    }
    for key in ["redirectToMainDomain", "versionedAssets"] {
        if let Some(v) = cfg.get(key).filter(|v| !v.is_boolean()) {
            type_finding(diags, false, &[key], "a boolean (Lift takes only `true` as true)", v);
        }
    }
    match cfg.get("security") {
        None => {}
        Some(Value::Object(sec)) => {
            if let Some(v) = sec.get("allowIframe").filter(|v| !v.is_boolean()) {
                type_finding(diags, false, &["security", "allowIframe"], "a boolean (Lift takes only `true` as true)", v);
            }
            let keys: Option<Vec<(String, Span)>> =
                node.get("security").and_then(Node::as_map).map(|m| m.iter_spanned().map(|(k, ks, _)| (k.clone(), ks)).collect());
            for (k, ks) in keys.unwrap_or_default().into_iter().filter(|(k, _)| k.as_str() != "allowIframe") {
                let mut d = Diagnostic::warning(codes::UNKNOWN_KEY, format!("unknown key `{k}` in a website's `security`"))
                    .at(ks)
                    .label("not a serverless-lift setting here");
                if let Some(s) = cfgen_syntax::diagnostic::did_you_mean(&k, ["allowIframe"]) {
                    d = d.help(format!("did you mean `{s}`?"));
                }
                diags.push(d);
            }
        }
        Some(v) => type_finding(diags, false, &["security"], "a mapping", v),
    }
    if server_side {
        read_server_side_website(id, node, cfg, &at, diags);
    }
    if let Some(Value::String(page)) = cfg.get("errorPage").filter(|_| server_side) {
        if !page.ends_with(".html") {
            diags.push(
                Diagnostic::error(
                    codes::INVALID_VALUE,
                    format!("Invalid configuration in 'constructs.{id}.errorPage': the custom error page must be a static HTML file. '{page}' does not end with '.html'."),
                )
                .at(at(&["errorPage"])),
            );
        }
    } else if let Some(Value::String(page)) = cfg.get("errorPage") {
        if page.starts_with("./") || page.starts_with("../") {
            diags.push(
                Diagnostic::error(
                    codes::INVALID_VALUE,
                    format!("The 'errorPage' option of the '{id}' static website cannot start with './' or '../'. (it cannot be a relative path)."),
                )
                .at(at(&["errorPage"]))
                .help("give the page's path inside the website folder, e.g. `error.html`"),
            );
        }
    }
    let certificate = cfg.get("certificate").and_then(Value::as_str).filter(|c| !c.is_empty());
    if website_domains(cfg).is_some() && certificate.is_none() {
        // Lift words it differently for the two kinds of website.
        let (msg, help) = if server_side {
            (
                format!("Invalid configuration in 'constructs.{id}.certificate': if a domain is configured, then a certificate ARN must be configured as well."),
                "add `certificate: arn:aws:acm:us-east-1:...`",
            )
        } else {
            (
                format!("Invalid configuration for the static website '{id}': if a domain is configured, then a certificate ARN must be configured in the 'certificate' option."),
                "add `certificate: arn:aws:acm:us-east-1:...` (see https://github.com/getlift/lift/blob/master/docs/static-website.md#custom-domain)",
            )
        };
        diags.push(Diagnostic::error(codes::MISSING_KEY, msg).at(at(&["domain"])).help(help));
    }
    if let Some(arn) = certificate {
        let parts: Vec<&str> = arn.split(':').collect();
        let part = |i: usize| parts.get(i).copied().unwrap_or_default();
        let shape = if !arn.starts_with("arn:") {
            Some(format!("ARNs must start with \"arn:\" and have at least 6 components: {arn}"))
        } else if part(1).is_empty() {
            Some(format!("The `partition` component (2nd component) of an ARN is required: {arn}"))
        } else if part(2).is_empty() {
            Some(format!("The `service` component (3rd component) of an ARN is required: {arn}"))
        } else if part(5).is_empty() {
            Some(format!("The `resource` component (6th component) of an ARN is required: {arn}"))
        } else if part(3) != "us-east-1" {
            Some(format!("Distribution certificates must be in the us-east-1 region and the certificate you provided is in {}.", part(3)))
        } else {
            None
        };
        if let Some(msg) = shape {
            diags.push(
                Diagnostic::error(codes::INVALID_VALUE, msg)
                    .at(at(&["certificate"]))
                    .help("CloudFront takes ACM certificates of us-east-1: `arn:aws:acm:us-east-1:<account>:certificate/<id>`"),
            );
        }
    }
}

/// The settings only a `server-side-website` has: `apiGateway`, `assets`, `forwardedHeaders`.
fn read_server_side_website(id: &str, node: &Node, cfg: &Map<String, Value>, at: &dyn Fn(&[&str]) -> Span, diags: &mut Vec<Diagnostic>) {
    let key_at = |pattern: &str| {
        let keys = node.get("assets").and_then(Node::as_map);
        keys.and_then(|m| m.iter_spanned().find(|(k, _, _)| k.as_str() == pattern).map(|(_, ks, _)| ks))
            .unwrap_or_else(|| at(&["assets", pattern]))
    };
    if let Some(api) = cfg.get("apiGateway").filter(|a| !matches!(a.as_str(), Some("http" | "rest"))) {
        diags.push(
            Diagnostic::warning(
                codes::INVALID_VALUE,
                format!("Invalid configuration in 'constructs.{id}': 'apiGateway' must be 'http' or 'rest', '{}' given; Lift reads it as 'http'", js_string(api)),
            )
            .at(at(&["apiGateway"])),
        );
    }
    match cfg.get("assets") {
        None => {}
        Some(Value::Object(assets)) => {
            for (pattern, folder) in assets {
                if pattern == "/" || pattern == "/*" {
                    diags.push(
                        Diagnostic::error(
                            codes::INVALID_VALUE,
                            format!("Invalid key in 'constructs.{id}.assets': '/' and '/*' cannot be routed to assets because the root URL already serves the backend application running in Lambda. You must use a sub-path instead, for example '/assets/*'."),
                        )
                        .at(key_at(pattern)),
                    );
                } else if !pattern.starts_with('/') {
                    diags.push(
                        Diagnostic::warning(
                            codes::INVALID_VALUE,
                            format!("Invalid configuration in 'constructs.{id}.assets': the path pattern '{pattern}' must start with `/`"),
                        )
                        .at(key_at(pattern)),
                    );
                }
                if !folder.is_string() {
                    diags.push(
                        Diagnostic::warning(
                            codes::INVALID_TYPE,
                            format!(
                                "Invalid configuration in 'constructs.{id}.assets': the folder of '{pattern}' must be a string, not {}",
                                cfgen_model::coerce::type_name(folder)
                            ),
                        )
                        .at(at(&["assets", pattern])),
                    );
                }
            }
        }
        Some(v) => diags.push(
            Diagnostic::error(
                codes::INVALID_TYPE,
                format!(
                    "Invalid configuration in 'constructs.{id}': 'assets' must be a mapping of URL patterns to folders, not {}",
                    cfgen_model::coerce::type_name(v)
                ),
            )
            .at(at(&["assets"])),
        ),
    }
    if cfg.contains_key("forwardedHeaders") {
        diags.push(
            Diagnostic::warning(codes::V3_QUIRK, "serverless-lift 1.37 ignores `forwardedHeaders`: CloudFront forwards every header but `Host` to the API (and `Host` as `X-Forwarded-Host`)")
                .at(at(&["forwardedHeaders"]))
                .help("remove the setting"),
        );
    }
}

/// A function by key, in either form of `functions` (a mapping, or a list of mappings that
/// Serverless merges before plugins run; the last one wins).
fn find_function<'a>(root: &'a Node, name: &str) -> Option<&'a Node> {
    match &root.get("functions")?.value {
        NodeValue::Map(m) => m.get(name),
        NodeValue::Seq(items) => items.iter().rev().find_map(|i| i.get(name)),
        _ => None,
    }
    .filter(|n| !n.is_null())
}

pub(super) fn merge_node(dst: &mut Node, src: Node) {
    match (&mut dst.value, src.value) {
        (NodeValue::Map(d), NodeValue::Map(s)) => {
            for (k, ks, v) in s.iter_spanned() {
                match d.get_mut(k) {
                    Some(x) => merge_node(x, v.clone()),
                    None => d.insert(k.clone(), ks, v.clone()),
                }
            }
        }
        (_, v) => *dst = Node::new(src.span, v),
    }
}

/// `slsFunction.events ??= []; slsFunction.events.push(event)`.
fn add_event(root: &mut Node, function: &str, event: Node) {
    let Some(functions) = root.as_map_mut().and_then(|m| m.get_mut("functions")) else { return };
    let f = match &mut functions.value {
        NodeValue::Map(m) => m.get_mut(function),
        NodeValue::Seq(items) => items.iter_mut().rev().find_map(|i| i.as_map_mut().and_then(|m| m.get_mut(function))),
        _ => None,
    };
    let Some(f) = f else { return };
    let span = f.span;
    if f.is_null() {
        *f = Node::new(span, NodeValue::Map(Default::default()));
    }
    let Some(fm) = f.as_map_mut() else { return };
    match fm.get_mut("events") {
        Some(Node { value: NodeValue::Seq(items), .. }) => items.push(event),
        _ => fm.insert("events".into(), span, Node::new(span, NodeValue::Seq(vec![event]))),
    }
}

// ---- ${construct:} -----------------------------------------------------------------------------

/// The values a construct exposes to `${construct:id.property}`.
fn variables(c: &Construct) -> Vec<(&'static str, Value)> {
    match c.kind {
        Kind::Queue => {
            let (q, d) = (queue_id(&c.id, "Queue"), queue_id(&c.id, "Dlq"));
            vec![
                ("queueUrl", json!({ "Ref": &q })),
                ("queueArn", json!({"Fn::GetAtt": [q, "Arn"]})),
                ("dlqUrl", json!({ "Ref": &d })),
                ("dlqArn", json!({"Fn::GetAtt": [d, "Arn"]})),
            ]
        }
        Kind::Storage => {
            let b = cdk_id(&[&c.id, "Bucket", "Resource"]);
            let mut v = vec![("bucketArn", json!({"Fn::GetAtt": [&b, "Arn"]})), ("bucketName", json!({ "Ref": &b }))];
            if c.cfg.get("publicPath").is_some_and(Value::is_string) {
                v.push(("publicUrl", json!({"Fn::Join": ["", ["https://", {"Fn::GetAtt": [b, "RegionalDomainName"]}]]})));
            }
            v
        }
        Kind::Webhook => vec![("busName", json!({ "Ref": cdk_id(&[&c.id, "Bus", "Resource"]) }))],
        Kind::Database => {
            let t = cdk_id(&[&c.id, "Table", "Resource"]);
            vec![("tableName", json!({ "Ref": &t })), ("tableArn", get_att(&t, "Arn")), ("tableStreamArn", get_att(&t, "StreamArn"))]
        }
        Kind::Vpc => Vec::new(),
        Kind::ServerSideWebsite => {
            let cdn = cdk_id(&[&c.id, "CDN", "Resource"]);
            // `Fn.join` of plain strings is the joined string.
            let url = website_domains(&c.cfg).map_or_else(
                || json!({"Fn::Join": ["", ["https://", get_att(&cdn, "DomainName")]]}),
                |d| json!(format!("https://{}", d[0])),
            );
            vec![
                ("url", url),
                ("cname", get_att(&cdn, "DomainName")),
                ("assetsBucketName", json!({ "Ref": cdk_id(&[&c.id, "Assets", "Resource"]) })),
            ]
        }
        Kind::StaticWebsite | Kind::SinglePageApp => vec![
            ("cname", get_att(&cdk_id(&[&c.id, "CDN", "Resource"]), "DomainName")),
            ("assetsBucketName", json!({ "Ref": cdk_id(&[&c.id, "Bucket", "Resource"]) })),
        ],
    }
}

fn resolve_tokens(node: &mut Node, lift: &Lift, diags: &mut Vec<Diagnostic>) {
    match &mut node.value {
        NodeValue::String(s) if s.contains(TOKEN_START) => {
            let s = s.clone();
            let mut pieces: Vec<Result<String, Value>> = Vec::new();
            let mut rest = s.as_str();
            while let Some(i) = rest.find(TOKEN_START) {
                if i > 0 {
                    pieces.push(Ok(rest[..i].to_string()));
                }
                let after = &rest[i + TOKEN_START.len_utf8()..];
                let end = after.find(TOKEN_END).unwrap_or(after.len());
                match lookup(&after[..end], lift) {
                    Ok(v) => pieces.push(Err(v)),
                    Err(msg) => {
                        diags.push(Diagnostic::error(codes::UNRESOLVED_VARIABLE, msg).at(node.span));
                        return;
                    }
                }
                rest = after.get(end + TOKEN_END.len_utf8()..).unwrap_or("");
            }
            if !rest.is_empty() {
                pieces.push(Ok(rest.to_string()));
            }
            if let [Err(v)] = pieces.as_slice() {
                *node = Node::from_json(v, node.span);
                return;
            }
            let joined: String = pieces.iter().map(|p| p.as_ref().map_or("[object Object]", String::as_str)).collect();
            diags.push(
                Diagnostic::warning(
                    codes::V3_QUIRK,
                    "a `${construct:...}` variable inside a longer string becomes `[object Object]`, as serverless-lift writes it",
                )
                .at(node.span)
                .help("use the variable as the whole value, or build the string with `Fn::Join`"),
            );
            node.value = NodeValue::String(joined);
        }
        NodeValue::Seq(items) => items.iter_mut().for_each(|n| resolve_tokens(n, lift, diags)),
        NodeValue::Map(m) => m.iter_mut().for_each(|(_, n)| resolve_tokens(n, lift, diags)),
        _ => {}
    }
}

fn lookup(address: &str, lift: &Lift) -> Result<Value, String> {
    let mut parts = address.split('.');
    let id = parts.next().unwrap_or_default();
    let property = parts.next().unwrap_or("undefined");
    let Some(c) = lift.constructs.iter().find(|c| c.id == id) else {
        return Err(format!("No construct named '{id}' was found, the ${{construct:{id}.{property}}} variable is invalid."));
    };
    let vars = variables(c);
    match vars.iter().find(|(k, _)| *k == property) {
        Some((_, v)) => Ok(v.clone()),
        None => {
            let names: Vec<&str> = vars.iter().map(|(k, _)| *k).collect();
            Err(format!(
                "${{construct:{id}.{property}}} does not exist. Properties available on ${{construct:{id}}} are: {}",
                names.join(", ")
            ))
        }
    }
}

// ---- the CDK template --------------------------------------------------------------------------

fn queue_id(id: &str, which: &str) -> String {
    cdk_id(&[id, which, "Resource"])
}

/// The CloudFormation properties of a type in the order the CDK renders them (every property,
/// set or not: an override of an unset one lands at its place, unknown ones at the end).
fn property_order(ty: &str) -> &'static [&'static str] {
    match ty {
        "AWS::SQS::Queue" => &[
            "ContentBasedDeduplication",
            "DeduplicationScope",
            "DelaySeconds",
            "FifoQueue",
            "FifoThroughputLimit",
            "KmsDataKeyReusePeriodSeconds",
            "KmsMasterKeyId",
            "MaximumMessageSize",
            "MessageRetentionPeriod",
            "QueueName",
            "ReceiveMessageWaitTimeSeconds",
            "RedriveAllowPolicy",
            "RedrivePolicy",
            "SqsManagedSseEnabled",
            "Tags",
            "VisibilityTimeout",
        ],
        "AWS::CloudWatch::Alarm" => &[
            "ActionConfiguration",
            "ActionsEnabled",
            "AlarmActions",
            "AlarmDescription",
            "AlarmName",
            "ComparisonOperator",
            "DatapointsToAlarm",
            "Dimensions",
            "EvaluateLowSampleCountPercentile",
            "EvaluationCriteria",
            "EvaluationInterval",
            "EvaluationPeriods",
            "EvaluationWindow",
            "ExtendedStatistic",
            "InsufficientDataActions",
            "MetricName",
            "Metrics",
            "Namespace",
            "OKActions",
            "Period",
            "Statistic",
            "Tags",
            "Threshold",
            "ThresholdMetricId",
            "TreatMissingData",
            "Unit",
            "WarmUpConfiguration",
        ],
        "AWS::S3::Bucket" => &[
            "AbacStatus",
            "AccelerateConfiguration",
            "AccessControl",
            "AnalyticsConfigurations",
            "BucketEncryption",
            "BucketName",
            "BucketNamePrefix",
            "BucketNamespace",
            "CorsConfiguration",
            "IntelligentTieringConfigurations",
            "InventoryConfigurations",
            "LifecycleConfiguration",
            "LoggingConfiguration",
            "MetadataConfiguration",
            "MetadataTableConfiguration",
            "MetricsConfigurations",
            "NotificationConfiguration",
            "ObjectLockConfiguration",
            "ObjectLockEnabled",
            "OwnershipControls",
            "PublicAccessBlockConfiguration",
            "ReplicationConfiguration",
            "Tags",
            "VersioningConfiguration",
            "WebsiteConfiguration",
        ],
        "AWS::ApiGatewayV2::Api" => &[
            "ApiKeySelectionExpression",
            "BasePath",
            "Body",
            "BodyS3Location",
            "CorsConfiguration",
            "CredentialsArn",
            "Description",
            "DisableExecuteApiEndpoint",
            "DisableSchemaValidation",
            "FailOnWarnings",
            "IpAddressType",
            "Name",
            "ProtocolType",
            "RouteKey",
            "RouteSelectionExpression",
            "Tags",
            "Target",
            "Version",
        ],
        "AWS::DynamoDB::Table" => &[
            "AttributeDefinitions",
            "BillingMode",
            "ContributorInsightsSpecification",
            "DeletionProtectionEnabled",
            "GlobalSecondaryIndexes",
            "ImportSourceSpecification",
            "KeySchema",
            "KinesisStreamSpecification",
            "LocalSecondaryIndexes",
            "OnDemandThroughput",
            "PointInTimeRecoverySpecification",
            "ProvisionedThroughput",
            "ResourcePolicy",
            "SSESpecification",
            "StreamSpecification",
            "TableClass",
            "TableName",
            "Tags",
            "TimeToLiveSpecification",
            "VectorIndexes",
            "WarmThroughput",
        ],
        "AWS::CloudFront::Distribution" => &["DistributionConfig", "Tags"],
        "AWS::Events::EventBus" => {
            &["DeadLetterConfig", "Description", "EventSourceName", "KmsKeyIdentifier", "LogConfig", "Name", "Policy", "Tags"]
        }
        _ => &[],
    }
}

/// A construct's part of the CDK template.
#[derive(Default)]
struct Synth {
    resources: Vec<(String, Value)>,
    outputs: Vec<(String, Value)>,
    /// Extension name -> logical id.
    extendable: Vec<(&'static str, String)>,
}

impl Synth {
    fn resource(&mut self, path: &[&str], ty: &str, props: Value, retain: Option<&str>) -> String {
        let id = cdk_id(path);
        let mut r = Map::new();
        r.insert("Type".into(), json!(ty));
        if props.as_object().is_none_or(|p| !p.is_empty()) {
            r.insert("Properties".into(), props);
        }
        if let Some(p) = retain {
            r.insert("UpdateReplacePolicy".into(), json!(p));
            r.insert("DeletionPolicy".into(), json!(p));
        }
        self.resources.push((id.clone(), Value::Object(r)));
        id
    }
    /// Add `DependsOn` to a resource added before.
    fn depends_on(&mut self, id: &str, on: Value) {
        if let Some((_, Value::Object(r))) = self.resources.iter_mut().find(|(r, _)| r == id) {
            r.insert("DependsOn".into(), on);
        }
    }
    fn output(&mut self, path: &[&str], description: Option<String>, value: Value) {
        let mut o = Map::new();
        if let Some(d) = description {
            o.insert("Description".into(), json!(d));
        }
        o.insert("Value".into(), value);
        self.outputs.push((cdk_id(path), Value::Object(o)));
    }
}

/// Add the IAM statements and merge the CDK template into `resources`.
pub fn finish(lift: &Lift, pre: &mut Prepared, diags: &mut Vec<Diagnostic>) {
    let provider = pre.service.provider.clone().unwrap_or_default();
    let stack_name =
        provider.stack_name.clone().filter(|s| !s.is_empty()).unwrap_or_else(|| naming::stack_name(&pre.service_name, &pre.stage));
    let mut template_resources = Map::new();
    let mut template_outputs = Map::new();
    let mut statements = Vec::new();
    for c in &lift.constructs {
        let mut s = Synth::default();
        match c.kind {
            Kind::Queue => queue(c, &stack_name, &mut s, &mut statements),
            Kind::Storage => storage(c, &mut s, &mut statements),
            Kind::Webhook => webhook(c, &pre.region, &mut s),
            Kind::Database => database(c, &mut s, &mut statements),
            Kind::StaticWebsite | Kind::SinglePageApp => website(c, &stack_name, &pre.region, &mut s),
            Kind::Vpc => vpc(&c.id, &mut s),
            Kind::ServerSideWebsite => server_side_website(c, &stack_name, &pre.region, &pre.stage, &mut s),
        }
        if let Some(Value::Object(ext)) = c.cfg.get("extensions") {
            for (name, overrides) in ext {
                let Some((_, logical)) = s.extendable.iter().find(|(n, _)| n == name) else { continue };
                if let Some((_, r)) = s.resources.iter_mut().find(|(id, _)| id == logical) {
                    apply_extension(r, overrides);
                }
            }
        }
        template_resources.extend(s.resources);
        template_outputs.extend(s.outputs);
    }
    if lift.automatic_permissions && !statements.is_empty() {
        add_statements(pre, statements, diags);
    }
    let mut cdk = Map::new();
    if !template_resources.is_empty() {
        cdk.insert("Resources".into(), Value::Object(template_resources));
    }
    if !template_outputs.is_empty() {
        cdk.insert("Outputs".into(), Value::Object(template_outputs));
    }
    if !cdk.is_empty() {
        let resources = pre.service.resources.get_or_insert_with(|| Value::Object(Map::new()));
        crate::merge::merge_owned(resources, Value::Object(cdk));
    }
}

/// Lift's `appendPermissions`.
fn add_statements(pre: &mut Prepared, statements: Vec<Value>, diags: &mut Vec<Diagnostic>) {
    let provider = pre.service.provider.get_or_insert_with(Default::default);
    if let Some(Value::Object(role)) = provider.iam.as_mut().and_then(|i| i.role.as_mut()) {
        if role.contains_key("statements") {
            if let Some(Value::Array(list)) = role.get_mut("statements") {
                list.extend(statements);
            }
            return;
        }
    }
    let list = provider.iam_role_statements.get_or_insert_with(Vec::new);
    for st in statements {
        match serde_json::from_value::<cfgen_model::coerce::Statement>(st) {
            Ok(s) => list.push(s),
            Err(e) => diags.push(Diagnostic::error(codes::INVALID_VALUE, format!("serverless-lift statement: {e}"))),
        }
    }
}

fn get_att(id: &str, attr: &str) -> Value {
    json!({"Fn::GetAtt": [id, attr]})
}

fn queue(c: &Construct, stack_name: &str, s: &mut Synth, statements: &mut Vec<Value>) {
    let id = c.id.as_str();
    let cfg = &c.cfg;
    let fifo = cfg.get("fifo").and_then(Value::as_bool);
    let visibility = c.worker.as_ref().map_or(36.0, |(_, t)| *t);
    let max_retries = cfg.get("maxRetries").cloned().unwrap_or(json!(3));
    let base = format!("{stack_name}-{id}");
    let is_fifo = fifo == Some(true);
    let kms_key = match cfg.get("encryption").and_then(Value::as_str) {
        Some("kmsManaged") => Some(json!("alias/aws/sqs")),
        Some("kms") => {
            let key_name = cfg.get("encryptionKey").and_then(Value::as_str).unwrap_or_default();
            let key = s.resource(
                &[id, key_name, "Resource"],
                "AWS::KMS::Key",
                json!({"KeyPolicy": {"Statement": [{
                    "Action": "kms:*",
                    "Effect": "Allow",
                    "Principal": {"AWS": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::", {"Ref": "AWS::AccountId"}, ":root"]]}},
                    "Resource": "*"
                }], "Version": "2012-10-17"}}),
                Some("Retain"),
            );
            Some(get_att(&key, "Arn"))
        }
        _ => None,
    };
    // Dead letter queue.
    let mut p = Map::new();
    if let Some(f) = fifo {
        p.insert("FifoQueue".into(), json!(f));
    }
    if let Some(k) = &kms_key {
        p.insert("KmsMasterKeyId".into(), k.clone());
    }
    p.insert("MessageRetentionPeriod".into(), json!(1_209_600));
    p.insert("QueueName".into(), json!(if is_fifo { format!("{base}-dlq.fifo") } else { format!("{base}-dlq") }));
    let dlq = s.resource(&[id, "Dlq", "Resource"], "AWS::SQS::Queue", Value::Object(p), Some("Delete"));
    // The queue.
    let mut p = Map::new();
    if let Some(f) = fifo {
        p.insert("ContentBasedDeduplication".into(), json!(f));
    }
    if let Some(d) = cfg.get("delay") {
        p.insert("DelaySeconds".into(), d.clone());
    }
    if let Some(f) = fifo {
        p.insert("FifoQueue".into(), json!(f));
    }
    if let Some(k) = &kms_key {
        p.insert("KmsMasterKeyId".into(), k.clone());
    }
    p.insert("QueueName".into(), json!(if is_fifo { format!("{base}.fifo") } else { base.clone() }));
    p.insert("RedrivePolicy".into(), json!({"deadLetterTargetArn": get_att(&dlq, "Arn"), "maxReceiveCount": max_retries}));
    p.insert("VisibilityTimeout".into(), cfgen_syntax::node::number_to_json(visibility));
    let q = s.resource(&[id, "Queue", "Resource"], "AWS::SQS::Queue", Value::Object(p), Some("Delete"));
    s.extendable.push(("dlq", dlq.clone()));
    s.extendable.push(("queue", q.clone()));
    if let Some(email) = cfg.get("alarm") {
        let display: String = format!("[Alert][{id}] failed jobs in the DLQ.")
            .encode_utf16()
            .take(100)
            .map(|u| char::from_u32(u.into()).unwrap_or('\u{FFFD}'))
            .collect();
        let topic = s.resource(
            &[id, "AlarmTopic", "Resource"],
            "AWS::SNS::Topic",
            json!({"DisplayName": display, "TopicName": format!("{stack_name}-{id}-dlq-alarm-topic")}),
            None,
        );
        s.resource(
            &[id, "AlarmTopicSubscription", "Resource"],
            "AWS::SNS::Subscription",
            json!({"Endpoint": email, "Protocol": "email", "TopicArn": {"Ref": &topic}}),
            None,
        );
        let alarm = s.resource(
            &[id, "Alarm", "Resource"],
            "AWS::CloudWatch::Alarm",
            json!({
                "AlarmActions": [{"Ref": topic}],
                "AlarmDescription": "Alert triggered when there are failed jobs in the dead letter queue.",
                "AlarmName": format!("{stack_name}-{id}-dlq-alarm"),
                "ComparisonOperator": "GreaterThanThreshold",
                "Dimensions": [{"Name": "QueueName", "Value": get_att(&dlq, "QueueName")}],
                "EvaluationPeriods": 1,
                "MetricName": "ApproximateNumberOfMessagesVisible",
                "Namespace": "AWS/SQS",
                "Period": 60,
                "Statistic": "Sum",
                "Threshold": 0,
                "TreatMissingData": "notBreaching"
            }),
            None,
        );
        s.extendable.push(("alarm", alarm));
    }
    s.output(&[id, "QueueArn"], Some(format!("ARN of the \"{id}\" SQS queue.")), get_att(&q, "Arn"));
    s.output(&[id, "QueueUrl"], Some(format!("URL of the \"{id}\" SQS queue.")), json!({ "Ref": &q }));
    s.output(&[id, "DlqUrl"], Some(format!("URL of the \"{id}\" SQS dead letter queue.")), json!({ "Ref": dlq }));
    statements
        .push(json!({"Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:ChangeMessageVisibility"], "Resource": [get_att(&q, "Arn")]}));
}

const STORAGE_IAM_ACTIONS: [&str; 14] = [
    "s3:PutObject",
    "s3:GetObject",
    "s3:DeleteObject",
    "s3:ListBucket",
    "s3:GetObjectAcl",
    "s3:PutObjectAcl",
    "s3:GetObjectTagging",
    "s3:PutObjectTagging",
    "s3:DeleteObjectTagging",
    "s3:GetObjectAttributes",
    "s3:AbortMultipartUpload",
    "s3:ListMultipartUploadParts",
    "s3:ListBucketMultipartUploads",
    "s3:RestoreObject",
];

/// Lift's `capitalizeKeys` (an array inside an array becomes an object keyed by index, as
/// `Object.entries` of an array gives).
fn capitalize_keys(v: &Value) -> Value {
    let cap = |k: &str| naming::upper_first(k);
    let entries: Vec<(String, &Value)> = match v {
        Value::Object(m) => m.iter().map(|(k, x)| (cap(k), x)).collect(),
        Value::Array(a) => a.iter().enumerate().map(|(i, x)| (i.to_string(), x)).collect(),
        other => return other.clone(),
    };
    let mut out = Map::new();
    for (k, x) in entries {
        let x = match x {
            Value::Array(items) => {
                Value::Array(items.iter().map(|i| if i.is_object() || i.is_array() { capitalize_keys(i) } else { i.clone() }).collect())
            }
            Value::Object(_) => capitalize_keys(x),
            other => other.clone(),
        };
        out.insert(k, x);
    }
    Value::Object(out)
}

fn storage(c: &Construct, s: &mut Synth, statements: &mut Vec<Value>) {
    let id = c.id.as_str();
    let cfg = &c.cfg;
    let allow_acl = cfg.get("allowAcl") == Some(&Value::Bool(true));
    let public = cfg.get("publicPath").and_then(Value::as_str).map(|p| {
        let p = p.trim_start_matches('/').trim_end_matches('/');
        if p.is_empty() || p == "*" {
            "*".to_string()
        } else {
            format!("{p}/*")
        }
    });
    let algorithm = if cfg.get("encryption").and_then(Value::as_str) == Some("kms") { "aws:kms" } else { "AES256" };
    let bucket_id = cdk_id(&[id, "Bucket", "Resource"]);
    let mut p = Map::new();
    p.insert(
        "BucketEncryption".into(),
        json!({"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": algorithm}}]}),
    );
    match cfg.get("cors") {
        Some(Value::String(origin)) => {
            p.insert(
                "CorsConfiguration".into(),
                json!({"CorsRules": [{"AllowedOrigins": [origin], "AllowedMethods": ["GET", "PUT", "DELETE"], "AllowedHeaders": ["*"]}]}),
            );
        }
        Some(Value::Array(rules)) => {
            let rules: Vec<Value> = rules.iter().map(capitalize_keys).collect();
            p.insert("CorsConfiguration".into(), json!({ "CorsRules": rules }));
        }
        _ => {}
    }
    let mut rules = vec![
        json!({"Status": "Enabled", "Transitions": [{"StorageClass": "INTELLIGENT_TIERING", "TransitionInDays": 0}]}),
        json!({"Status": "Enabled", "NoncurrentVersionExpiration": {"NoncurrentDays": 30}}),
    ];
    for r in cfg.get("lifecycleRules").and_then(Value::as_array).into_iter().flatten() {
        let mut r = capitalize_keys(r);
        if let Value::Object(m) = &mut r {
            if !m.contains_key("Status") {
                m.insert("Status".into(), json!("Enabled"));
            }
        }
        rules.push(r);
    }
    p.insert("LifecycleConfiguration".into(), json!({ "Rules": rules }));
    if allow_acl {
        p.insert("OwnershipControls".into(), json!({"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]}));
    }
    let block = if public.is_none() {
        json!({"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true})
    } else {
        json!({"BlockPublicAcls": !allow_acl, "BlockPublicPolicy": false, "IgnorePublicAcls": true, "RestrictPublicBuckets": false})
    };
    p.insert("PublicAccessBlockConfiguration".into(), block);
    p.insert("VersioningConfiguration".into(), json!({"Status": "Enabled"}));
    s.resource(&[id, "Bucket", "Resource"], "AWS::S3::Bucket", Value::Object(p), Some("Retain"));
    s.extendable.push(("bucket", bucket_id.clone()));
    let arn = get_att(&bucket_id, "Arn");
    let mut policy = vec![json!({
        "Action": "s3:*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Resource": [&arn, {"Fn::Join": ["", [&arn, "/*"]]}]
    })];
    if let Some(objects) = &public {
        policy.push(json!({
            "Action": "s3:GetObject",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Resource": {"Fn::Join": ["", [&arn, format!("/{objects}")]]}
        }));
    }
    s.resource(
        &[id, "Bucket", "Policy", "Resource"],
        "AWS::S3::BucketPolicy",
        json!({"Bucket": {"Ref": &bucket_id}, "PolicyDocument": {"Statement": policy, "Version": "2012-10-17"}}),
        None,
    );
    s.output(&[id, "BucketName"], None, json!({ "Ref": bucket_id }));
    statements.push(json!({
        "Effect": "Allow",
        "Action": STORAGE_IAM_ACTIONS,
        "Resource": [&arn, {"Fn::Join": ["/", [&arn, "*"]]}]
    }));
}

fn webhook(c: &Construct, region: &str, s: &mut Synth) {
    let id = c.id.as_str();
    let cfg = &c.cfg;
    let insecure = truthy(cfg.get("insecure"));
    let api = s.resource(&[id, "HttpApi", "Resource"], "AWS::ApiGatewayV2::Api", json!({"Name": "HttpApi", "ProtocolType": "HTTP"}), None);
    s.resource(
        &[id, "HttpApi", "DefaultStage", "Resource"],
        "AWS::ApiGatewayV2::Stage",
        json!({"ApiId": {"Ref": &api}, "AutoDeploy": true, "StageName": "$default"}),
        None,
    );
    s.output(&[id, "HttpApiEndpoint"], None, get_att(&api, "ApiEndpoint"));
    let bus = s.resource(&[id, "Bus", "Resource"], "AWS::Events::EventBus", json!({ "Name": cdk_id(&[id, "Bus"]) }), None);
    s.extendable.push(("api", api.clone()));
    s.extendable.push(("bus", bus.clone()));
    let role = s.resource(
        &[id, "ApiGatewayRole", "Resource"],
        "AWS::IAM::Role",
        json!({
            "AssumeRolePolicyDocument": {
                "Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"}}],
                "Version": "2012-10-17"
            },
            "Policies": [{
                "PolicyDocument": {"Statement": [{"Action": "events:PutEvents", "Effect": "Allow", "Resource": get_att(&bus, "Arn")}], "Version": "2012-10-17"},
                "PolicyName": "EventBridge"
            }]
        }),
        None,
    );
    let authorizer_fn = naming::lambda_function(&format!("{id}Authorizer"));
    if !insecure {
        s.resource(
            &[id, "ApiGatewayRole", "DefaultPolicy", "Resource"],
            "AWS::IAM::Policy",
            json!({
                "PolicyDocument": {
                    "Statement": [{
                        "Action": "lambda:InvokeFunction",
                        "Effect": "Allow",
                        "Resource": [get_att(&authorizer_fn, "Arn"), {"Fn::Join": ["", [get_att(&authorizer_fn, "Arn"), ":*"]]}]
                    }],
                    "Version": "2012-10-17"
                },
                "PolicyName": cdk_id(&[id, "ApiGatewayRole", "DefaultPolicy", "Resource"]),
                "Roles": [{"Ref": &role}]
            }),
            None,
        );
    }
    let event_type = cfg.get("eventType").cloned().unwrap_or(json!("Webhook"));
    let integration = s.resource(
        &[id, "Integration"],
        "AWS::ApiGatewayV2::Integration",
        json!({
            "ApiId": {"Ref": &api},
            "ConnectionType": "INTERNET",
            "CredentialsArn": get_att(&role, "Arn"),
            "IntegrationSubtype": "EventBridge-PutEvents",
            "IntegrationType": "AWS_PROXY",
            "PayloadFormatVersion": "1.0",
            "RequestParameters": {"DetailType": event_type, "Detail": "$request.body", "Source": id, "EventBusName": {"Ref": bus}}
        }),
        None,
    );
    let method = cfg.get("method").map_or_else(|| "POST".to_string(), js_string);
    let path = cfg.get("path").map(js_string).unwrap_or_default();
    let route_key = format!("{method} {path}");
    let authorizer = cdk_id(&[id, "Authorizer"]);
    let mut route = Map::new();
    route.insert("ApiId".into(), json!({ "Ref": &api }));
    if insecure {
        route.insert("AuthorizationType".into(), json!("NONE"));
    } else {
        route.insert("AuthorizationType".into(), json!("CUSTOM"));
        route.insert("AuthorizerId".into(), json!({ "Ref": authorizer }));
    }
    route.insert("RouteKey".into(), json!(&route_key));
    route.insert("Target".into(), json!({"Fn::Join": ["/", ["integrations", {"Ref": integration}]]}));
    s.resource(&[id, "Route"], "AWS::ApiGatewayV2::Route", Value::Object(route), None);
    if !insecure {
        s.resource(
            &[id, "Authorizer"],
            "AWS::ApiGatewayV2::Authorizer",
            json!({
                "ApiId": {"Ref": api},
                "AuthorizerCredentialsArn": get_att(&role, "Arn"),
                "AuthorizerPayloadFormatVersion": "2.0",
                "AuthorizerType": "REQUEST",
                "AuthorizerUri": {"Fn::Join": ["/", [
                    format!("arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions"),
                    get_att(&authorizer_fn, "Arn"),
                    "invocations"
                ]]},
                "EnableSimpleResponses": true,
                "Name": format!("{id}-authorizer")
            }),
            None,
        );
    }
    s.output(&[id, "Endpoint"], None, json!(route_key));
}

fn database(c: &Construct, s: &mut Synth, statements: &mut Vec<Value>) {
    let id = c.id.as_str();
    let lsi = c.cfg.get("localSecondaryIndexes") == Some(&Value::Bool(true));
    let gsi = num(c.cfg.get("gsiCount")).unwrap_or(0.0).max(0.0) as usize;
    let attr = |name: String| json!({"AttributeName": name, "AttributeType": "S"});
    let mut attributes = vec![attr("PK".into()), attr("SK".into())];
    let mut locals = Vec::new();
    if lsi {
        for i in 1..=5 {
            attributes.push(attr(format!("LSI-{i}-SK")));
            locals.push(json!({
                "IndexName": format!("LSI-{i}"),
                "KeySchema": [{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": format!("LSI-{i}-SK"), "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"}
            }));
        }
    }
    let mut globals = Vec::new();
    for i in 1..=gsi {
        attributes.push(attr(format!("GSI-{i}-PK")));
        attributes.push(attr(format!("GSI-{i}-SK")));
        globals.push(json!({
            "IndexName": format!("GSI-{i}"),
            "KeySchema": [{"AttributeName": format!("GSI-{i}-PK"), "KeyType": "HASH"}, {"AttributeName": format!("GSI-{i}-SK"), "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "ALL"}
        }));
    }
    let mut p = Map::new();
    p.insert("AttributeDefinitions".into(), Value::Array(attributes));
    p.insert("BillingMode".into(), json!("PAY_PER_REQUEST"));
    if !globals.is_empty() {
        p.insert("GlobalSecondaryIndexes".into(), Value::Array(globals));
    }
    p.insert("KeySchema".into(), json!([{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}]));
    if !locals.is_empty() {
        p.insert("LocalSecondaryIndexes".into(), Value::Array(locals));
    }
    p.insert("PointInTimeRecoverySpecification".into(), json!({"PointInTimeRecoveryEnabled": true}));
    p.insert("StreamSpecification".into(), json!({"StreamViewType": "NEW_AND_OLD_IMAGES"}));
    p.insert("TimeToLiveSpecification".into(), json!({"AttributeName": "TimeToLive", "Enabled": true}));
    let table = s.resource(&[id, "Table", "Resource"], "AWS::DynamoDB::Table", Value::Object(p), Some("Retain"));
    s.extendable.push(("table", table.clone()));
    s.output(&[id, "TableName"], None, json!({ "Ref": &table }));
    let arn = get_att(&table, "Arn");
    statements.push(json!({
        "Effect": "Allow",
        "Action": [
            "dynamodb:GetItem",
            "dynamodb:BatchGetItem",
            "dynamodb:Query",
            "dynamodb:Scan",
            "dynamodb:PutItem",
            "dynamodb:DeleteItem",
            "dynamodb:BatchWriteItem",
            "dynamodb:UpdateItem",
            "dynamodb:ConditionCheckItem"
        ],
        "Resource": [&arn, {"Fn::Join": ["/", [&arn, "index/*"]]}]
    }));
}

// ---- extensions --------------------------------------------------------------------------------

/// Lift's `redirectToMainDomain`: the request function's code that sends every other domain to
/// the first (nothing for fewer than two domains).
fn redirect_to_main_domain(domains: Option<&[String]>) -> String {
    match domains {
        Some(d) if d.len() >= 2 => {
            let main = &d[0];
            format!(
                "\n    if (request.headers[\"host\"].value !== \"{main}\") {{\n        return {{\n            statusCode: 301,\n            statusDescription: \"Moved Permanently\",\n            headers: {{\n                location: {{\n                    value: \"https://{main}\" + request.uri\n                }}\n            }}\n        }};\n    }}"
            )
        }
        _ => String::new(),
    }
}

const SPA_REQUEST_START: &str = "var REDIRECT_REGEX = /^[^.]+$|\\.(?!(css|gif|ico|jpg|jpeg|js|png|txt|svg|woff|woff2|ttf|map|json|webp|xml|pdf|webmanifest|avif|wasm|lottie)$)([^.]+$)/;\n\nfunction handler(event) {\n    var uri = event.request.uri;\n    var request = event.request;\n    var isUriToRedirect = REDIRECT_REGEX.test(uri);\n\n    if (isUriToRedirect) {\n        request.uri = \"/index.html\";\n    }";

/// A `cloudfront.Function` of the CDK (runtime `cloudfront-js-1.0`, published).
fn cloudfront_function(s: &mut Synth, path: &[&str], name: &str, code: String) -> Value {
    let id = s.resource(
        path,
        "AWS::CloudFront::Function",
        json!({
            "AutoPublish": true,
            "FunctionCode": code,
            "FunctionConfig": {"Comment": name, "Runtime": "cloudfront-js-1.0"},
            "Name": name
        }),
        None,
    );
    get_att(&id, "FunctionARN")
}

/// The id of a distribution's `n`th origin: the CDK's unique id of its `Origin<n>` scope, its
/// last 128 characters.
fn origin_id(id: &str, n: usize) -> String {
    let scope = cdk_id(&[id, "CDN", &format!("Origin{n}")]);
    scope.chars().skip(scope.chars().count().saturating_sub(128)).collect()
}

/// A website distribution's comment, cut to CloudFront's 128 characters as the CDK cuts it.
fn cdn_comment(stack_name: &str, id: &str) -> String {
    let comment = format!("{stack_name} {id} website CDN");
    if comment.chars().count() > 128 {
        format!("{}...", comment.chars().take(125).collect::<String>())
    } else {
        comment
    }
}

/// The CDK's viewer certificate for an imported ACM certificate.
fn viewer_certificate(arn: &str) -> Value {
    json!({"AcmCertificateArn": arn, "MinimumProtocolVersion": "TLSv1.2_2021", "SslSupportMethod": "sni-only"})
}

/// `versionedAssets`: the lifecycle rule that expires the files the upload tagged obsolete.
fn obsolete_assets_expire() -> Value {
    json!({"Rules": [{"ExpirationInDays": 1, "Status": "Enabled", "TagFilters": [{"Key": "Obsolete", "Value": "true"}]}]})
}

/// The outputs every website has: its domain (the first custom one, else CloudFront's), the
/// CloudFront domain and the distribution's id.
fn distribution_outputs(s: &mut Synth, id: &str, domains: Option<&[String]>, cdn: &str) {
    let domain = match domains {
        Some(d) => json!(&d[0]),
        None => get_att(cdn, "DomainName"),
    };
    s.output(&[id, "Domain"], Some("Website domain name.".into()), domain);
    s.output(&[id, "CloudFrontCName"], Some("CloudFront CNAME.".into()), get_att(cdn, "DomainName"));
    s.output(&[id, "DistributionId"], Some("ID of the CloudFront distribution.".into()), json!({ "Ref": cdn }));
}

/// `static-website` and `single-page-app` (Lift's `StaticWebsiteAbstract`): the bucket, its
/// policy, the response function with security headers, the CloudFront distribution (a website
/// origin for `static-website`, an origin access identity for `single-page-app`) and the request
/// function (single-page-app routing, redirects to the main domain).
fn website(c: &Construct, stack_name: &str, region: &str, s: &mut Synth) {
    let id = c.id.as_str();
    let cfg = &c.cfg;
    let spa = c.kind == Kind::SinglePageApp;
    let domains = website_domains(cfg);
    let certificate = cfg.get("certificate").and_then(Value::as_str).filter(|c| !c.is_empty());
    let error_path = cfg.get("errorPage").and_then(Value::as_str).map(|p| if p.starts_with('/') { p.to_string() } else { format!("/{p}") });
    let function_name = |which: &str| ensure_name_max_length(&format!("{stack_name}-{region}-{id}-{which}"), 64);
    // The bucket and its policy.
    let bucket = cdk_id(&[id, "Bucket", "Resource"]);
    let mut p = Map::new();
    if cfg.get("versionedAssets") == Some(&Value::Bool(true)) {
        p.insert("LifecycleConfiguration".into(), obsolete_assets_expire());
    }
    if !spa {
        p.insert(
            "PublicAccessBlockConfiguration".into(),
            json!({"BlockPublicAcls": false, "BlockPublicPolicy": false, "IgnorePublicAcls": false, "RestrictPublicBuckets": false}),
        );
        let mut w = Map::new();
        if let Some(e) = &error_path {
            w.insert("ErrorDocument".into(), json!(e));
        }
        w.insert("IndexDocument".into(), json!("index.html"));
        p.insert("WebsiteConfiguration".into(), Value::Object(w));
    }
    s.resource(&[id, "Bucket", "Resource"], "AWS::S3::Bucket", Value::Object(p), Some("Delete"));
    s.extendable.push(("bucket", bucket.clone()));
    let origin_id = origin_id(id, 1);
    let oai = cdk_id(&[id, "CDN", "Origin1", "S3Origin", "Resource"]);
    let principal = if spa { json!({"CanonicalUser": get_att(&oai, "S3CanonicalUserId")}) } else { json!({"AWS": "*"}) };
    s.resource(
        &[id, "Bucket", "Policy", "Resource"],
        "AWS::S3::BucketPolicy",
        json!({"Bucket": {"Ref": &bucket}, "PolicyDocument": {"Statement": [{
            "Action": "s3:GetObject",
            "Effect": "Allow",
            "Principal": principal,
            "Resource": {"Fn::Join": ["", [get_att(&bucket, "Arn"), "/*"]]}
        }], "Version": "2012-10-17"}}),
        None,
    );
    // The response function: security headers.
    let allow_iframe = cfg.get("security").and_then(|s| s.get("allowIframe")) == Some(&Value::Bool(true));
    let mut headers: Vec<(&str, &str)> = Vec::new();
    if !allow_iframe {
        headers.push(("x-frame-options", "SAMEORIGIN"));
    }
    headers.extend([
        ("x-content-type-options", "nosniff"),
        ("x-xss-protection", "1; mode=block"),
        ("strict-transport-security", "max-age=63072000"),
    ]);
    let headers: Vec<String> = headers.iter().map(|(k, v)| format!("    \"{k}\": {{\n        \"value\": \"{v}\"\n    }}")).collect();
    let response_code = format!(
        "function handler(event) {{\n    var response = event.response;\n    response.headers = Object.assign({{}}, {{\n{}\n}}, response.headers);\n    return response;\n}}",
        headers.join(",\n")
    );
    let response = cloudfront_function(s, &[id, "ResponseFunction", "Resource"], &function_name("response"), response_code);
    // The origin.
    let origin = if spa {
        let comment: String = format!("Identity for {origin_id}").chars().take(128).collect();
        s.resource(
            &[id, "CDN", "Origin1", "S3Origin", "Resource"],
            "AWS::CloudFront::CloudFrontOriginAccessIdentity",
            json!({"CloudFrontOriginAccessIdentityConfig": {"Comment": comment}}),
            None,
        );
        json!({
            "DomainName": get_att(&bucket, "RegionalDomainName"),
            "Id": &origin_id,
            "S3OriginConfig": {"OriginAccessIdentity": {"Fn::Join": ["", ["origin-access-identity/cloudfront/", {"Ref": &oai}]]}}
        })
    } else {
        json!({
            "CustomOriginConfig": {"OriginProtocolPolicy": "http-only", "OriginSSLProtocols": ["TLSv1.2"]},
            "DomainName": {"Fn::Select": [2, {"Fn::Split": ["/", get_att(&bucket, "WebsiteURL")]}]},
            "Id": &origin_id
        })
    };
    // The request function (created after the distribution).
    let redirect = if cfg.get("redirectToMainDomain") == Some(&Value::Bool(true)) {
        redirect_to_main_domain(domains.as_deref())
    } else {
        String::new()
    };
    let request_code = if spa {
        Some(format!("{SPA_REQUEST_START}{redirect}\n\n    return event.request;\n}}"))
    } else if !redirect.is_empty() {
        Some(format!("function handler(event) {{\n    var request = event.request;{redirect}\n    return request;\n}}"))
    } else {
        None
    };
    let request_path = [id, "RequestFunction", "Resource"];
    let mut associations = vec![json!({"EventType": "viewer-response", "FunctionARN": response})];
    if request_code.is_some() {
        associations.push(json!({"EventType": "viewer-request", "FunctionARN": get_att(&cdk_id(&request_path), "FunctionARN")}));
    }
    // The distribution.
    let comment = cdn_comment(stack_name, id);
    let mut d = Map::new();
    if let Some(domains) = &domains {
        d.insert("Aliases".into(), json!(domains));
    }
    d.insert("Comment".into(), json!(comment));
    d.insert(
        "CustomErrorResponses".into(),
        json!([{
            "ErrorCachingMinTTL": 0,
            "ErrorCode": 404,
            "ResponseCode": if error_path.is_some() { 404 } else { 200 },
            "ResponsePagePath": error_path.as_deref().unwrap_or("/index.html")
        }]),
    );
    d.insert(
        "DefaultCacheBehavior".into(),
        json!({
            "AllowedMethods": ["GET", "HEAD", "OPTIONS"],
            "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
            "Compress": true,
            "FunctionAssociations": associations,
            "TargetOriginId": &origin_id,
            "ViewerProtocolPolicy": "redirect-to-https"
        }),
    );
    d.insert("DefaultRootObject".into(), json!("index.html"));
    d.insert("Enabled".into(), json!(true));
    d.insert("HttpVersion".into(), json!("http2"));
    d.insert("IPV6Enabled".into(), json!(true));
    d.insert("Origins".into(), json!([origin]));
    if let Some(arn) = certificate {
        d.insert("ViewerCertificate".into(), viewer_certificate(arn));
    }
    let cdn = s.resource(&[id, "CDN", "Resource"], "AWS::CloudFront::Distribution", json!({ "DistributionConfig": d }), None);
    s.extendable.push(("distribution", cdn.clone()));
    if let Some(code) = request_code {
        cloudfront_function(s, &request_path, &function_name("request"), code);
    }
    s.output(&[id, "BucketName"], Some("Name of the bucket that stores the static website.".into()), json!({ "Ref": &bucket }));
    distribution_outputs(s, id, domains.as_deref(), &cdn);
}

/// Lift's `setVpcConfig`: the functions run in the construct's private subnets, with its
/// security group (`provider.vpc`, set before Serverless compiles the functions). A second VPC,
/// or one next to `provider.vpc`, is an error.
fn set_vpc_config(root: &mut Node, c: &Construct) -> Option<Diagnostic> {
    let type_span = span_at(root, &["constructs", &c.id, "type"]);
    if root.pointer(["provider", "vpc"]).is_some_and(|v| !v.is_null()) {
        return Some(
            Diagnostic::error(
                codes::INVALID_VALUE,
                "Can't register more than one VPC. Either you have several \"vpc\" constructs or you already defined \"provider.vpc\" in serverless.yml",
            )
            .at(type_span)
            .help("keep one `vpc` construct and remove `provider.vpc` (the construct sets it)"),
        );
    }
    let id = c.id.as_str();
    let vpc = json!({
        "securityGroupIds": [get_att(&cdk_id(&[id, "AppSecurityGroup", "Resource"]), "GroupId")],
        "subnetIds": [
            {"Ref": cdk_id(&[id, "PrivateSubnet1", "Subnet"])},
            {"Ref": cdk_id(&[id, "PrivateSubnet2", "Subnet"])}
        ]
    });
    let top = root.as_map_mut()?;
    if !matches!(top.get("provider").map(|n| &n.value), Some(NodeValue::Map(_))) {
        top.insert("provider".into(), c.span, Node::new(c.span, NodeValue::Map(Default::default())));
    }
    let provider = top.get_mut("provider")?.as_map_mut()?;
    match provider.get_mut("vpc") {
        Some(existing) => *existing = Node::from_json(&vpc, c.span),
        None => provider.insert("vpc".into(), c.span, Node::from_json(&vpc, c.span)),
    }
    None
}

/// The CDK's `new Vpc(stack, id, { maxAzs: 2 })` in a stack without an environment, plus Lift's
/// security group for the functions: a public and a private subnet in each of two zones (a /18
/// each of 10.0.0.0/16), an internet gateway, a NAT gateway per public subnet and the routes.
fn vpc(id: &str, s: &mut Synth) {
    let path = format!("Default/{id}");
    let name = |n: &str| json!([{"Key": "Name", "Value": n}]);
    let vpc = s.resource(
        &[id, "Resource"],
        "AWS::EC2::VPC",
        json!({"CidrBlock": "10.0.0.0/16", "EnableDnsHostnames": true, "EnableDnsSupport": true, "InstanceTenancy": "default", "Tags": name(&path)}),
        None,
    );
    let igw = cdk_id(&[id, "IGW"]);
    let gateway_attachment = cdk_id(&[id, "VPCGW"]);
    let mut nat_gateways: Vec<String> = Vec::new();
    for (kind, public) in [("Public", true), ("Private", false)] {
        for zone in 0..2usize {
            let subnet = format!("{kind}Subnet{}", zone + 1);
            let subnet_path = format!("{path}/{subnet}");
            let cidr = format!("10.0.{}.0/18", (if public { 0 } else { 2 } + zone) * 64);
            let subnet_id = s.resource(
                &[id, &subnet, "Subnet"],
                "AWS::EC2::Subnet",
                json!({
                    "AvailabilityZone": {"Fn::Select": [zone, {"Fn::GetAZs": ""}]},
                    "CidrBlock": cidr,
                    "MapPublicIpOnLaunch": public,
                    "Tags": [
                        {"Key": "aws-cdk:subnet-name", "Value": kind},
                        {"Key": "aws-cdk:subnet-type", "Value": kind},
                        {"Key": "Name", "Value": &subnet_path}
                    ],
                    "VpcId": {"Ref": &vpc}
                }),
                None,
            );
            let table = s.resource(
                &[id, &subnet, "RouteTable"],
                "AWS::EC2::RouteTable",
                json!({"Tags": name(&subnet_path), "VpcId": {"Ref": &vpc}}),
                None,
            );
            let association = s.resource(
                &[id, &subnet, "RouteTableAssociation"],
                "AWS::EC2::SubnetRouteTableAssociation",
                json!({"RouteTableId": {"Ref": &table}, "SubnetId": {"Ref": &subnet_id}}),
                None,
            );
            let route_props = if public {
                json!({"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": {"Ref": &igw}, "RouteTableId": {"Ref": &table}})
            } else {
                json!({"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": {"Ref": nat_gateways[zone].clone()}, "RouteTableId": {"Ref": &table}})
            };
            let route = s.resource(&[id, &subnet, "DefaultRoute"], "AWS::EC2::Route", route_props, None);
            if public {
                s.depends_on(&route, json!([&gateway_attachment]));
                let eip = s.resource(&[id, &subnet, "EIP"], "AWS::EC2::EIP", json!({"Domain": "vpc", "Tags": name(&subnet_path)}), None);
                let nat = s.resource(
                    &[id, &subnet, "NATGateway"],
                    "AWS::EC2::NatGateway",
                    json!({"AllocationId": get_att(&eip, "AllocationId"), "SubnetId": {"Ref": &subnet_id}, "Tags": name(&subnet_path)}),
                    None,
                );
                s.depends_on(&nat, json!([route, association]));
                nat_gateways.push(nat);
            }
        }
    }
    s.resource(&[id, "IGW"], "AWS::EC2::InternetGateway", json!({"Tags": name(&path)}), None);
    s.resource(&[id, "VPCGW"], "AWS::EC2::VPCGatewayAttachment", json!({"InternetGatewayId": {"Ref": igw}, "VpcId": {"Ref": &vpc}}), None);
    s.resource(
        &[id, "AppSecurityGroup", "Resource"],
        "AWS::EC2::SecurityGroup",
        json!({
            "GroupDescription": format!("{path}/AppSecurityGroup"),
            "SecurityGroupEgress": [{"CidrIp": "0.0.0.0/0", "Description": "Allow all outbound traffic by default", "IpProtocol": "-1"}],
            "Tags": name(&path),
            "VpcId": {"Ref": vpc}
        }),
        None,
    );
}

/// `server-side-website` (Lift's `ServerSideWebsite`): the assets bucket, the request function
/// (the `Host` forwarded as `X-Forwarded-Host`, redirects to the main domain), an origin access
/// control when there are assets, and the distribution: the service's HTTP API (or REST API, at
/// the stage's path) by default, each asset pattern (and the error page) from the bucket.
fn server_side_website(c: &Construct, stack_name: &str, region: &str, stage: &str, s: &mut Synth) {
    let id = c.id.as_str();
    let cfg = &c.cfg;
    let rest = cfg.get("apiGateway").and_then(Value::as_str) == Some("rest");
    let domains = website_domains(cfg);
    let certificate = cfg.get("certificate").and_then(Value::as_str).filter(|c| !c.is_empty());
    // The bucket.
    let bucket = cdk_id(&[id, "Assets", "Resource"]);
    let mut p = Map::new();
    if cfg.get("versionedAssets") == Some(&Value::Bool(true)) {
        p.insert("LifecycleConfiguration".into(), obsolete_assets_expire());
    }
    s.resource(&[id, "Assets", "Resource"], "AWS::S3::Bucket", Value::Object(p), Some("Delete"));
    s.extendable.push(("bucket", bucket.clone()));
    // The asset patterns (the error page's file name added, or replacing the same pattern).
    let error_file =
        cfg.get("errorPage").and_then(Value::as_str).map(|p| p.rsplit('/').find(|x| !x.is_empty()).unwrap_or_default().to_string());
    let mut patterns: Vec<String> = cfg.get("assets").and_then(Value::as_object).map(|a| a.keys().cloned().collect()).unwrap_or_default();
    if let Some(file) = &error_file {
        let pattern = format!("/{file}");
        if !patterns.contains(&pattern) {
            patterns.push(pattern);
        }
    }
    let cdn = cdk_id(&[id, "CDN", "Resource"]);
    if !patterns.is_empty() {
        let distribution_arn = json!({"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":cloudfront::", {"Ref": "AWS::AccountId"}, ":distribution/", {"Ref": &cdn}]]});
        s.resource(
            &[id, "Assets", "Policy", "Resource"],
            "AWS::S3::BucketPolicy",
            json!({"Bucket": {"Ref": &bucket}, "PolicyDocument": {"Statement": [{
                "Action": "s3:GetObject",
                "Condition": {"StringEquals": {"AWS:SourceArn": distribution_arn}},
                "Effect": "Allow",
                "Principal": {"Service": "cloudfront.amazonaws.com"},
                "Resource": {"Fn::Join": ["", [get_att(&bucket, "Arn"), "/*"]]}
            }], "Version": "2012-10-17"}}),
            None,
        );
    }
    // The request function.
    let redirect = if cfg.get("redirectToMainDomain") == Some(&Value::Bool(true)) {
        redirect_to_main_domain(domains.as_deref())
    } else {
        String::new()
    };
    let code = format!(
        "function handler(event) {{\n    var request = event.request;\n    request.headers[\"x-forwarded-host\"] = request.headers[\"host\"];{redirect}\n    return request;\n}}"
    );
    let name = ensure_name_max_length(&format!("{stack_name}-{region}-{id}-request"), 64);
    let request = cloudfront_function(s, &[id, "RequestFunction", "Resource"], &name, code);
    // The origin access control, the origins and the behaviors.
    let api = if rest { naming::REST_API } else { naming::HTTP_API };
    let mut api_origin = json!({
        "CustomOriginConfig": {"OriginProtocolPolicy": "https-only", "OriginSSLProtocols": ["TLSv1.2"]},
        "DomainName": {"Fn::Join": [".", [{"Ref": api}, format!("execute-api.{region}.amazonaws.com")]]},
        "Id": origin_id(id, 1)
    });
    if rest {
        if let Value::Object(o) = &mut api_origin {
            o.insert("OriginPath".into(), json!(format!("/{stage}")));
        }
    }
    let mut origins = vec![api_origin];
    let mut behaviors = Vec::new();
    if !patterns.is_empty() {
        let oac = s.resource(
            &[id, "S3OriginAccessControl", "Resource"],
            "AWS::CloudFront::OriginAccessControl",
            json!({"OriginAccessControlConfig": {
                "Name": ensure_name_max_length(&format!("{stack_name}-{id}-oac"), 64),
                "OriginAccessControlOriginType": "s3",
                "SigningBehavior": "always",
                "SigningProtocol": "sigv4"
            }}),
            None,
        );
        for (i, pattern) in patterns.iter().enumerate() {
            let target = origin_id(id, i + 2);
            origins.push(json!({
                "DomainName": get_att(&bucket, "RegionalDomainName"),
                "Id": &target,
                "OriginAccessControlId": get_att(&oac, "Id"),
                "S3OriginConfig": {"OriginAccessIdentity": ""}
            }));
            behaviors.push(json!({
                "AllowedMethods": ["GET", "HEAD", "OPTIONS"],
                "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
                "Compress": true,
                "PathPattern": pattern,
                "TargetOriginId": target,
                "ViewerProtocolPolicy": "redirect-to-https"
            }));
        }
    }
    // The distribution.
    let comment = cdn_comment(stack_name, id);
    let error_response = |code: u16| match &error_file {
        Some(file) => json!({"ErrorCachingMinTTL": 0, "ErrorCode": code, "ResponseCode": code, "ResponsePagePath": format!("/{file}")}),
        None => json!({"ErrorCachingMinTTL": 0, "ErrorCode": code}),
    };
    let mut d = Map::new();
    if let Some(domains) = &domains {
        d.insert("Aliases".into(), json!(domains));
    }
    if !behaviors.is_empty() {
        d.insert("CacheBehaviors".into(), json!(behaviors));
    }
    d.insert("Comment".into(), json!(comment));
    d.insert("CustomErrorResponses".into(), json!([error_response(500), error_response(504)]));
    d.insert(
        "DefaultCacheBehavior".into(),
        json!({
            "AllowedMethods": ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"],
            "CachePolicyId": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
            "Compress": true,
            "FunctionAssociations": [{"EventType": "viewer-request", "FunctionARN": request}],
            "OriginRequestPolicyId": "b689b0a8-53d0-40ab-baf2-68738e2966ac",
            "TargetOriginId": origin_id(id, 1),
            "ViewerProtocolPolicy": "redirect-to-https"
        }),
    );
    d.insert("Enabled".into(), json!(true));
    d.insert("HttpVersion".into(), json!("http2and3"));
    d.insert("IPV6Enabled".into(), json!(true));
    d.insert("Origins".into(), json!(origins));
    if let Some(arn) = certificate {
        d.insert("ViewerCertificate".into(), viewer_certificate(arn));
    }
    s.resource(&[id, "CDN", "Resource"], "AWS::CloudFront::Distribution", json!({ "DistributionConfig": d }), None);
    s.extendable.push(("distribution", cdn.clone()));
    s.output(&[id, "AssetsBucketName"], Some("Name of the bucket that stores the website assets.".into()), json!({ "Ref": &bucket }));
    distribution_outputs(s, id, domains.as_deref(), &cdn);
}

/// `AwsConstruct.applyExtensions`: every leaf (and every array) of the extension object becomes
/// an `addOverride(path, value)`; the CDK then deep-merges the overrides into the rendered
/// resource, unset properties of the type taking their place in the CDK's property order.
fn apply_extension(resource: &mut Value, extension: &Value) {
    if !extension.is_object() {
        return;
    }
    let mut raw = Map::new();
    let mut leaves = Vec::new();
    collect_leaves(extension, &mut Vec::new(), &mut leaves);
    for (path, value) in leaves {
        let joined = path.join(".");
        add_override(&mut raw, &joined, value);
    }
    let Value::Object(r) = resource else { return };
    let ty = r.get("Type").and_then(Value::as_str).unwrap_or_default().to_string();
    if let Some(Value::Object(props)) = raw.get("Properties") {
        match r.get_mut("Properties") {
            Some(current @ Value::Object(_)) => {
                // The structures the CDK rendered (each with all of its properties, unset
                // ones as `undefined`) keep their type's order after the merge.
                let rendered: Vec<&(&[&str], &[&str])> = nested_property_order(&ty)
                    .iter()
                    .filter(|(path, _)| value::at(current, path).is_some_and(|v| v.is_object() && !is_intrinsic(v)))
                    .collect();
                deep_merge(current, props);
                for (path, order) in rendered {
                    if let Some(Value::Object(m)) = value::at_mut(current, path) {
                        *m = in_order(std::mem::take(m), order);
                    }
                }
                if let Value::Object(m) = current {
                    *m = in_order(std::mem::take(m), property_order(&ty));
                }
            }
            // No property was set: the CDK's resolve dropped `Properties`, and the override
            // adds it after the resource's other keys, in the override's order.
            None => {}
            Some(_) => return deep_merge(resource, &raw),
        }
        if r.contains_key("Properties") {
            raw.shift_remove("Properties");
        }
    }
    deep_merge(resource, &raw);
}

/// `m`'s keys in `order`, then the others as they were.
fn in_order(mut m: Map<String, Value>, order: &[&str]) -> Map<String, Value> {
    let mut sorted = Map::new();
    for k in order {
        if let Some(v) = m.remove(*k) {
            sorted.insert((*k).to_string(), v);
        }
    }
    sorted.extend(m);
    sorted
}

/// The CDK's order of the properties of the structures inside a type's properties that Lift's
/// constructs set (and so render), deepest last.
fn nested_property_order(ty: &str) -> &'static [(&'static [&'static str], &'static [&'static str])] {
    match ty {
        "AWS::CloudFront::Distribution" => &[
            (
                &["DistributionConfig", "DefaultCacheBehavior"],
                &[
                    "AllowedMethods",
                    "CachePolicyId",
                    "CachedMethods",
                    "Compress",
                    "DefaultTTL",
                    "FieldLevelEncryptionId",
                    "ForwardedValues",
                    "FunctionAssociations",
                    "GrpcConfig",
                    "LambdaFunctionAssociations",
                    "MaxTTL",
                    "MinTTL",
                    "OriginRequestPolicyId",
                    "RealtimeLogConfigArn",
                    "ResponseHeadersPolicyId",
                    "SmoothStreaming",
                    "TargetOriginId",
                    "TrustedKeyGroups",
                    "TrustedSigners",
                    "ViewerProtocolPolicy",
                ],
            ),
            (
                &["DistributionConfig", "ViewerCertificate"],
                &["AcmCertificateArn", "CloudFrontDefaultCertificate", "IamCertificateId", "MinimumProtocolVersion", "SslSupportMethod"],
            ),
            (
                &["DistributionConfig"],
                &[
                    "Aliases",
                    "AnycastIpListId",
                    "CNAMEs",
                    "CacheBehaviors",
                    "CacheTagConfig",
                    "Comment",
                    "ConnectionFunctionAssociation",
                    "ConnectionMode",
                    "ContinuousDeploymentPolicyId",
                    "CustomErrorResponses",
                    "CustomOrigin",
                    "DefaultCacheBehavior",
                    "DefaultRootObject",
                    "Enabled",
                    "HttpVersion",
                    "IPV6Enabled",
                    "Logging",
                    "OriginGroups",
                    "Origins",
                    "PriceClass",
                    "Restrictions",
                    "S3Origin",
                    "Staging",
                    "TenantConfig",
                    "ViewerCertificate",
                    "ViewerMtlsConfig",
                    "WebACLId",
                ],
            ),
        ],
        "AWS::DynamoDB::Table" => &[
            (&["StreamSpecification"], &["ResourcePolicy", "StreamViewType", "Tags"]),
            (&["PointInTimeRecoverySpecification"], &["PointInTimeRecoveryEnabled", "RecoveryPeriodInDays"]),
            (&["TimeToLiveSpecification"], &["AttributeName", "Enabled"]),
        ],
        "AWS::S3::Bucket" => &[
            (&["WebsiteConfiguration"], &["ErrorDocument", "IndexDocument", "RedirectAllRequestsTo", "RoutingRules"]),
            (&["LifecycleConfiguration"], &["Rules", "TransitionDefaultMinimumObjectSize"]),
        ],
        _ => &[],
    }
}

/// The paths `traverse(x).paths()` gives that Lift keeps: arrays (whole) and leaves.
fn collect_leaves(v: &Value, path: &mut Vec<String>, out: &mut Vec<(Vec<String>, Value)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                path.push(k.clone());
                match x {
                    Value::Object(_) => collect_leaves(x, path, out),
                    _ => out.push((path.clone(), x.clone())),
                }
                path.pop();
            }
        }
        _ => out.push((path.clone(), v.clone())),
    }
}

/// `CfnResource.addOverride` (paths split on `.`).
fn add_override(raw: &mut Map<String, Value>, path: &str, value: Value) {
    let parts: Vec<&str> = path.split('.').collect();
    let Some((last, parents)) = parts.split_last() else { return };
    let mut cur = raw;
    for p in parents {
        if !cur.get(*p).is_some_and(Value::is_object) {
            cur.insert((*p).to_string(), Value::Object(Map::new()));
        }
        let Some(Value::Object(next)) = cur.get_mut(*p) else { return };
        cur = next;
    }
    cur.insert((*last).to_string(), value);
}

const MERGE_EXCLUDE_KEYS: &[&str] = &[
    "Ref",
    "Fn::Base64",
    "Fn::Cidr",
    "Fn::FindInMap",
    "Fn::GetAtt",
    "Fn::GetAZs",
    "Fn::ImportValue",
    "Fn::Join",
    "Fn::Select",
    "Fn::Split",
    "Fn::Sub",
    "Fn::Transform",
    "Fn::And",
    "Fn::Equals",
    "Fn::If",
    "Fn::Not",
    "Fn::Or",
];

fn is_intrinsic(v: &Value) -> bool {
    matches!(v, Value::Object(m) if m.len() == 1 && m.keys().all(|k| MERGE_EXCLUDE_KEYS.contains(&k.as_str())))
}

/// The CDK's `deepMerge`.
fn deep_merge(target: &mut Value, source: &Map<String, Value>) {
    let Value::Object(t) = target else { return };
    for (k, v) in source {
        match v {
            Value::Object(vm) => {
                let slot = t.entry(k.clone()).or_insert_with(|| Value::Object(Map::new()));
                if !slot.is_object() || is_intrinsic(slot) || is_intrinsic(v) {
                    *slot = Value::Object(Map::new());
                }
                deep_merge(slot, vm);
                if slot.as_object().is_some_and(Map::is_empty) {
                    t.shift_remove(k);
                }
            }
            other => {
                t.insert(k.clone(), other.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cdk_ids_match_the_cdk() {
        assert_eq!(cdk_id(&["jobs", "Queue", "Resource"]), "jobsQueueCEDBAE3E");
        assert_eq!(cdk_id(&["jobs", "Dlq", "Resource"]), "jobsDlqD18CF374");
        assert_eq!(cdk_id(&["jobs", "QueueArn"]), "jobsQueueArnA5A2FF7E");
        assert_eq!(cdk_id(&["orders", "ordersKey", "Resource"]), "ordersordersKeyB185CCF5");
        assert_eq!(cdk_id(&["hook", "Bus"]), "hookBus5B61310E");
        assert_eq!(cdk_id(&["hook", "HttpApi", "DefaultStage", "Resource"]), "hookHttpApiDefaultStage00133A0B");
        assert_eq!(cdk_id(&["single"]), "single");
    }

    #[test]
    fn extensions_fill_known_properties_in_place_and_append_the_rest() {
        let mut r =
            json!({"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "q", "VisibilityTimeout": 36}, "DeletionPolicy": "Delete"});
        apply_extension(
            &mut r,
            &json!({"Properties": {"Zzz": 1, "DelaySeconds": 5, "VisibilityTimeout": 9, "Tags": [{"Key": "a", "Value": "b"}]}, "Metadata": {"x": {}}, "Condition": "C"}),
        );
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"Type":"AWS::SQS::Queue","Properties":{"DelaySeconds":5,"QueueName":"q","Tags":[{"Key":"a","Value":"b"}],"VisibilityTimeout":9,"Zzz":1},"DeletionPolicy":"Delete","Condition":"C"}"#
        );
    }

    #[test]
    fn long_names_end_with_a_hash_as_lift_cuts_them() {
        // Names Lift 1.37.7 wrote for a construct with a long id (the oracle's output).
        let name = "custom-stack-us-east-1-aVeryLongConstructIdentifierThatKeepsGoingOnAndOnForTestingTheNames-response";
        assert_eq!(ensure_name_max_length(name, 64), "custom-stack-us-east-1-aVeryLongConstructIdentifierThatKe-1f1af1");
        assert_eq!(ensure_name_max_length("short-name", 64), "short-name");
    }

    #[test]
    fn extensions_keep_the_cdk_order_inside_rendered_structures() {
        let mut r = json!({"Type": "AWS::CloudFront::Distribution", "Properties": {"DistributionConfig": {
            "Comment": "c", "DefaultCacheBehavior": {"Compress": true, "TargetOriginId": "o"}, "Enabled": true
        }}});
        apply_extension(
            &mut r,
            &json!({"Properties": {"DistributionConfig": {"Zzz": 1, "PriceClass": "PriceClass_100", "Aliases": ["a"],
                "DefaultCacheBehavior": {"MinTTL": 0, "AllowedMethods": ["GET"]}, "Logging": {"Prefix": "p", "Bucket": "b"}}}}),
        );
        assert_eq!(
            serde_json::to_string(&r["Properties"]).unwrap(),
            r#"{"DistributionConfig":{"Aliases":["a"],"Comment":"c","DefaultCacheBehavior":{"AllowedMethods":["GET"],"Compress":true,"MinTTL":0,"TargetOriginId":"o"},"Enabled":true,"Logging":{"Prefix":"p","Bucket":"b"},"PriceClass":"PriceClass_100","Zzz":1}}"#
        );
        // A resource the CDK rendered without properties gets them last, in the override's order.
        let mut r = json!({"Type": "AWS::S3::Bucket", "DeletionPolicy": "Delete"});
        apply_extension(&mut r, &json!({"Properties": {"Tags": [], "BucketName": "b"}}));
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"Type":"AWS::S3::Bucket","DeletionPolicy":"Delete","Properties":{"Tags":[],"BucketName":"b"}}"#
        );
    }

    #[test]
    fn intrinsic_overrides_replace_objects() {
        let mut r = json!({"Type": "AWS::S3::Bucket", "Properties": {"BucketEncryption": {"A": 1}}});
        apply_extension(&mut r, &json!({"Properties": {"BucketEncryption": {"Fn::If": ["C", 1, 2]}}}));
        assert_eq!(r["Properties"]["BucketEncryption"], json!({"Fn::If": ["C", 1, 2]}));
    }

    #[test]
    fn print_shows_the_variables() {
        let mut n = Node::string(Span::default(), format!("a-{}", token("q.queueUrl")));
        untokenize(&mut n);
        assert_eq!(n.as_str(), Some("a-${construct:q.queueUrl}"));
    }

    #[test]
    fn tokens_inside_strings_become_object_object() {
        let lift = Lift {
            constructs: vec![Construct { id: "q".into(), kind: Kind::Queue, cfg: Map::new(), span: Span::default(), worker: None }],
            automatic_permissions: true,
        };
        let mut n = Node::string(Span::default(), format!("a-{}-b", token("q.queueUrl")));
        let mut diags = Vec::new();
        resolve_tokens(&mut n, &lift, &mut diags);
        assert_eq!(n.as_str(), Some("a-[object Object]-b"));
        assert_eq!(diags.len(), 1);
        let mut n = Node::string(Span::default(), token("q.nope"));
        resolve_tokens(&mut n, &lift, &mut diags);
        assert!(diags[1].message.contains("Properties available on ${construct:q} are: queueUrl, queueArn, dlqUrl, dlqArn"));
    }
}
