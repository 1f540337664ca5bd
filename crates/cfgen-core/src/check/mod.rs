//! Checks of the emitted template, before anyone deploys it: every resource against its
//! CloudFormation resource schema ([`cfn`]), the statements of IAM identity policies
//! ([`policies`]), the names references point at ([`references`]), the quotas of CloudFormation,
//! Lambda, IAM, CloudWatch Logs, API Gateway and EventBridge ([`limits`]), each finding at the
//! serverless.yml line that produced it ([`provenance`]).
//!
//! Runs on every build (after compiling, on the finished template); `cfgen validate` runs the
//! same checks without printing the template. Pure: data is embedded, nothing is read.

pub mod cfn;
pub mod limits;
pub mod policies;
pub mod provenance;
pub mod references;

use cfgen_syntax::{codes, Diagnostic, Node, Severity, Span};
use provenance::{Origin, Provenance};
use serde_json::Value;
use std::collections::BTreeSet;

/// What the checks do (the CLI's `validate` command and flags).
#[derive(Clone, Copy, Debug, Default)]
pub struct CheckOptions {
    /// `cfgen validate`: runtimes whose updates AWS blocks are errors (else warnings).
    pub validate: bool,
    /// `--allow-deprecated-runtimes`: blocked runtimes stay warnings under `validate`.
    pub allow_deprecated_runtimes: bool,
    /// `--no-limit-checks`: leave out the stack quotas (resources, outputs, parameters,
    /// mappings, body size), for tools that split the stack afterwards.
    pub no_limit_checks: bool,
    /// Run none of the checks (`invoke local` and other commands that only need the settings).
    pub skip: bool,
}

/// `cfgen build` produces what Serverless v3 would, so what v3 packages as is (a resource
/// CloudFormation will reject, a name or Lambda setting a service refuses at deploy time) is a
/// warning there, at its line (an error under `--strict`); `cfgen validate` is the gate and
/// reports it as an error. The stack quotas stay errors in `build` too (`--no-limit-checks`
/// lets such a template out, for tools that split stacks).
fn build_keeps_as_error(code: &str) -> bool {
    code == codes::STACK_LIMIT.id
}

/// Resource attributes CloudFormation accepts next to `Type` and `Properties`.
const ATTRIBUTES: &[&str] = &[
    "Type",
    "Properties",
    "DependsOn",
    "DeletionPolicy",
    "UpdateReplacePolicy",
    "Condition",
    "Metadata",
    "CreationPolicy",
    "UpdatePolicy",
    "Version",
];

/// Check `template` (compiled from `node`) and add the findings to `diags`.
pub fn check(template: &Value, node: &Node, opts: &CheckOptions, diags: &mut Vec<Diagnostic>) {
    if opts.skip {
        return;
    }
    let prov = Provenance::new(node);
    let mut found: Vec<(Diagnostic, Option<Span>)> = Vec::new();
    schemas(template, &prov, &mut found);
    policies::check(template, node, &prov, &mut found);
    references::check(template, &prov, &mut found);
    let mut limited = Vec::new();
    limits::check(template, node, &prov, opts, &mut limited);
    // A limit check says more than the schema about the same value (e.g. log retention).
    found.retain(|(d, _)| {
        d.code != codes::CFN_INVALID_VALUE || !limited.iter().any(|(l, _): &(Diagnostic, _)| l.span.is_some() && l.span == d.span)
    });
    found.extend(limited);
    if !opts.validate {
        for (d, _) in found.iter_mut().filter(|(d, _)| d.is_error() && !build_keeps_as_error(d.code.id)) {
            d.severity = Severity::Warning;
            let note = "Serverless v3 packages it and the deploy fails; `cfgen validate` and `--strict` make it an error";
            d.help = Some(match d.help.take() {
                Some(h) => format!("{h} ({note})"),
                None => note.to_string(),
            });
        }
    }
    // A finding inside a construct an earlier stage already flagged (e.g. a value v3's schema
    // only warns about) is that same problem seen again in the output: not repeated.
    // Except that an error about exactly the value the schema walk only warned about (e.g. a
    // log retention CloudWatch does not offer) replaces that warning: it says more, and it is
    // what CloudFormation will do.
    let earlier: Vec<Span> = diags.iter().filter_map(|d| d.span).collect();
    for (d, extent) in found {
        let schema_warning = diags.iter().position(|e| {
            !e.is_error()
                && same_value(e.span.as_ref(), d.span.as_ref())
                && [codes::INVALID_VALUE.id, codes::INVALID_TYPE.id].contains(&e.code.id)
        });
        if let (Some(i), true) = (schema_warning, d.is_error()) {
            diags.remove(i);
        } else if let Some(x) = extent {
            if earlier.iter().any(|s| within(s, &x)) {
                continue;
            }
        }
        diags.push(d);
    }
}

/// Does the schema walk's span `walked` point at the value a check's span `checked` names: the
/// same span, or the value after the key `checked` points at on the same line?
fn same_value(walked: Option<&Span>, checked: Option<&Span>) -> bool {
    match (walked, checked) {
        (Some(w), Some(c)) => w == c || (w.file == c.file && w.line == c.line && c.end_line == c.line && w.col > c.end_col),
        _ => false,
    }
}

fn within(s: &Span, x: &Span) -> bool {
    s.file == x.file && (s.line, s.col) >= (x.line, x.col) && (s.end_line, s.end_col) <= (x.end_line, x.end_col)
}

/// Build a diagnostic at an origin.
pub(crate) fn finding(code: cfgen_syntax::Code, sev: Severity, msg: String, o: Origin) -> (Diagnostic, Option<Span>) {
    (Diagnostic::new(code, sev, msg).at_opt(o.span), o.extent)
}

fn schemas(template: &Value, prov: &Provenance, found: &mut Vec<(Diagnostic, Option<Span>)>) {
    let Some(resources) = template.get("Resources").and_then(Value::as_object) else { return };
    let mut unvendored: BTreeSet<&str> = BTreeSet::new();
    let mut shapes = cfn::Shapes::default();
    for (id, res) in resources {
        let Some(obj) = res.as_object() else {
            found.push(finding(
                codes::CFN_UNKNOWN_TYPE,
                Severity::Error,
                format!("resource `{id}` must be an object with a `Type`"),
                prov.attribute(id, res, "Type"),
            ));
            continue;
        };
        for k in obj.keys().filter(|k| !ATTRIBUTES.contains(&k.as_str())) {
            let mut f = finding(
                codes::CFN_UNKNOWN_PROPERTY,
                Severity::Error,
                format!("resource `{id}` has the attribute `{k}`, which CloudFormation does not define"),
                prov.attribute(id, res, k),
            );
            f.0 = f.0.help(format!("resource attributes are {}; properties go under `Properties`", ATTRIBUTES.join(", ")));
            found.push(f);
        }
        let ty = match obj.get("Type") {
            Some(Value::String(t)) => t.as_str(),
            _ => {
                found.push(finding(
                    codes::CFN_UNKNOWN_TYPE,
                    Severity::Error,
                    format!("resource `{id}` has no `Type`"),
                    prov.attribute(id, res, "Type"),
                ));
                continue;
            }
        };
        let Some(schema) = cfn::schema(ty) else {
            if !ty.starts_with("Custom::") && ty != "AWS::CloudFormation::CustomResource" && unvendored.insert(ty) {
                let mut f = finding(
                    codes::CFN_UNKNOWN_TYPE,
                    Severity::Info,
                    format!("resources of type `{ty}` (first: `{id}`) are not checked: cfgen carries no CloudFormation schema for it"),
                    prov.attribute(id, res, "Type"),
                );
                f.1 = None;
                found.push(f);
            }
            continue;
        };
        let props = obj.get("Properties");
        if props.is_some_and(cfn::is_intrinsic) {
            continue;
        }
        if let Some(p) = props.filter(|p| !p.is_object()) {
            found.push(finding(
                codes::CFN_INVALID_VALUE,
                Severity::Error,
                format!("`Properties` of `{id}` must be an object, not {}", kind(p)),
                prov.resource(id, res, &[]),
            ));
            continue;
        }
        let mut problems = Vec::new();
        cfn::check(schema, props, &mut shapes, &mut problems);
        for p in problems {
            found.push(problem(id, ty, res, p, prov));
        }
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn dotted(id: &str, path: &[String]) -> String {
    std::iter::once(id.to_string())
        .chain(std::iter::once("Properties".to_string()))
        .chain(path.iter().cloned())
        .collect::<Vec<_>>()
        .join(".")
}

fn problem(id: &str, ty: &str, res: &Value, p: cfn::Problem, prov: &Provenance) -> (Diagnostic, Option<Span>) {
    match p {
        cfn::Problem::Missing { path, name } => {
            let refs: Vec<&str> = path.iter().map(String::as_str).collect();
            finding(
                codes::CFN_MISSING_PROPERTY,
                Severity::Error,
                format!("`{}` ({ty}) lacks the required property `{name}`", dotted(id, &path)),
                prov.resource(id, res, &refs),
            )
        }
        cfn::Problem::Unknown { path, name, known } => {
            let refs: Vec<&str> = path.iter().map(String::as_str).chain([name.as_str()]).collect();
            let (mut d, x) = finding(
                codes::CFN_UNKNOWN_PROPERTY,
                Severity::Error,
                format!("`{}` ({ty}) has no property `{name}`", dotted(id, &path)),
                prov.resource(id, res, &refs),
            );
            if let Some(s) = cfgen_syntax::diagnostic::did_you_mean(&name, known.iter().map(String::as_str)) {
                d = d.help(format!("did you mean `{s}`?"));
            }
            (d, x)
        }
        cfn::Problem::Type { path, want, got } => {
            let refs: Vec<&str> = path.iter().map(String::as_str).collect();
            // An empty object where a value goes is what a Serverless plugin writes for a
            // reference it could not make (serverless-step-functions' `RestApiId: {}` with an
            // external REST API): reproduced as v3 writes it, flagged as the quirk it is.
            if got == cfn::EMPTY_OBJECT {
                let (d, x) = finding(
                    codes::V3_QUIRK,
                    Severity::Warning,
                    format!(
                        "`{}` ({ty}) is `{{}}` where {want} goes, as Serverless v3 (a plugin) writes it; CloudFormation rejects it",
                        dotted(id, &path)
                    ),
                    prov.resource(id, res, &refs),
                );
                return (d.help("give the value the plugin could not make (e.g. set it explicitly), or leave the setting out"), x);
            }
            finding(
                codes::CFN_INVALID_VALUE,
                Severity::Error,
                format!("`{}` ({ty}) must be {want}, not {got}", dotted(id, &path)),
                prov.resource(id, res, &refs),
            )
        }
        cfn::Problem::Key { path, name, pattern } => {
            let refs: Vec<&str> = path.iter().map(String::as_str).chain([name.as_str()]).collect();
            let (d, x) = finding(
                codes::CFN_INVALID_VALUE,
                Severity::Error,
                format!("`{}` ({ty}) has the key `{name}`, which does not match `{pattern}`", dotted(id, &path)),
                prov.resource(id, res, &refs),
            );
            (d.help("CloudFormation takes only keys that match it"), x)
        }
        cfn::Problem::Enum { path, value, allowed } => {
            let refs: Vec<&str> = path.iter().map(String::as_str).collect();
            let shown: Vec<String> = allowed.iter().take(12).map(|a| format!("`{a}`")).collect();
            let more = if allowed.len() > 12 { format!(" (and {} more)", allowed.len() - 12) } else { String::new() };
            let (mut d, x) = finding(
                codes::CFN_INVALID_VALUE,
                Severity::Error,
                format!("`{}` ({ty}) is `{value}`, which is not one of {}{more}", dotted(id, &path), shown.join(", ")),
                prov.resource(id, res, &refs),
            );
            let numeric = value.parse::<f64>().is_ok();
            if let Some(s) = cfgen_syntax::diagnostic::did_you_mean(&value, allowed.iter().map(String::as_str)).filter(|_| !numeric) {
                d = d.help(format!("did you mean `{s}`?"));
            }
            (d, x)
        }
    }
}
