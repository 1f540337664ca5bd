//! Shapes of the `provider:` sections (and a few top-level ones) that the compile passes read as
//! free-form JSON. They exist for the JSON Schema only (editor completion and the unknown-key
//! check of the validation pass): the fields in `config.rs` stay `serde_json::Value` and name
//! these types with `#[schemars(with = "...")]`. They mirror the provider schema of Serverless
//! v3.40 (`lib/plugins/aws/provider.js`) and the top level (`lib/config-schema.js`): the same
//! keys, the same closed enumerations, open objects where Serverless' are open.

use crate::cf::{
    AwsArn, AwsArnString, AwsLambdaRole, Bool, CfFunction, CfIf, CfImportLocallyResolvable, CfInstruction, ResourcePolicyStatement,
};
use crate::coerce::{List, Num, Str};
use indexmap::IndexMap;
use schemars::JsonSchema;
use serde_json::{Map, Value};

// ---------------------------------------------------------------------------------------------
// Small shapes
// ---------------------------------------------------------------------------------------------

/// The provider name: only `aws`.
#[derive(JsonSchema)]
pub enum ProviderName {
    /// Amazon Web Services.
    #[serde(rename = "aws")]
    Aws,
}

/// An AWS region. The list is Serverless v3.40's (plus regions opened since); other names are
/// accepted as written.
pub struct AwsRegion;

const REGIONS: [&str; 39] = [
    "us-east-1",
    "us-east-2",
    "us-gov-east-1",
    "us-gov-west-1",
    "us-iso-east-1",
    "us-iso-west-1",
    "us-isob-east-1",
    "us-west-1",
    "us-west-2",
    "af-south-1",
    "ap-east-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "cn-north-1",
    "cn-northwest-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
];

impl JsonSchema for AwsRegion {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "AwsRegion".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "An AWS region, e.g. `eu-west-1`.",
            "anyOf": [{"enum": REGIONS.as_slice()}, {"type": "string", "pattern": "^[a-z]{2}(-[a-z]+)+-\\d$"}]
        })
    }
}

/// Retention of a CloudWatch log group in days: one of the values CloudWatch accepts.
pub struct AwsLogRetentionInDays;

impl JsonSchema for AwsLogRetentionInDays {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "AwsLogRetentionInDays".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Days CloudWatch keeps the log events (the log group's `RetentionInDays`). Without it, logs are kept forever.",
            "enum": [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]
        })
    }
}

/// A REST API endpoint type; any letter case is accepted (`regional` works too).
pub struct EndpointType;

impl JsonSchema for EndpointType {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "EndpointType".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "`EDGE` (the default: through CloudFront), `REGIONAL`, or `PRIVATE` (reachable only from VPC endpoints, see `vpcEndpointIds`). Letter case does not matter.",
            "anyOf": [
                {"enum": ["REGIONAL", "EDGE", "PRIVATE"]},
                {"type": "string", "pattern": "^([Rr][Ee][Gg][Ii][Oo][Nn][Aa][Ll]|[Ee][Dd][Gg][Ee]|[Pp][Rr][Ii][Vv][Aa][Tt][Ee])$"}
            ]
        })
    }
}

/// The source of API keys of a REST API; any letter case is accepted.
pub struct ApiKeySourceType;

impl JsonSchema for ApiKeySourceType {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ApiKeySourceType".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "`HEADER` (the `X-API-Key` header, the default) or `AUTHORIZER` (a Lambda authorizer returns the key). Letter case does not matter.",
            "anyOf": [
                {"enum": ["HEADER", "AUTHORIZER"], crate::coerce::TYPED_ENUM_MARK: true},
                {"type": "string", "pattern": "^([Hh][Ee][Aa][Dd][Ee][Rr]|[Aa][Uu][Tt][Hh][Oo][Rr][Ii][Zz][Ee][Rr])$"}
            ]
        })
    }
}

/// An S3 bucket name (3-63 lowercase letters, digits, dots and hyphens).
#[derive(JsonSchema)]
#[schemars(transparent)]
pub struct AwsS3BucketName(#[schemars(length(min = 3, max = 63), regex(pattern = "^[a-z0-9][a-z0-9.-]*[a-z0-9]$"))] pub String);

/// A free-form JSON object.
pub type Object = Map<String, Value>;

// ---------------------------------------------------------------------------------------------
// Deployment
// ---------------------------------------------------------------------------------------------

/// `provider.deploymentBucket`: an existing bucket's name, or settings of the bucket.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum DeploymentBucket {
    /// The name of an existing bucket to upload artifacts to; Serverless then creates no bucket.
    Name(AwsS3BucketName),
    /// Settings of the generated bucket (or of the named one).
    Settings(Box<DeploymentBucketSettings>),
}

/// Settings of the deployment bucket.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct DeploymentBucketSettings {
    /// An existing bucket to use instead of the generated `ServerlessDeploymentBucket`.
    pub name: Option<AwsS3BucketName>,
    /// Block all public access to the generated bucket (`PublicAccessBlockConfiguration`, all four
    /// settings true). Default false.
    pub block_public_access: Option<Bool>,
    /// Do not create the bucket policy that denies non-TLS access. Default false.
    pub skip_policy_setup: Option<Bool>,
    /// How many past deployments' artifacts to keep in the bucket (default 5; deploy time only).
    #[schemars(extend("default" = 5))]
    pub max_previous_deployment_artifacts: Option<Num>,
    /// Turn on versioning of the generated bucket. Default false.
    pub versioning: Option<Bool>,
    /// Server-side encryption of uploaded artifacts: `AES256` or `aws:kms` (deploy time only).
    pub server_side_encryption: Option<ServerSideEncryption>,
    /// SSE-C algorithm (`AES256`) for uploaded artifacts (the spelling is Serverless').
    pub sse_customer_algorithim: Option<Str>,
    /// SSE-C key for uploaded artifacts.
    pub sse_customer_key: Option<Str>,
    /// MD5 of the SSE-C key.
    #[serde(rename = "sseCustomerKeyMD5")]
    pub sse_customer_key_md5: Option<Str>,
    /// KMS key id for `serverSideEncryption: aws:kms`.
    #[serde(rename = "sseKMSKeyId")]
    pub sse_kms_key_id: Option<Str>,
    /// Tags of the generated bucket.
    #[schemars(with = "Option<crate::coerce::Tags<Str>>")]
    pub tags: Option<IndexMap<String, Str>>,
}

/// Server-side encryption algorithms.
#[derive(JsonSchema)]
pub enum ServerSideEncryption {
    /// S3-managed keys.
    #[serde(rename = "AES256")]
    Aes256,
    /// KMS keys.
    #[serde(rename = "aws:kms")]
    AwsKms,
}

/// `provider.deploymentMethod`.
#[derive(JsonSchema)]
pub enum DeploymentMethod {
    /// Deploy through a change set (the default).
    #[serde(rename = "changesets")]
    Changesets,
    /// Update the stack directly (faster).
    #[serde(rename = "direct")]
    Direct,
}

/// One stack parameter (`provider.stackParameters[]`), as CloudFormation's `Parameter`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct StackParameter {
    /// The parameter's name in `resources.Parameters`.
    #[serde(rename = "ParameterKey")]
    pub parameter_key: Option<Str>,
    /// The value to deploy with.
    #[serde(rename = "ParameterValue")]
    pub parameter_value: Option<Str>,
    /// Keep the value of the previous deployment.
    #[serde(rename = "UsePreviousValue")]
    pub use_previous_value: Option<Bool>,
    /// The resolved value of an SSM parameter type.
    #[serde(rename = "ResolvedValue")]
    pub resolved_value: Option<Str>,
}

/// `provider.rollbackConfiguration`: alarms that roll a deployment back.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RollbackConfiguration {
    /// CloudWatch alarms watched during and after the deployment.
    #[serde(rename = "RollbackTriggers")]
    pub rollback_triggers: Option<List<RollbackTrigger>>,
    /// Minutes to keep watching the alarms after the deployment (0-180).
    #[serde(rename = "MonitoringTimeInMinutes")]
    pub monitoring_time_in_minutes: Option<Num>,
}

/// One rollback trigger.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RollbackTrigger {
    /// The alarm's ARN.
    #[serde(rename = "Arn")]
    pub arn: AwsArnString,
    /// Always `AWS::CloudWatch::Alarm`.
    #[serde(rename = "Type")]
    pub r#type: RollbackTriggerType,
}

/// The type of a rollback trigger.
#[derive(JsonSchema)]
pub enum RollbackTriggerType {
    /// A CloudWatch alarm.
    #[serde(rename = "AWS::CloudWatch::Alarm")]
    Alarm,
}

/// A log group data protection policy (`DataProtectionPolicy`).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct LogDataProtectionPolicy {
    /// The policy's name.
    #[serde(rename = "Name")]
    pub name: Str,
    /// What the policy does.
    #[serde(rename = "Description")]
    pub description: Option<Str>,
    /// The policy language version, `2021-06-01`.
    #[serde(rename = "Version")]
    #[schemars(example = "2021-06-01")]
    pub version: Str,
    /// The statements: which data identifiers to audit and to mask.
    #[serde(rename = "Statement")]
    pub statement: List<Value>,
}

// ---------------------------------------------------------------------------------------------
// IAM
// ---------------------------------------------------------------------------------------------

/// `provider.iam.role`: an existing role, or settings of the generated one.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum IamRoleSetting {
    /// An existing role: its ARN, its name, the logical id of a role in `resources`, or
    /// `Fn::GetAtt`/`Fn::Sub`/`Fn::ImportValue`. Serverless then creates no execution role.
    Existing(AwsLambdaRole),
    /// Settings of the generated `IamRoleLambdaExecution`.
    Settings(Box<crate::config::IamRole>),
}

// ---------------------------------------------------------------------------------------------
// REST API (API Gateway v1)
// ---------------------------------------------------------------------------------------------

/// `provider.apiGateway`: settings of the REST API that `http` events create.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct ApiGateway {
    /// API keys to create: names, `{name, value, description, customerId, enabled}`, or
    /// `{<usage plan name>: [keys]}` when `usagePlan` is a list.
    #[schemars(extend("examples" = [["myFirstKey", {"name": "partnerKey", "value": "0123456789abcdefghij"}]]))]
    pub api_keys: Option<List<ApiKey>>,
    /// Where API keys are read from: `HEADER` (default) or `AUTHORIZER`.
    #[schemars(with = "Option<ApiKeySourceType>")]
    pub api_key_source_type: Option<Value>,
    /// Media types the API treats as binary, e.g. `image/png` or `*/*`.
    #[schemars(extend("examples" = [["image/png", "multipart/form-data"]]))]
    pub binary_media_types: Option<List<MediaType>>,
    /// Description of the REST API and of its deployments.
    pub description: Option<Str>,
    /// Turn off the default `execute-api` endpoint (use a custom domain). Default false.
    pub disable_default_endpoint: Option<Bool>,
    /// Detailed CloudWatch metrics of the stage (set at deploy time). Default false.
    pub metrics: Option<Bool>,
    /// Compress responses larger than this many bytes (0-10485760); unset means no compression.
    #[schemars(range(max = 10485760))]
    pub minimum_compression_size: Option<Num>,
    /// Statements of the API's resource policy (e.g. allow only some source IPs).
    pub resource_policy: Option<List<ResourcePolicyStatement>>,
    /// An existing REST API to add the endpoints to (its id); Serverless then creates no
    /// `ApiGatewayRestApi`. Needs `restApiRootResourceId`.
    #[schemars(example = &"a1b2c3d4e5")]
    pub rest_api_id: Option<CfInstruction>,
    /// Resources of the existing API that already exist: `[{path, resourceId}]` or `{path: id}`.
    pub rest_api_resources: Option<RestApiResources>,
    /// The root resource id of the existing API named by `restApiId`.
    pub rest_api_root_resource_id: Option<CfInstruction>,
    /// Request validation models shared by `http` events (`request.schemas`).
    pub request: Option<ApiGatewayRequest>,
    /// Name the API `<service>-<stage>` instead of `<stage>-<service>`. Default false.
    pub should_start_name_with_service: Option<Bool>,
    /// The stage name of the deployment (default: the Serverless stage).
    pub stage: Option<Str>,
    /// A usage plan (`{quota, throttle}`), or several: `[{<name>: {quota, throttle}}]`.
    pub usage_plan: Option<UsagePlanSetting>,
    /// An existing WebSocket API to add the routes of `websocket` events to; Serverless then
    /// creates no `WebsocketsApi`.
    pub websocket_api_id: Option<CfInstruction>,
}

/// A media type such as `image/png`.
#[derive(JsonSchema)]
#[schemars(transparent)]
pub struct MediaType(#[schemars(regex(pattern = r"^\S+\/\S+$"))] pub String);

/// One item of `apiGateway.apiKeys`.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum ApiKey {
    /// The key's name (AWS generates the value).
    Name(String),
    /// A key with settings.
    Key(ApiKeyProperties),
    /// Keys of one usage plan: `{<plan name>: [keys]}`.
    ForPlan(IndexMap<String, List<ApiKeyInPlan>>),
}

/// A key of a usage plan.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum ApiKeyInPlan {
    /// The key's name.
    Name(String),
    /// A key with settings.
    Key(ApiKeyProperties),
}

/// An API key with settings.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct ApiKeyProperties {
    /// The key's name.
    pub name: Option<Str>,
    /// The key's value (at least 20 characters); AWS generates one if unset.
    pub value: Option<Str>,
    /// What the key is for.
    pub description: Option<Str>,
    /// An AWS Marketplace customer id.
    pub customer_id: Option<Str>,
    /// Whether the key can be used. Default true.
    pub enabled: Option<Bool>,
}

/// `apiGateway.restApiResources`.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum RestApiResources {
    /// `[{path: /users, resourceId: abc123}]`.
    List(List<RestApiResource>),
    /// `{/users: abc123}`.
    Map(Object),
}

/// An existing resource of a shared REST API.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct RestApiResource {
    /// The resource's path, e.g. `/users`.
    pub path: Option<Str>,
    /// The resource's id.
    pub resource_id: Option<Str>,
}

/// `apiGateway.request`.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct ApiGatewayRequest {
    /// Models by id, referenced from `http.request.schemas`.
    pub schemas: Option<IndexMap<String, RequestSchema>>,
}

/// A request model.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct RequestSchema {
    /// The JSON Schema (draft 4) of the body.
    pub schema: Object,
    /// The model's name (default: derived from the id).
    pub name: Option<Str>,
    /// The model's description.
    pub description: Option<Str>,
}

/// `apiGateway.usagePlan`.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum UsagePlanSetting {
    /// One usage plan.
    One(UsagePlan),
    /// Several named plans: `[{free: {...}}, {paid: {...}}]`.
    Named(List<IndexMap<String, UsagePlan>>),
}

/// A usage plan's limits.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct UsagePlan {
    /// How many requests a key may make per period.
    pub quota: Option<UsagePlanQuota>,
    /// Request rate limits.
    pub throttle: Option<UsagePlanThrottle>,
}

/// A usage plan quota.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct UsagePlanQuota {
    /// Requests allowed per period.
    #[schemars(example = 5000)]
    pub limit: Option<Num>,
    /// Requests subtracted from the first period's limit.
    pub offset: Option<Num>,
    /// `DAY`, `WEEK` or `MONTH`.
    pub period: Option<QuotaPeriod>,
}

/// Quota periods.
#[derive(JsonSchema)]
pub enum QuotaPeriod {
    /// Per day.
    #[serde(rename = "DAY")]
    Day,
    /// Per week.
    #[serde(rename = "WEEK")]
    Week,
    /// Per month.
    #[serde(rename = "MONTH")]
    Month,
}

/// Usage plan throttling.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct UsagePlanThrottle {
    /// Maximum concurrent requests (bucket size).
    #[schemars(example = 200)]
    pub burst_limit: Option<Num>,
    /// Steady-state requests per second.
    #[schemars(example = 100)]
    pub rate_limit: Option<Num>,
}

// ---------------------------------------------------------------------------------------------
// HTTP API (API Gateway v2)
// ---------------------------------------------------------------------------------------------

/// `provider.httpApi`: settings of the HTTP API that `httpApi` events create.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct HttpApi {
    /// Authorizers by name, referenced from `httpApi.authorizer.name` of events.
    pub authorizers: Option<IndexMap<String, HttpApiAuthorizer>>,
    /// CORS: `true` for permissive defaults, or the settings.
    pub cors: Option<HttpApiCorsSetting>,
    /// An existing HTTP API to attach the routes to (its id or `Fn::ImportValue`); Serverless
    /// then creates no API, stage, CORS or logs.
    pub id: Option<HttpApiId>,
    /// The API's name (default `<stage>-<service>`).
    pub name: Option<Str>,
    /// Default payload format version of the integrations: `2.0` (default) or `1.0`.
    #[schemars(extend("default" = "2.0", "examples" = ["1.0"]))]
    pub payload: Option<Str>,
    /// Detailed route metrics on the stage. Default false.
    pub metrics: Option<Bool>,
    /// Tag the API and its stage with `provider.tags` (only `true` is allowed).
    pub use_provider_tags: Option<True>,
    /// Turn off the default `execute-api` endpoint. Default false.
    pub disable_default_endpoint: Option<Bool>,
    /// Name the API `<service>-<stage>` instead of `<stage>-<service>`. Default false.
    pub should_start_name_with_service: Option<Bool>,
}

/// The literal `true`.
pub struct True;

impl JsonSchema for True {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "True".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"const": true})
    }
}

/// The id of an existing HTTP API.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum HttpApiId {
    /// The API id.
    Id(String),
    /// `Fn::ImportValue` of an export with the id.
    Import(CfImportLocallyResolvable),
}

/// `httpApi.cors`.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum HttpApiCorsSetting {
    /// `true`: any origin, the common headers, every method.
    Enabled(Bool),
    /// The settings.
    Settings(HttpApiCors),
}

/// CORS settings of an HTTP API.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct HttpApiCors {
    /// Allow credentials (cookies, authorization headers). Default false.
    pub allow_credentials: Option<Bool>,
    /// Allowed request headers (default: `Content-Type`, `X-Amz-Date`, `Authorization`,
    /// `X-Api-Key`, `X-Amz-Security-Token`, `X-Amz-User-Agent`, `X-Amzn-Trace-Id`).
    pub allowed_headers: Option<List<String>>,
    /// Allowed methods (default: the methods of the routes, plus `OPTIONS`).
    pub allowed_methods: Option<List<String>>,
    /// Allowed origins (default `*`).
    #[schemars(extend("examples" = [["https://example.com"]]))]
    pub allowed_origins: Option<List<String>>,
    /// Response headers exposed to the browser.
    pub exposed_response_headers: Option<List<String>>,
    /// Seconds browsers may cache a preflight response.
    pub max_age: Option<Num>,
}

/// An HTTP API authorizer: JWT or Lambda (`request`).
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum HttpApiAuthorizer {
    /// A JWT authorizer (e.g. Cognito or any OIDC issuer).
    Jwt(HttpApiJwtAuthorizer),
    /// A Lambda authorizer.
    Request(HttpApiRequestAuthorizer),
}

/// A JWT authorizer.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct HttpApiJwtAuthorizer {
    /// `jwt` (the default type).
    pub r#type: Option<JwtType>,
    /// The authorizer's name (default: the key).
    pub name: Option<Str>,
    /// Where the token is, e.g. `$request.header.Authorization`.
    #[schemars(example = "$request.header.Authorization")]
    pub identity_source: CfInstruction,
    /// The token issuer's URL, e.g. a Cognito user pool URL.
    #[schemars(example = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_xxxxxxxxx")]
    pub issuer_url: CfInstruction,
    /// Accepted audiences (client ids).
    pub audience: HttpApiAudience,
}

/// The literal `jwt`.
#[derive(JsonSchema)]
pub enum JwtType {
    /// A JWT authorizer.
    #[serde(rename = "jwt")]
    Jwt,
}

/// The literal `request`.
#[derive(JsonSchema)]
pub enum RequestType {
    /// A Lambda authorizer.
    #[serde(rename = "request")]
    Request,
}

/// One audience or a list.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum HttpApiAudience {
    /// One audience.
    One(CfInstruction),
    /// Several audiences.
    List(List<CfInstruction>),
}

/// A Lambda (`request`) authorizer. Open like Serverless' own schema.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("additionalProperties" = true))]
pub struct HttpApiRequestAuthorizer {
    /// `request`.
    pub r#type: RequestType,
    /// The authorizer's name (default: the key).
    pub name: Option<Str>,
    /// The key of a function of this service that authorizes.
    pub function_name: Option<Str>,
    /// The ARN of an authorizer function outside this service.
    pub function_arn: Option<CfInstruction>,
    /// The authorizer's permission to be invoked is managed elsewhere (with `functionArn`).
    pub managed_externally: Option<Bool>,
    /// Seconds a result is cached (0-3600; needs `identitySource`). Default 0.
    #[schemars(range(max = 3600))]
    pub result_ttl_in_seconds: Option<Num>,
    /// The function returns `{isAuthorized: bool}` instead of a policy (payload 2.0 only).
    pub enable_simple_responses: Option<Bool>,
    /// Payload format version sent to the authorizer: `1.0` or `2.0` (default).
    pub payload_version: Option<crate::function_shapes::HttpApiPayload>,
    /// Where the identity is read from (cache key), e.g. `$request.header.Auth`.
    pub identity_source: Option<HttpApiAudience>,
}

// ---------------------------------------------------------------------------------------------
// Logs, websockets, eventBridge, kinesis
// ---------------------------------------------------------------------------------------------

/// `provider.logs`: logging of the APIs and of the framework's own Lambdas. Open like
/// Serverless' own schema.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(extend("additionalProperties" = true))]
pub struct Logs {
    /// Log the custom-resource Lambdas Serverless deploys (a log group and log permissions).
    pub framework_lambda: Option<Bool>,
    /// HTTP API access logs: `true` for the default JSON format, or `{format}`.
    pub http_api: Option<HttpApiLogsSetting>,
    /// REST API logs: `true` for access and execution logs with defaults, or the settings.
    pub rest_api: Option<RestApiLogsSetting>,
    /// WebSocket API logs: `true` for defaults, or the settings.
    pub websocket: Option<WebsocketLogsSetting>,
}

/// `logs.httpApi`.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum HttpApiLogsSetting {
    /// On with the default format, or off.
    Enabled(Bool),
    /// The settings.
    Settings(HttpApiLogs),
}

/// HTTP API access log settings.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct HttpApiLogs {
    /// The access log line format (`$context` variables); default: a JSON object with request
    /// id, IP, time, method, route, status, protocol and response length.
    pub format: Option<Str>,
}

/// `logs.restApi`.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum RestApiLogsSetting {
    /// On with defaults, or off.
    Enabled(Bool),
    /// The settings.
    Settings(RestApiLogs),
}

/// REST API log settings.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct RestApiLogs {
    /// Write access logs to the `/aws/api-gateway/<service>-<stage>` log group. Default true.
    pub access_logging: Option<Bool>,
    /// Write execution logs. Default true.
    pub execution_logging: Option<Bool>,
    /// The access log line format (`$context` variables).
    pub format: Option<Str>,
    /// Log full requests and responses in execution logs. Default true.
    pub full_execution_data: Option<Bool>,
    /// Execution log level: `INFO` (default) or `ERROR`.
    pub level: Option<LogLevel>,
    /// The role API Gateway writes logs with (default: one Serverless creates).
    pub role: Option<AwsArn>,
    /// The account's API Gateway CloudWatch role is set up elsewhere; Serverless leaves it alone.
    pub role_managed_externally: Option<Bool>,
}

/// `logs.websocket`.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum WebsocketLogsSetting {
    /// On with defaults, or off.
    Enabled(Bool),
    /// The settings.
    Settings(WebsocketLogs),
}

/// WebSocket API log settings.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct WebsocketLogs {
    /// Write access logs. Default true.
    pub access_logging: Option<Bool>,
    /// Write execution logs. Default true.
    pub execution_logging: Option<Bool>,
    /// The access log line format.
    pub format: Option<Str>,
    /// Log full messages in execution logs. Default true.
    pub full_execution_data: Option<Bool>,
    /// Execution log level: `INFO` (default) or `ERROR`.
    pub level: Option<LogLevel>,
}

/// API Gateway execution log levels.
#[derive(JsonSchema)]
pub enum LogLevel {
    /// Everything.
    #[serde(rename = "INFO")]
    Info,
    /// Errors only.
    #[serde(rename = "ERROR")]
    Error,
}

/// `provider.websocket`.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct Websocket {
    /// Tag the WebSocket API with `provider.tags`. Default false.
    pub use_provider_tags: Option<Bool>,
}

/// `provider.eventBridge`.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct EventBridge {
    /// `true` (the v3 default): plain CloudFormation rules; `false`: the legacy custom resource.
    pub use_cloud_formation: Option<Bool>,
}

/// `provider.kinesis`.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct Kinesis {
    /// `serviceSpecific`: name stream consumers `<service>-<stage>-<function>-<stream>`-style so
    /// two services can consume one stream.
    pub consumer_naming_mode: Option<ConsumerNamingMode>,
}

/// The literal `serviceSpecific`.
#[derive(JsonSchema)]
pub enum ConsumerNamingMode {
    /// Consumer names include the service.
    #[serde(rename = "serviceSpecific")]
    ServiceSpecific,
}

// ---------------------------------------------------------------------------------------------
// ALB, CloudFront, ECR
// ---------------------------------------------------------------------------------------------

/// `provider.alb`.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct Alb {
    /// Prefix of the generated target group names (at most 16 characters).
    #[schemars(length(max = 16))]
    pub target_group_prefix: Option<Str>,
    /// Authenticating actions by name, referenced from `alb.authorizer` of events.
    pub authorizers: Option<IndexMap<String, AlbAuthorizer>>,
}

/// An ALB authenticate action: OIDC or Cognito.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum AlbAuthorizer {
    /// An OpenID Connect identity provider.
    Oidc(AlbOidcAuthorizer),
    /// A Cognito user pool.
    Cognito(AlbCognitoAuthorizer),
}

/// What an ALB authorizer does with unauthenticated requests.
#[derive(JsonSchema)]
pub enum OnUnauthenticatedRequest {
    /// Let it through.
    #[serde(rename = "allow")]
    Allow,
    /// Redirect to the login page (the default).
    #[serde(rename = "authenticate")]
    Authenticate,
    /// Answer 401.
    #[serde(rename = "deny")]
    Deny,
}

/// The literal `oidc`.
#[derive(JsonSchema)]
pub enum OidcType {
    /// OpenID Connect.
    #[serde(rename = "oidc")]
    Oidc,
}

/// The literal `cognito`.
#[derive(JsonSchema)]
pub enum CognitoType {
    /// Cognito.
    #[serde(rename = "cognito")]
    Cognito,
}

/// An OIDC authenticate action.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct AlbOidcAuthorizer {
    /// `oidc`.
    pub r#type: OidcType,
    /// The IdP's authorization endpoint URL.
    #[schemars(extend("format" = "uri"))]
    pub authorization_endpoint: Str,
    /// The OAuth client id.
    pub client_id: Str,
    /// The OAuth client secret.
    pub client_secret: Option<Str>,
    /// The IdP's issuer URL.
    #[schemars(extend("format" = "uri"))]
    pub issuer: Str,
    /// The IdP's token endpoint URL.
    #[schemars(extend("format" = "uri"))]
    pub token_endpoint: Str,
    /// The IdP's user info endpoint URL.
    #[schemars(extend("format" = "uri"))]
    pub user_info_endpoint: Str,
    /// `allow`, `authenticate` (default) or `deny`.
    pub on_unauthenticated_request: Option<OnUnauthenticatedRequest>,
    /// Extra query parameters of the redirect (at most 10).
    pub request_extra_params: Option<IndexMap<String, Str>>,
    /// Requested claims (default `openid`).
    pub scope: Option<Str>,
    /// Session cookie name (default `AWSELBAuthSessionCookie`).
    pub session_cookie_name: Option<Str>,
    /// Session lifetime in seconds (default 604800, 7 days).
    pub session_timeout: Option<Num>,
}

/// A Cognito authenticate action.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct AlbCognitoAuthorizer {
    /// `cognito`.
    pub r#type: CognitoType,
    /// The user pool's ARN.
    pub user_pool_arn: AwsArn,
    /// The app client id.
    pub user_pool_client_id: Str,
    /// The user pool's domain prefix.
    pub user_pool_domain: Str,
    /// `allow`, `authenticate` (default) or `deny`.
    pub on_unauthenticated_request: Option<OnUnauthenticatedRequest>,
    /// Extra query parameters of the redirect (at most 10).
    pub request_extra_params: Option<IndexMap<String, Str>>,
    /// Requested claims (default `openid`).
    pub scope: Option<Str>,
    /// Session cookie name (default `AWSELBAuthSessionCookie`).
    pub session_cookie_name: Option<Str>,
    /// Session lifetime in seconds (default 604800, 7 days).
    pub session_timeout: Option<Num>,
}

/// `provider.cloudFront`.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct CloudFront {
    /// Cache policies by name (`AWS::CloudFront::CachePolicy`), referenced from `cloudFront`
    /// events' `cachePolicy.name`.
    pub cache_policies: Option<IndexMap<String, CachePolicy>>,
}

/// A CloudFront cache policy (`CachePolicyConfig` without `Name`).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CachePolicy {
    /// A comment.
    #[serde(rename = "Comment")]
    pub comment: Option<Str>,
    /// Default time to live in seconds.
    #[serde(rename = "DefaultTTL")]
    pub default_ttl: Num,
    /// Maximum time to live in seconds.
    #[serde(rename = "MaxTTL")]
    pub max_ttl: Num,
    /// Minimum time to live in seconds.
    #[serde(rename = "MinTTL")]
    pub min_ttl: Num,
    /// What is part of the cache key and forwarded to the origin.
    #[serde(rename = "ParametersInCacheKeyAndForwardedToOrigin")]
    pub parameters_in_cache_key_and_forwarded_to_origin: CacheKeyParameters,
}

/// The cache key of a cache policy.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CacheKeyParameters {
    /// Cookies in the cache key.
    #[serde(rename = "CookiesConfig")]
    pub cookies_config: CookiesConfig,
    /// Cache Brotli-compressed objects separately.
    #[serde(rename = "EnableAcceptEncodingBrotli")]
    pub enable_accept_encoding_brotli: Option<Bool>,
    /// Cache gzip-compressed objects separately.
    #[serde(rename = "EnableAcceptEncodingGzip")]
    pub enable_accept_encoding_gzip: Bool,
    /// Headers in the cache key.
    #[serde(rename = "HeadersConfig")]
    pub headers_config: HeadersConfig,
    /// Query strings in the cache key.
    #[serde(rename = "QueryStringsConfig")]
    pub query_strings_config: QueryStringsConfig,
}

/// Which cookies are in the cache key.
#[derive(JsonSchema)]
pub enum CookieBehavior {
    /// None.
    #[serde(rename = "none")]
    None,
    /// Those listed.
    #[serde(rename = "whitelist")]
    Whitelist,
    /// All but those listed.
    #[serde(rename = "allExcept")]
    AllExcept,
    /// All.
    #[serde(rename = "all")]
    All,
}

/// Cookies of the cache key.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CookiesConfig {
    /// `none`, `whitelist`, `allExcept` or `all`.
    #[serde(rename = "CookieBehavior")]
    pub cookie_behavior: CookieBehavior,
    /// The cookie names.
    #[serde(rename = "Cookies")]
    pub cookies: Option<List<String>>,
}

/// Which headers are in the cache key.
#[derive(JsonSchema)]
pub enum HeaderBehavior {
    /// None.
    #[serde(rename = "none")]
    None,
    /// Those listed.
    #[serde(rename = "whitelist")]
    Whitelist,
}

/// Headers of the cache key.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct HeadersConfig {
    /// `none` or `whitelist`.
    #[serde(rename = "HeaderBehavior")]
    pub header_behavior: HeaderBehavior,
    /// The header names.
    #[serde(rename = "Headers")]
    pub headers: Option<List<String>>,
}

/// Query strings of the cache key.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct QueryStringsConfig {
    /// `none`, `whitelist`, `allExcept` or `all`.
    #[serde(rename = "QueryStringBehavior")]
    pub query_string_behavior: CookieBehavior,
    /// The query string names.
    #[serde(rename = "QueryStrings")]
    pub query_strings: Option<List<String>>,
}

/// `provider.ecr`: container images Serverless builds and pushes (deploy time).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct Ecr {
    /// Scan pushed images for vulnerabilities. Default false.
    pub scan_on_push: Option<Bool>,
    /// Images by name (`^[a-z][a-z0-9-_]{1,31}$`), referenced from `functions.<key>.image.name`.
    pub images: IndexMap<String, EcrImage>,
}

/// An image: build settings, or a string (an ECR image URI, else the folder to build).
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum EcrImage {
    /// Build settings, or the URI of an existing image.
    Build(EcrImageBuild),
    /// An ECR image URI, or the folder to build (with its `Dockerfile`).
    UriOrPath(String),
}

/// How an image is built, or where it is.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct EcrImageBuild {
    /// An existing image URI (`<account>.dkr.ecr.<region>.amazonaws.com/<repo>@sha256:<digest>`).
    #[schemars(with = "Option<crate::function_shapes::EcrImageUri>")]
    pub uri: Option<Str>,
    /// The build context folder.
    pub path: Option<Str>,
    /// The Dockerfile, relative to `path` (default `Dockerfile`).
    pub file: Option<Str>,
    /// `--build-arg` values.
    pub build_args: Option<IndexMap<String, Str>>,
    /// `--cache-from` images.
    pub cache_from: Option<List<String>>,
    /// `--platform`, e.g. `linux/arm64`.
    pub platform: Option<Str>,
}

// ---------------------------------------------------------------------------------------------
// provider.s3: buckets for `s3` events
// ---------------------------------------------------------------------------------------------

/// A bucket of `provider.s3`: its name and `AWS::S3::Bucket` properties in camelCase (Serverless
/// capitalises the first letter of each key and copies it into the bucket resource).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct S3Bucket {
    /// The bucket name (default: generated by CloudFormation).
    pub name: Option<AwsS3BucketName>,
    /// The bucket name (`BucketName`); `name` wins.
    pub bucket_name: Option<AwsS3BucketName>,
    /// Transfer acceleration.
    pub accelerate_configuration: Option<AccelerateConfiguration>,
    /// A canned ACL, e.g. `Private`.
    pub access_control: Option<Str>,
    /// Storage class analysis.
    pub analytics_configurations: Option<List<AnalyticsConfiguration>>,
    /// Default encryption.
    pub bucket_encryption: Option<BucketEncryption>,
    /// CORS rules.
    pub cors_configuration: Option<CorsConfiguration>,
    /// Inventory reports.
    pub inventory_configurations: Option<List<InventoryConfiguration>>,
    /// Lifecycle rules (expiration, transitions).
    pub lifecycle_configuration: Option<LifecycleConfiguration>,
    /// Server access logging.
    pub logging_configuration: Option<LoggingConfiguration>,
    /// Request metrics.
    pub metrics_configurations: Option<List<MetricsConfiguration>>,
    /// Notifications besides the ones of `s3` events.
    pub notification_configuration: Option<NotificationConfiguration>,
    /// Object Lock rule.
    pub object_lock_configuration: Option<ObjectLockConfiguration>,
    /// Turn on Object Lock.
    pub object_lock_enabled: Option<Bool>,
    /// Public access block.
    pub public_access_block_configuration: Option<PublicAccessBlockConfiguration>,
    /// Replication rules.
    pub replication_configuration: Option<ReplicationConfiguration>,
    /// Tags: `[{Key, Value}]`.
    pub tags: Option<List<TagFilter>>,
    /// Versioning.
    pub versioning_configuration: Option<VersioningConfiguration>,
    /// Static website hosting.
    pub website_configuration: Option<WebsiteConfiguration>,
}

/// `Enabled` or `Suspended`.
#[derive(JsonSchema)]
pub enum EnabledSuspended {
    /// On.
    Enabled,
    /// Paused.
    Suspended,
}

/// `Enabled` or `Disabled`.
#[derive(JsonSchema)]
pub enum EnabledDisabled {
    /// On.
    Enabled,
    /// Off.
    Disabled,
}

/// Transfer acceleration.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct AccelerateConfiguration {
    /// `Enabled` or `Suspended`.
    #[serde(rename = "AccelerationStatus")]
    pub acceleration_status: EnabledSuspended,
}

/// A `{Key, Value}` pair (tags and tag filters).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct TagFilter {
    /// The tag key.
    #[serde(rename = "Key")]
    pub key: Str,
    /// The tag value.
    #[serde(rename = "Value")]
    pub value: Str,
}

/// Report output formats.
#[derive(JsonSchema)]
pub enum ReportFormat {
    /// CSV.
    #[serde(rename = "CSV")]
    Csv,
    /// ORC.
    #[serde(rename = "ORC")]
    Orc,
    /// Parquet.
    Parquet,
}

/// Where a report goes.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ReportDestination {
    /// The account owning the destination bucket.
    #[serde(rename = "BucketAccountId")]
    #[schemars(regex(pattern = r"\d{12}"))]
    pub bucket_account_id: Option<Str>,
    /// The destination bucket's ARN.
    #[serde(rename = "BucketArn")]
    pub bucket_arn: AwsArn,
    /// `CSV`, `ORC` or `Parquet`.
    #[serde(rename = "Format")]
    pub format: ReportFormat,
    /// Key prefix of the reports.
    #[serde(rename = "Prefix")]
    pub prefix: Option<Str>,
}

/// A storage class analysis.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct AnalyticsConfiguration {
    /// The configuration's id.
    #[serde(rename = "Id")]
    pub id: Str,
    /// Analyse objects with this key prefix.
    #[serde(rename = "Prefix")]
    pub prefix: Option<Str>,
    /// The analysis and its export.
    #[serde(rename = "StorageClassAnalysis")]
    pub storage_class_analysis: StorageClassAnalysis,
    /// Analyse objects with these tags.
    #[serde(rename = "TagFilters")]
    pub tag_filters: Option<List<TagFilter>>,
}

/// Storage class analysis settings.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct StorageClassAnalysis {
    /// Export of the analysis.
    #[serde(rename = "DataExport")]
    pub data_export: Option<DataExport>,
}

/// Export of a storage class analysis.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct DataExport {
    /// Where the export goes.
    #[serde(rename = "Destination")]
    pub destination: ReportDestination,
    /// Always `V_1`.
    #[serde(rename = "OutputSchemaVersion")]
    pub output_schema_version: OutputSchemaVersion,
}

/// The literal `V_1`.
#[derive(JsonSchema)]
pub enum OutputSchemaVersion {
    /// Version 1.
    #[serde(rename = "V_1")]
    V1,
}

/// Default bucket encryption.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct BucketEncryption {
    /// The encryption rules.
    #[serde(rename = "ServerSideEncryptionConfiguration")]
    pub server_side_encryption_configuration: List<ServerSideEncryptionRule>,
}

/// An encryption rule.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ServerSideEncryptionRule {
    /// The default encryption.
    #[serde(rename = "ServerSideEncryptionByDefault")]
    pub server_side_encryption_by_default: Option<ServerSideEncryptionByDefault>,
    /// Use an S3 bucket key for SSE-KMS.
    #[serde(rename = "BucketKeyEnabled")]
    pub bucket_key_enabled: Option<Bool>,
}

/// The default encryption of new objects.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ServerSideEncryptionByDefault {
    /// The KMS key (ARN, intrinsic or key id) for `aws:kms`.
    #[serde(rename = "KMSMasterKeyID")]
    pub kms_master_key_id: Option<KmsKeyId>,
    /// `AES256` or `aws:kms`.
    #[serde(rename = "SSEAlgorithm")]
    pub sse_algorithm: ServerSideEncryption,
}

/// A KMS key: an ARN / intrinsic, or a key id.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum KmsKeyId {
    /// An ARN or an intrinsic function.
    Arn(AwsArn),
    /// A key id.
    Id(#[schemars(regex(pattern = "^[a-f0-9-]+$"))] String),
}

/// CORS rules of a bucket.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CorsConfiguration {
    /// The rules (at most 100).
    #[serde(rename = "CorsRules")]
    #[schemars(length(max = 100))]
    pub cors_rules: List<CorsRule>,
}

/// A bucket CORS rule.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CorsRule {
    /// Allowed request headers.
    #[serde(rename = "AllowedHeaders")]
    pub allowed_headers: Option<List<String>>,
    /// Allowed methods.
    #[serde(rename = "AllowedMethods")]
    pub allowed_methods: List<S3CorsMethod>,
    /// Allowed origins.
    #[serde(rename = "AllowedOrigins")]
    pub allowed_origins: List<String>,
    /// Response headers exposed to the browser.
    #[serde(rename = "ExposedHeaders")]
    pub exposed_headers: Option<List<String>>,
    /// The rule's id.
    #[serde(rename = "Id")]
    #[schemars(length(max = 255))]
    pub id: Option<Str>,
    /// Seconds a preflight response may be cached.
    #[serde(rename = "MaxAge")]
    pub max_age: Option<Num>,
}

/// Methods of a bucket CORS rule.
#[derive(JsonSchema)]
pub enum S3CorsMethod {
    /// GET.
    #[allow(clippy::upper_case_acronyms)]
    GET,
    /// PUT.
    #[allow(clippy::upper_case_acronyms)]
    PUT,
    /// HEAD.
    #[allow(clippy::upper_case_acronyms)]
    HEAD,
    /// POST.
    #[allow(clippy::upper_case_acronyms)]
    POST,
    /// DELETE.
    #[allow(clippy::upper_case_acronyms)]
    DELETE,
}

/// An inventory report.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct InventoryConfiguration {
    /// Where the report goes.
    #[serde(rename = "Destination")]
    pub destination: ReportDestination,
    /// Whether the report is produced.
    #[serde(rename = "Enabled")]
    pub enabled: Bool,
    /// The configuration's id.
    #[serde(rename = "Id")]
    pub id: Str,
    /// `All` or `Current` object versions.
    #[serde(rename = "IncludedObjectVersions")]
    pub included_object_versions: IncludedObjectVersions,
    /// Extra fields of the report, e.g. `Size`.
    #[serde(rename = "OptionalFields")]
    pub optional_fields: Option<List<String>>,
    /// Only objects with this key prefix.
    #[serde(rename = "Prefix")]
    pub prefix: Option<Str>,
    /// `Daily` or `Weekly`.
    #[serde(rename = "ScheduleFrequency")]
    pub schedule_frequency: ScheduleFrequency,
}

/// Object versions of an inventory.
#[derive(JsonSchema)]
pub enum IncludedObjectVersions {
    /// Every version.
    All,
    /// The current version.
    Current,
}

/// Inventory frequency.
#[derive(JsonSchema)]
pub enum ScheduleFrequency {
    /// Every day.
    Daily,
    /// Every week.
    Weekly,
}

/// Lifecycle rules.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct LifecycleConfiguration {
    /// The rules.
    #[serde(rename = "Rules")]
    pub rules: List<LifecycleRule>,
}

/// Storage classes objects can move to.
#[derive(JsonSchema)]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
pub enum TransitionStorageClass {
    /// Glacier Deep Archive.
    DEEP_ARCHIVE,
    /// Glacier Flexible Retrieval.
    GLACIER,
    /// Intelligent-Tiering.
    INTELLIGENT_TIERING,
    /// One Zone-IA.
    ONEZONE_IA,
    /// Standard-IA.
    STANDARD_IA,
}

/// A date of a lifecycle rule: text in v3's `date-time` format (RFC 3339; a number or boolean
/// is read as its text, and fails it).
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum LifecycleDate {
    /// A date and time (`2025-01-31T00:00:00Z`).
    Text(#[schemars(with = "Str", extend("format" = "date-time"))] String),
    /// For editors, a plain YAML timestamp too (`2025-01-31`): Serverless' YAML reader makes it
    /// a date, which v3's schema does not check and which is written in full.
    #[schemars(extend("x-cfgen-editor-only" = true))]
    Timestamp(
        #[schemars(regex(
            pattern = r"^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$"
        ))]
        String,
    ),
}

/// A lifecycle rule.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct LifecycleRule {
    /// Abort incomplete multipart uploads.
    #[serde(rename = "AbortIncompleteMultipartUpload")]
    pub abort_incomplete_multipart_upload: Option<AbortIncompleteMultipartUpload>,
    /// Expire objects on this date (RFC 3339, `2025-01-31T00:00:00Z`).
    #[serde(rename = "ExpirationDate")]
    pub expiration_date: Option<LifecycleDate>,
    /// Expire objects this many days after creation.
    #[serde(rename = "ExpirationInDays")]
    pub expiration_in_days: Option<ExpirationInDays>,
    /// The rule's id.
    #[serde(rename = "Id")]
    #[schemars(length(max = 255))]
    pub id: Option<Str>,
    /// Expire noncurrent versions this many days after they become noncurrent.
    #[serde(rename = "NoncurrentVersionExpirationInDays")]
    pub noncurrent_version_expiration_in_days: Option<Num>,
    /// Move noncurrent versions to another storage class (one transition).
    #[serde(rename = "NoncurrentVersionTransition")]
    pub noncurrent_version_transition: Option<NoncurrentVersionTransition>,
    /// Move noncurrent versions to other storage classes.
    #[serde(rename = "NoncurrentVersionTransitions")]
    pub noncurrent_version_transitions: Option<List<NoncurrentVersionTransition>>,
    /// Only objects with this key prefix.
    #[serde(rename = "Prefix")]
    pub prefix: Option<Str>,
    /// `Enabled` or `Disabled`.
    #[serde(rename = "Status")]
    pub status: EnabledDisabled,
    /// Only objects with these tags.
    #[serde(rename = "TagFilters")]
    pub tag_filters: Option<List<TagFilter>>,
    /// Move objects to other storage classes.
    #[serde(rename = "Transitions")]
    pub transitions: Option<List<Transition>>,
}

/// Days before expiration: a number or an intrinsic function.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum ExpirationInDays {
    /// Days.
    Days(Num),
    /// An intrinsic function.
    Function(CfFunction),
    /// `Fn::If`.
    If(CfIf),
}

/// Abort incomplete multipart uploads.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct AbortIncompleteMultipartUpload {
    /// Days after the upload started.
    #[serde(rename = "DaysAfterInitiation")]
    pub days_after_initiation: Num,
}

/// A transition of noncurrent versions.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct NoncurrentVersionTransition {
    /// The target storage class.
    #[serde(rename = "StorageClass")]
    pub storage_class: TransitionStorageClass,
    /// Days after the version became noncurrent.
    #[serde(rename = "TransitionInDays")]
    pub transition_in_days: Num,
}

/// A transition of current objects.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Transition {
    /// The target storage class.
    #[serde(rename = "StorageClass")]
    pub storage_class: TransitionStorageClass,
    /// Move on this date (RFC 3339, `2025-01-31T00:00:00Z`).
    #[serde(rename = "TransitionDate")]
    pub transition_date: Option<LifecycleDate>,
    /// Move this many days after creation (at least 1).
    #[serde(rename = "TransitionInDays")]
    #[schemars(range(min = 1))]
    pub transition_in_days: Option<Num>,
}

/// Server access logging.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct LoggingConfiguration {
    /// The bucket logs are written to.
    #[serde(rename = "DestinationBucketName")]
    pub destination_bucket_name: Option<BucketNameOrCf>,
    /// Key prefix of the log objects.
    #[serde(rename = "LogFilePrefix")]
    pub log_file_prefix: Option<Str>,
}

/// A bucket name or an intrinsic function.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum BucketNameOrCf {
    /// A bucket name.
    Name(AwsS3BucketName),
    /// An intrinsic function, e.g. `{Ref: LogBucket}`.
    Function(CfFunction),
}

/// Request metrics.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct MetricsConfiguration {
    /// The configuration's id.
    #[serde(rename = "Id")]
    pub id: Str,
    /// Only objects with this key prefix.
    #[serde(rename = "Prefix")]
    pub prefix: Option<Str>,
    /// Only objects with these tags.
    #[serde(rename = "TagFilters")]
    pub tag_filters: Option<List<TagFilter>>,
}

/// Bucket notifications.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct NotificationConfiguration {
    /// Lambda functions to invoke.
    #[serde(rename = "LambdaConfigurations")]
    pub lambda_configurations: Option<List<LambdaNotification>>,
    /// SQS queues to send to.
    #[serde(rename = "QueueConfigurations")]
    pub queue_configurations: Option<List<QueueNotification>>,
    /// SNS topics to publish to.
    #[serde(rename = "TopicConfigurations")]
    pub topic_configurations: Option<List<TopicNotification>>,
}

/// An S3 event type, e.g. `s3:ObjectCreated:*`.
#[derive(JsonSchema)]
#[schemars(transparent)]
pub struct S3EventName(#[schemars(regex(pattern = "^s3:"), example = "s3:ObjectCreated:*")] pub String);

/// A notification to a Lambda function.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct LambdaNotification {
    /// The event type.
    #[serde(rename = "Event")]
    pub event: S3EventName,
    /// A key filter.
    #[serde(rename = "Filter")]
    pub filter: Option<NotificationFilter>,
    /// The function's ARN.
    #[serde(rename = "Function")]
    pub function: AwsArn,
}

/// A notification to an SQS queue.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct QueueNotification {
    /// The event type.
    #[serde(rename = "Event")]
    pub event: S3EventName,
    /// A key filter.
    #[serde(rename = "Filter")]
    pub filter: Option<NotificationFilter>,
    /// The queue's ARN.
    #[serde(rename = "Queue")]
    pub queue: AwsArn,
}

/// A notification to an SNS topic.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct TopicNotification {
    /// The event type.
    #[serde(rename = "Event")]
    pub event: S3EventName,
    /// A key filter.
    #[serde(rename = "Filter")]
    pub filter: Option<NotificationFilter>,
    /// The topic's ARN.
    #[serde(rename = "Topic")]
    pub topic: AwsArn,
}

/// A notification key filter.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct NotificationFilter {
    /// Key rules.
    #[serde(rename = "S3Key")]
    pub s3_key: S3KeyFilter,
}

/// Key rules of a notification filter.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct S3KeyFilter {
    /// `prefix`/`suffix` rules.
    #[serde(rename = "Rules")]
    pub rules: List<S3KeyRule>,
}

/// A key rule.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct S3KeyRule {
    /// `prefix` or `suffix`.
    #[serde(rename = "Name")]
    pub name: S3KeyRuleName,
    /// The prefix or suffix, e.g. `.jpg`.
    #[serde(rename = "Value")]
    pub value: Str,
}

/// Kinds of key rules.
#[derive(JsonSchema)]
pub enum S3KeyRuleName {
    /// The key starts with the value.
    #[serde(rename = "prefix")]
    Prefix,
    /// The key ends with the value.
    #[serde(rename = "suffix")]
    Suffix,
}

/// Object Lock settings.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ObjectLockConfiguration {
    /// Always `Enabled`.
    #[serde(rename = "ObjectLockEnabled")]
    pub object_lock_enabled: Option<ObjectLockEnabled>,
    /// The default retention.
    #[serde(rename = "Rule")]
    pub rule: Option<ObjectLockRule>,
}

/// The literal `Enabled`.
#[derive(JsonSchema)]
pub enum ObjectLockEnabled {
    /// On.
    Enabled,
}

/// An Object Lock rule.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ObjectLockRule {
    /// The default retention of new objects.
    #[serde(rename = "DefaultRetention")]
    pub default_retention: Option<DefaultRetention>,
}

/// Default Object Lock retention.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct DefaultRetention {
    /// Days (or use `Years`).
    #[serde(rename = "Days")]
    pub days: Option<Num>,
    /// `COMPLIANCE` or `GOVERNANCE`.
    #[serde(rename = "Mode")]
    pub mode: Option<RetentionMode>,
    /// Years (or use `Days`).
    #[serde(rename = "Years")]
    pub years: Option<Num>,
}

/// Object Lock modes.
#[derive(JsonSchema)]
#[allow(clippy::upper_case_acronyms)]
pub enum RetentionMode {
    /// No one can delete or overwrite.
    COMPLIANCE,
    /// Users with special permissions can.
    GOVERNANCE,
}

/// Public access block settings.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct PublicAccessBlockConfiguration {
    /// Reject public ACLs.
    #[serde(rename = "BlockPublicAcls")]
    pub block_public_acls: Option<Bool>,
    /// Reject public bucket policies.
    #[serde(rename = "BlockPublicPolicy")]
    pub block_public_policy: Option<Bool>,
    /// Ignore public ACLs.
    #[serde(rename = "IgnorePublicAcls")]
    pub ignore_public_acls: Option<Bool>,
    /// Restrict access under public policies to AWS services and the owner.
    #[serde(rename = "RestrictPublicBuckets")]
    pub restrict_public_buckets: Option<Bool>,
}

/// Replication settings.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ReplicationConfiguration {
    /// The role S3 replicates with.
    #[serde(rename = "Role")]
    pub role: AwsArn,
    /// The rules (1-1000).
    #[serde(rename = "Rules")]
    #[schemars(length(min = 1, max = 1000))]
    pub rules: List<ReplicationRule>,
}

/// A replication rule.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ReplicationRule {
    /// Replicate delete markers.
    #[serde(rename = "DeleteMarkerReplication")]
    pub delete_marker_replication: Option<StatusOnly>,
    /// Where objects are replicated to.
    #[serde(rename = "Destination")]
    pub destination: ReplicationDestination,
    /// Which objects.
    #[serde(rename = "Filter")]
    pub filter: Option<ReplicationFilter>,
    /// The rule's id.
    #[serde(rename = "Id")]
    #[schemars(length(max = 255))]
    pub id: Option<Str>,
    /// Only objects with this key prefix (legacy form of `Filter`).
    #[serde(rename = "Prefix")]
    pub prefix: Option<Str>,
    /// Priority among overlapping rules.
    #[serde(rename = "Priority")]
    pub priority: Option<Num>,
    /// Which encrypted objects.
    #[serde(rename = "SourceSelectionCriteria")]
    pub source_selection_criteria: Option<SourceSelectionCriteria>,
    /// `Enabled` or `Disabled`.
    #[serde(rename = "Status")]
    pub status: EnabledDisabled,
}

/// A `{Status}` setting.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct StatusOnly {
    /// `Enabled` or `Disabled`.
    #[serde(rename = "Status")]
    pub status: Option<EnabledDisabled>,
}

/// A replication destination.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ReplicationDestination {
    /// Make the destination account the owner of replicas (needs `Account`).
    #[serde(rename = "AccessControlTranslation")]
    pub access_control_translation: Option<AccessControlTranslation>,
    /// The destination account.
    #[serde(rename = "Account")]
    #[schemars(regex(pattern = r"^\d{12}$"))]
    pub account: Option<Str>,
    /// The destination bucket's ARN.
    #[serde(rename = "Bucket")]
    pub bucket: AwsArn,
    /// KMS key for replicas.
    #[serde(rename = "EncryptionConfiguration")]
    pub encryption_configuration: Option<ReplicaEncryption>,
    /// Replication metrics.
    #[serde(rename = "Metrics")]
    pub metrics: Option<ReplicationMetrics>,
    /// Replication Time Control.
    #[serde(rename = "ReplicationTime")]
    pub replication_time: Option<ReplicationTime>,
    /// The replicas' storage class.
    #[serde(rename = "StorageClass")]
    pub storage_class: Option<ReplicaStorageClass>,
}

/// Owner override of replicas.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct AccessControlTranslation {
    /// Always `Destination`.
    #[serde(rename = "Owner")]
    pub owner: DestinationOwner,
}

/// The literal `Destination`.
#[derive(JsonSchema)]
pub enum DestinationOwner {
    /// The destination account.
    Destination,
}

/// Replica encryption.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ReplicaEncryption {
    /// The KMS key id for replicas.
    #[serde(rename = "ReplicaKmsKeyID")]
    pub replica_kms_key_id: Str,
}

/// Replication metrics.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ReplicationMetrics {
    /// The threshold.
    #[serde(rename = "EventThreshold")]
    pub event_threshold: Minutes,
    /// `Enabled` or `Disabled`.
    #[serde(rename = "Status")]
    pub status: EnabledDisabled,
}

/// Replication Time Control.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ReplicationTime {
    /// `Enabled` or `Disabled`.
    #[serde(rename = "Status")]
    pub status: EnabledDisabled,
    /// The time limit.
    #[serde(rename = "Time")]
    pub time: Minutes,
}

/// A duration in minutes.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Minutes {
    /// Minutes.
    #[serde(rename = "Minutes")]
    pub minutes: Num,
}

/// Storage classes of replicas.
#[derive(JsonSchema)]
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
pub enum ReplicaStorageClass {
    /// Glacier Deep Archive.
    DEEP_ARCHIVE,
    /// Glacier Flexible Retrieval.
    GLACIER,
    /// Intelligent-Tiering.
    INTELLIGENT_TIERING,
    /// One Zone-IA.
    ONEZONE_IA,
    /// S3 on Outposts.
    OUTPOSTS,
    /// Reduced redundancy.
    REDUCED_REDUNDANCY,
    /// Standard.
    STANDARD,
    /// Standard-IA.
    STANDARD_IA,
}

/// Which objects a replication rule covers.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ReplicationFilter {
    /// Prefix and tags together.
    #[serde(rename = "And")]
    pub and: Option<ReplicationAnd>,
    /// A key prefix.
    #[serde(rename = "Prefix")]
    pub prefix: Option<Str>,
    /// A tag.
    #[serde(rename = "TagFilter")]
    pub tag_filter: Option<TagFilter>,
}

/// A prefix and tags that must all match.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ReplicationAnd {
    /// A key prefix.
    #[serde(rename = "Prefix")]
    pub prefix: Option<Str>,
    /// Tags.
    #[serde(rename = "TagFilters")]
    pub tag_filters: Option<List<TagFilter>>,
}

/// Which encrypted objects are replicated.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct SourceSelectionCriteria {
    /// SSE-KMS encrypted objects.
    #[serde(rename = "SseKmsEncryptedObjects")]
    pub sse_kms_encrypted_objects: RequiredStatus,
}

/// A required `{Status}` setting.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RequiredStatus {
    /// `Enabled` or `Disabled`.
    #[serde(rename = "Status")]
    pub status: EnabledDisabled,
}

/// Versioning.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct VersioningConfiguration {
    /// `Enabled` or `Suspended`.
    #[serde(rename = "Status")]
    pub status: EnabledSuspended,
}

/// Static website hosting.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct WebsiteConfiguration {
    /// The error page, e.g. `error.html`.
    #[serde(rename = "ErrorDocument")]
    pub error_document: Option<Str>,
    /// The index page, e.g. `index.html`.
    #[serde(rename = "IndexDocument")]
    pub index_document: Option<Str>,
    /// Redirect every request to another host.
    #[serde(rename = "RedirectAllRequestsTo")]
    pub redirect_all_requests_to: Option<RedirectAllRequestsTo>,
    /// Conditional redirects.
    #[serde(rename = "RoutingRules")]
    pub routing_rules: Option<List<RoutingRule>>,
}

/// `http` or `https`.
#[derive(JsonSchema)]
pub enum Protocol {
    /// HTTP.
    #[serde(rename = "http")]
    Http,
    /// HTTPS.
    #[serde(rename = "https")]
    Https,
}

/// Redirect of every request.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RedirectAllRequestsTo {
    /// The target host.
    #[serde(rename = "HostName")]
    pub host_name: Str,
    /// `http` or `https` (default: the request's).
    #[serde(rename = "Protocol")]
    pub protocol: Option<Protocol>,
}

/// A conditional redirect.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RoutingRule {
    /// Where to redirect.
    #[serde(rename = "RedirectRule")]
    pub redirect_rule: RedirectRule,
    /// When to redirect.
    #[serde(rename = "RoutingRuleCondition")]
    pub routing_rule_condition: Option<RoutingRuleCondition>,
}

/// The target of a redirect.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RedirectRule {
    /// The target host.
    #[serde(rename = "HostName")]
    pub host_name: Option<Str>,
    /// The HTTP status, e.g. `301`.
    #[serde(rename = "HttpRedirectCode")]
    pub http_redirect_code: Option<Str>,
    /// `http` or `https`.
    #[serde(rename = "Protocol")]
    pub protocol: Option<Protocol>,
    /// Replace the matched key prefix with this.
    #[serde(rename = "ReplaceKeyPrefixWith")]
    pub replace_key_prefix_with: Option<Str>,
    /// Replace the whole key with this.
    #[serde(rename = "ReplaceKeyWith")]
    pub replace_key_with: Option<Str>,
}

/// When a redirect applies.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct RoutingRuleCondition {
    /// The error code returned, e.g. `404`.
    #[serde(rename = "HttpErrorCodeReturnedEquals")]
    pub http_error_code_returned_equals: Option<Str>,
    /// The key starts with this.
    #[serde(rename = "KeyPrefixEquals")]
    pub key_prefix_equals: Option<Str>,
}

// ---------------------------------------------------------------------------------------------
// Top level: resources, plugins, custom, dashboard
// ---------------------------------------------------------------------------------------------

/// `resources:` CloudFormation merged into the generated template (lodash `_.merge`: objects
/// merge key by key, lists item by item, so a generated resource can be overridden in part).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Resources {
    /// The template format version, `2010-09-09`.
    #[serde(rename = "AWSTemplateFormatVersion")]
    #[schemars(example = "2010-09-09")]
    pub aws_template_format_version: Option<Str>,
    /// Conditions by name, e.g. `IsProd: {Fn::Equals: [prod, '${sls:stage}']}`.
    #[serde(rename = "Conditions")]
    pub conditions: Option<Object>,
    /// The template description (default `The AWS CloudFormation template for this Serverless
    /// application`).
    #[serde(rename = "Description")]
    pub description: Option<Str>,
    /// Mappings for `Fn::FindInMap`.
    #[serde(rename = "Mappings")]
    pub mappings: Option<Object>,
    /// Template metadata.
    #[serde(rename = "Metadata")]
    pub metadata: Option<Object>,
    /// Outputs by logical id (`{Value, Description, Export: {Name}, Condition}`).
    #[serde(rename = "Outputs")]
    pub outputs: Option<Object>,
    /// Template parameters (their values come from `provider.stackParameters`).
    #[serde(rename = "Parameters")]
    pub parameters: Option<Object>,
    /// Resources by logical id; a generated id (e.g. `HelloLambdaFunction`) overrides parts
    /// of that resource.
    #[serde(rename = "Resources")]
    pub resources: Option<ResourceMap>,
    /// Transforms (macros), e.g. `AWS::Serverless-2016-10-31`; one string becomes a list.
    #[serde(rename = "Transform")]
    pub transform: Option<List<String>>,
    /// Changes to generated resources by logical id: `Properties` and `Metadata` are assigned
    /// key by key, `DependsOn` is appended to, the other attributes replace.
    pub extensions: Option<IndexMap<String, ResourceExtension>>,
}

/// `resources:` one mapping, or a list of them (often `${file(...)}`s) that Serverless merges
/// in order before validating.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum ResourcesSetting {
    /// The resources.
    One(Box<Resources>),
    /// Parts merged in order (objects key by key, lists item by item).
    Merged(Vec<Resources>),
}

/// `resources.Resources`: resources by logical id, and an optional `Fn::Transform`.
#[derive(JsonSchema)]
pub struct ResourceMap {
    /// A macro applied to the `Resources` section, e.g. `AWS::Include`.
    #[serde(rename = "Fn::Transform")]
    pub fn_transform: Option<FnTransform>,
    /// Resources by logical id (letters and digits).
    #[serde(flatten)]
    pub resources: IndexMap<String, CfResource>,
}

/// `Fn::Transform`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct FnTransform {
    /// The macro's name, e.g. `AWS::Include`.
    #[serde(rename = "Name")]
    pub name: Str,
    /// The macro's parameters, e.g. `{Location: s3://bucket/snippet.yml}`.
    #[serde(rename = "Parameters")]
    pub parameters: Option<Object>,
}

/// A CloudFormation resource.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CfResource {
    /// The resource type, e.g. `AWS::S3::Bucket`. Required for a new resource; leave it out to
    /// change parts of a generated one (Serverless v3 warns then, and merges).
    #[serde(rename = "Type")]
    #[schemars(example = &"AWS::S3::Bucket")]
    pub r#type: Option<Str>,
    /// The resource's properties (free-form: CloudFormation checks them).
    #[serde(rename = "Properties")]
    pub properties: Option<Object>,
    /// Wait for success signals before the resource counts as created.
    #[serde(rename = "CreationPolicy")]
    pub creation_policy: Option<Object>,
    /// What happens when the resource leaves the stack: `Delete` (default for most),
    /// `Retain`, `RetainExceptOnCreate` or `Snapshot`.
    #[serde(rename = "DeletionPolicy")]
    pub deletion_policy: Option<DeletionPolicy>,
    /// Logical ids created before this resource; one string becomes a list.
    #[serde(rename = "DependsOn")]
    pub depends_on: Option<List<String>>,
    /// Resource metadata.
    #[serde(rename = "Metadata")]
    pub metadata: Option<Object>,
    /// How updates are made (Auto Scaling groups, Lambda aliases, ...).
    #[serde(rename = "UpdatePolicy")]
    pub update_policy: Option<Object>,
    /// What happens to the old physical resource on replacement: `Delete`, `Retain` or
    /// `Snapshot`.
    #[serde(rename = "UpdateReplacePolicy")]
    pub update_replace_policy: Option<DeletionPolicy>,
    /// Create the resource only when this condition (from `Conditions`) is true.
    #[serde(rename = "Condition")]
    pub condition: Option<Str>,
}

/// A change to a generated resource (`resources.extensions.<id>`).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ResourceExtension {
    /// Properties assigned over the generated ones (top-level keys replace).
    #[serde(rename = "Properties")]
    pub properties: Option<Object>,
    /// Replaces the creation policy.
    #[serde(rename = "CreationPolicy")]
    pub creation_policy: Option<Object>,
    /// Replaces the deletion policy.
    #[serde(rename = "DeletionPolicy")]
    pub deletion_policy: Option<DeletionPolicy>,
    /// Logical ids appended to the resource's `DependsOn`.
    #[serde(rename = "DependsOn")]
    pub depends_on: Option<List<String>>,
    /// Metadata assigned over the generated one.
    #[serde(rename = "Metadata")]
    pub metadata: Option<Object>,
    /// Replaces the update policy.
    #[serde(rename = "UpdatePolicy")]
    pub update_policy: Option<Object>,
    /// Replaces the update-replace policy.
    #[serde(rename = "UpdateReplacePolicy")]
    pub update_replace_policy: Option<DeletionPolicy>,
    /// Replaces the condition.
    #[serde(rename = "Condition")]
    pub condition: Option<Str>,
}

/// A deletion (or update-replace) policy; the list is CloudFormation's, other strings pass.
pub struct DeletionPolicy;

impl JsonSchema for DeletionPolicy {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "DeletionPolicy".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "`Delete`, `Retain`, `RetainExceptOnCreate` or `Snapshot`.",
            "anyOf": [{"enum": ["Delete", "Retain", "RetainExceptOnCreate", "Snapshot"]}, {"type": "string"}]
        })
    }
}

/// `plugins:` a list of plugin names, or `{localPath, modules}`.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum Plugins {
    /// Plugin package names (or paths), loaded in order.
    #[schemars(extend("examples" = [["serverless-offline", "serverless-step-functions"]]))]
    List(List<String>),
    /// Plugins with a custom local folder.
    Settings(PluginsSettings),
}

/// `plugins: {localPath, modules}`.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct PluginsSettings {
    /// The folder local plugins are loaded from (default `./.serverless_plugins`).
    pub local_path: Option<Str>,
    /// Plugin names, loaded in order.
    pub modules: List<String>,
}

/// `custom:` free-form values (read through `${self:custom.*}` and by plugins); only
/// `enterprise` has a fixed shape.
#[derive(JsonSchema)]
#[schemars(extend("additionalProperties" = true))]
pub struct Custom {
    /// Serverless Dashboard (Enterprise) monitoring settings (no template effect in cfgen).
    pub enterprise: Option<Enterprise>,
}

/// `custom.enterprise`.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct Enterprise {
    /// Collect API Gateway logs. Default true.
    pub collect_api_gateway_logs: Option<Bool>,
    /// Collect Lambda logs. Default true.
    pub collect_lambda_logs: Option<Bool>,
    /// Compress log data. Default true.
    pub compress_logs: Option<Bool>,
    /// Do not trace AWS SDK calls.
    pub disable_aws_spans: Option<Bool>,
    /// Do not instrument web frameworks.
    pub disable_frameworks_instrumentation: Option<Bool>,
    /// Do not trace HTTP calls.
    pub disable_http_spans: Option<Bool>,
    /// The role that grants the Dashboard access to the logs.
    pub log_access_iam_role: Option<AwsArnString>,
    /// `push` or `pull` log ingestion.
    pub log_ingest_mode: Option<LogIngestMode>,
    /// Do not wrap handlers.
    pub disable_wrapping: Option<Bool>,
    /// Do not set up monitoring.
    pub disable_monitoring_setup: Option<Bool>,
}

/// Log ingestion modes.
#[derive(JsonSchema)]
pub enum LogIngestMode {
    /// Logs are pushed by a subscription.
    #[serde(rename = "push")]
    Push,
    /// Logs are pulled by the Dashboard.
    #[serde(rename = "pull")]
    Pull,
}

/// `dashboard:` Serverless Dashboard settings.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct Dashboard {
    /// Turn Dashboard monitoring off for this service.
    pub disable_monitoring: Option<Bool>,
}

/// `configValidationMode`.
#[derive(JsonSchema)]
pub enum ConfigValidationMode {
    /// Configuration errors stop the build.
    #[serde(rename = "error")]
    Error,
    /// Configuration errors are warnings (the default).
    #[serde(rename = "warn")]
    Warn,
    /// No validation messages.
    #[serde(rename = "off")]
    Off,
}

/// `deprecationNotificationMode`.
#[derive(JsonSchema)]
pub enum DeprecationNotificationMode {
    /// Deprecations stop the build.
    #[serde(rename = "error")]
    Error,
    /// Each deprecation is reported when met.
    #[serde(rename = "warn")]
    Warn,
    /// Deprecations are summarised at the end (the default).
    #[serde(rename = "warn:summary")]
    WarnSummary,
}

/// `disabledDeprecations`: `'*'` or a list of codes.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum DisabledDeprecations {
    /// Every deprecation.
    All(crate::cf::Star),
    /// Codes, e.g. `PROVIDER_IAM_SETTINGS_V3`.
    Codes(List<DeprecationCode>),
}

/// A deprecation code.
#[derive(JsonSchema)]
#[schemars(transparent)]
pub struct DeprecationCode(#[schemars(regex(pattern = "^[A-Z0-9_]+$"))] pub String);

/// `console:` (deprecated) `true` or settings.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum Console {
    /// On or off.
    Enabled(Bool),
    /// Settings.
    Settings(Object),
}
