//! Serde helpers for the coercions Serverless v3 applies while validating (surprise 1 of the
//! inventory), and [`Maybe`], which tells an absent key from an explicit `null`.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// A key that may be absent, explicitly `null`, or set. Serverless distinguishes the three
/// (`vpc: null` opts a function out of the provider VPC; `role:` present at all skips the
/// default role).
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Maybe<T> {
    #[default]
    Absent,
    Null,
    Set(T),
}

impl<T> Maybe<T> {
    pub fn is_present(&self) -> bool {
        !matches!(self, Maybe::Absent)
    }
    pub fn get(&self) -> Option<&T> {
        match self {
            Maybe::Set(v) => Some(v),
            _ => None,
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Maybe<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(d)? {
            Some(v) => Maybe::Set(v),
            None => Maybe::Null,
        })
    }
}

impl<T: JsonSchema> JsonSchema for Maybe<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        Option::<T>::schema_name()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        Option::<T>::json_schema(g)
    }
    fn inline_schema() -> bool {
        true
    }
}

/// A JavaScript number (what memorySize, timeout and friends hold), read from a number or a
/// numeric string as AJV coerces it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Num(pub f64);

/// The schema keyword that marks [`Num`]: a place where Serverless v3's schema wants a number,
/// so that its AJV (`coerceTypes`) turns a numeric string written there into the number.
pub const NUMBER_MARK: &str = "x-cfgen-number";

/// The strings a number may be written as (what JavaScript's `Number()` reads, roughly).
pub const NUMERIC_STRING_PATTERN: &str = "^\\s*[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?\\s*$";

impl JsonSchema for Num {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Num".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        // Numeric strings are accepted: Serverless' AJV coerces them. The mark tells cfgen's
        // validator to do the same to the configuration the compile reads.
        schemars::json_schema!({"type": ["number", "string"], "pattern": NUMERIC_STRING_PATTERN, NUMBER_MARK: true})
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        match &v {
            Value::Number(n) => Ok(Num(n.as_f64().unwrap_or(0.0))),
            Value::String(s) if !s.trim().is_empty() => {
                s.trim().parse::<f64>().map(Num).map_err(|_| serde::de::Error::custom(format!("expected a number, found \"{s}\"")))
            }
            Value::Bool(b) => Ok(Num(if *b { 1.0 } else { 0.0 })),
            other => Err(serde::de::Error::custom(format!("expected a number, found {}", type_name(other)))),
        }
    }
}

impl Num {
    pub fn to_json(self) -> Value {
        cfgen_syntax::node::number_to_json(self.0)
    }
    /// JavaScript truthiness (0 and NaN are falsy).
    pub fn truthy(self) -> bool {
        self.0 != 0.0 && !self.0.is_nan()
    }
}

/// The schema keyword that marks [`Str`]: a place where Serverless v3's schema wants a string,
/// so that its AJV (`coerceTypes`) turns a number or boolean written there into its text
/// (`JavaScript String(x)`), in the configuration every later step reads.
pub const TEXT_MARK: &str = "x-cfgen-text";

/// The schema keyword that marks an enumeration v3's schema types as a string (`{type:
/// "string", regexp}` in any letter case): AJV turns a number or boolean there into its text
/// before the enumeration refuses it. (Most of v3's enumerations have no `type`, and keep the
/// number: cfgen's enumerations, typed by schemars, say nothing about v3's.)
pub const TYPED_ENUM_MARK: &str = "x-cfgen-typed-enum";

/// The schema keyword that marks an alternative of cfgen's own, which v3's schema has not
/// (a runtime newer than v3's list): AJV never coerces a value on its way through it.
pub const CFGEN_ONLY_MARK: &str = "x-cfgen-only";

/// The schema keyword that marks [`crate::cf::Bool`]: a place where Serverless v3's schema wants
/// a boolean, which AJV's `coerceTypes` also fills from the text `"true"` / `"false"`.
pub const BOOLEAN_MARK: &str = "x-cfgen-boolean";

/// A string read from a string, number or boolean (AJV coercion to `type: string`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Str(pub String);

impl JsonSchema for Str {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Str".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        // Numbers and booleans are accepted: Serverless' AJV turns them into strings. The mark
        // tells cfgen's validator to do the same to the configuration the compile reads.
        schemars::json_schema!({"type": ["string", "number", "boolean"], TEXT_MARK: true})
    }
}

impl<'de> Deserialize<'de> for Str {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        scalar_string(&v).map(Str).ok_or_else(|| serde::de::Error::custom(format!("expected a string, found {}", type_name(&v))))
    }
}

/// A list read from a list or a single item (AJV `coerceTypes: "array"`).
#[derive(Clone, Debug, PartialEq)]
pub struct List<T>(pub Vec<T>);

impl<T: JsonSchema> JsonSchema for List<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("List_of_{}", T::schema_name()).into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        // One item is accepted where a list is: Serverless' AJV wraps it (`coerceTypes: "array"`).
        let item = g.subschema_for::<T>();
        schemars::json_schema!({"anyOf": [{"type": "array", "items": item}, item]})
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum OneOrMany<T> {
            Many(Vec<T>),
            One(T),
        }
        Ok(match OneOrMany::<T>::deserialize(d)? {
            OneOrMany::Many(v) => List(v),
            OneOrMany::One(x) => List(vec![x]),
        })
    }
}

impl<T> Default for List<T> {
    fn default() -> Self {
        List(Vec::new())
    }
}

/// The value of an environment variable or tag: scalars become strings (AJV coerces them),
/// CloudFormation functions stay objects.
#[derive(Clone, Debug, PartialEq)]
pub struct StrOrCf(pub Value);

impl JsonSchema for StrOrCf {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "StrOrCf".into()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let f = g.subschema_for::<crate::cf::CfFunction>();
        let i = g.subschema_for::<crate::cf::CfIf>();
        let s = g.subschema_for::<crate::cf::CfSelect>();
        let m = g.subschema_for::<crate::cf::CfFindInMap>();
        schemars::json_schema!({
            "description": "A string (numbers and booleans are turned into strings) or a CloudFormation intrinsic function.",
            "anyOf": [{"type": ["string", "number", "boolean"], TEXT_MARK: true}, f, i, s, m]
        })
    }
}

impl<'de> Deserialize<'de> for StrOrCf {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        Ok(StrOrCf(match scalar_string(&v) {
            Some(s) => Value::String(s),
            None => v,
        }))
    }
}

/// An item of `Fn::If`: text (a number or boolean is taken, as the value a branch gives may be
/// one) or an intrinsic function. v3's `awsCfIf` wants `awsCfInstruction` items, but v3 reaches
/// them only where `Fn::If` comes before any intrinsic function (an IAM principal's `AWS`), and
/// there AJV reads a number or boolean as its text, as cfgen's validator does for this mark.
pub struct CfIfBranch;

impl JsonSchema for CfIfBranch {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "CfIfBranch".into()
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let f = g.subschema_for::<crate::cf::CfFunction>();
        schemars::json_schema!({
            "description": "A value (numbers and booleans are read as text) or a CloudFormation intrinsic function.",
            "anyOf": [{"type": ["string", "number", "boolean"], TEXT_MARK: true}, f]
        })
    }
}

/// A string-keyed map of [`StrOrCf`] values (environment, tags).
pub type StrMap = IndexMap<String, StrOrCf>;

/// The names Serverless v3's schema takes for environment variables (`awsLambdaEnvironment`).
pub const ENV_NAME_PATTERN: &str = "^[A-Za-z_][a-zA-Z0-9_]*$";
/// The tag keys Serverless v3's schema takes (`awsResourceTags`: 1 to 128 of these characters;
/// `aws:` is refused apart, see [`TAG_KEY_RESERVED`]).
pub const TAG_KEY_PATTERN: &str = "^[\\w./=+:\\-_\\x20]{1,128}$";
/// The tag keys AWS keeps for itself.
pub const TAG_KEY_RESERVED: &str = "^aws:";

/// The schema of a map of environment variables: [`StrMap`] with the names v3 takes.
pub struct EnvVars;

impl JsonSchema for EnvVars {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "EnvVars".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let v = g.subschema_for::<StrOrCf>();
        schemars::json_schema!({"type": "object", "additionalProperties": v, "propertyNames": {"pattern": ENV_NAME_PATTERN}})
    }
}

/// The schema of a map of tags, values `V`: the keys v3 takes.
pub struct Tags<V>(std::marker::PhantomData<V>);

impl<V: JsonSchema> JsonSchema for Tags<V> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Tags_of_{}", V::schema_name()).into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(g: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let v = g.subschema_for::<V>();
        schemars::json_schema!({
            "type": "object",
            "additionalProperties": v,
            "propertyNames": {"pattern": TAG_KEY_PATTERN, "not": {"pattern": TAG_KEY_RESERVED}}
        })
    }
}

/// JavaScript `String(x)` of a scalar, or `None` for objects, arrays and null.
pub fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(js_number_string(n.as_f64().unwrap_or(0.0))),
        _ => None,
    }
}

pub use cfgen_syntax::node::js_number_string;

/// The name JavaScript's `typeof` would give (arrays and null spelled out).
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// JavaScript truthiness of a JSON value.
pub fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|x| x != 0.0 && !x.is_nan()),
        Value::String(s) => !s.is_empty(),
        Value::Array(_) | Value::Object(_) => true,
    }
}

/// An IAM policy statement, with the coercions Serverless' schema applies to it: `Action`,
/// `NotAction` and the `Service`/`Federated`/`CanonicalUser` (and non-`*` `AWS`) principals
/// become lists when written as one string. Key order is kept.
#[derive(Clone, Debug, PartialEq, JsonSchema)]
#[schemars(transparent)]
pub struct Statement(#[schemars(with = "crate::cf::IamStatement")] pub Value);

impl<'de> Deserialize<'de> for Statement {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut v = Value::deserialize(d)?;
        if let Value::Object(m) = &mut v {
            for k in ["Action", "NotAction"] {
                if let Some(x) = m.get_mut(k) {
                    if x.is_string() {
                        *x = Value::Array(vec![x.take()]);
                    }
                }
            }
            // `Resource` is `anyOf [const "*", ARN string, logical id string, list]`: AJV's
            // array coercion turns a one-item list into its item when a string branch accepts it.
            for k in ["Resource", "NotResource"] {
                if let Some(x) = m.get_mut(k) {
                    let single = match x.as_array().map(Vec::as_slice) {
                        Some([Value::String(s)]) if s.starts_with("arn:") || is_logical_id_pattern(s) => Some(s.clone()),
                        _ => None,
                    };
                    if let Some(s) = single {
                        *x = Value::String(s);
                    }
                }
            }
            for k in ["Principal", "NotPrincipal"] {
                if let Some(Value::Object(p)) = m.get_mut(k) {
                    for (pk, pv) in p.iter_mut() {
                        let listy =
                            matches!(pk.as_str(), "Service" | "Federated" | "CanonicalUser") || (pk == "AWS" && pv.as_str() != Some("*"));
                        if listy && pv.is_string() {
                            *pv = Value::Array(vec![pv.take()]);
                        }
                    }
                }
            }
        }
        Ok(Statement(v))
    }
}

/// `^[#A-Za-z0-9-_./]+[*]?$` (Serverless' `awsLogicalResourceId`).
fn is_logical_id_pattern(s: &str) -> bool {
    let body = s.strip_suffix('*').unwrap_or(s);
    !body.is_empty() && body.chars().all(|c| c.is_ascii_alphanumeric() || "#-_./".contains(c))
}

/// The coercions Serverless' schema applies inside `resources:`: `Transform` and every
/// `DependsOn` (of `Resources` and `extensions`) become lists when written as one string;
/// `Description`, `AWSTemplateFormatVersion`, `DeletionPolicy`, `UpdateReplacePolicy` and
/// `Condition` become strings when written as numbers or booleans.
pub fn coerce_resources(resources: &mut Value) {
    let Value::Object(r) = resources else { return };
    let to_list = |v: &mut Value| {
        if matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_)) {
            let s = scalar_string(v).unwrap_or_default();
            *v = Value::Array(vec![Value::String(s)]);
        }
    };
    let to_string = |v: &mut Value| {
        if matches!(v, Value::Number(_) | Value::Bool(_)) {
            *v = Value::String(scalar_string(v).unwrap_or_default());
        }
    };
    if let Some(t) = r.get_mut("Transform") {
        to_list(t);
    }
    for k in ["Description", "AWSTemplateFormatVersion"] {
        if let Some(v) = r.get_mut(k) {
            to_string(v);
        }
    }
    for section in ["Resources", "extensions"] {
        if let Some(Value::Object(items)) = r.get_mut(section) {
            for (_, res) in items.iter_mut() {
                let Value::Object(res) = res else { continue };
                if let Some(d) = res.get_mut("DependsOn") {
                    to_list(d);
                }
                for k in ["DeletionPolicy", "UpdateReplacePolicy", "Condition", "Type"] {
                    if let Some(v) = res.get_mut(k) {
                        to_string(v);
                    }
                }
            }
        }
    }
}
