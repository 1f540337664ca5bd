//! serverless-plugin-aws-alerts 1.7.5 (`package:compileEvents`): `custom.alerts` adds SNS
//! topics (`topics`) and, for every function, a CloudWatch alarm per global alarm (`alarms`,
//! `global`, `function`) and per function-level `alarms` entry, from the built-in definitions
//! (`functionInvocations`, `functionErrors`, `functionDuration`, `functionThrottles`) merged
//! with `definitions`; alarms with a log `pattern` also get two metric filters.
//!
//! `dashboards` adds a CloudWatch dashboard per template (`default`, `vertical`) of the
//! functions' Lambda metrics and the REST API's.
//!
//! Not compiled yet (an error): `externalStack`.

use super::scalar_or_json as js_string;
use crate::compile::{Ctx, Template};
use crate::json::json;
use crate::naming;
use cfgen_model::coerce::truthy;
use cfgen_syntax::{codes, Diagnostic};
use serde_json::{Map, Value};

fn default_definitions() -> Value {
    let def = |metric: &str, threshold: u32, statistic: &str| {
        json!({
            "namespace": "AWS/Lambda",
            "enabled": true,
            "actionsEnabled": true,
            "type": "static",
            "metric": metric,
            "threshold": threshold,
            "statistic": statistic,
            "period": 60,
            "evaluationPeriods": 1,
            "datapointsToAlarm": 1,
            "comparisonOperator": "GreaterThanOrEqualToThreshold"
        })
    };
    json!({
        "functionInvocations": def("Invocations", 100, "Sum"),
        "functionErrors": def("Errors", 1, "Sum"),
        "functionDuration": def("Duration", 500, "Average"),
        "functionThrottles": def("Throttles", 1, "Sum"),
    })
}

/// `getAlarms`: names resolved against the definitions, objects merged over theirs.
fn get_alarms(ctx: &mut Ctx, alarms: &[Value], definitions: &Value, path: &[&str]) -> Option<Vec<Map<String, Value>>> {
    let mut out = Vec::new();
    for (i, a) in alarms.iter().enumerate() {
        match a {
            Value::String(name) => {
                let Some(def) = definitions.get(name).filter(|d| truthy(d)) else {
                    let idx = i.to_string();
                    let mut p = path.to_vec();
                    p.push(&idx);
                    let d = Diagnostic::error(codes::INVALID_VALUE, format!("Alarm definition {name} does not exist!"))
                        .at_opt(ctx.span(&p))
                        .help("the built-in definitions are functionInvocations, functionErrors, functionDuration and functionThrottles; add others under `custom.alerts.definitions`");
                    ctx.diags.push(d);
                    return None;
                };
                let mut m = Map::new();
                m.insert("enabled".into(), json!(true));
                m.insert("type".into(), json!("static"));
                if let Value::Object(d) = def {
                    for (k, v) in d {
                        m.insert(k.clone(), v.clone());
                    }
                }
                m.insert("name".into(), json!(name));
                out.push(m);
            }
            Value::Object(o) => {
                let mut m = json!({"enabled": true, "type": "static"});
                if let Some(d) = o.get("name").and_then(|n| definitions.get(js_string(n))) {
                    crate::merge::merge(&mut m, d);
                }
                crate::merge::merge(&mut m, a);
                if let Value::Object(m) = m {
                    out.push(m);
                }
            }
            _ => {}
        }
    }
    Some(out)
}

/// `_.union` of arrays (strings de-duplicated; objects kept).
fn union(lists: &[Option<&Value>]) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for l in lists.iter().flatten() {
        if let Value::Array(items) = l {
            for i in items {
                if i.is_object() || i.is_array() || !out.contains(i) {
                    out.push(i.clone());
                }
            }
        }
    }
    out
}

/// Compile `custom.alerts` into `t`.
pub fn compile(ctx: &mut Ctx, t: &mut Template) {
    let Some(config) = ctx.cfg.custom.as_ref().and_then(|c| c.get("alerts")).filter(|c| truthy(c)).cloned() else { return };
    if let Some(Value::Array(stages)) = config.get("stages") {
        if !stages.iter().any(|s| s.as_str() == Some(ctx.stage.as_str())) {
            return;
        }
    }
    if config.get("externalStack").is_some_and(truthy) {
        let d = Diagnostic::error(codes::NOT_IMPLEMENTED, "`custom.alerts.externalStack` is not compiled by cfgen yet")
            .at_opt(ctx.span(&["custom", "alerts", "externalStack"]));
        ctx.diags.push(d);
        return;
    }
    let mut definitions = default_definitions();
    if let Some(d) = config.get("definitions").filter(|d| d.is_object()) {
        crate::merge::merge(&mut definitions, d);
    }
    let provider = ctx.cfg.provider.clone().unwrap_or_default();
    let stack_name = provider.stack_name.clone().filter(|s| !s.is_empty()).unwrap_or_else(|| naming::stack_name(&ctx.service, &ctx.stage));

    // compileAlertTopics
    let mut alert_topics = Map::new();
    if let Some(Value::Object(topics)) = config.get("topics") {
        for (key, value) in topics {
            if ["ok", "alarm", "insufficientData"].contains(&key.as_str()) {
                add_alert_topic(key, value, None, &mut alert_topics, t);
            } else if let Value::Object(sub) = value {
                for (subkey, v) in sub {
                    add_alert_topic(subkey, v, Some(key), &mut alert_topics, t);
                }
            }
        }
    }

    // compileAlarms
    let global = union(&[config.get("alarms"), config.get("global"), config.get("function")]);
    let Some(global) = get_alarms(ctx, &global, &definitions, &["custom", "alerts", "alarms"]) else { return };
    let functions = ctx.functions.clone();
    for (key, f) in functions.iter() {
        let function_ref = naming::lambda_function(key);
        let own: Vec<Value> = ctx
            .node
            .pointer(["functions", key.as_str(), "alarms"])
            .map(|n| n.to_json())
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default();
        let Some(own) = get_alarms(ctx, &own, &definitions, &["functions", key, "alarms"]) else { return };
        let mut statements = Map::new();
        for alarm in global.iter().chain(own.iter()) {
            let mut a = Map::new();
            a.insert("nameTemplate".into(), config.get("nameTemplate").cloned().unwrap_or(Value::Null));
            a.insert("prefixTemplate".into(), config.get("prefixTemplate").cloned().unwrap_or(Value::Null));
            for (k, v) in alarm {
                a.insert(k.clone(), v.clone());
            }
            let name = a.get("name").map(js_string).unwrap_or_else(|| "undefined".into());
            let alarm_key =
                format!("{}{}Alarm", naming::normalize_name_dash_underscore(key), naming::normalize_name_dash_underscore(&name));
            if !a.get("enabled").is_some_and(truthy) {
                statements.shift_remove(&alarm_key);
                continue;
            }
            let function_name = crate::compile::function_name(ctx, key, f);
            let Some(cf) = alarm_cloudformation(ctx, &alert_topics, &a, key, &function_ref, &stack_name) else { return };
            statements.insert(alarm_key, cf);
            if let Some(pattern) = a.get("pattern").filter(|p| truthy(p)) {
                let base = format!("{function_ref}{}LogMetricFilter", naming::upper_first(&name));
                let metric = format!("{}{function_ref}", naming::upper_first(&a.get("metric").map(js_string).unwrap_or_default()));
                let log_group = naming::log_group_name(&function_name);
                let filter = |p: &Value, v: u32| {
                    json!({
                        "Type": "AWS::Logs::MetricFilter",
                        "DependsOn": naming::log_group(key),
                        "Properties": {
                            "FilterPattern": p,
                            "LogGroupName": &log_group,
                            "MetricTransformations": [{"MetricValue": v, "MetricNamespace": &stack_name, "MetricName": &metric}]
                        }
                    })
                };
                let mut extra = Map::new();
                extra.insert(format!("{base}ALERT"), filter(pattern, 1));
                extra.insert(format!("{base}OK"), filter(&json!(""), 0));
                crate::merge::merge_object_owned(&mut statements, extra);
            }
        }
        crate::merge::merge_object_owned(&mut t.resources, statements);
        let what = || format!("in the alarms of function `{key}` (serverless-plugin-aws-alerts)");
        if !crate::compile::within_budget_or_report(ctx, t, what, &["functions", key]) {
            return;
        }
    }
    if let Some(dashboards) = config.get("dashboards").filter(|d| truthy(d)) {
        compile_dashboards(ctx, t, dashboards);
    }
}

/// The dashboard templates `custom.alerts.dashboards` asks for (`getDashboardTemplates`):
/// `true` is `default`, a name or a list names them, `{stages, templates}` gives them (or
/// `default`) on its stages only.
fn dashboard_templates(config: &Value, stage: &str) -> Vec<Value> {
    match config {
        Value::Bool(_) => vec![json!("default")],
        Value::Object(o) if o.get("stages").is_some_and(truthy) => {
            let listed = match o.get("stages") {
                Some(Value::Array(a)) => a.iter().any(|s| s.as_str() == Some(stage)),
                Some(Value::String(s)) => s.contains(stage),
                _ => false,
            };
            match (listed, o.get("templates").filter(|t| truthy(t))) {
                (false, _) => vec![],
                (true, Some(Value::Array(a))) => a.clone(),
                (true, Some(t)) => vec![t.clone()],
                (true, None) => vec![json!("default")],
            }
        }
        Value::Array(a) => a.clone(),
        other => vec![other.clone()],
    }
}

/// `compileDashboards`: an `AWS::CloudWatch::Dashboard` per template, its body the widgets of
/// the plugin's `default` or `vertical` layout, compact JSON.
fn compile_dashboards(ctx: &mut Ctx, t: &mut Template, config: &Value) {
    let mut names: Vec<String> = Vec::new();
    for d in dashboard_templates(config, &ctx.stage) {
        let name = match &d {
            Value::String(s) => s.clone(),
            Value::Object(_) => "[object Object]".to_string(),
            other => js_string(other),
        };
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let functions: Vec<String> = ctx.functions.iter().map(|(k, _)| k.clone()).collect();
    let mut out = Map::new();
    for name in names {
        let Some(layout) = dashboard_layout(&name) else {
            // The item that names it, where there is one.
            let listed = |list: Option<&Value>| match list {
                Some(Value::Array(a)) => a.iter().position(|v| v.as_str() == Some(name.as_str())).map(|i| i.to_string()),
                _ => None,
            };
            let base = ["custom", "alerts", "dashboards"];
            let span = match config {
                Value::Array(_) => listed(Some(config)).and_then(|i| ctx.span(&[&base[..], &[i.as_str()]].concat())),
                Value::Object(o) => listed(o.get("templates"))
                    .and_then(|i| ctx.span(&[&base[..], &["templates", i.as_str()]].concat()))
                    .or_else(|| ctx.span(&[&base[..], &["templates"]].concat())),
                _ => None,
            };
            let d = Diagnostic::error(codes::INVALID_VALUE, format!("Cannot find dashboard by name {name}"))
                .at_opt(span.or_else(|| ctx.span(&base)))
                .help("serverless-plugin-aws-alerts has two dashboards: `default` and `vertical`");
            ctx.diags.push(d);
            return;
        };
        let widgets: Vec<Value> = layout.iter().map(|slot| widget(&ctx.service, &ctx.stage, &ctx.region, &functions, slot)).collect();
        let dashboard_name = naming::alerts_dashboard_name(&ctx.service, &ctx.stage, &ctx.region, &name);
        let body = json!({ "widgets": widgets }).to_string();
        out.insert(
            naming::alerts_dashboard(&name),
            json!({"Type": "AWS::CloudWatch::Dashboard", "Properties": {"DashboardName": dashboard_name, "DashboardBody": body}}),
        );
    }
    crate::merge::merge_object_owned(&mut t.resources, out);
}

/// (title, metric, numbers rather than a time series, (x, y, width, height)).
type Slot = (&'static str, &'static str, bool, (u32, u32, u32, u32));

/// The plugin's `configs/default.json` and `configs/vertical.json`.
fn dashboard_layout(name: &str) -> Option<&'static [Slot]> {
    const DEFAULT: &[Slot] = &[
        ("Errors", "errors", false, (0, 0, 8, 6)),
        ("Errors", "errors", true, (8, 0, 6, 6)),
        ("Duration", "duration", false, (14, 0, 10, 6)),
        ("Invocations", "invocations", false, (0, 6, 8, 6)),
        ("Invocations", "invocations", true, (8, 6, 6, 6)),
        ("API Requests", "requests", false, (14, 6, 10, 6)),
        ("Throttles", "throttles", false, (0, 12, 8, 6)),
        ("Throttles", "throttles", true, (8, 12, 6, 6)),
        ("API Latency", "latency", false, (14, 12, 10, 6)),
    ];
    const VERTICAL: &[Slot] = &[
        ("Errors", "errors", false, (0, 0, 10, 6)),
        ("Errors", "errors", true, (10, 0, 10, 6)),
        ("Duration", "duration", false, (0, 6, 10, 6)),
        ("Duration Average", "duration", true, (10, 6, 10, 6)),
        ("Invocations", "invocations", false, (0, 12, 10, 6)),
        ("Invocations", "invocations", true, (10, 12, 10, 6)),
        ("Iterator Age", "iteratorage", false, (0, 18, 10, 6)),
        ("Iterator Age Average", "iteratorage", true, (10, 18, 10, 6)),
        ("Throttles", "throttles", false, (0, 24, 10, 6)),
        ("Throttles", "throttles", true, (10, 24, 10, 6)),
        ("API Latency", "latency", false, (0, 30, 10, 6)),
        ("API Latency Average", "latency", true, (10, 30, 10, 6)),
        ("API Requests", "requests", false, (0, 36, 10, 6)),
        ("API Requests", "requests", true, (10, 36, 10, 6)),
    ];
    match name {
        "default" => Some(DEFAULT),
        "vertical" => Some(VERTICAL),
        _ => None,
    }
}

/// One widget (the plugin's `widgets/<service>/<metric>/<display>.js`). Lambda metrics list
/// every function, named `<service>-<stage>-<key>` as the plugin names them; API Gateway
/// metrics name the REST API `<stage>-<service>`.
fn widget(service: &str, stage: &str, region: &str, functions: &[String], slot: &Slot) -> Value {
    let &(title, metric, numbers, (x, y, width, height)) = slot;
    let api = naming::rest_api_name(service, stage, false);
    let lambda = |name: &str, stat: &str, f: &str, label: String| {
        json!(["AWS/Lambda", name, "FunctionName", naming::function_name(service, stage, f), {
            "stat": stat, "period": if numbers { 2592000 } else { 900 }, "region": region, "label": label
        }])
    };
    let metrics: Vec<Value> = match (metric, numbers) {
        ("errors" | "invocations" | "throttles", _) => {
            let name = match metric {
                "errors" => "Errors",
                "invocations" => "Invocations",
                _ => "Throttles",
            };
            functions.iter().map(|f| lambda(name, "Sum", f, f.clone())).collect()
        }
        ("duration" | "iteratorage", true) => {
            let name = if metric == "duration" { "Duration" } else { "IteratorAge" };
            functions.iter().map(|f| lambda(name, "Average", f, f.clone())).collect()
        }
        ("duration" | "iteratorage", false) => {
            let name = if metric == "duration" { "Duration" } else { "IteratorAge" };
            functions.iter().flat_map(|f| ["p50", "p90"].map(|p| lambda(name, p, f, format!("{f} {p}")))).collect()
        }
        ("latency", true) => ["IntegrationLatency", "Latency"]
            .iter()
            .map(|m| json!(["AWS/ApiGateway", m, "ApiName", &api, {"stat": "Average", "period": 2592000, "region": region, "label": m}]))
            .collect(),
        ("latency", false) => ["p50", "p90"]
            .iter()
            .flat_map(|p| {
                ["IntegrationLatency", "Latency"]
                    .map(|m| json!(["AWS/ApiGateway", m, "ApiName", &api, {"stat": p, "period": 900, "region": region}]))
            })
            .collect(),
        (_, true) => ["5XXError", "4XXError", "Count"]
            .iter()
            .map(|m| json!(["AWS/ApiGateway", m, "ApiName", &api, {"stat": "Sum", "period": 2592000, "region": region, "label": m}]))
            .collect(),
        (_, false) => ["5XXError", "4XXError", "Count"]
            .iter()
            .map(|m| json!(["AWS/ApiGateway", m, "ApiName", &api, {"stat": "Sum", "period": 900}]))
            .collect(),
    };
    let mut properties = Map::new();
    properties.insert("title".into(), json!(title));
    properties.insert("view".into(), json!(if numbers { "singleValue" } else { "timeSeries" }));
    if !numbers {
        properties.insert("stacked".into(), json!(false));
    }
    properties.insert("metrics".into(), Value::Array(metrics));
    properties.insert("region".into(), json!(region));
    // The API Gateway time series alone set no period.
    if numbers || !matches!(metric, "latency" | "requests") {
        properties.insert("period".into(), json!(300));
    }
    json!({"type": "metric", "x": x, "y": y, "width": width, "height": height, "properties": properties})
}

fn add_alert_topic(key: &str, config: &Value, custom: Option<&str>, alert_topics: &mut Map<String, Value>, t: &mut Template) {
    let (topic, notifications) = match config {
        Value::Object(o) => (o.get("topic").cloned().unwrap_or(Value::Null), o.get("notifications").cloned()),
        other => (other.clone(), None),
    };
    if !truthy(&topic) {
        return;
    }
    let value = if topic.is_object() || topic.is_array() || topic.as_str().is_some_and(|s| s.starts_with("arn:")) {
        topic
    } else {
        let cf_ref = format!("AwsAlerts{}{}", custom.map(naming::upper_first).unwrap_or_default(), naming::upper_first(key));
        let subscription: Vec<Value> = notifications
            .as_ref()
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|n| {
                let mut s = Map::new();
                if let Some(p) = n.get("protocol") {
                    s.insert("Protocol".into(), p.clone());
                }
                if let Some(e) = n.get("endpoint") {
                    s.insert("Endpoint".into(), e.clone());
                }
                Value::Object(s)
            })
            .collect();
        let mut res = Map::new();
        res.insert(cf_ref.clone(), json!({"Type": "AWS::SNS::Topic", "Properties": {"TopicName": topic, "Subscription": subscription}}));
        crate::merge::merge_object_owned(&mut t.resources, res);
        json!({ "Ref": cf_ref })
    };
    match custom {
        Some(c) => {
            let slot = alert_topics.entry(c.to_string()).or_insert_with(|| json!({}));
            if let Value::Object(m) = slot {
                m.insert(key.to_string(), value);
            }
        }
        None => {
            alert_topics.insert(key.to_string(), value);
        }
    }
}

fn actions(ctx: &mut Ctx, alert_topics: &Map<String, Value>, a: &Map<String, Value>, kind: &str, list_key: &str) -> Option<Vec<Value>> {
    let mut out = Vec::new();
    if let Some(t) = alert_topics.get(kind).filter(|t| truthy(t)) {
        out.push(t.clone());
    }
    if let Some(Value::Array(names)) = a.get(list_key) {
        for n in names {
            let name = js_string(n);
            match alert_topics.get(&name) {
                Some(Value::Object(m)) => out.push(m.get(kind).cloned().unwrap_or(Value::Null)),
                _ => {
                    let d = Diagnostic::error(
                        codes::INVALID_VALUE,
                        format!("`{list_key}` names `{name}`, which is not a topic group under `custom.alerts.topics`"),
                    )
                    .at_opt(ctx.span(&["custom", "alerts", "topics"]));
                    ctx.diags.push(d);
                    return None;
                }
            }
        }
    }
    Some(out)
}

fn alarm_cloudformation(
    ctx: &mut Ctx,
    alert_topics: &Map<String, Value>,
    a: &Map<String, Value>,
    key: &str,
    function_ref: &str,
    stack_name: &str,
) -> Option<Value> {
    let ok = actions(ctx, alert_topics, a, "ok", "okActions")?;
    let alarm = actions(ctx, alert_topics, a, "alarm", "alarmActions")?;
    let insufficient = actions(ctx, alert_topics, a, "insufficientData", "insufficientDataActions")?;
    let get = |k: &str| a.get(k).filter(|v| !v.is_null()).cloned();
    let pattern = a.get("pattern").is_some_and(truthy);
    let namespace = if pattern { Some(json!(stack_name)) } else { get("namespace") };
    let metric_id = if pattern {
        json!(format!("{}{function_ref}", naming::upper_first(&get("metric").map(|m| js_string(&m)).unwrap_or_default())))
    } else {
        get("metric").unwrap_or(Value::Null)
    };
    let dimensions = if pattern {
        json!([])
    } else if a.get("omitDefaultDimension").is_some_and(truthy) {
        get("dimensions").unwrap_or_else(|| json!([]))
    } else {
        let mut dims: Vec<Value> = get("dimensions")
            .and_then(|d| d.as_array().cloned())
            .unwrap_or_default()
            .into_iter()
            .filter(|d| d.get("Name").and_then(Value::as_str) != Some("FunctionName"))
            .collect();
        dims.push(json!({"Name": "FunctionName", "Value": {"Ref": function_ref}}));
        Value::Array(dims)
    };
    let treat_missing = get("treatMissingData").filter(truthy).unwrap_or_else(|| json!("missing"));
    let mut p = Map::new();
    let put = |p: &mut Map<String, Value>, k: &str, v: Option<Value>| {
        if let Some(v) = v {
            p.insert(k.into(), v);
        }
    };
    let ty = a.get("type").map(js_string).unwrap_or_default();
    let statistic = get("statistic");
    if ty == "static" {
        put(&mut p, "ActionsEnabled", get("actionsEnabled"));
        put(&mut p, "Namespace", namespace);
        put(&mut p, "MetricName", Some(metric_id.clone()).filter(|v| !v.is_null()));
        put(&mut p, "AlarmDescription", get("description"));
        put(&mut p, "Threshold", get("threshold"));
        put(&mut p, "Period", get("period"));
        put(&mut p, "EvaluationPeriods", get("evaluationPeriods"));
        put(&mut p, "DatapointsToAlarm", get("datapointsToAlarm"));
        put(&mut p, "ComparisonOperator", get("comparisonOperator"));
        p.insert("OKActions".into(), Value::Array(ok));
        p.insert("AlarmActions".into(), Value::Array(alarm));
        p.insert("InsufficientDataActions".into(), Value::Array(insufficient));
        p.insert("Dimensions".into(), dimensions);
        p.insert("TreatMissingData".into(), treat_missing);
        let is_basic = statistic
            .as_ref()
            .and_then(Value::as_str)
            .is_some_and(|s| ["SampleCount", "Average", "Sum", "Minimum", "Maximum"].contains(&s));
        if is_basic {
            put(&mut p, "Statistic", statistic);
        } else {
            put(&mut p, "ExtendedStatistic", statistic);
            put(&mut p, "EvaluateLowSampleCountPercentile", get("evaluateLowSampleCountPercentile"));
        }
    } else if ty == "anomalyDetection" {
        put(&mut p, "ActionsEnabled", get("actionsEnabled"));
        put(&mut p, "AlarmDescription", get("description"));
        put(&mut p, "EvaluationPeriods", get("evaluationPeriods"));
        put(&mut p, "DatapointsToAlarm", get("datapointsToAlarm"));
        put(&mut p, "ComparisonOperator", get("comparisonOperator"));
        p.insert("TreatMissingData".into(), treat_missing);
        p.insert("OKActions".into(), Value::Array(ok));
        p.insert("AlarmActions".into(), Value::Array(alarm));
        p.insert("InsufficientDataActions".into(), Value::Array(insufficient));
        let mut metric = Map::new();
        put(&mut metric, "Namespace", namespace);
        put(&mut metric, "MetricName", Some(metric_id.clone()).filter(|v| !v.is_null()));
        metric.insert("Dimensions".into(), dimensions);
        let mut stat = Map::new();
        stat.insert("Metric".into(), Value::Object(metric));
        put(&mut stat, "Period", get("period"));
        put(&mut stat, "Stat", statistic);
        let threshold = get("threshold").map_or_else(|| "undefined".to_string(), |v| js_string(&v));
        p.insert(
            "Metrics".into(),
            json!([
                {"Id": "m1", "ReturnData": true, "MetricStat": stat},
                {"Id": "ad1", "Expression": format!("ANOMALY_DETECTION_BAND(m1, {threshold})"), "Label": format!("{} (expected)", js_string(&metric_id)), "ReturnData": true}
            ]),
        );
        p.insert("ThresholdMetricId".into(), json!("ad1"));
    } else {
        let name = a.get("name").map(js_string).unwrap_or_default();
        let d = Diagnostic::error(
            codes::INVALID_VALUE,
            format!("Missing type for alarm {name} on function {key}, must be one of 'static' or 'anomalyDetection'"),
        )
        .at_opt(ctx.span(&["custom", "alerts"]));
        ctx.diags.push(d);
        return None;
    }
    let name_template = a.get("nameTemplate").filter(|v| truthy(v)).map(js_string);
    let prefix_template = a.get("prefixTemplate").filter(|v| !v.is_null()).map(js_string);
    let template = match (&name_template, &prefix_template) {
        (Some(t), _) => Some((t.clone(), a.get("metric").map(js_string).unwrap_or_default())),
        (None, Some(p)) if !p.is_empty() => Some(("$[functionName]-$[metricName]".to_string(), {
            let n = a.get("name").filter(|v| truthy(v)).or_else(|| a.get("metric"));
            n.map(js_string).unwrap_or_default()
        })),
        _ => None,
    };
    if let Some((template, metric_name)) = template {
        let body = template
            .replacen("$[functionName]", key, 1)
            .replacen("$[functionId]", function_ref, 1)
            .replacen("$[metricName]", &metric_name, 1)
            .replacen("$[metricId]", &js_string(&metric_id), 1);
        let prefix = prefix_template.unwrap_or_else(|| "$[stackName]".into()).replacen("$[stackName]", stack_name, 1);
        let name = if prefix.is_empty() { body } else { format!("{prefix}-{body}") };
        p.insert("AlarmName".into(), json!(name));
    }
    Some(json!({"Type": "AWS::CloudWatch::Alarm", "Properties": p}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dashboard_templates_follow_get_dashboard_templates() {
        let on = |v: Value, stage: &str| dashboard_templates(&v, stage);
        assert_eq!(on(json!(true), "dev"), vec![json!("default")]);
        assert_eq!(on(json!("vertical"), "dev"), vec![json!("vertical")]);
        assert_eq!(on(json!(["vertical", "default"]), "dev"), vec![json!("vertical"), json!("default")]);
        // `{stages}`: the templates (or `default`) on a listed stage, none on another.
        assert_eq!(on(json!({"stages": ["prod"], "templates": ["vertical"]}), "prod"), vec![json!("vertical")]);
        assert_eq!(on(json!({"stages": ["prod"], "templates": "vertical"}), "prod"), vec![json!("vertical")]);
        assert_eq!(on(json!({"stages": ["prod"]}), "prod"), vec![json!("default")]);
        assert!(on(json!({"stages": ["prod"], "templates": ["vertical"]}), "dev").is_empty());
        // An object without `stages` is one (unknown) template name, as `[].concat(object)`.
        assert_eq!(on(json!({"templates": ["vertical"]}), "dev"), vec![json!({"templates": ["vertical"]})]);
    }
}
