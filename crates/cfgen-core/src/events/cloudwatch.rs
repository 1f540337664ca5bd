//! `cloudwatchEvent` and `cloudwatchLog` events (v3 `compile/events/cloud-watch-event.js`,
//! `cloud-watch-log.js`).
//!
//! `cloudwatchEvent`: per event an `AWS::Events::Rule` (`<F>EventsRuleCloudWatchEvent<n>`) with
//! the `event` object as `EventPattern`, and its `AWS::Lambda::Permission`. As with `schedule`,
//! v3 builds both as JSON text with `name`, `description`, `input` and `inputPath` pasted raw,
//! and strips the two-character sequences `\n`/`\r` from the pattern and input text; a missing
//! `event` makes that text invalid (an error). Only one of `input`, `inputPath` and
//! `inputTransformer`.
//!
//! `cloudwatchLog`: per event an `AWS::Logs::SubscriptionFilter`
//! (`<F>LogsSubscriptionFilterCloudWatchLog<n>`) and one permission per function
//! (`<F>LambdaPermissionLogsSubscriptionFilterCloudWatchLog`) whose source ARN is the longest
//! common prefix of the function's log groups (plus `*` when there are several). At most two
//! events may name the same log group across the whole service. Filter patterns whose first
//! backslash comes before their first quote are unescaped once. Both are `_.merge`d.

use super::queue_common as qc;
use super::queue_common::{alias_id, present, shown, templated_string};
use super::EventCtx;
use crate::json::json;
use crate::naming;
use cfgen_syntax::{codes, Diagnostic};
use indexmap::IndexMap;
use serde_json::{Map, Value};

const EVENT_KEYS: [&str; 7] = ["event", "input", "inputPath", "inputTransformer", "description", "name", "enabled"];

/// Remove the two-character sequences `\n` and `\r` (v3's `replace(/\\n|\\r/g, '')`).
fn strip_escaped_newlines(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && matches!(chars.peek(), Some('n' | 'r')) {
            chars.next();
            continue;
        }
        out.push(c);
    }
    out
}

fn as_text(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), String::from)
}

pub fn compile_event(e: &mut EventCtx) {
    let functions = e.functions.clone();
    for f in functions.iter() {
        let mut number = 0usize;
        for (i, body) in f.events_of("cloudwatchEvent") {
            if !cfgen_model::coerce::truthy(body) {
                continue;
            }
            number += 1;
            let key = f.key.as_str();
            let Value::Object(o) = body else {
                qc::error(
                    e,
                    codes::INVALID_TYPE,
                    format!("a `cloudwatchEvent` event must be a mapping with `event`, not {}", shown(body)),
                    key,
                    i,
                    &["cloudwatchEvent"],
                );
                continue;
            };
            qc::check_keys(e, key, i, "cloudwatchEvent", body, &EVENT_KEYS);
            let name_is = "a rule name (letters, digits, `.`, `-`, `_`)";
            qc::check_pattern(e, key, i, &["cloudwatchEvent", "name"], o.get("name"), qc::patterns::RULE_NAME, name_is);
            if let Some(t) = o.get("inputTransformer") {
                qc::check_keys_at(e, key, i, &["cloudwatchEvent", "inputTransformer"], t, &["inputPathsMap", "inputTemplate"]);
            }
            let Some(pattern) = o.get("event") else {
                qc::report(
                    e,
                    Diagnostic::error(
                        codes::MISSING_KEY,
                        "a `cloudwatchEvent` event needs `event`, the event pattern; without it Serverless v3 fails to build the rule",
                    )
                    .help("add `event:` with e.g. `source: [aws.ec2]`"),
                    key,
                    i,
                    &["cloudwatchEvent"],
                );
                continue;
            };
            let input = present(o.get("input"));
            let input_path = present(o.get("inputPath"));
            let transformer = present(o.get("inputTransformer"));
            if [input, input_path, transformer].iter().filter(|x| x.is_some()).count() > 1 {
                qc::error(e,
                    codes::INVALID_VALUE,
                    "You can only set one of input, inputPath, or inputTransformer properties at the same time for cloudwatch events. Please check the AWS docs for more info",
                    key,
                    i,
                    &["cloudwatchEvent"],
                );
                continue;
            }
            let state =
                if o.get("enabled").map(super::queue_common::coerce_bool) == Some(Value::Bool(false)) { "DISABLED" } else { "ENABLED" };
            // The pattern is pasted as JSON text with `\n`/`\r` escapes removed.
            let pattern_text = strip_escaped_newlines(&pattern.to_string());
            let Ok(pattern) = serde_json::from_str::<Value>(&pattern_text) else {
                qc::error(
                    e,
                    codes::INVALID_VALUE,
                    "this event pattern breaks the JSON text Serverless v3 builds for the rule",
                    key,
                    i,
                    &["cloudwatchEvent", "event"],
                );
                continue;
            };
            let mut bad = None;
            let mut pasted = |v: Option<&Value>, what: &'static str, f: &dyn Fn(String) -> String| -> Option<String> {
                let v = v?;
                let s = f(as_text(v));
                let r = templated_string(&s);
                if r.is_none() {
                    bad = Some(what);
                }
                r
            };
            let description = pasted(present(o.get("description")), "description", &|s| s);
            let name = pasted(present(o.get("name")), "name", &|s| s);
            let input_text = pasted(input, "input", &|s| strip_escaped_newlines(&s.replace('"', "\\\"")));
            let input_path_text = pasted(input_path, "inputPath", &|s| s.replace("\r\n", "").replace('\n', ""));
            if let Some(what) = bad {
                qc::report(
                    e,
                    Diagnostic::error(
                        codes::INVALID_VALUE,
                        format!("this `{what}` breaks the JSON text Serverless v3 builds for the rule (it pastes the value raw)"),
                    )
                    .help("avoid `\"`, backslashes and control characters here"),
                    key,
                    i,
                    &["cloudwatchEvent", what],
                );
                continue;
            }
            let rule_id = naming::cloudwatch_event_rule(key, number);
            let depends_on = alias_id(f);
            let mut target = Map::new();
            if let Some(s) = input_text {
                target.insert("Input".into(), json!(s));
            }
            if let Some(s) = input_path_text {
                target.insert("InputPath".into(), json!(s));
            }
            if let Some(t) = transformer {
                let mut out = Map::new();
                if let Some(tpl) = t.get("inputTemplate") {
                    out.insert("InputTemplate".into(), tpl.clone());
                }
                if let Some(m) = present(t.get("inputPathsMap")) {
                    out.insert("InputPathsMap".into(), m.clone());
                }
                target.insert("InputTransformer".into(), Value::Object(out));
            }
            target.insert("Arn".into(), f.target.clone());
            target.insert("Id".into(), json!(naming::cloudwatch_event_target_id(key)));
            let mut props = Map::new();
            props.insert("EventPattern".into(), pattern);
            props.insert("State".into(), json!(state));
            if let Some(d) = description {
                props.insert("Description".into(), json!(d));
            }
            if let Some(n) = name {
                props.insert("Name".into(), json!(n));
            }
            props.insert("Targets".into(), json!([Value::Object(target)]));
            let (rule, perm) = qc::events_rule_and_permission(props, depends_on.as_deref(), &f.target, &rule_id);
            e.merge_resource(&rule_id, rule);
            e.merge_resource(&naming::cloudwatch_event_permission(key, number), perm);
        }
    }
}

/// v3's `longestCommonSuffix` (which is a common prefix) of a function's log groups so far,
/// `*`-terminated for several groups. v3 recomputes it over every group at each event; it is
/// kept up to date here instead, so a function with thousands of groups stays linear.
#[derive(Default)]
struct CommonPrefix {
    chars: Option<Vec<char>>,
    count: usize,
}

impl CommonPrefix {
    fn push(&mut self, group: &str) {
        self.count += 1;
        match &mut self.chars {
            None => self.chars = Some(group.chars().collect()),
            Some(common) => {
                let same = common.iter().zip(group.chars()).take_while(|(a, b)| **a == *b).count();
                common.truncate(same);
            }
        }
    }

    fn text(&self) -> String {
        let mut s: String = self.chars.iter().flatten().collect();
        if self.count > 1 && !s.ends_with('*') {
            s.push('*');
        }
        s
    }
}

/// v3 unescapes `\"`, `\\` and `\'` once when the first backslash comes before the first quote.
fn unescape_filter(p: &str) -> String {
    match (p.find('\\'), p.find('"')) {
        (Some(slash), Some(quote)) if quote > slash => {
            let mut out = String::with_capacity(p.len());
            let mut chars = p.chars().peekable();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    if let Some(&n @ ('"' | '\\' | '\'')) = chars.peek() {
                        out.push(n);
                        chars.next();
                        continue;
                    }
                }
                out.push(c);
            }
            out
        }
        _ => p.to_string(),
    }
}

pub fn compile_log(e: &mut EventCtx) {
    let mut per_group: IndexMap<String, usize> = IndexMap::new();
    let functions = e.functions.clone();
    for f in functions.iter() {
        let key = f.key.as_str();
        let mut number = 0usize;
        let mut groups = CommonPrefix::default();
        for (i, body) in f.events_of("cloudwatchLog") {
            if !cfgen_model::coerce::truthy(body) {
                continue;
            }
            number += 1;
            let (group, filter) = match body {
                Value::String(s) => (s.clone(), String::new()),
                Value::Object(o) => {
                    qc::check_keys(e, key, i, "cloudwatchLog", body, &["logGroup", "filter"]);
                    let Some(Value::String(g)) = o.get("logGroup") else {
                        qc::report(
                            e,
                            Diagnostic::error(codes::MISSING_KEY, "a `cloudwatchLog` event needs `logGroup`, the name of a log group")
                                .help("write `logGroup: /aws/lambda/other-function`"),
                            key,
                            i,
                            &["cloudwatchLog"],
                        );
                        continue;
                    };
                    let filter = match present(o.get("filter")) {
                        Some(v) => as_text(v),
                        None => String::new(),
                    };
                    (g.clone(), filter)
                }
                other => {
                    qc::error(
                        e,
                        codes::INVALID_TYPE,
                        format!("a `cloudwatchLog` event must be a log group name or a mapping with `logGroup`, not {}", shown(other)),
                        key,
                        i,
                        &["cloudwatchLog"],
                    );
                    continue;
                }
            };
            let valid = !group.is_empty() && group.chars().all(|c| c.is_ascii_alphanumeric() || "/#-_.".contains(c));
            if !valid
                && qc::schema_issue(
                    e,
                    codes::INVALID_VALUE,
                    format!("`{group}` is not a log group name (letters, digits and `/#-_.`)"),
                    key,
                    i,
                    if body.is_object() { &["cloudwatchLog", "logGroup"] } else { &["cloudwatchLog"] },
                )
            {
                continue;
            }
            let group = group.replace("\r\n", "").replace('\n', "");
            let filter = filter.replace("\r\n", "").replace('\n', "");
            let count = per_group.entry(group.clone()).or_insert(0);
            *count += 1;
            if *count > 2 {
                qc::report(e,
                    Diagnostic::error(
                        codes::INVALID_VALUE,
                        format!("Only 2 subscription filters can be configured per log group. You're attempting to configure more subscription filters than allowed for \"{group}\"."),
                    )
                    .help("CloudWatch Logs allows two subscription filters per log group; remove the extra events"),
                    key,
                    i,
                    &["cloudwatchLog"],
                );
                continue;
            }
            let Some(group_text) = templated_string(&group) else {
                qc::error(
                    e,
                    codes::INVALID_VALUE,
                    "this log group name breaks the JSON text Serverless v3 builds for the subscription filter",
                    key,
                    i,
                    &["cloudwatchLog"],
                );
                continue;
            };
            groups.push(&group);
            let filter = unescape_filter(&filter);
            let perm_id = naming::cloudwatch_log_permission(key);
            let mut depends_on = vec![json!(&perm_id)];
            if let Some(a) = alias_id(f) {
                depends_on.push(json!(a));
            }
            let filter_res = json!({
                "Type": "AWS::Logs::SubscriptionFilter",
                "DependsOn": depends_on,
                "Properties": {
                    "LogGroupName": group_text,
                    "FilterPattern": filter,
                    "DestinationArn": &f.target
                }
            });
            let Some(prefix) = templated_string(&groups.text()) else {
                qc::error(
                    e,
                    codes::INVALID_VALUE,
                    "these log group names break the JSON text Serverless v3 builds for the permission",
                    key,
                    i,
                    &["cloudwatchLog"],
                );
                continue;
            };
            let mut perm = Map::new();
            perm.insert("Type".into(), json!("AWS::Lambda::Permission"));
            if let Some(a) = alias_id(f) {
                perm.insert("DependsOn".into(), json!([a]));
            }
            perm.insert(
                "Properties".into(),
                json!({
                    "FunctionName": &f.target,
                    "Action": "lambda:InvokeFunction",
                    "Principal": {"Fn::Join": ["", ["logs.", {"Ref": "AWS::Region"}, ".amazonaws.com"]]},
                    "SourceArn": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":logs:", {"Ref": "AWS::Region"}, ":", {"Ref": "AWS::AccountId"}, ":log-group:", prefix, ":*"]]}
                }),
            );
            e.merge_resource(&naming::cloudwatch_log_filter(key, number), filter_res);
            e.merge_resource(&perm_id, Value::Object(perm));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_and_unescape() {
        let prefix = |groups: &[&str]| {
            let mut p = CommonPrefix::default();
            groups.iter().for_each(|g| p.push(g));
            p.text()
        };
        assert_eq!(prefix(&["/aws/lambda/a", "/aws/lambda/b"]), "/aws/lambda/*");
        assert_eq!(prefix(&["/x"]), "/x");
        assert_eq!(prefix(&["/x", "/x"]), "/x*");
        assert_eq!(prefix(&["/aws/a", "/aws/ab", "/b"]), "/*");
        assert_eq!(prefix(&["/a*", "/a*b"]), "/a*", "no second `*`");
        assert_eq!(prefix(&["/ab", "/a"]), "/a*");
        assert_eq!(unescape_filter(r#"{ $.a = \"b\" }"#), r#"{ $.a = "b" }"#);
        assert_eq!(unescape_filter(r#""a" \x"#), r#""a" \x"#);
        assert_eq!(strip_escaped_newlines(r"a\nb\rc\t"), r"abc\t");
    }
}
