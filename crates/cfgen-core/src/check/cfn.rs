//! Resources against the CloudFormation resource provider schemas vendored in `schemas/aws/`
//! (from cfn-lint, MIT-0; see the README there). The file holds a type's schema without its
//! definitions on one line, `<Type> <schema>`, followed by its definitions one per line,
//! `<Type>#<name> <schema>`; it is embedded and indexed on first use. A type's root is parsed
//! the first time a resource of that type is checked, and each definition the first time the
//! check reaches it: nothing is scanned that the check does not read.
//!
//! Checked: required properties, unknown properties (where the schema closes the object),
//! value types and enums. Values that are intrinsic functions (`Ref`, `Fn::*`) are not checked.
//! CloudFormation reads scalars leniently (`"45"` for an integer, `5` for a string, `"true"`
//! for a boolean); so does this check.

use crate::identity::ByIdentity;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;
use std::sync::OnceLock;

static DATA: &str = include_str!("../../../../schemas/aws/resources.jsonl");

struct Entry {
    /// The schema without its definitions.
    root: &'static str,
    /// The `<Type>#<name> <schema>` lines of the type's definitions.
    defs: &'static str,
    parsed: OnceLock<Option<Schema>>,
}

/// One type's schema: its root (without `definitions`), and its definitions, each parsed the
/// first time a check reaches it (a template uses a few of, e.g., `AWS::S3::Bucket`'s 73).
pub struct Schema {
    root: Value,
    defs: HashMap<&'static str, (&'static str, OnceLock<Option<Value>>)>,
}

impl Schema {
    /// `#/definitions/<name>`, parsed on first use.
    fn def(&self, name: &str) -> Option<&Value> {
        let (text, parsed) = self.defs.get(name)?;
        parsed.get_or_init(|| serde_json::from_str(text).ok()).as_ref()
    }

    /// The root parsed, the definitions' lines only split.
    fn load(e: &Entry) -> Option<Schema> {
        let root: Map<String, Value> = serde_json::from_str(e.root).ok()?;
        let defs = e
            .defs
            .lines()
            .filter_map(|l| {
                let (key, text) = l.split_once(' ')?;
                Some((key.split_once('#')?.1, (text, OnceLock::new())))
            })
            .collect();
        Some(Schema { root: Value::Object(root), defs })
    }
}

fn index() -> &'static BTreeMap<&'static str, Entry> {
    static INDEX: OnceLock<BTreeMap<&'static str, Entry>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index = BTreeMap::new();
        let mut rest = DATA;
        while !rest.is_empty() {
            let (line, after) = rest.split_once('\n').unwrap_or((rest, ""));
            rest = after;
            let Some((ty, root)) = line.split_once(' ') else { continue };
            // The definitions' lines follow the type's line, each starting `<Type>#`.
            let mut defs_len = 0;
            while rest[defs_len..].strip_prefix(ty).is_some_and(|r| r.starts_with('#')) {
                defs_len += rest[defs_len..].find('\n').map_or(rest.len() - defs_len, |n| n + 1);
            }
            let (defs, after) = rest.split_at(defs_len);
            rest = after;
            index.insert(ty, Entry { root, defs, parsed: OnceLock::new() });
        }
        index
    })
}

/// The schema of `ty`, indexed once; `None` when the type is not vendored.
pub fn schema(ty: &str) -> Option<&'static Schema> {
    let e = index().get(ty)?;
    e.parsed.get_or_init(|| Schema::load(e)).as_ref()
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
/// `shapes` carries what the check learnt of each schema node from one resource to the next.
pub fn check(schema: &'static Schema, props: Option<&Value>, shapes: &mut Shapes, out: &mut Vec<Problem>) {
    let empty = Value::Object(Default::default());
    let mut path = Vec::new();
    check_value(props.unwrap_or(&empty), &schema.root, schema, shapes, &mut path, out, 0);
}

/// A schema node as the check reads it, its keywords looked up once: a template's resources
/// share a few schemas, and looking every keyword up again for each value was most of the check.
struct Shape {
    types: Vec<&'static str>,
    /// The alternatives (`anyOf`, else `oneOf`, `$ref`s followed) of an untyped node.
    alts: Option<Vec<&'static Value>>,
    allowed: Option<&'static Vec<Value>>,
    props: Option<&'static Map<String, Value>>,
    /// The first `patternProperties` schema (without a regex engine every key is taken to match it).
    pattern: Option<&'static Value>,
    /// `additionalProperties` when it is a schema.
    additional: Option<&'static Value>,
    closed: bool,
    required: Option<&'static Vec<Value>>,
    items: Option<&'static Value>,
}

impl Shape {
    fn of(s: &'static Value, root: &'static Schema) -> Shape {
        let s = resolve(s, root);
        let types: Vec<&'static str> = type_names(s).collect();
        let alts = if types.is_empty() {
            ["anyOf", "oneOf"].into_iter().find_map(|k| match s.get(k) {
                Some(Value::Array(alts)) => Some(alts.iter().map(|a| resolve(a, root)).collect()),
                _ => None,
            })
        } else {
            None
        };
        Shape {
            types,
            alts,
            allowed: s.get("enum").and_then(Value::as_array),
            props: s.get("properties").and_then(Value::as_object),
            pattern: s.get("patternProperties").and_then(Value::as_object).and_then(|p| p.values().next()),
            additional: s.get("additionalProperties").filter(|a| a.is_object()),
            closed: s.get("additionalProperties") == Some(&Value::Bool(false)),
            required: s.get("required").and_then(Value::as_array),
            items: s.get("items"),
        }
    }
}

/// [`Shape`]s by node identity.
#[derive(Default)]
pub struct Shapes(ByIdentity<Rc<Shape>>);

impl Shapes {
    fn get(&mut self, s: &'static Value, root: &'static Schema) -> Rc<Shape> {
        self.0.entry(std::ptr::from_ref(s)).or_insert_with(|| Rc::new(Shape::of(s, root))).clone()
    }
}

/// `{"Ref": ..}`, `{"Fn::...": ..}` and `{"Condition": ..}` are resolved by CloudFormation.
pub fn is_intrinsic(v: &Value) -> bool {
    match v {
        Value::Object(o) if o.len() == 1 => o.keys().next().is_some_and(|k| k == "Ref" || k == "Condition" || k.starts_with("Fn::")),
        _ => false,
    }
}

fn resolve<'a>(s: &'a Value, root: &'a Schema) -> &'a Value {
    let mut cur = s;
    for _ in 0..8 {
        match cur.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/definitions/")) {
            Some(name) => match root.def(name) {
                Some(t) => cur = t,
                None => return cur,
            },
            None => return cur,
        }
    }
    cur
}

fn type_names(s: &Value) -> impl Iterator<Item = &str> + Clone {
    let (one, many) = match s.get("type") {
        Some(Value::String(t)) => (Some(t.as_str()), None),
        Some(Value::Array(ts)) => (None, Some(ts)),
        _ => (None, None),
    };
    one.into_iter().chain(many.into_iter().flatten().filter_map(Value::as_str))
}

fn untyped(s: &Value) -> bool {
    type_names(s).next().is_none()
}

/// A step of the path to a value: an object key or an array index.
#[derive(Clone, Copy)]
enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

fn owned(path: &[Seg]) -> Vec<String> {
    path.iter()
        .map(|s| match s {
            Seg::Key(k) => (*k).to_string(),
            Seg::Index(i) => i.to_string(),
        })
        .collect()
}

/// Whether enum value `a` is `v` as CloudFormation compares them (as text).
fn same_scalar(a: &Value, v: &Value) -> bool {
    match (a, v) {
        (Value::String(x), Value::String(y)) => x == y,
        _ => scalar_text(a).is_some_and(|x| scalar_text(v).as_deref() == Some(x.as_str())),
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
        // What a Serverless plugin writes for a reference it could not make: told apart so the
        // finding can say so.
        Value::Object(o) if o.is_empty() => EMPTY_OBJECT,
        _ => cfgen_model::coerce::type_name(v),
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

fn check_value<'a>(
    v: &'a Value,
    s: &'static Value,
    root: &'static Schema,
    shapes: &mut Shapes,
    path: &mut Vec<Seg<'a>>,
    out: &mut Vec<Problem>,
    depth: usize,
) {
    if depth > 40 || is_intrinsic(v) || v.is_null() {
        return;
    }
    let shape = shapes.get(s, root);
    // Alternatives: take the one alternative whose type fits; several (or none known): no finding.
    if let Some(alts) = &shape.alts {
        let mut fitting = alts.iter().filter(|a| untyped(a) || type_names(a).any(|t| fits(v, t)));
        let (first, more) = (fitting.next(), fitting.next().is_some());
        match first {
            Some(only) if !more => check_value(v, only, root, shapes, path, out, depth + 1),
            Some(_) => {}
            None => {
                let want: Vec<&str> = alts.iter().flat_map(|a| type_names(a)).collect();
                if !want.is_empty() {
                    out.push(Problem::Type { path: owned(path), want: want.join(" or "), got: json_type(v) });
                }
            }
        }
        return;
    }
    if !shape.types.is_empty() && !shape.types.iter().any(|t| fits(v, t)) {
        out.push(Problem::Type { path: owned(path), want: shape.types.join(" or "), got: json_type(v) });
        return;
    }
    // The value's text is made only for a finding: most values have no enum, and most that do
    // are in it.
    let scalar = matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_));
    if let Some(allowed) = shape.allowed.filter(|a| scalar && !a.is_empty()) {
        if !allowed.iter().any(|a| same_scalar(a, v)) {
            if let Some(text) = scalar_text(v) {
                out.push(Problem::Enum { path: owned(path), value: text, allowed: allowed.iter().filter_map(scalar_text).collect() });
            }
        }
    }
    match v {
        Value::Object(o) => {
            // `Fn::Transform` (a macro) may sit among the properties and rewrite them.
            let macro_inside = o.keys().any(|k| k.starts_with("Fn::"));
            for (k, x) in o {
                if k.starts_with("Fn::") {
                    continue;
                }
                let sub = shape.props.and_then(|p| p.get(k)).or(shape.pattern).or(shape.additional);
                if let Some(sub) = sub {
                    path.push(Seg::Key(k));
                    check_value(x, sub, root, shapes, path, out, depth + 1);
                    path.pop();
                } else if shape.closed && shape.props.is_some() && !macro_inside {
                    out.push(Problem::Unknown {
                        path: owned(path),
                        name: k.clone(),
                        known: shape.props.map(|p| p.keys().cloned().collect()).unwrap_or_default(),
                    });
                }
            }
            if let Some(req) = shape.required.filter(|_| !macro_inside) {
                for r in req.iter().filter_map(Value::as_str) {
                    if !o.contains_key(r) {
                        out.push(Problem::Missing { path: owned(path), name: r.to_string() });
                    }
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = shape.items {
                for (i, x) in items.iter().enumerate() {
                    path.push(Seg::Index(i));
                    check_value(x, item_schema, root, shapes, path, out, depth + 1);
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
        check(schema(ty).expect("vendored"), Some(&props), &mut Shapes::default(), &mut out);
        out
    }

    /// Every vendored schema loads, and every `$ref` in it names a definition it carries.
    #[test]
    fn every_vendored_schema_loads_and_its_refs_resolve() {
        fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
            match v {
                Value::Object(o) => {
                    if let Some(r) = o.get("$ref").and_then(Value::as_str) {
                        out.push(r);
                    }
                    o.values().for_each(|x| refs(x, out));
                }
                Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
                _ => {}
            }
        }
        let mut checked = 0;
        for ty in types() {
            let s = schema(ty).unwrap_or_else(|| panic!("{ty} does not load"));
            let mut found = Vec::new();
            refs(&s.root, &mut found);
            let mut names: Vec<&str> = s.defs.keys().copied().collect();
            names.sort();
            for name in names {
                refs(s.def(name).unwrap_or_else(|| panic!("{ty}: definition {name} does not parse")), &mut found);
            }
            for r in found {
                let name = r.strip_prefix("#/definitions/").unwrap_or_else(|| panic!("{ty}: unexpected $ref {r}"));
                assert!(s.def(name).is_some(), "{ty}: $ref {r} names no definition");
                checked += 1;
            }
        }
        assert!(checked > 100, "only {checked} refs checked");
        // Every line of the file is indexed: a type's line, or one of its definitions'.
        let (type_lines, def_lines) = DATA.lines().partition::<Vec<_>, _>(|l| !l.split(' ').next().unwrap_or("").contains('#'));
        assert_eq!(types().count(), type_lines.len());
        assert_eq!(types().map(|t| schema(t).map_or(0, |s| s.defs.len())).sum::<usize>(), def_lines.len());
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
