//! API keys, usage plans and usage plan keys (`provider.apiGateway.apiKeys` / `usagePlan`),
//! v3's `api-keys.js`, `usage-plan.js` and `usage-plan-keys.js`.
//!
//! Keys are numbered from 1; a named group (`- free: [key, ...]` whose name is a usage plan)
//! restarts the shared counter, so a plain key after a group continues from the group's count.

use super::{is_object, Rest, Stop};
use crate::events::EventCtx;
use crate::json::json;
use crate::naming;
use cfgen_model::coerce::truthy;
use cfgen_syntax::{codes, Diagnostic};
use serde_json::{Map, Value};

/// `Object.keys(v)[0]` / `Object.entries(v)[0]`.
fn first_entry(v: &Value) -> Option<(String, Value)> {
    match v {
        Value::Object(o) => o.iter().next().map(|(k, v)| (k.clone(), v.clone())),
        Value::String(s) => s.chars().next().map(|c| ("0".to_string(), json!(c.to_string()))),
        Value::Array(a) => a.first().map(|x| ("0".to_string(), x.clone())),
        _ => None,
    }
}

fn api_key(e: &EventCtx, rest: &Rest, key: &Value) -> Value {
    let obj = is_object(key);
    let name = if let Value::String(s) = key { json!(s) } else { key.get("name").cloned().unwrap_or(Value::Null) };
    let mut props = Map::new();
    let enabled = match key.get("enabled") {
        Some(v) if obj && !v.is_null() => v.clone(),
        _ => json!(true),
    };
    props.insert("Enabled".into(), enabled);
    if !name.is_null() || !obj {
        props.insert("Name".into(), name);
    }
    if let Some(v) = key.get("value").filter(|v| obj && truthy(v)) {
        props.insert("Value".into(), v.clone());
    }
    for (from, to) in [("description", "Description"), ("customerId", "CustomerId")] {
        if let Some(v) = key.get(from).filter(|_| obj) {
            props.insert(to.into(), v.clone());
        }
    }
    props.insert("StageKeys".into(), json!([{"RestApiId": rest.rest_api_id(), "StageName": e.stage()}]));
    json!({"Type": "AWS::ApiGateway::ApiKey", "Properties": props, "DependsOn": &rest.deployment_id})
}

fn plan_names(usage_plan: Option<&Value>) -> Vec<String> {
    match usage_plan {
        Some(Value::Array(plans)) => plans.iter().filter_map(|p| p.as_object()).flat_map(|o| o.keys().cloned()).collect(),
        _ => Vec::new(),
    }
}

/// The quota/throttle of a usage plan, keys renamed, absent values left out.
fn limits(v: Option<&Value>, keys: &[(&str, &str)]) -> Option<Value> {
    let v = v.filter(|v| truthy(v))?;
    let mut m = Map::new();
    for (from, to) in keys {
        if let Some(x) = v.get(from) {
            m.insert(to.to_string(), x.clone());
        }
    }
    Some(Value::Object(m))
}

fn usage_plan_resource(e: &EventCtx, rest: &Rest, name: &str) -> Value {
    let usage_plan = rest.api_gateway.get("usagePlan");
    let (description, plan_name, source) = if name == "default" {
        (
            format!("Usage plan for {} {} stage", e.service(), e.stage()),
            format!("{}-{}", e.service(), e.stage()),
            usage_plan.filter(|u| u.is_object()).cloned(),
        )
    } else {
        let mut found: Option<Value> = None;
        let mut quota = None;
        let mut throttle = None;
        if let Some(Value::Array(plans)) = usage_plan {
            for p in plans {
                if let Some(q) = p.get(name).and_then(|x| x.get("quota")).filter(|q| truthy(q)) {
                    quota = Some(q.clone());
                }
                if let Some(t) = p.get(name).and_then(|x| x.get("throttle")).filter(|t| truthy(t)) {
                    throttle = Some(t.clone());
                }
            }
        }
        let mut m = Map::new();
        if let Some(q) = quota.filter(|q| q.as_object().is_some_and(|o| !o.is_empty())) {
            m.insert("quota".into(), q);
        }
        if let Some(t) = throttle.filter(|t| t.as_object().is_some_and(|o| !o.is_empty())) {
            m.insert("throttle".into(), t);
        }
        if !m.is_empty() {
            found = Some(Value::Object(m));
        }
        (format!("Usage plan \"{name}\" for {} {} stage", e.service(), e.stage()), format!("{}-{name}-{}", e.service(), e.stage()), found)
    };
    let mut props = Map::new();
    props.insert("ApiStages".into(), json!([{"ApiId": rest.rest_api_id(), "Stage": e.stage()}]));
    props.insert("Description".into(), json!(description));
    props.insert("UsagePlanName".into(), json!(plan_name));
    if let Some(q) = limits(source.as_ref().and_then(|s| s.get("quota")), &[("limit", "Limit"), ("offset", "Offset"), ("period", "Period")])
    {
        props.insert("Quota".into(), q);
    }
    if let Some(t) = limits(source.as_ref().and_then(|s| s.get("throttle")), &[("burstLimit", "BurstLimit"), ("rateLimit", "RateLimit")]) {
        props.insert("Throttle".into(), t);
    }
    json!({"Type": "AWS::ApiGateway::UsagePlan", "DependsOn": &rest.deployment_id, "Properties": props})
}

fn usage_plan_key(key_id: &str, plan_id: &str) -> Value {
    json!({"Type": "AWS::ApiGateway::UsagePlanKey", "Properties": {"KeyId": {"Ref": key_id}, "KeyType": "API_KEY", "UsagePlanId": {"Ref": plan_id}}})
}

fn fail(e: &mut EventCtx, msg: String, help: &str, path: &[&str]) -> Result<(), Stop> {
    let d = Diagnostic::error(codes::INVALID_VALUE, msg).help(help).at_opt(e.ctx.span(path));
    e.ctx.diags.push(d);
    Err(Stop)
}

/// API keys, then usage plans, then usage plan keys.
pub(crate) fn compile(e: &mut EventCtx, rest: &mut Rest) -> Result<(), Stop> {
    let api_keys = rest.api_gateway.get("apiKeys").filter(|k| truthy(k)).cloned();
    let usage_plan = rest.api_gateway.get("usagePlan").filter(|u| truthy(u)).cloned();
    let keys = match &api_keys {
        None => Vec::new(),
        Some(Value::Array(a)) => a.clone(),
        Some(_) => {
            return fail(
                e,
                "`provider.apiGateway.apiKeys` must be a list".into(),
                "list the keys: names, `{name, value}` mappings or `{<usage plan>: [keys]}` groups",
                &["provider", "apiGateway", "apiKeys"],
            )
        }
    };
    let names = plan_names(usage_plan.as_ref());
    // API keys.
    let mut n = 0;
    for def in &keys {
        let name = first_entry(def).map(|(k, _)| k);
        let grouped = is_object(def) && matches!(usage_plan, Some(Value::Array(_))) && name.as_ref().is_some_and(|k| names.contains(k));
        if let (true, Some(name)) = (grouped, name) {
            n = 0;
            let group = def.get(&name).and_then(Value::as_array).cloned().unwrap_or_default();
            for key in &group {
                n += 1;
                let resource = api_key(e, rest, key);
                e.merge_resource(&naming::rest_api_key(n, Some(&name)), resource);
            }
        } else {
            n += 1;
            let resource = api_key(e, rest, def);
            e.merge_resource(&naming::rest_api_key(n, None), resource);
        }
    }
    // Usage plans.
    if usage_plan.is_some() || api_keys.is_some() {
        rest.usage_plan_names.clear();
        if let Some(Value::Array(plans)) = &usage_plan {
            for p in plans {
                let name = first_entry(p).map(|(k, _)| k).unwrap_or_else(|| "undefined".into());
                let resource = usage_plan_resource(e, rest, &name);
                e.merge_resource(&naming::rest_usage_plan(Some(&name)), resource);
                rest.usage_plan_names.push(name);
            }
        } else {
            let resource = usage_plan_resource(e, rest, "default");
            e.merge_resource(&naming::rest_usage_plan(None), resource);
            rest.usage_plan_names.push("default".into());
        }
    }
    // Usage plan keys.
    let mut n = 0;
    for def in &keys {
        let Some((name, value)) = first_entry(def) else {
            return fail(
                e,
                "an empty API key in `provider.apiGateway.apiKeys`".into(),
                "give every key a name",
                &["provider", "apiGateway", "apiKeys"],
            );
        };
        let includes = rest.usage_plan_names.contains(&name);
        if !rest.usage_plan_names.is_empty() && !includes && is_object(&value) {
            return fail(
                e,
                format!("API key \"{name}\" has no usage plan defined"),
                "add a usage plan of this name under `provider.apiGateway.usagePlan`",
                &["provider", "apiGateway", "apiKeys"],
            );
        }
        if is_object(def) && includes {
            n = 0;
            let count = def.get(&name).and_then(Value::as_array).map_or(0, Vec::len);
            for _ in 0..count {
                n += 1;
                let resource = usage_plan_key(&naming::rest_api_key(n, Some(&name)), &naming::rest_usage_plan(Some(&name)));
                e.merge_resource(&naming::rest_usage_plan_key(n, Some(&name)), resource);
            }
        } else {
            n += 1;
            let resource = usage_plan_key(&naming::rest_api_key(n, None), &naming::rest_usage_plan(None));
            e.merge_resource(&naming::rest_usage_plan_key(n, None), resource);
        }
    }
    Ok(())
}
