//! `package:compileEvents`: every function event, compiled by one module per event plugin, in
//! the order Serverless v3 runs them (each plugin loops functions in declaration order, then
//! each function's events in order):
//! schedule, s3, http, websocket, sns, stream, kafka, activemq, rabbitmq, msk, alb,
//! alexaSkill, alexaSmartHome, iot, iotFleetProvisioning, cloudwatchEvent, cloudwatchLog,
//! cognitoUserPool, eventBridge, sqs, cloudFront, httpApi.
//!
//! A module sees the service through [`EventCtx`]: the functions with their targets and
//! roles ([`FnInfo`]), the template under construction, the execution role's statements, and
//! spans for diagnostics.

pub mod alb;
pub mod alexa;
pub mod api_gateway;
pub mod cloudfront;
pub mod cloudwatch;
pub mod cognito;
pub mod custom_resources;
pub mod event_bridge;
pub mod http_api;
pub mod iot;
pub mod kafka;
pub mod mq;
pub mod msk;
pub mod queue_common;
pub mod s3;
pub mod schedule;
pub mod sns;
pub mod sqs;
pub mod stream;
pub mod websocket;

use crate::compile::{custom_role, function_name_of, Ctx, Template};
use crate::json::json;
use crate::merge;
use crate::naming;
use cfgen_model::coerce::truthy;
use cfgen_model::{Function, Provider};
use cfgen_syntax::{codes, Code, Diagnostic, Span};
use serde_json::Value;

/// Event types Serverless v3 knows (others are "unsupported function event" and ignored).
pub const EVENT_TYPES: [&str; 23] = [
    "schedule",
    "s3",
    "http",
    "websocket",
    "sns",
    "stream",
    "kafka",
    "activemq",
    "rabbitmq",
    "msk",
    "alb",
    "alexaSkill",
    "alexaSmartHome",
    "iot",
    "iotFleetProvisioning",
    "cloudwatchEvent",
    "cloudwatchLog",
    "cognitoUserPool",
    "eventBridge",
    "sqs",
    "cloudFront",
    "httpApi",
    "stepFunctions",
];

/// What an event compiler needs to know about one function.
#[derive(Clone, Debug)]
pub struct FnInfo {
    /// The key under `functions:`.
    pub key: String,
    /// The deployed name (`name`, else `<service>-<stage>-<key>`).
    pub name: String,
    /// The normalized key (`F`): `-` to `Dash`, `_` to `Underscore`, upper first.
    pub normalized: String,
    /// `<F>LambdaFunction`.
    pub logical_id: String,
    /// The invoke target: `{Fn::GetAtt: [<F>LambdaFunction, Arn]}`, joined with `:<alias>` when
    /// the function has provisioned concurrency or SnapStart.
    pub target: Value,
    /// `(alias name, alias logical id)` when the function has one.
    pub alias: Option<(String, String)>,
    /// `resolveFunctionIamRoleResourceName`: `IamRoleLambdaExecution`, a custom role's logical
    /// id, or `None` for roles given by ARN, `Ref`, `Fn::Sub` or `Fn::ImportValue`.
    pub role_resource: Option<String>,
    /// The functions of the service (shared with the compile context) and this one's index.
    all: std::rc::Rc<Vec<(String, Box<Function>)>>,
    index: usize,
}

impl FnInfo {
    /// The typed function.
    pub fn function(&self) -> &Function {
        &self.all[self.index].1
    }
    /// Its events, in order.
    pub fn events(&self) -> &[Value] {
        self.function().events.as_deref().unwrap_or(&[])
    }

    /// `(index in events, body)` of every event of type `ty` (the event is `{ty: body}`).
    pub fn events_of<'a>(&'a self, ty: &'a str) -> impl Iterator<Item = (usize, &'a Value)> + 'a {
        self.events().iter().enumerate().filter_map(move |(i, e)| e.as_object().and_then(|o| o.get(ty)).map(|b| (i, b)))
    }
}

/// The compile state event modules work on.
pub struct EventCtx<'a, 'b> {
    pub ctx: &'a mut Ctx<'b>,
    pub t: &'a mut Template,
    pub provider: &'a Provider,
    pub functions: std::rc::Rc<Vec<FnInfo>>,
    /// The S3 folder of this build's artifacts (`<prefix>/<service>/<stage>/<folder>`).
    pub artifact_directory: String,
    /// `provider.deploymentBucket` when it names an existing bucket.
    pub bucket: Option<String>,
    /// Set once a resource carried the template past its budget
    /// (`compile::MAX_TEMPLATE_HEAP`): later resources are not kept, the longest loops stop,
    /// and the build stops after the pass with `CFG413`.
    pub over_budget: bool,
    /// The logical id of the resource that carried the template past its budget: the error
    /// points at the event it came from.
    pub over_budget_at: Option<String>,
}

impl EventCtx<'_, '_> {
    pub fn service(&self) -> &str {
        &self.ctx.service
    }
    pub fn stage(&self) -> &str {
        &self.ctx.stage
    }
    pub fn region(&self) -> &str {
        &self.ctx.region
    }
    /// The framework instance id (suffix of `ApiGatewayDeployment`).
    pub fn instance_id(&self) -> &str {
        &self.ctx.instance_id
    }
    /// `_.merge(Resources, {id: value})`: merges into a resource of the same id.
    pub fn merge_resource(&mut self, id: &str, value: Value) {
        if self.over_budget {
            return;
        }
        merge::merge_entry(&mut self.t.resources, id, value);
        self.charge(id);
    }
    /// Charges the resources added since the last charge; remembers `id` if it crossed.
    fn charge(&mut self, id: &str) {
        self.over_budget = !self.t.within_budget();
        if self.over_budget {
            self.over_budget_at = Some(id.to_string());
        }
    }
    /// `Resources[id] = value`: replaces a resource of the same id (keeping its position).
    pub fn set_resource(&mut self, id: &str, value: Value) {
        if self.over_budget {
            return;
        }
        self.t.resources.insert(id.to_string(), value);
        self.charge(id);
    }
    /// `_.merge(Outputs, {id: value})`.
    pub fn merge_output(&mut self, id: &str, value: Value) {
        merge::merge_entry(&mut self.t.outputs, id, value);
    }
    /// The execution role's statements ([`crate::compile::role_statements`]).
    pub fn role_statements(&mut self) -> Option<&mut Vec<Value>> {
        crate::compile::role_statements(&mut self.t.resources, naming::ROLE)
    }
    /// Append a statement to the execution role (no-op without it).
    pub fn push_statement(&mut self, statement: Value) {
        if let Some(s) = self.role_statements() {
            s.push(statement);
        }
    }
    /// Add a service principal (e.g. `scheduler.amazonaws.com`) to the execution role's trust
    /// policy, once.
    pub fn add_assume_role_principal(&mut self, service: &str) {
        let Some(Value::Array(services)) =
            self.t.resources.get_mut(naming::ROLE).and_then(|r| {
                crate::value::at_mut(r, &["Properties", "AssumeRolePolicyDocument", "Statement", "0", "Principal", "Service"])
            })
        else {
            return;
        };
        if !services.iter().any(|s| s == service) {
            services.push(json!(service));
        }
    }
    /// The span of `functions.<key>.events.<index>` followed by `path` inside the event.
    pub fn event_span(&self, key: &str, index: usize, path: &[&str]) -> Option<Span> {
        let idx = index.to_string();
        let mut full = vec!["functions", key, "events", idx.as_str()];
        full.extend_from_slice(path);
        self.ctx.span(&full)
    }
    /// [`crate::compile::Ctx::schema_severity`].
    pub fn schema_severity(&self) -> cfgen_syntax::Severity {
        self.ctx.schema_severity()
    }
    /// Report at an event (or a key inside it).
    pub fn report(&mut self, d: Diagnostic, key: &str, index: usize, path: &[&str]) {
        let span = self.event_span(key, index, path);
        self.ctx.diags.push(d.at_opt(span));
    }
    /// Report at the key `path` inside an event (e.g. `http`, `path`) rather than at its value.
    pub fn report_at_key(&mut self, d: Diagnostic, key: &str, index: usize, path: &[&str]) {
        let idx = index.to_string();
        let mut full = vec!["functions", key, "events", idx.as_str()];
        full.extend_from_slice(path);
        let span = self.ctx.key_span(&full);
        self.ctx.diags.push(d.at_opt(span));
    }
    pub fn error(&mut self, code: Code, msg: impl Into<String>, key: &str, index: usize, path: &[&str]) {
        self.report(Diagnostic::error(code, msg), key, index, path);
    }
    pub fn warning(&mut self, code: Code, msg: impl Into<String>, key: &str, index: usize, path: &[&str]) {
        self.report(Diagnostic::warning(code, msg), key, index, path);
    }
    /// Warn about every key of an object-form event `body` that `allowed` does not list
    /// (Serverless' schema: "unrecognized property"), with a did-you-mean.
    pub fn check_keys(&mut self, key: &str, index: usize, ty: &str, body: &Value, allowed: &[&str]) {
        let Value::Object(o) = body else { return };
        let unknown: Vec<String> = o.keys().filter(|k| !allowed.contains(&k.as_str())).cloned().collect();
        // Schema findings follow `configValidationMode`, as for every other key.
        let severity = self.schema_severity();
        for k in unknown {
            let mut d = Diagnostic::new(codes::UNKNOWN_KEY, severity, format!("unknown key `{k}` in a `{ty}` event"));
            if let Some(s) = cfgen_syntax::diagnostic::did_you_mean(&k, allowed.iter().copied()) {
                d = d.help(format!("did you mean `{s}`?"));
            }
            let idx = index.to_string();
            let span = self.ctx.key_span(&["functions", key, "events", &idx, ty, &k]);
            self.ctx.diags.push(d.at_opt(span).label("not a setting of this event"));
        }
    }
    /// The function with `key`.
    pub fn function(&self, key: &str) -> Option<&FnInfo> {
        self.functions.iter().find(|f| f.key == key)
    }
    /// An error for every event of type `ty`: cfgen does not compile it yet.
    pub fn not_implemented(&mut self, ty: &str) {
        let at: Vec<(String, usize)> =
            self.functions.iter().flat_map(|f| f.events_of(ty).map(|(i, _)| (f.key.clone(), i)).collect::<Vec<_>>()).collect();
        for (key, i) in at {
            self.report(
                Diagnostic::error(codes::NOT_IMPLEMENTED, format!("`{ty}` events are not compiled by this version of cfgen yet"))
                    .help("the template would miss this trigger; remove the event or wait for cfgen to support it"),
                &key,
                i,
                &[ty],
            );
        }
    }
}

/// `resolveFunctionIamRoleResourceName`.
fn role_resource(provider: &Provider, f: &Function) -> Option<String> {
    match custom_role(provider, f) {
        None => Some(naming::ROLE.to_string()),
        Some(Value::String(s)) => (!s.contains(':')).then_some(s),
        Some(Value::Object(o)) => {
            if let Some(Value::Array(a)) = o.get("Fn::GetAtt") {
                if a.len() == 2 && a[1] == "Arn" {
                    return a[0].as_str().map(String::from);
                }
            }
            if o.contains_key("Fn::ImportValue") || o.contains_key("Ref") || o.contains_key("Fn::Sub") {
                return None;
            }
            Some(naming::ROLE.to_string())
        }
        Some(_) => Some(naming::ROLE.to_string()),
    }
}

/// Compile every event of the service.
pub fn compile(ctx: &mut Ctx, provider: &Provider, t: &mut Template, artifact_directory: &str, bucket: Option<&str>) {
    let all = ctx.functions.clone();
    let functions: Vec<FnInfo> = all
        .iter()
        .enumerate()
        .map(|(index, (key, f))| {
            let logical_id = naming::lambda_function(key);
            let alias = if f.provisioned_concurrency.as_ref().is_some_and(truthy) {
                Some((naming::PROVISIONED_ALIAS_NAME.to_string(), naming::provisioned_concurrency_alias(key)))
            } else if f.snap_start == Some(true) {
                Some((naming::SNAP_START_ALIAS_NAME.to_string(), naming::snap_start_alias(key)))
            } else {
                None
            };
            let get = json!({"Fn::GetAtt": [&logical_id, "Arn"]});
            let target = match &alias {
                Some((name, _)) => json!({"Fn::Join": [":", [get, name]]}),
                None => get,
            };
            FnInfo {
                key: key.clone(),
                name: function_name_of(&ctx.service, &ctx.stage, key, f),
                normalized: naming::function(key),
                logical_id,
                target,
                alias,
                role_resource: role_resource(provider, f),
                all: all.clone(),
                index,
            }
        })
        .collect();
    let no_events = functions.iter().all(|f| f.events().is_empty());
    let mut e = EventCtx {
        ctx,
        t,
        provider,
        functions: std::rc::Rc::new(functions),
        artifact_directory: artifact_directory.to_string(),
        bucket: bucket.map(String::from),
        over_budget: false,
        over_budget_at: None,
    };
    if no_events {
        // `provider.cloudFront.cachePolicies` are compiled even without events, and v3 resolves
        // `provider.httpApi` (its CORS, authorizers and logs, with their errors) before it
        // looks for routes.
        cloudfront::compile(&mut e);
        http_api::compile(&mut e);
        return;
    }
    event_shapes(&mut e);
    // In Serverless v3's plugin order. Resources are charged to the template's size budget
    // as they are added (`merge_resource`, `set_resource`), and the pass's as it ends.
    let passes: [(&str, Pass); 22] = [
        ("schedule", schedule::compile),
        ("s3", s3::compile),
        ("http", api_gateway::compile),
        ("websocket", websocket::compile),
        ("sns", sns::compile),
        ("stream", stream::compile),
        ("kafka", kafka::compile),
        ("activemq", mq::compile_activemq),
        ("rabbitmq", mq::compile_rabbitmq),
        ("msk", msk::compile),
        ("alb", alb::compile),
        ("alexaSkill", alexa::compile_skill),
        ("alexaSmartHome", alexa::compile_smart_home),
        ("iot", iot::compile),
        ("iotFleetProvisioning", iot::compile_fleet_provisioning),
        ("cloudwatchEvent", cloudwatch::compile_event),
        ("cloudwatchLog", cloudwatch::compile_log),
        ("cognitoUserPool", cognito::compile),
        ("eventBridge", event_bridge::compile),
        ("sqs", sqs::compile),
        ("cloudFront", cloudfront::compile),
        ("httpApi", http_api::compile),
    ];
    for (name, pass) in passes {
        pass(&mut e);
        // Past the budget stays past it, so this also reports what `over_budget` recorded, at
        // the event whose resource crossed it when that is known.
        let crossed = e.over_budget_at.clone();
        let what = || match &crossed {
            Some(id) => format!("compiling the `{name}` events, at resource `{id}`"),
            None => format!("compiling the `{name}` events"),
        };
        let at = |ctx: &Ctx, t: &Template| {
            let from_event = crossed.as_deref().and_then(|id| {
                let res = t.resources.get(id)?;
                crate::check::provenance::Provenance::new(ctx.node).id_origin(id, res).span
            });
            from_event.or_else(|| ctx.key_span(&["functions"]))
        };
        if !crate::compile::within_budget_or_report_at(e.ctx, e.t, what, at) {
            return;
        }
    }
}

/// An event pass: compiles one kind of event for every function.
type Pass = fn(&mut EventCtx);

/// Event types whose body v3's schema also takes as a string (`anyOf: [string, object]`).
/// Serverless validates with AJV's `coerceTypes`, which turns a number or boolean body of
/// these into a string in place, before the compile reads it: `- sqs: false` compiles as the
/// queue ARN `"false"`, `- s3: 0` as the bucket `"0"` ([`coerce_scalar_bodies`]).
const STRING_FORM: [&str; 11] =
    ["schedule", "s3", "http", "websocket", "sns", "stream", "alexaSkill", "alexaSmartHome", "cloudwatchLog", "sqs", "httpApi"];

/// AJV's coercion of event bodies (see [`STRING_FORM`]): a number or boolean body of an
/// event type with a string form becomes that string, as JavaScript prints it, with a warning
/// (valid for v3, but likely a slip; the editor schema flags it too). Other types keep such a
/// body, which is falsy or not an object, and [`event_shapes`] reports it.
pub fn coerce_scalar_bodies(functions: &mut [(String, Box<Function>)], node: &cfgen_syntax::Node, diags: &mut Vec<Diagnostic>) {
    for (key, f) in functions.iter_mut() {
        for (i, event) in f.events.iter_mut().flatten().enumerate() {
            let Value::Object(o) = event else { continue };
            for (ty, body) in o.iter_mut() {
                if STRING_FORM.contains(&ty.as_str()) && matches!(body, Value::Bool(_) | Value::Number(_)) {
                    if let Some(s) = cfgen_model::coerce::scalar_string(body) {
                        let idx = i.to_string();
                        let span = node.pointer(["functions", key.as_str(), "events", idx.as_str(), ty.as_str()]).map(|n| n.span);
                        diags.push(
                            Diagnostic::warning(
                                codes::INVALID_TYPE,
                                format!("this `{ty}` event is `{body}`, not text or settings; Serverless v3 reads it as the text `{s}`"),
                            )
                            .at_opt(span)
                            .help(format!("quote it if the text is meant (`{ty}: '{s}'`)")),
                        );
                        *body = Value::String(s);
                    }
                }
            }
        }
    }
}

/// What v3's schema says of each event's shape, before any event compiles:
/// - not a mapping, an unknown type, or a mapping of several keys ("unsupported function
///   event", "must be object", "unrecognized property"): v3 ignores an unknown type, and
///   compiles each type it knows of a several-key event;
/// - an empty body (`- sqs:`, `- kafka: ''`, `- iot: false`): v3 ignores the event. Each
///   compiler skips such a body without a word, so this is where it is reported.
///
/// Each is a schema finding (an error under `configValidationMode: error`), except an empty
/// string for `s3` or `websocket`, whose schema takes any string: a warning then, as v3 says
/// nothing at all.
fn event_shapes(e: &mut EventCtx) {
    let severity = e.schema_severity();
    let mut found = Vec::new();
    for f in e.functions.iter() {
        for (i, ev) in f.events().iter().enumerate() {
            let o = match ev {
                Value::Object(o) if !o.is_empty() => o,
                _ => {
                    found.push((f.key.clone(), i, Shape::NotMapping, severity));
                    continue;
                }
            };
            if o.len() != 1 {
                // `- cloudwatchEvent:` with its settings beside it rather than under it
                let mut types = o.iter().filter(|(k, _)| EVENT_TYPES.contains(&k.as_str()));
                let unindented = match (types.next(), types.next()) {
                    (Some((t, body)), None) if !truthy(body) => Some(t.clone()),
                    _ => None,
                };
                found.push((f.key.clone(), i, Shape::Keys(o.keys().cloned().collect(), unindented), severity));
                continue;
            }
            let Some((ty, body)) = o.iter().next() else { continue };
            if !EVENT_TYPES.contains(&ty.as_str()) {
                found.push((f.key.clone(), i, Shape::Unknown(ty.clone()), severity));
            } else if !truthy(body) {
                let any_string = body.as_str() == Some("") && (ty == "s3" || ty == "websocket");
                let sev = if any_string { cfgen_syntax::Severity::Warning } else { severity };
                found.push((f.key.clone(), i, Shape::Empty(ty.clone(), body.clone()), sev));
            }
        }
    }
    let ignored = |msg: String, sev| if sev == cfgen_syntax::Severity::Error { msg } else { format!("{msg}; Serverless v3 ignores it") };
    for (key, i, shape, sev) in found {
        let d = match shape {
            Shape::NotMapping => {
                Diagnostic::new(codes::UNKNOWN_KEY, sev, ignored("an event must be a mapping with one key, the event type".into(), sev))
            }
            Shape::Keys(keys, Some(t)) => {
                // the settings of an empty event type beside it: a finding at the event and one
                // at each setting, where an editor flags them too
                let msg = format!("an event must have one key, the event type; this one has {} (`{t}` and its settings)", keys.len());
                let d = Diagnostic::new(codes::UNKNOWN_KEY, sev, ignored(msg, sev))
                    .help(format!("`{t}` is empty: its settings sit beside it rather than under it"));
                e.report(d, &key, i, &[]);
                for k in keys.iter().filter(|k| **k != t) {
                    let d = Diagnostic::new(codes::UNKNOWN_KEY, sev, format!("`{k}` sits beside `{t}` rather than under it"))
                        .help(format!("indent `{k}` under `{t}:` to make it a setting of the event"));
                    e.report_at_key(d, &key, i, &[k.as_str()]);
                }
                continue;
            }
            Shape::Keys(keys, None) => {
                let known = keys.iter().filter(|k| EVENT_TYPES.contains(&k.as_str())).count();
                let listed = keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
                let mut msg = format!("an event must have one key, the event type; this one has {} ({listed})", keys.len());
                if sev != cfgen_syntax::Severity::Error {
                    msg.push_str(&match known {
                        0 => "; Serverless v3 ignores it".to_string(),
                        n if n == keys.len() => "; Serverless v3 compiles each of them as an event".to_string(),
                        _ => "; Serverless v3 compiles the event types it knows and ignores the others".to_string(),
                    });
                }
                Diagnostic::new(codes::UNKNOWN_KEY, sev, msg).help("write each event as its own item of `events`")
            }
            Shape::Unknown(t) => {
                let mut d = Diagnostic::new(codes::UNKNOWN_KEY, sev, ignored(format!("unsupported function event `{t}`"), sev));
                if let Some(s) = cfgen_syntax::diagnostic::did_you_mean(&t, EVENT_TYPES) {
                    d = d.help(format!("did you mean `{s}`?"));
                }
                d
            }
            Shape::Empty(t, body) => {
                let what = match body {
                    Value::Bool(_) | Value::Number(_) => format!("this `{t}` event is `{body}`, not its settings"),
                    _ => format!("this `{t}` event is empty"),
                };
                let d = Diagnostic::new(codes::INVALID_TYPE, sev, ignored(what, sev))
                    .help(format!("give the `{t}` event its settings, or remove it"));
                queue_common::report(e, d, &key, i, &[t.as_str()]);
                continue;
            }
        };
        e.report(d, &key, i, &[]);
    }
}

/// An event v3's schema finds fault with, as [`event_shapes`] reports it.
enum Shape {
    /// Not a mapping, or an empty one.
    NotMapping,
    /// Several keys; with the one event type among them when its body is empty (its settings
    /// written beside it, not indented under it).
    Keys(Vec<String>, Option<String>),
    Unknown(String),
    /// The type and its falsy body.
    Empty(String, Value),
}
