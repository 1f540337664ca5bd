//! Test support: the comparison `../shared/tools/cfn-compare` makes, ported so `cargo test`
//! needs no Python. Two templates are equivalent when they are equal after masking what
//! Serverless makes differently on every run or from its own zip bytes.

use serde_json::{Map, Value};

/// `<X>LambdaVersion<hash>`, `ApiGatewayDeployment<digits>`, `WebsocketsDeployment<hash>`
/// lose their hash.
pub fn norm_id(name: &str) -> String {
    let alnum = |s: &str, min: usize| s.len() >= min && s.chars().all(|c| c.is_ascii_alphanumeric());
    if let Some(rest) = name.strip_prefix("ApiGatewayDeployment") {
        if rest.len() >= 6 && rest.chars().all(|c| c.is_ascii_digit()) {
            return "ApiGatewayDeployment#".into();
        }
    }
    if let Some(rest) = name.strip_prefix("WebsocketsDeployment") {
        if alnum(rest, 16) {
            return "WebsocketsDeployment#".into();
        }
    }
    let mut search = name.len();
    while let Some(i) = name[..search].rfind("LambdaVersion") {
        let suffix = &name[i + "LambdaVersion".len()..];
        if i > 0 && alnum(suffix, 16) {
            return format!("{}LambdaVersion#", &name[..i]);
        }
        search = i;
    }
    name.to_string()
}

fn norm_s3_key(s: &str) -> String {
    let parts: Vec<&str> = s.splitn(5, '/').collect();
    if parts.len() == 5
        && parts[0] == "serverless"
        && !parts[1].is_empty()
        && !parts[2].is_empty()
        && !parts[3].is_empty()
        && !parts[4].is_empty()
    {
        format!("serverless/{}/{}/*/{}", parts[1], parts[2], parts[4])
    } else {
        s.to_string()
    }
}

fn norm_sub(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        match after.find('}') {
            Some(j) if j > 0 && !after.starts_with('!') => {
                let inner = &after[..j];
                let (head, tail) = match inner.split_once('.') {
                    Some((h, t)) => (h, format!(".{t}")),
                    None => (inner, String::new()),
                };
                out.push_str(&format!("${{{}{}}}", norm_id(head), tail));
                rest = &after[j + 1..];
            }
            _ => {
                out.push_str("${");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn normalise(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, x) in m {
                let nx = match (k.as_str(), x) {
                    ("Ref", Value::String(s)) => Value::String(norm_id(s)),
                    ("Fn::GetAtt", Value::Array(a)) if a.first().is_some_and(Value::is_string) => {
                        let mut n = vec![Value::String(norm_id(a[0].as_str().unwrap_or_default()))];
                        n.extend(a[1..].iter().map(normalise));
                        Value::Array(n)
                    }
                    ("Fn::GetAtt", Value::String(s)) => {
                        let (h, t) = s.split_once('.').unwrap_or((s, ""));
                        serde_json::json!([norm_id(h), t])
                    }
                    ("Fn::Sub", Value::String(s)) => Value::String(norm_sub(s)),
                    ("Fn::Sub", Value::Array(a)) if a.first().is_some_and(Value::is_string) => {
                        let mut n = vec![Value::String(norm_sub(a[0].as_str().unwrap_or_default()))];
                        n.extend(a[1..].iter().map(normalise));
                        Value::Array(n)
                    }
                    ("DependsOn", x) => {
                        let items: Vec<Value> = match x {
                            Value::Array(a) => a.clone(),
                            other => vec![other.clone()],
                        };
                        let mut keys: Vec<String> = items
                            .iter()
                            .map(|i| match i {
                                Value::String(s) => norm_id(s),
                                other => other.to_string(),
                            })
                            .collect();
                        keys.sort();
                        Value::Array(keys.into_iter().map(Value::String).collect())
                    }
                    ("CodeSha256", _) => Value::String("*".into()),
                    ("S3Key", Value::String(s)) => Value::String(norm_s3_key(s)),
                    _ => normalise(x),
                };
                out.insert(k.clone(), nx);
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(normalise).collect()),
        other => other.clone(),
    }
}

/// The template with every accepted difference masked.
pub fn normalise_template(t: &Value) -> Value {
    let mut t = normalise(t);
    if let Value::Object(m) = &mut t {
        for section in ["Resources", "Outputs", "Conditions", "Parameters", "Mappings"] {
            if let Some(Value::Object(s)) = m.get(section) {
                let renamed: Map<String, Value> = s.iter().map(|(k, v)| (norm_id(k), v.clone())).collect();
                m.insert(section.into(), Value::Object(renamed));
            }
        }
        if let Some(Value::Object(outs)) = m.get_mut("Outputs") {
            for (k, v) in outs.iter_mut() {
                if let Value::Object(o) = v {
                    if k.ends_with("LambdaLayerHash") {
                        o.insert("Value".into(), Value::String("*".into()));
                    }
                    if k.ends_with("LambdaLayerS3Key") {
                        if let Some(Value::String(s)) = o.get("Value") {
                            let n = norm_s3_key(s);
                            o.insert("Value".into(), Value::String(n));
                        }
                    }
                }
            }
        }
    }
    t
}

/// The differences between two templates after normalisation (empty when equivalent), as
/// `path: why` lines like cfn-compare's.
pub fn differences(expected: &Value, actual: &Value) -> Vec<String> {
    let e = normalise_template(expected);
    let a = normalise_template(actual);
    let mut rows = Vec::new();
    let empty = Map::new();
    for section in ["Resources", "Outputs", "Conditions", "Parameters", "Mappings"] {
        let es = e.get(section).and_then(Value::as_object).unwrap_or(&empty);
        let acts = a.get(section).and_then(Value::as_object).unwrap_or(&empty);
        let mut keys: Vec<&String> = es.keys().chain(acts.keys()).collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            match (es.get(k), acts.get(k)) {
                (Some(_), None) => rows.push(format!("/{section}/{k}: missing in actual")),
                (None, Some(_)) => rows.push(format!("/{section}/{k}: extra in actual")),
                (Some(x), Some(y)) => {
                    if let Some(d) = first_difference(x, y, &format!("/{section}/{k}")) {
                        rows.push(d);
                    }
                }
                (None, None) => {}
            }
        }
    }
    let sections = ["Resources", "Outputs", "Conditions", "Parameters", "Mappings"];
    let eo = e.as_object().unwrap_or(&empty);
    let ao = a.as_object().unwrap_or(&empty);
    let mut keys: Vec<&String> = eo.keys().chain(ao.keys()).filter(|k| !sections.contains(&k.as_str())).collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        let x = eo.get(k).cloned().unwrap_or(Value::Null);
        let y = ao.get(k).cloned().unwrap_or(Value::Null);
        if let Some(d) = first_difference(&x, &y, &format!("/{k}")) {
            rows.push(d);
        }
    }
    rows
}

fn first_difference(a: &Value, b: &Value, path: &str) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let p = format!("{path}/{k}");
                match (x.get(k), y.get(k)) {
                    (None, Some(v)) => return Some(format!("{p}: only in actual: {v}")),
                    (Some(v), None) => return Some(format!("{p}: only in expected: {v}")),
                    (Some(v), Some(w)) => {
                        if let Some(d) = first_difference(v, w, &p) {
                            return Some(d);
                        }
                    }
                    (None, None) => {}
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) => {
            for (i, (v, w)) in x.iter().zip(y).enumerate() {
                if let Some(d) = first_difference(v, w, &format!("{path}/{i}")) {
                    return Some(d);
                }
            }
            (x.len() != y.len()).then(|| format!("{path}: list length {} != {}", x.len(), y.len()))
        }
        _ if a == b => None,
        _ => Some(format!("{path}: {a} != {b}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn masks_run_dependent_values() {
        let e = json!({"Resources": {"ALambdaVersionAbcdefghijklmnopqrstu": {"Properties": {"CodeSha256": "x"}, "DependsOn": ["B", "A"]},
            "F": {"Properties": {"Code": {"S3Key": "serverless/s/dev/0000000000000-1970-01-01T00:00:00.000Z/s.zip"}}}}});
        let a = json!({"Resources": {"ALambdaVersionZZZZZZZZZZZZZZZZZZZZ": {"Properties": {"CodeSha256": "y"}, "DependsOn": ["A", "B"]},
            "F": {"Properties": {"Code": {"S3Key": "serverless/s/dev/cfgen-0123/s.zip"}}}}});
        assert!(differences(&e, &a).is_empty());
        let b = json!({"Resources": {"ALambdaVersionZZZZZZZZZZZZZZZZZZZZ": {"Properties": {"CodeSha256": "y"}, "DependsOn": ["A"]}}});
        assert!(!differences(&e, &b).is_empty());
    }
}
