//! serverless-step-functions 3.31.2 events of state machines (`package:compileEvents`):
//! `schedule` (an `AWS::Events::Rule`, or with `method: scheduler` an
//! `AWS::Scheduler::Schedule`) and `cloudwatchEvent`/`eventBridge` (an `AWS::Events::Rule`),
//! each with a role allowed to start the machine unless a role is given.
//!
//! The plugin writes these resources as JSON text with the values interpolated, then parses
//! it; cfgen does the same so that its quirks carry over: `input` strings only get their
//! quotes escaped, literal `\n`/`\r` escapes are dropped from cloudwatch patterns and inputs.
//! Text that does not parse is an error where the plugin would crash. `http` events get the
//! plugin's own REST API pipeline (`ApiGatewayRestApi`, resources, methods integrating with
//! `states:action/StartExecution`, `ApigatewayToStepFunctionsRole`, the deployment and the
//! `ServiceEndpoint` output, OPTIONS methods for `cors`), merged into the REST API of
//! functions' `http` events when there is one (the methods join that deployment's
//! `DependsOn`); request schemas become models and a request validator; `restApiResources` is not compiled yet (an error). Other event types are ignored by the plugin (a warning).

use crate::json::json;
use cfgen_syntax::{codes, Diagnostic};
use serde_json::{Map, Value};

use super::step_functions::{js_string, js_stringify, merge_into, truthy};
use crate::compile::{Ctx, Template};
use crate::naming;

/// Every state machine with its `events`, in configuration order.
fn machines_with_events(ctx: &Ctx) -> Vec<(String, Value, Vec<Value>)> {
    let Some(Value::Object(machines)) = ctx.cfg.step_functions.as_ref().and_then(|s| s.get("stateMachines")) else {
        return Vec::new();
    };
    machines
        .iter()
        .filter_map(|(k, sm)| match sm.get("events") {
            Some(Value::Array(ev)) => Some((k.clone(), sm.clone(), ev.clone())),
            _ => None,
        })
        .collect()
}

fn event_error(ctx: &mut Ctx, code: cfgen_syntax::Code, machine: &str, i: usize, msg: String, help: Option<&str>) {
    let idx = i.to_string();
    let mut d = Diagnostic::error(code, msg).at_opt(ctx.span(&["stepFunctions", "stateMachines", machine, "events", &idx]));
    if let Some(h) = help {
        d = d.help(h);
    }
    ctx.diags.push(d);
}

/// The role `buildIamRole` writes for events and schedules.
fn event_role(principal: &str, policy: &str, machine_id: &str) -> Value {
    json!({
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [{ "Effect": "Allow", "Principal": { "Service": principal }, "Action": "sts:AssumeRole" }]
            },
            "Policies": [{
                "PolicyName": policy,
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [{ "Effect": "Allow", "Action": ["states:StartExecution"], "Resource": { "Ref": machine_id } }]
                }
            }]
        }
    })
}

fn role_path(ctx: &Ctx) -> Option<Value> {
    let provider = ctx.cfg.provider.as_ref()?;
    provider.iam.as_ref()?.role.as_ref()?.get("path").filter(|p| truthy(Some(p))).cloned()
}

/// `JSON.stringify(x)` of an optional value: `None` for undefined.
fn stringify_opt(v: Option<&Value>) -> Option<String> {
    v.map(js_stringify)
}

/// `[Input, InputPath, InputTransformer].filter(Boolean).length > 1`.
fn too_many_inputs(o: &Map<String, Value>) -> bool {
    ["input", "inputPath", "inputTransformer"].iter().filter(|k| truthy(o.get(**k))).count() > 1
}

const TOO_MANY_INPUTS: &str =
    "You can't set input, inputPath and inputTransformer properties at the same time for events. Please check the AWS docs for more info";

/// `Input` after the plugin's treatment: objects stringified, quotes escaped; `None` if falsy.
fn input_text(v: Option<&Value>) -> Option<String> {
    let v = v.filter(|v| truthy(Some(v)))?;
    let s = match v {
        Value::String(s) => s.clone(),
        Value::Object(_) | Value::Array(_) => js_stringify(v),
        other => return Some(js_string(other)),
    };
    Some(s.replace('"', "\\\""))
}

fn transformer_parts(o: &Map<String, Value>) -> (String, String) {
    let t = o.get("inputTransformer");
    let paths = match t.and_then(|t| t.get("inputPathsMap")) {
        Some(m @ Value::Object(_)) => js_stringify(m),
        Some(other) => js_string(other),
        None => "undefined".into(),
    };
    let template = match t.and_then(|t| t.get("inputTemplate")) {
        Some(Value::String(s)) => s.replace('"', "\\\""),
        Some(other) => js_string(other),
        None => "undefined".into(),
    };
    (paths, template)
}

fn retry_policy(o: &Map<String, Value>) -> Option<String> {
    let r = o.get("retryPolicy").filter(|r| truthy(Some(r)))?;
    let mut m = Map::new();
    if let Some(v) = r.get("maximumEventAgeInSeconds") {
        m.insert("MaximumEventAgeInSeconds".into(), v.clone());
    }
    if let Some(v) = r.get("maximumRetryAttempts") {
        m.insert("MaximumRetryAttempts".into(), v.clone());
    }
    Some(js_stringify(&Value::Object(m)))
}

/// Parse the interpolated template like the plugin's `JSON.parse`.
fn parse(ctx: &mut Ctx, machine: &str, i: usize, text: &str) -> Option<Value> {
    match serde_json::from_str::<Value>(text) {
        Ok(v) => Some(v),
        Err(e) => {
            event_error(
                ctx,
                codes::INVALID_VALUE,
                machine,
                i,
                format!("serverless-step-functions builds invalid JSON from this event ({e})"),
                Some("a value holds characters (quotes, backslashes, new lines) the plugin pastes into JSON text unescaped"),
            );
            None
        }
    }
}

/// `package:compileEvents`: schedules, then http (not compiled), then cloudwatch events.
pub fn compile(ctx: &mut Ctx, t: &mut Template) {
    let machines = machines_with_events(ctx);
    for (key, sm, events) in &machines {
        let mut n = 0;
        for (i, ev) in events.iter().enumerate() {
            if let Some(s) = ev.get("schedule").filter(|s| truthy(Some(s))) {
                n += 1;
                schedule(ctx, t, key, sm, i, n, s);
            }
        }
    }
    http(ctx, t, &machines);
    for (key, sm, events) in &machines {
        let mut n = 0;
        for (i, ev) in events.iter().enumerate() {
            let rule = ev.get("cloudwatchEvent").filter(|s| truthy(Some(s))).or_else(|| ev.get("eventBridge").filter(|s| truthy(Some(s))));
            if let Some(rule) = rule {
                n += 1;
                cloudwatch_event(ctx, t, key, sm, i, n, rule);
            }
        }
    }
    for (key, _, events) in &machines {
        for (i, ev) in events.iter().enumerate() {
            let known = ["schedule", "http", "cloudwatchEvent", "eventBridge"];
            let ty = ev.as_object().and_then(|o| o.keys().find(|k| !known.contains(&k.as_str())).cloned());
            if let Some(ty) = ty {
                let idx = i.to_string();
                let d =
                    Diagnostic::warning(codes::UNKNOWN_KEY, format!("serverless-step-functions ignores `{ty}` events of state machines"))
                        .at_opt(ctx.key_span(&["stepFunctions", "stateMachines", key, "events", &idx, &ty]))
                        .help("state machines take `schedule`, `http`, `cloudwatchEvent` and `eventBridge` events");
                ctx.diags.push(d);
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn schedule(ctx: &mut Ctx, t: &mut Template, key: &str, sm: &Value, i: usize, n: usize, s: &Value) {
    let machine_id = naming::sfn_state_machine(key, sm);
    let (expr, state, input, input_path, transformer, name, description, scheduler, timezone, retry, role) = match s {
        Value::String(expr) => (expr.clone(), "ENABLED", None, None, None, None, None, false, None, None, None),
        Value::Object(o) => {
            let Some(rate) = o.get("rate").filter(|r| truthy(Some(r))) else {
                let msg = format!("Missing \"rate\" property for schedule event in stateMachine {key} The correct syntax is: schedule: rate(10 minutes) OR an object with \"rate\" property.");
                event_error(ctx, codes::MISSING_KEY, key, i, msg, None);
                return;
            };
            let state = if o.get("enabled") == Some(&Value::Bool(false)) { "DISABLED" } else { "ENABLED" };
            let method = o.get("method").filter(|m| truthy(Some(m))).map_or_else(|| "eventBus".to_string(), js_string);
            let scheduler = method == "scheduler";
            if too_many_inputs(o) {
                event_error(ctx, codes::INVALID_VALUE, key, i, TOO_MANY_INPUTS.into(), None);
                return;
            }
            let transformer = truthy(o.get("inputTransformer")).then(|| transformer_parts(o));
            let input_path = o.get("inputPath").filter(|v| truthy(Some(v))).map(js_string);
            let timezone = o.get("timezone").filter(|v| truthy(Some(v))).map(js_string);
            let problem = if transformer.is_some() && scheduler {
                Some("Cannot setup \"schedule\" event: \"inputTransformer\" is not supported with \"scheduler\" mode")
            } else if input_path.is_some() && scheduler {
                Some("Cannot setup \"schedule\" event: \"inputPath\" is not supported with \"scheduler\" mode")
            } else if timezone.is_some() && !scheduler {
                Some("Cannot setup \"schedule\" event: \"timezone\" is only supported with \"scheduler\" mode")
            } else {
                None
            };
            if let Some(p) = problem {
                event_error(ctx, codes::INVALID_VALUE, key, i, p.into(), None);
                return;
            }
            (
                js_string(rate),
                state,
                input_text(o.get("input")),
                input_path,
                transformer,
                o.get("name").filter(|v| truthy(Some(v))).map(js_string),
                o.get("description").filter(|v| truthy(Some(v))).map(js_string),
                scheduler,
                timezone,
                retry_policy(o),
                o.get("role").filter(|v| truthy(Some(v))).map(js_stringify),
            )
        }
        _ => {
            let msg = format!("Schedule event of stateMachine {key} is not an object nor a string The correct syntax is: schedule: rate(10 minutes) OR an object with \"rate\" property.");
            event_error(ctx, codes::INVALID_TYPE, key, i, msg, None);
            return;
        }
    };
    let role_id = naming::sfn_schedule_role(key);
    let role_arn = role.clone().unwrap_or_else(|| format!("{{\"Fn::GetAtt\": [\"{role_id}\", \"Arn\"]}}"));
    let opt = |cond: bool, text: String| if cond { text } else { String::new() };
    let text = if scheduler {
        format!(
            "{{\"Type\": \"AWS::Scheduler::Schedule\", \"Properties\": {{\"ScheduleExpression\": \"{expr}\", \"State\": \"{state}\", {}{}{}\"Target\": {{\"Arn\": {{ \"Ref\": \"{machine_id}\" }}, \"RoleArn\": {role_arn}{}}}, \"FlexibleTimeWindow\": {{\"Mode\": \"OFF\"}}}}}}",
            timezone.as_ref().map_or(String::new(), |z| format!("\"ScheduleExpressionTimezone\": \"{z}\",")),
            name.as_ref().map_or(String::new(), |x| format!("\"Name\": \"{x}\",")),
            description.as_ref().map_or(String::new(), |x| format!("\"Description\": \"{x}\",")),
            input.as_ref().map_or(String::new(), |x| format!(",\"Input\": \"{x}\"")),
        )
    } else {
        format!(
            "{{\"Type\": \"AWS::Events::Rule\", \"Properties\": {{\"ScheduleExpression\": \"{expr}\", \"State\": \"{state}\", {}{}\"Targets\": [{{{}{}{}\"Arn\": {{ \"Ref\": \"{machine_id}\" }}, \"Id\": \"{}\", {}\"RoleArn\": {role_arn}}}]}}}}",
            name.as_ref().map_or(String::new(), |x| format!("\"Name\": \"{x}\",")),
            description.as_ref().map_or(String::new(), |x| format!("\"Description\": \"{x}\",")),
            input.as_ref().map_or(String::new(), |x| format!("\"Input\": \"{x}\",")),
            input_path.as_ref().map_or(String::new(), |x| format!("\"InputPath\": \"{x}\",")),
            transformer.as_ref().map_or(String::new(), |(p, tpl)| format!(
                "\"InputTransformer\": {{\"InputPathsMap\": {p}, \"InputTemplate\": \"{tpl}\"}},"
            )),
            naming::sfn_schedule_target_id(key),
            opt(retry.is_some(), format!("\"RetryPolicy\": {},", retry.clone().unwrap_or_default())),
        )
    };
    let Some(resource) = parse(ctx, key, i, &text) else { return };
    let policy = naming::sfn_schedule_policy_name(&ctx.stage, &ctx.region, &ctx.service, key);
    let mut iam = event_role(if scheduler { "scheduler.amazonaws.com" } else { "events.amazonaws.com" }, &policy, &machine_id);
    let boundary = ctx.cfg.provider.as_ref().and_then(|p| p.role_permissions_boundary.clone()).filter(|b| truthy(Some(b)));
    if let Some(b) = boundary {
        iam["Properties"]["PermissionsBoundary"] = b;
    }
    if let Some(p) = role_path(ctx) {
        iam["Properties"]["Path"] = p;
    }
    merge_into(&mut t.resources, naming::sfn_schedule(key, n, scheduler), resource);
    if role.is_none() {
        merge_into(&mut t.resources, role_id, iam);
    }
}

fn cloudwatch_event(ctx: &mut Ctx, t: &mut Template, key: &str, sm: &Value, i: usize, n: usize, rule: &Value) {
    let Value::Object(o) = rule else {
        let msg = format!("CloudWatch event of stateMachine \"{key}\" is not an object Please check the docs for more info.");
        event_error(ctx, codes::INVALID_TYPE, key, i, msg, None);
        return;
    };
    let Some(event) = o.get("event").filter(|e| truthy(Some(e))) else {
        let msg = format!("Missing \"event\" property for cloudwatch event in stateMachine {key} Please check the docs for more info.");
        event_error(ctx, codes::MISSING_KEY, key, i, msg, None);
        return;
    };
    if too_many_inputs(o) {
        event_error(ctx, codes::INVALID_VALUE, key, i, TOO_MANY_INPUTS.into(), None);
        return;
    }
    let machine_id = naming::sfn_state_machine(key, sm);
    let pattern = js_stringify(event).replace("\\n", "").replace("\\r", "");
    let state = if o.get("enabled") == Some(&Value::Bool(false)) { "DISABLED" } else { "ENABLED" };
    let input = input_text(o.get("input")).map(|s| s.replace("\\n", "").replace("\\r", ""));
    let input_path = o.get("inputPath").filter(|v| truthy(Some(v))).map(|v| js_string(v).replace("\r\n", "").replace('\n', ""));
    let transformer = truthy(o.get("inputTransformer")).then(|| transformer_parts(o));
    let description = o.get("description").filter(|v| truthy(Some(v))).map(js_string);
    let name = o.get("name").filter(|v| truthy(Some(v))).map(js_string);
    let bus = stringify_opt(o.get("eventBusName"));
    let iam_role = stringify_opt(o.get("iamRole"));
    let dlq = stringify_opt(o.get("deadLetterConfig"));
    let retry = retry_policy(o);
    let role_id = naming::sfn_cloudwatch_event_role(key);
    let text = format!(
        "{{\"Type\": \"AWS::Events::Rule\", \"Properties\": {{{}\"EventPattern\": {pattern}, \"State\": \"{state}\", {}{}\"Targets\": [{{{}{}{}\"Arn\": {{ \"Ref\": \"{machine_id}\" }}, \"Id\": \"{}\", {}{}{}}}]}}}}",
        bus.as_ref().map_or(String::new(), |b| format!("\"EventBusName\": {b},")),
        description.as_ref().map_or(String::new(), |x| format!("\"Description\": \"{x}\",")),
        name.as_ref().map_or(String::new(), |x| format!("\"Name\": \"{x}\",")),
        input.as_ref().map_or(String::new(), |x| format!("\"Input\": \"{x}\",")),
        input_path.as_ref().map_or(String::new(), |x| format!("\"InputPath\": \"{x}\",")),
        transformer.as_ref().map_or(String::new(), |(p, tpl)| format!(
            "\"InputTransformer\": {{\"InputPathsMap\": {p}, \"InputTemplate\": \"{tpl}\"}},"
        )),
        naming::sfn_cloudwatch_event_target_id(key),
        dlq.as_ref().map_or(String::new(), |d| format!("\"DeadLetterConfig\":{{ \"Arn\" : {d} }},")),
        retry.as_ref().map_or(String::new(), |r| format!("\"RetryPolicy\": {r},")),
        iam_role.as_ref().map_or_else(|| format!("\"RoleArn\": {{\"Fn::GetAtt\": [\"{role_id}\", \"Arn\"]}}"), |r| format!("\"RoleArn\": {r}")),
    );
    let Some(resource) = parse(ctx, key, i, &text) else { return };
    merge_into(&mut t.resources, naming::sfn_cloudwatch_event(key, n), resource);
    if iam_role.is_none() {
        let policy = naming::sfn_cloudwatch_event_policy_name(&ctx.stage, &ctx.region, &ctx.service, key);
        let mut iam = event_role("events.amazonaws.com", &policy, &machine_id);
        if let Some(p) = role_path(ctx) {
            iam["Properties"]["Path"] = p;
        }
        merge_into(&mut t.resources, role_id, iam);
    }
}

/// The http event keys cfgen compiles.
const HTTP_KEYS: &[&str] =
    &["path", "method", "action", "iamRole", "timeoutInMillis", "cors", "private", "request", "response", "responses", "authorizer"];

struct HttpEvent {
    auth: Option<Authorizer>,
    /// The Access-Control-Allow-Origin value of the method's responses, with `cors`.
    cors_origin: Option<String>,
    machine_id: String,
    /// The state machine's key and the event's index, for diagnostics.
    at: (String, usize),
    path: String,
    method: String,
    http: Map<String, Value>,
}

/// The http pipeline of the plugin (`compileRestApi` .. `compileDeployment`).
fn http(ctx: &mut Ctx, t: &mut Template, machines: &[(String, Value, Vec<Value>)]) {
    let mut events: Vec<HttpEvent> = Vec::new();
    // Per path, in order of first appearance: the merged scalar settings and every event's
    // CORS settings. v3 merges each event's lists into the path's with `_.union(new, old)`;
    // one union over all of them, newest first, gives the same lists without re-reading the
    // merged ones per event.
    let mut preflight: Vec<(String, Preflight, Vec<Cors>)> = Vec::new();
    let mut preflight_index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut failed = false;
    for (key, sm, evs) in machines {
        for (i, ev) in evs.iter().enumerate() {
            let Some(h) = ev.get("http") else { continue };
            let http: Map<String, Value> = match h {
                Value::Object(o) => o.clone(),
                Value::String(s) => {
                    let mut parts = s.split(' ');
                    let mut m = Map::new();
                    m.insert("method".into(), json!(parts.next().unwrap_or_default()));
                    if let Some(p) = parts.next() {
                        m.insert("path".into(), json!(p));
                    }
                    m
                }
                _ => {
                    let msg = format!("Invalid http event in stateMachine \"{key}\" in serverless.yml. If you define an http event, make sure you pass a valid value for it, either as string syntax, or object syntax.");
                    event_error(ctx, codes::INVALID_TYPE, key, i, msg, None);
                    failed = true;
                    continue;
                }
            };
            if let Some(k) = http.keys().find(|k| !HTTP_KEYS.contains(&k.as_str())) {
                event_error(
                    ctx,
                    codes::NOT_IMPLEMENTED,
                    key,
                    i,
                    format!("`{k}` of state machine http events is not compiled by this version of cfgen yet"),
                    Some("the template would differ from Serverless v3; remove the setting or wait for cfgen to support it"),
                );
                failed = true;
                continue;
            }
            let request_ok = match http.get("request") {
                None => true,
                Some(Value::Object(r)) => {
                    r.keys().all(|k| k == "template" || k == "schemas")
                        && r.get("template").is_none_or(|t| t.is_object() || t.as_str() == Some("lambda_proxy"))
                        && r.get("schemas").is_none_or(Value::is_object)
                }
                Some(_) => false,
            };
            if !request_ok {
                event_error(
                    ctx,
                    codes::NOT_IMPLEMENTED,
                    key,
                    i,
                    "only `request.template` (custom mappings or `lambda_proxy`) and `request.schemas` (a mapping of content types) of state machine http requests are compiled by this version of cfgen".into(),
                    Some("the template would differ from Serverless v3; remove the setting or wait for cfgen to support it"),
                );
                failed = true;
                continue;
            }
            let auth = match http.get("authorizer").filter(|a| truthy(Some(a))) {
                None => None,
                Some(a) => match get_authorizer(ctx, a) {
                    Ok(x) => Some(x),
                    Err(msg) => {
                        event_error(ctx, codes::INVALID_VALUE, key, i, msg, None);
                        failed = true;
                        continue;
                    }
                },
            };
            let Some(path) = http.get("path").and_then(Value::as_str) else {
                let msg = format!("Missing or invalid \"path\" property in stateMachine \"{key}\" for http event in serverless.yml.");
                event_error(ctx, codes::MISSING_KEY, key, i, msg, None);
                failed = true;
                continue;
            };
            let path = path.strip_prefix('/').unwrap_or(path);
            let path = path.strip_suffix('/').unwrap_or(path).to_string();
            let Some(method) = http.get("method").and_then(Value::as_str).map(str::to_lowercase) else {
                let msg = format!("Missing or invalid \"method\" property in stateMachine \"{key}\" for http event in serverless.yml.");
                event_error(ctx, codes::MISSING_KEY, key, i, msg, None);
                failed = true;
                continue;
            };
            let allowed = ["get", "post", "put", "patch", "options", "head", "delete", "any"];
            if !allowed.contains(&method.as_str()) {
                let msg = format!(
                    "Invalid APIG method \"{}\" in stateMachine \"{key}\". AWS supported methods are: {}.",
                    http.get("method").map(js_string).unwrap_or_default(),
                    allowed.join(", ")
                );
                event_error(ctx, codes::INVALID_VALUE, key, i, msg, None);
                failed = true;
                continue;
            }
            let mut cors_origin = None;
            if truthy(http.get("cors")) {
                let cors = match get_cors(http.get("cors").unwrap_or(&Value::Null), &method) {
                    Ok(c) => c,
                    Err(msg) => {
                        event_error(ctx, codes::INVALID_VALUE, key, i, msg.into(), None);
                        failed = true;
                        continue;
                    }
                };
                cors_origin = Some(if cors.origins.as_ref().is_some_and(|o| !o.is_empty()) {
                    cors.origins.clone().unwrap_or_default().join(",")
                } else {
                    cors.origin.clone().unwrap_or_else(|| "undefined".into())
                });
                let idx = *preflight_index.entry(path.clone()).or_insert_with(|| {
                    preflight.push((path.clone(), Preflight::default(), Vec::new()));
                    preflight.len() - 1
                });
                let (_, pf, all) = &mut preflight[idx];
                pf.origin = cors.origin.clone().filter(|o| !o.is_empty()).unwrap_or_else(|| "*".into());
                pf.allow_credentials = pf.allow_credentials || cors.allow_credentials;
                if let Some(m) = cors.max_age.clone() {
                    pf.max_age = Some(m);
                }
                all.push(cors);
            }
            events.push(HttpEvent {
                auth,
                cors_origin,
                machine_id: naming::sfn_state_machine(key, sm),
                at: (key.clone(), i),
                path,
                method,
                http,
            });
        }
    }
    if failed || events.is_empty() {
        return;
    }
    let preflight: Vec<(String, Preflight)> = preflight
        .into_iter()
        .map(|(path, mut pf, all)| {
            pf.headers = crate::value::union_newest_first(all.iter().map(|c| c.headers.as_slice()));
            pf.methods = crate::value::union_newest_first(all.iter().map(|c| c.methods.as_slice()));
            pf.origins = crate::value::union_newest_first(all.iter().map(|c| c.origins.as_deref().unwrap_or(&[])));
            (path, pf)
        })
        .collect();
    let provider = ctx.cfg.provider.clone().unwrap_or_default();
    let ag = provider.api_gateway.clone().unwrap_or(Value::Null);
    // An external REST API (`provider.apiGateway.restApiId`): compileRestApi is skipped and
    // the plugin's api keys and usage plan then name an unset logical id (`{"Ref": undefined}`,
    // written `{}`).
    let external = ag.get("restApiId").filter(|v| truthy(Some(v))).cloned();
    if external.is_some() && truthy(ag.get("restApiResources")) {
        let d = Diagnostic::error(
            codes::NOT_IMPLEMENTED,
            "`restApiResources` with state machine http events is not compiled by this version of cfgen yet",
        )
        .at_opt(ctx.span(&["provider", "apiGateway", "restApiResources"]));
        ctx.diags.push(d);
        return;
    }
    let root_resource = ag
        .get("restApiRootResourceId")
        .filter(|v| external.is_some() && truthy(Some(v)))
        .cloned()
        .unwrap_or_else(|| json!({ "Fn::GetAtt": ["ApiGatewayRestApi", "RootResourceId"] }));
    let own_api_ref = if external.is_some() { json!({}) } else { json!({ "Ref": "ApiGatewayRestApi" }) };
    if external.is_none() {
        if truthy(provider_value(ctx, "vpcEndpointIds").as_ref()) {
            let d = Diagnostic::error(
                codes::NOT_IMPLEMENTED,
                "`vpcEndpointIds` with state machine http events is not compiled by this version of cfgen yet",
            )
            .at_opt(ctx.span(&["provider", "vpcEndpointIds"]));
            ctx.diags.push(d);
            return;
        }

        // compileRestApi
        let endpoint_type = match provider.endpoint_type.as_ref().filter(|v| truthy(Some(v))) {
            None => "EDGE".to_string(),
            Some(Value::String(s)) if ["REGIONAL", "EDGE", "PRIVATE"].contains(&s.to_uppercase().as_str()) => s.to_uppercase(),
            Some(v) => {
                let msg = if v.is_string() {
                    format!("endpointType must be one of \"REGIONAL\" or \"EDGE\" or \"PRIVATE\". You provided {}.", js_string(v))
                } else {
                    "endpointType must be a string".to_string()
                };
                let d = Diagnostic::error(codes::INVALID_VALUE, msg).at_opt(ctx.span(&["provider", "endpointType"]));
                ctx.diags.push(d);
                return;
            }
        };
        let name = match provider.api_name.as_ref().filter(|n| truthy(Some(n))) {
            Some(n) => js_string(n),
            None => naming::rest_api_name(&ctx.service, &ctx.stage, ag.get("shouldStartNameWithService") == Some(&Value::Bool(true))),
        };
        merge_into(
            &mut t.resources,
            "ApiGatewayRestApi".into(),
            json!({ "Type": "AWS::ApiGateway::RestApi", "Properties": { "Name": name, "EndpointConfiguration": { "Types": [endpoint_type] } } }),
        );
        let resource_policy =
            ag.get("resourcePolicy").filter(|v| truthy(Some(v))).cloned().or_else(|| provider_value(ctx, "resourcePolicy"));
        let non_empty = match &resource_policy {
            Some(Value::Array(a)) => !a.is_empty(),
            Some(Value::Object(o)) => !o.is_empty(),
            Some(Value::String(s)) => !s.is_empty(),
            _ => false,
        };
        if let (true, Some(p)) = (non_empty, resource_policy) {
            // v3's schema coerces statement fields to arrays (as for functions' REST APIs).
            let p = match &p {
                Value::Array(a) => crate::events::api_gateway::coerce_statements(a),
                _ => p,
            };
            let mut extra = Map::new();
            extra.insert("Properties".into(), json!({ "Policy": { "Version": "2012-10-17", "Statement": p } }));
            merge_into(&mut t.resources, "ApiGatewayRestApi".into(), Value::Object(extra));
        }
    }
    let rest_api = external.clone().unwrap_or_else(|| json!({ "Ref": "ApiGatewayRestApi" }));

    // compileResources: the path tree, parents first, in order of appearance.
    struct Node {
        path: String,
        part: String,
        children: Vec<usize>,
    }
    if let Some(i) = crate::compile::deep_path_over_budget(t, events.iter().map(|e| e.path.as_str())) {
        let (machine, index) = &events[i].at;
        let idx = index.to_string();
        let span = ctx.span(&["stepFunctions", "stateMachines", machine, "events", &idx, "http", "path"]);
        ctx.diags.push(crate::compile::deep_path_error(&events[i].path).at_opt(span));
        return;
    }
    let mut nodes: Vec<Node> = Vec::new();
    let mut roots: Vec<usize> = Vec::new();
    // A node's path names its parent too, so the path alone finds it.
    let mut by_path: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for e in events.iter().filter(|e| !e.path.is_empty()) {
        let mut parent: Option<usize> = None;
        let mut current = String::new();
        for part in e.path.split('/') {
            current = if current.is_empty() { part.to_string() } else { format!("{current}/{part}") };
            let idx = match by_path.get(&current) {
                Some(&n) => n,
                None => {
                    by_path.insert(current.clone(), nodes.len());
                    nodes.push(Node { path: current.clone(), part: part.to_string(), children: Vec::new() });
                    let n = nodes.len() - 1;
                    match parent {
                        Some(p) => nodes[p].children.push(n),
                        None => roots.push(n),
                    }
                    n
                }
            };
            parent = Some(idx);
        }
    }
    fn preorder(nodes: &[Node], n: usize, parent: Option<usize>, out: &mut Vec<(usize, Option<usize>)>) {
        out.push((n, parent));
        for &c in &nodes[n].children {
            preorder(nodes, c, Some(n), out);
        }
    }
    let mut order = Vec::new();
    for &r in &roots {
        preorder(&nodes, r, None, &mut order);
    }
    // Each node's `naming::rest_path`, from its parent's (parents come first): one
    // normalization per segment, however deep the path.
    let mut names: Vec<String> = vec![String::new(); nodes.len()];
    for (n, parent) in order {
        names[n] = match parent {
            Some(p) => naming::rest_path_child(&names[p], &nodes[n].part),
            None => naming::rest_path(&nodes[n].path),
        };
        let parent_id = parent.map_or_else(|| root_resource.clone(), |p| json!({ "Ref": naming::rest_resource_named(&names[p]) }));
        merge_into(
            &mut t.resources,
            naming::rest_resource_named(&names[n]),
            json!({ "Type": "AWS::ApiGateway::Resource", "Properties": { "ParentId": parent_id, "PathPart": &nodes[n].part, "RestApiId": &rest_api } }),
        );
    }

    // compileMethods
    let provider_timeout = ag.get("timeoutInMillis").filter(|v| truthy(Some(v))).cloned();
    let mut method_ids: Vec<Value> = Vec::new();
    for e in &events {
        let (resource_id, resource_name) = if e.path.is_empty() {
            (root_resource.clone(), String::new())
        } else {
            (json!({ "Ref": naming::rest_resource(&e.path) }), naming::rest_path(&e.path))
        };
        let credentials =
            e.http.get("iamRole").cloned().unwrap_or_else(|| json!({ "Fn::GetAtt": ["ApigatewayToStepFunctionsRole", "Arn"] }));
        let action = e.http.get("action").filter(|a| truthy(Some(a))).map(js_string);
        let template = |id: &str| {
            json!({ "Fn::Sub": [
                "\n#set( $body = $util.escapeJavaScript($input.json('$')).replaceAll(\"\\\\'\", \"'\") )\n{\"input\": \"$body\", \"name\": \"$context.requestId\", \"stateMachineArn\":\"${StateMachineArn}\"}",
                { "StateMachineArn": { "Ref": id } }
            ] })
        };
        let mut integration = Map::new();
        integration.insert("IntegrationHttpMethod".into(), json!("POST"));
        integration.insert("Type".into(), json!("AWS"));
        integration.insert("Credentials".into(), credentials);
        let uri_action = action.as_ref().map_or_else(|| ":states:action/StartExecution".to_string(), |a| format!(":states:action/{a}"));
        integration.insert(
            "Uri".into(),
            json!({ "Fn::Join": ["", ["arn:", { "Ref": "AWS::Partition" }, ":apigateway:", { "Ref": "AWS::Region" }, uri_action]] }),
        );
        integration.insert("PassthroughBehavior".into(), json!(if action.is_some() { "WHEN_NO_TEMPLATES" } else { "NEVER" }));
        let default_templates =
            json!({ "application/json": template(&e.machine_id), "application/x-www-form-urlencoded": template(&e.machine_id) });
        let templates = match e.http.get("request").and_then(|r| r.get("template")) {
            Some(Value::String(lp)) if lp == "lambda_proxy" => {
                let sub = |text: &str| json!({ "Fn::Sub": [text, { "StateMachineArn": { "Ref": &e.machine_id }, "AccountId": { "Ref": "AWS::AccountId" } }] });
                json!({
                    "application/json": sub(include_str!("sfn_lambda_proxy_json.vtl")),
                    "application/x-www-form-urlencoded": sub(include_str!("sfn_lambda_proxy_form.vtl")),
                })
            }
            Some(Value::Object(custom)) => {
                let mut merged = default_templates.as_object().cloned().unwrap_or_default();
                for (k, v) in custom {
                    merged.insert(k.clone(), v.clone());
                }
                Value::Object(merged)
            }
            _ if e.http.contains_key("action") => json!({}),
            _ => default_templates,
        };
        integration.insert("RequestTemplates".into(), templates);
        if let Some(ms) = e.http.get("timeoutInMillis").filter(|v| truthy(Some(v))).cloned().or_else(|| provider_timeout.clone()) {
            integration.insert("TimeoutInMillis".into(), ms);
        }
        let with_origin = |mut m: Map<String, Value>| {
            if let Some(o) = &e.cors_origin {
                m.insert("method.response.header.Access-Control-Allow-Origin".into(), json!(format!("'{o}'")));
            }
            Value::Object(m)
        };
        let response = e.http.get("response");
        let header_params: Map<String, Value> = response
            .and_then(|r| r.get("headers"))
            .and_then(Value::as_object)
            .map(|h| h.iter().map(|(k, v)| (format!("method.response.header.{k}"), v.clone())).collect())
            .unwrap_or_default();
        let integration_responses: Vec<Value> = match e.http.get("responses") {
            Some(responses) => ordered_entries(responses)
                .into_iter()
                .map(|(k, v)| {
                    let code = v.get("statusCode").cloned().unwrap_or_else(|| json!(k.parse::<i64>().unwrap_or(0)));
                    let pattern = v.get("selectionPattern").cloned().unwrap_or_else(|| json!(k));
                    let params = v.get("responseParameters").and_then(Value::as_object).cloned().unwrap_or_default();
                    let templates = v.get("responseTemplates").cloned().unwrap_or_else(|| json!({}));
                    json!({ "StatusCode": code, "SelectionPattern": pattern, "ResponseParameters": with_origin(params), "ResponseTemplates": templates })
                })
                .collect(),
            None => vec![
                json!({
                    "StatusCode": 200,
                    "SelectionPattern": "",
                    "ResponseParameters": with_origin(header_params.clone()),
                    "ResponseTemplates": response.and_then(|r| r.get("template")).cloned().unwrap_or_else(|| json!({}))
                }),
                json!({ "StatusCode": 400, "SelectionPattern": "400", "ResponseParameters": with_origin(Map::new()), "ResponseTemplates": {} }),
            ],
        };
        integration.insert("IntegrationResponses".into(), Value::Array(integration_responses));
        let method = json!({
            "Type": "AWS::ApiGateway::Method",
            "Properties": {
                "HttpMethod": e.method.to_uppercase(),
                "RequestParameters": {},
                "AuthorizationType": "NONE",
                "ApiKeyRequired": truthy(e.http.get("private")),
                "ResourceId": resource_id,
                "RestApiId": &rest_api,
                "Integration": integration,
                "MethodResponses": [
                    { "ResponseParameters": with_origin(header_params), "ResponseModels": {}, "StatusCode": 200 },
                    { "ResponseParameters": with_origin(Map::new()), "ResponseModels": {}, "StatusCode": 400 }
                ]
            }
        });
        let mut method = method;
        if let Some(a) = &e.auth {
            let props = &mut method["Properties"];
            if a.ty.as_deref() == Some("AWS_IAM") {
                props["AuthorizationType"] = json!("AWS_IAM");
            } else if let (Some(ty), Some(id)) = (&a.raw_type, &a.authorizer_id) {
                props["AuthorizationType"] = ty.clone();
                props["AuthorizerId"] = id.clone();
                if let Some(sc) = &a.scopes {
                    props["AuthorizationScopes"] = sc.clone();
                }
            } else {
                let cognito = a.arn.as_ref().and_then(Value::as_str).is_some_and(is_cognito_arn);
                props["AuthorizationType"] = json!(if cognito { "COGNITO_USER_POOLS" } else { "CUSTOM" });
                let auth_id = naming::rest_authorizer(a.name.as_deref().unwrap_or_default());
                props["AuthorizerId"] = json!({ "Ref": &auth_id });
                if cognito {
                    if let Some(sc) = &a.scopes {
                        props["AuthorizationScopes"] = sc.clone();
                    }
                }
                method["DependsOn"] = json!(auth_id);
            }
        }
        let id = naming::rest_method(&resource_name, &e.method);
        method_ids.push(json!(&id));
        merge_into(&mut t.resources, id, method);
    }

    // compileRequestValidators: a model per content type (or the provider's shared model),
    // one validator for the service, and both named on the method.
    let provider_schemas = ag.get("request").and_then(|r| r.get("schemas")).cloned();
    for e in &events {
        let Some(Value::Object(schemas)) = e.http.get("request").and_then(|r| r.get("schemas")) else { continue };
        let resource_name = if e.path.is_empty() { String::new() } else { naming::rest_path(&e.path) };
        let method_id = naming::rest_method(&resource_name, &e.method);
        let mut validator: Option<String> = None;
        for (content_type, schema) in schemas {
            let shared = match schema {
                Value::Object(_) | Value::Array(_) => None,
                other => provider_schemas.as_ref().and_then(|p| p.get(js_string(other))).filter(|d| truthy(Some(d))).cloned(),
            };
            let model_id = match shared {
                Some(def) => {
                    let id = naming::rest_provider_model(&js_string(schema));
                    t.resources.insert(id.clone(), crate::events::api_gateway::provider_model(&def, rest_api.clone()));
                    id
                }
                None => {
                    let (name, description, definition) = crate::events::api_gateway::endpoint_schema(schema);
                    let id = naming::rest_endpoint_model(&resource_name, &e.method, content_type);
                    let mut props = Map::new();
                    props.insert("RestApiId".into(), rest_api.clone());
                    props.insert("ContentType".into(), json!(content_type));
                    props.insert("Schema".into(), definition);
                    if let Some(n) = name.filter(|n| !n.is_null()) {
                        props.insert("Name".into(), n);
                    }
                    if let Some(d) = description.filter(|d| !d.is_null()) {
                        props.insert("Description".into(), d);
                    }
                    t.resources.insert(id.clone(), json!({ "Type": "AWS::ApiGateway::Model", "Properties": props }));
                    id
                }
            };
            let validator_id = validator.get_or_insert_with(|| {
                let id = naming::rest_request_validator(&ctx.service);
                t.resources.insert(
                    id.clone(),
                    json!({
                        "Type": "AWS::ApiGateway::RequestValidator",
                        "Properties": {
                            "RestApiId": &rest_api,
                            "ValidateRequestBody": true,
                            "ValidateRequestParameters": true,
                            "Name": naming::rest_request_validator_name(&ctx.service, &ctx.stage)
                        }
                    }),
                );
                id
            });
            if let Some(Value::Object(props)) = t.resources.get_mut(&method_id).and_then(|m| m.get_mut("Properties")) {
                props.insert("RequestValidatorId".into(), json!({ "Ref": validator_id }));
                let models = props.entry("RequestModels").or_insert_with(|| json!({}));
                if let Value::Object(m) = models {
                    m.insert(content_type.clone(), json!({ "Ref": model_id }));
                }
            }
        }
    }

    // compileAuthorizers
    let mut authorizers: Vec<(String, Map<String, Value>)> = Vec::new();
    for e in &events {
        let Some(a) = &e.auth else { continue };
        let Some(arn) = a.arn.as_ref().filter(|v| truthy(Some(v))) else { continue };
        let mut props = Map::new();
        // An undefined TTL still claims its key's place when a later event merges a value.
        props.insert("AuthorizerResultTtlInSeconds".into(), a.ttl.map_or_else(|| json!(UNDEFINED), |ttl| json!(ttl)));
        props.insert("IdentitySource".into(), a.identity_source.clone());
        if let Some(n) = &a.name {
            props.insert("Name".into(), json!(n));
        }
        props.insert("RestApiId".into(), rest_api.clone());
        if let Some(x @ Value::String(_)) = &a.identity_validation_expression {
            props.insert("IdentityValidationExpression".into(), x.clone());
        }
        let cognito_type = a.raw_type.as_ref().map(js_string).is_some_and(|t| t.to_uppercase() == "COGNITO_USER_POOLS");
        if cognito_type || arn.as_str().is_some_and(is_cognito_arn) {
            props.insert("Type".into(), json!("COGNITO_USER_POOLS"));
            props.insert("ProviderARNs".into(), json!([arn]));
        } else {
            props.insert(
                "AuthorizerUri".into(),
                json!({ "Fn::Join": ["", ["arn:", { "Ref": "AWS::Partition" }, ":apigateway:", { "Ref": "AWS::Region" }, ":lambda:path/2015-03-31/functions/", arn, "/invocations"]] }),
            );
            let ty = a.raw_type.as_ref().filter(|t| truthy(Some(t))).map_or_else(|| "TOKEN".to_string(), |t| js_string(t).to_uppercase());
            props.insert("Type".into(), json!(ty));
        }
        let id = naming::rest_authorizer(a.name.as_deref().unwrap_or_default());
        match authorizers.iter_mut().find(|(i, _)| *i == id) {
            Some((_, existing)) => merge_defined(existing, &props),
            None => authorizers.push((id, props)),
        }
    }
    for (id, mut props) in authorizers {
        props.retain(|_, v| v.as_str() != Some(UNDEFINED));
        merge_into(&mut t.resources, id, json!({ "Type": "AWS::ApiGateway::Authorizer", "Properties": props }));
    }
    // compileHttpLambdaPermissions
    let mut function_ids: Vec<Value> = Vec::new();
    for r in t.resources.values() {
        if r.get("Type").and_then(Value::as_str) != Some("AWS::ApiGateway::Authorizer") {
            continue;
        }
        if !matches!(r.pointer("/Properties/Type").and_then(Value::as_str), Some("CUSTOM" | "TOKEN")) {
            continue;
        }
        let Some(parts) = r.pointer("/Properties/AuthorizerUri/Fn::Join/1").and_then(Value::as_array) else { continue };
        let id = parts
            .iter()
            .find_map(|x| x.get("Fn::GetAtt").and_then(|g| g.get(0)).cloned())
            .or_else(|| parts.len().checked_sub(2).and_then(|i| parts.get(i)).cloned())
            .unwrap_or(Value::Null);
        if !function_ids.contains(&id) {
            function_ids.push(id);
        }
    }
    for id in function_ids {
        let (perm_id, function) = match id.as_str().and_then(arn_resource_name) {
            Some(resource_name) => (format!("{resource_name}LambdaPermission"), id.clone()),
            None => (format!("{}LambdaPermission", js_string(&id)), json!({ "Fn::GetAtt": [id, "Arn"] })),
        };
        merge_into(
            &mut t.resources,
            perm_id,
            json!({
                "Type": "AWS::Lambda::Permission",
                "Properties": {
                    "FunctionName": function,
                    "Action": "lambda:InvokeFunction",
                    "Principal": { "Fn::Sub": "apigateway.${AWS::URLSuffix}" }
                }
            }),
        );
    }

    // compileCors
    for (path, pf) in &preflight {
        let origin = if pf.origins.is_empty() { pf.origin.clone() } else { pf.origins.join(",") };
        let mut headers: Vec<(String, String)> = vec![
            ("Access-Control-Allow-Origin".into(), format!("'{origin}'")),
            ("Access-Control-Allow-Headers".into(), format!("'{}'", pf.headers.join(","))),
            ("Access-Control-Allow-Methods".into(), format!("'{}'", pf.methods.join(","))),
            ("Access-Control-Allow-Credentials".into(), format!("'{}'", pf.allow_credentials)),
        ];
        if let Some(max_age) = &pf.max_age {
            match max_age.as_i64().filter(|n| *n > 0 && max_age.as_f64().is_some_and(|f| f.fract() == 0.0)) {
                Some(n) => headers.push(("Access-Control-Max-Age".into(), format!("'{n}'"))),
                None => {
                    let d = Diagnostic::error(codes::INVALID_VALUE, "maxAge should be an integer over 0")
                        .at_opt(ctx.span(&["stepFunctions", "stateMachines"]));
                    ctx.diags.push(d);
                    return;
                }
            }
        }
        if pf.methods.iter().any(|m| m == "ANY") {
            headers[2].1 = headers[2].1.replacen("ANY", "DELETE,GET,HEAD,PATCH,POST,PUT", 1);
        }
        let (resource_id, resource_name) = if path.is_empty() {
            (root_resource.clone(), String::new())
        } else {
            (json!({ "Ref": naming::rest_resource(path) }), naming::rest_path(path))
        };
        merge_into(
            &mut t.resources,
            naming::rest_method(&resource_name, "options"),
            crate::events::api_gateway::options_method(&headers, String::new(), resource_id, rest_api.clone()),
        );
    }

    // compileHttpIamRole
    if events.iter().any(|e| !e.http.contains_key("iamRole")) {
        let mut actions = vec!["states:StartExecution".to_string()];
        for e in &events {
            if let Some(a) = e.http.get("action") {
                let name = format!("states:{}", js_string(a));
                if !actions.contains(&name) {
                    actions.push(name);
                }
            }
        }
        let mut role = json!({
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [{ "Effect": "Allow", "Principal": { "Service": "apigateway.amazonaws.com" }, "Action": "sts:AssumeRole" }]
                },
                "Policies": [{
                    "PolicyName": "apigatewaytostepfunctions",
                    "PolicyDocument": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow", "Action": actions, "Resource": "*" }] }
                }]
            }
        });
        if let Some(b) = provider.role_permissions_boundary.clone().filter(|b| truthy(Some(b))) {
            role["Properties"]["PermissionsBoundary"] = b;
        }
        if let Some(p) = role_path(ctx) {
            role["Properties"]["Path"] = p;
        }
        merge_into(&mut t.resources, "ApigatewayToStepFunctionsRole".into(), role);
    }

    // compileDeployment: the deployment functions' `http` events made gets the methods
    // appended to its DependsOn; otherwise the plugin makes its own.
    let existing = t
        .resources
        .iter()
        .find(|(_, r)| r.get("Type").and_then(Value::as_str) == Some("AWS::ApiGateway::Deployment"))
        .map(|(id, _)| id.clone());
    let deployment = match existing {
        Some(id) => {
            if let Some(r) = t.resources.get_mut(&id) {
                let mut depends = match r.get("DependsOn") {
                    Some(Value::Array(a)) => a.clone(),
                    Some(Value::Null) | None => Vec::new(),
                    Some(other) => vec![other.clone()],
                };
                depends.extend(method_ids.iter().cloned());
                r["DependsOn"] = Value::Array(depends);
            }
            id
        }
        None => {
            merge_into(
                &mut t.resources,
                naming::rest_deployment(&ctx.instance_id),
                json!({
                    "Type": "AWS::ApiGateway::Deployment",
                    "Properties": { "RestApiId": &rest_api, "StageName": &ctx.stage },
                    "DependsOn": method_ids
                }),
            );
            naming::rest_deployment(&ctx.instance_id)
        }
    };
    // compileApiKeys, compileUsagePlan, compileUsagePlanKeys
    let setting = |k: &str| ag.get(k).filter(|v| truthy(Some(v))).cloned().or_else(|| provider_value(ctx, k).filter(|v| truthy(Some(v))));
    let api_keys = setting("apiKeys");
    let usage_plan = setting("usagePlan");
    let keys: Vec<Value> = match &api_keys {
        None => Vec::new(),
        Some(Value::Array(a)) => a.clone(),
        Some(_) => {
            let d = Diagnostic::error(codes::INVALID_TYPE, "apiKeys property must be an array").at_opt(ctx.span(&["provider", "apiKeys"]));
            ctx.diags.push(d);
            return;
        }
    };
    if keys.iter().any(|k| !(k.is_string() || k.is_object() || k.is_array() || k.is_null())) {
        let d = Diagnostic::error(codes::INVALID_TYPE, "API Keys must be strings or objects").at_opt(ctx.span(&["provider", "apiKeys"]));
        ctx.diags.push(d);
        return;
    }
    for (i, k) in keys.iter().enumerate() {
        let (name, value) = match k {
            Value::String(s) => (json!(s), None),
            other => (other.get("name").cloned().unwrap_or(Value::Null), other.get("value").cloned()),
        };
        let mut props = Map::new();
        props.insert("Enabled".into(), json!(true));
        if !name.is_null() {
            props.insert("Name".into(), name);
        }
        props.insert("StageKeys".into(), json!([{ "RestApiId": &own_api_ref, "StageName": &ctx.stage }]));
        if let Some(v) = value {
            props.insert("Value".into(), v);
        }
        merge_into(
            &mut t.resources,
            naming::rest_api_key(i + 1, None),
            json!({ "Type": "AWS::ApiGateway::ApiKey", "Properties": props, "DependsOn": &deployment }),
        );
    }
    if usage_plan.is_some() || api_keys.is_some() {
        let mut props = Map::new();
        props.insert("ApiStages".into(), json!([{ "ApiId": own_api_ref, "Stage": &ctx.stage }]));
        props.insert("Description".into(), json!(format!("Usage plan for {} {} stage", ctx.service, ctx.stage)));
        props.insert("UsagePlanName".into(), json!(format!("{}-{}", ctx.service, ctx.stage)));
        let plan = usage_plan.clone().unwrap_or(Value::Null);
        let pick = |obj: Option<&Value>, pairs: &[(&str, &str)]| -> Value {
            let mut m = Map::new();
            for (from, to) in pairs {
                if let Some(v) = obj.and_then(|o| o.get(*from)).filter(|v| !v.is_null()) {
                    m.insert((*to).into(), v.clone());
                }
            }
            Value::Object(m)
        };
        if let Some(q) = plan.get("quota").filter(|q| !q.is_null()) {
            props.insert("Quota".into(), pick(Some(q), &[("limit", "Limit"), ("offset", "Offset"), ("period", "Period")]));
        }
        if let Some(th) = plan.get("throttle").filter(|q| !q.is_null()) {
            props.insert("Throttle".into(), pick(Some(th), &[("burstLimit", "BurstLimit"), ("rateLimit", "RateLimit")]));
        }
        merge_into(
            &mut t.resources,
            naming::rest_usage_plan(None),
            json!({ "Type": "AWS::ApiGateway::UsagePlan", "DependsOn": deployment, "Properties": props }),
        );
    }
    for i in 0..keys.len() {
        merge_into(
            &mut t.resources,
            naming::rest_usage_plan_key(i + 1, None),
            json!({
                "Type": "AWS::ApiGateway::UsagePlanKey",
                "Properties": {
                    "KeyId": { "Ref": naming::rest_api_key(i + 1, None) },
                    "KeyType": "API_KEY",
                    "UsagePlanId": { "Ref": naming::rest_usage_plan(None) }
                }
            }),
        );
    }

    merge_into(
        &mut t.outputs,
        "ServiceEndpoint".into(),
        json!({
            "Description": "URL of the service endpoint",
            "Value": { "Fn::Join": ["", ["https://", rest_api, ".execute-api.", { "Ref": "AWS::Region" }, ".", { "Ref": "AWS::URLSuffix" }, format!("/{}", ctx.stage)]] }
        }),
    );
}

/// A provider setting by its YAML key, from the resolved configuration.
fn provider_value(ctx: &Ctx, key: &str) -> Option<Value> {
    ctx.node.pointer(["provider", key]).map(cfgen_syntax::Node::to_json)
}

/// The merged CORS settings of one path (`corsPreflight`).
#[derive(Default)]
struct Preflight {
    headers: Vec<String>,
    methods: Vec<String>,
    origins: Vec<String>,
    origin: String,
    allow_credentials: bool,
    max_age: Option<Value>,
}

/// The CORS settings of one event (`getCors`).
struct Cors {
    headers: Vec<String>,
    methods: Vec<String>,
    origins: Option<Vec<String>>,
    origin: Option<String>,
    allow_credentials: bool,
    max_age: Option<Value>,
}

fn strings(v: Option<&Value>) -> Option<Vec<String>> {
    v.and_then(Value::as_array).map(|a| a.iter().map(js_string).collect())
}

fn get_cors(cors: &Value, method: &str) -> Result<Cors, &'static str> {
    let default_headers: Vec<String> =
        ["Content-Type", "X-Amz-Date", "Authorization", "X-Api-Key", "X-Amz-Security-Token", "X-Amz-User-Agent"].map(String::from).to_vec();
    let upper = method.to_uppercase();
    let Value::Object(o) = cors else {
        return Ok(Cors {
            headers: default_headers,
            methods: vec!["OPTIONS".into(), upper],
            origins: Some(vec!["*".into()]),
            origin: Some("*".into()),
            allow_credentials: false,
            max_age: None,
        });
    };
    let mut methods = strings(o.get("methods")).unwrap_or_default();
    let origins = o.get("origins").filter(|v| truthy(Some(v)));
    let origin = o.get("origin").filter(|v| truthy(Some(v)));
    if origins.is_some() && origin.is_some() {
        return Err("You can only use \"origin\" or \"origins\", but not both at the same time to configure CORS. Please check the docs for more info.");
    }
    let headers = match o.get("headers").filter(|v| truthy(Some(v))) {
        Some(Value::Array(_)) => strings(o.get("headers")).unwrap_or_default(),
        Some(_) => return Err("CORS header values must be provided as an array. Please check the docs for more info."),
        None => default_headers,
    };
    if !methods.iter().any(|m| m == "OPTIONS") {
        methods.push("OPTIONS".into());
    }
    if !methods.contains(&upper) {
        methods.push(upper);
    }
    Ok(Cors {
        headers,
        methods,
        origins: strings(origins),
        origin: origin.map(js_string),
        allow_credentials: truthy(o.get("allowCredentials")),
        max_age: o.get("maxAge").cloned(),
    })
}

/// The entries of a JavaScript object in its iteration order: integer keys ascending first.
fn ordered_entries(v: &Value) -> Vec<(String, Value)> {
    let Some(o) = v.as_object() else { return Vec::new() };
    let is_index = |k: &str| !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()) && (k == "0" || !k.starts_with('0')) && k.len() < 10;
    let mut ints: Vec<(String, Value)> = o.iter().filter(|(k, _)| is_index(k)).map(|(k, v)| (k.clone(), v.clone())).collect();
    ints.sort_by_key(|(k, _)| k.parse::<u64>().unwrap_or(0));
    ints.extend(o.iter().filter(|(k, _)| !is_index(k)).map(|(k, v)| (k.clone(), v.clone())));
    ints
}

/// `getAuthorizer`'s result.
struct Authorizer {
    /// `AWS_IAM` for IAM authorization.
    ty: Option<String>,
    raw_type: Option<Value>,
    name: Option<String>,
    arn: Option<Value>,
    authorizer_id: Option<Value>,
    ttl: Option<i64>,
    identity_source: Value,
    identity_validation_expression: Option<Value>,
    scopes: Option<Value>,
}

/// `/^arn:[a-zA-Z-]*:cognito-idp/`.
fn is_cognito_arn(s: &str) -> bool {
    s.strip_prefix("arn:").is_some_and(|r| {
        let n = r.bytes().take_while(|b| b.is_ascii_alphabetic() || *b == b'-').count();
        r[n..].starts_with(":cognito-idp")
    })
}

/// The `resourceName` group of `/^arn:[^:\n]*:[^:\n]*:[^:\n]*:[^:\n]*:(?<resourceName>[^:/]*)[:/]?.*$/`.
fn arn_resource_name(s: &str) -> Option<String> {
    if !s.starts_with("arn:") || s.contains('\n') {
        return None;
    }
    let parts: Vec<&str> = s.splitn(6, ':').collect();
    let rest = parts.get(5)?;
    Some(rest.split([':', '/']).next().unwrap_or_default().to_string())
}

/// `parseInt(x, 10)`: leading integer digits of the string form.
fn parse_int(v: &Value) -> Option<i64> {
    let s = js_string(v);
    let t = s.trim_start();
    let (sign, digits) = match t.strip_prefix('-') {
        Some(r) => (-1, r),
        None => (1, t.strip_prefix('+').unwrap_or(t)),
    };
    let n: String = digits.chars().take_while(char::is_ascii_digit).collect();
    n.parse::<i64>().ok().map(|x| sign * x)
}

fn get_authorizer(ctx: &Ctx, a: &Value) -> Result<Authorizer, String> {
    let lambda_arn = |name: &str| -> Result<Value, String> {
        if ctx.function(name).is_some() {
            Ok(json!({ "Fn::GetAtt": [naming::lambda_function(name), "Arn"] }))
        } else {
            Err(format!("Function \"{name}\" doesn't exist in this Service"))
        }
    };
    let mut out = Authorizer {
        ty: None,
        raw_type: None,
        name: None,
        arn: None,
        authorizer_id: None,
        ttl: None,
        identity_source: json!("method.request.header.Authorization"),
        identity_validation_expression: None,
        scopes: None,
    };
    match a {
        Value::String(s) => {
            if s.eq_ignore_ascii_case("aws_iam") {
                out.ty = Some("AWS_IAM".into());
            } else if !s.contains(':') {
                out.name = Some(s.clone());
                out.arn = Some(lambda_arn(s)?);
            } else {
                out.arn = Some(json!(s));
                out.name = Some(naming::authorizer_name_from_arn(s));
            }
        }
        Value::Object(o) => {
            let ty = o.get("type").filter(|v| truthy(Some(v)));
            if ty.is_some() && truthy(o.get("authorizerId")) {
                out.raw_type = ty.cloned();
                out.authorizer_id = o.get("authorizerId").cloned();
            } else if ty.and_then(Value::as_str).is_some_and(|t| t.eq_ignore_ascii_case("aws_iam")) {
                out.ty = Some("AWS_IAM".into());
            } else if let Some(arn) = o.get("arn").filter(|v| truthy(Some(v))) {
                out.arn = Some(arn.clone());
                out.name = Some(match o.get("name") {
                    Some(Value::String(n)) => n.clone(),
                    _ => naming::authorizer_name_from_arn(&js_string(arn)),
                });
            } else if let Some(n) = o.get("name").filter(|v| truthy(Some(v))) {
                let n = js_string(n);
                out.arn = Some(lambda_arn(&n)?);
                out.name = Some(n);
            } else {
                return Err("Please provide either an authorizer name or ARN".into());
            }
            if out.raw_type.is_none() && out.ty.is_none() {
                out.raw_type = ty.cloned();
            }
            if let Some(sc @ Value::Array(_)) = o.get("scopes") {
                out.scopes = Some(sc.clone());
            }
            out.ttl = Some(o.get("resultTtlInSeconds").and_then(parse_int).unwrap_or(300));
            if let Some(src) = o.get("identitySource") {
                out.identity_source = src.clone();
            }
            out.identity_validation_expression = o.get("identityValidationExpression").cloned();
            if out.arn.as_ref().and_then(Value::as_str).is_some_and(is_cognito_arn) && truthy(o.get("claims")) {
                return Err("Cognito claims can only be filtered when using the lambda integration type".into());
            }
        }
        _ => {
            return Err(
                "authorizer property is not an object nor a string. The correct format is: authorizer: functionName OR an object containing a name property."
                    .into(),
            )
        }
    }
    Ok(out)
}

/// Stands for JavaScript's `undefined` while objects are merged.
const UNDEFINED: &str = "\u{0}undefined";

/// `_.merge` where `UNDEFINED` values only claim a key's place and never overwrite.
fn merge_defined(dst: &mut Map<String, Value>, src: &Map<String, Value>) {
    for (k, v) in src {
        if v.as_str() == Some(UNDEFINED) {
            dst.entry(k.clone()).or_insert_with(|| v.clone());
            continue;
        }
        match dst.get_mut(k) {
            Some(d) if d.as_str() != Some(UNDEFINED) => crate::merge::merge(d, v),
            Some(d) => *d = v.clone(),
            None => {
                dst.insert(k.clone(), v.clone());
            }
        }
    }
}
