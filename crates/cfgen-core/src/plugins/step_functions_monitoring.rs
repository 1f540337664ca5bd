//! serverless-step-functions 3.31.2 `alarms` and `notifications` of state machines (the end of
//! `package:compileFunctions`).
//!
//! Alarms: one `AWS::CloudWatch::Alarm` per known metric (`<Id><Metric>Alarm` unless the
//! metric names a `logicalId`). Notifications: per execution status an `AWS::Events::Rule`
//! (`<Id>Notifications<STATUS without its first _>EventRule`) targeting SNS, SQS, Kinesis,
//! Firehose, Lambda or Step Functions, with resource policies (`<Id>ResourcePolicy<md5>`)
//! or one role (`<Id>NotificationsIamRole`); topic and queue policies for the same targets
//! are merged across machines. Quirks: the plugin only logs (and drops) malformed alarm and
//! notification settings, unknown metrics and notifications of EXPRESS machines — cfgen
//! matches the template and warns.

use crate::json::json;
use cfgen_syntax::{codes, Diagnostic};
use md5::{Digest, Md5};
use serde_json::{Map, Value};

use super::step_functions::{js_string, js_stringify, merge_into, truthy};
use crate::compile::{Ctx, Template};
use crate::naming;

fn md5_5(s: &str) -> String {
    crate::compile::hex(&Md5::digest(s.as_bytes()))[..5].to_string()
}

fn warn(ctx: &mut Ctx, path: &[&str], msg: String, help: &str) {
    let d = Diagnostic::warning(codes::V3_QUIRK, msg).at_opt(ctx.span(path)).help(help);
    ctx.diags.push(d);
}

const METRICS: &[(&str, &str, &str)] = &[
    ("executionsTimedOut", "ExecutionsTimedOut", "executions timed out"),
    ("executionsFailed", "ExecutionsFailed", "executions failed"),
    ("executionsAborted", "ExecutionsAborted", "executions were aborted"),
    ("executionThrottled", "ExecutionThrottled", "execution were throttled"),
    ("executionsSucceeded", "ExecutionsSucceeded", "executions succeeded"),
];

/// The alarms schema, simplified: `Err(why)` when the plugin would drop the whole block.
fn check_alarms(a: &Map<String, Value>) -> Result<(), String> {
    for k in a.keys() {
        if !["topics", "metrics", "nameTemplate", "treatMissingData", "period"].contains(&k.as_str()) {
            return Err(format!("\"{k}\" is not allowed"));
        }
    }
    match a.get("topics") {
        Some(Value::Object(t)) => {
            if let Some(k) = t.keys().find(|k| !["ok", "alarm", "insufficientData"].contains(&k.as_str())) {
                return Err(format!("\"topics.{k}\" is not allowed"));
            }
            if t.is_empty() {
                return Err("\"topics\" must contain at least one of [ok, alarm, insufficientData]".into());
            }
        }
        Some(_) => return Err("\"topics\" must be of type object".into()),
        None => return Err("\"topics\" is required".into()),
    }
    match a.get("metrics") {
        Some(Value::Array(m)) if !m.is_empty() => {
            for metric in m {
                match metric {
                    Value::String(_) => {}
                    Value::Object(o) => {
                        if !o.contains_key("metric") {
                            return Err("\"metrics\" items need a \"metric\"".into());
                        }
                        if let Some(k) =
                            o.keys().find(|k| !["metric", "logicalId", "alarmName", "treatMissingData", "period"].contains(&k.as_str()))
                        {
                            return Err(format!("\"{k}\" is not allowed in a metric"));
                        }
                    }
                    _ => return Err("\"metrics\" items must be strings or objects".into()),
                }
            }
        }
        Some(_) => return Err("\"metrics\" must be an array of at least 1 item".into()),
        None => return Err("\"metrics\" is required".into()),
    }
    Ok(())
}

/// The `$[name]` variables of a name template (`/(?<=\$\[)[^\][]*(?=])/g`).
fn template_variables(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find("$[") {
        let after = &rest[i + 2..];
        let n = after.find(['[', ']']).unwrap_or(after.len());
        if after[n..].starts_with(']') {
            out.push(after[..n].to_string());
            rest = &after[n..];
        } else {
            rest = &rest[i + 1..];
        }
    }
    out
}

/// `compileAlarms`.
pub fn compile_alarms(ctx: &mut Ctx, t: &mut Template, machines: &Map<String, Value>) {
    let mut all: Map<String, Value> = Map::new();
    for (key, sm) in machines {
        let Some(Value::Object(a)) = sm.get("alarms") else { continue };
        let path = ["stepFunctions", "stateMachines", key.as_str(), "alarms"];
        let machine_name = sm.get("name").filter(|v| truthy(Some(v))).map_or_else(|| key.clone(), js_string);
        if let Err(why) = check_alarms(a) {
            warn(
                ctx,
                &path,
                format!("State machine [{machine_name}] : alarms config is malformed ({why}); serverless-step-functions creates no alarms"),
                "fix the alarms settings (topics and metrics are required)",
            );
            continue;
        }
        let machine_id = naming::sfn_state_machine(key, sm);
        let topic = |k: &str| a.get("topics").and_then(|t| t.get(k)).filter(|v| truthy(Some(v))).map_or_else(Vec::new, |v| vec![v.clone()]);
        let (ok, alarm, insufficient) = (topic("ok"), topic("alarm"), topic("insufficientData"));
        let default_missing = a.get("treatMissingData").cloned().unwrap_or(json!("missing"));
        let default_period = a.get("period").cloned().unwrap_or(json!(60));
        let name_template = a.get("nameTemplate").filter(|v| !v.is_null());
        let mut metrics: Vec<Value> = Vec::new();
        for m in a.get("metrics").and_then(Value::as_array).into_iter().flatten() {
            if m.is_object() || !metrics.contains(m) {
                metrics.push(m.clone());
            }
        }
        let mut invalid = Vec::new();
        for m in &metrics {
            let metric = m.get("metric").unwrap_or(m);
            let Some(&(metric_name, cw_name, description)) = METRICS.iter().find(|(n, _, _)| Some(*n) == metric.as_str()) else {
                invalid.push(js_string(metric));
                continue;
            };
            let template_name = match name_template {
                None => None,
                Some(tpl) => {
                    let tpl = js_string(tpl);
                    let vars = template_variables(&tpl);
                    if vars.is_empty() {
                        let d = Diagnostic::error(
                            codes::INVALID_VALUE,
                            "serverless-step-functions crashes on an alarms `nameTemplate` without any `$[variable]`",
                        )
                        .at_opt(ctx.span(&[path[0], path[1], path[2], path[3], "nameTemplate"]))
                        .help("use $[stateMachineName], $[cloudWatchMetricName] or $[metricName], or drop nameTemplate");
                        ctx.diags.push(d);
                        return;
                    }
                    let supported = ["stateMachineName", "cloudWatchMetricName", "metricName"];
                    if vars.iter().all(|v| supported.contains(&v.as_str())) {
                        let mut name = tpl.clone();
                        for v in &vars {
                            let value = match v.as_str() {
                                "stateMachineName" => machine_name.as_str(),
                                "cloudWatchMetricName" => cw_name,
                                _ => metric_name,
                            };
                            name = name.replacen(&format!("$[{v}]"), value, 1);
                        }
                        Some(Value::String(name))
                    } else {
                        None
                    }
                }
            };
            let logical_id = m.get("logicalId").map_or_else(|| format!("{machine_id}{cw_name}Alarm"), js_string);
            let mut props = Map::new();
            props.insert("Namespace".into(), json!("AWS/States"));
            props.insert("MetricName".into(), json!(cw_name));
            props.insert("AlarmDescription".into(), json!(format!("{machine_name}[{}][{}]: {description}", ctx.stage, ctx.region)));
            props.insert("Threshold".into(), json!(1));
            props.insert("Period".into(), m.get("period").cloned().unwrap_or_else(|| default_period.clone()));
            props.insert("EvaluationPeriods".into(), json!(1));
            props.insert("ComparisonOperator".into(), json!("GreaterThanOrEqualToThreshold"));
            props.insert("Statistic".into(), json!("Sum"));
            props.insert("OKActions".into(), Value::Array(ok.clone()));
            props.insert("AlarmActions".into(), Value::Array(alarm.clone()));
            props.insert("InsufficientDataActions".into(), Value::Array(insufficient.clone()));
            props.insert("TreatMissingData".into(), m.get("treatMissingData").cloned().unwrap_or_else(|| default_missing.clone()));
            props.insert("Dimensions".into(), json!([{ "Name": "StateMachineArn", "Value": { "Ref": &machine_id } }]));
            if let Some(n) = m.get("alarmName").cloned().or(template_name).filter(|v| truthy(Some(v))) {
                props.insert("AlarmName".into(), n);
            }
            all.insert(logical_id, json!({ "Type": "AWS::CloudWatch::Alarm", "Properties": props }));
        }
        if !invalid.is_empty() {
            warn(
                ctx,
                &[path[0], path[1], path[2], path[3], "metrics"],
                format!(
                    "state machine [{machine_name}] : alarms.metrics has invalid metrics [{}]; no alarms are created for them",
                    invalid.join(",")
                ),
                "supported metrics: executionsTimedOut, executionsFailed, executionsAborted, executionThrottled, executionsSucceeded",
            );
        }
    }
    crate::merge::merge_object(&mut t.resources, &all);
}

const STATUSES: &[&str] = &["ABORTED", "FAILED", "RUNNING", "SUCCEEDED", "TIMED_OUT"];
const TARGET_TYPES: &[&str] = &["sns", "sqs", "kinesis", "firehose", "lambda", "stepFunctions"];

/// `normalizeIntrinsicRefs`: `Ref`/`Fn::GetAtt` naming a function key point at its resource.
fn normalize_refs(ctx: &Ctx, t: &Template, v: &Value) -> Value {
    match v {
        Value::Array(a) => Value::Array(a.iter().map(|x| normalize_refs(ctx, t, x)).collect()),
        Value::Object(o) => {
            if truthy(o.get("Ref")) || truthy(o.get("Fn::GetAtt")) {
                super::step_functions::translate_local(ctx, t, v)
            } else {
                Value::Object(o.iter().map(|(k, x)| (k.clone(), normalize_refs(ctx, t, x))).collect())
            }
        }
        other => other.clone(),
    }
}

fn input_options(target: &Value, into: &mut Map<String, Value>) {
    if let Some(p) = target.get("inputPath").filter(|v| truthy(Some(v))) {
        into.insert("InputPath".into(), p.clone());
    }
    if let Some(tr) = target.get("inputTransformer").filter(|v| truthy(Some(v))) {
        let mut m = Map::new();
        if let Some(x) = tr.get("inputPathsMap") {
            m.insert("InputPathsMap".into(), x.clone());
        }
        if let Some(x) = tr.get("inputTemplate") {
            m.insert("InputTemplate".into(), x.clone());
        }
        into.insert("InputTransformer".into(), Value::Object(m));
    }
}

fn target_id(arn: &Value, index: usize, machine_name: &str, status: &str) -> String {
    let suffix = md5_5(&js_stringify(&json!({ "target": { "Arn": arn }, "index": index })));
    format!("{machine_name}-{status}-{suffix}")
}

fn policy_name(status: &str, ty: &str, action: &str, resource: &Value) -> String {
    format!("{status}-{ty}-{}", md5_5(&js_stringify(&json!({ "action": action, "resource": resource }))))
}

/// The `arn` of `{arn, ...}` targets (sqs, kinesis), else the target itself.
fn arn_of(v: &Value) -> Value {
    v.get("arn").cloned().unwrap_or_else(|| v.clone())
}

fn queue_url(arn: &Value) -> Option<Value> {
    if let Some(s) = arn.as_str() {
        let name = s.rsplit(':').next().unwrap_or(s);
        return Some(
            json!({ "Fn::Sub": ["https://sqs.${AWS::Region}.amazonaws.com/${AWS::AccountId}/${QueueName}", { "QueueName": name }] }),
        );
    }
    let id = arn.get("Fn::GetAtt")?.get(0)?;
    Some(json!({ "Ref": id }))
}

/// Keys sorted recursively, then compact JSON (`stableJSONStringify`).
fn stable_stringify(v: &Value) -> String {
    fn sort(v: &Value) -> Value {
        match v {
            Value::Object(o) => {
                let mut keys: Vec<&String> = o.keys().collect();
                keys.sort();
                Value::Object(keys.into_iter().map(|k| (k.clone(), sort(&o[k]))).collect())
            }
            Value::Array(a) => Value::Array(a.iter().map(sort).collect()),
            other => other.clone(),
        }
    }
    js_stringify(&sort(v))
}

fn check_notifications(n: &Map<String, Value>) -> Result<(), String> {
    for (status, targets) in n {
        if !STATUSES.contains(&status.as_str()) {
            return Err(format!("\"{status}\" is not allowed"));
        }
        match targets {
            Value::Null => {}
            Value::Array(items) => {
                for item in items {
                    let Value::Object(o) = item else { return Err(format!("\"{status}\" items must be objects")) };
                    for k in o.keys() {
                        if !TARGET_TYPES.contains(&k.as_str()) && k != "inputPath" && k != "inputTransformer" {
                            return Err(format!("\"{k}\" is not allowed"));
                        }
                    }
                }
            }
            _ => return Err(format!("\"{status}\" must be an array")),
        }
    }
    Ok(())
}

/// `compileNotifications`.
pub fn compile_notifications(ctx: &mut Ctx, t: &mut Template, machines: &Map<String, Value>) {
    let role_path = ctx
        .cfg
        .provider
        .as_ref()
        .and_then(|p| p.iam.as_ref())
        .and_then(|i| i.role.as_ref())
        .and_then(|r| r.get("path"))
        .filter(|p| truthy(Some(p)))
        .cloned();
    let mut pairs: Vec<(String, Value)> = Vec::new();
    for (key, sm) in machines {
        let Some(Value::Object(n)) = sm.get("notifications") else { continue };
        let path = ["stepFunctions", "stateMachines", key.as_str(), "notifications"];
        let machine_name = sm.get("name").filter(|v| truthy(Some(v))).map_or_else(|| key.clone(), js_string);
        if sm.get("type").and_then(Value::as_str) == Some("EXPRESS") {
            warn(
                ctx,
                &path,
                format!("State machine [{machine_name}] : notifications are not supported on Express Workflows; serverless-step-functions ignores them"),
                "remove the notifications or make the machine STANDARD",
            );
            continue;
        }
        if let Err(why) = check_notifications(n) {
            warn(
                ctx,
                &path,
                format!(
                    "State machine [{machine_name}] : notifications config is malformed ({why}); serverless-step-functions ignores them"
                ),
                "targets take sns, sqs, kinesis, firehose, lambda or stepFunctions, with inputPath or inputTransformer",
            );
            continue;
        }
        let machine_id = naming::sfn_state_machine(key, sm);
        let role_id = format!("{machine_id}NotificationsIamRole");
        let mut normalized: Map<String, Value> = Map::new();
        for (status, targets) in n {
            let list = targets.as_array().cloned().unwrap_or_default();
            normalized.insert(status.clone(), Value::Array(list.iter().map(|x| normalize_refs(ctx, t, x)).collect()));
        }
        let mut all_targets: Vec<(&str, Value)> = Vec::new();
        for status in STATUSES {
            for target in normalized.get(*status).and_then(Value::as_array).into_iter().flatten() {
                all_targets.push((status, target.clone()));
            }
        }
        // Every target names a type.
        for (status, target) in &all_targets {
            if !TARGET_TYPES.iter().any(|ty| target.get(*ty).is_some()) {
                let d = Diagnostic::error(codes::MISSING_KEY, format!("a `{status}` notification target names no target type"))
                    .at_opt(ctx.span(&[path[0], path[1], path[2], path[3], status]))
                    .help("give one of sns, sqs, kinesis, firehose, lambda or stepFunctions");
                ctx.diags.push(d);
                return;
            }
        }
        let mut policies: Vec<Value> = Vec::new();
        for (index, (status, target)) in all_targets.iter().enumerate() {
            let ty = TARGET_TYPES.iter().copied().find(|ty| target.get(*ty).is_some()).unwrap_or("sns");
            let value = target.get(ty).cloned().unwrap_or(Value::Null);
            let policy_resource = match ty {
                "sns" => Some(json!({
                    "Type": "AWS::SNS::TopicPolicy",
                    "Properties": {
                        "PolicyDocument": {
                            "Version": "2012-10-17",
                            "Statement": {
                                "Sid": policy_name(status, "sns", "sns:Publish", &value),
                                "Principal": { "Service": "events.amazonaws.com" },
                                "Effect": "Allow",
                                "Action": "sns:Publish",
                                "Resource": &value,
                            }
                        },
                        "Topics": [&value],
                    }
                })),
                "sqs" => {
                    let arn = arn_of(&value);
                    let Some(url) = queue_url(&arn) else {
                        let d = Diagnostic::error(
                            codes::INVALID_VALUE,
                            "serverless-step-functions cannot turn this SQS ARN into a queue URL for notifications",
                        )
                        .at_opt(ctx.span(&[path[0], path[1], path[2], path[3], status]))
                        .help("use an ARN string or Fn::GetAtt [Queue, Arn]");
                        ctx.diags.push(d);
                        return;
                    };
                    Some(json!({
                        "Type": "AWS::SQS::QueuePolicy",
                        "Properties": {
                            "PolicyDocument": {
                                "Version": "2012-10-17",
                                "Statement": {
                                    "Sid": policy_name(status, "sqs", "sqs:SendMessage", &arn),
                                    "Principal": { "Service": "events.amazonaws.com" },
                                    "Effect": "Allow",
                                    "Action": "sqs:SendMessage",
                                    "Resource": arn,
                                }
                            },
                            "Queues": [url],
                        }
                    }))
                }
                "lambda" => Some(json!({
                    "Type": "AWS::Lambda::Permission",
                    "Properties": { "Action": "lambda:InvokeFunction", "FunctionName": &value, "Principal": "events.amazonaws.com" }
                })),
                _ => None,
            };
            match policy_resource {
                Some(resource) => {
                    let suffix = md5_5(&js_stringify(&json!({ "index": index, "resource": &resource })));
                    pairs.push((format!("{machine_id}ResourcePolicy{suffix}"), resource));
                }
                None => {
                    let (action, resource) = match ty {
                        "kinesis" => ("kinesis:PutRecord", arn_of(&value)),
                        "firehose" => ("firehose:PutRecord", value.clone()),
                        _ => ("states:StartExecution", value.clone()),
                    };
                    policies.push(json!({
                        "PolicyName": policy_name(status, ty, action, &resource),
                        "PolicyDocument": { "Version": "2012-10-17", "Statement": [{ "Effect": "Allow", "Action": action, "Resource": resource }] }
                    }));
                }
            }
        }
        let need_role = !policies.is_empty();
        if need_role {
            let mut props = Map::new();
            props.insert(
                "AssumeRolePolicyDocument".into(),
                json!({ "Statement": { "Effect": "Allow", "Action": "sts:AssumeRole", "Principal": { "Service": "events.amazonaws.com" } } }),
            );
            props.insert("Policies".into(), Value::Array(policies));
            if let Some(p) = &role_path {
                props.insert("Path".into(), p.clone());
            }
            pairs.push((role_id.clone(), json!({ "Type": "AWS::IAM::Role", "Properties": props })));
        }
        for status in STATUSES {
            let Some(targets) = normalized.get(*status).and_then(Value::as_array).filter(|a| !a.is_empty()) else { continue };
            let mut cfn_targets = Vec::new();
            for (index, target) in targets.iter().enumerate() {
                let ty = TARGET_TYPES.iter().copied().find(|ty| target.get(*ty).is_some()).unwrap_or("sns");
                let value = target.get(ty).cloned().unwrap_or(Value::Null);
                let mut out = Map::new();
                let with_params = matches!(ty, "sqs" | "kinesis") && value.get("arn").is_some();
                let arn = if with_params { arn_of(&value) } else { value.clone() };
                out.insert("Arn".into(), arn.clone());
                out.insert("Id".into(), json!(target_id(&arn, index, &machine_name, status)));
                if with_params {
                    let (name, key, param) = if ty == "sqs" {
                        ("SqsParameters", "MessageGroupId", "messageGroupId")
                    } else {
                        ("KinesisParameters", "PartitionKeyPath", "partitionKeyPath")
                    };
                    let mut p = Map::new();
                    if let Some(x) = value.get(param) {
                        p.insert(key.into(), x.clone());
                    }
                    out.insert(name.into(), Value::Object(p));
                }
                if ty == "stepFunctions" {
                    out.insert("RoleArn".into(), json!({ "Fn::GetAtt": [&role_id, "Arn"] }));
                }
                input_options(target, &mut out);
                cfn_targets.push(Value::Object(out));
            }
            let mut props = Map::new();
            props.insert("Description".into(), json!(format!("[{status}] status notification for state machine [{machine_name}]")));
            props.insert(
                "EventPattern".into(),
                json!({
                    "source": ["aws.states"],
                    "detail-type": ["Step Functions Execution Status Change"],
                    "detail": { "status": [status], "stateMachineArn": [{ "Ref": &machine_id }] }
                }),
            );
            props.insert("Name".into(), json!(format!("{machine_name}-{status}-notification")));
            if need_role {
                props.insert("RoleArn".into(), json!({ "Fn::GetAtt": [&role_id, "Arn"] }));
            }
            props.insert("Targets".into(), Value::Array(cfn_targets));
            pairs.push((
                format!("{machine_id}Notifications{}EventRule", status.replacen('_', "", 1)),
                json!({ "Type": "AWS::Events::Rule", "Properties": props }),
            ));
        }
    }
    // mergeResourcePolicies
    let mut result: Map<String, Value> = Map::new();
    let mut groups: Vec<(String, String, String)> = Vec::new(); // (type, key, logical id)
    for (id, resource) in pairs {
        let ty = resource.get("Type").and_then(Value::as_str).unwrap_or_default().to_string();
        let list_key = match ty.as_str() {
            "AWS::SNS::TopicPolicy" => "Topics",
            "AWS::SQS::QueuePolicy" => "Queues",
            _ => {
                result.insert(id, resource);
                continue;
            }
        };
        let mut items: Vec<Value> =
            resource.pointer(&format!("/Properties/{list_key}")).and_then(Value::as_array).cloned().unwrap_or_default();
        items.sort_by_key(stable_stringify);
        let key = stable_stringify(&Value::Array(items));
        let incoming = match resource.pointer("/Properties/PolicyDocument/Statement") {
            Some(Value::Array(a)) => a.clone(),
            Some(s) => vec![s.clone()],
            None => vec![],
        };
        let existing_id = groups.iter().find(|(t, k, _)| *t == ty && *k == key).map(|(_, _, i)| i.clone());
        let target_id = match existing_id {
            Some(i) => i,
            None => {
                let mut merged = resource.clone();
                merged["Properties"]["PolicyDocument"]["Statement"] = json!([]);
                groups.push((ty, key, id.clone()));
                result.insert(id.clone(), merged);
                id
            }
        };
        if let Some(Value::Array(statements)) =
            result.get_mut(&target_id).and_then(|r| r.pointer_mut("/Properties/PolicyDocument/Statement"))
        {
            for s in incoming {
                let sid = s.get("Sid").cloned();
                if !statements.iter().any(|x| x.get("Sid").cloned() == sid) {
                    statements.push(s);
                }
            }
        }
    }
    for (id, r) in result {
        merge_into(&mut t.resources, id, r);
    }
}
