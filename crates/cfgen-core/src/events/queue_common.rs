//! Helpers shared by the schedule, s3, sns, sqs, stream, cloudwatch and eventBridge compilers:
//! schema-level findings (a warning, or an error under `configValidationMode: error`, as v3's
//! AJV validation), emulation of v3's JSON string templating, and small value accessors.

use super::{EventCtx, FnInfo};
use cfgen_syntax::{codes, Code, Diagnostic, Severity};
use serde_json::Value;

/// Report a schema finding (see [`EventCtx::schema_severity`]); returns whether it is an error.
pub fn schema_issue(e: &mut EventCtx, code: Code, msg: impl Into<String>, key: &str, index: usize, path: &[&str]) -> bool {
    let sev = e.schema_severity();
    report(e, Diagnostic::new(code, sev, msg), key, index, path);
    sev == Severity::Error
}

/// The alias logical id events depend on (provisioned concurrency / SnapStart).
pub fn alias_id(f: &FnInfo) -> Option<String> {
    f.alias.as_ref().map(|(_, id)| id.clone())
}

/// What `JSON.parse` makes of `"<raw>"` when v3 pastes `raw` into a JSON template between
/// quotes; `None` when that text is not valid JSON (v3 then fails with a SyntaxError).
pub fn templated_string(raw: &str) -> Option<String> {
    serde_json::from_str::<String>(&format!("\"{raw}\"")).ok()
}

/// A JavaScript truthiness check for optional values (`undefined`, `null`, `false`, `0`, `""`).
pub fn present(v: Option<&Value>) -> Option<&Value> {
    v.filter(|v| cfgen_model::coerce::truthy(v))
}

/// The value as a string when it is one.
pub fn str_of(v: Option<&Value>) -> Option<&str> {
    v.and_then(Value::as_str)
}

/// A short description of a value for messages.
pub fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    }
}

/// AJV `coerceTypes: "array"`: a list of one scalar, where a scalar is wanted, is read as its
/// item (`batchSize: [5]` is 5).
pub fn single(v: &Value) -> &Value {
    match v {
        Value::Array(items) if items.len() == 1 && !items[0].is_array() && !items[0].is_object() => &items[0],
        _ => v,
    }
}

/// AJV `coerceTypes` for an `integer`/`number` setting: numeric strings become numbers.
pub fn coerce_number(v: &Value) -> Value {
    let v = single(v);
    if let Value::String(s) = v {
        let t = s.trim();
        if !t.is_empty() && t == s {
            if let Ok(i) = t.parse::<i64>() {
                return Value::from(i);
            }
            if let Ok(f) = t.parse::<f64>() {
                if let Some(n) = serde_json::Number::from_f64(f) {
                    return Value::Number(n);
                }
            }
        }
    }
    if let Value::Bool(b) = v {
        return Value::from(i64::from(*b));
    }
    v.clone()
}

/// A warning for a setting written as a list of one scalar, which v3 reads as its item
/// ([`single`]): valid, but a slip worth a word (the editor schema flags it too).
pub fn warn_single(e: &mut EventCtx, key: &str, index: usize, path: &[&str], v: &Value) {
    if let (Value::Array(_), item) = (v, single(v)) {
        if !item.is_array() {
            let shown = cfgen_model::coerce::scalar_string(item).unwrap_or_default();
            let what = format!("a list of one item; Serverless v3 reads it as `{shown}`");
            coercion_warning(e, key, index, path, &what, "write the value without the brackets");
        }
    }
}

/// A warning for a number or boolean where v3's schema types a string: valid, as AJV reads it
/// as its text, but likely a slip (the editor schema flags it too).
pub fn warn_text(e: &mut EventCtx, key: &str, index: usize, path: &[&str], v: &Value) {
    if let Value::Number(_) | Value::Bool(_) = v {
        let text = cfgen_model::coerce::scalar_string(v).unwrap_or_default();
        let what = format!("`{text}`, not text; Serverless v3 reads it as the text `{text}`");
        coercion_warning(e, key, index, path, &what, "quote it");
    }
}

/// "`<field>` in this `<type>` event is <what>", at `path` (`[type, ..., field]`).
fn coercion_warning(e: &mut EventCtx, key: &str, index: usize, path: &[&str], what: &str, help: &str) {
    let field = path.last().copied().unwrap_or_default();
    let ty = path.first().copied().unwrap_or_default();
    let d = Diagnostic::warning(codes::INVALID_TYPE, format!("`{field}` in this `{ty}` event is {what}")).help(help);
    report(e, d, key, index, path);
}

/// AJV `coerceTypes` to a string, of a scalar: a number or boolean as JavaScript prints it
/// (other values stay).
pub fn scalar_to_string(v: &Value) -> Value {
    match v {
        Value::Number(_) | Value::Bool(_) => cfgen_model::coerce::scalar_string(v).map_or_else(|| v.clone(), Value::String),
        other => other.clone(),
    }
}

/// AJV `coerceTypes: "array"` for a list-of-strings setting: a scalar becomes a list of its
/// text, and the numbers and booleans of a list become text (other values stay).
pub fn list_of_text(v: &Value) -> Value {
    match v {
        Value::String(_) | Value::Number(_) | Value::Bool(_) => Value::Array(vec![scalar_to_string(v)]),
        Value::Array(items) => Value::Array(items.iter().map(scalar_to_string).collect()),
        other => other.clone(),
    }
}

/// [`list_of_text`] of the value at `path` inside `v` (a `*` step: each item of a list),
/// where there is one.
pub fn list_of_text_at(v: &mut Value, path: &[&str]) {
    let Some((first, rest)) = path.split_first() else {
        if !v.is_null() {
            *v = list_of_text(v);
        }
        return;
    };
    match (v, *first) {
        (Value::Array(items), "*") => items.iter_mut().for_each(|i| list_of_text_at(i, rest)),
        (Value::Object(o), k) => {
            if let Some(inner) = o.get_mut(k) {
                list_of_text_at(inner, rest);
            }
        }
        _ => {}
    }
}

/// AJV `coerceTypes` for a `string` setting: [`scalar_to_string`] of the value, or of the item
/// of a list of one ([`single`]).
pub fn coerce_string(v: &Value) -> Value {
    scalar_to_string(single(v))
}

/// AJV `coerceTypes` to a boolean, of a scalar: `"true"`/`"false"` and `1`/`0` (other values
/// stay).
pub fn scalar_to_bool(v: &Value) -> Value {
    match v {
        Value::String(s) if s == "true" => Value::Bool(true),
        Value::String(s) if s == "false" => Value::Bool(false),
        Value::Number(n) if n.as_f64() == Some(1.0) => Value::Bool(true),
        Value::Number(n) if n.as_f64() == Some(0.0) => Value::Bool(false),
        other => other.clone(),
    }
}

/// AJV `coerceTypes` for a `boolean` setting: [`scalar_to_bool`] of the value, or of the item
/// of a list of one ([`single`]).
pub fn coerce_bool(v: &Value) -> Value {
    scalar_to_bool(single(v))
}

/// The `fields` of an event body that v3's schema types as strings, coerced in place
/// ([`coerce_string`]), with a warning for each written as a list of one, and with
/// `warn_numbers` for each written as a number or boolean ([`warn_text`]).
pub fn coerce_text_fields(
    e: &mut EventCtx,
    key: &str,
    index: usize,
    ty: &str,
    o: &mut serde_json::Map<String, Value>,
    fields: &[&str],
    warn_numbers: bool,
) {
    for k in fields {
        if let Some(v) = o.get_mut(*k) {
            warn_single(e, key, index, &[ty, k], v);
            if warn_numbers {
                warn_text(e, key, index, &[ty, k], v);
            }
            *v = coerce_string(v);
        }
    }
}

/// The queue/stream/topic name v3 derives from an event source ARN: `Fn::GetAtt[0]`,
/// `Fn::ImportValue`, the last element of a `Fn::Join`, or the text after the last `sep` of
/// a string. `None` where v3 itself crashes (e.g. `Ref`).
pub fn name_from_arn(arn: &Value, sep: char) -> Option<String> {
    match arn {
        Value::String(s) => s.rsplit(sep).next().map(String::from),
        Value::Object(o) => {
            if let Some(g) = o.get("Fn::GetAtt") {
                return g.get(0).and_then(Value::as_str).map(String::from);
            }
            if let Some(v) = o.get("Fn::ImportValue") {
                return v.as_str().map(String::from);
            }
            if let Some(j) = o.get("Fn::Join") {
                return j.get(1).and_then(Value::as_array).and_then(|a| a.last()).and_then(Value::as_str).map(String::from);
            }
            None
        }
        _ => None,
    }
}

/// Report at `path` inside event `index`: at the value when it is a scalar, at its key (e.g.
/// the `sns` of `- sns:`) when it is a mapping or list, whose own span is only its start.
pub fn report(e: &mut EventCtx, d: cfgen_syntax::Diagnostic, key: &str, index: usize, path: &[&str]) {
    let idx = index.to_string();
    let mut full = vec!["functions", key, "events", idx.as_str()];
    full.extend_from_slice(path);
    let collection = e.ctx.node.pointer(full.iter().copied()).is_some_and(|n| n.as_map().is_some() || n.as_seq().is_some() || n.is_null());
    let span = if collection && !path.is_empty() { e.ctx.key_span(&full) } else { e.ctx.span(&full) };
    e.ctx.diags.push(d.at_opt(span));
}

/// An error at `path` inside event `index` (see [`report`]).
pub fn error(e: &mut EventCtx, code: Code, msg: impl Into<String>, key: &str, index: usize, path: &[&str]) {
    report(e, cfgen_syntax::Diagnostic::error(code, msg), key, index, path);
}

/// One value rule of v3's event schema.
pub enum Rule {
    /// An integer in `min..=max` (after AJV's string coercion).
    Int(i64, i64),
    /// A number, fractions too, in `min..=max` (after AJV's string coercion).
    Num(f64, f64),
    /// One of these strings.
    OneOf(&'static [&'static str]),
    /// A string matched by this predicate; the text describes it.
    Text(fn(&str) -> bool, &'static str),
    /// A boolean (after coercion).
    Bool,
}

/// Check `fields` of an object-form event against v3's schema rules: findings are schema
/// issues (warnings, errors under `configValidationMode: error`). Returns whether any is an
/// error. CloudFormation intrinsics (objects) are not checked.
pub fn check_values(e: &mut EventCtx, key: &str, index: usize, ty: &str, body: &Value, fields: &[(&str, Rule)]) -> bool {
    let Value::Object(o) = body else { return false };
    let mut failed = false;
    for (field, rule) in fields {
        let Some(v) = o.get(*field) else { continue };
        if v.is_object() {
            continue;
        }
        if matches!(rule, Rule::Int(..) | Rule::Num(..) | Rule::Bool) {
            // Read through `coerce_number` / `coerce_bool`, which take a list of one as its item.
            warn_single(e, key, index, &[ty, field], v);
        }
        let problem = match rule {
            Rule::Int(min, max) => match coerce_number(v).as_f64() {
                Some(n) if n.fract() == 0.0 && n >= *min as f64 && n <= *max as f64 => None,
                Some(n) if n.fract() == 0.0 => Some(format!("`{field}` must be between {min} and {max}, not {n}")),
                _ => Some(format!("`{field}` must be an integer (between {min} and {max}), not {}", shown(v))),
            },
            Rule::Num(min, max) => match coerce_number(v).as_f64() {
                Some(n) if n >= *min && n <= *max => None,
                Some(n) => Some(format!("`{field}` must be between {min} and {max}, not {n}")),
                _ => Some(format!("`{field}` must be a number (between {min} and {max}), not {}", shown(v))),
            },
            Rule::OneOf(allowed) => match v.as_str() {
                Some(s) if allowed.contains(&s) => None,
                _ => Some(format!(
                    "`{field}` must be one of {}, not {}",
                    allowed.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", "),
                    shown(v)
                )),
            },
            Rule::Text(ok, what) => match v.as_str() {
                Some(s) if ok(s) => None,
                _ => Some(format!("`{field}` must be {what}, not {}", shown(v))),
            },
            Rule::Bool => match coerce_bool(v) {
                Value::Bool(_) => None,
                _ => Some(format!("`{field}` must be true or false, not {}", shown(v))),
            },
        };
        if let Some(msg) = problem {
            failed |= schema_issue(e, codes::INVALID_VALUE, format!("{msg} in this `{ty}` event"), key, index, &[ty, field]);
        }
    }
    failed
}

/// `awsArnString`: starts with `arn:`.
pub fn is_arn(s: &str) -> bool {
    s.starts_with("arn:")
}

/// v3's `pattern`s on text settings inside events, written for `regex_lite`, whose `\d`, `\w`
/// and `\s` are ASCII as JavaScript's `\d` and `\w` are without the `u` flag (JavaScript's `\s`
/// and `.` are spelt out). AJV tests a pattern unanchored unless it anchors itself.
pub mod patterns {
    /// `awsArnString`.
    pub const ARN: &str = "^arn:";
    /// `awsSecretsManagerArnString` (unanchored).
    pub const SECRET_ARN: &str = r"arn:[a-z-]+:secretsmanager:[a-z0-9-]+:\d+:secret:[A-Za-z0-9/_+=.@-]+";
    /// An Amazon MQ broker ARN of `activemq`/`rabbitmq` (unanchored).
    pub const MQ_BROKER_ARN: &str = r"arn:[a-z-]+:mq:[a-z0-9-]+:\d+:broker:[A-Za-z0-9/_+=.@-]+:b-[a-z0-9-]+";
    /// A `kafka` `vpcSubnet` (unanchored).
    pub const SUBNET: &str = "subnet-[a-z0-9]+";
    /// A `kafka` `vpcSecurityGroup` (unanchored).
    pub const SECURITY_GROUP: &str = "sg-[a-z0-9]+";
    /// An `sns` `topicName` (`^[\w-]+$`).
    pub const TOPIC_NAME: &str = r"^[\w-]+$";
    /// `awsAlexaEventToken`.
    pub const ALEXA_TOKEN: &str = r"^[a-zA-Z0-9._\-]+$";
    /// A `cognitoUserPool` `pool` (`^[\w\s+=,.@-]+$`, with JavaScript's white space).
    pub const COGNITO_POOL: &str =
        concat!(r"^[\w\t\n\x0B\x0C\r \u{a0}\u{1680}\u{2000}-\u{200a}\u{2028}\u{2029}\u{202f}\u{205f}\u{3000}\u{feff}", r"+=,.@-]+$");
    /// An `alb` condition's `host` item.
    pub const ALB_HOST: &str = r"^[A-Za-z0-9*?.-]+$";
    /// An `alb` condition's `method` item.
    pub const ALB_METHOD: &str = r"^[A-Z_-]+$";
    /// An `alb` condition's `path` item.
    pub const ALB_PATH: &str = r#"^([A-Za-z0-9*?_.$/~"'@:+-]|&amp;)+$"#;
    /// An `alb` health check's `matcher.httpCode`.
    pub const ALB_HTTP_CODE: &str = r"^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$";
    /// An `alb` event's `targetGroupName`.
    pub const ALB_TARGET_GROUP: &str = r"^[a-zA-Z0-9-]+$";
    /// A `cloudFront` event's `pathPattern`.
    pub const CLOUDFRONT_PATH: &str = r#"^([A-Za-z0-9_.*?$/~"'@:+-]|&amp;)+$"#;
    /// A `cloudFront` origin's `S3OriginConfig.OriginAccessIdentity` (JavaScript's `.`: no line
    /// terminator).
    pub const ORIGIN_ACCESS_IDENTITY: &str = r"^origin-access-identity/cloudfront/[^\n\r\u{2028}\u{2029}]";

    /// A `schedule` event's `name` (unanchored: one such character is enough).
    pub const SCHEDULE_NAME: &str = r"[\.\-_A-Za-z0-9]+";
    /// A `schedule` event's `timezone` (unanchored).
    pub const TIMEZONE: &str = r"[\w\-\/]+";
    /// A `cloudwatchEvent` or `eventBridge` rule's `name` (unanchored).
    pub const RULE_NAME: &str = r"[a-zA-Z0-9-_.]+";

    /// Every pattern above (for the test that they compile).
    #[cfg(test)]
    pub const ALL: [&str; 18] = [
        ARN,
        SECRET_ARN,
        MQ_BROKER_ARN,
        SUBNET,
        SECURITY_GROUP,
        TOPIC_NAME,
        ALEXA_TOKEN,
        COGNITO_POOL,
        ALB_HOST,
        ALB_METHOD,
        ALB_PATH,
        ALB_HTTP_CODE,
        ALB_TARGET_GROUP,
        CLOUDFRONT_PATH,
        ORIGIN_ACCESS_IDENTITY,
        SCHEDULE_NAME,
        TIMEZONE,
        RULE_NAME,
    ];
}

/// Does `s` match `pattern` (one of [`patterns`], compiled once per thread)?
fn matches(pattern: &'static str, s: &str) -> bool {
    thread_local! {
        static COMPILED: std::cell::RefCell<std::collections::HashMap<&'static str, Option<regex_lite::Regex>>> =
            std::cell::RefCell::default();
    }
    s.len() > crate::validate::MAX_PATTERN_INPUT
        || COMPILED.with(|c| {
            c.borrow_mut().entry(pattern).or_insert_with(|| regex_lite::Regex::new(pattern).ok()).as_ref().is_none_or(|re| re.is_match(s))
        })
}

/// One of v3's [`patterns`] on the text setting at `path` of event `index` (the event type
/// first): a schema finding, as AJV's, when the text does not match. A number or boolean is
/// tested as its text, as AJV coerces it; a list item by item (v3 types these settings as lists
/// of text, or reads a text as a list of one); intrinsic functions and null are not tested.
/// Returns whether a finding is an error (`configValidationMode: error`).
pub fn check_pattern(
    e: &mut EventCtx,
    key: &str,
    index: usize,
    path: &[&str],
    v: Option<&Value>,
    pattern: &'static str,
    what: &str,
) -> bool {
    match v {
        Some(Value::Array(items)) => {
            let mut failed = false;
            for (n, item) in items.iter().enumerate() {
                let n = n.to_string();
                let mut at = path.to_vec();
                at.push(&n);
                failed |= check_pattern(e, key, index, &at, Some(item), pattern, what);
            }
            failed
        }
        Some(v @ (Value::String(_) | Value::Number(_) | Value::Bool(_))) => {
            let text = cfgen_model::coerce::scalar_string(v).unwrap_or_default();
            if matches(pattern, &text) {
                return false;
            }
            let ty = path.first().copied().unwrap_or_default();
            let msg = match path.get(1..).filter(|rest| !rest.is_empty()) {
                Some(rest) => format!("`{}` must be {what}, not `{text}` in this `{ty}` event", rest.join(".")),
                None => format!("`{text}` is not {what}"),
            };
            schema_issue(e, codes::INVALID_VALUE, msg, key, index, path)
        }
        _ => false,
    }
}

/// Warn about keys of the object at `path` inside event `index` that `allowed` does not list
/// (v3's schema: `additionalProperties: false`); errors under `configValidationMode: error`.
pub fn check_keys_at(e: &mut EventCtx, key: &str, index: usize, path: &[&str], value: &Value, allowed: &[&str]) {
    let Value::Object(o) = value else { return };
    let sev = e.schema_severity();
    let idx = index.to_string();
    for k in o.keys().filter(|k| !allowed.contains(&k.as_str())) {
        let what = path.join(".");
        let mut d = Diagnostic::new(codes::UNKNOWN_KEY, sev, format!("unknown key `{k}` in `{what}`"));
        if let Some(s) = cfgen_syntax::diagnostic::did_you_mean(k, allowed.iter().copied()) {
            d = d.help(format!("did you mean `{s}`?"));
        }
        let mut full = vec!["functions", key, "events", idx.as_str()];
        full.extend_from_slice(path);
        full.push(k);
        let span = e.ctx.key_span(&full);
        e.ctx.diags.push(d.at_opt(span).label("not a setting here"));
    }
}

/// [`EventCtx::check_keys`] with v3's severity: unknown keys of an event are errors under
/// `configValidationMode: error`.
pub fn check_keys(e: &mut EventCtx, key: &str, index: usize, ty: &str, body: &Value, allowed: &[&str]) {
    let before = e.ctx.diags.len();
    e.check_keys(key, index, ty, body, allowed);
    let sev = e.schema_severity();
    for d in &mut e.ctx.diags[before..] {
        d.severity = sev;
    }
}

/// An `AWS::Events::Rule` with `props` (Targets included) and the `AWS::Lambda::Permission`
/// that lets it invoke `target`, both depending on the function's alias when it has one: the
/// pair schedule and cloudwatchEvent events compile to.
pub fn events_rule_and_permission(
    props: serde_json::Map<String, Value>,
    depends_on: Option<&str>,
    target: &Value,
    rule_id: &str,
) -> (Value, Value) {
    let mut rule = serde_json::Map::new();
    rule.insert("Type".into(), Value::from("AWS::Events::Rule"));
    if let Some(d) = depends_on {
        rule.insert("DependsOn".into(), Value::from(d));
    }
    rule.insert("Properties".into(), Value::Object(props));
    let mut perm = serde_json::Map::new();
    perm.insert("Type".into(), Value::from("AWS::Lambda::Permission"));
    if let Some(d) = depends_on {
        perm.insert("DependsOn".into(), Value::from(d));
    }
    perm.insert(
        "Properties".into(),
        crate::json::json!({
            "FunctionName": target,
            "Action": "lambda:InvokeFunction",
            "Principal": "events.amazonaws.com",
            "SourceArn": {"Fn::GetAtt": [rule_id, "Arn"]}
        }),
    );
    (Value::Object(rule), Value::Object(perm))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_pattern_compiles() {
        for p in patterns::ALL {
            assert!(regex_lite::Regex::new(p).is_ok(), "{p}");
        }
    }

    /// Answers of JavaScript's `RegExp` (without the `u` flag) for the same patterns.
    #[test]
    fn event_patterns_read_as_javascript_does() {
        for (p, s, ok) in [
            (patterns::SUBNET, "my-subnet-1a", true),
            (patterns::SUBNET, "net-1", false),
            (patterns::TOPIC_NAME, "orders_2-x", true),
            (patterns::TOPIC_NAME, "caf\u{e9}", false),
            (patterns::TOPIC_NAME, "\u{661}", false),
            (patterns::COGNITO_POOL, "My Pool\u{a0}1", true),
            (patterns::COGNITO_POOL, "My Pool\u{85}1", false),
            (patterns::COGNITO_POOL, "bad/pool", false),
            (patterns::ALB_HTTP_CODE, "200-299,404", true),
            (patterns::ALB_HTTP_CODE, "20x", false),
            (patterns::ALB_PATH, "/a/&amp;/*", true),
            (patterns::ALB_PATH, "/a b", false),
            (patterns::ORIGIN_ACCESS_IDENTITY, "origin-access-identity/cloudfront/E2", true),
            (patterns::ORIGIN_ACCESS_IDENTITY, "origin-access-identity/cloudfront/\n", false),
            (patterns::SECRET_ARN, "x arn:aws:secretsmanager:us-east-1:123:secret:s1", true),
            (patterns::MQ_BROKER_ARN, "arn:aws:mq:us-east-1:123456789012:broker:b1:wrong", false),
            (patterns::SCHEDULE_NAME, "!!a!!", true),
            (patterns::SCHEDULE_NAME, "!!!", false),
            (patterns::TIMEZONE, "Europe/Paris", true),
            (patterns::TIMEZONE, "@ @", false),
            (patterns::RULE_NAME, "my rule", true),
            (patterns::RULE_NAME, "###", false),
        ] {
            assert_eq!(matches(p, s), ok, "{p} {s:?}");
        }
    }
}
