//! serverless-cloudformation-sub-variables 0.2.1 (`aws:package:finalize:mergeCustomProviderResources`,
//! after the merge): every string of the whole template holding `#{X}` becomes `${X}`, inside
//! an `{"Fn::Sub": ...}` wrapper unless the string sits directly in the value of an `Fn::Sub`
//! key (its array's elements, not deeper).

use crate::json::json;
use serde_json::Value;

/// Rewrite the compiled template.
pub fn apply(template: &mut Value) {
    recurse(template, false);
}

fn recurse(node: &mut Value, sub_child: bool) {
    let visit = |key: Option<&str>, v: &mut Value| match v {
        Value::Object(_) | Value::Array(_) => recurse(v, key == Some("Fn::Sub")),
        Value::String(s) => {
            if let Some(replaced) = super::replace_references(s, true) {
                *v = if sub_child { Value::String(replaced) } else { json!({ "Fn::Sub": replaced }) };
            }
        }
        _ => {}
    };
    match node {
        Value::Object(m) => m.iter_mut().for_each(|(k, v)| visit(Some(k), v)),
        Value::Array(a) => a.iter_mut().for_each(|v| visit(None, v)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_unless_directly_under_sub() {
        let mut t = json!({"Resources": {"A": {"Properties": {
            "Plain": "arn:#{AWS::Partition}:x",
            "Sub": {"Fn::Sub": ["#{A}-${B}", {"B": "#{C}"}]},
            "SubString": {"Fn::Sub": "#{D}"},
            "None": "${E}"
        }}}});
        apply(&mut t);
        let p = &t["Resources"]["A"]["Properties"];
        assert_eq!(p["Plain"], json!({"Fn::Sub": "arn:${AWS::Partition}:x"}));
        assert_eq!(p["Sub"], json!({"Fn::Sub": ["${A}-${B}", {"B": {"Fn::Sub": "${C}"}}]}));
        assert_eq!(p["SubString"], json!({"Fn::Sub": {"Fn::Sub": "${D}"}}));
        assert_eq!(p["None"], json!("${E}"));
    }
}
