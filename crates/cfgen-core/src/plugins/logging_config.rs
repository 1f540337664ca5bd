//! serverless-logging-config 1.0.2: Lambda's advanced logging controls for every function.
//!
//! * `before:package:initialize`: with `logGroupName`, every function not listed in
//!   `useDefaultLogGroup` gets `disableLogs: true` (no generated log group);
//! * `after:package:compileEvents`: every `AWS::Lambda::Function` (the framework's own
//!   custom-resource functions included) gets `LoggingConfig {ApplicationLogLevel, LogGroup
//!   (unless it still depends on its own log group), LogFormat, SystemLogLevel}` and an empty
//!   `DependsOn` when it has none;
//! * `before:package:finalize`: every `Allow` statement of the execution role and of each
//!   function's role gets list-valued `Action`/`Resource`, and those with a `logs:` action get
//!   the shared log group's ARN.

use crate::compile::Template;
use crate::json::json;
use cfgen_model::Function;
use serde_json::{Map, Value};

/// The plugin's settings (`custom.serverless-logging-config`).
pub fn settings(custom: Option<&Value>) -> Option<Map<String, Value>> {
    custom.and_then(|c| c.get("serverless-logging-config")).and_then(Value::as_object).cloned()
}

fn excluded(settings: &Map<String, Value>) -> Vec<String> {
    settings
        .get("useDefaultLogGroup")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(String::from).collect())
        .unwrap_or_default()
}

/// `before:package:initialize`.
pub fn disable_function_logs(settings: &Map<String, Value>, functions: &mut [(String, Box<Function>)]) {
    if !settings.get("logGroupName").is_some_and(cfgen_model::coerce::truthy) {
        return;
    }
    let exclude = excluded(settings);
    for (key, f) in functions.iter_mut() {
        if !exclude.contains(key) {
            f.disable_logs = Some(true);
        }
    }
}

/// `after:package:compileEvents`.
pub fn set_logging_config(settings: &Map<String, Value>, t: &mut Template) {
    let log_groups: Vec<String> = t
        .resources
        .iter()
        .filter(|(_, r)| r.get("Type").and_then(Value::as_str) == Some("AWS::Logs::LogGroup"))
        .map(|(k, _)| k.clone())
        .collect();
    for (_, r) in t.resources.iter_mut() {
        if r.get("Type").and_then(Value::as_str) != Some("AWS::Lambda::Function") {
            continue;
        }
        let uses_default = r.get("DependsOn").and_then(Value::as_array).is_some_and(|deps| {
            deps.iter().filter_map(Value::as_str).any(|d| d.ends_with("LogGroup") && log_groups.iter().any(|g| g == d))
        });
        let mut config = Map::new();
        for (key, setting) in [("ApplicationLogLevel", "applicationLogLevel")] {
            if let Some(v) = settings.get(setting) {
                config.insert(key.into(), v.clone());
            }
        }
        if !uses_default {
            if let Some(v) = settings.get("logGroupName") {
                config.insert("LogGroup".into(), v.clone());
            }
        }
        let json_format = settings.get("enableJson") == Some(&Value::Bool(true));
        config.insert("LogFormat".into(), json!(if json_format { "JSON" } else { "Text" }));
        if let Some(v) = settings.get("systemLogLevel") {
            config.insert("SystemLogLevel".into(), v.clone());
        }
        let Value::Object(resource) = r else { continue };
        if let Some(Value::Object(props)) = resource.get_mut("Properties") {
            props.insert("LoggingConfig".into(), Value::Object(config));
        }
        if !resource.get("DependsOn").is_some_and(cfgen_model::coerce::truthy) {
            resource.insert("DependsOn".into(), json!([]));
        }
    }
}

/// `before:package:finalize`.
pub fn add_iam_permissions(settings: &Map<String, Value>, t: &mut Template) {
    let Some(group) = settings.get("logGroupName").filter(|v| cfgen_model::coerce::truthy(v)) else { return };
    let group = cfgen_model::coerce::scalar_string(group).unwrap_or_default();
    let resource = json!({"Fn::Sub": format!("arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:{group}:*")});
    let mut roles = vec![crate::naming::ROLE.to_string()];
    for (_, r) in t.resources.iter() {
        if r.get("Type").and_then(Value::as_str) == Some("AWS::Lambda::Function") {
            if let Some(role) = r.pointer("/Properties/Role/Fn::GetAtt/0").and_then(Value::as_str) {
                roles.push(role.to_string());
            }
        }
    }
    for role in roles {
        let Some(Value::Array(policies)) = t.resources.get_mut(&role).and_then(|r| r.pointer_mut("/Properties/Policies")) else { continue };
        for policy in policies.iter_mut() {
            let Some(Value::Array(statements)) = policy.pointer_mut("/PolicyDocument/Statement") else { continue };
            for s in statements.iter_mut().filter(|s| s.get("Effect").and_then(Value::as_str) == Some("Allow")) {
                let Value::Object(m) = s else { continue };
                for k in ["Action", "Resource"] {
                    let v = m.get(k).cloned().unwrap_or(Value::Null);
                    if !v.is_array() {
                        m.insert(k.into(), Value::Array(vec![v]));
                    }
                }
                let logs = m
                    .get("Action")
                    .and_then(Value::as_array)
                    .is_some_and(|a| a.iter().any(|x| x.as_str().is_some_and(|x| x.starts_with("logs:"))));
                if logs {
                    if let Some(Value::Array(res)) = m.get_mut("Resource") {
                        if !res.contains(&resource) {
                            res.push(resource.clone());
                        }
                    }
                }
            }
        }
    }
}
