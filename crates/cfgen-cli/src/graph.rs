//! `cfgen graph`: the service as a picture — triggers → functions → the resources they touch.
//!
//! Built (purely) from the resolved configuration and the compiled template:
//! * triggers: each function's `events`; an event whose source is a resource of the template
//!   (an `sqs` queue by `Fn::GetAtt`, a `stream` of a table, ...) starts at that resource;
//! * resources a function touches: the resources named (by `Ref`, `Fn::GetAtt`, `Fn::Sub`) in
//!   the IAM statements that apply to it (the provider's, its own with
//!   serverless-iam-roles-per-function, or those of the custom role it names), plain ARNs as
//!   external resources, and the resources its environment variables reference;
//! * state machines (serverless-step-functions) and the functions their definitions run.

use indexmap::IndexMap;
use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Trigger,
    Function,
    Resource,
    External,
}

#[derive(Debug)]
pub struct Node {
    pub label: String,
    /// For resources: the CloudFormation type.
    pub detail: Option<String>,
    pub kind: Kind,
}

#[derive(Debug, Default)]
pub struct Graph {
    pub title: String,
    /// By a stable key (`trigger:<label>`, `function:<key>`, `resource:<logical id>`, `arn:<arn>`).
    pub nodes: IndexMap<String, Node>,
    /// (from key, to key) → labels.
    pub edges: IndexMap<(String, String), Vec<String>>,
}

impl Graph {
    fn node(&mut self, key: String, label: String, detail: Option<String>, kind: Kind) -> String {
        self.nodes.entry(key.clone()).or_insert(Node { label, detail, kind });
        key
    }
    fn edge(&mut self, from: &str, to: &str, label: Option<String>) {
        let labels = self.edges.entry((from.to_string(), to.to_string())).or_default();
        if let Some(l) = label {
            if !labels.contains(&l) {
                labels.push(l);
            }
        }
    }
}

/// Logical ids a value references: `Ref`, `Fn::GetAtt` (list or `A.B`), `${X}` / `${X.Attr}`
/// in `Fn::Sub`; pseudo parameters (`AWS::...`) are left out.
pub fn references(v: &Value, out: &mut Vec<String>) {
    let mut push = |s: &str| {
        let id = s.split('.').next().unwrap_or(s);
        if !id.is_empty() && !id.starts_with("AWS::") && !out.iter().any(|x| x == id) {
            out.push(id.to_string());
        }
    };
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("Ref") {
                push(r);
            }
            match m.get("Fn::GetAtt") {
                Some(Value::Array(a)) => {
                    if let Some(Value::String(r)) = a.first() {
                        push(r);
                    }
                }
                Some(Value::String(s)) => push(s),
                _ => {}
            }
            let sub = match m.get("Fn::Sub") {
                Some(Value::String(s)) => Some(s.as_str()),
                Some(Value::Array(a)) => a.first().and_then(Value::as_str),
                _ => None,
            };
            if let Some(s) = sub {
                let mut rest = s;
                while let Some(i) = rest.find("${") {
                    let after = &rest[i + 2..];
                    let Some(j) = after.find('}') else { break };
                    let name = &after[..j];
                    if !name.starts_with('!') {
                        push(name);
                    }
                    rest = &after[j + 1..];
                }
            }
            for x in m.values() {
                references(x, out);
            }
        }
        Value::Array(a) => {
            for x in a {
                references(x, out);
            }
        }
        _ => {}
    }
}

fn refs_in(v: &Value, resources: &serde_json::Map<String, Value>) -> Vec<String> {
    let mut out = Vec::new();
    references(v, &mut out);
    out.retain(|r| resources.contains_key(r));
    out
}

fn as_list(v: Option<&Value>) -> Vec<&Value> {
    match v {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(Value::Null) | None => Vec::new(),
        Some(other) => vec![other],
    }
}

/// The last part of an ARN or a name (`arn:aws:sqs:us-east-1:1:jobs` → `jobs`).
fn short(v: &Value) -> String {
    match v {
        Value::String(s) if s.starts_with("arn:") => s.rsplit([':', '/']).find(|p| !p.is_empty()).unwrap_or(s).to_string(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Object(m) => m.keys().next().map(|k| format!("({k})")).unwrap_or_default(),
        _ => String::new(),
    }
}

fn field<'a>(v: &'a Value, k: &str) -> Option<&'a Value> {
    v.as_object().and_then(|m| m.get(k))
}

fn join(parts: &[String]) -> String {
    parts.iter().filter(|p| !p.is_empty()).cloned().collect::<Vec<_>>().join(" ")
}

/// A trigger's label.
fn describe(kind: &str, v: &Value) -> String {
    let f = |k: &str| field(v, k).map(short).unwrap_or_default();
    let route = |default_method: &str| -> String {
        match v {
            Value::String(s) => s.split_once(' ').map_or_else(|| s.clone(), |(m, p)| format!("{} {}", m.to_uppercase(), slash(p))),
            _ => {
                let m = field(v, "method").and_then(Value::as_str).unwrap_or(default_method).to_uppercase();
                let p = field(v, "path").and_then(Value::as_str).map(slash).unwrap_or_default();
                join(&[m, p])
            }
        }
    };
    match kind {
        "http" => format!("REST API {}", route("ANY")),
        "httpApi" => format!("HTTP API {}", route("ANY")),
        "websocket" => format!("WebSocket {}", if v.is_string() { short(v) } else { f("route") }),
        "schedule" => {
            let rate = match v {
                Value::String(_) => short(v),
                _ => as_list(field(v, "rate")).first().map(|r| short(r)).unwrap_or_default(),
            };
            join(&["schedule".into(), rate])
        }
        "sns" => join(&["SNS".into(), if v.is_string() { short(v) } else { field(v, "topicName").map_or_else(|| f("arn"), short) }]),
        "sqs" => join(&["SQS".into(), if v.is_string() { short(v) } else { f("arn") }]),
        "stream" => {
            let arn = if v.is_string() { v.clone() } else { field(v, "arn").cloned().unwrap_or(Value::Null) };
            let text = arn.as_str().unwrap_or_default();
            let kind = if text.contains(":kinesis:") || field(v, "type").and_then(Value::as_str) == Some("kinesis") {
                "Kinesis"
            } else {
                "DynamoDB stream"
            };
            let name = if text.contains(":dynamodb:") {
                text.split("table/").nth(1).and_then(|t| t.split('/').next()).unwrap_or("").to_string()
            } else {
                short(&arn)
            };
            join(&[kind.into(), name])
        }
        "s3" => {
            join(&["S3".into(), if v.is_string() { short(v) } else { f("bucket") }, if v.is_string() { String::new() } else { f("event") }])
        }
        "eventBridge" => {
            let bus = field(v, "eventBus").map(short).unwrap_or_else(|| "default".into());
            let what = if field(v, "schedule").is_some() { f("schedule") } else { "rule".into() };
            join(&["EventBridge".into(), bus, what])
        }
        "cloudwatchEvent" => "CloudWatch Events rule".into(),
        "cloudwatchLog" => join(&["CloudWatch Logs".into(), if v.is_string() { short(v) } else { f("logGroup") }]),
        "alb" => {
            let path = field(v, "conditions")
                .and_then(|c| field(c, "path"))
                .map(|p| as_list(Some(p)).iter().map(|x| short(x)).collect::<Vec<_>>().join(", "));
            join(&["ALB".into(), path.unwrap_or_default()])
        }
        "iot" => join(&["IoT rule".into(), f("name")]),
        "iotFleetProvisioning" => "IoT fleet provisioning".into(),
        "cognitoUserPool" => join(&["Cognito".into(), f("pool"), f("trigger")]),
        "kafka" => join(&["Kafka".into(), f("topic")]),
        "msk" => join(&["MSK".into(), f("topic")]),
        "activemq" => join(&["ActiveMQ".into(), f("queue")]),
        "rabbitmq" => join(&["RabbitMQ".into(), f("queue")]),
        "alexaSkill" => "Alexa Skill".into(),
        "alexaSmartHome" => "Alexa Smart Home".into(),
        "cloudFront" => join(&["CloudFront".into(), f("eventType")]),
        other => other.to_string(),
    }
}

fn slash(p: &str) -> String {
    if p.starts_with('/') || p == "*" {
        p.to_string()
    } else {
        format!("/{p}")
    }
}

/// `arn:aws:s3:::bucket/*` → `s3: bucket/*`.
fn arn_label(arn: &str) -> String {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    if parts.len() == 6 && !parts[2].is_empty() {
        format!("{}: {}", parts[2], parts[5])
    } else {
        arn.to_string()
    }
}

fn actions_label(actions: &[String]) -> String {
    match actions.len() {
        0 => String::new(),
        1..=3 => actions.join(", "),
        n => format!("{}, +{} more", actions[..2].join(", "), n - 2),
    }
}

/// The IAM statements that apply to function `key`.
fn statements_for(f: &Value, config: &Value, template: &serde_json::Map<String, Value>) -> Vec<Value> {
    let role_statements = |role: &Value| -> Vec<Value> {
        let mut out = Vec::new();
        let ids = match role {
            Value::String(s) => vec![s.clone()],
            other => refs_in(other, template),
        };
        for id in ids {
            if let Some(policies) = template.get(&id).and_then(|r| r.pointer("/Properties/Policies")).and_then(Value::as_array) {
                for p in policies {
                    out.extend(as_list(p.pointer("/PolicyDocument/Statement")).into_iter().cloned());
                }
            }
        }
        out
    };
    let provider = config.get("provider").cloned().unwrap_or(Value::Null);
    let provider_statements = || -> Vec<Value> {
        let mut out: Vec<Value> = as_list(provider.pointer("/iam/role/statements")).into_iter().cloned().collect();
        out.extend(as_list(provider.get("iamRoleStatements")).into_iter().cloned());
        out
    };
    if let Some(role) = f.get("role") {
        return role_statements(role);
    }
    if let Some(own) = f.get("iamRoleStatements") {
        let mut out: Vec<Value> = as_list(Some(own)).into_iter().cloned().collect();
        let inherit = f.get("iamRoleStatementsInherit") == Some(&Value::Bool(true))
            || config.pointer("/custom/serverless-iam-roles-per-function/defaultInherit") == Some(&Value::Bool(true));
        if inherit {
            out.extend(provider_statements());
        }
        return out;
    }
    match provider.pointer("/iam/role") {
        Some(r @ Value::String(_)) => role_statements(r),
        Some(r @ Value::Object(m)) if !m.contains_key("statements") && (m.contains_key("Fn::GetAtt") || m.contains_key("Ref")) => {
            role_statements(r)
        }
        _ => match provider.get("role") {
            Some(r) => role_statements(r),
            None => provider_statements(),
        },
    }
}

fn is_data_store(t: &str) -> bool {
    ["AWS::DynamoDB::", "AWS::S3::Bucket", "AWS::RDS::", "AWS::ElastiCache::", "AWS::SQS::Queue", "AWS::Kinesis::Stream", "AWS::SNS::Topic"]
        .iter()
        .any(|p| t.starts_with(p))
}

/// The graph of a service.
pub fn graph(config: &Value, template: &Value) -> Graph {
    let empty = serde_json::Map::new();
    let resources = template.get("Resources").and_then(Value::as_object).unwrap_or(&empty);
    let mut g = Graph { title: config.get("service").map(short).unwrap_or_default(), ..Default::default() };
    let resource_node = |g: &mut Graph, id: &str| -> String {
        let r = resources.get(id);
        let t = r.and_then(|r| r.get("Type")).and_then(Value::as_str).unwrap_or("resource").to_string();
        // State machines by their name (their logical ids are mangled names).
        let label = match r.and_then(|r| r.pointer("/Properties/StateMachineName")).and_then(Value::as_str) {
            Some(name) if t == "AWS::StepFunctions::StateMachine" => name.to_string(),
            _ => id.to_string(),
        };
        g.node(format!("resource:{id}"), label, Some(t), Kind::Resource)
    };
    let functions: Vec<(String, Value)> = config
        .get("functions")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    let function_ids: IndexMap<String, String> =
        functions.iter().map(|(k, _)| (cfgen_core::naming::lambda_function(k), k.clone())).collect();

    // Triggers, in the order of the functions and their events.
    for (key, f) in &functions {
        let fnode = g.node(format!("function:{key}"), key.clone(), None, Kind::Function);
        for event in as_list(f.get("events")) {
            let Some((kind, v)) = event.as_object().and_then(|m| m.iter().next()) else { continue };
            let sources = refs_in(v, resources);
            if !sources.is_empty()
                && matches!(kind.as_str(), "sqs" | "stream" | "sns" | "s3" | "kafka" | "msk" | "activemq" | "rabbitmq" | "cloudwatchLog")
            {
                for s in sources {
                    let n = resource_node(&mut g, &s);
                    g.edge(&n, &fnode, Some(kind.clone()));
                }
                continue;
            }
            let label = describe(kind, v);
            let t = g.node(format!("trigger:{label}"), label, None, Kind::Trigger);
            g.edge(&t, &fnode, None);
        }
    }
    // State machines and the functions they run.
    for (id, r) in resources {
        if r.get("Type").and_then(Value::as_str) != Some("AWS::StepFunctions::StateMachine") {
            continue;
        }
        let props = r.get("Properties").cloned().unwrap_or(Value::Null);
        let mut runs: Vec<String> = Vec::new();
        for part in ["DefinitionString", "Definition", "DefinitionSubstitutions"] {
            if let Some(v) = props.get(part) {
                runs.extend(refs_in(v, resources).into_iter().filter(|x| function_ids.contains_key(x)));
            }
        }
        if runs.is_empty() {
            continue;
        }
        let n = resource_node(&mut g, id);
        for fid in runs {
            let key = &function_ids[&fid];
            g.edge(&n, &format!("function:{key}"), Some("runs".into()));
        }
    }
    // What each function touches.
    for (key, f) in &functions {
        let fnode = format!("function:{key}");
        let own: Vec<String> = resources
            .keys()
            .filter(|id| id.starts_with(&cfgen_core::naming::function(key)) || function_ids.contains_key(*id))
            .cloned()
            .collect();
        let mut touched: IndexMap<String, Vec<String>> = IndexMap::new();
        for s in statements_for(f, config, resources) {
            if s.get("Effect").and_then(Value::as_str) == Some("Deny") {
                continue;
            }
            let actions: Vec<String> = as_list(s.get("Action")).iter().filter_map(|a| a.as_str().map(String::from)).collect();
            for r in as_list(s.get("Resource")) {
                let targets: Vec<String> = match r {
                    Value::String(arn) if arn.starts_with("arn:") => vec![format!("arn:{arn}")],
                    Value::String(_) => Vec::new(),
                    other => refs_in(other, resources).into_iter().filter(|x| !own.contains(x)).map(|x| format!("resource:{x}")).collect(),
                };
                for t in targets {
                    let list = touched.entry(t).or_default();
                    for a in &actions {
                        if !list.contains(a) {
                            list.push(a.clone());
                        }
                    }
                }
            }
        }
        for (target, actions) in touched {
            let to = match target.strip_prefix("resource:") {
                Some(id) => resource_node(&mut g, id),
                None => {
                    let arn = &target["arn:".len()..];
                    g.node(target.clone(), arn_label(arn), None, Kind::External)
                }
            };
            g.edge(&fnode, &to, Some(actions_label(&actions)).filter(|l| !l.is_empty()));
        }
        let mut env: IndexMap<String, Value> = IndexMap::new();
        for scope in [config.pointer("/provider/environment"), f.get("environment")] {
            if let Some(Value::Object(m)) = scope {
                for (k, v) in m {
                    env.insert(k.clone(), v.clone());
                }
            }
        }
        for (name, v) in env {
            for id in refs_in(&v, resources) {
                let to = resource_node(&mut g, &id);
                g.edge(&fnode, &to, Some(format!("env {name}")));
            }
        }
    }
    g
}

/// Node ids for the picture: the key's letters and digits, unique.
fn ids(g: &Graph) -> IndexMap<String, String> {
    let mut out: IndexMap<String, String> = IndexMap::new();
    let mut triggers = 0;
    let mut externals = 0;
    for (key, n) in &g.nodes {
        let base = match n.kind {
            Kind::Trigger => {
                triggers += 1;
                format!("t{triggers}")
            }
            Kind::External => {
                externals += 1;
                format!("x{externals}")
            }
            Kind::Function => format!("fn_{}", clean(&n.label)),
            Kind::Resource => format!("res_{}", clean(key.trim_start_matches("resource:"))),
        };
        let mut id = base.clone();
        let mut i = 2;
        while out.values().any(|v| *v == id) {
            id = format!("{base}_{i}");
            i += 1;
        }
        out.insert(key.clone(), id);
    }
    out
}

fn clean(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
}

/// Mermaid `flowchart LR`.
pub fn mermaid(g: &Graph) -> String {
    let ids = ids(g);
    let esc = |s: &str| s.replace('"', "#quot;");
    let mut out = String::from("flowchart LR\n");
    for (key, n) in &g.nodes {
        let id = &ids[key];
        let label = match &n.detail {
            Some(d) => format!("{}<br/><small>{}</small>", esc(&n.label), esc(d)),
            None => esc(&n.label),
        };
        let shape = match n.kind {
            Kind::Trigger => format!("{id}([\"{label}\"])"),
            Kind::Function => format!("{id}[[\"λ {label}\"]]"),
            Kind::Resource if n.detail.as_deref().is_some_and(is_data_store) => format!("{id}[(\"{label}\")]"),
            Kind::Resource => format!("{id}[\"{label}\"]"),
            Kind::External => format!("{id}>\"{label}\"]"),
        };
        out.push_str("    ");
        out.push_str(&shape);
        out.push('\n');
    }
    for ((from, to), labels) in &g.edges {
        if labels.is_empty() {
            out.push_str(&format!("    {} --> {}\n", ids[from], ids[to]));
        } else {
            out.push_str(&format!("    {} -->|\"{}\"| {}\n", ids[from], esc(&labels.join("; ")), ids[to]));
        }
    }
    out
}

/// Graphviz `digraph`.
pub fn dot(g: &Graph) -> String {
    let ids = ids(g);
    let q = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let mut out = format!("digraph {} {{\n    rankdir=LR;\n    node [fontname=\"Helvetica\", fontsize=11];\n", q(&g.title));
    for (key, n) in &g.nodes {
        let label = match &n.detail {
            Some(d) => format!("{}\\n{}", n.label.replace('\\', "\\\\").replace('"', "\\\""), d),
            None => n.label.replace('\\', "\\\\").replace('"', "\\\""),
        };
        let shape = match n.kind {
            Kind::Trigger => "shape=oval",
            Kind::Function => "shape=box, style=rounded",
            Kind::Resource if n.detail.as_deref().is_some_and(is_data_store) => "shape=cylinder",
            Kind::Resource => "shape=box",
            Kind::External => "shape=note",
        };
        out.push_str(&format!("    {} [label=\"{label}\", {shape}];\n", q(&ids[key])));
    }
    for ((from, to), labels) in &g.edges {
        if labels.is_empty() {
            out.push_str(&format!("    {} -> {};\n", q(&ids[from]), q(&ids[to])));
        } else {
            out.push_str(&format!("    {} -> {} [label={}];\n", q(&ids[from]), q(&ids[to]), q(&labels.join("; "))));
        }
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn references_cover_the_intrinsics() {
        let mut out = Vec::new();
        references(
            &json!({"a": {"Ref": "A"}, "b": {"Fn::GetAtt": ["B", "Arn"]}, "c": {"Fn::GetAtt": "C.Arn"},
                    "d": {"Fn::Sub": "arn:${AWS::Partition}:x:${D}/${E.Arn}/${!Literal}"}, "e": {"Ref": "AWS::Region"}, "f": [{"Ref": "A"}]}),
            &mut out,
        );
        assert_eq!(out, ["A", "B", "C", "D", "E"]);
    }

    #[test]
    fn labels() {
        assert_eq!(describe("http", &json!("get users/{id}")), "REST API GET /users/{id}");
        assert_eq!(describe("httpApi", &json!({"method": "post", "path": "/x"})), "HTTP API POST /x");
        assert_eq!(describe("httpApi", &json!("*")), "HTTP API *");
        assert_eq!(describe("schedule", &json!({"rate": ["rate(1 hour)"]})), "schedule rate(1 hour)");
        assert_eq!(describe("sqs", &json!("arn:aws:sqs:us-east-1:1:jobs")), "SQS jobs");
        assert_eq!(describe("stream", &json!("arn:aws:dynamodb:us-east-1:1:table/T/stream/2020")), "DynamoDB stream T");
        assert_eq!(describe("s3", &json!({"bucket": "photos", "event": "s3:ObjectCreated:*"})), "S3 photos s3:ObjectCreated:*");
        assert_eq!(arn_label("arn:aws:s3:::bucket/*"), "s3: bucket/*");
        assert_eq!(actions_label(&["a".into(), "b".into(), "c".into(), "d".into()]), "a, b, +2 more");
    }
}
