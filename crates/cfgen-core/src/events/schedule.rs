//! `schedule` events (v3 `compile/events/schedule.js`).
//!
//! Default `method: eventBus`: per schedule expression an `AWS::Events::Rule`
//! (`<F>EventsRuleSchedule<n>`) and its `AWS::Lambda::Permission`; `n` counts expressions
//! across the function, so a `rate:` list yields several rules. `method: scheduler`: an
//! `AWS::Scheduler::Schedule` (`<F>SchedulerSchedule<n>`) invoked with the function's role, one
//! `lambda:InvokeFunction` statement for all such functions and the `scheduler.amazonaws.com`
//! principal on the execution role.
//!
//! Quirks kept: v3 builds the eventBus rule by pasting `name`, `description`, `input` and
//! `inputPath` raw into a JSON text, so backslashes are JSON escapes and a stray `"` makes the
//! build fail; string `input` is pasted with its quotes escaped; object `input` is
//! `JSON.stringify`d (with `body` JSON-parsed first, keeping the `body` wrapper); the target `Id`
//! is the raw function key plus `Schedule`. Resources are assigned (a same-id resource is
//! replaced).

use super::queue_common as qc;
use super::queue_common::{alias_id, present, schema_issue, str_of, templated_string};
use super::EventCtx;
use crate::json::json;
use crate::naming;
use cfgen_syntax::codes;
use serde_json::{Map, Value};

const KEYS: [&str; 10] = ["rate", "enabled", "name", "description", "input", "inputPath", "inputTransformer", "method", "timezone", "body"];

/// Whether `s` matches v3's `rate(...)`/`cron(...)` pattern.
pub fn valid_expression(s: &str) -> bool {
    if let Some(inner) = s.strip_prefix("rate(").and_then(|r| r.strip_suffix(')')) {
        let Some((num, unit)) = inner.split_once(' ') else { return false };
        if !num.chars().all(|c| c.is_ascii_digit()) || num.is_empty() {
            return false;
        }
        return match num {
            "1" => matches!(unit, "minute" | "hour" | "day"),
            n => {
                let ok_num = n.starts_with('1') && n.len() > 1 || (n.as_bytes()[0] >= b'2' && n.as_bytes()[0] <= b'9');
                ok_num && matches!(unit, "minutes" | "hours" | "days")
            }
        };
    }
    if let Some(inner) = s.strip_prefix("cron(").and_then(|r| r.strip_suffix(')')) {
        let parts: Vec<&str> = inner.split(' ').collect();
        return parts.len() == 6 && parts.iter().all(|p| !p.is_empty() && !p.chars().any(char::is_whitespace));
    }
    false
}

pub fn compile(e: &mut EventCtx) {
    let mut scheduler_resources: Vec<Value> = Vec::new();
    let mut has_scheduler = false;
    let functions = e.functions.clone();
    for f in functions.iter() {
        let mut number = 0usize;
        let mut fn_has_scheduler = false;
        for (i, body) in f.events_of("schedule") {
            if !cfgen_model::coerce::truthy(body) {
                continue;
            }
            let Some(ev) = parse(e, f, i, body) else { continue };
            let depends_on = alias_id(f);
            for expr in ev.expressions {
                number += 1;
                if ev.scheduler {
                    has_scheduler = true;
                    fn_has_scheduler = true;
                    let mut target = Map::new();
                    target.insert("Arn".into(), f.target.clone());
                    if let Some(r) = &ev.role {
                        target.insert("RoleArn".into(), r.clone());
                    }
                    if let Some(input) = &ev.input {
                        target.insert("Input".into(), json!(input));
                    }
                    let mut props = Map::new();
                    props.insert("ScheduleExpression".into(), expr);
                    props.insert("State".into(), json!(ev.state));
                    props.insert("Target".into(), Value::Object(target));
                    props.insert("FlexibleTimeWindow".into(), json!({"Mode": "OFF"}));
                    if let Some(n) = &ev.name {
                        props.insert("Name".into(), n.clone());
                    }
                    if let Some(d) = &ev.description {
                        props.insert("Description".into(), d.clone());
                    }
                    if let Some(tz) = &ev.timezone {
                        props.insert("ScheduleExpressionTimezone".into(), tz.clone());
                    }
                    let mut res = Map::new();
                    res.insert("Type".into(), json!("AWS::Scheduler::Schedule"));
                    if let Some(d) = &depends_on {
                        res.insert("DependsOn".into(), json!(d));
                    }
                    res.insert("Properties".into(), Value::Object(props));
                    e.set_resource(&naming::scheduler_schedule(&f.key, number), Value::Object(res));
                } else {
                    let rule_id = naming::schedule_rule(&f.key, number);
                    let mut target = Map::new();
                    if let Some(input) = &ev.input {
                        target.insert("Input".into(), json!(input));
                    }
                    if let Some(p) = &ev.input_path {
                        target.insert("InputPath".into(), json!(p));
                    }
                    if let Some(t) = &ev.input_transformer {
                        target.insert("InputTransformer".into(), t.clone());
                    }
                    target.insert("Arn".into(), f.target.clone());
                    target.insert("Id".into(), json!(&ev.target_id));
                    let mut props = Map::new();
                    props.insert("ScheduleExpression".into(), expr);
                    props.insert("State".into(), json!(ev.state));
                    if let Some(n) = &ev.name {
                        props.insert("Name".into(), n.clone());
                    }
                    if let Some(d) = &ev.description {
                        props.insert("Description".into(), d.clone());
                    }
                    props.insert("Targets".into(), json!([Value::Object(target)]));
                    let (rule, perm) = qc::events_rule_and_permission(props, depends_on.as_deref(), &f.target, &rule_id);
                    e.set_resource(&rule_id, rule);
                    e.set_resource(&naming::schedule_permission(&f.key, number), perm);
                }
            }
        }
        if fn_has_scheduler {
            let arn = format!("arn:${{AWS::Partition}}:lambda:${{AWS::Region}}:${{AWS::AccountId}}:function:{}", f.name);
            scheduler_resources.push(json!({"Fn::Sub": &arn}));
            scheduler_resources.push(json!({"Fn::Sub": format!("{arn}:*")}));
        }
    }
    if has_scheduler && e.t.resources.contains_key(naming::ROLE) {
        e.add_assume_role_principal("scheduler.amazonaws.com");
        e.push_statement(json!({"Effect": "Allow", "Action": ["lambda:InvokeFunction"], "Resource": scheduler_resources}));
    }
}

/// One `schedule` event, ready to emit.
struct Schedule {
    expressions: Vec<Value>,
    state: &'static str,
    scheduler: bool,
    name: Option<Value>,
    description: Option<Value>,
    input: Option<String>,
    input_path: Option<String>,
    input_transformer: Option<Value>,
    timezone: Option<Value>,
    role: Option<Value>,
    target_id: String,
}

/// Read and check one event; `None` (after an error) when v3 would fail.
fn parse(e: &mut EventCtx, f: &super::FnInfo, i: usize, body: &Value) -> Option<Schedule> {
    let key = f.key.as_str();
    let target_id = naming::schedule_target_id(key);
    if templated_string(&target_id).is_none() {
        qc::error(
            e,
            codes::INVALID_FUNCTION,
            format!("function key `{key}` breaks the JSON Serverless v3 builds for schedule rules"),
            key,
            i,
            &[],
        );
        return None;
    }
    let o = match body {
        Value::String(s) => {
            if !valid_expression(s)
                && schema_issue(
                    e,
                    codes::INVALID_VALUE,
                    format!("`{s}` is not a schedule expression: write `rate(<n> <unit>)` or `cron(<6 fields>)`"),
                    key,
                    i,
                    &["schedule"],
                )
            {
                return None;
            }
            return Some(Schedule {
                expressions: vec![json!(s)],
                state: "ENABLED",
                scheduler: false,
                name: None,
                description: None,
                input: None,
                input_path: None,
                input_transformer: None,
                timezone: None,
                role: None,
                target_id,
            });
        }
        Value::Object(o) => o,
        other => {
            qc::error(
                e,
                codes::INVALID_TYPE,
                format!(
                    "a `schedule` event must be a rate/cron expression or a mapping with `rate`, not {}",
                    super::queue_common::shown(other)
                ),
                key,
                i,
                &["schedule"],
            );
            return None;
        }
    };
    qc::check_keys(e, key, i, "schedule", body, &KEYS[..9]);
    let name_is = "a rule name (letters, digits, `.`, `-`, `_`)";
    qc::check_pattern(e, key, i, &["schedule", "name"], o.get("name"), qc::patterns::SCHEDULE_NAME, name_is);
    let zone_is = "a time zone such as `Europe/Paris`";
    qc::check_pattern(e, key, i, &["schedule", "timezone"], o.get("timezone"), qc::patterns::TIMEZONE, zone_is);
    if let Some(t) = o.get("inputTransformer") {
        qc::check_keys_at(e, key, i, &["schedule", "inputTransformer"], t, &["inputTemplate", "inputPathsMap"]);
    }
    let expressions: Vec<Value> = match o.get("rate") {
        Some(Value::Array(a)) if !a.is_empty() => a.clone(),
        Some(Value::Array(_)) => {
            // v3's schema wants one expression at least; the loop then emits nothing.
            qc::schema_issue(
                e,
                codes::INVALID_VALUE,
                "`rate` lists no expression; this event schedules nothing",
                key,
                i,
                &["schedule", "rate"],
            );
            return None;
        }
        Some(s @ Value::String(_)) => vec![s.clone()],
        Some(s @ Value::Object(_)) => vec![s.clone()],
        _ => {
            qc::error(e, codes::MISSING_KEY, "a `schedule` event needs `rate`: an expression or a list of them", key, i, &["schedule"]);
            return None;
        }
    };
    for (n, x) in expressions.iter().enumerate() {
        if let Value::String(s) = x {
            if !valid_expression(s) {
                let idx = n.to_string();
                let path: Vec<&str> =
                    if matches!(o.get("rate"), Some(Value::Array(_))) { vec!["schedule", "rate", &idx] } else { vec!["schedule", "rate"] };
                if schema_issue(
                    e,
                    codes::INVALID_VALUE,
                    format!("`{s}` is not a schedule expression: write `rate(<n> <unit>)` or `cron(<6 fields>)`"),
                    key,
                    i,
                    &path,
                ) {
                    return None;
                }
            }
        }
    }
    let state = if o.get("enabled").map(super::queue_common::coerce_bool) == Some(Value::Bool(false)) { "DISABLED" } else { "ENABLED" };
    let method = str_of(o.get("method")).unwrap_or("eventBus");
    if !matches!(method, "eventBus" | "scheduler")
        && schema_issue(
            e,
            codes::INVALID_VALUE,
            format!("`method` must be `eventBus` or `scheduler`, not `{method}`"),
            key,
            i,
            &["schedule", "method"],
        )
    {
        return None;
    }
    let scheduler = method == "scheduler";
    let name = present(o.get("name")).cloned();
    if expressions.len() > 1 && name.is_some() {
        qc::report(
            e,
            cfgen_syntax::Diagnostic::error(codes::INVALID_VALUE, "You cannot specify a name when defining more than one rate expression")
                .help("remove `name`, or split the rates into one event each"),
            key,
            i,
            &["schedule", "name"],
        );
        return None;
    }
    let mut input: Option<String> = match present(o.get("input")) {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Object(obj)) => {
            let mut obj = obj.clone();
            if let Some(Value::String(b)) = obj.get("body") {
                match serde_json::from_str::<Value>(b) {
                    Ok(parsed) => {
                        obj.insert("body".into(), parsed);
                    }
                    Err(err) => {
                        qc::error(
                            e,
                            codes::INVALID_VALUE,
                            format!("`input.body` is not valid JSON ({err}); Serverless v3 fails to parse it"),
                            key,
                            i,
                            &["schedule", "input", "body"],
                        );
                        return None;
                    }
                }
            }
            Some(Value::Object(obj).to_string())
        }
        Some(other) => Some(other.to_string()),
    };
    let input_path = present(o.get("inputPath")).map(|v| v.as_str().map_or_else(|| v.to_string(), String::from));
    let timezone = present(o.get("timezone")).cloned();
    let mut input_transformer = None;
    if let Some(t) = present(o.get("inputTransformer")) {
        if scheduler {
            qc::error(
                e,
                codes::INVALID_VALUE,
                "Cannot setup \"schedule\" event: \"inputTransformer\" is not supported with \"scheduler\" mode",
                key,
                i,
                &["schedule", "inputTransformer"],
            );
            return None;
        }
        let mut out = Map::new();
        if let Some(tpl) = t.get("inputTemplate") {
            out.insert("InputTemplate".into(), tpl.clone());
        }
        if let Some(m) = present(t.get("inputPathsMap")) {
            out.insert("InputPathsMap".into(), m.clone());
        }
        input_transformer = Some(Value::Object(out));
    }
    if input_path.is_some() && scheduler {
        qc::error(
            e,
            codes::INVALID_VALUE,
            "Cannot setup \"schedule\" event: \"inputPath\" is not supported with \"scheduler\" mode",
            key,
            i,
            &["schedule", "inputPath"],
        );
        return None;
    }
    if timezone.is_some() && !scheduler {
        qc::report(
            e,
            cfgen_syntax::Diagnostic::error(
                codes::INVALID_VALUE,
                "Cannot setup \"schedule\" event: \"timezone\" is only supported with \"scheduler\" mode",
            )
            .help("add `method: scheduler`"),
            key,
            i,
            &["schedule", "timezone"],
        );
        return None;
    }
    let role = e.t.resources.get(&f.logical_id).and_then(|r| r.pointer("/Properties/Role")).cloned();
    let (mut name, mut description) = (name, present(o.get("description")).cloned());
    if !scheduler {
        // The eventBus rule is JSON text with these pasted in raw.
        let mut raw = |v: &Option<Value>, what: &str, path: &str, quote_escape: bool| -> Result<Option<Value>, ()> {
            let Some(v) = v else { return Ok(None) };
            let s = v.as_str().map_or_else(|| v.to_string(), String::from);
            let pasted = if quote_escape { s.replace('"', "\\\"") } else { s };
            match templated_string(&pasted) {
                Some(t) => Ok(Some(json!(t))),
                None => {
                    qc::report(
                        e,
                        cfgen_syntax::Diagnostic::error(
                            codes::INVALID_VALUE,
                            format!("this `{what}` breaks the JSON text Serverless v3 builds for the rule (it pastes the value raw)"),
                        )
                        .help("avoid `\"`, backslashes and control characters here"),
                        key,
                        i,
                        &["schedule", path],
                    );
                    Err(())
                }
            }
        };
        name = raw(&name, "name", "name", false).ok()?;
        description = raw(&description, "description", "description", false).ok()?;
        let inp = raw(&input.as_ref().map(|s| json!(s)), "input", "input", true).ok()?;
        input = inp.and_then(|v| v.as_str().map(String::from));
        let ip = raw(&input_path.as_ref().map(|s| json!(s)), "inputPath", "inputPath", false).ok()?;
        return Some(Schedule {
            expressions,
            state,
            scheduler,
            name,
            description,
            input,
            input_path: ip.and_then(|v| v.as_str().map(String::from)),
            input_transformer,
            timezone,
            role,
            target_id,
        });
    }
    Some(Schedule { expressions, state, scheduler, name, description, input, input_path, input_transformer, timezone, role, target_id })
}

#[cfg(test)]
mod tests {
    use super::valid_expression;

    #[test]
    fn expressions_follow_v3_pattern() {
        assert!(valid_expression("rate(1 minute)"));
        assert!(valid_expression("rate(10 minutes)"));
        assert!(valid_expression("rate(2 hours)"));
        assert!(!valid_expression("rate(1 minutes)"));
        assert!(!valid_expression("rate(0 minutes)"));
        assert!(!valid_expression("rate(2 hour)"));
        assert!(valid_expression("cron(0 12 * * ? *)"));
        assert!(!valid_expression("cron(0 12 * * ?)"));
    }
}
