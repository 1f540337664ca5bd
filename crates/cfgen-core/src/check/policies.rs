//! IAM identity policies: the policies of roles, users and groups and the `AWS::IAM::Policy` /
//! `ManagedPolicy` documents. A statement there names no principal: IAM refuses the document
//! (`MalformedPolicyDocument: Policy document should not specify a principal`) and the deploy
//! fails. Serverless v3 packages such a statement without a word, as its schema gives the
//! execution role's statements and resource policies one shape; the resource schemas of
//! CloudFormation take a policy document as any JSON, so [`super::cfn`] cannot see it.

use super::finding;
use super::provenance::{Origin, Provenance};
use cfgen_syntax::{codes, Diagnostic, Node, Severity, Span};
use serde_json::Value;

/// The two keys a statement of an identity policy may not have.
const PRINCIPALS: [&str; 2] = ["Principal", "NotPrincipal"];

/// Report every statement of an identity policy in `template` that names a principal.
pub fn check(template: &Value, node: &Node, prov: &Provenance, found: &mut Vec<(Diagnostic, Option<Span>)>) {
    let Some(resources) = template.get("Resources").and_then(Value::as_object) else { return };
    for (id, res) in resources {
        let Some(props) = res.get("Properties") else { continue };
        let documents: Vec<(Vec<String>, &Value)> = match res.get("Type").and_then(Value::as_str).unwrap_or_default() {
            "AWS::IAM::Role" | "AWS::IAM::User" | "AWS::IAM::Group" => match props.get("Policies") {
                Some(Value::Array(list)) => list
                    .iter()
                    .enumerate()
                    .filter_map(|(i, p)| {
                        Some((vec!["Policies".to_string(), i.to_string(), "PolicyDocument".into()], p.get("PolicyDocument")?))
                    })
                    .collect(),
                _ => continue,
            },
            "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" | "AWS::IAM::RolePolicy" | "AWS::IAM::UserPolicy" | "AWS::IAM::GroupPolicy" => {
                match props.get("PolicyDocument") {
                    Some(d) => vec![(vec!["PolicyDocument".into()], d)],
                    None => continue,
                }
            }
            _ => continue,
        };
        for (path, document) in documents {
            let statements: Vec<(Option<usize>, &Value)> = match document.get("Statement") {
                Some(Value::Array(list)) => list.iter().enumerate().map(|(i, s)| (Some(i), s)).collect(),
                Some(s @ Value::Object(_)) => vec![(None, s)],
                _ => continue,
            };
            for (index, statement) in statements {
                for key in PRINCIPALS.into_iter().filter(|k| statement.get(*k).is_some()) {
                    let mut at: Vec<String> = path.clone();
                    at.push("Statement".into());
                    at.extend(index.map(|i| i.to_string()));
                    let shown = format!("{id}.Properties.{}", at.join("."));
                    at.push(key.into());
                    let origin = written(node, id, key, &statement[key]).unwrap_or_else(|| {
                        let refs: Vec<&str> = at.iter().map(String::as_str).collect();
                        prov.resource(id, res, &refs)
                    });
                    let mut f = finding(
                        codes::CFN_UNKNOWN_PROPERTY,
                        Severity::Error,
                        format!("`{shown}` names a `{key}`: a statement of an identity policy names none, and IAM refuses the policy"),
                        origin,
                    );
                    f.0 = f.0.help(format!(
                        "remove `{key}`: a role's, user's or group's policy applies to whoever holds it (who may assume a role is its `AssumeRolePolicyDocument`)"
                    ));
                    found.push(f);
                }
            }
        }
    }
}

/// Where the user wrote the statement's `key` of the execution role, which Serverless assembles
/// from `provider.iam.role.statements` and the older `provider.iamRoleStatements`: the first
/// statement there with the same value under `key`.
fn written(node: &Node, id: &str, key: &str, value: &Value) -> Option<Origin> {
    if id != crate::naming::ROLE {
        return None;
    }
    let lists = [node.pointer(["provider", "iam", "role", "statements"]), node.pointer(["provider", "iamRoleStatements"])];
    lists.into_iter().flatten().filter_map(Node::as_seq).flatten().find_map(|s| {
        let m = s.as_map()?;
        let v = m.get(key)?;
        (v.to_json() == *value).then(|| Origin { span: m.key_span(key), extent: Some(s.span) })
    })
}
