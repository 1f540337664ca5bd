//! serverless-cf-vars 0.3.5: `#{X}` in resources and outputs becomes `${X}` inside an
//! `Fn::Sub` (the string is wrapped in one unless it already sits under an `Fn::Sub` key).
//!
//! Its quirk is kept: once a key named `Fn::Sub` is met in an object, every later sibling (and
//! everything below them) counts as being inside `Fn::Sub` too.

use crate::json::json;
use serde_json::Value;

/// Rewrite `Resources` and `Outputs` (run after `resources:` is merged).
pub fn apply(template: &mut Value) {
    for section in ["Resources", "Outputs"] {
        if let Some(v) = template.get_mut(section) {
            step(v, false);
        }
    }
}

fn step(node: &mut Value, mut inside_sub: bool) {
    let visit = |key: Option<&str>, v: &mut Value, inside_sub: &mut bool| {
        *inside_sub = *inside_sub || key == Some("Fn::Sub");
        match v {
            Value::Object(_) | Value::Array(_) => step(v, *inside_sub),
            Value::String(s) if s.contains("#{") => {
                if let Some(replaced) = super::replace_references(s, true) {
                    *v = if *inside_sub { Value::String(replaced) } else { json!({"Fn::Sub": replaced}) };
                }
            }
            _ => {}
        }
    };
    match node {
        Value::Object(m) => {
            for (k, v) in m.iter_mut() {
                visit(Some(k.as_str()), v, &mut inside_sub);
            }
        }
        Value::Array(a) => {
            for v in a.iter_mut() {
                visit(None, v, &mut inside_sub);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_unless_inside_sub() {
        let mut t = json!({"Resources": {"A": {"Properties": {
            "Plain": "arn:#{AWS::Partition}:x",
            "Sub": {"Fn::Sub": ["#{A}-${B}", {"B": "b"}]}
        }}}, "Outputs": {}});
        apply(&mut t);
        assert_eq!(t["Resources"]["A"]["Properties"]["Plain"], json!({"Fn::Sub": "arn:${AWS::Partition}:x"}));
        assert_eq!(t["Resources"]["A"]["Properties"]["Sub"], json!({"Fn::Sub": ["${A}-${B}", {"B": "b"}]}));
    }
}
