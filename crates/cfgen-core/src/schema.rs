//! The editor JSON Schema of serverless.yml, generated from the `cfgen-model` types.
//!
//! Two passes over schemars' output make it fit for editors working on unresolved files:
//! - every property, map value and list item also accepts a `${...}` variable string
//!   (`#/definitions/Variable`), so `memorySize: ${self:custom.memory}` is not a false error;
//! - every `description` is copied to `markdownDescription` (VS Code renders that one);
//! - objects with named properties take no other keys unless their type says so.

use serde_json::{json, Map, Value};
use std::sync::OnceLock;

/// The schema the validator walks: `schemas/serverless.schema.json` as checked in, parsed once.
/// It is byte for byte [`schema_json`]'s output (a test fails when they differ), and parsing it
/// costs a fraction of generating it, which every build would otherwise pay.
pub fn validation_schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        serde_json::from_str(include_str!("../../../schemas/serverless.schema.json")).unwrap_or_else(|_| schema_value().clone())
    })
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
