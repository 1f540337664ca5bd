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
