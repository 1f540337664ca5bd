//! Shapes shared by many places of `serverless.yml`: CloudFormation intrinsic functions, ARNs,
//! IAM statements, tags. They mirror the definitions of Serverless v3's own config schema
//! (`awsCfFunction`, `awsArn`, `awsIamPolicyStatements`, ...) and carry descriptions.
//!
//! Most of these types are *shapes*: they exist for the JSON Schema (editor completion and the
//! validation pass, which checks the resolved document against the generated schema). Fields
//! that the compile passes read as free-form JSON name their shape with
//! `#[schemars(with = "...")]`, so the schema and the validator come from these Rust types.

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

/// `{Ref: LogicalId}`: the value of a parameter or the primary id of a resource.
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CfRef {
    /// The logical id of a resource or parameter, or a pseudo parameter such as `AWS::Region`.
    #[serde(rename = "Ref")]
    #[schemars(length(min = 1))]
    pub r#ref: String,
}

/// `{Fn::GetAtt: [LogicalId, Attribute]}`: an attribute of a resource of the template.
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CfGetAtt {
    /// `[LogicalId, Attribute]`, e.g. `[MyQueue, Arn]`.
    #[serde(rename = "Fn::GetAtt")]
    #[schemars(length(min = 2, max = 2))]
    pub get_att: Vec<String>,
}

/// `{Fn::ImportValue: ExportName}`: an output exported by another stack.
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CfImport {
    /// The export name (a string or an intrinsic function).
    #[serde(rename = "Fn::ImportValue")]
    pub import_value: Value,
}

/// `{Fn::Join: [Delimiter, [Values]]}`: values joined with a delimiter.
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CfJoin {
    /// `[Delimiter, [Value, ...]]`.
    #[serde(rename = "Fn::Join")]
    #[schemars(length(min = 2, max = 2))]
    pub join: Vec<Value>,
}

/// `{Fn::Sub: String}` or `{Fn::Sub: [String, {Var: Value}]}`: `${Name}` substitution.
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CfSub {
    /// A string with `${LogicalId}`, `${LogicalId.Attribute}` and `${AWS::Region}`-style
    /// references, or `[String, {Name: Value}]`.
    #[serde(rename = "Fn::Sub")]
    pub sub: Value,
}

/// `{Fn::Base64: Value}`.
#[derive(Serialize, JsonSchema)]
pub struct CfBase64 {
    /// The string to encode.
    #[serde(rename = "Fn::Base64")]
    pub base64: Value,
}

/// `{Fn::ToJsonString: Object}` (needs the `AWS::LanguageExtensions` transform).
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CfToJsonString {
    /// An object or a list to serialise to a JSON string.
    #[serde(rename = "Fn::ToJsonString")]
    pub to_json_string: ObjectOrArray,
}

/// An object or an array.
#[derive(Serialize, JsonSchema)]
#[serde(untagged)]
pub enum ObjectOrArray {
    /// An object.
    Object(serde_json::Map<String, Value>),
    /// A list.
    Array(Vec<Value>),
}

/// `{Fn::If: [Condition, ValueIfTrue, ValueIfFalse]}`.
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CfIf {
    /// `[ConditionName, ValueIfTrue, ValueIfFalse]`.
    #[serde(rename = "Fn::If")]
    #[schemars(length(min = 3, max = 3))]
    pub r#if: Vec<CfInstruction>,
}

/// `{Fn::Split: [Delimiter, String]}`: a list from a delimited string.
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CfSplit {
    /// `[Delimiter, SourceString]`.
    #[serde(rename = "Fn::Split")]
    #[schemars(length(min = 2, max = 2))]
    pub split: Vec<StringOrCfFunction>,
}

/// `{Fn::FindInMap: [MapName, TopLevelKey, SecondLevelKey]}`.
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CfFindInMap {
    /// `[MapName, TopLevelKey, SecondLevelKey]`.
    #[serde(rename = "Fn::FindInMap")]
    #[schemars(length(min = 3, max = 3))]
    pub find_in_map: Vec<StringOrCfFunction>,
}

/// `{Fn::GetAZs: Region}`: the availability zones of a region.
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CfGetAzs {
    /// The region (empty for the stack's region) or `{Ref: AWS::Region}`.
    #[serde(rename = "Fn::GetAZs")]
    pub get_azs: RegionOrRef,
}

/// A region name or `{Ref: AWS::Region}`.
#[derive(Serialize, JsonSchema)]
#[serde(untagged)]
pub enum RegionOrRef {
    /// A region, e.g. `us-east-1`, or `''` for the stack's region.
    Region(String),
    /// `{Ref: AWS::Region}`.
    Ref(CfRef),
}

/// `{Fn::Select: [Index, List]}`: one item of a list.
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CfSelect {
    /// `[Index, List]`, e.g. `[0, {Fn::GetAZs: ''}]`.
    #[serde(rename = "Fn::Select")]
    #[schemars(length(min = 2, max = 2))]
    pub select: Vec<CfSelectItem>,
}

/// The index or the list of a `Fn::Select`.
#[derive(Serialize, JsonSchema)]
#[serde(untagged)]
pub enum CfSelectItem {
    /// An index.
    Number(f64),
    /// A string (an index or a list given by a parameter).
    String(String),
    /// A literal list.
    List(Vec<Value>),
    /// `Fn::FindInMap`.
    FindInMap(CfFindInMap),
    /// `Fn::GetAtt`.
    GetAtt(CfGetAtt),
    /// `Fn::GetAZs`.
    GetAzs(CfGetAzs),
    /// `Fn::If`.
    If(CfIf),
    /// `Fn::Split`.
    Split(CfSplit),
    /// `Ref`.
    Ref(CfRef),
}

/// A CloudFormation intrinsic function Serverless passes through to the template
/// (`Ref`, `Fn::GetAtt`, `Fn::ImportValue`, `Fn::Join`, `Fn::Sub`, `Fn::Base64`, `Fn::ToJsonString`).
#[derive(Serialize, JsonSchema)]
#[serde(untagged)]
pub enum CfFunction {
    /// `Fn::ImportValue`.
    Import(CfImport),
    /// `Fn::Join`.
    Join(CfJoin),
    /// `Fn::GetAtt`.
    GetAtt(CfGetAtt),
    /// `Ref`.
    Ref(CfRef),
    /// `Fn::Sub`.
    Sub(CfSub),
    /// `Fn::Base64`.
    Base64(CfBase64),
    /// `Fn::ToJsonString`.
    ToJsonString(CfToJsonString),
    /// An intrinsic written with a short-form tag that takes a list (`!Join [...]`, `!If [...]`,
    /// `!GetAtt [Res, Attr]`, `!Select`, `!Split`, `!FindInMap`, `!Sub [...]`), as a YAML editor
    /// that knows the tags only as custom tags sees it.
    ShortForm(Vec<Value>),
}

/// A string or a CloudFormation intrinsic function.
#[derive(Serialize, JsonSchema)]
#[serde(untagged)]
pub enum StringOrCfFunction {
    /// A literal string.
    String(String),
    /// An intrinsic function.
    Function(CfFunction),
}

/// A non-empty string or a CloudFormation intrinsic function (Serverless' `awsCfInstruction`).
#[derive(Serialize, JsonSchema)]
#[serde(untagged)]
pub enum CfInstruction {
    /// A literal string.
    String(#[schemars(length(min = 1))] String),
    /// An intrinsic function.
    Function(CfFunction),
}

/// A list of strings/intrinsics, or `Fn::Split` producing one.
#[derive(Serialize, JsonSchema)]
#[serde(untagged)]
pub enum CfArrayInstruction {
    /// A list.
    List(Vec<CfInstruction>),
    /// `Fn::Split`.
    Split(CfSplit),
}

/// An ARN (`arn:...`) or an intrinsic function that yields one.
#[derive(Serialize, JsonSchema)]
#[serde(untagged)]
pub enum AwsArn {
    /// A literal ARN (`arn:...`). Any string is taken: an editor sees `!Ref X` / `!GetAtt X.Arn`
    /// short-form tags as plain strings.
    String(String),
    /// An intrinsic function (e.g. `{Fn::GetAtt: [MyQueue, Arn]}`).
    Function(CfFunction),
}

/// A KMS key ARN (`arn:aws:kms:...`) or an intrinsic function that yields one.
#[derive(Serialize, JsonSchema)]
#[serde(untagged)]
pub enum AwsKmsArn {
    /// An intrinsic function.
    Function(CfFunction),
    /// A literal KMS key ARN (`arn:aws:kms:...`; any string is taken, as for [`AwsArn`]).
    String(String),
}

/// A logical id of a resource in this template (`[#A-Za-z0-9-_./]`, optionally ending in `*`).
#[derive(Serialize, JsonSchema)]
#[schemars(transparent)]
pub struct AwsLogicalResourceId(#[schemars(regex(pattern = "^[#A-Za-z0-9-_./]+[*]?$"))] pub String);

/// An IAM role for a function: a name, an ARN, a logical id, or `Fn::GetAtt`/`Fn::Sub`/`Fn::ImportValue`.
#[derive(Serialize, JsonSchema)]
#[serde(untagged)]
pub enum AwsLambdaRole {
    /// A role name, ARN or logical id of a role in `resources:`.
    String(#[schemars(length(min = 1))] String),
    /// `Fn::Sub`.
    Sub(CfSub),
    /// `Fn::ImportValue`.
    Import(CfImport),
    /// `Fn::GetAtt`.
    GetAtt(CfGetAtt),
}

/// The literal `"*"`.
#[derive(Serialize, JsonSchema)]
pub enum Star {
    /// Everything.
    #[serde(rename = "*")]
    Star,
}

/// IAM actions: a list (or one) of `service:Action` strings, wildcards allowed.
#[derive(Serialize, JsonSchema)]
#[serde(untagged)]
pub enum IamActions {
    /// A list of actions, e.g. `[s3:GetObject, s3:PutObject]`.
    List(Vec<String>),
    /// One action (Serverless turns it into a one-element list).
    One(String),
}

/// One resource of an IAM statement: `*`, an ARN, an intrinsic or a logical id.
#[derive(Serialize, JsonSchema)]
#[serde(untagged)]
pub enum IamResourceItem {
    /// `*`.
    Star(Star),
    /// An ARN or intrinsic function.
    Arn(AwsArn),
    /// A logical id.
    LogicalId(AwsLogicalResourceId),
    /// Any intrinsic (e.g. `Fn::If`, `Fn::Select`).
    Other(serde_json::Map<String, Value>),
}

/// The resources of an IAM statement: one or a list.
#[derive(Serialize, JsonSchema)]
#[serde(untagged)]
pub enum IamResources {
    /// A list of resources.
    List(Vec<IamResourceItem>),
    /// One resource.
    One(IamResourceItem),
}

/// The principal of a resource-based policy statement.
#[derive(Serialize, JsonSchema)]
#[serde(untagged)]
pub enum IamPrincipal {
    /// Everyone (`*`).
    Star(Star),
    /// Principals by kind.
    Object(Box<IamPrincipalObject>),
}

/// Principals by kind.
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct IamPrincipalObject {
    /// AWS accounts, users or roles (ARNs, account ids, `*` or `Fn::If`).
    #[serde(rename = "AWS")]
    pub aws: Option<Value>,
    /// Identity providers (web identity or SAML).
    #[serde(rename = "Federated")]
    pub federated: Option<Value>,
    /// AWS services, e.g. `lambda.amazonaws.com`.
    #[serde(rename = "Service")]
    pub service: Option<Value>,
    /// S3 canonical user ids.
    #[serde(rename = "CanonicalUser")]
    pub canonical_user: Option<Value>,
}

/// Effect of an IAM statement.
#[derive(Serialize, JsonSchema)]
pub enum IamEffect {
    /// Grant.
    Allow,
    /// Refuse (wins over any Allow).
    Deny,
}

/// One IAM policy statement (CloudFormation spelling: `Effect`, `Action`, `Resource`, ...).
#[derive(Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct IamStatement {
    /// An optional statement id.
    #[serde(rename = "Sid")]
    pub sid: Option<String>,
    /// `Allow` or `Deny`.
    #[serde(rename = "Effect")]
    pub effect: IamEffect,
    /// The actions the statement covers, e.g. `dynamodb:GetItem`.
    #[serde(rename = "Action")]
    pub action: Option<IamActions>,
    /// Every action except these.
    #[serde(rename = "NotAction")]
    pub not_action: Option<IamActions>,
    /// Who the statement applies to (resource policies only).
    #[serde(rename = "Principal")]
    pub principal: Option<IamPrincipal>,
    /// Everyone except these principals (resource policies only).
    #[serde(rename = "NotPrincipal")]
    pub not_principal: Option<IamPrincipal>,
    /// The resources: ARNs, `*`, or intrinsics such as `{Fn::GetAtt: [Table, Arn]}`.
    #[serde(rename = "Resource")]
    pub resource: Option<IamResources>,
    /// Every resource except these.
    #[serde(rename = "NotResource")]
    pub not_resource: Option<IamResources>,
    /// Conditions, e.g. `{StringEquals: {aws:RequestedRegion: eu-west-1}}`.
    #[serde(rename = "Condition")]
    pub condition: Option<serde_json::Map<String, Value>>,
}

/// A boolean; the strings `"true"` and `"false"` are accepted too (Serverless' AJV coerces them).
pub struct Bool;

impl JsonSchema for Bool {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Bool".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"anyOf": [{"type": "boolean"}, {"type": "string", "enum": ["true", "false"]}]})
    }
}

/// Tags: `key: value` (values are strings; numbers and booleans are turned into strings).
pub type Tags = indexmap::IndexMap<String, crate::coerce::Str>;
