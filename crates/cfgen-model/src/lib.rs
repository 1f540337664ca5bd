//! `cfgen-model`: the typed `serverless.yml`.
//!
//! What it is: serde + schemars types for the configuration Serverless Framework v3 accepts,
//! deserialised from the variable-resolved document. The same types generate the editor JSON
//! Schema (`cfgen schema`), so the schema and the compiler cannot drift apart.
//!
//! The deserialisers apply the coercions Serverless v3's schema validation applies before it
//! compiles (AJV `coerceTypes: "array"`): numbers and booleans become strings where a string is
//! expected (environment values, tags), numeric strings become numbers (`timeout: '30'`), and a
//! scalar becomes a one-element list where a list is expected (`layers`, `package.patterns`).
//!
//! Free-form parts (CloudFormation values, `resources`, `custom`) stay `serde_json::Value`.

pub mod cf;
pub mod coerce;
pub mod config;
pub mod events;
pub mod function_shapes;
pub mod provider;

pub use config::*;
