//! Resources against the CloudFormation resource provider schemas vendored in `schemas/aws/`
//! (from cfn-lint, MIT-0; see the README there). `resources.jsonl` there holds a type's schema
//! without its definitions on one line, `<Type> <schema>`, followed by its definitions one per
//! line, `<Type>#<name> <schema>`; [`tables_source`] turns it into static values
//! (`cfn_schemas.rs`, checked in; a test keeps it current), so a check reads the parts of a
//! schema it reaches in place: nothing is parsed or indexed at run time.
//!
//! Checked: required properties, unknown properties (where the schema closes the object),
//! value types and enums. Values that are intrinsic functions (`Ref`, `Fn::*`) are not checked,
//! but for the two branches of an `Fn::If`, which are checked as the value would be.
//! CloudFormation reads scalars leniently (`"45"` for an integer, `5` for a string, `"true"`
//! for a boolean); so does this check.

use crate::identity::{ByIdentity, KeyMatches};
use crate::static_value::{Kind, SArray, SMap, SValue, TableBuilder};
use serde_json::Value;
use std::rc::Rc;

#[rustfmt::skip]
#[path = "cfn_schemas.rs"]
mod tables;

/// One type's schema: its root (without `definitions`) and its definitions, sorted by name.
pub struct Schema {
    ty: &'static str,
    root: u32,
    /// First entry and count.
    defs: (u32, u32),
}

impl Schema {
    /// The schema without its definitions.
    pub fn root(&self) -> SValue {
        tables::TABLES.value(self.root)
    }

    /// The definitions, sorted by name.
    pub fn definitions(&self) -> SMap {
        tables::TABLES.object(self.defs.0, self.defs.1)
    }

    /// `#/definitions/<name>`.
    pub fn def(&self, name: &str) -> Option<SValue> {
        self.definitions().get_sorted(name)
    }
}

/// The schema of `ty`; `None` when the type is not vendored.
pub fn schema(ty: &str) -> Option<&'static Schema> {
    let i = tables::TYPES.binary_search_by(|s| s.ty.cmp(ty)).ok()?;
    tables::TYPES.get(i)
}

/// The vendored types (for tests and `--help` texts).
pub fn types() -> impl Iterator<Item = &'static str> {
    tables::TYPES.iter().map(|s| s.ty)
}

/// The source of `crates/cfgen-core/src/check/cfn_schemas.rs` for the text of
/// `schemas/aws/resources.jsonl`: each type's schema and definitions in static tables, types
/// and definitions sorted by name. A line that is not `<Type>[#<name>] <JSON>` is an error.
pub fn tables_source(jsonl: &str) -> Result<String, String> {
    /// A type: its name, its schema, and its definitions by name.
    type Parsed<'a> = (&'a str, Value, Vec<(&'a str, Value)>);
    let mut types: Vec<Parsed> = Vec::new();
    for (n, line) in jsonl.lines().enumerate().filter(|(_, l)| !l.is_empty()) {
        let bad = |why: String| format!("resources.jsonl:{}: {why}", n + 1);
        let (key, text) = line.split_once(' ').ok_or_else(|| bad("no space after the type".into()))?;
        let v: Value = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
        match key.split_once('#') {
            None => types.push((key, v, Vec::new())),
            Some((ty, name)) => match types.last_mut() {
                Some((last, _, defs)) if *last == ty => defs.push((name, v)),
                _ => return Err(bad(format!("definition {key} does not follow its type's line"))),
            },
        }
    }
    types.sort_by(|a, b| a.0.cmp(b.0));
    let mut tables = TableBuilder::default();
    let mut out = String::from(
        "//! Generated from `schemas/aws/resources.jsonl` by `cfgen_core::check::cfn::tables_source`.\n\
         //! Do not edit: `CFGEN_BLESS=1 cargo test -p cfgen-tests --test schema` rewrites it.\n\n\
         use crate::static_value::{e, n, Entry, Node, Tables};\n\
         use super::Schema;\n\n",
    );
    out.push_str(&format!("pub static TYPES: [Schema; {}] = [\n", types.len()));
    for (ty, root, mut defs) in types {
        defs.sort_by(|a, b| a.0.cmp(b.0));
        let root = tables.add(&root);
        let (start, len) = tables.add_entries(defs.iter().map(|(k, v)| (*k, v)));
        out.push_str(&format!("    Schema {{ ty: {ty:?}, root: {root}, defs: ({start}, {len}) }},\n"));
    }
    out.push_str("];\n\n");
    out.push_str(&tables.source());
    Ok(out)
}

/// One problem in a resource's properties.
#[derive(Debug, PartialEq)]
pub enum Problem {
    Missing {
        path: Vec<String>,
        name: String,
    },
    Unknown {
        path: Vec<String>,
        name: String,
        known: Vec<String>,
    },
    Type {
        path: Vec<String>,
        want: String,
        got: &'static str,
    },
    Enum {
        path: Vec<String>,
        value: String,
        allowed: Vec<String>,
    },
    /// A key of an object whose keys must match a pattern (`patternProperties`, nothing else).
    Key {
        path: Vec<String>,
        name: String,
        pattern: &'static str,
    },
}

/// Check the `Properties` of a resource of a vendored type (`props` is `None` when absent).
/// `shapes` carries what the check learnt of each schema node from one resource to the next.
pub fn check(schema: &'static Schema, props: Option<&Value>, shapes: &mut Shapes, out: &mut Vec<Problem>) {
    let empty = Value::Object(serde_json::Map::new());
    let mut path = Vec::new();
    check_value(props.unwrap_or(&empty), schema.root(), schema, shapes, &mut path, out, 0);
}

/// A schema node as the check reads it, its keywords looked up once: a template's resources
/// share a few schemas, and looking every keyword up again for each value was most of the check.
struct Shape {
    types: Vec<&'static str>,
    /// The alternatives (`anyOf`, else `oneOf`, `$ref`s followed) of an untyped node.
    alts: Option<Vec<SValue>>,
    allowed: Option<SArray>,
    props: Option<SMap>,
    /// The first `patternProperties` schema.
    pattern: Option<SValue>,
    /// Its pattern.
    key_pattern: Option<&'static str>,
    /// `additionalProperties` when it is a schema.
    additional: Option<SValue>,
    closed: bool,
    required: Option<SArray>,
    items: Option<SValue>,
}

impl Shape {
    fn of(s: SValue, root: &'static Schema) -> Shape {
        let s = resolve(s, root);
        let types: Vec<&'static str> = type_names(s).collect();
        let alts = if types.is_empty() {
            ["anyOf", "oneOf"].into_iter().find_map(|k| s.get(k)?.as_array().map(|alts| alts.iter().map(|a| resolve(a, root)).collect()))
        } else {
            None
        };
        Shape {
            types,
            alts,
            allowed: s.get("enum").and_then(SValue::as_array),
            props: s.get("properties").and_then(SValue::as_object),
            pattern: s.get("patternProperties").and_then(SValue::as_object).and_then(|p| p.values().next()),
            key_pattern: s.get("patternProperties").and_then(SValue::as_object).and_then(|p| p.keys().next()),
            additional: s.get("additionalProperties").filter(|a| a.is_object()),
            closed: s.get("additionalProperties").is_some_and(SValue::is_false),
            required: s.get("required").and_then(SValue::as_array),
            items: s.get("items"),
        }
    }
}

/// [`Shape`]s by node (each node belongs to one type's schema), and which keys match which key
/// patterns.
#[derive(Default)]
pub struct Shapes(ByIdentity<Rc<Shape>>, KeyMatches);

impl Shapes {
    fn get(&mut self, s: SValue, root: &'static Schema) -> Rc<Shape> {
        self.0.entry(s).or_insert_with(|| Rc::new(Shape::of(s, root))).clone()
    }
}

/// `{"Ref": ..}`, `{"Fn::...": ..}` and `{"Condition": ..}` are resolved by CloudFormation.
pub fn is_intrinsic(v: &Value) -> bool {
    match v {
        Value::Object(o) if o.len() == 1 => o.keys().next().is_some_and(|k| k == "Ref" || k == "Condition" || k.starts_with("Fn::")),
        _ => false,
    }
}

fn resolve(s: SValue, root: &Schema) -> SValue {
    let mut cur = s;
    for _ in 0..8 {
        match cur.get("$ref").and_then(SValue::as_str).and_then(|r| r.strip_prefix("#/definitions/")) {
            Some(name) => match root.def(name) {
                Some(t) => cur = t,
                None => return cur,
            },
            None => return cur,
        }
    }
    cur
}

fn type_names(s: SValue) -> impl Iterator<Item = &'static str> + Clone {
    let (one, many) = match s.get("type").map(SValue::kind) {
        Some(Kind::String(t)) => (Some(t), None),
        Some(Kind::Array(ts)) => (None, Some(ts)),
        _ => (None, None),
    };
    one.into_iter().chain(many.into_iter().flat_map(|ts| ts.iter()).filter_map(SValue::as_str))
}

fn untyped(s: SValue) -> bool {
    type_names(s).next().is_none()
}

/// A step of the path to a value: an object key or an array index (kept borrowed while a check
/// walks the template, written out only for a finding).
#[derive(Clone, Copy)]
pub(crate) enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

pub(crate) fn owned(path: &[Seg]) -> Vec<String> {
    path.iter()
        .map(|s| match s {
            Seg::Key(k) => (*k).to_string(),
            Seg::Index(i) => i.to_string(),
        })
        .collect()
}

/// Whether enum value `a` is `v` as CloudFormation compares them (as text).
fn same_scalar(a: SValue, v: &Value) -> bool {
    match (a.kind(), v) {
        (Kind::String(x), Value::String(y)) => x == y,
        _ => scalar_text(&a.to_value()).is_some_and(|x| scalar_text(v).as_deref() == Some(x.as_str())),
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
    s: SValue,
    root: &'static Schema,
    shapes: &mut Shapes,
    path: &mut Vec<Seg<'a>>,
    out: &mut Vec<Problem>,
    depth: usize,
) {
    if depth > 40 || v.is_null() {
        return;
    }
    if is_intrinsic(v) {
        // The two branches of `Fn::If` stand where it stands: each must be a value the
        // property takes (cfn-lint E3012 checks them too). Serverless writes what a branch holds
        // as it is (its schema never reaches inside an `Fn::If`).
        if let Some(Value::Array(a)) = v.get("Fn::If") {
            if a.len() == 3 {
                path.push(Seg::Key("Fn::If"));
                for (i, branch) in a.iter().enumerate().skip(1) {
                    path.push(Seg::Index(i));
                    check_value(branch, s, root, shapes, path, out, depth + 1);
                    path.pop();
                }
                path.pop();
            }
        }
        return;
    }
    let shape = shapes.get(s, root);
    // Alternatives: take the one alternative whose type fits; several (or none known): no finding.
    if let Some(alts) = &shape.alts {
        let mut fitting = alts.iter().copied().filter(|a| untyped(*a) || type_names(*a).any(|t| fits(v, t)));
        let (first, more) = (fitting.next(), fitting.next().is_some());
        match first {
            Some(only) if !more => check_value(v, only, root, shapes, path, out, depth + 1),
            Some(_) => {}
            None => {
                let want: Vec<&str> = alts.iter().flat_map(|a| type_names(*a)).collect();
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
                let allowed = allowed.iter().filter_map(|a| scalar_text(&a.to_value())).collect();
                out.push(Problem::Enum { path: owned(path), value: text, allowed });
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
                let named = shape.props.and_then(|p| p.get(k));
                // CloudFormation takes a key the pattern does not match only where other keys
                // are allowed too.
                if let Some(pattern) = shape.key_pattern.filter(|_| named.is_none() && shape.closed) {
                    if !shapes.1.matches(pattern, k) {
                        out.push(Problem::Key { path: owned(path), name: k.clone(), pattern });
                        continue;
                    }
                }
                let sub = named.or(shape.pattern).or(shape.additional);
                if let Some(sub) = sub {
                    path.push(Seg::Key(k));
                    check_value(x, sub, root, shapes, path, out, depth + 1);
                    path.pop();
                } else if shape.closed && shape.props.is_some() && !macro_inside {
                    out.push(Problem::Unknown {
                        path: owned(path),
                        name: k.clone(),
                        known: shape.props.map(|p| p.keys().map(str::to_string).collect()).unwrap_or_default(),
                    });
                }
            }
            if let Some(req) = shape.required.filter(|_| !macro_inside) {
                for r in req.iter().filter_map(SValue::as_str) {
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

    /// Every `$ref` of a vendored schema names a definition it carries, and the tables are
    /// sorted (lookups search them by halves).
    #[test]
    fn every_ref_resolves_and_the_tables_are_sorted() {
        fn refs(v: SValue, out: &mut Vec<&'static str>) {
            match v.kind() {
                Kind::Object(o) => {
                    if let Some(r) = o.get("$ref").and_then(SValue::as_str) {
                        out.push(r);
                    }
                    o.values().for_each(|x| refs(x, out));
                }
                Kind::Array(a) => a.iter().for_each(|x| refs(x, out)),
                _ => {}
            }
        }
        let mut checked = 0;
        for ty in types() {
            let s = schema(ty).unwrap_or_else(|| panic!("{ty} is not found"));
            let mut found = Vec::new();
            refs(s.root(), &mut found);
            for d in s.definitions().values() {
                refs(d, &mut found);
            }
            for r in found {
                let name = r.strip_prefix("#/definitions/").unwrap_or_else(|| panic!("{ty}: unexpected $ref {r}"));
                assert!(s.def(name).is_some(), "{ty}: $ref {r} names no definition");
                checked += 1;
            }
            let names: Vec<&str> = s.definitions().keys().collect();
            assert!(names.windows(2).all(|w| w[0] < w[1]), "{ty}: definitions not sorted");
        }
        assert!(checked > 100, "only {checked} refs checked");
        assert!(types().count() > 50);
        assert!(tables::TYPES.windows(2).all(|w| w[0].ty < w[1].ty));
        assert!(schema("AWS::No::Such").is_none());
    }

    /// The generator reads the file's layout and refuses anything else, with the line.
    #[test]
    fn tables_source_reads_the_layout() {
        let src = tables_source("B::T {\"type\":\"object\"}\nB::T#d {\"type\":\"string\"}\nA::T {}\n").expect("reads");
        assert!(
            src.contains("    Schema { ty: \"A::T\", root: 0, defs: (0, 0) },\n    Schema { ty: \"B::T\", root: 1, defs: (1, 1) },\n"),
            "{src}"
        );
        assert!(src.contains("static TEXT: &str = \"typeobjectdstring\";"), "{src}");
        assert_eq!(
            tables_source("A::T {}\nB::T#d {}\n"),
            Err("resources.jsonl:2: definition B::T#d does not follow its type's line".into())
        );
        assert!(tables_source("A::T {").is_err_and(|e| e.starts_with("resources.jsonl:1: ")));
        assert!(tables_source("A::T").is_err_and(|e| e == "resources.jsonl:1: no space after the type"));
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
