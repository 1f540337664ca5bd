//! The editor JSON Schema of serverless.yml, generated from the `cfgen-model` types.

use std::sync::OnceLock;

/// The draft-07 schema as a JSON value (generated once per process).
pub fn schema_value() -> &'static serde_json::Value {
    static SCHEMA: OnceLock<serde_json::Value> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let schema = schemars::generate::SchemaSettings::draft07().into_generator().into_root_schema_for::<cfgen_model::Service>();
        serde_json::to_value(&schema).unwrap_or(serde_json::Value::Null)
    })
}

/// The draft-07 schema as pretty JSON.
pub fn schema_json() -> String {
    serde_json::to_string_pretty(schema_value()).unwrap_or_default()
}
