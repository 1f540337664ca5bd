//! The editor JSON Schema of serverless.yml, generated from the `cfgen-model` types.

/// The draft-07 schema as pretty JSON.
pub fn schema_json() -> String {
    let schema = schemars::generate::SchemaSettings::draft07().into_generator().into_root_schema_for::<cfgen_model::Service>();
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}
