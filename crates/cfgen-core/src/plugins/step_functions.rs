//! serverless-step-functions 3.31.2: `stepFunctions.stateMachines` and `stepFunctions.activities`.
//!
//! At `package:compileFunctions` the plugin writes, in this order: one execution role per state
//! machine without `role` (`<Id>Role`, statements derived from the Task states), the state
//! machines themselves, the activities, then alarms and notifications. Quirks reproduced here:
//! - intrinsic functions inside an object definition become `${<md5 of their JSON>}` and the
//!   definition a `Fn::Sub` (a `Ref` to a function of this service is inlined as a static
//!   `arn:${AWS::Partition}:lambda:...:function:<name>` instead); `#{X}` becomes `${X}`;
//! - a string definition is JSON-quoted with its `\n`/`\r` escapes removed;
//! - `DependsOn` is always written, empty when `role` is given;
//! - activities always get an output, `noOutput` only concerns state machines.
//!
//! Definitions are checked: StartAt, Next, Default and Choices targets must name states (an
//! error at the line; Serverless would package it and AWS reject it at deploy).
//!
//! A Task resource `arn:aws:states:::<service>:<action>` the plugin does not know gets no
//! statement (the plugin only logs): cfgen matches that and warns.

use crate::json::json;
use cfgen_syntax::{codes, Diagnostic};
use md5::{Digest, Md5};
use serde_json::{Map, Value};
use std::collections::HashMap;

use crate::compile::{Ctx, Template};
use crate::naming;

/// The keys the plugin's Joi schema admits on a state machine.
const STATE_MACHINE_KEYS: &[&str] = &[
    "id",
    "events",
    "name",
    "role",
    "useExactVersion",
    "configureTaskTimeouts",
    "definition",
    "dependsOn",
    "tags",
    "alarms",
    "notifications",
    "type",
    "retain",
    "loggingConfig",
    "tracingConfig",
    "encryptionConfig",
    "inheritGlobalTags",
    "iamRoleStatements",
    "kmsKeyArns",
];

/// `package:compileFunctions` (after the core's functions): state machine roles, state
/// machines, activities, their outputs.
pub fn compile_functions(ctx: &mut Ctx, t: &mut Template) {
    let Some(sf) = ctx.cfg.step_functions.clone() else { return };
    let machines = match sf.get("stateMachines") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(_) => {
            error(ctx, codes::INVALID_TYPE, "stateMachines property is not an object", &["stepFunctions", "stateMachines"], None);
            return;
        }
    };
    let no_output = sf.get("noOutput") == Some(&Value::Bool(true));

    // Validate first: the plugin checks each machine's schema before writing anything.
    let mut ok = true;
    let fns = FunctionNames::of(ctx);
    for (name, sm) in &machines {
        ok &= validate_machine(ctx, name, sm, &fns);
    }
    if !ok {
        return;
    }

    // compileIamRole
    for (name, sm) in &machines {
        if truthy(sm.get("role")) {
            continue;
        }
        let id = naming::sfn_state_machine(name, sm);
        let statements = match role_statements(ctx, t, name, sm) {
            Some(s) => s,
            None => continue,
        };
        let mut role = json!({
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [{
                        "Effect": "Allow",
                        "Principal": { "Service": { "Fn::Sub": "states.${AWS::Region}.amazonaws.com" } },
                        "Action": "sts:AssumeRole"
                    }]
                },
                "Policies": [{
                    "PolicyName": naming::sfn_policy_name(&ctx.stage, &ctx.service),
                    "PolicyDocument": { "Version": "2012-10-17", "Statement": statements }
                }]
            }
        });
        let provider = ctx.cfg.provider.clone().unwrap_or_default();
        if let Some(b) = provider.role_permissions_boundary.as_ref().filter(|b| truthy(Some(b))) {
            role["Properties"]["PermissionsBoundary"] = b.clone();
        }
        let path = provider.iam.as_ref().and_then(|i| i.role.as_ref()).and_then(|r| r.get("path")).filter(|p| truthy(Some(p)));
        if let Some(p) = path {
            role["Properties"]["Path"] = p.clone();
        }
        merge_into(&mut t.resources, format!("{id}Role"), role);
    }

    // compileStateMachines
    let provider_tags = ctx.cfg.provider.as_ref().and_then(|p| p.tags.clone()).unwrap_or_default();
    let validate = truthy(sf.get("validate"));
    for (name, sm) in &machines {
        let id = naming::sfn_state_machine(name, sm);
        let validated;
        let sm = match sm.get("definition") {
            Some(d) if validate && d.is_object() => {
                let mut copy = sm.clone();
                default_query_languages(&mut copy["definition"]);
                validated = copy;
                &validated
            }
            _ => sm,
        };
        let Some(definition_string) = definition_string(ctx, t, name, sm) else { continue };
        let mut props = Map::new();
        props.insert("DefinitionString".into(), definition_string);
        let mut depends_on: Vec<Value> = Vec::new();
        match sm.get("role") {
            Some(r) if truthy(Some(r)) => {
                props.insert("RoleArn".into(), r.clone());
            }
            _ => {
                props.insert("RoleArn".into(), json!({ "Fn::GetAtt": [format!("{id}Role"), "Arn"] }));
                depends_on.push(Value::String(format!("{id}Role")));
            }
        }
        match sm.get("dependsOn") {
            Some(Value::Array(a)) => depends_on.extend(a.iter().cloned()),
            Some(v) if truthy(Some(v)) => depends_on.push(v.clone()),
            _ => {}
        }
        if let Some(ty) = sm.get("type").filter(|v| !v.is_null()) {
            props.insert("StateMachineType".into(), ty.clone());
        }
        if let Some(l) = sm.get("loggingConfig").filter(|v| truthy(Some(v))) {
            let mut lc = Map::new();
            lc.insert("Level".into(), l.get("level").cloned().unwrap_or_else(|| json!("OFF")));
            lc.insert("IncludeExecutionData".into(), l.get("includeExecutionData").cloned().unwrap_or(json!(false)));
            if let Some(Value::Array(d)) = l.get("destinations") {
                if !d.is_empty() {
                    let dest: Vec<Value> = d.iter().map(|arn| json!({ "CloudWatchLogsLogGroup": { "LogGroupArn": arn } })).collect();
                    lc.insert("Destinations".into(), Value::Array(dest));
                }
            }
            props.insert("LoggingConfiguration".into(), Value::Object(lc));
        }
        if let Some(tc) = sm.get("tracingConfig").filter(|v| truthy(Some(v))) {
            props.insert("TracingConfiguration".into(), json!({ "Enabled": tc.get("enabled").cloned().unwrap_or(json!(false)) }));
        }
        if let Some(ec) = sm.get("encryptionConfig").filter(|v| truthy(Some(v))) {
            props.insert(
                "EncryptionConfiguration".into(),
                json!({
                    "KmsDataKeyReusePeriodSeconds": ec.get("KmsDataKeyReusePeriodSeconds").cloned().unwrap_or(json!(900)),
                    "KmsKeyId": { "Fn::Sub": ec.get("KmsKeyId").cloned().unwrap_or(json!("")) },
                    "Type": ec.get("Type").cloned().unwrap_or(json!("AWS_OWNED_KEY")),
                }),
            );
        }
        let mut tags: Vec<Value> = Vec::new();
        if sm.get("inheritGlobalTags") != Some(&Value::Bool(false)) {
            for (k, v) in &provider_tags {
                tags.push(json!({ "Key": k, "Value": js_tag_value(&v.0) }));
            }
        }
        if let Some(Value::Object(own)) = sm.get("tags") {
            for (k, v) in own {
                tags.push(json!({ "Key": k, "Value": js_tag_value(v) }));
            }
        }
        if !tags.is_empty() {
            props.insert("Tags".into(), Value::Array(tags));
        }
        if let Some(n) = sm.get("name").filter(|v| truthy(Some(v))) {
            props.insert("StateMachineName".into(), n.clone());
        }
        let mut resource = Map::new();
        resource.insert("Type".into(), json!("AWS::StepFunctions::StateMachine"));
        resource.insert("Properties".into(), Value::Object(props));
        resource.insert("DependsOn".into(), Value::Array(depends_on));
        if truthy(sm.get("retain")) {
            resource.insert("DeletionPolicy".into(), json!("Retain"));
        }
        merge_into(&mut t.resources, id.clone(), Value::Object(resource));
        if !no_output {
            let out = json!({ "Description": "Current StateMachine Arn", "Value": { "Ref": id } });
            merge_into(&mut t.outputs, naming::sfn_state_machine_output(name, sm), out);
        }
        let what = || format!("at state machine `{name}` (serverless-step-functions)");
        if !crate::compile::within_budget_or_report(ctx, t, what, &["stepFunctions", "stateMachines", name]) {
            return;
        }
    }

    // compileActivities
    match sf.get("activities") {
        None | Some(Value::Null) => {}
        Some(Value::Array(acts)) => {
            for (i, a) in acts.iter().enumerate() {
                let Some(a) = a.as_str() else {
                    let idx = i.to_string();
                    error(ctx, codes::INVALID_TYPE, "an activity is named by a string", &["stepFunctions", "activities", &idx], None);
                    continue;
                };
                let id = naming::sfn_activity(a);
                merge_into(&mut t.resources, id.clone(), json!({ "Type": "AWS::StepFunctions::Activity", "Properties": { "Name": a } }));
                let out = json!({ "Description": "Current StateMachine Arn", "Value": { "Ref": id } });
                merge_into(&mut t.outputs, naming::sfn_activity_output(a), out);
            }
        }
        Some(_) => error(ctx, codes::INVALID_TYPE, "activities property is not an array", &["stepFunctions", "activities"], None),
    }

    super::step_functions_monitoring::compile_alarms(ctx, t, &machines);
    super::step_functions_monitoring::compile_notifications(ctx, t, &machines);
}

/// `package:compileEvents` (after the core's events): the plugin's schedule, http and
/// cloudwatchEvent events.
pub fn compile_events(ctx: &mut Ctx, t: &mut Template) {
    super::step_functions_events::compile(ctx, t);
}

fn error(ctx: &mut Ctx, code: cfgen_syntax::Code, msg: &str, path: &[&str], help: Option<&str>) {
    let mut d = Diagnostic::error(code, msg).at_opt(ctx.span(path));
    if let Some(h) = help {
        d = d.help(h);
    }
    ctx.diags.push(d);
}

/// JavaScript truthiness of an optional value.
pub(super) fn truthy(v: Option<&Value>) -> bool {
    v.is_some_and(cfgen_model::coerce::truthy)
}

/// `(Value || '').toString()`.
fn js_tag_value(v: &Value) -> Value {
    if !truthy(Some(v)) {
        return json!("");
    }
    match cfgen_model::coerce::scalar_string(v) {
        Some(s) => Value::String(s),
        None => match v {
            Value::Array(a) => {
                Value::String(a.iter().map(|x| cfgen_model::coerce::scalar_string(x).unwrap_or_default()).collect::<Vec<_>>().join(","))
            }
            _ => json!("[object Object]"),
        },
    }
}

pub(super) fn merge_into(dst: &mut Map<String, Value>, id: String, v: Value) {
    let mut src = Map::new();
    src.insert(id, v);
    crate::merge::merge_object(dst, &src);
}

/// The plugin's Joi schema for one state machine; `false` after reporting an error.
fn validate_machine(ctx: &mut Ctx, name: &str, sm: &Value, fns: &FunctionNames) -> bool {
    let path = ["stepFunctions", "stateMachines", name];
    let Some(obj) = sm.as_object() else {
        error(ctx, codes::INVALID_TYPE, &format!("State machine [{name}] is malformed: it must be an object"), &path, None);
        return false;
    };
    let malformed = |why: String| format!("State machine [{name}] is malformed: {why}");
    let mut ok = true;
    for key in obj.keys() {
        if !STATE_MACHINE_KEYS.contains(&key.as_str()) {
            let mut d = Diagnostic::error(codes::UNKNOWN_KEY, malformed(format!("\"{key}\" is not allowed")))
                .at_opt(ctx.key_span(&[path[0], path[1], name, key]));
            if let Some(s) = cfgen_syntax::diagnostic::did_you_mean(key, STATE_MACHINE_KEYS.iter().copied()) {
                d = d.help(format!("did you mean `{s}`?"));
            }
            ctx.diags.push(d);
            ok = false;
        }
    }
    match obj.get("definition") {
        None | Some(Value::Null) => {
            let msg = if truthy(obj.get("role")) {
                malformed("\"definition\" is required".into())
            } else {
                format!("Missing \"definition\" for state machine {name}")
            };
            let d = Diagnostic::error(codes::MISSING_KEY, msg)
                .at_opt(ctx.key_span(&path))
                .help("give the state machine a `definition` (StartAt and States)");
            ctx.diags.push(d);
            ok = false;
        }
        Some(Value::String(_)) | Some(Value::Object(_)) => {}
        Some(_) => {
            error(
                ctx,
                codes::INVALID_TYPE,
                &malformed("\"definition\" must be a string or an object".into()),
                &[path[0], path[1], name, "definition"],
                None,
            );
            ok = false;
        }
    }
    if let Some(ty) = obj.get("type") {
        if !matches!(ty.as_str(), Some("STANDARD" | "EXPRESS")) {
            error(
                ctx,
                codes::INVALID_VALUE,
                &malformed("\"type\" must be one of [STANDARD, EXPRESS]".into()),
                &[path[0], path[1], name, "type"],
                None,
            );
            ok = false;
        }
    }
    for key in ["name", "id"] {
        if let Some(v) = obj.get(key) {
            if !v.is_string() {
                error(ctx, codes::INVALID_TYPE, &malformed(format!("\"{key}\" must be a string")), &[path[0], path[1], name, key], None);
                ok = false;
            }
        }
    }
    for key in ["retain", "useExactVersion", "configureTaskTimeouts", "inheritGlobalTags"] {
        if let Some(v) = obj.get(key) {
            if !v.is_boolean() {
                error(ctx, codes::INVALID_TYPE, &malformed(format!("\"{key}\" must be a boolean")), &[path[0], path[1], name, key], None);
                ok = false;
            }
        }
    }
    if let Some(l) = obj.get("loggingConfig").and_then(|l| l.get("level")) {
        if !matches!(l.as_str(), Some("ALL" | "ERROR" | "FATAL" | "OFF")) {
            error(
                ctx,
                codes::INVALID_VALUE,
                &malformed("\"loggingConfig.level\" must be one of [ALL, ERROR, FATAL, OFF]".into()),
                &[path[0], path[1], name, "loggingConfig", "level"],
                None,
            );
            ok = false;
        }
    }
    if obj.contains_key("role") && obj.contains_key("iamRoleStatements") {
        error(
            ctx,
            codes::INVALID_VALUE,
            &malformed("\"value\" contains a conflict between optional exclusive peers [role, iamRoleStatements]".into()),
            &[path[0], path[1], name, "iamRoleStatements"],
            Some("`iamRoleStatements` only apply to the role the plugin generates; drop `role` or the statements"),
        );
        ok = false;
    }
    if ok {
        if let Some(def @ Value::Object(_)) = obj.get("definition") {
            ok &= check_definition(ctx, name, def, &[path[0], path[1], name, "definition"], fns);
        }
    }
    ok
}

/// The names a `Task` state's `Resource` may use for a function of this service, made once per
/// build rather than once per `Task` state (a definition may have thousands of states).
struct FunctionNames {
    /// Function keys and `<Name>LambdaFunction` ids, for lookups.
    known: std::collections::HashSet<String>,
    /// The same, in the order "did you mean" considers them (ids first, then keys).
    candidates: Vec<String>,
}

impl FunctionNames {
    fn of(ctx: &Ctx) -> Self {
        let ids: Vec<String> = ctx.functions.iter().map(|(k, _)| naming::lambda_function(k)).collect();
        let keys = ctx.functions.iter().map(|(k, _)| k.clone());
        FunctionNames { known: keys.clone().chain(ids.iter().cloned()).collect(), candidates: ids.into_iter().chain(keys).collect() }
    }
}

/// StartAt, Next, Default and Choices[].Next name existing states (recursively through
/// Parallel branches and Map processors).
fn check_definition(ctx: &mut Ctx, name: &str, def: &Value, path: &[&str], fns: &FunctionNames) -> bool {
    let Some(Value::Object(states)) = def.get("States") else {
        error(ctx, codes::MISSING_KEY, &format!("the definition of state machine `{name}` has no `States`"), path, None);
        return false;
    };
    let mut ok = true;
    let missing = |ctx: &mut Ctx, target: &str, p: &[&str]| {
        let mut d =
            Diagnostic::error(codes::INVALID_VALUE, format!("state machine `{name}`: `{target}` is not a state of this definition"))
                .at_opt(ctx.span(p));
        if let Some(s) = cfgen_syntax::diagnostic::did_you_mean(target, states.keys().map(String::as_str)) {
            d = d.help(format!("did you mean `{s}`?"));
        }
        ctx.diags.push(d);
    };
    match def.get("StartAt").and_then(Value::as_str) {
        Some(s) if states.contains_key(s) => {}
        Some(s) => {
            let mut p = path.to_vec();
            p.push("StartAt");
            missing(ctx, s, &p);
            ok = false;
        }
        None => {
            error(ctx, codes::MISSING_KEY, &format!("the definition of state machine `{name}` has no `StartAt`"), path, None);
            ok = false;
        }
    }
    let strict = truthy(ctx.cfg.step_functions.as_ref().and_then(|sf| sf.get("validate")));
    for (sname, state) in states {
        let mut sp = path.to_vec();
        sp.push("States");
        sp.push(sname);
        if strict {
            ok &= asl_state_rules(ctx, name, sname, state, &sp);
        }
        for key in ["Next", "Default"] {
            if let Some(target) = state.get(key).and_then(Value::as_str) {
                if !states.contains_key(target) {
                    let mut p = sp.clone();
                    p.push(key);
                    missing(ctx, target, &p);
                    ok = false;
                }
            }
        }
        if let Some(target) = state.get("Resource").and_then(function_reference) {
            let user_resource = ctx.cfg.resources.as_ref().and_then(|r| r.get("Resources")).is_some_and(|r| r.get(&target).is_some());
            let known = fns.known.contains(&target) || user_resource;
            if !known {
                let mut p = sp.clone();
                p.push("Resource");
                let mut d = Diagnostic::error(
                    codes::INVALID_VALUE,
                    format!("state machine `{name}`: `{target}` is not a function of this service"),
                )
                .at_opt(ctx.span(&p));
                if let Some(s) = cfgen_syntax::diagnostic::did_you_mean(&target, fns.candidates.iter().map(String::as_str)) {
                    d = d.help(format!("did you mean `{s}`?"));
                } else {
                    d = d.help("name a function key or its `<Name>LambdaFunction` logical id");
                }
                ctx.diags.push(d);
                ok = false;
            }
        }
        if let Some(Value::Array(choices)) = state.get("Choices") {
            for (i, c) in choices.iter().enumerate() {
                if let Some(target) = c.get("Next").and_then(Value::as_str) {
                    if !states.contains_key(target) {
                        let idx = i.to_string();
                        let mut p = sp.clone();
                        p.extend(["Choices", idx.as_str(), "Next"]);
                        missing(ctx, target, &p);
                        ok = false;
                    }
                }
            }
        }
        if let Some(Value::Array(branches)) = state.get("Branches") {
            for (i, b) in branches.iter().enumerate() {
                let idx = i.to_string();
                let mut p = sp.clone();
                p.extend(["Branches", idx.as_str()]);
                ok &= check_definition(ctx, name, b, &p, fns);
            }
        }
        for key in ["Iterator", "ItemProcessor"] {
            if let Some(inner) = state.get(key) {
                let mut p = sp.clone();
                p.push(key);
                ok &= check_definition(ctx, name, inner, &p, fns);
            }
        }
    }
    ok
}

/// With `stepFunctions.validate: true` the plugin runs asl-validator over each definition;
/// these are its structural rules for one state: a known `Type`, the keys each type requires,
/// and exactly one of `Next` / `End: true` on the states that continue.
fn asl_state_rules(ctx: &mut Ctx, machine: &str, sname: &str, state: &Value, sp: &[&str]) -> bool {
    let fail = |ctx: &mut Ctx, key: Option<&str>, msg: String| {
        let mut p = sp.to_vec();
        if let Some(k) = key {
            p.push(k);
        }
        let d =
            Diagnostic::error(codes::INVALID_VALUE, format!("State machine \"{machine}\" definition is invalid: state `{sname}` {msg}"))
                .at_opt(ctx.span(&p))
                .help("`stepFunctions.validate: true` makes serverless-step-functions check definitions with asl-validator");
        ctx.diags.push(d);
        false
    };
    let Some(st) = state.as_object() else {
        return fail(ctx, None, "must be an object".into());
    };
    let ty = st.get("Type").and_then(Value::as_str).unwrap_or_default();
    const TYPES: [&str; 8] = ["Task", "Pass", "Wait", "Choice", "Parallel", "Map", "Succeed", "Fail"];
    if !TYPES.contains(&ty) {
        return fail(
            ctx,
            Some("Type"),
            format!(
                "has `Type` {}, which is not one of {}",
                if ty.is_empty() { "missing".into() } else { format!("`{ty}`") },
                TYPES.join(", ")
            ),
        );
    }
    let has_next = st.contains_key("Next");
    let ends = st.get("End") == Some(&Value::Bool(true));
    let mut ok = true;
    match ty {
        "Succeed" | "Fail" | "Choice" => {
            for key in ["Next", "End"] {
                if st.contains_key(key) {
                    ok &= fail(ctx, Some(key), format!("is a {ty} state and must not have `{key}`"));
                }
            }
        }
        _ => {
            if has_next && ends {
                ok &= fail(ctx, Some("End"), "has both `Next` and `End: true`".into());
            } else if !has_next && !ends {
                ok &= fail(ctx, None, "needs `Next` or `End: true`".into());
            }
        }
    }
    let required: &[&str] = match ty {
        "Task" => &["Resource"],
        "Choice" => &["Choices"],
        "Parallel" => &["Branches"],
        _ => &[],
    };
    for key in required {
        if !st.contains_key(*key) {
            ok &= fail(ctx, None, format!("is a {ty} state and needs `{key}`"));
        }
    }
    if ty == "Map" && !st.contains_key("Iterator") && !st.contains_key("ItemProcessor") {
        ok &= fail(ctx, None, "is a Map state and needs `ItemProcessor` (or `Iterator`)".into());
    }
    ok
}

// ---- definitions ----

/// asl-validator, which `stepFunctions.validate` runs before the definition is written, first
/// gives each state with no truthy `QueryLanguage`, in every object under a `States` key
/// anywhere in the definition (`$..States`), the definition's `QueryLanguage` (`JSONPath`
/// when it has none): the plugin then writes the definition so changed. The role's
/// statements were worked out before, from the definition as written.
fn default_query_languages(definition: &mut Value) {
    let default = match definition.get("QueryLanguage") {
        Some(q) if !q.is_null() => q.clone(),
        _ => Value::String("JSONPath".into()),
    };
    fn set(state: &mut Value, default: &Value) {
        if let Value::Object(o) = state {
            if !truthy(o.get("QueryLanguage")) {
                o.insert("QueryLanguage".into(), default.clone());
            }
        }
    }
    fn walk(v: &mut Value, default: &Value) {
        match v {
            Value::Object(m) => {
                for (k, x) in m.iter_mut() {
                    if k == "States" {
                        match x {
                            Value::Object(states) => states.values_mut().for_each(|s| set(s, default)),
                            Value::Array(states) => states.iter_mut().for_each(|s| set(s, default)),
                            _ => {}
                        }
                    }
                    walk(x, default);
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|x| walk(x, default)),
            _ => {}
        }
    }
    walk(definition, &default);
}

/// `isIntrinsic`: an object with a `Ref` or `Fn::*` key.
fn is_intrinsic(v: &Value) -> bool {
    v.as_object().is_some_and(|o| o.keys().any(|k| k.starts_with("Fn::") || k == "Ref"))
}

fn md5_hex(s: &str) -> String {
    crate::compile::hex(&Md5::digest(s.as_bytes()))
}

/// `getIntrinsicFunctions`: replace every intrinsic by `${<md5>}`, collecting
/// `(md5, intrinsic, is Wait.Seconds)`.
fn extract_intrinsics(v: &mut Value, out: &mut Vec<(String, Value, bool)>) {
    match v {
        Value::Object(o) => {
            let is_wait = o.get("Type").and_then(Value::as_str) == Some("Wait");
            for (key, value) in o.iter_mut() {
                if let Value::Array(items) = value {
                    for item in items.iter_mut() {
                        if is_intrinsic(item) {
                            let name = md5_hex(&item.to_string());
                            let orig = std::mem::replace(item, Value::String(format!("${{{name}}}")));
                            out.push((name, orig, false));
                        } else {
                            extract_intrinsics(item, out);
                        }
                    }
                } else if is_intrinsic(value) {
                    let name = md5_hex(&value.to_string());
                    let orig = std::mem::replace(value, Value::String(format!("${{{name}}}")));
                    out.push((name, orig, is_wait && key == "Seconds"));
                } else {
                    extract_intrinsics(value, out);
                }
            }
        }
        Value::Array(items) => {
            for item in items.iter_mut() {
                if is_intrinsic(item) {
                    let name = md5_hex(&item.to_string());
                    let orig = std::mem::replace(item, Value::String(format!("${{{name}}}")));
                    out.push((name, orig, false));
                } else {
                    extract_intrinsics(item, out);
                }
            }
        }
        _ => {}
    }
}

/// JavaScript prints integral floats without a fraction.
fn js_numbers(v: &mut Value) {
    match v {
        Value::Number(n) => {
            if let (false, Some(f)) = (n.is_i64() || n.is_u64(), n.as_f64()) {
                if f.fract() == 0.0 && f.abs() < 9.0e15 {
                    *v = json!(f as i64);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(js_numbers),
        Value::Object(o) => o.values_mut().for_each(js_numbers),
        _ => {}
    }
}

/// `translateLocalFunctionNames`: a `Ref`/`Fn::GetAtt` naming a function key (and no
/// resource) is pointed at `<F>LambdaFunction`.
pub(super) fn translate_local(ctx: &Ctx, t: &Template, v: &Value) -> Value {
    let translate = |id: &str| -> String {
        if !t.resources.contains_key(id) && ctx.function(id).is_some() {
            naming::lambda_function(id)
        } else {
            id.to_string()
        }
    };
    if let Some(r) = v.get("Ref") {
        return json!({ "Ref": r.as_str().map_or_else(|| r.clone(), |s| Value::String(translate(s))) });
    }
    if let Some([id, prop]) = get_att_pair(v) {
        let id = id.as_str().map_or(id.clone(), |s| Value::String(translate(s)));
        return json!({ "Fn::GetAtt": [id, prop] });
    }
    v.clone()
}

/// `const [logicalId, prop] = value['Fn::GetAtt']`, as the plugin reads a `Fn::GetAtt`: the
/// first two items, a missing one `undefined` (written `null`); a string gives its first two
/// characters (`one.Arn` is `["o", "n"]`, warned about where the definition is compiled).
fn get_att_pair(v: &Value) -> Option<[Value; 2]> {
    match v.get("Fn::GetAtt")? {
        Value::Array(ga) => Some([0, 1].map(|i| ga.get(i).cloned().unwrap_or(Value::Null))),
        Value::String(s) => {
            let mut chars = s.chars().map(|c| Value::String(c.to_string()));
            Some([chars.next().unwrap_or(Value::Null), chars.next().unwrap_or(Value::Null)])
        }
        _ => None,
    }
}

/// `resolveLambdaFunctionName`: the deployed name of the function a `Ref` names (by key or
/// by `<F>LambdaFunction`).
fn resolve_function_name(ctx: &Ctx, v: &Value) -> Option<String> {
    let r = v.get("Ref")?.as_str()?;
    if let Some((_, f)) = ctx.function(r) {
        return Some(crate::compile::function_name(ctx, r, f));
    }
    let (key, f) = ctx.functions.iter().find(|(k, _)| naming::lambda_function(k) == r)?;
    Some(crate::compile::function_name(ctx, key, f))
}

fn static_function_arn(name: &str) -> String {
    format!("arn:${{AWS::Partition}}:lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:{name}")
}

fn definition_string(ctx: &mut Ctx, t: &mut Template, name: &str, sm: &Value) -> Option<Value> {
    let mut ds = match sm.get("definition")? {
        Value::String(s) => {
            let quoted = Value::String(s.clone()).to_string();
            Value::String(quoted.replace("\\n", "").replace("\\r", ""))
        }
        def => {
            let mut def = def.clone();
            if sm.get("configureTaskTimeouts") == Some(&Value::Bool(true)) {
                configure_task_timeouts(ctx, name, &mut def);
            }
            let mut mappings = Vec::new();
            extract_intrinsics(&mut def, &mut mappings);
            js_numbers(&mut def);
            let compact = def.to_string();
            let (replaced, def) = match super::replace_references(&compact, true).and_then(|s| serde_json::from_str::<Value>(&s).ok()) {
                Some(d) => (true, d),
                None => (false, def),
            };
            let pretty = serde_json::to_string_pretty(&def).unwrap_or_default();
            if mappings.is_empty() {
                if replaced {
                    json!({ "Fn::Sub": pretty })
                } else {
                    Value::String(pretty)
                }
            } else {
                let mut s = pretty;
                for (k, _, is_wait) in &mappings {
                    if *is_wait {
                        s = s.replace(&format!("\"${{{k}}}\""), &format!("${{{k}}}"));
                    }
                }
                let mut params = Map::new();
                for (k, v, _) in &mappings {
                    if let (Some(Value::String(dotted)), Some(pair)) = (v.get("Fn::GetAtt"), get_att_pair(v)) {
                        let chars: Vec<String> = pair.iter().filter_map(Value::as_str).map(String::from).collect();
                        let d = Diagnostic::warning(
                            codes::V3_QUIRK,
                            format!(
                                "serverless-step-functions reads `Fn::GetAtt: {dotted}` in a definition as a list of characters and keeps the first two: it writes `Fn::GetAtt: [{}]`",
                                chars.join(", ")
                            ),
                        )
                        .at_opt(ctx.span(&["stepFunctions", "stateMachines", name, "definition"]))
                        .help(format!("write the list form: `Fn::GetAtt: [{}]`", dotted.split_once('.').map_or(dotted.clone(), |(a, b)| format!("{a}, {b}"))));
                        ctx.diags.push(d);
                    }
                    let translated = translate_local(ctx, t, v);
                    if let Some(fname) = resolve_function_name(ctx, &translated) {
                        s = s.replace(&format!("${{{k}}}"), &static_function_arn(&fname));
                    } else {
                        params.insert(k.clone(), translated);
                    }
                }
                if params.is_empty() {
                    json!({ "Fn::Sub": s })
                } else {
                    json!({ "Fn::Sub": [s, params] })
                }
            }
        }
    };
    if sm.get("useExactVersion") == Some(&Value::Bool(true)) {
        if let Some(sub) = ds.get_mut("Fn::Sub") {
            if !sub.is_array() {
                *sub = json!([sub.clone(), {}]);
            }
            let params = sub[1].as_object().cloned().unwrap_or_default();
            let mut converted = Map::new();
            for (k, v) in params {
                converted.insert(k, exact_version(t, v));
            }
            sub[1] = Value::Object(converted);
        }
    }
    Some(ds)
}

/// `convertToFunctionVersion` plus the layer-aware version the plugin adds for functions
/// with layers.
fn exact_version(t: &mut Template, v: Value) -> Value {
    let is_function = |id: &str| t.resources.get(id).and_then(|r| r.get("Type")).and_then(Value::as_str) == Some("AWS::Lambda::Function");
    let fn_id = match (v.get("Ref").and_then(Value::as_str), v.get("Fn::GetAtt").and_then(|g| g.get(0)).and_then(Value::as_str)) {
        (Some(r), _) if is_function(r) => r.to_string(),
        (None, Some(g)) if is_function(g) => g.to_string(),
        _ => return v,
    };
    let version = t.resources.iter().find(|(_, r)| {
        r.get("Type").and_then(Value::as_str) == Some("AWS::Lambda::Version")
            && r.pointer("/Properties/FunctionName/Ref").and_then(Value::as_str) == Some(fn_id.as_str())
    });
    let Some((version_id, version_res)) = version.map(|(k, r)| (k.clone(), r.clone())) else { return v };
    let layers =
        t.resources.get(&fn_id).and_then(|r| r.pointer("/Properties/Layers")).and_then(Value::as_array).cloned().unwrap_or_default();
    if layers.is_empty() {
        return json!({ "Ref": version_id });
    }
    let mut refs: Vec<String> = layers.iter().map(|l| l.as_str().map_or_else(|| l.to_string(), str::to_string)).collect();
    refs.sort();
    let hash = md5_hex(&refs.join(","));
    let layered = format!("{version_id}L{}", &hash[..8]);
    if !t.resources.contains_key(&layered) {
        t.resources.insert(layered.clone(), version_res);
    }
    json!({ "Ref": layered })
}

// ---- IAM ----

/// One permission before consolidation: comma-joined actions and a resource (or a list).
struct Permission {
    action: String,
    resource: Value,
}

fn perm(action: &str, resource: Value) -> Permission {
    Permission { action: action.to_string(), resource }
}

/// `getTaskStates`: the Task states, through Parallel branches and Map processors.
fn task_states(states: Option<&Value>, machine_name: &str, out: &mut Vec<Value>) {
    let Some(Value::Object(states)) = states else { return };
    for state in states.values() {
        match state.get("Type").and_then(Value::as_str) {
            Some("Task") => out.push(state.clone()),
            Some("Parallel") => {
                if let Some(Value::Array(branches)) = state.get("Branches") {
                    for b in branches {
                        task_states(b.get("States"), machine_name, out);
                    }
                }
            }
            Some("Map") => {
                let processor = state.get("ItemProcessor");
                let inner = processor.map_or_else(|| state.get("Iterator").and_then(|i| i.get("States")), |p| p.get("States"));
                task_states(inner, machine_name, out);
                if processor.and_then(|p| p.pointer("/ProcessorConfig/Mode")).and_then(Value::as_str) == Some("DISTRIBUTED") {
                    out.push(json!({
                        "Resource": "arn:aws:states:::states:startExecution",
                        "Mode": "DISTRIBUTED",
                        "StateMachineName": machine_name,
                    }));
                }
                for key in ["ItemReader", "ResultWriter"] {
                    if let Some(r) = state.get(key) {
                        out.push(r.clone());
                    }
                }
            }
            _ => {}
        }
    }
}

/// The policy statements of a generated role; `None` after an error.
fn role_statements(ctx: &mut Ctx, t: &Template, name: &str, sm: &Value) -> Option<Value> {
    let machine_name = sm.get("name").and_then(Value::as_str).unwrap_or(name).to_string();
    let mut tasks = Vec::new();
    task_states(sm.get("definition").and_then(|d| d.get("States")), &machine_name, &mut tasks);
    let mut perms = Vec::new();
    let mut unknown = Vec::new();
    for state in &tasks {
        match permissions(ctx, t, state, &mut unknown) {
            Ok(p) => perms.extend(p),
            Err(resource) => {
                error(
                    ctx,
                    codes::INVALID_VALUE,
                    &format!("serverless-step-functions crashes on the Task resource `{resource}` without the Parameters it needs"),
                    &["stepFunctions", "stateMachines", name, "definition"],
                    Some("give the Task its Parameters (e.g. ProjectName, ModelId, Bucket, Entries), or the state machine a `role`"),
                );
                return None;
            }
        }
    }
    for resource in unknown {
        let d = Diagnostic::warning(
            codes::V3_QUIRK,
            format!(
                "serverless-step-functions cannot generate IAM statements for the Task resource `{resource}`; the role gets none for it"
            ),
        )
        .at_opt(ctx.span(&["stepFunctions", "stateMachines", name, "definition"]))
        .help("add the permissions with `iamRoleStatements`, or give the state machine a `role`");
        ctx.diags.push(d);
    }
    if sm.get("loggingConfig").is_some_and(|v| truthy(Some(v))) {
        perms.push(perm(
            "logs:CreateLogDelivery,logs:GetLogDelivery,logs:UpdateLogDelivery,logs:DeleteLogDelivery,logs:ListLogDeliveries,logs:PutResourcePolicy,logs:DescribeResourcePolicies,logs:DescribeLogGroups",
            json!("*"),
        ));
    }
    if sm.get("tracingConfig").is_some_and(|v| truthy(Some(v))) {
        perms.push(perm("xray:PutTraceSegments,xray:PutTelemetryRecords,xray:GetSamplingRules,xray:GetSamplingTargets", json!("*")));
    }
    if let Some(Value::Array(keys)) = sm.get("kmsKeyArns") {
        if !keys.is_empty() {
            perms.push(perm("kms:Decrypt,kms:Encrypt,kms:ReEncrypt*,kms:GenerateDataKey*,kms:DescribeKey", Value::Array(keys.clone())));
        }
    }
    if let Some(k) = sm.get("encryptionConfig").and_then(|e| e.get("KmsKeyId")).filter(|k| truthy(Some(k))) {
        perms.push(perm("kms:Decrypt,kms:Encrypt", json!({ "Fn::Sub": k })));
    }
    let perms = consolidate_by_resource(consolidate_by_action(perms));
    let extra = sm.get("iamRoleStatements").and_then(Value::as_array).cloned().unwrap_or_default();
    if perms.is_empty() && extra.is_empty() {
        return Some(json!([{ "Effect": "Deny", "Action": "*", "Resource": "*" }]));
    }
    let mut statements: Vec<Value> = perms
        .into_iter()
        .map(|p| json!({ "Effect": "Allow", "Action": p.action.split(',').collect::<Vec<_>>(), "Resource": p.resource }))
        .collect();
    statements.extend(extra);
    Some(Value::Array(statements))
}

fn consolidate_by_action(perms: Vec<Permission>) -> Vec<Permission> {
    let mut groups: Vec<(String, Vec<Value>)> = Vec::new();
    for p in perms {
        let resources: Vec<Value> = match p.resource {
            Value::Array(a) => a,
            r => vec![r],
        };
        match groups.iter_mut().find(|(a, _)| *a == p.action) {
            Some((_, rs)) => rs.extend(resources),
            None => groups.push((p.action, resources)),
        }
    }
    groups
        .into_iter()
        .map(|(action, rs)| {
            let uniq = crate::value::uniq(rs);
            let resource = if uniq.iter().any(|r| r == "*") { json!("*") } else { Value::Array(uniq) };
            Permission { action, resource }
        })
        .collect()
}

fn consolidate_by_resource(perms: Vec<Permission>) -> Vec<Permission> {
    // Grouped by the resource's JSON text, in order of first appearance (an index by that text
    // keeps this linear: a definition may have thousands of states).
    let mut groups: Vec<(Vec<String>, Value)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for p in perms {
        let actions = p.action.split(',');
        match index.entry(p.resource.to_string()) {
            std::collections::hash_map::Entry::Occupied(e) => {
                let acts = &mut groups[*e.get()].0;
                for a in actions {
                    if !acts.iter().any(|x| x == a) {
                        acts.push(a.to_string());
                    }
                }
            }
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(groups.len());
                groups.push((crate::value::union(actions), p.resource));
            }
        }
    }
    groups.into_iter().map(|(acts, resource)| Permission { action: acts.join(","), resource }).collect()
}

/// `normalizeArn`: any partition (or `${AWS::Partition}`) becomes `aws`.
fn normalize_arn(r: &str) -> String {
    let Some(rest) = r.strip_prefix("arn:") else { return r.to_string() };
    if let Some(tail) = rest.strip_prefix("${AWS::Partition}:") {
        return format!("arn:aws:{tail}");
    }
    if let Some(tail) = rest.strip_prefix("aws") {
        let mut t = tail;
        loop {
            if let Some(x) = t.strip_prefix(':') {
                return format!("arn:aws:{x}");
            }
            let Some(x) = t.strip_prefix('-') else { break };
            let n = x.bytes().take_while(u8::is_ascii_lowercase).count();
            if n == 0 {
                break;
            }
            t = &x[n..];
        }
    }
    r.to_string()
}

/// `getParameterOrArgument`.
fn param<'a>(state: &'a Value, key: &str) -> Option<&'a Value> {
    let params = state.get("Parameters");
    let args = state.get("Arguments");
    match state.get("QueryLanguage").and_then(Value::as_str) {
        Some("JSONata") => args.and_then(|a| a.get(key)),
        Some("JSONPath") => params.and_then(|p| p.get(key)),
        _ => match (params.filter(|p| truthy(Some(p))), args.filter(|a| truthy(Some(a)))) {
            (Some(p), None) => p.get(key),
            (None, Some(a)) => a.get(key),
            _ => None,
        },
    }
}

fn is_json_path_param(state: &Value, key: &str) -> bool {
    state.get("Parameters").and_then(|p| p.get(format!("{key}.$"))).is_some_and(|v| truthy(Some(v)))
}

fn is_jsonata_arg(state: &Value, key: &str) -> bool {
    state.get("Arguments").and_then(|a| a.get(key)).and_then(Value::as_str).is_some_and(|s| s.trim().starts_with("{%"))
}

fn dynamodb_arn(table: &Value) -> Value {
    if is_intrinsic(table) {
        if let Some(r) = table.get("Ref") {
            return json!({ "Fn::GetAtt": [r, "Arn"] });
        }
        if table.get("Fn::ImportValue").is_some() {
            return json!({ "Fn::Join": [":", ["arn", { "Ref": "AWS::Partition" }, "dynamodb", { "Ref": "AWS::Region" }, { "Ref": "AWS::AccountId" }, { "Fn::Join": ["/", ["table", table]] }]] });
        }
    }
    json!({ "Fn::Join": [":", ["arn", { "Ref": "AWS::Partition" }, "dynamodb", { "Ref": "AWS::Region" }, { "Ref": "AWS::AccountId" }, format!("table/{}", js_string(table))]] })
}

/// JavaScript template-literal interpolation of a value.
pub(super) fn js_string(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Object(_) => "[object Object]".into(),
        Value::Array(a) => a.iter().map(js_string).collect::<Vec<_>>().join(","),
        other => cfgen_model::coerce::scalar_string(other).unwrap_or_default(),
    }
}

fn dynamodb_permissions(action: &str, state: &Value) -> Vec<Permission> {
    let table = param(state, "TableName").cloned().unwrap_or(Value::Null);
    let resource = if is_json_path_param(state, "TableName") || is_jsonata_arg(state, "TableName") {
        json!("*")
    } else if is_json_path_param(state, "IndexName") || is_jsonata_arg(state, "IndexName") {
        dynamodb_arn(&Value::String(format!("{}/index/*", js_string(&table))))
    } else if let Some(index) = param(state, "IndexName").filter(|v| truthy(Some(v))) {
        dynamodb_arn(&Value::String(format!("{}/index/{}", js_string(&table), js_string(index))))
    } else {
        dynamodb_arn(&table)
    };
    vec![perm(action, resource)]
}

fn dynamodb_batch_permissions(action: &str, state: &Value) -> Vec<Permission> {
    if is_json_path_param(state, "RequestItems") || is_jsonata_arg(state, "RequestItems") {
        return vec![perm(action, json!("*"))];
    }
    let Some(Value::Object(items)) = param(state, "RequestItems") else { return vec![] };
    items.keys().map(|t| perm(action, dynamodb_arn(&Value::String(t.replacen(".$", "", 1))))).collect()
}

fn sqs_arn(url: &Value) -> Value {
    if let Some(s) = url.as_str() {
        // /https:\/\/sqs.(.*).amazonaws.com\/(.*)\/(.*)/ with greedy groups.
        if let Some(start) = s.find("https://sqs") {
            let rest = &s[start + "https://sqs".len()..];
            let mut chars = rest.chars();
            if chars.next().is_some_and(|c| c != '\n') {
                let after_dot = chars.as_str();
                if let Some(i) = after_dot.rfind(".amazonaws.com/") {
                    let region = &after_dot[..i];
                    let tail = &after_dot[i + ".amazonaws.com/".len()..];
                    if let Some(j) = tail.rfind('/') {
                        let (account, queue) = (&tail[..j], &tail[j + 1..]);
                        let partition = if region.starts_with("us-gov") {
                            "aws-us-gov"
                        } else if region.starts_with("cn-") {
                            "aws-cn"
                        } else {
                            "aws"
                        };
                        return json!(format!("arn:{partition}:sqs:{region}:{account}:{queue}"));
                    }
                }
            }
        }
        return json!([]);
    }
    if is_intrinsic(url) {
        if let Some(r) = url.get("Ref") {
            return json!({ "Fn::GetAtt": [r, "Arn"] });
        }
        return json!("*");
    }
    json!([])
}

/// The lambda fallback (`getFallbackPermissions`) and `lambda:invoke` permissions.
fn lambda_sub(name: &str) -> Value {
    json!({ "Fn::Sub": static_function_arn(name) })
}

fn lambda_invoke_permissions(ctx: &Ctx, t: &Template, state: &Value) -> Vec<Permission> {
    const A: &str = "lambda:InvokeFunction";
    if is_json_path_param(state, "FunctionName") || is_jsonata_arg(state, "FunctionName") {
        let allowed = param(state, "AllowedFunctions").filter(|v| truthy(Some(v))).cloned().unwrap_or(json!("*"));
        return vec![perm(A, allowed)];
    }
    let f = param(state, "FunctionName").cloned().unwrap_or(Value::Null);
    if let Some(name) = f.as_str() {
        let segments: Vec<&str> = name.split(':').collect();
        let arns = if is_lambda_arn_prefix(name) {
            json!([name, format!("{name}:*")])
        } else if segments.len() == 3 && !segments[0].is_empty() && segments[0].bytes().all(|b| b.is_ascii_digit()) {
            json!([
                { "Fn::Sub": format!("arn:${{AWS::Partition}}:lambda:${{AWS::Region}}:{name}") },
                { "Fn::Sub": format!("arn:${{AWS::Partition}}:lambda:${{AWS::Region}}:{name}:*") }
            ])
        } else {
            json!([lambda_sub(name), lambda_sub(&format!("{name}:*"))])
        };
        return vec![perm(A, arns)];
    }
    if f.get("Fn::GetAtt").is_some() {
        let arn = translate_local(ctx, t, &f);
        return vec![perm(A, json!([&arn, { "Fn::Sub": ["${functionArn}:*", { "functionArn": &arn }] }]))];
    }
    if f.get("Ref").is_some() {
        if let Some(n) = resolve_function_name(ctx, &f) {
            return vec![perm(A, json!([lambda_sub(&n), lambda_sub(&format!("{n}:*"))]))];
        }
        let arn = translate_local(ctx, t, &f);
        return vec![perm(
            A,
            json!([
                { "Fn::Sub": ["arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${functionArn}", { "functionArn": &arn }] },
                { "Fn::Sub": ["arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${functionArn}:*", { "functionArn": &arn }] }
            ]),
        )];
    }
    vec![perm(A, f)]
}

/// `/^arn:aws(-[a-z]+)*:lambda/`.
fn is_lambda_arn_prefix(s: &str) -> bool {
    normalize_arn(s).starts_with("arn:aws:lambda") && !s.starts_with("arn:${")
}

fn fallback_permissions(ctx: &Ctx, t: &Template, resource: &Value) -> Vec<Permission> {
    let lambda_string = resource.as_str().is_some_and(|s| {
        // `/arn:aws(-[a-z]+)*:lambda/` anywhere in the string.
        s.match_indices("arn:aws").any(|(i, _)| is_lambda_arn_prefix(&s[i..]))
    });
    if !is_intrinsic(resource) && !lambda_string {
        return vec![];
    }
    let trimmed = match resource.as_str() {
        Some(s) if is_lambda_arn_prefix(s) => {
            let parts: Vec<&str> = s.split(':').collect();
            if parts.len() == 8 {
                Value::String(parts[..7].join(":"))
            } else {
                resource.clone()
            }
        }
        _ => resource.clone(),
    };
    if let Some(n) = resolve_function_name(ctx, &trimmed) {
        return vec![perm("lambda:InvokeFunction", json!([lambda_sub(&n), lambda_sub(&format!("{n}:*"))]))];
    }
    let arn = translate_local(ctx, t, &trimmed);
    let versioned = match arn.get("Fn::Sub") {
        Some(Value::String(s)) => json!({ "Fn::Sub": format!("{s}:*") }),
        Some(Value::Array(a)) if !a.is_empty() => {
            json!({ "Fn::Sub": [format!("{}:*", js_string(&a[0])), a.get(1).cloned().unwrap_or(Value::Null)] })
        }
        _ => json!({ "Fn::Sub": ["${functionArn}:*", { "functionArn": &arn }] }),
    };
    vec![perm("lambda:InvokeFunction", json!([arn, versioned]))]
}

fn state_machine_arn(state: &Value) -> Value {
    if let Some(args) = state.get("Arguments").filter(|a| truthy(Some(a))) {
        let arn = args.get("StateMachineArn").cloned().unwrap_or(Value::Null);
        return match arn.as_str() {
            Some(s) if s.trim().starts_with("{%") => json!("*"),
            _ => arn,
        };
    }
    if let Some(p) = state.get("Parameters").filter(|a| truthy(Some(a))) {
        if p.get("StateMachineArn.$").is_some_and(|v| truthy(Some(v))) {
            return json!("*");
        }
        return p.get("StateMachineArn").cloned().unwrap_or(Value::Null);
    }
    state.get("StateMachineArn").filter(|v| truthy(Some(v))).cloned().unwrap_or(json!("*"))
}

/// `getPermissions` of one Task state; `Err(resource)` for services not compiled yet.
fn permissions(ctx: &Ctx, t: &Template, state: &Value, unknown: &mut Vec<String>) -> Result<Vec<Permission>, String> {
    let resource = state.get("Resource").cloned().unwrap_or(Value::Null);
    let Some(raw) = resource.as_str() else { return Ok(fallback_permissions(ctx, t, &resource)) };
    let arn = normalize_arn(raw);
    let Some(service_action) = arn.strip_prefix("arn:aws:states:::") else {
        return Ok(fallback_permissions(ctx, t, &resource));
    };
    let p = match service_action {
        "sqs:sendMessage" | "sqs:sendMessage.waitForTaskToken" => {
            if param_exists(state, "QueueUrl") {
                let queue = if state.pointer("/Parameters/QueueUrl.$").is_some_and(|v| truthy(Some(v))) {
                    json!("*")
                } else {
                    sqs_arn(state.pointer("/Parameters/QueueUrl").unwrap_or(&Value::Null))
                };
                vec![perm("sqs:SendMessage", queue)]
            } else {
                vec![]
            }
        }
        "sns:publish" | "sns:publish.waitForTaskToken" => {
            if param_exists(state, "TopicArn") {
                let topic = if state.pointer("/Parameters/TopicArn.$").is_some_and(|v| truthy(Some(v))) {
                    json!("*")
                } else {
                    state.pointer("/Parameters/TopicArn").cloned().unwrap_or(Value::Null)
                };
                vec![perm("sns:Publish", topic)]
            } else {
                vec![]
            }
        }
        "dynamodb:updateItem" | "aws-sdk:dynamodb:updateItem" | "aws-sdk:dynamodb:updateItem.waitForTaskToken" => {
            dynamodb_permissions("dynamodb:UpdateItem", state)
        }
        "dynamodb:putItem" | "aws-sdk:dynamodb:putItem" | "aws-sdk:dynamodb:putItem.waitForTaskToken" => {
            dynamodb_permissions("dynamodb:PutItem", state)
        }
        "dynamodb:getItem" => dynamodb_permissions("dynamodb:GetItem", state),
        "dynamodb:deleteItem" => dynamodb_permissions("dynamodb:DeleteItem", state),
        "aws-sdk:dynamodb:updateTable" => dynamodb_permissions("dynamodb:UpdateTable", state),
        "aws-sdk:dynamodb:query" => dynamodb_permissions("dynamodb:Query", state),
        "aws-sdk:dynamodb:scan" => dynamodb_permissions("dynamodb:Scan", state),
        "aws-sdk:dynamodb:batchGetItem" => dynamodb_batch_permissions("dynamodb:BatchGetItem", state),
        "aws-sdk:dynamodb:batchWriteItem" => dynamodb_batch_permissions("dynamodb:BatchWriteItem", state),
        "lambda:invoke" | "lambda:invoke.waitForTaskToken" => lambda_invoke_permissions(ctx, t, state),
        "states:startExecution"
        | "states:startExecution.sync"
        | "states:startExecution.sync:2"
        | "states:startExecution.waitForTaskToken" => {
            let sm_arn = if state.get("Mode").and_then(Value::as_str) == Some("DISTRIBUTED") {
                let name = state.get("StateMachineName").map(js_string).unwrap_or_default();
                json!({ "Fn::Sub": [format!("arn:${{AWS::Partition}}:states:${{AWS::Region}}:${{AWS::AccountId}}:stateMachine:{name}"), {}] })
            } else {
                state_machine_arn(state)
            };
            start_execution_permissions("states:StartExecution", sm_arn)
        }
        "aws-sdk:sfn:startSyncExecution" => start_execution_permissions("states:StartSyncExecution", state_machine_arn(state)),
        "batch:submitJob" | "batch:submitJob.sync" => vec![
            perm("batch:SubmitJob,batch:DescribeJobs,batch:TerminateJob", json!("*")),
            perm("events:PutTargets,events:PutRule,events:DescribeRule", events_rule_join("rule/StepFunctionsGetEventsForBatchJobsRule")),
        ],
        "glue:startJobRun" | "glue:startJobRun.sync" => {
            vec![perm("glue:StartJobRun,glue:GetJobRun,glue:GetJobRuns,glue:BatchStopJobRun", json!("*"))]
        }
        "ecs:runTask" | "ecs:runTask.sync" | "ecs:runTask.waitForTaskToken" => vec![
            perm("ecs:RunTask,ecs:StopTask,ecs:DescribeTasks,ecs:TagResource,iam:PassRole", json!("*")),
            perm("events:PutTargets,events:PutRule,events:DescribeRule", events_rule_join("rule/StepFunctionsGetEventsForECSTaskRule")),
        ],
        "codebuild:startBuild" | "codebuild:startBuild.sync" => {
            let Some(p) = state.get("Parameters").filter(|p| truthy(Some(p))) else { return Err(raw.to_string()) };
            let project = js_undefined_string(p.get("ProjectName"));
            vec![
                perm(
                    "codebuild:StartBuild,codebuild:StopBuild,codebuild:BatchGetBuilds",
                    json!({ "Fn::Sub": [format!("arn:${{AWS::Partition}}:codebuild:${{AWS::Region}}:${{AWS::AccountId}}:project/{project}"), {}] }),
                ),
                perm(
                    "events:PutTargets,events:PutRule,events:DescribeRule",
                    json!({ "Fn::Sub": ["arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/StepFunctionsGetEventForCodeBuildStartBuildRule", {}] }),
                ),
            ]
        }
        "sagemaker:createTransformJob.sync" => {
            let Some(p) = state.get("Parameters").filter(|p| truthy(Some(p))) else { return Err(raw.to_string()) };
            let job = p.get("TransformJobName").filter(|v| truthy(Some(v))).map(js_string).unwrap_or_default();
            vec![
                perm(
                    "sagemaker:CreateTransformJob,sagemaker:DescribeTransformJob,sagemaker:StopTransformJob",
                    json!({ "Fn::Sub": [format!("arn:${{AWS::Partition}}:sagemaker:${{AWS::Region}}:${{AWS::AccountId}}:transform-job/{job}*"), {}] }),
                ),
                perm("sagemaker:ListTags", json!("*")),
                perm(
                    "events:PutTargets,events:PutRule,events:DescribeRule",
                    json!({ "Fn::Sub": ["arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/StepFunctionsGetEventsForSageMakerTransformJobsRule", {}] }),
                ),
            ]
        }
        "bedrock:invokeModel" => {
            let Some(model) = state.pointer("/Parameters/ModelId").and_then(Value::as_str) else { return Err(raw.to_string()) };
            let arn = if model.starts_with("arn:") {
                json!(model)
            } else {
                json!({ "Fn::Sub": [format!("arn:${{AWS::Partition}}:bedrock:${{AWS::Region}}::foundation-model/{model}"), {}] })
            };
            vec![perm("bedrock:InvokeModel", arn)]
        }
        "http:invoke" => {
            let connection =
                state.pointer("/Parameters/Authentication/ConnectionArn").filter(|v| truthy(Some(v))).cloned().unwrap_or(json!("*"));
            vec![
                perm("states:InvokeHTTPEndpoint", json!("*")),
                perm("events:RetrieveConnectionCredentials", connection),
                perm(
                    "secretsmanager:GetSecretValue,secretsmanager:DescribeSecret",
                    json!({ "Fn::Sub": "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:events!connection/*" }),
                ),
            ]
        }
        "aws-sdk:sesv2:sendEmail" => vec![perm("ses:SendEmail", json!("*"))],
        "s3:getObject" | "aws-sdk:s3:getObject" => s3_permissions("s3:GetObject", state).ok_or_else(|| raw.to_string())?,
        "s3:putObject" | "aws-sdk:s3:putObject" => s3_permissions("s3:PutObject", state).ok_or_else(|| raw.to_string())?,
        "s3:listObjectsV2" | "aws-sdk:s3:listObjectsV2" => s3_permissions("s3:listObjectsV2", state).ok_or_else(|| raw.to_string())?,
        "events:putEvents" | "events:putEvents.waitForTaskToken" => {
            let Some(Value::Array(entries)) = param(state, "Entries") else { return Err(raw.to_string()) };
            let mut buses: Vec<Value> = Vec::new();
            for e in entries {
                let bus = e.get("EventBusName").filter(|v| truthy(Some(v))).cloned().unwrap_or(json!("default"));
                if !buses.contains(&bus) {
                    buses.push(bus);
                }
            }
            let resources: Vec<Value> = buses
                .into_iter()
                .map(|b| json!({ "Fn::Sub": ["arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/${eventBus}", { "eventBus": b }] }))
                .collect();
            vec![perm("events:PutEvents", Value::Array(resources))]
        }
        "aws-sdk:eventbridge:putTargets" | "aws-sdk:eventbridge:putTargets.waitForTaskToken" => {
            if is_json_path_param(state, "Rule") || is_jsonata_arg(state, "Rule") {
                vec![perm("events:PutTargets", json!("*"))]
            } else {
                let rule = param(state, "Rule").cloned().unwrap_or(Value::Null);
                let resource = match param(state, "EventBusName").filter(|v| truthy(Some(v))) {
                    Some(bus) => json!({ "Fn::Sub": [
                        "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/${eventBusName}/${ruleName}",
                        { "eventBusName": bus, "ruleName": rule }
                    ] }),
                    None => {
                        json!({ "Fn::Sub": ["arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/${ruleName}", { "ruleName": rule }] })
                    }
                };
                vec![perm("events:PutTargets", resource)]
            }
        }
        "aws-sdk:scheduler:createSchedule" | "aws-sdk:scheduler:deleteSchedule" => {
            let action = if service_action.ends_with("createSchedule") { "scheduler:CreateSchedule" } else { "scheduler:DeleteSchedule" };
            let group = param(state, "GroupName").filter(|v| truthy(Some(v))).cloned().unwrap_or(json!("default"));
            let mut out = vec![perm(
                action,
                json!({ "Fn::Sub": [
                    "arn:${AWS::Partition}:scheduler:${AWS::Region}:${AWS::AccountId}:schedule/${scheduleGroupName}/*",
                    { "scheduleGroupName": group }
                ] }),
            )];
            if let Some(role) = param(state, "Target").and_then(|t| t.get("RoleArn")).filter(|v| truthy(Some(v))) {
                out.push(perm("iam:PassRole", role.clone()));
            }
            out
        }
        "athena:startQueryExecution" | "athena:startQueryExecution.sync" => {
            let actions = if service_action.ends_with(".sync") {
                "athena:startQueryExecution,athena:stopQueryExecution,athena:getQueryExecution,athena:getDataCatalog,athena:GetWorkGroup,athena:BatchGetQueryExecution,athena:GetQueryResults,athena:ListQueryExecutions"
            } else {
                "athena:startQueryExecution,athena:getDataCatalog"
            };
            let wg = state.pointer("/Parameters/WorkGroup").and_then(Value::as_str).filter(|w| !w.is_empty());
            let glue = |what: &str| json!({ "Fn::Sub": [format!("arn:${{AWS::Partition}}:glue:${{AWS::Region}}:${{AWS::AccountId}}:{what}"), {}] });
            vec![
                perm(
                    actions,
                    json!([
                        athena_work_group(wg),
                        { "Fn::Sub": ["arn:${AWS::Partition}:athena:${AWS::Region}:${AWS::AccountId}:datacatalog/*", {}] }
                    ]),
                ),
                perm(
                    "s3:GetBucketLocation,s3:GetObject,s3:ListBucket,s3:ListBucketMultipartUploads,s3:ListMultipartUploadParts,s3:AbortMultipartUpload,s3:CreateBucket,s3:PutObject",
                    json!("arn:aws:s3:::*"),
                ),
                perm(
                    "glue:CreateDatabase,glue:GetDatabase,glue:GetDatabases,glue:UpdateDatabase,glue:DeleteDatabase,glue:CreateTable,glue:UpdateTable,glue:GetTable,glue:GetTables,glue:DeleteTable,glue:BatchDeleteTable,glue:BatchCreatePartition,glue:CreatePartition,glue:UpdatePartition,glue:GetPartition,glue:GetPartitions,glue:BatchGetPartition,glue:DeletePartition,glue:BatchDeletePartition",
                    json!([glue("catalog"), glue("database/*"), glue("table/*"), glue("userDefinedFunction/*")]),
                ),
                perm("lakeformation:GetDataAccess", json!("*")),
            ]
        }
        "athena:stopQueryExecution" => vec![perm("athena:stopQueryExecution", athena_work_group(None))],
        "athena:getQueryExecution" => vec![perm("athena:getQueryExecution", athena_work_group(None))],
        "athena:getQueryResults" => {
            vec![perm("athena:getQueryResults", athena_work_group(None)), perm("s3:GetObject", json!("arn:aws:s3:::*"))]
        }
        "aws-sdk:redshiftdata:executeStatement" => redshift_data("redshift-data:ExecuteStatement", state).ok_or_else(|| raw.to_string())?,
        "aws-sdk:redshiftdata:batchExecuteStatement" => {
            redshift_data("redshift-data:BatchExecuteStatement", state).ok_or_else(|| raw.to_string())?
        }
        "aws-sdk:redshiftdata:listStatements" => vec![perm("redshift-data:ListStatements", json!("*"))],
        "aws-sdk:redshiftdata:describeStatement" => vec![perm("redshift-data:DescribeStatement", json!("*"))],
        "aws-sdk:redshiftdata:getStatementResult" => vec![perm("redshift-data:GetStatementResult", json!("*"))],
        "aws-sdk:redshiftdata:cancelStatement" => vec![perm("redshift-data:CancelStatement", json!("*"))],
        "elasticmapreduce:createCluster" | "elasticmapreduce:runJobFlow" | "elasticmapreduce:createCluster.sync" => {
            // The registry passes the state as the options object: only `.sync` syncs.
            let actions = if service_action.ends_with(".sync") || truthy(state.get("sync")) {
                "elasticmapreduce:RunJobFlow,elasticmapreduce:DescribeCluster,elasticmapreduce:TerminateJobFlows"
            } else {
                "elasticmapreduce:RunJobFlow"
            };
            vec![perm(actions, json!("*")), perm("iam:PassRole", json!("*"))]
        }
        "elasticmapreduce:terminateCluster" | "elasticmapreduce:terminateCluster.sync" => {
            vec![perm("elasticmapreduce:TerminateJobFlows,elasticmapreduce:DescribeCluster", json!("*"))]
        }
        "elasticmapreduce:addStep" | "elasticmapreduce:addStep.sync" => {
            vec![perm("elasticmapreduce:AddJobFlowSteps,elasticmapreduce:DescribeStep,elasticmapreduce:CancelSteps", json!("*"))]
        }
        "elasticmapreduce:cancelStep" => vec![perm("elasticmapreduce:CancelSteps", json!("*"))],
        "elasticmapreduce:setClusterTerminationProtection" => vec![perm("elasticmapreduce:SetTerminationProtection", json!("*"))],
        "elasticmapreduce:modifyInstanceFleetByName" => {
            vec![perm("elasticmapreduce:ModifyInstanceFleet,elasticmapreduce:ListInstanceFleets", json!("*"))]
        }
        "elasticmapreduce:modifyInstanceGroupByName" => {
            vec![perm("elasticmapreduce:ModifyInstanceGroups,elasticmapreduce:ListInstanceGroups", json!("*"))]
        }
        _ => {
            // Not in the plugin's registry: its lambda fallback finds nothing and only logs.
            unknown.push(raw.to_string());
            vec![]
        }
    };
    Ok(p)
}

/// `_.has(state, 'Parameters.X') || _.has(state, ['Parameters', 'X.$'])`.
fn param_exists(state: &Value, key: &str) -> bool {
    state.get("Parameters").is_some_and(|p| p.get(key).is_some() || p.get(format!("{key}.$")).is_some())
}

fn start_execution_permissions(action: &str, sm_arn: Value) -> Vec<Permission> {
    let execution = execution_arn(&sm_arn);
    vec![
        perm(action, sm_arn),
        perm("states:DescribeExecution,states:StopExecution", execution),
        perm(
            "events:PutTargets,events:PutRule,events:DescribeRule",
            json!({ "Fn::Sub": ["arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/StepFunctionsGetEventsForStepFunctionsExecutionRule", {}] }),
        ),
    ]
}

/// `getExecutionArn`.
fn execution_arn(sm_arn: &Value) -> Value {
    match sm_arn {
        Value::String(s) if s == "*" => json!("*"),
        Value::String(s) => json!(format!("{}:*", s.replacen(":stateMachine:", ":execution:", 1))),
        v => match v.get("Fn::Sub") {
            Some(Value::String(s)) => json!({ "Fn::Sub": format!("{}:*", s.replacen(":stateMachine:", ":execution:", 1)) }),
            Some(Value::Array(a)) if !a.is_empty() => json!({ "Fn::Sub": [
                format!("{}:*", js_string(&a[0]).replacen(":stateMachine:", ":execution:", 1)),
                a.get(1).cloned().unwrap_or(Value::Null)
            ] }),
            _ => json!("*"),
        },
    }
}

/// `JSON.stringify` (compact) with JavaScript's number printing.
pub(super) fn js_stringify(v: &Value) -> String {
    let mut v = v.clone();
    js_numbers(&mut v);
    v.to_string()
}

fn events_rule_join(rule: &str) -> Value {
    json!({ "Fn::Join": [":", ["arn", { "Ref": "AWS::Partition" }, "events", { "Ref": "AWS::Region" }, { "Ref": "AWS::AccountId" }, rule]] })
}

/// A template-literal interpolation where a missing value prints `undefined`.
fn js_undefined_string(v: Option<&Value>) -> String {
    v.map_or_else(|| "undefined".to_string(), js_string)
}

/// `resolveS3BucketReference`.
fn s3_ref(bucket: &Value, resource: &str) -> Value {
    if is_intrinsic(bucket) {
        json!({ "Fn::Sub": [resource, { "bucket": bucket }] })
    } else {
        json!({ "Fn::Sub": resource.replace("${bucket}", &js_string(bucket)) })
    }
}

/// The s3 strategy; `None` where the plugin crashes (no `Parameters`).
fn s3_permissions(action: &str, state: &Value) -> Option<Vec<Permission>> {
    let p = state.get("Parameters").filter(|p| truthy(Some(p)))?;
    let bucket = p.get("Bucket").filter(|v| truthy(Some(v))).cloned().unwrap_or(json!("*"));
    let key = p.get("Key").filter(|v| truthy(Some(v))).cloned().unwrap_or(json!("*"));
    if action == "s3:listObjectsV2" {
        let both =
            || json!([s3_ref(&bucket, "arn:${AWS::Partition}:s3:::${bucket}"), s3_ref(&bucket, "arn:${AWS::Partition}:s3:::${bucket}/*")]);
        return Some(vec![perm("s3:Get*", both()), perm("s3:List*", both())]);
    }
    let arn = if let Some(prefix) = p.get("Prefix").filter(|v| truthy(Some(v))) {
        s3_ref(&bucket, &format!("arn:${{AWS::Partition}}:s3:::${{bucket}}/{}/{}", js_string(prefix), js_string(&key)))
    } else if bucket == "*" && key == "*" {
        json!("*")
    } else {
        s3_ref(&bucket, &format!("arn:${{AWS::Partition}}:s3:::${{bucket}}/{}", js_string(&key)))
    };
    Some(vec![perm(action, json!([arn]))])
}

/// The logical id a Task `Resource` names when it looks like a function of this service:
/// `Fn::GetAtt: [<X>LambdaFunction, Arn]` or `Ref: <X>LambdaFunction`.
fn function_reference(resource: &Value) -> Option<String> {
    let id = resource
        .get("Fn::GetAtt")
        .and_then(|g| g.get(0))
        .and_then(Value::as_str)
        .or_else(|| resource.get("Ref").and_then(Value::as_str))?;
    id.ends_with("LambdaFunction").then(|| id.to_string())
}

/// Called with a Task state's name, the state and the function key it invokes.
type TaskVisitor<'a> = dyn FnMut(&str, &mut Map<String, Value>, String) + 'a;

/// `configureTaskTimeouts`: Task states invoking a function of this service without
/// `TimeoutSeconds`/`TimeoutSecondsPath` get the function's timeout (else the provider's,
/// else 6); a longer `TimeoutSeconds` is only a warning.
fn configure_task_timeouts(ctx: &mut Ctx, machine: &str, def: &mut Value) {
    let provider_timeout = ctx.cfg.provider.as_ref().and_then(|p| p.timeout.as_ref()).map(|n| n.0);
    let fallback = provider_timeout.unwrap_or(6.0);
    let functions: Vec<(String, Option<f64>)> = ctx.functions.iter().map(|(k, f)| (k.clone(), f.timeout.as_ref().map(|n| n.0))).collect();
    let key_of = |r: &Value| -> Option<String> {
        let id = match (r.get("Ref").and_then(Value::as_str), r.get("Fn::GetAtt").and_then(|g| g.get(0)).and_then(Value::as_str)) {
            (Some(id), _) => id,
            (None, Some(id)) if r.get("Fn::GetAtt").is_some_and(Value::is_array) => id,
            _ => return None,
        };
        functions
            .iter()
            .find(|(k, _)| k == id)
            .or_else(|| functions.iter().find(|(k, _)| naming::lambda_function(k) == id))
            .map(|(k, _)| k.clone())
    };
    let mut warnings = Vec::new();
    fn walk(states: &mut Value, key_of: &dyn Fn(&Value) -> Option<String>, visit: &mut TaskVisitor) {
        let Some(states) = states.as_object_mut() else { return };
        for (name, state) in states.iter_mut() {
            let Some(st) = state.as_object_mut() else { continue };
            match st.get("Type").and_then(Value::as_str) {
                Some("Task") => {
                    let resource = st.get("Resource").cloned().unwrap_or(Value::Null);
                    let target = match resource.as_str() {
                        Some(r) if r.starts_with("arn:aws:states:::lambda:invoke") => {
                            st.get("Parameters").and_then(|p| p.get("FunctionName")).cloned().unwrap_or(Value::Null)
                        }
                        _ => resource,
                    };
                    if let Some(k) = key_of(&target) {
                        visit(name, st, k);
                    }
                }
                Some("Parallel") => {
                    if let Some(Value::Array(branches)) = st.get_mut("Branches") {
                        for b in branches.iter_mut() {
                            if let Some(inner) = b.get_mut("States") {
                                walk(inner, key_of, visit);
                            }
                        }
                    }
                }
                Some("Map") => {
                    let wrapper =
                        if st.contains_key("ItemProcessor") && truthy(st.get("ItemProcessor")) { "ItemProcessor" } else { "Iterator" };
                    if let Some(inner) = st.get_mut(wrapper).and_then(|w| w.get_mut("States")) {
                        walk(inner, key_of, visit);
                    }
                }
                _ => {}
            }
        }
    }
    let Some(states) = def.get_mut("States") else { return };
    walk(states, &key_of, &mut |name, st, key| {
        let timeout = functions.iter().find(|(k, _)| *k == key).and_then(|(_, t)| *t).unwrap_or(fallback);
        let has = st.contains_key("TimeoutSeconds") || st.contains_key("TimeoutSecondsPath");
        if !has {
            st.insert("TimeoutSeconds".into(), json!(timeout));
        } else if let Some(user) = st.get("TimeoutSeconds").and_then(Value::as_f64) {
            if user > timeout {
                warnings.push(format!(
                    "State machine \"{machine}\" task \"{name}\": TimeoutSeconds ({user}s) is greater than the Lambda function \"{key}\" timeout ({timeout}s); the Lambda will fail before the state-level timeout fires"
                ));
            }
        }
    });
    for w in warnings {
        let d =
            Diagnostic::warning(codes::V3_QUIRK, w).at_opt(ctx.span(&["stepFunctions", "stateMachines", machine, "configureTaskTimeouts"]));
        ctx.diags.push(d);
    }
}

/// The plugin's `workGroupArn` (`*` without a static work group).
fn athena_work_group(name: Option<&str>) -> Value {
    let target = name.unwrap_or("*");
    json!({ "Fn::Sub": [format!("arn:${{AWS::Partition}}:athena:${{AWS::Region}}:${{AWS::AccountId}}:workgroup/{target}"), {}] })
}

/// The redshiftData strategy for (batch) statements; `None` where the plugin crashes (a
/// non-string WorkgroupName or SecretArn).
fn redshift_data(action: &str, state: &Value) -> Option<Vec<Permission>> {
    let p = state.get("Parameters").and_then(Value::as_object).cloned().unwrap_or_default();
    let db_name = p.get("Database").map_or_else(|| "*".to_string(), js_string);
    let any_workgroup = json!({ "Fn::Sub": "arn:${AWS::Partition}:redshift-serverless:${AWS::Region}:${AWS::AccountId}:workgroup/*" });
    let (workgroup, cluster) = if let Some(w) = p.get("WorkgroupName") {
        let w = w.as_str()?;
        (Some(if w.starts_with("arn:") { json!(w) } else { any_workgroup }), "*".to_string())
    } else if p.contains_key("WorkgroupName.$") {
        (Some(any_workgroup), "*".to_string())
    } else if let Some(c) = p.get("ClusterIdentifier") {
        (None, js_string(c))
    } else {
        (None, "*".to_string())
    };
    let (secret, db_user) = if let Some(sa) = p.get("SecretArn") {
        let sa = sa.as_str()?;
        let v = if sa.starts_with("arn:") {
            json!(sa)
        } else {
            json!({ "Fn::Sub": format!("arn:${{AWS::Partition}}:secretsmanager:${{AWS::Region}}:${{AWS::AccountId}}:secret:{sa}*") })
        };
        (Some(v), None)
    } else if p.contains_key("SecretArn.$") {
        (Some(json!({ "Fn::Sub": "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:*" })), None)
    } else if let Some(u) = p.get("DbUser") {
        (None, Some(js_string(u)).filter(|s| !s.is_empty()))
    } else if p.contains_key("DbUser.$") {
        (None, Some("*".to_string()))
    } else {
        (None, None)
    };
    let cluster_arn =
        json!({ "Fn::Sub": format!("arn:${{AWS::Partition}}:redshift:${{AWS::Region}}:${{AWS::AccountId}}:cluster:{cluster}") });
    let dbname_arn =
        json!({ "Fn::Sub": format!("arn:${{AWS::Partition}}:redshift:${{AWS::Region}}:${{AWS::AccountId}}:dbname:{cluster}/{db_name}") });
    let mut out = vec![perm(action, workgroup.clone().unwrap_or(cluster_arn))];
    if let Some(sa) = secret {
        out.push(perm("secretsmanager:GetSecretValue", sa));
    } else if let Some(u) = db_user {
        out.push(perm(
            "redshift:GetClusterCredentials",
            json!([
                { "Fn::Sub": format!("arn:${{AWS::Partition}}:redshift:${{AWS::Region}}:${{AWS::AccountId}}:dbuser:{cluster}/{u}") },
                dbname_arn
            ]),
        ));
    } else if let Some(w) = workgroup {
        out.push(perm("redshift-serverless:GetCredentials", w));
    } else {
        out.push(perm("redshift:GetClusterCredentialsWithIAM", dbname_arn));
    }
    Some(out)
}
