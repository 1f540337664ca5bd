//! `eventBridge` events (v3 `compile/events/event-bridge/`).
//!
//! Native CloudFormation (the default): per event an `AWS::Events::Rule` and an
//! `AWS::Lambda::Permission`, both assigned. Numbering uses the event's 1-based index in the
//! function's whole `events` list, and the rule's logical id and default name derive from the
//! deployed function name (`<name>-rule-<idx>`, md5-shortened past 64 characters). A bus given
//! by name (not `default`) is created (`<Bus>EventBridgeEventBus`) and the rule depends on it; an
//! ARN bus is referred to by the part after its first `/`; an intrinsic (`Ref`,
//! `Fn::ImportValue`, `Fn::GetAtt`) is used as is. The permission's source ARN names the bus
//! whenever one is given, `default` included.
//!
//! Legacy mode (`provider.eventBridge` set without a true `useCloudFormation`): one
//! `Custom::EventBridge` per event and the framework's EventBridge custom-resource Lambda.
//! Note v3 reads `provider.eventBridge.useCloudFormation` only when `provider.eventBridge` is
//! set, so `eventBridge: {}` selects the legacy mode too.

use super::custom_resources::{self, Kind};
use super::queue_common::{self as qc, Rule};
use super::queue_common::{alias_id, present, schema_issue, shown};
use super::EventCtx;
use crate::json::json;
use crate::naming;
use cfgen_syntax::{codes, Diagnostic};
use serde_json::{Map, Value};

const KEYS: [&str; 12] = [
    "eventBus",
    "schedule",
    "name",
    "description",
    "enabled",
    "pattern",
    "input",
    "inputPath",
    "inputTransformer",
    "retryPolicy",
    "deadLetterQueueArn",
    "eventBusName",
];

fn hash_name(name: &str, suffix: &str) -> String {
    use md5::{Digest, Md5};
    let digest = crate::compile::hex(&Md5::digest(name.as_bytes()));
    let keep: String = name.chars().take(31usize.saturating_sub(suffix.len())).collect();
    format!("{keep}{digest}-{suffix}")
}

/// `makeRuleName`: `<function name>-rule-<idx>`.
fn make_rule_name(function_name: &str, idx: usize) -> String {
    format!("{function_name}-rule-{idx}")
}

/// `makeAndHashRuleName`.
fn hashed_rule_name(function_name: &str, idx: usize) -> String {
    let name = make_rule_name(function_name, idx);
    if name.chars().count() > 64 {
        hash_name(&name, &format!("rule-{idx}"))
    } else {
        name
    }
}

/// `makeEventBusTargetId`.
fn target_id(rule: &str) -> String {
    let id = format!("{rule}-target");
    if id.chars().count() > 64 {
        hash_name(&id, "target")
    } else {
        id
    }
}

pub fn compile(e: &mut EventCtx) {
    let has_events = e.functions.iter().any(|f| f.events_of("eventBridge").any(|(_, b)| cfgen_model::coerce::truthy(b)));
    let use_cf_setting = e.provider.event_bridge.as_ref().and_then(|o| o.get("useCloudFormation")).cloned();
    let use_cloudformation = match &e.provider.event_bridge {
        Some(options) => options.get("useCloudFormation").is_some_and(cfgen_model::coerce::truthy),
        None => true,
    };
    let setting_span = e.ctx.span(&["provider", "eventBridge", "useCloudFormation"]);
    if has_events {
        match use_cf_setting {
            Some(Value::Bool(false)) => e.ctx.diags.push(
                Diagnostic::warning(
                    codes::DEPRECATED,
                    "Support for provisioning AWS EventBridge resources without native CloudFormation resources is deprecated and will no longer be maintained",
                )
                .at_opt(setting_span)
                .help("remove `provider.eventBridge.useCloudFormation` to use native CloudFormation resources"),
            ),
            Some(Value::Bool(true)) => e.ctx.diags.push(
                Diagnostic::warning(codes::DEPRECATED, "Provisioning AWS EventBridge resources with native CloudFormation is now enabled by default")
                    .at_opt(setting_span)
                    .help("remove `provider.eventBridge.useCloudFormation`; the next major release will not recognize it"),
            ),
            _ => {}
        }
    } else if use_cf_setting.is_some() {
        e.ctx.diags.push(
            Diagnostic::warning(codes::DEPRECATED, "Your service does not configure any \"eventBridge\" events")
                .at_opt(setting_span)
                .help("remove `provider.eventBridge.useCloudFormation`; the next major release will not recognize it"),
        );
    }
    if !has_events {
        return;
    }
    let mut statements: Vec<Value> = Vec::new();
    let mut has_bus_statement = false;
    let mut any = false;
    let functions = e.functions.clone();
    for f in functions.iter() {
        let key = f.key.as_str();
        for (i, body) in f.events_of("eventBridge") {
            if !cfgen_model::coerce::truthy(body) {
                continue;
            }
            let idx = i + 1;
            let Value::Object(o) = body else {
                qc::error(
                    e,
                    codes::INVALID_TYPE,
                    format!("an `eventBridge` event must be a mapping with `pattern` or `schedule`, not {}", shown(body)),
                    key,
                    i,
                    &["eventBridge"],
                );
                continue;
            };
            qc::check_keys(e, key, i, "eventBridge", body, &KEYS[..11]);
            let name_is = "a rule name (letters, digits, `.`, `-`, `_`)";
            qc::check_pattern(e, key, i, &["eventBridge", "name"], o.get("name"), qc::patterns::RULE_NAME, name_is);
            if let Some(t) = o.get("inputTransformer") {
                qc::check_keys_at(e, key, i, &["eventBridge", "inputTransformer"], t, &["inputPathsMap", "inputTemplate"]);
            }
            if qc::check_values(
                e,
                key,
                i,
                "eventBridge",
                body,
                &[
                    (
                        "schedule",
                        Rule::Text(
                            |s| (s.starts_with("cron(") || s.starts_with("rate(")) && s.ends_with(')') && s.len() > 6,
                            "a `rate(...)` or `cron(...)` expression",
                        ),
                    ),
                    ("enabled", Rule::Bool),
                    ("deadLetterQueueArn", Rule::Text(qc::is_arn, "an ARN (`arn:...`)")),
                ],
            ) {
                continue;
            }
            if let Some(Value::Object(p)) = o.get("pattern") {
                const PATTERN_KEYS: [&str; 10] =
                    ["version", "id", "detail-type", "source", "account", "time", "region", "resources", "detail", "$or"];
                let unknown: Vec<String> = p.keys().filter(|k| !PATTERN_KEYS.contains(&k.as_str())).cloned().collect();
                let mut failed = false;
                for k in unknown {
                    failed |= qc::schema_issue(
                        e,
                        codes::UNKNOWN_KEY,
                        format!("`{k}` is not a field of EventBridge events; the pattern can match only {}", PATTERN_KEYS.join(", ")),
                        key,
                        i,
                        &["eventBridge", "pattern", &k],
                    );
                }
                if failed {
                    continue;
                }
            }
            if !o.contains_key("pattern")
                && !o.contains_key("schedule")
                && schema_issue(e, codes::MISSING_KEY, "an `eventBridge` event needs `pattern` or `schedule`", key, i, &["eventBridge"])
            {
                continue;
            }
            any = true;
            let rule_name = match present(o.get("name")) {
                Some(n) => n.clone(),
                None => json!(hashed_rule_name(&f.name, idx)),
            };
            let state =
                if o.get("enabled").map(super::queue_common::coerce_bool) == Some(Value::Bool(false)) { "DISABLED" } else { "ENABLED" };
            let input = present(o.get("input"));
            let input_path = present(o.get("inputPath"));
            let transformer = present(o.get("inputTransformer"));
            if [input, input_path, transformer].iter().filter(|x| x.is_some()).count() > 1 {
                qc::error(
                    e,
                    codes::INVALID_VALUE,
                    "You can only set one of input, inputPath, or inputTransformer properties for eventBridge events.",
                    key,
                    i,
                    &["eventBridge"],
                );
                continue;
            }
            let transformer = transformer.map(|t| match t {
                Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (naming::upper_first(k), v.clone())).collect()),
                other => other.clone(),
            });
            let retry = present(o.get("retryPolicy"));
            let dlq = present(o.get("deadLetterQueueArn"));
            if !use_cloudformation {
                let (what, path) =
                    if retry.is_some() { ("RetryPolicy", "retryPolicy") } else { ("DeadLetterConfig", "deadLetterQueueArn") };
                if retry.is_some() || dlq.is_some() {
                    qc::report(
                        e,
                        Diagnostic::error(
                            codes::INVALID_VALUE,
                            format!("Configuring {what} is not supported for EventBridge integration backed by Custom Resources"),
                        )
                        .help("remove `provider.eventBridge.useCloudFormation: false` to use native CloudFormation"),
                        key,
                        i,
                        &["eventBridge", path],
                    );
                    continue;
                }
            }
            let bus = o.get("eventBus").cloned();
            if use_cloudformation {
                compile_cloudformation(e, f, idx, o, bus, rule_name, state, input, input_path, transformer, retry, dlq);
            } else {
                if matches!(bus, Some(Value::Object(_) | Value::Array(_))) {
                    qc::report(e,
                        Diagnostic::error(
                            codes::INVALID_VALUE,
                            "Referencing event bus with CloudFormation intrinsic functions is not supported for EventBridge integration backed by Custom Resources",
                        )
                        .help("name the bus with a string, or remove `provider.eventBridge.useCloudFormation: false`"),
                        key,
                        i,
                        &["eventBridge", "eventBus"],
                    );
                    continue;
                }
                let mut bus_name = bus.clone().filter(cfgen_model::coerce::truthy);
                if let Some(Value::String(s)) = &bus_name {
                    if s.starts_with("arn") {
                        bus_name = Some(json!(s.find('/').map_or(s.as_str(), |p| &s[p + 1..])));
                    }
                }
                let cr_fn = Kind::EventBridge.function_logical_id();
                let mut config = Map::new();
                config.insert("RuleName".into(), rule_name);
                config.insert("State".into(), json!(state));
                for (k, v) in [
                    ("EventBus", bus.clone()),
                    ("Schedule", o.get("schedule").cloned()),
                    ("Pattern", o.get("pattern").cloned()),
                    ("Input", o.get("input").cloned()),
                    ("InputPath", o.get("inputPath").cloned()),
                    ("InputTransformer", transformer),
                ] {
                    if let Some(v) = v {
                        config.insert(k.into(), v);
                    }
                }
                e.set_resource(
                    &naming::event_bridge_custom_resource(key, idx),
                    json!({
                        "Type": "Custom::EventBridge",
                        "Version": 1,
                        "DependsOn": [&f.logical_id, &cr_fn],
                        "Properties": {
                            "ServiceToken": {"Fn::GetAtt": [&cr_fn, "Arn"]},
                            "FunctionName": &f.name,
                            "EventBridgeConfig": config
                        }
                    }),
                );
                if !has_bus_statement && bus_name.is_some_and(|b| b != "default") {
                    statements.push(json!({
                        "Effect": "Allow",
                        "Resource": {"Fn::Join": [":", ["arn", {"Ref": "AWS::Partition"}, "events", {"Ref": "AWS::Region"}, {"Ref": "AWS::AccountId"}, "event-bus/*"]]},
                        "Action": ["events:CreateEventBus", "events:DeleteEventBus"]
                    }));
                    has_bus_statement = true;
                }
            }
        }
    }
    if !use_cloudformation && any {
        statements.push(json!({
            "Effect": "Allow",
            "Resource": {"Fn::Join": [":", ["arn", {"Ref": "AWS::Partition"}, "events", {"Ref": "AWS::Region"}, {"Ref": "AWS::AccountId"}, "rule/*"]]},
            "Action": ["events:PutRule", "events:RemoveTargets", "events:PutTargets", "events:DeleteRule"]
        }));
        statements.push(json!({
            "Effect": "Allow",
            "Resource": {"Fn::Join": [":", ["arn", {"Ref": "AWS::Partition"}, "lambda", {"Ref": "AWS::Region"}, {"Ref": "AWS::AccountId"}, "function", "*"]]},
            "Action": ["lambda:AddPermission", "lambda:RemovePermission"]
        }));
        custom_resources::add(e, Kind::EventBridge, statements);
    }
}

#[allow(clippy::too_many_arguments)]
fn compile_cloudformation(
    e: &mut EventCtx,
    f: &super::FnInfo,
    idx: usize,
    o: &Map<String, Value>,
    bus: Option<Value>,
    rule_name: Value,
    state: &str,
    input: Option<&Value>,
    input_path: Option<&Value>,
    transformer: Option<Value>,
    retry: Option<&Value>,
    dlq: Option<&Value>,
) {
    let mut exists = matches!(bus, Some(Value::Object(_) | Value::Array(_)));
    let mut bus_name = bus.clone();
    if let Some(Value::String(s)) = &bus {
        if s.starts_with("arn") {
            exists = true;
            bus_name = Some(json!(s.find('/').map_or(s.as_str(), |p| &s[p + 1..])));
        }
    }
    let bus_name = bus_name.filter(cfgen_model::coerce::truthy);
    let create_bus = match (&bus_name, exists) {
        (Some(Value::String(n)), false) if n != "default" => Some(n.clone()),
        (Some(other), false) if !other.is_string() => Some(other.to_string()),
        _ => None,
    };
    let bus_id = create_bus.as_ref().map(|n| naming::event_bridge_bus(n));
    if let (Some(id), Some(n)) = (&bus_id, &bus_name) {
        e.set_resource(id, json!({"Type": "AWS::Events::EventBus", "Properties": {"Name": n}}));
    }
    let rule_text = rule_name.as_str().map_or_else(|| rule_name.to_string(), String::from);
    let mut target = Map::new();
    target.insert("Arn".into(), f.target.clone());
    target.insert("Id".into(), json!(target_id(&rule_text)));
    if let Some(r) = retry {
        let mut p = Map::new();
        if let Some(v) = r.get("maximumEventAge") {
            p.insert("MaximumEventAgeInSeconds".into(), qc::coerce_number(v));
        }
        if let Some(v) = r.get("maximumRetryAttempts") {
            p.insert("MaximumRetryAttempts".into(), qc::coerce_number(v));
        }
        target.insert("RetryPolicy".into(), Value::Object(p));
    }
    if let Some(d) = dlq {
        target.insert("DeadLetterConfig".into(), json!({"Arn": d}));
    }
    if let Some(i) = input {
        target.insert("Input".into(), json!(i.to_string()));
    } else if let Some(p) = input_path {
        target.insert("InputPath".into(), p.clone());
    } else if let Some(t) = transformer {
        target.insert("InputTransformer".into(), t);
    }
    let mut props = Map::new();
    if let Some(d) = o.get("description") {
        props.insert("Description".into(), d.clone());
    }
    if let Some(n) = bus_name.as_ref().filter(|n| *n != "default") {
        props.insert("EventBusName".into(), n.clone());
    }
    if let Some(p) = o.get("pattern") {
        props.insert("EventPattern".into(), p.clone());
    }
    props.insert("Name".into(), rule_name.clone());
    if let Some(s) = o.get("schedule") {
        props.insert("ScheduleExpression".into(), s.clone());
    }
    props.insert("State".into(), json!(state));
    props.insert("Targets".into(), json!([Value::Object(target)]));
    let mut rule = Map::new();
    rule.insert("Type".into(), json!("AWS::Events::Rule"));
    match (&bus_id, alias_id(f)) {
        (Some(id), _) => {
            rule.insert("DependsOn".into(), json!(id));
        }
        (None, Some(a)) => {
            rule.insert("DependsOn".into(), json!(a));
        }
        _ => {}
    }
    rule.insert("Properties".into(), Value::Object(props));
    e.set_resource(&naming::event_bridge_rule(&make_rule_name(&f.name, idx)), Value::Object(rule));
    let mut path = vec![json!("rule")];
    if let Some(b) = &bus_name {
        path.push(b.clone());
    }
    path.push(rule_name);
    let mut perm = Map::new();
    perm.insert("Type".into(), json!("AWS::Lambda::Permission"));
    if let Some(a) = alias_id(f) {
        perm.insert("DependsOn".into(), json!(a));
    }
    perm.insert(
        "Properties".into(),
        json!({
            "Action": "lambda:InvokeFunction",
            "FunctionName": &f.target,
            "Principal": "events.amazonaws.com",
            "SourceArn": {"Fn::Join": [":", ["arn", {"Ref": "AWS::Partition"}, "events", {"Ref": "AWS::Region"}, {"Ref": "AWS::AccountId"}, {"Fn::Join": ["/", path]}]]}
        }),
    );
    e.set_resource(&naming::event_bridge_permission(&f.key, idx), Value::Object(perm));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_names() {
        assert_eq!(hashed_rule_name("svc-dev-fn", 2), "svc-dev-fn-rule-2");
        let long = "a".repeat(70);
        let h = hashed_rule_name(&long, 1);
        assert!(h.ends_with("-rule-1"));
        assert_eq!(h.len(), 31 - 6 + 32 + 7);
        assert_eq!(target_id("r"), "r-target");
    }
}
