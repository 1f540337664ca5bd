//! Where each part of the emitted template came from in serverless.yml.
//!
//! After compiling, a logical id is mapped back to its origin: a resource the user wrote under
//! `resources.Resources` (precise down to the property), or the function, event, layer or
//! provider setting whose naming rule (`naming.rs`) produced it. Spans come from the resolved
//! node tree, so a value pulled in with `${file()}` points into that file.

use crate::naming;
use cfgen_syntax::{Node, Span};
use serde_json::Value;
use std::collections::BTreeMap;

/// Where a finding points: the span to show, and the extent of the construct it belongs to
/// (used to recognise findings an earlier stage already reported inside the same construct).
#[derive(Clone, Copy, Debug, Default)]
pub struct Origin {
    pub span: Option<Span>,
    /// The whole construct (an event entry, a property value), when the origin is that precise.
    pub extent: Option<Span>,
}

impl Origin {
    fn at(span: Option<Span>) -> Origin {
        Origin { span, extent: None }
    }
}

/// The map from logical ids back to serverless.yml.
pub struct Provenance<'a> {
    node: &'a Node,
    /// `<F>` (normalized function key) -> function key, longest first.
    functions: Vec<(String, String)>,
    /// `<F>` -> function key.
    by_prefix: BTreeMap<String, String>,
    /// `<F>LambdaFunction` -> function key.
    function_ids: BTreeMap<String, String>,
    /// The user's `resources.Resources.<id>` nodes (several with the array form; last wins).
    user: BTreeMap<String, Vec<&'a Node>>,
    /// `<L>LambdaLayer` prefix -> layer key.
    layers: Vec<(String, String)>,
}

/// Event kinds by the fragments of the logical ids they produce.
const EVENT_FRAGMENTS: &[(&str, &[&str])] = &[
    ("EventsRuleSchedule", &["schedule"]),
    ("SchedulerSchedule", &["schedule"]),
    ("EventsRuleCloudWatchEvent", &["cloudwatchEvent"]),
    ("CloudWatchLog", &["cloudwatchLog"]),
    ("EventBridge", &["eventBridge"]),
    ("EventSourceMappingSQS", &["sqs"]),
    ("EventSourceMappingKinesis", &["stream"]),
    ("EventSourceMappingDynamodb", &["stream"]),
    ("EventSourceMappingMSK", &["msk"]),
    ("EventSourceMappingKafka", &["kafka"]),
    ("EventSourceMappingMQ", &["activemq"]),
    ("EventSourceMappingRabbitMQ", &["rabbitmq"]),
    ("EventSourceMapping", &["stream", "kafka", "msk", "activemq", "rabbitmq"]),
    ("StreamConsumer", &["stream"]),
    ("SnsSubscription", &["sns"]),
    ("SNS", &["sns"]),
    ("S3", &["s3"]),
    ("IotTopicRule", &["iot"]),
    ("IotProvisioning", &["iotFleetProvisioning"]),
    ("CognitoUserPool", &["cognitoUserPool"]),
    ("AlexaSkill", &["alexaSkill"]),
    ("AlexaSmartHome", &["alexaSmartHome"]),
    ("Alb", &["alb"]),
    ("LambdaEdge", &["cloudFront"]),
    ("CloudFront", &["cloudFront"]),
    ("HttpApi", &["httpApi"]),
    ("Websockets", &["websocket"]),
    ("ApiGateway", &["http"]),
];

impl<'a> Provenance<'a> {
    pub fn new(node: &'a Node) -> Self {
        let mut functions: Vec<(String, String)> = Vec::new();
        let mut function_ids = BTreeMap::new();
        for key in map_keys(node, "functions") {
            let f = naming::function(key);
            function_ids.insert(format!("{f}LambdaFunction"), key.to_string());
            functions.push((f, key.to_string()));
        }
        functions.sort_by_key(|(f, _)| std::cmp::Reverse(f.len()));
        let by_prefix = functions.iter().map(|(f, k)| (f.clone(), k.clone())).collect();
        let mut layers: Vec<(String, String)> = map_keys(node, "layers").map(|k| (naming::layer(k), k.to_string())).collect();
        layers.sort_by_key(|(l, _)| std::cmp::Reverse(l.len()));
        let mut user: BTreeMap<String, Vec<&Node>> = BTreeMap::new();
        let mut add = |r: &'a Node| {
            if let Some(m) = r.get("Resources").and_then(Node::as_map) {
                for (id, n) in m.iter() {
                    user.entry(id.clone()).or_default().push(n);
                }
            }
        };
        match node.get("resources") {
            Some(r) if r.as_seq().is_some() => r.as_seq().unwrap_or_default().iter().for_each(&mut add),
            Some(r) => add(r),
            None => {}
        }
        Provenance { node, functions, by_prefix, function_ids, user, layers }
    }

    /// The function key whose resources include `id` (by its name prefix, or by the
    /// `<F>LambdaFunction` it references).
    pub fn function_of(&self, id: &str, res: &Value) -> Option<&str> {
        // The longest `<F>` that `id` starts with, followed by a capital or a digit.
        for (end, c) in id.char_indices().rev() {
            if end > 0 && (c.is_ascii_uppercase() || c.is_ascii_digit()) {
                if let Some(k) = self.by_prefix.get(&id[..end]) {
                    return Some(k);
                }
            }
        }
        self.referenced_function(res, 0)
    }

    fn referenced_function(&self, v: &Value, depth: usize) -> Option<&str> {
        if depth > 12 {
            return None;
        }
        match v {
            Value::String(s) => {
                let head = s.split('.').next().unwrap_or(s);
                self.function_ids.get(head).map(String::as_str)
            }
            Value::Array(a) => a.iter().find_map(|x| self.referenced_function(x, depth + 1)),
            Value::Object(o) => {
                // DependsOn names too many things (e.g. the role); look at the properties.
                if let Some(p) = o.get("Properties") {
                    return self.referenced_function(p, depth + 1);
                }
                o.values().find_map(|x| self.referenced_function(x, depth + 1))
            }
            _ => None,
        }
    }

    /// Where resource `id` (its JSON `res`) came from; `path` goes below `Properties`
    /// (empty: the resource itself). Attribute paths such as `["Type"]` use `attr`.
    pub fn resource(&self, id: &str, res: &Value, path: &[&str]) -> Origin {
        self.locate(id, res, Some("Properties"), path)
    }

    /// Like [`Self::resource`] for a resource attribute (`Type`, `DependsOn`, ...).
    pub fn attribute(&self, id: &str, res: &Value, attr: &str) -> Origin {
        self.locate(id, res, None, &[attr])
    }

    fn locate(&self, id: &str, res: &Value, under: Option<&str>, path: &[&str]) -> Origin {
        if let Some(nodes) = self.user.get(id) {
            // The last definition holding the full path, else the deepest part of it.
            let mut best: Option<(usize, Option<Span>, Option<Span>)> = None;
            for n in nodes.iter().rev() {
                let mut cur: &Node = n;
                let mut key = self.key_in_parent(id);
                let mut depth = 0;
                let mut ext = None;
                let segs = under.into_iter().chain(path.iter().copied());
                for seg in segs {
                    let next = match &cur.value {
                        cfgen_syntax::Value::Map(m) => m.get(seg).map(|x| (m.key_span(seg), x)),
                        cfgen_syntax::Value::Seq(s) => seg.parse::<usize>().ok().and_then(|i| s.get(i)).map(|x| (Some(x.span), x)),
                        _ => None,
                    };
                    let Some((ks, x)) = next else { break };
                    depth += 1;
                    cur = x;
                    key = ks;
                    ext = Some(extent(x));
                }
                let full = depth == under.iter().count() + path.len();
                let span = if full && !matches!(cur.value, cfgen_syntax::Value::Map(_) | cfgen_syntax::Value::Seq(_)) && depth > 0 {
                    Some(cur.span)
                } else {
                    key
                };
                if full {
                    return Origin { span, extent: ext };
                }
                if best.as_ref().is_none_or(|b| depth > b.0) {
                    best = Some((depth, span, None));
                }
            }
            // Not written by the user below this point: a generated resource the user only
            // touched elsewhere points at its generator; a user resource at what they wrote.
            if self.function_of(id, res).is_none() && !self.generated_id(id) {
                if let Some((_, span, _)) = best {
                    return Origin::at(span);
                }
            }
        }
        self.generated(id, res, path)
    }

    /// Where the logical id `id` itself came from: the user's key, else its generator.
    pub fn id_origin(&self, id: &str, res: &Value) -> Origin {
        match self.key_in_parent(id) {
            Some(s) if self.function_of(id, res).is_none() && !self.generated_id(id) => Origin::at(Some(s)),
            _ => self.generated(id, res, &[]),
        }
    }

    fn key_in_parent(&self, id: &str) -> Option<Span> {
        let find = |r: &Node| r.get("Resources").and_then(Node::as_map).and_then(|m| m.key_span(id));
        match self.node.get("resources") {
            Some(r) if r.as_seq().is_some() => r.as_seq().unwrap_or_default().iter().rev().find_map(find),
            Some(r) => find(r),
            None => None,
        }
    }

    /// Ids of the framework's own resources (not from a function).
    fn generated_id(&self, id: &str) -> bool {
        id.starts_with("ServerlessDeploymentBucket")
            || id == "IamRoleLambdaExecution"
            || id.starts_with("ApiGateway")
            || id.starts_with("HttpApi")
            || id.starts_with("Websockets")
            || self.layers.iter().any(|(l, _)| id.starts_with(l.as_str()))
    }

    fn generated(&self, id: &str, res: &Value, path: &[&str]) -> Origin {
        if let Some(fk) = self.function_of(id, res) {
            return self.in_function(fk, id, res, path);
        }
        if let Some((_, lk)) = self.layers.iter().find(|(l, _)| id.starts_with(l.as_str())) {
            return self.key_origin(&["layers", lk]);
        }
        if let Some(o) = self.named_by_event(res) {
            return o;
        }
        // A serverless-lift construct's resource: its logical id starts with the construct's id
        // (letters and digits only, as the CDK writes it).
        let construct = map_keys(self.node, "constructs")
            .filter(|c| {
                let alnum: String = c.chars().filter(char::is_ascii_alphanumeric).collect();
                !alnum.is_empty() && id.starts_with(&alnum)
            })
            .max_by_key(|c| c.len());
        if let Some(o) = construct.filter(|_| !self.generated_id(id)).and_then(|c| self.try_key(&["constructs", c])) {
            return o;
        }
        let provider_path: &[&str] = if id == "IamRoleLambdaExecution" {
            match path.first().copied() {
                Some("RoleName") => &["provider", "iam", "role", "name"],
                Some("ManagedPolicyArns") => &["provider", "iam", "role", "managedPolicies"],
                Some("Policies") => &["provider", "iam", "role", "statements"],
                _ => &["provider", "iam", "role"],
            }
        } else if id.starts_with("ServerlessDeploymentBucket") {
            &["provider", "deploymentBucket"]
        } else if id.starts_with("HttpApi") {
            &["provider", "httpApi"]
        } else if id.starts_with("ApiGateway") {
            &["provider", "apiGateway"]
        } else if id.starts_with("Websockets") {
            &["provider", "websocketsApiName"]
        } else if res.get("Type").and_then(Value::as_str).is_some_and(|t| t.starts_with("AWS::StepFunctions::")) {
            &["stepFunctions"]
        } else {
            &["provider"]
        };
        // A REST method or resource comes from its `http` event even when the provider has
        // `apiGateway` settings (they are the API's, not the method's).
        if let Some(o) = self.rest_event(id) {
            return o;
        }
        if let Some(o) = self.try_key(provider_path) {
            return o;
        }
        // The first event that makes an API, else the provider.
        let kind = if id.starts_with("HttpApi") {
            Some("httpApi")
        } else if id.starts_with("ApiGateway") {
            Some("http")
        } else if id.starts_with("Websockets") {
            Some("websocket")
        } else {
            None
        };
        if let Some(kind) = kind {
            for (_, fk) in &self.functions {
                if let Some(o) = self.event_origin(fk, &[kind], 1) {
                    return o;
                }
            }
        }
        self.key_origin(&provider_path[..1])
    }

    /// Every event of every function, in the functions' order (longest normalized name first,
    /// as `functions` is kept).
    fn all_events(&self) -> impl Iterator<Item = &'a Node> + '_ {
        self.functions
            .iter()
            .flat_map(|(_, fk)| self.node.pointer(["functions", fk.as_str(), "events"]).and_then(Node::as_seq).unwrap_or_default().iter())
    }

    /// The first `http` event whose path makes the REST resource `ApiGatewayResource<name>`
    /// (the path or one of its leading parts) or the method `ApiGatewayMethod<name><Method>`.
    fn rest_event(&self, id: &str) -> Option<Origin> {
        let is_method = id.starts_with("ApiGatewayMethod");
        if !is_method && !id.starts_with("ApiGatewayResource") {
            return None;
        }
        for e in self.all_events() {
            let Some(m) = e.as_map() else { continue };
            let Some(h) = m.get("http") else { continue };
            let (verb, path) = match (h.as_str(), h.get("method").and_then(Node::as_str), h.get("path").and_then(Node::as_str)) {
                // As the http pass reads it: `GET  /a` is `GET` on the root.
                (Some(text), _, _) => match crate::events::api_gateway::split_http_string(text) {
                    Some(parts) => parts,
                    None => continue,
                },
                (None, Some(verb), Some(path)) => (verb, path),
                _ => continue,
            };
            let path = path.trim_matches('/');
            let hit = if is_method {
                naming::rest_method(&naming::rest_path(path), verb) == id
            } else {
                let mut name = String::new();
                path.split('/').any(|part| {
                    name = naming::rest_path_child(&name, part);
                    naming::rest_resource_named(&name) == id
                })
            };
            if hit {
                return Some(Origin { span: m.key_span("http"), extent: Some(extent(e)) });
            }
        }
        None
    }

    /// Topics, buckets and event buses that events create by name: the event setting that
    /// holds the name.
    fn named_by_event(&self, res: &Value) -> Option<Origin> {
        let (kind, prop) = match res.get("Type").and_then(Value::as_str)? {
            "AWS::Events::EventBus" => ("eventBridge", "Name"),
            "AWS::SNS::Topic" => ("sns", "TopicName"),
            "AWS::S3::Bucket" => ("s3", "BucketName"),
            _ => return None,
        };
        let name = res.pointer(&format!("/Properties/{prop}"))?.as_str()?;
        for e in self.all_events() {
            if let Some(v) = e.get(kind) {
                if let Some(n) = find_scalar(v, name, 0) {
                    return Some(Origin { span: Some(n.span), extent: Some(extent(e)) });
                }
            }
        }
        None
    }

    fn in_function(&self, fk: &str, id: &str, res: &Value, path: &[&str]) -> Origin {
        let ty = res.get("Type").and_then(Value::as_str).unwrap_or_default();
        let setting = match (ty, path.first().copied()) {
            ("AWS::Lambda::Function", Some(p)) => match p {
                "MemorySize" => Some("memorySize"),
                "Timeout" => Some("timeout"),
                "Runtime" => Some("runtime"),
                "FunctionName" => Some("name"),
                "Environment" => Some("environment"),
                "Layers" => Some("layers"),
                "EphemeralStorage" => Some("ephemeralStorageSize"),
                "ReservedConcurrentExecutions" => Some("reservedConcurrency"),
                "Handler" => Some("handler"),
                "Architectures" => Some("architecture"),
                "Role" => Some("role"),
                "Description" => Some("description"),
                "VpcConfig" => Some("vpc"),
                "Tags" => Some("tags"),
                "TracingConfig" => Some("tracing"),
                _ => None,
            },
            ("AWS::Logs::LogGroup", Some("RetentionInDays")) => Some("logRetentionInDays"),
            _ => None,
        };
        // An environment variable: where it is named, in the function or the provider.
        if let ("AWS::Lambda::Function", ["Environment", "Variables", name, ..]) = (ty, path) {
            for at in [&["functions", fk, "environment", name][..], &["provider", "environment", name]] {
                if let Some(s) = self.node.pointer(at[..at.len() - 1].iter().copied()).and_then(Node::as_map).and_then(|m| m.key_span(name))
                {
                    return Origin::at(Some(s));
                }
            }
        }
        if let Some(s) = setting {
            // A branch of an `Fn::If` the setting holds: where that branch is written.
            if let [_, "Fn::If", i, ..] = path {
                if let Some(o) =
                    self.try_value(&["functions", fk, s, "Fn::If", i]).or_else(|| self.try_value(&["provider", s, "Fn::If", i]))
                {
                    return o;
                }
            }
            if let Some(o) = self.try_value(&["functions", fk, s]) {
                return o;
            }
            if s != "name" && s != "handler" && s != "description" {
                if let Some(o) = self.try_value(&["provider", s]) {
                    return o;
                }
            }
        }
        let rest = id.strip_prefix(naming::function(fk).as_str()).unwrap_or(id);
        for (frag, kinds) in EVENT_FRAGMENTS {
            if let Some(pos) = rest.find(frag).or_else(|| (ty.contains(frag) || id.contains(frag)).then_some(usize::MAX)) {
                let n = if pos == usize::MAX {
                    1
                } else {
                    rest[pos + frag.len()..].chars().take_while(char::is_ascii_digit).collect::<String>().parse().unwrap_or(1)
                };
                if let Some(o) = self.event_origin(fk, kinds, n) {
                    if path == ["Name"] {
                        if let Some(v) = self.event_setting(fk, kinds, n, "name") {
                            return v;
                        }
                    }
                    return o;
                }
            }
        }
        if ty.starts_with("AWS::ApiGateway::") {
            if let Some(o) = self.event_origin(fk, &["http"], 1) {
                return o;
            }
        }
        self.key_origin(&["functions", fk])
    }

    /// The distinct kinds of function `fk`'s events (`http`, `sqs`, ...), for [`Self::event_kind`];
    /// made once per function, since a function may have thousands of events.
    pub fn event_kinds(&self, fk: &str) -> Vec<&'a str> {
        let mut kinds: Vec<&'a str> = Vec::new();
        let events = self.node.pointer(["functions", fk, "events"]).and_then(Node::as_seq).into_iter().flatten();
        for k in events.filter_map(|e| e.as_map().and_then(|m| m.keys().next()).map(String::as_str)) {
            if !kinds.contains(&k) {
                kinds.push(k);
            }
        }
        kinds
    }

    /// The event kind (`http`, `sqs`, ...) that made resource `id` of function `fk`, if any
    /// of the function's events (`kinds`, from [`Self::event_kinds`]) is of that kind.
    pub fn event_kind(&self, fk: &str, id: &str, res: &Value, kinds: &[&str]) -> Option<&'static str> {
        let ty = res.get("Type").and_then(Value::as_str).unwrap_or_default();
        let rest = id.strip_prefix(naming::function(fk).as_str()).unwrap_or(id);
        EVENT_FRAGMENTS
            .iter()
            .filter(|(frag, _)| rest.contains(frag) || ty.contains(frag))
            .flat_map(|(_, ks)| ks.iter())
            .find(|k| kinds.contains(k))
            .copied()
    }

    /// The `n`-th (1-based) event of one of `kinds` in function `fk`: its kind key, extent the entry.
    fn event_origin(&self, fk: &str, kinds: &[&str], n: usize) -> Option<Origin> {
        let events = self.node.pointer(["functions", fk, "events"])?.as_seq()?;
        let mut seen = 0;
        let mut first = None;
        for e in events {
            let Some(m) = e.as_map() else { continue };
            let Some(k) = m.keys().next() else { continue };
            if kinds.contains(&k.as_str()) {
                seen += 1;
                let o = Origin { span: m.key_span(k), extent: Some(extent(e)) };
                if first.is_none() {
                    first = Some(o);
                }
                if seen == n {
                    return Some(o);
                }
            }
        }
        first
    }

    /// The value of `key` in the `n`-th event of one of `kinds`, when the event is an object.
    fn event_setting(&self, fk: &str, kinds: &[&str], n: usize, key: &str) -> Option<Origin> {
        let events = self.node.pointer(["functions", fk, "events"])?.as_seq()?;
        let e =
            events.iter().filter(|e| e.as_map().and_then(|m| m.keys().next()).is_some_and(|k| kinds.contains(&k.as_str()))).nth(n - 1)?;
        let v = e.as_map()?.iter().next()?.1.get(key)?;
        Some(Origin { span: Some(v.span), extent: Some(extent(e)) })
    }

    /// The value at `path` (its key for maps and lists), if present.
    fn try_value(&self, path: &[&str]) -> Option<Origin> {
        let n = self.node.pointer(path.iter().copied())?;
        let (last, parent) = path.split_last()?;
        let key = self.node.pointer(parent.iter().copied()).and_then(Node::as_map).and_then(|m| m.key_span(last));
        let span = match n.value {
            cfgen_syntax::Value::Map(_) | cfgen_syntax::Value::Seq(_) => key.or(Some(n.span)),
            _ => Some(n.span),
        };
        Some(Origin { span, extent: Some(extent(n)) })
    }

    fn try_key(&self, path: &[&str]) -> Option<Origin> {
        // The deepest existing key along `path`, but only below the first segment.
        for len in (2..=path.len()).rev() {
            let (last, parent) = path[..len].split_last()?;
            if let Some(s) = self.node.pointer(parent.iter().copied()).and_then(Node::as_map).and_then(|m| m.key_span(last)) {
                return Some(Origin::at(Some(s)));
            }
        }
        None
    }

    /// The key at `path`, or the nearest ancestor that exists, or the top of the file.
    pub fn key_origin(&self, path: &[&str]) -> Origin {
        for len in (1..=path.len()).rev() {
            let (last, parent) = path[..len].split_last().unwrap_or((&"", &[]));
            if let Some(s) = self.node.pointer(parent.iter().copied()).and_then(Node::as_map).and_then(|m| m.key_span(last)) {
                return Origin::at(Some(s));
            }
        }
        Origin::at(Some(self.node.span))
    }

    /// The value (or key, for maps and lists) at `path`, if present.
    pub fn value_origin(&self, path: &[&str]) -> Option<Origin> {
        self.try_value(path)
    }
}

fn map_keys<'n>(node: &'n Node, key: &str) -> impl Iterator<Item = &'n String> {
    node.get(key).and_then(Node::as_map).into_iter().flat_map(|m| m.iter().filter(|(_, v)| !v.is_null()).map(|(k, _)| k))
}

/// The region a node covers in its file: its own span stretched to the end of its last
/// descendant (the loader gives mappings the span of their start only).
pub fn extent(n: &Node) -> Span {
    let mut s = n.span;
    let mut stretch = |e: Span| {
        if e.file == s.file && (e.end_line, e.end_col) > (s.end_line, s.end_col) {
            s.end_line = e.end_line;
            s.end_col = e.end_col;
        }
    };
    match &n.value {
        cfgen_syntax::Value::Map(m) => {
            for (_, ks, v) in m.iter_spanned() {
                stretch(ks);
                stretch(extent(v));
            }
        }
        cfgen_syntax::Value::Seq(items) => items.iter().for_each(|x| stretch(extent(x))),
        _ => {}
    }
    s
}

/// The first scalar node in `n` whose text is `text`.
fn find_scalar<'n>(n: &'n Node, text: &str, depth: usize) -> Option<&'n Node> {
    if depth > 8 {
        return None;
    }
    match &n.value {
        cfgen_syntax::Value::String(s) if s == text => Some(n),
        cfgen_syntax::Value::Map(m) => m.iter().find_map(|(_, v)| find_scalar(v, text, depth + 1)),
        cfgen_syntax::Value::Seq(items) => items.iter().find_map(|v| find_scalar(v, text, depth + 1)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// An `http` string is split as the http pass splits it, on each single space: with two
    /// spaces, `GET  /c` is a method on the root path, and no `/c` resource comes from it.
    #[test]
    fn http_strings_split_as_the_pass_splits_them() {
        let src = "functions:\n  a:\n    events:\n      - http: GET /c/d\n  b:\n    events:\n      - http: GET  /c\n";
        let mut sources = cfgen_syntax::SourceMap::new();
        let file = sources.add("serverless.yml", src);
        let node = cfgen_syntax::yaml::load(src, file).expect("loads");
        let prov = Provenance::new(&node);
        let line_of = |o: Origin| o.span.map(|s| s.line);
        assert_eq!(line_of(prov.id_origin("ApiGatewayMethodGet", &json!({}))), Some(7));
        assert_eq!(line_of(prov.id_origin("ApiGatewayResourceC", &json!({}))), Some(4));
        assert_eq!(line_of(prov.id_origin("ApiGatewayMethodCDGet", &json!({}))), Some(4));
    }
}
