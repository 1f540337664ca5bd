//! `schemas/serverless.schema.json` is `cfgen schema`'s output, checked in for editors; this
//! test fails when the model changed and the file was not regenerated
//! (`CFGEN_BLESS=1 cargo test -p cfgen-tests --test schema` rewrites it).

use std::path::Path;

#[test]
fn checked_in_schema_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/serverless.schema.json");
    let current = cfgen_core::schema::schema_json() + "\n";
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    if std::env::var_os("CFGEN_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &current).expect("write schema");
        return;
    }
    assert!(on_disk == current, "{} is stale: run CFGEN_BLESS=1 cargo test -p cfgen-tests --test schema and commit it", path.display());
}

#[test]
fn schema_is_draft07_and_describes_functions() {
    let v: serde_json::Value = serde_json::from_str(&cfgen_core::schema::schema_json()).expect("schema is JSON");
    assert_eq!(v["$schema"], "http://json-schema.org/draft-07/schema#");
    let defs = v.get("definitions").and_then(|d| d.as_object()).expect("definitions");
    let function = &defs["Function"]["properties"];
    for key in ["handler", "memorySize", "timeout", "environment", "events", "layers", "vpc", "url"] {
        assert!(function.get(key).is_some(), "Function schema lacks `{key}`");
        assert!(function[key].get("description").is_some(), "`{key}` has no description");
    }
}

/// Every property reachable from the top level, outside `functions` (described by the
/// function shapes), has a description, so editors show what it does.
#[test]
fn every_property_outside_functions_is_described() {
    let v: serde_json::Value = serde_json::from_str(&cfgen_core::schema::schema_json()).expect("schema is JSON");
    let mut missing = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (k, sub) in v["properties"].as_object().expect("properties") {
        if k == "functions" {
            continue;
        }
        if sub.get("description").is_none() {
            missing.push(k.clone());
        }
        described(sub, &v, k, &mut seen, &mut missing);
    }
    assert!(missing.is_empty(), "properties without a description: {missing:?}");
}

fn described(
    s: &serde_json::Value,
    root: &serde_json::Value,
    at: &str,
    seen: &mut std::collections::HashSet<String>,
    missing: &mut Vec<String>,
) {
    let Some(o) = s.as_object() else { return };
    if let Some(r) = o.get("$ref").and_then(|r| r.as_str()) {
        let name = r.rsplit('/').next().unwrap_or_default();
        if name != "Function" && seen.insert(name.to_string()) {
            described(&root["definitions"][name], root, name, seen, missing);
        }
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        for alt in o.get(key).and_then(|a| a.as_array()).into_iter().flatten() {
            described(alt, root, at, seen, missing);
        }
    }
    for (k, sub) in o.get("properties").and_then(|p| p.as_object()).into_iter().flatten() {
        if sub.get("description").is_none() {
            missing.push(format!("{at}.{k}"));
        }
        described(sub, root, &format!("{at}.{k}"), seen, missing);
    }
    for key in ["additionalProperties", "items"] {
        if let Some(sub) = o.get(key) {
            described(sub, root, at, seen, missing);
        }
    }
}
