//! The editor JSON Schema of serverless.yml, generated from the `cfgen-model` types.
//!
//! Two passes over schemars' output make it fit for editors working on unresolved files:
//! - every property, map value and list item also accepts a `${...}` variable string
//!   (`#/definitions/Variable`), so `memorySize: ${self:custom.memory}` is not a false error;
//! - every `description` is copied to `markdownDescription` (VS Code renders that one);
//! - objects with named properties take no other keys unless their type says so.

use serde_json::{json, Map, Value};
use std::sync::OnceLock;

/// The schema the validator walks: the editor schema without its texts (`description`,
/// `markdownDescription`, `examples`, `default`, `title`), split into the root and one line per
/// definition (`schemas/validation.jsonl`, checked in; a test keeps it equal to
/// [`validation_lines`] of the generated schema). A definition is parsed the first time the
/// walk reaches it, so a build pays for the parts of serverless.yml it uses, not for 370 KB.
pub struct ValidationSchema {
    root: Value,
    defs: std::collections::HashMap<&'static str, (&'static str, OnceLock<Option<Value>>)>,
}

impl ValidationSchema {
    /// The schema of the whole document (its `definitions` are reached through [`Self::def`]).
    pub fn root(&self) -> &Value {
        &self.root
    }

    /// The definition `name` (`#/definitions/<name>`), parsed on first use.
    pub fn def(&self, name: &str) -> Option<&Value> {
        let (text, parsed) = self.defs.get(name)?;
        parsed.get_or_init(|| serde_json::from_str(text).ok()).as_ref()
    }
}

/// The validator's schema (see [`ValidationSchema`]), indexed once per process.
pub fn validation_schema() -> &'static ValidationSchema {
    static SCHEMA: OnceLock<ValidationSchema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let mut lines = VALIDATION_LINES.lines();
        let root = lines.next().and_then(|l| serde_json::from_str(l).ok()).unwrap_or(Value::Bool(true));
        let defs = lines.filter_map(|l| l.split_once(' ')).map(|(name, text)| (name, (text, OnceLock::new()))).collect();
        ValidationSchema { root, defs }
    })
}

static VALIDATION_LINES: &str = include_str!("../../../schemas/validation.jsonl");

/// `schemas/validation.jsonl` for `schema`: the root without `definitions` on the first line,
/// then `<name> <definition>` per line, texts stripped, compact JSON.
pub fn validation_lines(schema: &Value) -> String {
    let mut root = strip_texts(schema);
    let defs = root.as_object_mut().and_then(|o| o.remove("definitions"));
    let mut out = serde_json::to_string(&root).unwrap_or_default();
    out.push('\n');
    for (name, def) in defs.as_ref().and_then(Value::as_object).into_iter().flatten() {
        out.push_str(name);
        out.push(' ');
        out.push_str(&serde_json::to_string(def).unwrap_or_default());
        out.push('\n');
    }
    out
}

/// `s` (a schema) without the keywords only editors read; data (`enum`, `const`, ...) is kept
/// as it is, and the names of properties and definitions are never taken for keywords.
fn strip_texts(s: &Value) -> Value {
    const TEXTS: [&str; 6] = ["description", "markdownDescription", "examples", "default", "title", "$comment"];
    const MAPS: [&str; 4] = ["properties", "definitions", "$defs", "patternProperties"];
    const SUBSCHEMAS: [&str; 12] = [
        "items",
        "additionalProperties",
        "additionalItems",
        "not",
        "if",
        "then",
        "else",
        "contains",
        "propertyNames",
        "anyOf",
        "oneOf",
        "allOf",
    ];
    let Value::Object(o) = s else { return s.clone() };
    let mut out = Map::new();
    for (k, v) in o {
        let k = k.as_str();
        if TEXTS.contains(&k) {
            continue;
        }
        let v = if MAPS.contains(&k) {
            match v {
                Value::Object(m) => Value::Object(m.iter().map(|(name, x)| (name.clone(), strip_texts(x))).collect()),
                _ => v.clone(),
            }
        } else if SUBSCHEMAS.contains(&k) {
            match v {
                Value::Array(a) => Value::Array(a.iter().map(strip_texts).collect()),
                _ => strip_texts(v),
            }
        } else {
            v.clone()
        };
        out.insert(k.to_string(), v);
    }
    Value::Object(out)
}

/// The draft-07 schema as a JSON value (generated once per process).
pub fn schema_value() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let schema = schemars::generate::SchemaSettings::draft07().into_generator().into_root_schema_for::<cfgen_model::Service>();
        let mut v = serde_json::to_value(&schema).unwrap_or(Value::Null);
        finish(&mut v);
        v
    })
}

/// The draft-07 schema as pretty JSON.
pub fn schema_json() -> String {
    serde_json::to_string_pretty(schema_value()).unwrap_or_default()
}

const VARIABLE_REF: &str = "#/definitions/Variable";
/// What a variable string matches (`${...}` somewhere in it).
pub const VARIABLE_PATTERN: &str = "\\$\\{.+\\}";
const META: [&str; 6] = ["description", "markdownDescription", "deprecated", "default", "examples", "title"];

fn finish(root: &mut Value) {
    if let Some(defs) = root.get_mut("definitions").and_then(Value::as_object_mut) {
        for d in defs.values_mut() {
            walk(d);
        }
        defs.insert(
            "Variable".into(),
            json!({
                "description": "A Serverless variable (`${self:...}`, `${env:...}`, `${opt:...}`, `${sls:...}`, `${param:...}`, `${file(...)}`, `${ssm:...}`, ...), resolved before the configuration is validated.",
                "type": "string",
                "pattern": VARIABLE_PATTERN
            }),
        );
        let sorted: Map<String, Value> = {
            let mut keys: Vec<_> = defs.keys().cloned().collect();
            keys.sort();
            keys.into_iter().filter_map(|k| defs.get(&k).cloned().map(|v| (k, v))).collect()
        };
        *defs = sorted;
    }
    walk(root);
    add_markdown(root);
}

/// Wrap the value schemas below `s` (properties, map values, items) with the variable alternative.
fn walk(s: &mut Value) {
    let Some(obj) = s.as_object_mut() else { return };
    // A struct lists every key it takes: anything else is flagged (a warning in cfgen, whose
    // validator walks the same schema; a squiggle in editors). Open maps say so explicitly.
    if obj.contains_key("properties") && !obj.contains_key("additionalProperties") {
        obj.insert("additionalProperties".into(), Value::Bool(false));
    }
    if let Some(Value::Object(props)) = obj.get_mut("properties") {
        for p in props.values_mut() {
            walk(p);
            allow_variable(p);
        }
    }
    if let Some(Value::Object(props)) = obj.get_mut("patternProperties") {
        for p in props.values_mut() {
            walk(p);
            allow_variable(p);
        }
    }
    if let Some(ap @ Value::Object(_)) = obj.get_mut("additionalProperties") {
        walk(ap);
        allow_variable(ap);
    }
    match obj.get_mut("items") {
        Some(it @ Value::Object(_)) => {
            walk(it);
            allow_variable(it);
        }
        Some(Value::Array(items)) => {
            for it in items {
                walk(it);
                allow_variable(it);
            }
        }
        _ => {}
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(Value::Array(alts)) = obj.get_mut(key) {
            alts.iter_mut().for_each(walk);
        }
    }
}

/// Does `s` already take any string (so a variable passes as is)?
fn takes_any_string(s: &Map<String, Value>) -> bool {
    let has_string_type = match s.get("type") {
        Some(Value::String(t)) => t == "string",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "string"),
        _ => false,
    };
    has_string_type && !["pattern", "enum", "const", "format", "minLength", "maxLength"].iter().any(|k| s.contains_key(*k))
}

fn allow_variable(s: &mut Value) {
    let Value::Object(obj) = s else { return };
    // `true`-like schemas (`{}` or metadata only) accept anything already.
    if obj.keys().all(|k| META.contains(&k.as_str())) || takes_any_string(obj) {
        return;
    }
    let var = json!({"$ref": VARIABLE_REF});
    // An anyOf with nothing else: add the alternative in place.
    if obj.keys().all(|k| k == "anyOf" || META.contains(&k.as_str())) {
        if let Some(Value::Array(alts)) = obj.get_mut("anyOf") {
            if !alts.contains(&var) {
                alts.push(var);
            }
            return;
        }
    }
    let mut inner = Map::new();
    let mut outer = Map::new();
    for (k, v) in std::mem::take(obj) {
        if META.contains(&k.as_str()) {
            outer.insert(k, v);
        } else {
            inner.insert(k, v);
        }
    }
    outer.insert("anyOf".into(), Value::Array(vec![Value::Object(inner), var]));
    *obj = outer;
}

fn add_markdown(s: &mut Value) {
    match s {
        Value::Object(obj) => {
            if let Some(Value::String(d)) = obj.get("description") {
                if !obj.contains_key("markdownDescription") {
                    let d = d.clone();
                    obj.insert("markdownDescription".into(), Value::String(d));
                }
            }
            for (k, v) in obj.iter_mut() {
                match k.as_str() {
                    // Maps of schemas, whatever their keys are called.
                    "properties" | "patternProperties" | "definitions" => {
                        if let Value::Object(m) = v {
                            m.values_mut().for_each(add_markdown);
                        }
                    }
                    // Data, not schemas.
                    "enum" | "const" | "default" | "examples" => {}
                    _ => add_markdown(v),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(add_markdown),
        _ => {}
    }
}
