//! `cfgen-syntax`: the text layer of cfgen.
//!
//! What it is: source spans ([`Span`]), the [`Diagnostic`] type every other crate reports with,
//! and a YAML loader ([`yaml::load`]) that reads `serverless.yml` the way Serverless Framework v3
//! reads it (js-yaml 4 core schema plus the 17 CloudFormation short-form tags) while keeping a
//! position for every node.
//!
//! What it is not: it knows nothing about Serverless semantics, does no IO and never panics on
//! input; every problem becomes a [`Diagnostic`].
//!
//! ```
//! let node = cfgen_syntax::yaml::load("a: !GetAtt Queue.Arn\n", cfgen_syntax::FileId(0)).unwrap();
//! let json = node.to_json();
//! assert_eq!(json["a"]["Fn::GetAtt"][1], "Arn");
//! ```

pub mod diagnostic;
pub mod node;
pub mod render;
pub mod span;
pub mod yaml;

pub use diagnostic::{codes, Code, Diagnostic, Severity};
pub use node::{js_key_order, Map, Node, Value, Weight};
pub use span::{FileId, SourceMap, Span};
