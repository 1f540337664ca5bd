//! Shapes of the `functions.<key>` settings the compile passes read as free-form JSON
//! (`url`, `vpc`, `image`, `destinations`, ...), mirroring Serverless v3's config schema
//! (`lib/config-schema.js` and `lib/plugins/aws/provider.js`). Only the JSON Schema comes
//! from them (via `#[schemars(with = "...")]` on the fields of [`crate::Function`]).

use crate::cf::{Bool, CfFindInMap, CfFunction, CfGetAtt, CfIf, CfImport, CfInstruction, CfJoin, CfSplit};
use crate::coerce::{List, Num};
use schemars::JsonSchema;
use serde_json::Value;

/// An asynchronous invocation destination.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum Destination {
    /// The key of a function of this service, or the ARN of a function, SNS topic, SQS queue
    /// or EventBridge bus (the type is read from the ARN).
    Target(#[schemars(length(min = 1))] String),
    /// A target given by an intrinsic function, with its type.
    Object(DestinationObject),
}

/// The kind of a destination.
#[derive(JsonSchema)]
pub enum DestinationType {
    /// A Lambda function.
    #[serde(rename = "function")]
    Function,
    /// An SNS topic.
    #[serde(rename = "sns")]
    Sns,
    /// An SQS queue.
    #[serde(rename = "sqs")]
    Sqs,
    /// An EventBridge event bus.
    #[serde(rename = "eventBus")]
    EventBus,
}

/// The `arn` of a destination's object form: an intrinsic function (v3's `awsCfFunction`).
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum DestinationArn {
    /// An intrinsic function.
    Function(crate::cf::CfFunction),
    /// For editors any string is taken: short-form tags (`!GetAtt Queue.Arn`) look like strings.
    #[schemars(extend("x-cfgen-editor-only" = true))]
    Tag(String),
}

/// A destination given by an intrinsic function.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct DestinationObject {
    /// The target's ARN as an intrinsic function, e.g. `{Fn::GetAtt: [MyQueue, Arn]}`. A plain
    /// ARN is written `onFailure: arn:...`: here v3's schema warns about one (and compiles it).
    pub arn: DestinationArn,
    /// `function`, `sns`, `sqs` or `eventBus`.
    #[serde(rename = "type")]
    pub r#type: DestinationType,
}

/// An ECR image URI: `<account>.dkr.ecr.<region>.amazonaws.com/<repo>@sha256:<digest>` (or `:<tag>`).
#[derive(JsonSchema)]
#[schemars(transparent)]
pub struct EcrImageUri(
    #[schemars(regex(pattern = r"^\d+\.dkr\.ecr\.[a-z0-9-]+..amazonaws.com\/([^@]+)|([^@:]+@sha256:[a-f0-9]{64})$"))] pub String,
);

/// The name of an image in `provider.ecr.images` (`[a-z][a-z0-9-_]{1,31}`).
#[derive(JsonSchema)]
#[schemars(transparent)]
pub struct ImageName(#[schemars(regex(pattern = "^[a-z][a-z0-9-_]{1,31}$"))] pub String);

/// `functions.<key>.image`.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum Image {
    /// An ECR image URI with a digest.
    Uri(EcrImageUri),
    /// The name of an image in `provider.ecr.images`.
    Name(ImageName),
    /// An image with overrides of its settings.
    Object(ImageObject),
}

/// A container image with overrides of its `CMD`, `ENTRYPOINT` and `WORKDIR`.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct ImageObject {
    /// The name of an image in `provider.ecr.images` (instead of `uri`).
    pub name: Option<ImageName>,
    /// An ECR image URI with a digest (instead of `name`).
    pub uri: Option<EcrImageUri>,
    /// Overrides the image's `WORKDIR`.
    pub working_directory: Option<String>,
    /// Overrides the image's `CMD`, e.g. `[app.handler]`.
    pub command: Option<List<String>>,
    /// Overrides the image's `ENTRYPOINT`.
    pub entry_point: Option<List<String>>,
}

/// A subnet or security group id, or `Fn::If` choosing one.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum VpcId {
    /// An id or an intrinsic function.
    Value(CfInstruction),
    /// `Fn::If`.
    If(CfIf),
}

/// A list of ids, or `Fn::Split`/`Fn::FindInMap` yielding one.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum VpcIds {
    /// The ids.
    List(Vec<VpcId>),
    /// `Fn::Split`, e.g. of an imported comma-separated list.
    Split(CfSplit),
    /// `Fn::FindInMap`.
    FindInMap(CfFindInMap),
}

/// The VPC of a function.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct VpcConfig {
    /// Security groups of the function's network interfaces (at most 5).
    #[schemars(example = serde_json::json!(["sg-0123456789abcdef0"]))]
    pub security_group_ids: VpcIds,
    /// Subnets of the function's network interfaces (at most 16).
    #[schemars(example = serde_json::json!(["subnet-0123456789abcdef0"]))]
    pub subnet_ids: VpcIds,
}

/// `functions.<key>.vpc`.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum FunctionVpc {
    /// The VPC settings (replace the provider's).
    Config(VpcConfig),
    /// `false`: no VPC, even if the provider has one.
    Off(Bool),
}

/// An EFS access point ARN, or `Fn::GetAtt`/`Fn::Join`/`Fn::ImportValue` yielding one.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum EfsAccessPointArn {
    /// The access point ARN.
    String(
        #[schemars(regex(
            pattern = r"^arn:aws[a-zA-Z-]*:elasticfilesystem:[a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-[1-9]{1}:[0-9]{12}:access-point/fsap-[a-f0-9]{17}$"
        ))]
        String,
    ),
    /// `{Fn::GetAtt: [AccessPoint, Arn]}`.
    GetAtt(CfGetAtt),
    /// `Fn::Join`.
    Join(CfJoin),
    /// `Fn::ImportValue`.
    Import(CfImport),
}

/// An EFS file system mounted into the function (the function needs a VPC).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct FileSystemConfig {
    /// The EFS access point.
    pub arn: EfsAccessPointArn,
    /// Where it is mounted: `/mnt/<name>`.
    #[schemars(regex(pattern = "^/mnt/[a-zA-Z0-9-_.]+$"), example = &"/mnt/data")]
    pub local_mount_path: String,
}

/// `functions.<key>.url`: `true` or the settings.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum Url {
    /// `true`: a public URL (no authorization, no CORS).
    Enabled(Bool),
    /// The settings.
    Settings(UrlObject),
}

/// The authorization of a function URL.
#[derive(JsonSchema)]
pub enum UrlAuthorizer {
    /// Callers sign requests with SigV4 and need `lambda:InvokeFunctionUrl`.
    #[serde(rename = "aws_iam")]
    AwsIam,
}

/// How a function URL returns the response.
#[derive(JsonSchema)]
pub enum InvokeMode {
    /// The whole response at once (the default, at most 6 MB).
    #[serde(rename = "BUFFERED")]
    Buffered,
    /// Streamed as it is produced.
    #[serde(rename = "RESPONSE_STREAM")]
    ResponseStream,
}

/// Function URL settings.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct UrlObject {
    /// `aws_iam` to require signed requests (default: none, the URL is public).
    pub authorizer: Option<UrlAuthorizer>,
    /// CORS: `true` for the defaults (any origin and method, the usual headers) or the settings.
    pub cors: Option<UrlCorsSetting>,
    /// `BUFFERED` (the default) or `RESPONSE_STREAM`.
    #[schemars(extend("default" = "BUFFERED"))]
    pub invoke_mode: Option<InvokeMode>,
}

/// `url.cors`.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum UrlCorsSetting {
    /// `true`: the defaults (any origin and method, the usual headers).
    Enabled(Bool),
    /// The settings: each one replaces its default; `null` removes it.
    Settings(UrlCors),
}

/// CORS settings of a function URL.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct UrlCors {
    /// `Access-Control-Allow-Credentials`. Default false.
    pub allow_credentials: Option<Bool>,
    /// Allowed request headers (default: `Content-Type`, `X-Amz-Date`, `Authorization`,
    /// `X-Api-Key`, `X-Amz-Security-Token`, `X-Amzn-Trace-Id`).
    #[schemars(extend("default" = ["Content-Type", "X-Amz-Date", "Authorization", "X-Api-Key", "X-Amz-Security-Token", "X-Amzn-Trace-Id"]))]
    pub allowed_headers: Option<List<String>>,
    /// Allowed methods (default `['*']`).
    #[schemars(extend("default" = ["*"]))]
    pub allowed_methods: Option<List<String>>,
    /// Allowed origins (default `['*']`).
    #[schemars(extend("default" = ["*"]))]
    pub allowed_origins: Option<List<String>>,
    /// Response headers exposed to the browser.
    pub exposed_response_headers: Option<List<String>>,
    /// Seconds the browser may cache the preflight response.
    #[schemars(range(min = 0))]
    pub max_age: Option<Num>,
}

/// A CloudWatch Logs data protection policy (masks sensitive data in the log group).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct LogDataProtectionPolicy {
    /// The policy name.
    #[serde(rename = "Name")]
    pub name: String,
    /// The policy description.
    #[serde(rename = "Description")]
    pub description: Option<String>,
    /// The policy language version, `2021-06-01`.
    #[serde(rename = "Version")]
    #[schemars(example = &"2021-06-01")]
    pub version: String,
    /// The statements: an `Audit` and a `Deidentify` operation on data identifiers.
    #[serde(rename = "Statement")]
    pub statement: Vec<Value>,
}

/// The payload format of HTTP API events.
#[derive(JsonSchema)]
pub enum HttpApiPayload {
    /// The REST-API-compatible format.
    #[serde(rename = "1.0")]
    V1,
    /// The simplified format (the default).
    #[serde(rename = "2.0")]
    V2,
}

/// `functions.<key>.httpApi`.
// The `httpApi` compile pass reports unknown keys here itself: the validator skips it.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields, extend("x-cfgen-keys-checked-by-compiler" = true))]
pub struct FunctionHttpApi {
    /// The payload format of this function's `httpApi` events (default: `provider.httpApi.payload`, else `2.0`).
    pub payload: Option<HttpApiPayload>,
}

/// A concurrency setting: a count or an intrinsic function.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum Concurrency {
    /// A number of concurrent executions (0 or more).
    Count(#[schemars(range(min = 0))] Num),
    /// An intrinsic function, e.g. `{Ref: ConcurrencyParameter}`.
    Function(CfFunction),
    /// `Fn::If`, e.g. a count in production only.
    If(CfIf),
}

/// An SNS topic ARN (dead-letter target) or an intrinsic function.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum OnError {
    /// The topic ARN.
    String(#[schemars(regex(pattern = "^arn:aws[a-z-]*:sns"))] String),
    /// An intrinsic function, e.g. `{Ref: DeadLetterTopic}`.
    Function(CfFunction),
}
