//! Resources against the CloudFormation resource provider schemas vendored in `schemas/aws/`
//! (from cfn-lint, MIT-0; see the README there). The file holds one line per type,
//! `<Type> <reduced schema>`; it is embedded, indexed on first use, and each type's schema is
//! parsed the first time a resource of that type is checked.
//!
//! Checked: required properties, unknown properties (where the schema closes the object),
//! value types and enums. Values that are intrinsic functions (`Ref`, `Fn::*`) are not checked.
//! CloudFormation reads scalars leniently (`"45"` for an integer, `5` for a string, `"true"`
//! for a boolean); so does this check.

use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::OnceLock;

static DATA: &str = include_str!("../../../../schemas/aws/resources.jsonl");

struct Entry {
    text: &'static str,
    parsed: OnceLock<Option<Value>>,
}

fn index() -> &'static BTreeMap<&'static str, Entry> {
    static INDEX: OnceLock<BTreeMap<&'static str, Entry>> = OnceLock::new();
    INDEX.get_or_init(|| {
        DATA.lines().filter_map(|l| l.split_once(' ')).map(|(t, text)| (t, Entry { text, parsed: OnceLock::new() })).collect()
    })
}

/// The schema of `ty`, parsed once; `None` when the type is not vendored.
pub fn schema(ty: &str) -> Option<&'static Value> {
    let e = index().get(ty)?;
    e.parsed.get_or_init(|| serde_json::from_str(e.text).ok()).as_ref()
}

/// The vendored types (for tests and `--help` texts).
pub fn types() -> impl Iterator<Item = &'static str> {
    index().keys().copied()
}

/// One problem in a resource's properties.
#[derive(Debug, PartialEq)]
pub enum Problem {
    Missing { path: Vec<String>, name: String },
    Unknown { path: Vec<String>, name: String, known: Vec<String> },
    Type { path: Vec<String>, want: String, got: &'static str },
    Enum { path: Vec<String>, value: String, allowed: Vec<String> },
}

/// Check the `Properties` of a resource of a vendored type (`props` is `None` when absent).
pub fn check(schema: &Value, props: Option<&Value>, out: &mut Vec<Problem>) {
    let empty = Value::Object(Default::default());
    let mut path = Vec::new();
    check_value(props.unwrap_or(&empty), schema, schema, &mut path, out, 0);
}

/// `{"Ref": ..}`, `{"Fn::...": ..}` and `{"Condition": ..}` are resolved by CloudFormation.
pub fn is_intrinsic(v: &Value) -> bool {
    match v {
        Value::Object(o) if o.len() == 1 => o.keys().next().is_some_and(|k| k == "Ref" || k == "Condition" || k.starts_with("Fn::")),
        _ => false,
    }
}

fn resolve<'a>(s: &'a Value, root: &'a Value) -> &'a Value {
    let mut cur = s;
    for _ in 0..8 {
        match cur.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/definitions/")) {
            Some(name) => match root.get("definitions").and_then(|d| d.get(name)) {
                Some(t) => cur = t,
                None => return cur,
            },
            None => return cur,
        }
    }
    cur
}

fn type_names(s: &Value) -> Vec<&str> {
    match s.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Whether `v` is acceptable as JSON-schema type `t`, read as CloudFormation reads scalars.
fn fits(v: &Value, t: &str) -> bool {
    match (t, v) {
        ("object", Value::Object(_)) | ("array", Value::Array(_)) | ("boolean", Value::Bool(_)) | ("number", Value::Number(_)) => true,
        ("integer", Value::Number(n)) => n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0),
        ("string", Value::String(_) | Value::Number(_) | Value::Bool(_)) => true,
        ("integer", Value::String(s)) => s.trim().parse::<i64>().is_ok(),
        ("number", Value::String(s)) => s.trim().parse::<f64>().is_ok(),
        ("boolean", Value::String(s)) => s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false"),
        _ => false,
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        // What a Serverless plugin writes for a reference it could not make: told apart so the
        // finding can say so.
        Value::Object(o) if o.is_empty() => EMPTY_OBJECT,
        Value::Object(_) => "object",
    }
}

/// [`Problem::Type`]'s `got` for `{}`.
pub const EMPTY_OBJECT: &str = "an empty object";

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn check_value(v: &Value, s: &Value, root: &Value, path: &mut Vec<String>, out: &mut Vec<Problem>, depth: usize) {
    if depth > 40 || is_intrinsic(v) || v.is_null() {
        return;
    }
    let s = resolve(s, root);
    // Alternatives: take the one alternative whose type fits; several (or none known): no finding.
    for k in ["anyOf", "oneOf"] {
        if let Some(Value::Array(alts)) = s.get(k) {
            let fitting: Vec<&Value> = alts
                .iter()
                .map(|a| resolve(a, root))
                .filter(|a| {
                    let ts = type_names(a);
                    ts.is_empty() || ts.iter().any(|t| fits(v, t))
                })
                .collect();
            if fitting.len() == 1 && type_names(s).is_empty() {
                check_value(v, fitting[0], root, path, out, depth + 1);
            }
            if fitting.is_empty() && type_names(s).is_empty() {
                let want: Vec<&str> = alts.iter().flat_map(|a| type_names(resolve(a, root))).collect();
                if !want.is_empty() {
                    out.push(Problem::Type { path: path.clone(), want: want.join(" or "), got: json_type(v) });
                }
            }
            if type_names(s).is_empty() {
                return;
            }
        }
    }
    let types = type_names(s);
    if !types.is_empty() && !types.iter().any(|t| fits(v, t)) {
        out.push(Problem::Type { path: path.clone(), want: types.join(" or "), got: json_type(v) });
        return;
    }
    if let (Some(Value::Array(allowed)), Some(text)) = (s.get("enum"), scalar_text(v)) {
        let ok = allowed.iter().any(|a| scalar_text(a).as_deref() == Some(text.as_str()));
        if !ok && !allowed.is_empty() {
            out.push(Problem::Enum { path: path.clone(), value: text, allowed: allowed.iter().filter_map(scalar_text).collect() });
        }
    }
    match v {
        Value::Object(o) => {
            let props = s.get("properties").and_then(Value::as_object);
            let patterns = s.get("patternProperties").and_then(Value::as_object);
            let closed = s.get("additionalProperties") == Some(&Value::Bool(false));
            // `Fn::Transform` (a macro) may sit among the properties and rewrite them.
            let macro_inside = o.keys().any(|k| k.starts_with("Fn::"));
            for (k, x) in o {
                if k.starts_with("Fn::") {
                    continue;
                }
                path.push(k.clone());
                if let Some(sub) = props.and_then(|p| p.get(k)) {
                    check_value(x, sub, root, path, out, depth + 1);
                } else if let Some(sub) = patterns.and_then(|p| p.values().next()) {
                    // Without a regex engine every key is taken to match the first pattern.
                    check_value(x, sub, root, path, out, depth + 1);
                } else if let Some(add @ Value::Object(_)) = s.get("additionalProperties") {
                    check_value(x, add, root, path, out, depth + 1);
                } else if closed && props.is_some() && !macro_inside {
                    let name = path.pop().unwrap_or_default();
                    out.push(Problem::Unknown {
                        path: path.clone(),
                        name,
                        known: props.map(|p| p.keys().cloned().collect()).unwrap_or_default(),
                    });
                    continue;
                }
                path.pop();
            }
            if let Some(Value::Array(req)) = s.get("required").filter(|_| !macro_inside) {
                for r in req.iter().filter_map(Value::as_str) {
                    if !o.contains_key(r) {
                        out.push(Problem::Missing { path: path.clone(), name: r.to_string() });
                    }
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = s.get("items") {
                for (i, x) in items.iter().enumerate() {
                    path.push(i.to_string());
                    check_value(x, item_schema, root, path, out, depth + 1);
                    path.pop();
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn problems(ty: &str, props: Value) -> Vec<Problem> {
        let mut out = Vec::new();
        check(schema(ty).expect("vendored"), Some(&props), &mut out);
        out
    }

    #[test]
    fn lambda_function() {
        assert!(types().any(|t| t == "AWS::Lambda::Function"));
        let ok = json!({"Code": {"S3Bucket": {"Ref": "B"}, "S3Key": "k.zip"}, "Role": {"Fn::GetAtt": ["R", "Arn"]}, "MemorySize": "256", "Runtime": "nodejs20.x"});
        assert_eq!(problems("AWS::Lambda::Function", ok), vec![]);
        let bad = json!({"Code": {"S3Bucket": "b", "S3Kee": "k"}, "MemorySize": [1], "Runtime": "cobol"});
        let p = problems("AWS::Lambda::Function", bad);
        assert!(p.iter().any(|x| matches!(x, Problem::Missing { name, .. } if name == "Role")), "{p:?}");
        assert!(p.iter().any(|x| matches!(x, Problem::Unknown { name, path, .. } if name == "S3Kee" && path == &["Code"])), "{p:?}");
        assert!(p.iter().any(|x| matches!(x, Problem::Type { path, .. } if path == &["MemorySize"])), "{p:?}");
        assert!(p.iter().any(|x| matches!(x, Problem::Enum { value, .. } if value == "cobol")), "{p:?}");
    }

    #[test]
    fn macros_and_conditions_are_left_alone() {
        let t = json!({"Fn::Transform": {"Name": "AWS::Include"}, "Whatever": 1});
        assert_eq!(problems("AWS::SQS::Queue", t), vec![]);
        let c = json!({"Code": {"Fn::If": ["C", {"ZipFile": "x"}, {"S3Bucket": "b"}]}, "Role": {"Ref": "R"}});
        assert_eq!(problems("AWS::Lambda::Function", c), vec![]);
    }

    #[test]
    fn scalars_read_leniently() {
        assert!(fits(&json!("45"), "integer"));
        assert!(!fits(&json!("4x"), "integer"));
        assert!(fits(&json!(5), "string"));
        assert!(fits(&json!("TRUE"), "boolean"));
        assert!(!fits(&json!({}), "string"));
    }
}
