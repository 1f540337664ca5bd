//! `iot` events (`<F>IotTopicRule<n>: AWS::IoT::TopicRule` plus
//! `<F>LambdaPermissionIotTopicRule<n>`, both `_.merge`d) and `iotFleetProvisioning` events
//! (`<F>IotProvisioningTemplate: AWS::IoT::ProvisioningTemplate` plus
//! `<F>LambdaPermissionIotProvisioningTemplate`, both assigned; at most one per function).
//!
//! Quirks kept from Serverless v3: line breaks are removed from `sql`, `name`, `sqlVersion`
//! and `description`; the provisioning template body is emitted as compact JSON text.

use super::alexa::permission;
use super::queue_common as qc;
use super::EventCtx;
use crate::json::json;
use crate::naming;
use cfgen_syntax::codes;
use serde_json::{Map, Value};

fn strip_newlines(s: &str) -> String {
    s.replace("\r\n", "").replace('\n', "")
}

/// A non-empty string setting with line breaks removed.
fn text(o: &Map<String, Value>, k: &str) -> Option<String> {
    o.get(k).and_then(Value::as_str).filter(|s| !s.is_empty()).map(strip_newlines)
}

pub fn compile(e: &mut EventCtx) {
    let functions = e.functions.clone();
    for f in functions.iter() {
        let mut n = 0;
        for (i, body) in f.events_of("iot") {
            if !cfgen_model::coerce::truthy(body) {
                continue;
            }
            n += 1;
            let Value::Object(o) = body else {
                e.error(codes::INVALID_TYPE, "an `iot` event must be a mapping with at least `sql`", &f.key, i, &["iot"]);
                continue;
            };
            e.check_keys(&f.key, i, "iot", body, &["sql", "sqlVersion", "name", "enabled", "description"]);
            // v3's schema types these (`string`, `boolean`): AJV's coercions apply first.
            let mut o = o.clone();
            super::queue_common::coerce_text_fields(e, &f.key, i, "iot", &mut o, &["sql", "sqlVersion", "name", "description"], true);
            if let Some(v) = o.get_mut("enabled") {
                super::queue_common::warn_single(e, &f.key, i, &["iot", "enabled"], v);
                *v = super::queue_common::coerce_bool(v);
            }
            let o = &o;
            let Some(sql) = o.get("sql").and_then(Value::as_str) else {
                e.report(
                    cfgen_syntax::Diagnostic::error(codes::MISSING_KEY, "an `iot` event needs `sql`, the rule's query")
                        .help("e.g. `sql: \"SELECT * FROM 'some_topic'\"`"),
                    &f.key,
                    i,
                    &["iot"],
                );
                continue;
            };
            if let Some(v) = o.get("sqlVersion").and_then(Value::as_str) {
                if !["2015-10-08", "2016-03-23", "beta"].contains(&v) {
                    e.warning(
                        codes::INVALID_VALUE,
                        format!("`sqlVersion` must be one of 2015-10-08, 2016-03-23, beta (not `{v}`)"),
                        &f.key,
                        i,
                        &["iot", "sqlVersion"],
                    );
                }
            }
            let rule_id = naming::iot_topic_rule(&f.key, n);
            let mut payload = Map::new();
            payload.insert("RuleDisabled".into(), json!(o.get("enabled") == Some(&Value::Bool(false))));
            payload.insert("Sql".into(), json!(strip_newlines(sql)));
            payload.insert("Actions".into(), json!([{"Lambda": {"FunctionArn": &f.target}}]));
            if let Some(d) = text(o, "description") {
                payload.insert("Description".into(), json!(d));
            }
            if let Some(v) = text(o, "sqlVersion") {
                payload.insert("AwsIotSqlVersion".into(), json!(v));
            }
            let mut props = Map::new();
            props.insert("TopicRulePayload".into(), Value::Object(payload));
            if let Some(name) = text(o, "name") {
                props.insert("RuleName".into(), json!(name));
            }
            let mut rule = Map::new();
            rule.insert("Type".into(), json!("AWS::IoT::TopicRule"));
            if let Some((_, alias_id)) = &f.alias {
                rule.insert("DependsOn".into(), json!(alias_id));
            }
            rule.insert("Properties".into(), Value::Object(props));
            let perm = permission(
                f,
                json!({
                    "FunctionName": &f.target,
                    "Action": "lambda:InvokeFunction",
                    "Principal": "iot.amazonaws.com",
                    "SourceArn": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iot:", {"Ref": "AWS::Region"}, ":", {"Ref": "AWS::AccountId"}, ":rule/", {"Ref": &rule_id}]]},
                }),
            );
            e.merge_resource(&rule_id, Value::Object(rule));
            e.merge_resource(&naming::iot_topic_rule_permission(&f.key, n), perm);
        }
    }
}

pub fn compile_fleet_provisioning(e: &mut EventCtx) {
    let functions = e.functions.clone();
    for f in functions.iter() {
        let events: Vec<(usize, &Value)> = f.events_of("iotFleetProvisioning").filter(|(_, b)| cfgen_model::coerce::truthy(b)).collect();
        if events.len() > 1 {
            let idx = events[1].0.to_string();
            let span = e.ctx.key_span(&["functions", &f.key, "events", &idx, "iotFleetProvisioning"]);
            let d = cfgen_syntax::Diagnostic::error(
                codes::INVALID_FUNCTION,
                format!("function `{}` has more than one `iotFleetProvisioning` event", f.key),
            )
            .at_opt(span)
            .label("second provisioning template hook")
            .help("a function can be the pre-provisioning hook of one provisioning template only");
            e.ctx.diags.push(d);
            continue;
        }
        for (i, body) in events {
            let Value::Object(o) = body else {
                e.error(
                    codes::INVALID_TYPE,
                    "an `iotFleetProvisioning` event must be a mapping with `templateBody` and `provisioningRoleArn`",
                    &f.key,
                    i,
                    &["iotFleetProvisioning"],
                );
                continue;
            };
            e.check_keys(&f.key, i, "iotFleetProvisioning", body, &["templateBody", "provisioningRoleArn", "enabled", "templateName"]);
            let role = o.get("provisioningRoleArn");
            qc::check_pattern(
                e,
                &f.key,
                i,
                &["iotFleetProvisioning", "provisioningRoleArn"],
                role,
                qc::patterns::ARN,
                "an ARN (`arn:...`)",
            );
            let mut missing = false;
            for k in ["templateBody", "provisioningRoleArn"] {
                if o.get(k).is_none() {
                    e.error(
                        codes::MISSING_KEY,
                        format!("an `iotFleetProvisioning` event needs `{k}`"),
                        &f.key,
                        i,
                        &["iotFleetProvisioning"],
                    );
                    missing = true;
                }
            }
            if missing {
                continue;
            }
            let permission_id = naming::iot_provisioning_template_permission(&f.key);
            let mut props = Map::new();
            props.insert("Enabled".into(), o.get("enabled").cloned().unwrap_or(json!(true)));
            props.insert("PreProvisioningHook".into(), json!({"TargetArn": &f.target}));
            props.insert("ProvisioningRoleArn".into(), o.get("provisioningRoleArn").cloned().unwrap_or(Value::Null));
            props.insert("TemplateBody".into(), json!(crate::emit::to_json_compact(&o["templateBody"])));
            if let Some(name) = o.get("templateName").filter(|v| cfgen_model::coerce::truthy(v)) {
                props.insert("TemplateName".into(), name.clone());
            }
            let mut depends_on = vec![json!(&permission_id)];
            if let Some((_, alias_id)) = &f.alias {
                depends_on.push(json!(alias_id));
            }
            let template = json!({"Type": "AWS::IoT::ProvisioningTemplate", "Properties": props, "DependsOn": depends_on});
            let perm =
                permission(f, json!({"FunctionName": &f.target, "Action": "lambda:InvokeFunction", "Principal": "iot.amazonaws.com"}));
            e.set_resource(&naming::iot_provisioning_template(&f.key), template);
            e.set_resource(&permission_id, perm);
        }
    }
}
