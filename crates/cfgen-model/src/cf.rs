//! Shapes shared by many places of `serverless.yml`: CloudFormation intrinsic functions, ARNs,
//! IAM statements, tags. They mirror the definitions of Serverless v3's own config schema
//! (`awsCfFunction`, `awsArn`, `awsIamPolicyStatements`, ...) and carry descriptions.
//!
//! Most of these types are *shapes*: they exist for the JSON Schema (editor completion and the
//! validation pass, which checks the resolved document against the generated schema). Fields
//! that the compile passes read as free-form JSON name their shape with
//! `#[schemars(with = "...")]`, so the schema and the validator come from these Rust types.

use schemars::JsonSchema;
use serde_json::Value;

/// `{Ref: LogicalId}`: the value of a parameter or the primary id of a resource.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CfRef {
    /// The logical id of a resource or parameter, or a pseudo parameter such as `AWS::Region`.
    #[serde(rename = "Ref")]
    #[schemars(length(min = 1))]
    pub r#ref: String,
}

/// `{Fn::GetAtt: [LogicalId, Attribute]}`: an attribute of a resource of the template.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CfGetAtt {
    /// `[LogicalId, Attribute]`, e.g. `[MyQueue, Arn]`.
    #[serde(rename = "Fn::GetAtt")]
    #[schemars(length(min = 2, max = 2))]
    pub get_att: Vec<String>,
}

/// `{Fn::ImportValue: ExportName}`: an output exported by another stack.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CfImport {
    /// The export name (a string or an intrinsic function).
    #[serde(rename = "Fn::ImportValue")]
    pub import_value: Value,
}

/// `{Fn::Join: [Delimiter, [Values]]}`: values joined with a delimiter.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CfJoin {
    /// `[Delimiter, [Value, ...]]`. The delimiter is text (v3 reads a number as its text); the
    /// values a list, or an intrinsic function that returns one.
    #[serde(rename = "Fn::Join")]
    pub join: (crate::coerce::Str, Value),
}

/// `{Fn::Sub: String}` or `{Fn::Sub: [String, {Var: Value}]}`: `${Name}` substitution.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CfSub {
    /// A string with `${LogicalId}`, `${LogicalId.Attribute}` and `${AWS::Region}`-style
    /// references, or `[String, {Name: Value}]`.
    #[serde(rename = "Fn::Sub")]
    pub sub: Value,
}

/// `{Fn::Base64: Value}`.
#[derive(JsonSchema)]
pub struct CfBase64 {
    /// The string to encode.
    #[serde(rename = "Fn::Base64")]
    pub base64: Value,
}

/// `{Fn::ToJsonString: Object}` (needs the `AWS::LanguageExtensions` transform).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CfToJsonString {
    /// An object or a list to serialise to a JSON string.
    #[serde(rename = "Fn::ToJsonString")]
    pub to_json_string: ObjectOrArray,
}

/// An object or an array.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum ObjectOrArray {
    /// An object.
    Object(serde_json::Map<String, Value>),
    /// A list.
    Array(Vec<Value>),
}

/// `{Fn::If: [Condition, ValueIfTrue, ValueIfFalse]}`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CfIf {
    /// `[ConditionName, ValueIfTrue, ValueIfFalse]`.
    #[serde(rename = "Fn::If")]
    #[schemars(length(min = 3, max = 3))]
    pub r#if: Vec<crate::coerce::CfIfBranch>,
}

/// `{Fn::Split: [Delimiter, String]}`: a list from a delimited string.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CfSplit {
    /// `[Delimiter, SourceString]`.
    #[serde(rename = "Fn::Split")]
    #[schemars(length(min = 2, max = 2))]
    pub split: Vec<StringOrCfFunction>,
}

/// `{Fn::FindInMap: [MapName, TopLevelKey, SecondLevelKey]}`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CfFindInMap {
    /// `[MapName, TopLevelKey, SecondLevelKey]`.
    #[serde(rename = "Fn::FindInMap")]
    #[schemars(length(min = 3, max = 3))]
    pub find_in_map: Vec<StringOrCfFunction>,
}

/// `{Fn::GetAZs: Region}`: the availability zones of a region.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CfGetAzs {
    /// The region (empty for the stack's region) or `{Ref: AWS::Region}`.
    #[serde(rename = "Fn::GetAZs")]
    pub get_azs: CfGetAzsRegion,
}

/// The region argument of `Fn::GetAZs`.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum CfGetAzsRegion {
    /// A region name, e.g. `eu-west-1`, or `''` for the stack's region.
    String(String),
    /// `{Ref: AWS::Region}`.
    Ref(CfRef),
}

/// `{Fn::Select: [Index, List]}`: one item of a list.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CfSelect {
    /// `[Index, List]`, e.g. `[0, {Fn::GetAZs: ''}]`.
    #[serde(rename = "Fn::Select")]
    #[schemars(length(min = 2, max = 2))]
    pub select: Vec<CfSelectItem>,
}

/// An argument of `Fn::Select`: the index, or the list (literal or from an intrinsic).
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum CfSelectItem {
    /// The index.
    Number(f64),
    /// A string (an index written as a string, or a literal).
    String(String),
    /// A literal list.
    Array(Vec<Value>),
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
    /// `Ref` (e.g. a `CommaDelimitedList` parameter).
    Ref(CfRef),
}

/// A CloudFormation intrinsic function Serverless passes through to the template
/// (`Ref`, `Fn::GetAtt`, `Fn::ImportValue`, `Fn::Join`, `Fn::Sub`, `Fn::Base64`, `Fn::ToJsonString`).
#[derive(JsonSchema)]
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
    /// that knows the tags only as custom tags sees it. For editors only: cfgen reads the tags
    /// as the functions they stand for, so its validator never sees this form.
    #[schemars(extend("x-cfgen-editor-only" = true))]
    ShortForm(Vec<Value>),
}

/// A string or a CloudFormation intrinsic function.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum StringOrCfFunction {
    /// A literal string.
    String(String),
    /// An intrinsic function.
    Function(CfFunction),
}

/// A non-empty string or a CloudFormation intrinsic function (Serverless' `awsCfInstruction`).
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum CfInstruction {
    /// A literal string.
    String(#[schemars(length(min = 1))] String),
    /// An intrinsic function.
    Function(CfFunction),
}

/// A list of strings/intrinsics, or `Fn::Split` producing one.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum CfArrayInstruction {
    /// A list.
    List(Vec<CfInstruction>),
    /// `Fn::Split`.
    Split(CfSplit),
}

/// An ARN (`arn:...`) or an intrinsic function that yields one.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum AwsArn {
    /// A literal ARN (`arn:...`). Other text is a schema finding, as in v3 (`awsArnString`).
    String(#[schemars(regex(pattern = "^arn:"))] String),
    /// An editor sees `!Ref X` / `!GetAtt X.Arn` short-form tags as plain strings, so for
    /// editors any string is taken; cfgen reads the tags as the functions they stand for.
    #[schemars(extend("x-cfgen-editor-only" = true))]
    Tag(String),
    /// An intrinsic function (e.g. `{Fn::GetAtt: [MyQueue, Arn]}`).
    Function(CfFunction),
}

/// A KMS key ARN (`arn:aws:kms:...`) or an intrinsic function that yields one.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum AwsKmsArn {
    /// An intrinsic function.
    Function(CfFunction),
    /// A literal KMS key ARN (`arn:aws:kms:...`). Other text (a bare key id, an alias) is a
    /// schema finding, as in v3 (`awsKmsArn`).
    String(#[schemars(regex(pattern = "^arn:aws[a-z-]*:kms"))] String),
    /// For editors any string is taken, as for [`AwsArn`]: short-form tags look like strings.
    #[schemars(extend("x-cfgen-editor-only" = true))]
    Tag(String),
}

/// A logical id of a resource in this template (`[#A-Za-z0-9-_./]`, optionally ending in `*`).
#[derive(JsonSchema)]
#[schemars(transparent)]
pub struct AwsLogicalResourceId(#[schemars(regex(pattern = "^[#A-Za-z0-9-_./]+[*]?$"))] pub String);

/// An IAM role for a function: a name, an ARN, a logical id, or `Fn::GetAtt`/`Fn::Sub`/`Fn::ImportValue`.
#[derive(JsonSchema)]
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
#[derive(JsonSchema)]
pub enum Star {
    /// Everything.
    #[serde(rename = "*")]
    Star,
}

/// IAM actions: a list (or one) of `service:Action` strings, wildcards allowed.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum IamActions {
    /// A list of actions, e.g. `[s3:GetObject, s3:PutObject]`.
    List(Vec<String>),
    /// One action (Serverless turns it into a one-element list).
    One(String),
}

/// One resource of an IAM statement: `*`, an ARN, an intrinsic or a logical id.
#[derive(JsonSchema)]
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
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum IamResources {
    /// A list of resources.
    List(Vec<IamResourceItem>),
    /// One resource.
    One(IamResourceItem),
}

/// The principal of a resource-based policy statement.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum IamPrincipal {
    /// Everyone (`*`).
    Star(Star),
    /// Principals by kind.
    Object(Box<IamPrincipalObject>),
}

/// Principals by kind.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct IamPrincipalObject {
    /// AWS accounts, users or roles (ARNs, account ids, `*` or `Fn::If`).
    #[serde(rename = "AWS")]
    #[schemars(extend("examples" = [["arn:aws:iam::123456789012:root"]]))]
    pub aws: Option<IamPrincipalAws>,
    /// Identity providers (web identity or SAML); one string becomes a list.
    #[serde(rename = "Federated")]
    pub federated: Option<crate::coerce::List<String>>,
    /// AWS services, e.g. `lambda.amazonaws.com`; one string becomes a list.
    #[serde(rename = "Service")]
    #[schemars(extend("examples" = [["apigateway.amazonaws.com"]]))]
    pub service: Option<crate::coerce::List<String>>,
    /// S3 canonical user ids; one string becomes a list.
    #[serde(rename = "CanonicalUser")]
    pub canonical_user: Option<crate::coerce::List<String>>,
}

/// The `AWS` principal: everyone, a condition, or accounts/ARNs.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum IamPrincipalAws {
    /// Every AWS principal (`*`).
    Star(Star),
    /// `Fn::If` choosing between principals.
    If(CfIf),
    /// Account ids (12 digits) or ARNs / intrinsics; one item becomes a list.
    List(crate::coerce::List<AccountOrArn>),
}

/// A 12-digit AWS account id, an ARN, or an intrinsic function yielding one.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum AccountOrArn {
    /// An account id, e.g. `123456789012`.
    Account(#[schemars(regex(pattern = r"^\d{12}$"))] String),
    /// An ARN or an intrinsic function.
    Arn(AwsArn),
}

/// Effect of an IAM statement.
#[derive(JsonSchema)]
pub enum IamEffect {
    /// Grant.
    Allow,
    /// Refuse (wins over any Allow).
    Deny,
}

/// One IAM policy statement (CloudFormation spelling: `Effect`, `Action`, `Resource`, ...).
#[derive(JsonSchema)]
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

/// Tags: `key: value` (values are strings; numbers and booleans are turned into strings).
pub type Tags = indexmap::IndexMap<String, crate::coerce::Str>;

/// A literal ARN string (`arn:...`), no intrinsic function.
#[derive(JsonSchema)]
#[schemars(transparent)]
pub struct AwsArnString(#[schemars(regex(pattern = "^arn:"))] pub String);

/// A non-empty string, a CloudFormation intrinsic function, or `Fn::If` (list items of
/// `vpc.securityGroupIds`/`subnetIds`).
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum CfInstructionOrIf {
    /// A string or an intrinsic function.
    Instruction(CfInstruction),
    /// `Fn::If`.
    If(CfIf),
}

/// `{Fn::ImportValue: ExportName}` with a literal export name (Serverless resolves it itself).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CfImportLocallyResolvable {
    /// The export name, a literal string.
    #[serde(rename = "Fn::ImportValue")]
    pub import_value: String,
}

/// A Lambda runtime. The list offers the runtimes Serverless v3.40 knows and the ones AWS
/// added since; any other string is accepted too (Serverless v3 only warns and passes it on).
pub struct AwsLambdaRuntime;

/// Runtimes offered for completion: Serverless v3.40's list, then newer AWS runtimes.
pub const LAMBDA_RUNTIMES: [&str; 27] = [
    "dotnet6",
    "dotnet8",
    "go1.x",
    "java8",
    "java8.al2",
    "java11",
    "java17",
    "java21",
    "nodejs14.x",
    "nodejs16.x",
    "nodejs18.x",
    "nodejs20.x",
    "nodejs22.x",
    "provided",
    "provided.al2",
    "provided.al2023",
    "python3.7",
    "python3.8",
    "python3.9",
    "python3.10",
    "python3.11",
    "python3.12",
    "python3.13",
    "ruby2.7",
    "ruby3.2",
    "ruby3.3",
    "ruby3.4",
];

impl JsonSchema for AwsLambdaRuntime {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "AwsLambdaRuntime".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A Lambda runtime identifier, e.g. `nodejs20.x`, `python3.12`, `java21`, `provided.al2023`. Runtimes outside the list are accepted as written.",
            "anyOf": [
                {"enum": LAMBDA_RUNTIMES.as_slice()},
                // A name, not a number: v3's schema is the enumeration alone, which AJV does not
                // coerce to, so it would not read `0` as the text "0" (it takes it for no runtime).
                {"type": "string", "pattern": "[A-Za-z]", crate::coerce::CFGEN_ONLY_MARK: true}
            ]
        })
    }
}

/// The instruction set of a Lambda function.
#[derive(JsonSchema)]
pub enum AwsLambdaArchitecture {
    /// AWS Graviton (ARM).
    #[serde(rename = "arm64")]
    Arm64,
    /// Intel/AMD (the Lambda default).
    #[serde(rename = "x86_64")]
    X86_64,
}

/// X-Ray tracing mode of a Lambda function: `Active`, `PassThrough`, or a boolean (`true` is
/// `Active`, `false` turns tracing off).
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum AwsLambdaTracing {
    /// `Active` samples and traces requests; `PassThrough` only forwards an incoming trace header.
    Mode(TracingMode),
    /// `true` means `Active`; `false` leaves tracing off.
    Bool(bool),
}

/// `Active` or `PassThrough`.
#[derive(JsonSchema)]
pub enum TracingMode {
    /// Trace requests (X-Ray sampling).
    Active,
    /// Only pass an upstream trace header on.
    PassThrough,
}

/// When Lambda updates a function's runtime: a mode, or `{mode: manual, arn}` to pin a version.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum AwsLambdaRuntimeManagement {
    /// `auto` (the default: AWS updates the runtime) or `onFunctionUpdate`.
    Mode(RuntimeUpdateMode),
    /// The mode with a runtime version ARN (required for `manual`).
    Settings(RuntimeManagementSettings),
}

/// Runtime update modes that need no ARN.
#[derive(JsonSchema)]
pub enum RuntimeUpdateMode {
    /// AWS updates the runtime automatically (the default).
    #[serde(rename = "auto")]
    Auto,
    /// The runtime is updated when the function is deployed.
    #[serde(rename = "onFunctionUpdate")]
    OnFunctionUpdate,
}

/// Runtime management with an explicit mode.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RuntimeManagementSettings {
    /// `auto` (default), `onFunctionUpdate`, or `manual` (pins the runtime version `arn`).
    pub mode: Option<RuntimeManagementMode>,
    /// The runtime version ARN used with `mode: manual`.
    #[schemars(example = "arn:aws:lambda:us-east-1::runtime:0b1d1a3c2f1e5d2b7e6b4d5c1a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f")]
    pub arn: Option<AwsArn>,
}

/// Every runtime update mode.
#[derive(JsonSchema)]
pub enum RuntimeManagementMode {
    /// AWS updates the runtime automatically.
    #[serde(rename = "auto")]
    Auto,
    /// The runtime is updated on deployment.
    #[serde(rename = "onFunctionUpdate")]
    OnFunctionUpdate,
    /// The runtime stays at `arn`.
    #[serde(rename = "manual")]
    Manual,
}

/// VPC settings of a Lambda function (`VpcConfig`): both lists are required.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct AwsLambdaVpcConfig {
    /// Security groups of the function's network interfaces (at most 5).
    #[schemars(extend("examples" = [["sg-0123456789abcdef0"]]))]
    pub security_group_ids: VpcIdList,
    /// Subnets the function runs in (at most 16); private subnets with a NAT for internet access.
    #[schemars(extend("examples" = [["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]]))]
    pub subnet_ids: VpcIdList,
}

/// A list of VPC ids, or an intrinsic function producing one.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum VpcIdList {
    /// Ids (strings or intrinsic functions, `Fn::If` allowed).
    List(Vec<CfInstructionOrIf>),
    /// `Fn::Split` of a comma-separated string (e.g. an imported value).
    Split(CfSplit),
    /// `Fn::FindInMap`.
    FindInMap(CfFindInMap),
}

/// One statement of a resource policy (e.g. the REST API's `resourcePolicy`); like
/// [`IamStatement`], and `Resource` may also be an abbreviated `execute-api:/...` ARN.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ResourcePolicyStatement {
    /// An optional statement id.
    #[serde(rename = "Sid")]
    pub sid: Option<String>,
    /// `Allow` or `Deny`.
    #[serde(rename = "Effect")]
    pub effect: IamEffect,
    /// The actions, e.g. `execute-api:Invoke`.
    #[serde(rename = "Action")]
    pub action: Option<IamActions>,
    /// Every action except these.
    #[serde(rename = "NotAction")]
    pub not_action: Option<IamActions>,
    /// Who the statement applies to, e.g. `*`.
    #[serde(rename = "Principal")]
    pub principal: Option<IamPrincipal>,
    /// Everyone except these principals.
    #[serde(rename = "NotPrincipal")]
    pub not_principal: Option<IamPrincipal>,
    /// The resources, e.g. `execute-api:/*/*/*` (Serverless expands it to the API's ARN).
    #[serde(rename = "Resource")]
    #[schemars(example = "execute-api:/*/*/*")]
    pub resource: Option<ResourcePolicyResources>,
    /// Every resource except these.
    #[serde(rename = "NotResource")]
    pub not_resource: Option<ResourcePolicyResources>,
    /// Conditions, e.g. `{IpAddress: {aws:SourceIp: [203.0.113.0/24]}}`.
    #[serde(rename = "Condition")]
    pub condition: Option<serde_json::Map<String, Value>>,
}

/// One resource of a resource policy statement.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum ResourcePolicyResource {
    /// `*`.
    Star(Star),
    /// An ARN or an intrinsic function.
    Arn(AwsArn),
    /// An abbreviated API Gateway ARN, e.g. `execute-api:/*/GET/pets`.
    Abbreviated(#[schemars(regex(pattern = "^execute-api:/"))] String),
}

/// The resources of a resource policy statement: one or a list.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum ResourcePolicyResources {
    /// A list.
    List(Vec<ResourcePolicyResource>),
    /// One resource.
    One(ResourcePolicyResource),
}

/// A boolean. Serverless v3's validator coerces the strings `'true'` and `'false'`, so they
/// pass too.
pub struct Bool;

impl JsonSchema for Bool {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Bool".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": ["boolean", "string"], "enum": [true, false, "true", "false"], crate::coerce::BOOLEAN_MARK: true})
    }
}
