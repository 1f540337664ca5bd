//! References between the parts of the template: every `Ref`, `Fn::GetAtt`, `Fn::Sub`
//! variable, `DependsOn`, condition (`Condition`, `Fn::If`) and `Fn::FindInMap` map names
//! something the template defines (a resource, a parameter, a pseudo parameter, a condition, a
//! mapping), and `Fn::GetAtt` asks for an attribute the resource's type has (for the types whose
//! schema cfgen carries). CloudFormation refuses a template that names anything else (`Unresolved resource
//! dependencies [X] in the Resources block of the template`, `Template format error`) before it
//! creates a single resource, and Serverless v3 packages such a template without a word: a
//! `Ref` in `resources:` to a misspelt logical id, or a plugin that points at a resource v3 did
//! not create.
//!
//! A template with a `Transform` (SAM, macros) is left alone: the transform adds resources.

use super::cfn::{owned, Seg};
use super::finding;
use super::provenance::{Origin, Provenance};
use cfgen_syntax::{codes, Diagnostic, Severity, Span};
use serde_json::{Map, Value};

/// The pseudo parameters `Ref` and `Fn::Sub` may name.
const PSEUDO: &[&str] = &[
    "AWS::AccountId",
    "AWS::NotificationARNs",
    "AWS::NoValue",
    "AWS::Partition",
    "AWS::Region",
    "AWS::StackId",
    "AWS::StackName",
    "AWS::URLSuffix",
];

/// What the template defines.
struct Names<'a> {
    resources: Option<&'a Map<String, Value>>,
    parameters: Option<&'a Map<String, Value>>,
    conditions: Option<&'a Map<String, Value>>,
    mappings: Option<&'a Map<String, Value>>,
    /// Set when the walk meets an `Fn::Transform` (a macro that may add what is missing).
    transform: std::cell::Cell<bool>,
}

/// One reference to something the template does not define, at a path below where the walk
/// started.
struct Unresolved {
    path: Vec<String>,
    message: String,
    suggestion: Option<String>,
    /// What to write instead, where the reference is malformed rather than unknown.
    fix: Option<&'static str>,
}

impl Names<'_> {
    fn has(section: Option<&Map<String, Value>>, name: &str) -> bool {
        section.is_some_and(|m| m.contains_key(name))
    }
    fn suggest(section: Option<&Map<String, Value>>, name: &str) -> Option<String> {
        cfgen_syntax::diagnostic::did_you_mean(name, section.into_iter().flat_map(|m| m.keys().map(String::as_str))).map(|s| s.to_string())
    }
    /// A name `Ref` (or a `${}` of `Fn::Sub` without a dot) may take.
    fn referable(&self, name: &str) -> bool {
        PSEUDO.contains(&name) || Self::has(self.resources, name) || Self::has(self.parameters, name)
    }
    fn unresolved_ref(&self, name: &str, how: &str, path: &[Seg]) -> Option<Unresolved> {
        (!self.referable(name)).then(|| Unresolved {
            path: owned(path),
            message: format!("{how} names `{name}`, which is not a resource, a parameter or a pseudo parameter of the template"),
            suggestion: Self::suggest(self.resources, name).or_else(|| Self::suggest(self.parameters, name)),
            fix: None,
        })
    }
    fn unresolved_resource(&self, name: &str, how: &str, path: &[Seg]) -> Option<Unresolved> {
        (!Self::has(self.resources, name)).then(|| Unresolved {
            path: owned(path),
            message: format!("{how} names `{name}`, which is not a resource of the template"),
            suggestion: Self::suggest(self.resources, name),
            fix: None,
        })
    }
    fn unresolved_condition(&self, name: &str, how: &str, path: &[Seg]) -> Option<Unresolved> {
        (!Self::has(self.conditions, name)).then(|| Unresolved {
            path: owned(path),
            message: format!("{how} names the condition `{name}`, which the template's `Conditions` do not define"),
            suggestion: Self::suggest(self.conditions, name),
            fix: None,
        })
    }

    /// An attribute `Fn::GetAtt` asks of a resource whose type's schema cfgen carries and does
    /// not list it (by its first part: `Endpoint.Address` is `Endpoint`'s): the attributes are
    /// among the schema's properties (its read-only ones).
    fn unknown_attribute(&self, name: &str, attr: &str, path: &[Seg]) -> Option<Unresolved> {
        let ty = self.resources?.get(name)?.get("Type")?.as_str()?;
        let properties = super::cfn::schema(ty)?.root().get("properties")?.as_object()?;
        let first = attr.split('.').next().unwrap_or_default();
        (!properties.contains_key(first)).then(|| Unresolved {
            path: owned(path),
            message: format!("`Fn::GetAtt` asks `{name}` ({ty}) for `{attr}`, an attribute the type does not have"),
            suggestion: cfgen_syntax::diagnostic::did_you_mean(first, properties.keys()).map(|s| s.to_string()),
            fix: None,
        })
    }

    /// Walk a value where CloudFormation evaluates intrinsic functions (`{"Condition": name}` is
    /// one only inside `Conditions`).
    fn walk<'v>(&self, v: &'v Value, conditions: bool, path: &mut Vec<Seg<'v>>, out: &mut Vec<Unresolved>) {
        match v {
            Value::Array(items) => {
                for (i, x) in items.iter().enumerate() {
                    path.push(Seg::Index(i));
                    self.walk(x, conditions, path, out);
                    path.pop();
                }
            }
            Value::Object(m) => {
                if m.len() == 1 {
                    if let Some((k, arg)) = m.iter().next().filter(|(k, _)| conditions || k.as_str() != "Condition") {
                        self.intrinsic(k, arg, path, out);
                    }
                }
                for (k, x) in m {
                    if k == "Fn::Transform" {
                        self.transform.set(true);
                    }
                    path.push(Seg::Key(k));
                    self.walk(x, conditions, path, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }

    /// The names one intrinsic function refers to (its arguments are walked by the caller).
    fn intrinsic(&self, k: &str, arg: &Value, path: &[Seg], out: &mut Vec<Unresolved>) {
        match (k, arg) {
            ("Ref", Value::String(name)) => out.extend(self.unresolved_ref(name, "`Ref`", path)),
            ("Fn::GetAtt", Value::Array(a)) => {
                if let Some(Value::String(name)) = a.first() {
                    match self.unresolved_resource(name, "`Fn::GetAtt`", path) {
                        Some(u) => out.push(u),
                        None => out.extend(a.get(1).and_then(Value::as_str).and_then(|attr| self.unknown_attribute(name, attr, path))),
                    }
                }
                // `[resource, attribute]`; an attribute may be a `Ref` to a parameter.
                let attr_ok = |v: &Value| matches!(v, Value::String(s) if !s.is_empty()) || v.is_object();
                let wrong = match (a.len(), a.get(1)) {
                    (2, Some(attr)) if !attr_ok(attr) => Some(format!("has the attribute `{attr}`")),
                    (2, _) => None,
                    (1, _) => Some("has 1 item".to_string()),
                    (n, _) => Some(format!("has {n} items")),
                };
                if let Some(wrong) = wrong {
                    out.push(Unresolved {
                        path: owned(path),
                        message: format!("`Fn::GetAtt` {wrong}: CloudFormation takes `[resource, attribute]`"),
                        suggestion: None,
                        fix: Some("write `Fn::GetAtt: [resource, attribute]`"),
                    });
                }
            }
            ("Fn::GetAtt", Value::String(s)) => {
                let (name, attr) = s.split_once('.').unwrap_or((s, ""));
                match self.unresolved_resource(name, "`Fn::GetAtt`", path) {
                    Some(u) => out.push(u),
                    None => out.extend(self.unknown_attribute(name, attr, path)),
                }
            }
            ("Fn::Sub", Value::String(s)) => self.sub(s, None, path, out),
            ("Fn::Sub", Value::Array(a)) => {
                if let Some(Value::String(s)) = a.first() {
                    self.sub(s, a.get(1).and_then(Value::as_object), path, out);
                }
            }
            ("Fn::If", Value::Array(a)) => {
                if let Some(Value::String(c)) = a.first() {
                    out.extend(self.unresolved_condition(c, "`Fn::If`", path));
                }
            }
            ("Condition", Value::String(c)) => out.extend(self.unresolved_condition(c, "`Condition`", path)),
            ("Fn::FindInMap", Value::Array(a)) => {
                if let Some(Value::String(map)) = a.first() {
                    if !Self::has(self.mappings, map) {
                        out.push(Unresolved {
                            path: owned(path),
                            message: format!("`Fn::FindInMap` names the mapping `{map}`, which the template's `Mappings` do not define"),
                            suggestion: Self::suggest(self.mappings, map),
                            fix: None,
                        });
                    }
                }
            }
            _ => {}
        }
    }

    /// The `${}` variables of an `Fn::Sub` string: `${Name}` (a `Ref`), `${Name.Attribute}`
    /// (an `Fn::GetAtt`), `${!Literal}` (text); names in the variable map are local.
    fn sub(&self, s: &str, locals: Option<&Map<String, Value>>, path: &[Seg], out: &mut Vec<Unresolved>) {
        let mut rest = s;
        while let Some(i) = rest.find("${") {
            let after = &rest[i + 2..];
            let Some(end) = after.find('}') else { break };
            let name = after[..end].trim();
            rest = &after[end + 1..];
            if name.starts_with('!') || name.is_empty() || locals.is_some_and(|l| l.contains_key(name)) {
                continue;
            }
            // The variable is spelt out only for a finding (pseudo parameters have no dot).
            let how = || format!("`Fn::Sub` (`${{{name}}}`)");
            match name.split_once('.') {
                Some((resource, _)) if !Self::has(self.resources, resource) => out.extend(self.unresolved_resource(resource, &how(), path)),
                None if !self.referable(name) => out.extend(self.unresolved_ref(name, &how(), path)),
                _ => {}
            }
        }
    }
}

/// Report every reference in `template` to something it does not define.
pub fn check(template: &Value, prov: &Provenance, found: &mut Vec<(Diagnostic, Option<Span>)>) {
    if template.get("Transform").is_some() {
        return;
    }
    let section = |k: &str| template.get(k).and_then(Value::as_object);
    let names = Names {
        resources: section("Resources"),
        parameters: section("Parameters"),
        conditions: section("Conditions"),
        mappings: section("Mappings"),
        transform: std::cell::Cell::new(false),
    };
    let before = found.len();
    let report = |at: &str, u: Unresolved, origin: Origin, found: &mut Vec<(Diagnostic, Option<Span>)>| {
        let mut f = finding(codes::CFN_UNRESOLVED_REFERENCE, Severity::Error, format!("{at}: {}", u.message), origin);
        f.0 = f.0.help(match (u.fix, u.suggestion) {
            (Some(fix), _) => format!("{fix}: CloudFormation refuses the whole template before it creates anything"),
            (None, Some(s)) => format!("did you mean `{s}`? CloudFormation refuses the whole template before it creates anything"),
            (None, None) => {
                "define it, or remove the reference: CloudFormation refuses the whole template before it creates anything".into()
            }
        });
        found.push(f);
    };
    for (id, res) in names.resources.into_iter().flatten() {
        let mut out = Vec::new();
        if let Some(p) = res.get("Properties") {
            names.walk(p, false, &mut Vec::new(), &mut out);
        }
        for u in out {
            let path: Vec<&str> = u.path.iter().map(String::as_str).collect();
            let origin = prov.resource(id, res, &path);
            report(&format!("`{id}`"), u, origin, found);
        }
        let depends: Vec<&str> = match res.get("DependsOn") {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        for d in depends {
            if let Some(u) = names.unresolved_resource(d, "`DependsOn`", &[]) {
                report(&format!("`{id}`"), u, prov.attribute(id, res, "DependsOn"), found);
            }
        }
        if let Some(Value::String(c)) = res.get("Condition") {
            if let Some(u) = names.unresolved_condition(c, "`Condition`", &[]) {
                report(&format!("`{id}`"), u, prov.attribute(id, res, "Condition"), found);
            }
        }
    }
    for (section_name, check_condition_key) in [("Outputs", true), ("Conditions", false)] {
        for (name, v) in section(section_name).into_iter().flatten() {
            let mut out = Vec::new();
            match v.as_object() {
                // An output's `Condition` names a condition; its `Value` and `Export` are walked.
                Some(o) if check_condition_key => {
                    for (k, x) in o {
                        let mut path = vec![Seg::Key(k)];
                        match (k.as_str(), x) {
                            ("Condition", Value::String(c)) => out.extend(names.unresolved_condition(c, "`Condition`", &path)),
                            ("Value" | "Export", _) => names.walk(x, false, &mut path, &mut out),
                            _ => {}
                        }
                    }
                }
                _ => names.walk(v, !check_condition_key, &mut Vec::new(), &mut out),
            }
            for u in out {
                let mut at = vec!["resources", section_name, name.as_str()];
                at.extend(u.path.iter().map(String::as_str));
                let origin = prov.key_origin(&at);
                report(&format!("{section_name} `{name}`"), u, origin, found);
            }
        }
    }
    // A macro may define what looks missing.
    if names.transform.get() {
        found.truncate(before);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::json;

    fn names_of(t: &Value) -> Names<'_> {
        Names {
            resources: t.get("Resources").and_then(Value::as_object),
            parameters: t.get("Parameters").and_then(Value::as_object),
            conditions: t.get("Conditions").and_then(Value::as_object),
            mappings: t.get("Mappings").and_then(Value::as_object),
            transform: std::cell::Cell::new(false),
        }
    }

    fn messages(t: &Value) -> Vec<String> {
        let names = names_of(t);
        let mut out = Vec::new();
        names.walk(&t["Resources"], false, &mut Vec::new(), &mut out);
        out.into_iter().map(|u| format!("{} at {}", u.message, u.path.join("."))).collect()
    }

    #[test]
    fn a_get_att_needs_a_resource_and_an_attribute() {
        let t = json!({
            "Parameters": {"Attr": {"Type": "String"}},
            "Resources": {
                "Queue": {"Type": "AWS::SQS::Queue", "Properties": {
                    "A": {"Fn::GetAtt": ["Queue", null]}, "B": {"Fn::GetAtt": ["Queue"]},
                    "C": {"Fn::GetAtt": ["Queue", "Arn", "x"]}, "D": {"Fn::GetAtt": ["Queue", {"Ref": "Attr"}]}
                }}
            }
        });
        assert_eq!(
            messages(&t),
            vec![
                "`Fn::GetAtt` has the attribute `null`: CloudFormation takes `[resource, attribute]` at Queue.Properties.A",
                "`Fn::GetAtt` has 1 item: CloudFormation takes `[resource, attribute]` at Queue.Properties.B",
                "`Fn::GetAtt` has 3 items: CloudFormation takes `[resource, attribute]` at Queue.Properties.C",
            ]
        );
    }

    #[test]
    fn every_kind_of_reference_is_resolved() {
        let t = json!({
            "Parameters": {"Stage": {"Type": "String"}},
            "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Stage"}, "prod"]}},
            "Mappings": {"Sizes": {"dev": {"mb": 128}}},
            "Resources": {
                "Queue": {"Type": "AWS::SQS::Queue", "Properties": {
                    "A": {"Ref": "Stage"}, "B": {"Ref": "AWS::Region"}, "C": {"Fn::GetAtt": ["Queue", "Arn"]},
                    "D": {"Fn::GetAtt": "Queue.Arn"}, "E": {"Fn::Sub": "${Queue}-${Queue.Arn}-${!Literal}-${AWS::StackName}-${Local}"},
                    "F": {"Fn::Sub": ["${Local}", {"Local": {"Ref": "Queue"}}]},
                    "G": {"Fn::If": ["IsProd", 1, {"Ref": "AWS::NoValue"}]}, "H": {"Fn::FindInMap": ["Sizes", "dev", "mb"]}
                }}
            }
        });
        assert_eq!(
            messages(&t),
            vec!["`Fn::Sub` (`${Local}`) names `Local`, which is not a resource, a parameter or a pseudo parameter of the template at Queue.Properties.E"]
        );
    }

    #[test]
    fn misspelt_names_are_found_with_a_suggestion() {
        let t = json!({"Resources": {
            "Queue": {"Type": "AWS::SQS::Queue"},
            "Fn": {"Type": "X", "Properties": {"Q": [{"Ref": "Queu"}], "R": {"Fn::GetAtt": ["Topic", "Arn"]}, "S": {"Fn::If": ["Nope", 1, 2]}, "T": {"Fn::FindInMap": ["M", "a", "b"]}}}
        }});
        let names = names_of(&t);
        let mut out = Vec::new();
        names.walk(&t["Resources"]["Fn"]["Properties"], false, &mut Vec::new(), &mut out);
        let got: Vec<(String, Option<String>)> = out.into_iter().map(|u| (u.path.join("."), u.suggestion)).collect();
        assert_eq!(got, vec![("Q.0".into(), Some("Queue".into())), ("R".into(), None), ("S".into(), None), ("T".into(), None)]);
    }

    #[test]
    fn attributes_come_from_the_type_schema() {
        let t = json!({"Resources": {
            "Q": {"Type": "AWS::SQS::Queue"},
            "C": {"Type": "Custom::Thing"},
            "F": {"Type": "X", "Properties": {
                "A": {"Fn::GetAtt": ["Q", "Arn"]}, "B": {"Fn::GetAtt": "Q.ARN"}, "C": {"Fn::GetAtt": ["C", "Anything"]},
                "D": {"Fn::GetAtt": ["Q", {"Ref": "AWS::Region"}]}
            }}
        }});
        let names = names_of(&t);
        let mut out = Vec::new();
        names.walk(&t["Resources"]["F"]["Properties"], false, &mut Vec::new(), &mut out);
        let got: Vec<(String, Option<String>)> = out.into_iter().map(|u| (u.path.join("."), u.suggestion)).collect();
        assert_eq!(got, vec![("B".into(), Some("Arn".into()))]);
    }

    #[test]
    fn transforms_are_left_alone() {
        let node = cfgen_syntax::Node::from_json(&json!({}), Span::default());
        let prov = Provenance::new(&node);
        let mut found = Vec::new();
        let missing = json!({"Resources": {"A": {"Type": "X", "Properties": {"P": {"Ref": "Nope"}}}}});
        check(&missing, &prov, &mut found);
        assert_eq!(found.len(), 1);
        let mut included = missing.clone();
        included["Resources"]["A"]["Properties"]["Q"] = json!({"Fn::Transform": {"Name": "AWS::Include"}});
        found.clear();
        check(&included, &prov, &mut found);
        assert!(found.is_empty());
        let mut sam = missing;
        sam["Transform"] = json!("AWS::Serverless-2016-10-31");
        check(&sam, &prov, &mut found);
        assert!(found.is_empty());
    }
}
