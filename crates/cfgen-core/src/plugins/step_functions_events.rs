//! serverless-step-functions 3.31.2 events of state machines (`package:compileEvents`):
//! `schedule` (an `AWS::Events::Rule`, or with `method: scheduler` an
//! `AWS::Scheduler::Schedule`) and `cloudwatchEvent`/`eventBridge` (an `AWS::Events::Rule`),
//! each with a role allowed to start the machine unless a role is given.
//!
//! The plugin writes these resources as JSON text with the values interpolated, then parses
//! it; cfgen does the same so that its quirks carry over: `input` strings only get their
//! quotes escaped, literal `\n`/`\r` escapes are dropped from cloudwatch patterns and inputs.
//! Text that does not parse is an error where the plugin would crash. `http` events are not
//! compiled yet (an error at each); other event types are ignored by the plugin (a warning).

use cfgen_syntax::{codes, Diagnostic};
use serde_json::{json, Map, Value};

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
    for (key, _, events) in &machines {
        for (i, ev) in events.iter().enumerate() {
            if ev.get("http").is_some_and(|h| truthy(Some(h))) {
                event_error(
                    ctx,
                    codes::NOT_IMPLEMENTED,
                    key,
                    i,
                    "state machine `http` events are not compiled by this version of cfgen yet".into(),
                    Some("the template would miss this endpoint; remove the event or wait for cfgen to support it"),
                );
            }
        }
    }
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
