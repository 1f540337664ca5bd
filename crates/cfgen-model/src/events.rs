//! Shapes of `functions.<key>.events[]`: one type per event, mirroring Serverless v3's own
//! config schema (the `configSchemaHandler.defineFunctionEvent` calls of
//! `lib/plugins/aws/package/compile/events/*`).
//!
//! These types only describe the JSON Schema (`cfgen schema`, editor completion). The compile
//! passes read every event as `serde_json::Value` and check it themselves (unknown keys,
//! ranges, enumerations), so nothing here changes what is accepted.
//!
//! Conventions: a field that Serverless' schema requires is not an `Option`; numbers are
//! [`Num`] (Serverless' AJV also takes numeric strings) with the schema's range; enumerations
//! that Serverless matches case-insensitively (`regexp: /.../i`) are [`ci_enum!`] types, which
//! list the canonical spellings for completion and accept any letter case.

use crate::cf::{AwsArn, AwsKmsArn, Bool, CfFunction, CfIf, CfImport, CfInstruction, CfRef};
use crate::coerce::{List, Num};
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{Map, Value};
use std::borrow::Cow;

/// `^(?:A|B)$`-style alternation matching each word in any letter case (`GET` -> `[Gg][Ee][Tt]`).
fn any_case(words: &[&str]) -> String {
    let alts: Vec<String> = words
        .iter()
        .map(|w| {
            w.chars()
                .map(|c| {
                    if c.is_ascii_alphabetic() {
                        format!("[{}{}]", c.to_ascii_uppercase(), c.to_ascii_lowercase())
                    } else if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                        c.to_string()
                    } else {
                        format!("\\{c}")
                    }
                })
                .collect()
        })
        .collect();
    format!("(?:{})", alts.join("|"))
}

/// The schema of a case-insensitive enumeration: the canonical spellings (for completion) or
/// any string equal to one of them ignoring case.
fn ci_schema(words: &[&str]) -> Schema {
    schemars::json_schema!({
        "anyOf": [
            {"type": "string", "enum": words, crate::coerce::TYPED_ENUM_MARK: true},
            {"type": "string", "pattern": format!("^{}$", any_case(words))}
        ]
    })
}

/// A string enumeration Serverless matches in any letter case.
macro_rules! ci_enum {
    ($(#[$m:meta])* $name:ident: [$($w:literal),* $(,)?]) => {
        $(#[$m])*
        pub struct $name;
        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }
            fn inline_schema() -> bool {
                true
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                ci_schema(&[$($w),*])
            }
        }
    };
}

/// A string matching a fixed pattern (a manual impl where the pattern is built at run time).
macro_rules! pattern_string {
    ($(#[$m:meta])* $name:ident: $pattern:expr) => {
        $(#[$m])*
        pub struct $name;
        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }
            fn inline_schema() -> bool {
                true
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                schemars::json_schema!({"type": "string", "pattern": $pattern})
            }
        }
    };
}

const HTTP_METHODS: [&str; 8] = ["GET", "POST", "PUT", "PATCH", "OPTIONS", "HEAD", "DELETE", "ANY"];

/// An ARN written out (`arn:...`).
#[derive(JsonSchema)]
#[schemars(transparent)]
pub struct ArnString(pub String);

/// A Secrets Manager secret ARN (`arn:aws:secretsmanager:<region>:<account>:secret:<name>`).
#[derive(JsonSchema)]
#[schemars(transparent)]
pub struct SecretArnString(
    #[schemars(regex(pattern = r"arn:[a-z-]+:secretsmanager:[a-z0-9-]+:\d+:secret:[A-Za-z0-9/_+=.@-]+"))] pub String,
);

/// An Amazon MQ broker ARN (`arn:aws:mq:<region>:<account>:broker:<name>:b-<id>`).
#[derive(JsonSchema)]
#[schemars(transparent)]
pub struct MqBrokerArnString(
    #[schemars(regex(pattern = r"arn:[a-z-]+:mq:[a-z0-9-]+:\d+:broker:[A-Za-z0-9/_+=.@-]+:b-[a-z0-9-]+"))] pub String,
);

/// A string ARN or an intrinsic function (`Ref`, `Fn::GetAtt`, `Fn::ImportValue`, ...).
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum ArnStringOrImportOrRef<S: JsonSchema> {
    /// The ARN written out.
    String(S),
    /// `{Fn::ImportValue: ExportName}`.
    Import(CfImport),
    /// `{Ref: LogicalId}`.
    Ref(CfRef),
}

/// A string or a CloudFormation intrinsic function.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum StrOrFunction {
    /// A literal string.
    String(String),
    /// An intrinsic function.
    Function(CfFunction),
}

/// Event filter patterns (1-10): Lambda invokes the function only for records matching one of
/// them (`FilterCriteria.Filters[].Pattern`).
#[derive(JsonSchema)]
#[schemars(transparent)]
pub struct FilterPatterns(
    #[schemars(length(min = 1, max = 10), example = serde_json::json!([{"body": {"type": ["order"]}}]))] pub Vec<Map<String, Value>>,
);

/// One trigger of a function: a mapping with exactly one key, the event type.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields, extend("minProperties" = 1, "maxProperties" = 1))]
pub struct Event {
    /// A REST API (API Gateway v1) endpoint. Short form `METHOD /path` (e.g. `GET /users`).
    #[schemars(example = &"GET /users/{id}")]
    pub http: Option<HttpEvent>,
    /// An HTTP API (API Gateway v2) route. Short form `METHOD /path`, or `*` for every route.
    #[schemars(example = &"POST /orders")]
    pub http_api: Option<HttpApiEvent>,
    /// A WebSocket API route. Short form: the route key (e.g. `$connect`).
    #[schemars(example = &"$connect")]
    pub websocket: Option<WebsocketEvent>,
    /// Objects created or removed in an S3 bucket. Short form: the bucket name (a new bucket
    /// is created for it).
    pub s3: Option<S3Event>,
    /// A timer: `rate(...)` or `cron(...)`, or an object with more settings.
    #[schemars(example = &"rate(1 hour)", example = &"cron(0 12 * * ? *)")]
    pub schedule: Option<ScheduleEvent>,
    /// Messages of an SNS topic. Short form: a topic name (created) or an existing topic's ARN.
    pub sns: Option<SnsEvent>,
    /// Messages of an SQS queue (an event source mapping). Short form: the queue ARN.
    pub sqs: Option<SqsEvent>,
    /// Records of a DynamoDB or Kinesis stream (an event source mapping). Short form: the stream ARN.
    pub stream: Option<StreamEvent>,
    /// Records of a self-managed Apache Kafka topic.
    pub kafka: Option<KafkaEvent>,
    /// Records of an Amazon MSK (managed Kafka) topic.
    pub msk: Option<MskEvent>,
    /// Messages of an Amazon MQ for ActiveMQ queue.
    pub activemq: Option<ActiveMqEvent>,
    /// Messages of an Amazon MQ for RabbitMQ queue.
    pub rabbitmq: Option<RabbitMqEvent>,
    /// Requests of an Alexa skill. Short form: the skill id.
    pub alexa_skill: Option<AlexaEvent>,
    /// Directives of an Alexa Smart Home skill. Short form: the skill id.
    pub alexa_smart_home: Option<AlexaEvent>,
    /// Messages of AWS IoT matching an IoT SQL rule.
    pub iot: Option<IotEvent>,
    /// AWS IoT fleet provisioning: the function is the template's pre-provisioning hook.
    pub iot_fleet_provisioning: Option<IotFleetProvisioningEvent>,
    /// An EventBridge rule on the default bus (legacy name; prefer `eventBridge`).
    pub cloudwatch_event: Option<CloudwatchEventEvent>,
    /// A subscription filter of a CloudWatch Logs log group. Short form: the log group name.
    pub cloudwatch_log: Option<CloudwatchLogEvent>,
    /// A Cognito user pool trigger (sign-up, authentication, messages, ...).
    pub cognito_user_pool: Option<CognitoUserPoolEvent>,
    /// A rule of an Application Load Balancer listener forwarding to the function.
    pub alb: Option<Box<AlbEvent>>,
    /// An EventBridge rule (on the default bus or a custom one), by event pattern or schedule.
    pub event_bridge: Option<Box<EventBridgeEvent>>,
    /// A Lambda@Edge association of a CloudFront distribution (the region must be us-east-1).
    pub cloud_front: Option<Box<CloudFrontEvent>>,
    /// Internal to Serverless v3's own schema (an always-invalid alternative that keeps its
    /// event list well-formed); never written in a configuration.
    #[serde(rename = "__schemaWorkaround__")]
    #[schemars(extend("deprecated" = true))]
    pub schema_workaround: Option<()>,
}

// ---------------------------------------------------------------------------------------------
// http (REST API)

pattern_string!(
    /// `METHOD /path` (any letter case for the method) or `*`.
    HttpShort: format!(r"^(?:\*|{} (/\S*))$", any_case(&HTTP_METHODS))
);

ci_enum!(
    /// An HTTP method, `ANY`, or `*` (any letter case).
    HttpMethod: ["GET", "POST", "PUT", "PATCH", "OPTIONS", "HEAD", "DELETE", "ANY", "*"]
);

ci_enum!(
    /// An API Gateway integration type (any letter case).
    HttpIntegration: ["AWS_PROXY", "AWS", "LAMBDA_PROXY", "LAMBDA", "HTTP", "HTTP_PROXY", "MOCK", "LAMBDA-PROXY", "AWS-PROXY", "HTTP-PROXY"]
);

ci_enum!(
    /// `VPC_LINK` (or `vpc-link`), any letter case.
    HttpConnectionType: ["VPC_LINK", "vpc-link"]
);

ci_enum!(
    /// A REST API authorizer type (any letter case).
    HttpAuthorizerType: ["TOKEN", "REQUEST", "COGNITO_USER_POOLS", "AWS_IAM", "CUSTOM"]
);

/// `http`: short form or object.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum HttpEvent {
    /// `METHOD /path`, e.g. `GET /users`.
    Short(HttpShort),
    /// The full form.
    Full(Box<HttpEventObject>),
}

/// A REST API endpoint.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct HttpEventObject {
    /// The resource path, e.g. `users/{id}` (a leading `/` is optional; `{proxy+}` is greedy).
    #[schemars(regex(pattern = r"^(?:\*|/?\S*)$"), example = &"users/{id}")]
    pub path: String,
    /// The HTTP method: `GET`, `POST`, `PUT`, `PATCH`, `OPTIONS`, `HEAD`, `DELETE` or `ANY`.
    pub method: HttpMethod,
    /// Invoke the function asynchronously (`X-Amz-Invocation-Type: Event`; `lambda`
    /// integration only). Default false.
    #[serde(rename = "async")]
    pub r#async: Option<Bool>,
    /// Who may call: the name or ARN of an authorizer function, `aws_iam`, or an object.
    pub authorizer: Option<HttpAuthorizer>,
    /// The VPC link id of an `HTTP`/`HTTP_PROXY` integration with `connectionType: vpc-link`.
    pub connection_id: Option<CfInstruction>,
    /// `vpc-link` to reach the `request.uri` of an HTTP integration through a VPC link.
    pub connection_type: Option<HttpConnectionType>,
    /// CORS: `true` for the defaults (origin `*`, the usual headers) or the settings.
    pub cors: Option<HttpCorsSetting>,
    /// The integration type: `AWS_PROXY`/`lambda-proxy` (the default), `AWS`/`lambda`,
    /// `HTTP`, `HTTP_PROXY` or `MOCK`.
    #[schemars(extend("default" = "AWS_PROXY"))]
    pub integration: Option<HttpIntegration>,
    /// The `OperationId` of the method (shows in exported OpenAPI and SDKs).
    pub operation_id: Option<String>,
    /// Require an API key (`x-api-key` header). Default false.
    pub private: Option<Bool>,
    /// Request settings: parameters, templates, schemas, pass-through (and `uri` for HTTP integrations).
    pub request: Option<HttpRequest>,
    /// Response settings of non-proxy integrations: headers, template, status codes.
    pub response: Option<HttpResponse>,
}

/// `http.authorizer`: a function name/ARN, `aws_iam`, or the settings.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum HttpAuthorizer {
    /// The name of a function of this service, an authorizer Lambda ARN, a Cognito user pool
    /// ARN, or `aws_iam`.
    String(String),
    /// The settings.
    Object(Box<HttpAuthorizerObject>),
}

/// The settings of a REST API authorizer.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct HttpAuthorizerObject {
    /// The ARN of the authorizer function or the Cognito user pool.
    pub arn: Option<AwsArn>,
    /// The id of an authorizer that already exists in the API (e.g. `{Ref: MyAuthorizer}`).
    pub authorizer_id: Option<CfInstruction>,
    /// Cognito claims passed to a `lambda` integration (`$context.authorizer.claims.<claim>`).
    pub claims: Option<List<String>>,
    /// Where the token comes from (default `method.request.header.Authorization`).
    #[schemars(extend("default" = "method.request.header.Authorization"))]
    pub identity_source: Option<String>,
    /// A regular expression the token must match before the authorizer runs (`TOKEN` only).
    pub identity_validation_expression: Option<String>,
    /// The authorizer is managed outside this service: skip the invoke permission.
    pub managed_externally: Option<Bool>,
    /// The name of the authorizer function of this service (or of the authorizer).
    pub name: Option<String>,
    /// How long API Gateway caches the result, 0-3600 seconds (default 300; 0 disables caching).
    #[schemars(range(min = 0, max = 3600), extend("default" = 300))]
    pub result_ttl_in_seconds: Option<Num>,
    /// OAuth scopes the Cognito token must carry.
    pub scopes: Option<List<CfInstruction>>,
    /// `TOKEN` (the default for functions), `REQUEST`, `COGNITO_USER_POOLS`, `AWS_IAM` or `CUSTOM`.
    #[serde(rename = "type")]
    pub r#type: Option<HttpAuthorizerType>,
}

/// `http.cors`: `true` or the settings.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum HttpCorsSetting {
    /// `true`: the default CORS settings.
    Enabled(Bool),
    /// The settings.
    Settings(HttpCors),
}

ci_enum!(
    /// An HTTP method.
    CorsMethod: ["GET", "POST", "PUT", "PATCH", "OPTIONS", "HEAD", "DELETE", "ANY"]
);

/// CORS settings of a REST API endpoint (an `OPTIONS` method is added for the path).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct HttpCors {
    /// `Access-Control-Allow-Credentials: true`. Default false.
    pub allow_credentials: Option<Bool>,
    /// `Cache-Control` of the preflight response, e.g. `max-age=600`.
    pub cache_control: Option<String>,
    /// Allowed request headers (default: `Content-Type`, `X-Amz-Date`, `Authorization`,
    /// `X-Api-Key`, `X-Amz-Security-Token`, `X-Amz-User-Agent`, `X-Amzn-Trace-Id`).
    pub headers: Option<List<String>>,
    /// `Access-Control-Max-Age` in seconds (at least 1).
    #[schemars(range(min = 1))]
    pub max_age: Option<Num>,
    /// Allowed methods (default: every method of the path, plus `OPTIONS`).
    pub methods: Option<List<CorsMethod>>,
    /// The allowed origin (default `*`).
    #[schemars(extend("default" = "*"))]
    pub origin: Option<String>,
    /// Allowed origins (the request's origin is echoed when it is listed).
    pub origins: Option<List<String>>,
}

/// How a non-proxy integration converts payloads.
#[derive(JsonSchema)]
pub enum ContentHandling {
    /// Base64-decode a text payload into binary.
    #[serde(rename = "CONVERT_TO_BINARY")]
    ConvertToBinary,
    /// Base64-encode a binary payload into text.
    #[serde(rename = "CONVERT_TO_TEXT")]
    ConvertToText,
}

/// What API Gateway does with a request whose content type has no template.
#[derive(JsonSchema)]
pub enum PassThrough {
    /// Reject it (415).
    #[serde(rename = "NEVER")]
    Never,
    /// Pass it through unchanged when no template matches (the default).
    #[serde(rename = "WHEN_NO_MATCH")]
    WhenNoMatch,
    /// Pass it through only when no template is defined at all.
    #[serde(rename = "WHEN_NO_TEMPLATES")]
    WhenNoTemplates,
}

/// `http.request`.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct HttpRequest {
    /// Payload conversion of a non-proxy integration.
    pub content_handling: Option<ContentHandling>,
    /// The method the integration calls (HTTP integrations; default: the endpoint's method).
    pub method: Option<HttpMethod>,
    /// Request parameters: which query strings, headers and path parameters exist and
    /// whether they are required.
    pub parameters: Option<HttpRequestParameters>,
    /// Pass-through behaviour of a non-proxy integration (default `WHEN_NO_MATCH`).
    pub pass_through: Option<PassThrough>,
    /// Request body models by content type: a JSON schema (inline) or the name of a model of
    /// `provider.apiGateway.request.schemas`; API Gateway validates the body.
    #[schemars(example = serde_json::json!({"application/json": {"type": "object", "required": ["name"]}}))]
    pub schemas: Option<indexmap::IndexMap<String, SchemaOrName>>,
    /// Request mapping templates by content type (non-proxy integrations).
    #[schemars(example = serde_json::json!({"application/json": "{ \"id\": \"$input.params('id')\" }"}))]
    pub template: Option<indexmap::IndexMap<String, Option<String>>>,
    /// The backend URL of an `HTTP`/`HTTP_PROXY` integration.
    pub uri: Option<CfInstruction>,
}

/// A JSON schema (object) or the name of a shared model.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum SchemaOrName {
    /// An inline JSON schema.
    Schema(Map<String, Value>),
    /// The name of a model.
    Name(String),
}

/// `http.request.parameters`.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct HttpRequestParameters {
    /// Query string parameters: `name: true` (required) / `false` (optional), or settings.
    pub querystrings: Option<indexmap::IndexMap<String, HttpParameter>>,
    /// Headers: `name: true` (required) / `false` (optional), or settings.
    pub headers: Option<indexmap::IndexMap<String, HttpParameter>>,
    /// Path parameters: `name: true` (required) / `false` (optional), or settings.
    pub paths: Option<indexmap::IndexMap<String, HttpParameter>>,
}

/// A request parameter: required or not, or settings.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum HttpParameter {
    /// Whether the parameter is required.
    Required(Bool),
    /// The settings.
    Settings(HttpParameterSettings),
}

/// Settings of a request parameter.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct HttpParameterSettings {
    /// Whether the request must carry it.
    pub required: Option<Bool>,
    /// The integration request parameter it maps to, e.g. `method.request.header.x-user`.
    pub mapped_value: Option<CfInstruction>,
}

/// `http.response` (non-proxy integrations).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct HttpResponse {
    /// Payload conversion of the response.
    pub content_handling: Option<ContentHandling>,
    /// Response headers and their mapping, e.g. `Cache-Control: "'max-age=120'"`.
    pub headers: Option<indexmap::IndexMap<String, String>>,
    /// The response mapping template (default: pass the body through).
    pub template: Option<String>,
    /// Responses by status code (`200`, `400`, ...), selected by `pattern`.
    pub status_codes: Option<indexmap::IndexMap<String, HttpStatusCode>>,
}

/// One status code of a non-proxy response.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct HttpStatusCode {
    /// Response headers of this status code.
    pub headers: Option<indexmap::IndexMap<String, String>>,
    /// A regular expression on the Lambda error message selecting this status code (none: the default response).
    #[schemars(example = &".*\\[400\\].*")]
    pub pattern: Option<String>,
    /// The response template: one for every content type, or by content type.
    pub template: Option<StringOrStringMap>,
}

/// A string, or strings by key.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum StringOrStringMap {
    /// One string.
    String(String),
    /// Strings by key.
    Map(indexmap::IndexMap<String, String>),
}

// ---------------------------------------------------------------------------------------------
// httpApi

pattern_string!(
    /// `METHOD /path` (any letter case for the method) or `*`.
    HttpApiShort: format!(r"^(?:\*|{} (/\S*))$", any_case(&HTTP_METHODS))
);

/// `httpApi`: short form or object.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum HttpApiEvent {
    /// `METHOD /path` or `*` (the default route).
    Short(HttpApiShort),
    /// The full form.
    Full(Box<HttpApiEventObject>),
}

/// An HTTP API route.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct HttpApiEventObject {
    /// The route path, starting with `/` (e.g. `/users/{id}`, `/{proxy+}`), or `*`.
    #[schemars(regex(pattern = r"^(?:\*|/\S*)$"), example = &"/users/{id}")]
    pub path: String,
    /// The HTTP method, `ANY` or `*` (any method); required unless `path` is `*`.
    pub method: Option<HttpMethod>,
    /// The authorizer: the name of one in `provider.httpApi.authorizers`, or an object.
    pub authorizer: Option<HttpApiAuthorizer>,
}

/// `httpApi.authorizer`.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum HttpApiAuthorizer {
    /// The name of an authorizer in `provider.httpApi.authorizers`.
    Name(String),
    /// The settings.
    Object(HttpApiAuthorizerObject),
}

/// An HTTP API authorizer type.
#[derive(JsonSchema)]
pub enum HttpApiAuthorizerType {
    /// A Lambda authorizer.
    #[serde(rename = "request")]
    Request,
    /// A JWT authorizer (e.g. Cognito).
    #[serde(rename = "jwt")]
    Jwt,
    /// IAM authorization (SigV4-signed requests).
    #[serde(rename = "aws_iam")]
    AwsIam,
}

/// The settings of an HTTP API route authorizer (one of `id`, `name`, `type`).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct HttpApiAuthorizerObject {
    /// The id of an authorizer of an external API (`provider.httpApi.id`).
    pub id: Option<StrOrFunction>,
    /// The name of an authorizer in `provider.httpApi.authorizers`.
    pub name: Option<String>,
    /// JWT scopes the route requires.
    pub scopes: Option<List<String>>,
    /// `aws_iam` for IAM authorization (`request`/`jwt` authorizers are defined under `provider.httpApi.authorizers`).
    #[serde(rename = "type")]
    pub r#type: Option<HttpApiAuthorizerType>,
}

// ---------------------------------------------------------------------------------------------
// websocket

/// `websocket`: a route key or object.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum WebsocketEvent {
    /// The route key: `$connect`, `$disconnect`, `$default` or a custom action.
    Short(String),
    /// The full form.
    Full(WebsocketEventObject),
}

/// A function name (`[a-zA-Z0-9-_]+`).
#[derive(JsonSchema)]
#[schemars(transparent)]
pub struct FunctionName(#[schemars(regex(pattern = "^[a-zA-Z0-9-_]+$"))] pub String);

/// The literal `$default`.
#[derive(JsonSchema)]
pub enum DollarDefault {
    /// Send the function's result back to the client.
    #[serde(rename = "$default")]
    Default,
}

/// A WebSocket route.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct WebsocketEventObject {
    /// The route key: `$connect`, `$disconnect`, `$default` or a custom action (matched by
    /// `provider.websocketsApiRouteSelectionExpression`, default `$request.body.action`).
    #[schemars(example = &"$connect")]
    pub route: String,
    /// `$default`: return the function's result to the client (two-way route).
    pub route_response_selection_expression: Option<DollarDefault>,
    /// A Lambda authorizer (`$connect` only): a function name, an ARN, or settings.
    pub authorizer: Option<WebsocketAuthorizer>,
}

/// `websocket.authorizer`.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum WebsocketAuthorizer {
    /// The authorizer function's ARN.
    Arn(ArnString),
    /// The name of a function of this service.
    Name(FunctionName),
    /// The settings (`name` or `arn`).
    Object(WebsocketAuthorizerObject),
}

/// Settings of a WebSocket authorizer.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct WebsocketAuthorizerObject {
    /// The name of a function of this service.
    pub name: Option<FunctionName>,
    /// The authorizer function's ARN.
    pub arn: Option<AwsArn>,
    /// Where the identity comes from (default `['route.request.header.Auth']`).
    pub identity_source: Option<List<String>>,
}

// ---------------------------------------------------------------------------------------------
// s3

/// `s3`: a bucket name or object.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum S3Event {
    /// A bucket name: a bucket is created for it, notifying on `s3:ObjectCreated:*`.
    Short(String),
    /// The full form.
    Full(S3EventObject),
}

/// A bucket name or an intrinsic function (`Fn::If` too).
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum S3Bucket {
    /// The bucket name.
    String(String),
    /// An intrinsic function (existing buckets only).
    Function(CfFunction),
    /// `Fn::If`.
    If(CfIf),
}

/// Objects of an S3 bucket.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct S3EventObject {
    /// The bucket name (or the key of a bucket in `provider.s3`).
    pub bucket: S3Bucket,
    /// The S3 event type (default `s3:ObjectCreated:*`).
    #[schemars(regex(pattern = "^s3:.+$"), extend("default" = "s3:ObjectCreated:*"), example = &"s3:ObjectRemoved:*")]
    pub event: Option<String>,
    /// The bucket exists already: configure it with a custom resource instead of creating it. Default false.
    pub existing: Option<Bool>,
    /// Re-run the custom resource on every deploy (existing buckets). Default false.
    pub force_deploy: Option<Bool>,
    /// Key filters: `- prefix: uploads/`, `- suffix: .jpg` (one key per rule).
    pub rules: Option<List<S3Rule>>,
}

/// A key filter rule (one of `prefix` or `suffix`).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields, extend("maxProperties" = 1))]
pub struct S3Rule {
    /// Object keys must start with this, e.g. `uploads/`.
    pub prefix: Option<StrOrFunction>,
    /// Object keys must end with this, e.g. `.jpg`.
    pub suffix: Option<StrOrFunction>,
}

// ---------------------------------------------------------------------------------------------
// schedule

const SCHEDULE_PATTERN: &str =
    r"^rate\((?:1 (?:minute|hour|day)|(?:1\d+|[2-9]\d*) (?:minute|hour|day)s)\)$|^cron\(\S+ \S+ \S+ \S+ \S+ \S+\)$";

/// A schedule expression: `rate(<n> <unit>)` or `cron(<6 fields>)`.
#[derive(JsonSchema)]
#[schemars(transparent)]
pub struct ScheduleExpression(#[schemars(regex(pattern = SCHEDULE_PATTERN))] pub String);

/// `schedule`: an expression or object.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum ScheduleEvent {
    /// `rate(1 hour)`, `rate(5 minutes)`, `cron(0 12 * * ? *)`.
    Short(ScheduleExpression),
    /// The full form.
    Full(Box<ScheduleEventObject>),
}

/// A schedule expression or an intrinsic function yielding one.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum ScheduleRate {
    /// An intrinsic function.
    Function(CfFunction),
    /// An expression.
    Expression(ScheduleExpression),
}

/// Which service runs the schedule.
#[derive(JsonSchema)]
pub enum ScheduleMethod {
    /// An EventBridge rule (the default).
    #[serde(rename = "eventBus")]
    EventBus,
    /// An EventBridge Scheduler schedule (supports `timezone`).
    #[serde(rename = "scheduler")]
    Scheduler,
}

/// A timer.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct ScheduleEventObject {
    /// One or more expressions (one rule each; a single string is accepted too).
    #[schemars(example = serde_json::json!(["rate(10 minutes)"]))]
    pub rate: List<ScheduleRate>,
    /// Whether the rule is enabled. Default true.
    #[schemars(extend("default" = true))]
    pub enabled: Option<Bool>,
    /// The rule name (1-64 characters; default: generated by CloudFormation).
    #[schemars(length(min = 1, max = 64), regex(pattern = r"[\.\-_A-Za-z0-9]+"))]
    pub name: Option<String>,
    /// The rule description (at most 512 characters).
    #[schemars(length(max = 512))]
    pub description: Option<String>,
    /// A constant event passed to the function instead of the scheduled event: a string or an
    /// object (JSON-encoded).
    pub input: Option<ScheduleEventInput>,
    /// A JSONPath into the scheduled event selecting what is passed, e.g. `$.detail`.
    #[schemars(length(max = 256))]
    pub input_path: Option<String>,
    /// Build the input from parts of the event.
    pub input_transformer: Option<InputTransformer>,
    /// `eventBus` (an EventBridge rule, the default) or `scheduler` (EventBridge Scheduler).
    #[schemars(extend("default" = "eventBus"))]
    pub method: Option<ScheduleMethod>,
    /// IANA time zone of a `cron` expression (`method: scheduler` only), e.g. `Europe/Paris`.
    #[schemars(regex(pattern = r"[\w\-\/]+"), example = &"America/New_York")]
    pub timezone: Option<String>,
}

/// The constant input of a schedule: a string (at most 8192 characters) or an object.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum ScheduleEventInput {
    /// A string.
    String(#[schemars(length(max = 8192))] String),
    /// An object, passed JSON-encoded.
    Object(ScheduleInputObject),
}

/// An object input; `{body: '<JSON text>'}` passes the parsed JSON as `body`.
#[derive(JsonSchema)]
pub struct ScheduleInputObject {
    /// JSON text, parsed before the input is encoded (`{body: '{"a": 1}'}` gives
    /// `{"body": {"a": 1}}`); then no other key is allowed.
    #[schemars(length(max = 8192))]
    pub body: Option<String>,
    /// Any other keys (without `body`).
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

/// A constant input: a string (at most 8192 characters) or an object.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum ScheduleInput {
    /// A string.
    String(#[schemars(length(max = 8192))] String),
    /// An object (JSON-encoded).
    Object(Map<String, Value>),
}

/// An input transformer: values picked from the event substituted into a template.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct InputTransformer {
    /// Names mapped to JSONPaths into the event, e.g. `{instance: $.detail.instance-id}`.
    pub input_paths_map: Option<indexmap::IndexMap<String, String>>,
    /// The template, with `<name>` placeholders, e.g. `'{"id": <instance>}'`.
    #[schemars(length(min = 1, max = 8192))]
    pub input_template: String,
}

// ---------------------------------------------------------------------------------------------
// sns

/// An SNS topic name (`[\w-]+`, at most 256 characters).
#[derive(JsonSchema)]
#[schemars(transparent)]
pub struct TopicName(#[schemars(length(max = 256), regex(pattern = r"^[\w-]+$"))] pub String);

/// `sns`: a topic name, a topic ARN, or an object.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum SnsEvent {
    /// A topic name: the topic is created.
    Name(TopicName),
    /// The ARN of an existing topic.
    Arn(ArnString),
    /// The full form (`arn` or `topicName`).
    Full(Box<SnsEventObject>),
}

/// An SNS subscription.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct SnsEventObject {
    /// The ARN of an existing topic (or an intrinsic function yielding it; then give `topicName` too).
    pub arn: Option<AwsArn>,
    /// The topic name (created unless `arn` is given).
    pub topic_name: Option<TopicName>,
    /// The display name of a created topic.
    #[schemars(length(min = 1))]
    pub display_name: Option<String>,
    /// A subscription filter policy, e.g. `{eventType: [order_placed]}`.
    pub filter_policy: Option<Map<String, Value>>,
    /// What the filter policy applies to: `MessageAttributes` (default) or `MessageBody`.
    #[schemars(example = &"MessageBody")]
    pub filter_policy_scope: Option<String>,
    /// A dead-letter queue for messages that cannot be delivered (one of the three keys).
    pub redrive_policy: Option<SnsRedrivePolicy>,
}

/// The dead-letter queue of an SNS subscription.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct SnsRedrivePolicy {
    /// The queue's ARN.
    pub dead_letter_target_arn: Option<ArnString>,
    /// The logical id of a queue in `resources`.
    #[schemars(length(min = 1))]
    pub dead_letter_target_ref: Option<String>,
    /// A queue exported by another stack: the export names of its ARN and URL.
    pub dead_letter_target_import: Option<SnsDeadLetterImport>,
}

/// Export names of a dead-letter queue's ARN and URL.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct SnsDeadLetterImport {
    /// The export name holding the queue's ARN (`Fn::ImportValue`; Serverless v3's schema
    /// warns unless it starts with `arn:`).
    pub arn: ArnString,
    /// The export name holding the queue's URL (`Fn::ImportValue`).
    #[schemars(length(min = 1))]
    pub url: String,
}

// ---------------------------------------------------------------------------------------------
// sqs

/// `ReportBatchItemFailures`: the function reports the failed items of a batch.
#[derive(JsonSchema)]
pub enum FunctionResponseType {
    /// Only the items the function lists as failed are retried.
    ReportBatchItemFailures,
}

/// `sqs`: the queue ARN or an object.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum SqsEvent {
    /// The queue ARN.
    Arn(ArnString),
    /// The full form.
    Full(Box<SqsEventObject>),
}

/// An SQS event source mapping.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct SqsEventObject {
    /// The queue ARN, or `{Fn::GetAtt: [MyQueue, Arn]}`.
    pub arn: AwsArn,
    /// Messages per invocation, 1-10000 (default 10; above 10 needs `maximumBatchingWindow`).
    #[schemars(range(min = 1, max = 10000), extend("default" = 10))]
    pub batch_size: Option<Num>,
    /// Whether the mapping is active. Default true.
    #[schemars(extend("default" = true))]
    pub enabled: Option<Bool>,
    /// Seconds to gather a batch, 0-300.
    #[schemars(range(min = 0, max = 300))]
    pub maximum_batching_window: Option<Num>,
    /// `ReportBatchItemFailures` to retry only the failed messages of a batch.
    pub function_response_type: Option<FunctionResponseType>,
    /// Only messages matching one of these patterns invoke the function.
    pub filter_patterns: Option<FilterPatterns>,
    /// At most this many concurrent invocations for this queue, 2-1000.
    #[schemars(range(min = 2, max = 1000))]
    pub maximum_concurrency: Option<Num>,
}

// ---------------------------------------------------------------------------------------------
// stream

/// `stream`: the stream ARN or an object.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum StreamEvent {
    /// A DynamoDB or Kinesis stream ARN (the type is read from it).
    Arn(ArnString),
    /// The full form.
    Full(Box<StreamEventObject>),
}

/// The kind of stream.
#[derive(JsonSchema)]
pub enum StreamType {
    /// A DynamoDB table stream.
    #[serde(rename = "dynamodb")]
    Dynamodb,
    /// A Kinesis data stream.
    #[serde(rename = "kinesis")]
    Kinesis,
}

/// Where reading starts.
#[derive(JsonSchema)]
pub enum StartingPosition {
    /// Only new records.
    #[serde(rename = "LATEST")]
    Latest,
    /// The oldest record available.
    #[serde(rename = "TRIM_HORIZON")]
    TrimHorizon,
    /// From `startingPositionTimestamp`.
    #[serde(rename = "AT_TIMESTAMP")]
    AtTimestamp,
}

/// `true` (a consumer is created) or a consumer ARN.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum StreamConsumer {
    /// `true`: create a dedicated consumer (enhanced fan-out).
    Create(Bool),
    /// An existing consumer.
    Arn(AwsArn),
}

/// A DynamoDB or Kinesis event source mapping.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct StreamEventObject {
    /// The stream ARN (a string, or an intrinsic function together with `type`).
    pub arn: AwsArn,
    /// `dynamodb` or `kinesis` (needed when `arn` is an intrinsic function).
    #[serde(rename = "type")]
    pub r#type: Option<StreamType>,
    /// Records per invocation, 1-10000 (default 10).
    #[schemars(range(min = 1, max = 10000), extend("default" = 10))]
    pub batch_size: Option<Num>,
    /// Concurrent batches per shard, 1-10.
    #[schemars(range(min = 1, max = 10))]
    pub parallelization_factor: Option<Num>,
    /// `LATEST`, `TRIM_HORIZON` (the default) or `AT_TIMESTAMP`.
    #[schemars(extend("default" = "TRIM_HORIZON"))]
    pub starting_position: Option<StartingPosition>,
    /// Unix time in seconds to start from (`startingPosition: AT_TIMESTAMP`).
    pub starting_position_timestamp: Option<f64>,
    /// Whether the mapping is active. Default true.
    #[schemars(extend("default" = true))]
    pub enabled: Option<Bool>,
    /// Kinesis enhanced fan-out: `true` creates a consumer, or an existing consumer's ARN.
    pub consumer: Option<StreamConsumer>,
    /// Seconds to gather a batch, 0-300 (`MaximumBatchingWindowInSeconds`).
    #[schemars(range(min = 0, max = 300))]
    pub batch_window: Option<Num>,
    /// Retries of a failed batch, -1 (until the record expires) to 10000.
    #[schemars(range(min = -1, max = 10000))]
    pub maximum_retry_attempts: Option<Num>,
    /// Split a failed batch in two and retry the halves. Default false.
    pub bisect_batch_on_function_error: Option<Bool>,
    /// Skip records older than this, 60-604800 seconds, or -1 for no limit.
    #[schemars(range(min = -1, max = 604800))]
    pub maximum_record_age_in_seconds: Option<Num>,
    /// `ReportBatchItemFailures` to resume from the first failed record.
    pub function_response_type: Option<FunctionResponseType>,
    /// Where records of failed batches are sent.
    pub destinations: Option<StreamDestinations>,
    /// A tumbling window for aggregation, 0-900 seconds.
    #[schemars(range(min = 0, max = 900))]
    pub tumbling_window_in_seconds: Option<Num>,
    /// Only records matching one of these patterns invoke the function.
    pub filter_patterns: Option<FilterPatterns>,
}

/// `stream.destinations`.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct StreamDestinations {
    /// An SNS topic or SQS queue for failed batches: its ARN, or `{arn, type}`.
    pub on_failure: StreamOnFailure,
}

/// An on-failure destination of a stream.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum StreamOnFailure {
    /// The ARN of a topic or queue.
    Arn(ArnString),
    /// The settings.
    Object(StreamOnFailureObject),
}

/// The kind of an on-failure destination.
#[derive(JsonSchema)]
pub enum StreamDestinationType {
    /// An SNS topic.
    #[serde(rename = "sns")]
    Sns,
    /// An SQS queue.
    #[serde(rename = "sqs")]
    Sqs,
}

/// An on-failure destination by ARN and type.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct StreamOnFailureObject {
    /// The ARN (a string, or an intrinsic function together with `type`).
    pub arn: AwsArn,
    /// `sns` or `sqs` (needed when `arn` is an intrinsic function).
    #[serde(rename = "type")]
    pub r#type: Option<StreamDestinationType>,
}

// ---------------------------------------------------------------------------------------------
// kafka, msk, activemq, rabbitmq

/// `kafka`: a self-managed Kafka event source mapping.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct KafkaEvent {
    /// How Lambda reaches and authenticates to the cluster (at least one entry).
    pub access_configurations: KafkaAccess,
    /// Records per invocation, 1-10000 (AWS default 100).
    #[schemars(range(min = 1, max = 10000))]
    pub batch_size: Option<Num>,
    /// Seconds to gather a batch, 0-300.
    #[schemars(range(min = 0, max = 300))]
    pub maximum_batching_window: Option<Num>,
    /// Whether the mapping is active. Default true.
    #[schemars(extend("default" = true))]
    pub enabled: Option<Bool>,
    /// Broker addresses, `host:port`.
    #[schemars(example = serde_json::json!(["broker1.example.com:9092"]))]
    pub bootstrap_servers: List<String>,
    /// `LATEST`, `TRIM_HORIZON` (the default) or `AT_TIMESTAMP`.
    #[schemars(extend("default" = "TRIM_HORIZON"))]
    pub starting_position: Option<StartingPosition>,
    /// Unix time in seconds to start from (`startingPosition: AT_TIMESTAMP`).
    pub starting_position_timestamp: Option<f64>,
    /// The topic.
    pub topic: String,
    /// The consumer group id (default: generated by Lambda).
    #[schemars(length(max = 200), regex(pattern = "[a-zA-Z0-9-/*:_+=.@-]*"))]
    pub consumer_group_id: Option<String>,
    /// Only records matching one of these patterns invoke the function.
    pub filter_patterns: Option<FilterPatterns>,
}

/// `kafka.accessConfigurations`: each entry is a list (a single value is accepted too).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields, extend("minProperties" = 1))]
pub struct KafkaAccess {
    /// Subnets of a cluster in a VPC (with `vpcSecurityGroup`).
    pub vpc_subnet: Option<List<SubnetId>>,
    /// Security groups of a cluster in a VPC (with `vpcSubnet`).
    pub vpc_security_group: Option<List<SecurityGroupId>>,
    /// SASL/PLAIN credentials: Secrets Manager secret ARNs.
    pub sasl_plain_auth: Option<List<SecretArnString>>,
    /// SASL/SCRAM-SHA-256 credentials: Secrets Manager secret ARNs.
    pub sasl_scram256_auth: Option<List<SecretArnString>>,
    /// SASL/SCRAM-SHA-512 credentials: Secrets Manager secret ARNs.
    pub sasl_scram512_auth: Option<List<SecretArnString>>,
    /// mTLS client certificate: Secrets Manager secret ARNs.
    pub client_certificate_tls_auth: Option<List<SecretArnString>>,
    /// The root CA certificate of the brokers: Secrets Manager secret ARNs.
    pub server_root_ca_certificate: Option<List<SecretArnString>>,
}

/// A subnet id, `subnet-...`.
#[derive(JsonSchema)]
#[schemars(transparent)]
pub struct SubnetId(#[schemars(regex(pattern = "subnet-[a-z0-9]+"))] pub String);

/// A security group id, `sg-...`.
#[derive(JsonSchema)]
#[schemars(transparent)]
pub struct SecurityGroupId(#[schemars(regex(pattern = "sg-[a-z0-9]+"))] pub String);

/// `msk`: an Amazon MSK event source mapping.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct MskEvent {
    /// The cluster ARN, `Ref` or `Fn::ImportValue`.
    pub arn: ArnStringOrImportOrRef<ArnString>,
    /// Records per invocation, 1-10000 (AWS default 100).
    #[schemars(range(min = 1, max = 10000))]
    pub batch_size: Option<Num>,
    /// Seconds to gather a batch, 0-300.
    #[schemars(range(min = 0, max = 300))]
    pub maximum_batching_window: Option<Num>,
    /// Whether the mapping is active. Default true.
    #[schemars(extend("default" = true))]
    pub enabled: Option<Bool>,
    /// `LATEST`, `TRIM_HORIZON` (the default) or `AT_TIMESTAMP`.
    #[schemars(extend("default" = "TRIM_HORIZON"))]
    pub starting_position: Option<StartingPosition>,
    /// Unix time in seconds to start from (`startingPosition: AT_TIMESTAMP`).
    pub starting_position_timestamp: Option<f64>,
    /// The topic.
    pub topic: String,
    /// SASL/SCRAM-SHA-512 credentials: a Secrets Manager secret ARN.
    pub sasl_scram512: Option<ArnString>,
    /// The consumer group id (default: generated by Lambda).
    #[schemars(length(max = 200), regex(pattern = "[a-zA-Z0-9-/*:_+=.@-]*"))]
    pub consumer_group_id: Option<String>,
    /// Only records matching one of these patterns invoke the function.
    pub filter_patterns: Option<FilterPatterns>,
}

/// `activemq`: an Amazon MQ (ActiveMQ) event source mapping.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct ActiveMqEvent {
    /// The broker ARN, `Ref` or `Fn::ImportValue`.
    pub arn: ArnStringOrImportOrRef<MqBrokerArnString>,
    /// The Secrets Manager secret holding the broker's user name and password.
    pub basic_auth_arn: ArnStringOrImportOrRef<SecretArnString>,
    /// Messages per invocation, 1-10000 (AWS default 100).
    #[schemars(range(min = 1, max = 10000))]
    pub batch_size: Option<Num>,
    /// Seconds to gather a batch, 0-300.
    #[schemars(range(min = 0, max = 300))]
    pub maximum_batching_window: Option<Num>,
    /// Whether the mapping is active. Default true.
    #[schemars(extend("default" = true))]
    pub enabled: Option<Bool>,
    /// The queue name.
    pub queue: String,
    /// Only messages matching one of these patterns invoke the function.
    pub filter_patterns: Option<FilterPatterns>,
}

/// `rabbitmq`: an Amazon MQ (RabbitMQ) event source mapping.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct RabbitMqEvent {
    /// The broker ARN, `Ref` or `Fn::ImportValue`.
    pub arn: ArnStringOrImportOrRef<MqBrokerArnString>,
    /// The Secrets Manager secret holding the broker's user name and password.
    pub basic_auth_arn: ArnStringOrImportOrRef<SecretArnString>,
    /// Messages per invocation, 1-10000 (AWS default 100).
    #[schemars(range(min = 1, max = 10000))]
    pub batch_size: Option<Num>,
    /// Seconds to gather a batch, 0-300.
    #[schemars(range(min = 0, max = 300))]
    pub maximum_batching_window: Option<Num>,
    /// Whether the mapping is active. Default true.
    #[schemars(extend("default" = true))]
    pub enabled: Option<Bool>,
    /// The queue name.
    pub queue: String,
    /// The virtual host of the queue (default `/`).
    pub virtual_host: Option<String>,
    /// Only messages matching one of these patterns invoke the function.
    pub filter_patterns: Option<FilterPatterns>,
}

// ---------------------------------------------------------------------------------------------
// alexaSkill, alexaSmartHome, iot, iotFleetProvisioning

/// An Alexa skill id, e.g. `amzn1.ask.skill.xx-xx-xx`.
#[derive(JsonSchema)]
#[schemars(transparent)]
pub struct AlexaAppId(#[schemars(length(max = 256), regex(pattern = r"^[a-zA-Z0-9._\-]+$"))] pub String);

/// `alexaSkill` / `alexaSmartHome`: the skill id or an object.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum AlexaEvent {
    /// The skill id (the permission is limited to it).
    Short(AlexaAppId),
    /// The full form.
    Full(AlexaEventObject),
}

/// An Alexa trigger.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct AlexaEventObject {
    /// The skill id.
    pub app_id: AlexaAppId,
    /// `false` creates no invoke permission. Default true.
    #[schemars(extend("default" = true))]
    pub enabled: Option<Bool>,
}

/// The IoT SQL version.
#[derive(JsonSchema)]
pub enum IotSqlVersion {
    /// The original version.
    #[serde(rename = "2015-10-08")]
    V20151008,
    /// The current version.
    #[serde(rename = "2016-03-23")]
    V20160323,
    /// The beta version.
    #[serde(rename = "beta")]
    Beta,
}

/// `iot`: an IoT topic rule.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct IotEvent {
    /// The rule's query, e.g. `SELECT * FROM 'sensors/+/temperature'`.
    #[schemars(example = &"SELECT * FROM 'some_topic'")]
    pub sql: String,
    /// The SQL version (AWS default `2015-10-08`).
    pub sql_version: Option<IotSqlVersion>,
    /// The rule name (default: generated by CloudFormation).
    pub name: Option<String>,
    /// Whether the rule is enabled. Default true.
    #[schemars(extend("default" = true))]
    pub enabled: Option<Bool>,
    /// The rule description.
    pub description: Option<String>,
}

/// `iotFleetProvisioning`: a provisioning template whose pre-provisioning hook is the function.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct IotFleetProvisioningEvent {
    /// The template's `Enabled` (left out when not given).
    pub enabled: Option<Bool>,
    /// The role IoT assumes to provision devices.
    pub provisioning_role_arn: AwsArn,
    /// The provisioning template (an object; JSON-encoded into the template).
    pub template_body: Map<String, Value>,
    /// The template name (default: generated by CloudFormation).
    pub template_name: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// cloudwatchEvent, cloudwatchLog, cognitoUserPool

/// `cloudwatchEvent`: an EventBridge rule on the default bus.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct CloudwatchEventEvent {
    /// The event pattern, e.g. `{source: [aws.ec2], detail-type: [EC2 Instance State-change Notification]}`.
    pub event: Option<Map<String, Value>>,
    /// A constant input instead of the event: a string or an object (JSON-encoded).
    pub input: Option<ScheduleInput>,
    /// A JSONPath into the event selecting what is passed, e.g. `$.detail`.
    #[schemars(length(min = 1, max = 256))]
    pub input_path: Option<String>,
    /// Build the input from parts of the event.
    pub input_transformer: Option<InputTransformer>,
    /// The rule description (at most 512 characters).
    #[schemars(length(max = 512))]
    pub description: Option<String>,
    /// The rule name (1-64 characters; default: generated by CloudFormation).
    #[schemars(length(min = 1, max = 64), regex(pattern = "[a-zA-Z0-9-_.]+"))]
    pub name: Option<String>,
    /// Whether the rule is enabled. Default true.
    #[schemars(extend("default" = true))]
    pub enabled: Option<Bool>,
}

/// A log group name.
#[derive(JsonSchema)]
#[schemars(transparent)]
pub struct LogGroupName(#[schemars(regex(pattern = "^[/#A-Za-z0-9-_.]+$"))] pub String);

/// `cloudwatchLog`: a log group name or an object.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum CloudwatchLogEvent {
    /// The log group name (every log event).
    Short(LogGroupName),
    /// The full form.
    Full(CloudwatchLogEventObject),
}

/// A log subscription filter.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct CloudwatchLogEventObject {
    /// The log group name, e.g. `/aws/lambda/other-function`.
    pub log_group: LogGroupName,
    /// The filter pattern (default: every log event), e.g. `'{$.level = "error"}'`.
    #[schemars(extend("default" = ""))]
    pub filter: Option<String>,
}

/// A Cognito user pool trigger.
#[derive(JsonSchema)]
pub enum CognitoTrigger {
    /// Before sign-up.
    PreSignUp,
    /// After sign-up is confirmed.
    PostConfirmation,
    /// Before authentication.
    PreAuthentication,
    /// After authentication.
    PostAuthentication,
    /// Before tokens are issued.
    PreTokenGeneration,
    /// Customise messages (verification, MFA, ...).
    CustomMessage,
    /// Custom authentication: decide the next challenge.
    DefineAuthChallenge,
    /// Custom authentication: create a challenge.
    CreateAuthChallenge,
    /// Custom authentication: verify an answer.
    VerifyAuthChallengeResponse,
    /// Migrate users from another directory.
    UserMigration,
    /// Send SMS messages with a custom provider (needs `kmsKeyId`).
    #[serde(rename = "CustomSMSSender")]
    CustomSmsSender,
    /// Send emails with a custom provider (needs `kmsKeyId`).
    CustomEmailSender,
}

/// `cognitoUserPool`: a trigger of a user pool.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct CognitoUserPoolEvent {
    /// The user pool name (created unless `existing: true`).
    #[schemars(length(max = 128), regex(pattern = r"^[\w\s+=,.@-]+$"))]
    pub pool: String,
    /// The trigger.
    pub trigger: CognitoTrigger,
    /// The pool exists already: configure it with a custom resource. Default false.
    pub existing: Option<Bool>,
    /// Re-run the custom resource on every deploy (existing pools). Default false.
    pub force_deploy: Option<Bool>,
    /// The KMS key of `CustomSMSSender`/`CustomEmailSender` triggers.
    pub kms_key_id: Option<AwsKmsArn>,
}

// ---------------------------------------------------------------------------------------------
// alb

/// `alb`: a listener rule forwarding to the function.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct AlbEvent {
    /// Names of authorizers in `provider.alb.authorizers`, applied in order.
    pub authorizer: Option<List<String>>,
    /// When the rule matches (every condition given must hold).
    pub conditions: AlbConditions,
    /// Target group health checks: `true` for the defaults or the settings. Default: off.
    pub health_check: Option<AlbHealthCheckSetting>,
    /// The listener's ARN or `{Ref: Listener}`.
    pub listener_arn: AlbListenerArn,
    /// Pass multi-value headers and query strings as lists. Default false.
    pub multi_value_headers: Option<Bool>,
    /// The rule priority, 1-50000 (unique per listener).
    #[schemars(range(min = 1, max = 50000))]
    pub priority: Num,
    /// The target group name (1-32 characters; default: generated).
    #[schemars(length(min = 1, max = 32), regex(pattern = "^[a-zA-Z0-9-]+$"))]
    pub target_group_name: Option<String>,
}

/// An ALB listener ARN or `{Ref: Listener}`.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum AlbListenerArn {
    /// The listener ARN (`arn:aws:elasticloadbalancing:<region>:<account>:listener/app/<lb>/<id>/<id>`;
    /// any string is taken: an editor sees `!Ref Listener` as a plain string).
    Arn(String),
    /// `{Ref: Listener}`.
    Ref(CfRef),
}

/// Conditions of an ALB rule.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct AlbConditions {
    /// A header and the values it may have (one or a list).
    pub header: Option<AlbHeaderConditions>,
    /// Host names (wildcards `*` and `?`), e.g. `api.example.com`.
    pub host: Option<List<AlbHost>>,
    /// Source IP ranges (CIDR), e.g. `192.168.0.0/16`.
    #[schemars(extend("uniqueItems" = true))]
    pub ip: Option<List<String>>,
    /// HTTP methods, e.g. `GET`.
    pub method: Option<List<AlbMethod>>,
    /// Paths (wildcards `*` and `?`), e.g. `/users/*`.
    pub path: Option<List<AlbPath>>,
    /// Query string key/value pairs.
    pub query: Option<indexmap::IndexMap<String, AlbQueryValue>>,
}

/// A host condition.
#[derive(JsonSchema)]
#[schemars(transparent)]
pub struct AlbHost(#[schemars(length(max = 128), regex(pattern = "^[A-Za-z0-9*?.-]+$"))] pub String);

/// A method condition.
#[derive(JsonSchema)]
#[schemars(transparent)]
pub struct AlbMethod(#[schemars(length(max = 40), regex(pattern = "^[A-Z_-]+$"))] pub String);

/// A path condition.
#[derive(JsonSchema)]
#[schemars(transparent)]
pub struct AlbPath(#[schemars(length(max = 128), regex(pattern = r#"^([A-Za-z0-9*?_.$/~"'@:+-]|&amp;)+$"#))] pub String);

/// A query string value.
#[derive(JsonSchema)]
#[schemars(transparent)]
pub struct AlbQueryValue(#[schemars(length(max = 128))] pub String);

/// One header condition or a list.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum AlbHeaderConditions {
    /// Several header conditions.
    List(Vec<AlbHeader>),
    /// One header condition.
    One(AlbHeader),
}

/// A header condition.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct AlbHeader {
    /// The header name (at most 40 characters).
    #[schemars(length(max = 40))]
    pub name: String,
    /// Values the header may have (wildcards allowed).
    #[schemars(extend("uniqueItems" = true))]
    pub values: List<AlbQueryValue>,
}

/// `alb.healthCheck`.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum AlbHealthCheckSetting {
    /// `true`: health checks with the defaults.
    Enabled(Bool),
    /// The settings (health checks on).
    Settings(AlbHealthCheck),
}

/// Health check settings of the target group.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct AlbHealthCheck {
    /// Successes before a target is healthy, 2-10 (default 5).
    #[schemars(range(min = 2, max = 10), extend("default" = 5))]
    pub healthy_threshold_count: Option<Num>,
    /// Seconds between checks, 5-300 (default 35).
    #[schemars(range(min = 5, max = 300), extend("default" = 35))]
    pub interval_seconds: Option<Num>,
    /// Which responses count as healthy.
    pub matcher: Option<AlbMatcher>,
    /// The path requested (default `/`).
    #[schemars(length(min = 1, max = 1024), extend("default" = "/"))]
    pub path: Option<String>,
    /// Seconds before a check fails, 2-120 (default 30).
    #[schemars(range(min = 2, max = 120), extend("default" = 30))]
    pub timeout_seconds: Option<Num>,
    /// Failures before a target is unhealthy, 2-10 (default 5).
    #[schemars(range(min = 2, max = 10), extend("default" = 5))]
    pub unhealthy_threshold_count: Option<Num>,
}

/// `alb.healthCheck.matcher`.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct AlbMatcher {
    /// Healthy status codes: `200`, `200,202` or `200-299` (default `200`).
    #[schemars(regex(pattern = r"^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$"), extend("default" = "200"))]
    pub http_code: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// eventBridge

/// `eventBridge`: a rule matching a `pattern` or running on a `schedule`.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct EventBridgeEvent {
    /// The bus (default: the default bus): a name (a bus of that name is created; `default` is
    /// the default bus), the ARN of an existing bus, `Ref`, `Fn::ImportValue` or
    /// `{Fn::GetAtt: [Bus, Name]}`.
    pub event_bus: Option<EventBus>,
    /// A schedule instead of a pattern: `rate(...)` or `cron(...)`.
    #[schemars(regex(pattern = r"^(?:cron|rate)\(.+\)$"), example = &"rate(10 minutes)")]
    pub schedule: Option<String>,
    /// The rule name (1-64 characters; default: generated).
    #[schemars(length(min = 1, max = 64), regex(pattern = "[a-zA-Z0-9-_.]+"))]
    pub name: Option<String>,
    /// The rule description (at most 512 characters).
    #[schemars(length(max = 512))]
    pub description: Option<String>,
    /// Whether the rule is enabled. Default true.
    #[schemars(extend("default" = true))]
    pub enabled: Option<Bool>,
    /// The event pattern.
    pub pattern: Option<EventPattern>,
    /// A constant input instead of the event (JSON-encoded).
    pub input: Option<Map<String, Value>>,
    /// A JSONPath into the event selecting what is passed, e.g. `$.detail`.
    #[schemars(length(min = 1, max = 256))]
    pub input_path: Option<String>,
    /// Build the input from parts of the event.
    pub input_transformer: Option<InputTransformer>,
    /// Retries of failed deliveries.
    pub retry_policy: Option<RetryPolicy>,
    /// An SQS queue for events that could not be delivered.
    pub dead_letter_queue_arn: Option<AwsArn>,
}

/// An event bus reference.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum EventBus {
    /// A bus name or ARN.
    Name(#[schemars(length(min = 1))] String),
    /// `Fn::ImportValue`.
    Import(CfImport),
    /// `Ref`.
    Ref(CfRef),
    /// `{Fn::GetAtt: [Bus, Name]}`.
    GetAtt(EventBusGetAtt),
}

/// `{Fn::GetAtt: [LogicalId, Name]}`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct EventBusGetAtt {
    /// `[LogicalId, Name]`.
    #[serde(rename = "Fn::GetAtt")]
    #[schemars(length(min = 2, max = 2))]
    pub get_att: Vec<String>,
}

/// An EventBridge event pattern (each value is a list of matching values or a nested pattern).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct EventPattern {
    /// Event version.
    pub version: Option<Value>,
    /// Event id.
    pub id: Option<Value>,
    /// Event detail type, e.g. `[Object Created]`.
    #[serde(rename = "detail-type")]
    pub detail_type: Option<Value>,
    /// Event source, e.g. `[aws.s3]`.
    pub source: Option<Value>,
    /// Account id.
    pub account: Option<Value>,
    /// Event time.
    pub time: Option<Value>,
    /// Region.
    pub region: Option<Value>,
    /// Resource ARNs.
    pub resources: Option<Value>,
    /// Patterns on the event's detail.
    pub detail: Option<Value>,
    /// Alternatives: the event matches if one of these patterns matches.
    #[serde(rename = "$or")]
    pub or: Option<Vec<Value>>,
}

/// Retry policy of an EventBridge target.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RetryPolicy {
    /// Seconds to keep retrying, 60-86400 (AWS default 86400).
    #[schemars(range(min = 60, max = 86400))]
    pub maximum_event_age: Option<Num>,
    /// Retries, 0-185 (AWS default 185).
    #[schemars(range(min = 0, max = 185))]
    pub maximum_retry_attempts: Option<Num>,
}

// ---------------------------------------------------------------------------------------------
// cloudFront

/// `cloudFront`: a Lambda@Edge association of a distribution created for the service.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct CloudFrontEvent {
    /// Cache behavior settings (CloudFormation spelling).
    pub behavior: Option<CloudFrontBehavior>,
    /// A cache policy: the `id` of an existing one or the `name` of one in `provider.cloudFront.cachePolicies`.
    pub cache_policy: Option<CloudFrontCachePolicy>,
    /// When the function runs: `viewer-request`, `origin-request`, `origin-response` or `viewer-response`.
    pub event_type: Option<CloudFrontEventType>,
    /// Use this event's origin for the default cache behavior. Default false.
    pub is_default_origin: Option<Bool>,
    /// Pass the request body to the function (request events). Default false.
    pub include_body: Option<Bool>,
    /// The origin: a URL (`https://example.com/path`, `s3://bucket`) or the origin settings.
    pub origin: Option<CloudFrontOrigin>,
    /// The path pattern of the cache behavior, e.g. `/images/*` (default: the default behavior).
    #[schemars(regex(pattern = r#"^([A-Za-z0-9_.*?$/~"'@:+-]|&amp;)+$"#))]
    pub path_pattern: Option<String>,
}

/// When a Lambda@Edge function runs.
#[derive(JsonSchema)]
pub enum CloudFrontEventType {
    /// When CloudFront receives a request from a viewer.
    #[serde(rename = "viewer-request")]
    ViewerRequest,
    /// Before CloudFront forwards a request to the origin (cache misses).
    #[serde(rename = "origin-request")]
    OriginRequest,
    /// After CloudFront receives the origin's response.
    #[serde(rename = "origin-response")]
    OriginResponse,
    /// Before CloudFront returns the response to the viewer.
    #[serde(rename = "viewer-response")]
    ViewerResponse,
}

/// `cloudFront.cachePolicy` (`id` or `name`).
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct CloudFrontCachePolicy {
    /// The id of an existing cache policy (e.g. a managed one).
    pub id: Option<CfInstruction>,
    /// The name of a policy in `provider.cloudFront.cachePolicies`.
    #[schemars(length(min = 1))]
    pub name: Option<String>,
}

/// Methods a cache behavior allows or caches.
#[derive(JsonSchema)]
pub enum CloudFrontMethod {
    /// GET.
    #[serde(rename = "GET")]
    Get,
    /// HEAD.
    #[serde(rename = "HEAD")]
    Head,
    /// OPTIONS.
    #[serde(rename = "OPTIONS")]
    Options,
    /// PUT.
    #[serde(rename = "PUT")]
    Put,
    /// PATCH.
    #[serde(rename = "PATCH")]
    Patch,
    /// POST.
    #[serde(rename = "POST")]
    Post,
    /// DELETE.
    #[serde(rename = "DELETE")]
    Delete,
}

/// The viewer protocol policy.
#[derive(JsonSchema)]
pub enum ViewerProtocolPolicy {
    /// HTTP and HTTPS.
    #[serde(rename = "allow-all")]
    AllowAll,
    /// HTTP is redirected to HTTPS.
    #[serde(rename = "redirect-to-https")]
    RedirectToHttps,
    /// HTTPS only.
    #[serde(rename = "https-only")]
    HttpsOnly,
}

/// A cache behavior (CloudFormation's `CacheBehavior` properties).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CloudFrontBehavior {
    /// `[GET, HEAD]`, `[GET, HEAD, OPTIONS]` or all seven methods.
    #[serde(rename = "AllowedMethods")]
    #[schemars(extend("uniqueItems" = true))]
    pub allowed_methods: Option<List<CloudFrontMethod>>,
    /// `[GET, HEAD]` or `[GET, HEAD, OPTIONS]`.
    #[serde(rename = "CachedMethods")]
    #[schemars(extend("uniqueItems" = true))]
    pub cached_methods: Option<List<CloudFrontMethod>>,
    /// The id of a cache policy.
    #[serde(rename = "CachePolicyId")]
    pub cache_policy_id: Option<String>,
    /// Compress responses.
    #[serde(rename = "Compress")]
    pub compress: Option<Bool>,
    /// The id of a field-level encryption configuration.
    #[serde(rename = "FieldLevelEncryptionId")]
    pub field_level_encryption_id: Option<String>,
    /// The id of an origin request policy.
    #[serde(rename = "OriginRequestPolicyId")]
    pub origin_request_policy_id: Option<StrOrFunction>,
    /// The id of a response headers policy.
    #[serde(rename = "ResponseHeadersPolicyId")]
    pub response_headers_policy_id: Option<StrOrFunction>,
    /// Microsoft Smooth Streaming.
    #[serde(rename = "SmoothStreaming")]
    pub smooth_streaming: Option<Bool>,
    /// AWS accounts that may create signed URLs (legacy; prefer `TrustedKeyGroups`).
    #[serde(rename = "TrustedSigners")]
    pub trusted_signers: Option<List<String>>,
    /// `allow-all` (the default), `redirect-to-https` or `https-only`.
    #[serde(rename = "ViewerProtocolPolicy")]
    #[schemars(extend("default" = "allow-all"))]
    pub viewer_protocol_policy: Option<ViewerProtocolPolicy>,
    /// Key groups for signed URLs: ids or `{Ref: KeyGroup}`.
    #[serde(rename = "TrustedKeyGroups")]
    pub trusted_key_groups: Option<List<StrOrRef>>,
    /// Maximum TTL in seconds (legacy cache settings).
    #[serde(rename = "MaxTTL")]
    pub max_ttl: Option<f64>,
    /// Minimum TTL in seconds (legacy cache settings).
    #[serde(rename = "MinTTL")]
    pub min_ttl: Option<f64>,
    /// Default TTL in seconds (legacy cache settings).
    #[serde(rename = "DefaultTTL")]
    pub default_ttl: Option<f64>,
    /// What is forwarded to the origin and part of the cache key (legacy; prefer policies).
    #[serde(rename = "ForwardedValues")]
    pub forwarded_values: Option<ForwardedValues>,
}

/// A string or `{Ref: LogicalId}`.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum StrOrRef {
    /// A literal id.
    String(String),
    /// `{Ref: LogicalId}`.
    Ref(CfRef),
}

/// Legacy cache-key settings.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct ForwardedValues {
    /// Cookies forwarded: `{Forward: all|none}` or `{Forward: whitelist, WhitelistedNames: [...]}`.
    #[serde(rename = "Cookies")]
    pub cookies: Option<Cookies>,
    /// Headers forwarded.
    #[serde(rename = "Headers")]
    pub headers: Option<List<String>>,
    /// Forward query strings.
    #[serde(rename = "QueryString")]
    pub query_string: Bool,
    /// Query string keys in the cache key.
    #[serde(rename = "QueryStringCacheKeys")]
    pub query_string_cache_keys: Option<List<String>>,
}

/// Cookie forwarding.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Cookies {
    /// `all`, `none` or `whitelist`.
    #[serde(rename = "Forward")]
    pub forward: CookieForward,
    /// The cookies forwarded with `Forward: whitelist`.
    #[serde(rename = "WhitelistedNames")]
    pub whitelisted_names: Option<List<String>>,
}

/// Which cookies are forwarded.
#[derive(JsonSchema)]
pub enum CookieForward {
    /// Every cookie.
    #[serde(rename = "all")]
    All,
    /// None.
    #[serde(rename = "none")]
    None,
    /// Those in `WhitelistedNames`.
    #[serde(rename = "whitelist")]
    Whitelist,
}

/// `cloudFront.origin`: a URL or the settings.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum CloudFrontOrigin {
    /// A URL: `https://example.com/path` (custom origin) or `s3://bucket.s3.amazonaws.com/path`.
    Url(#[schemars(extend("format" = "uri"))] String),
    /// The origin settings (CloudFormation spelling).
    Settings(Box<CloudFrontOriginSettings>),
}

/// A CloudFront origin (CloudFormation's `Origin` properties; one of `CustomOriginConfig` or `S3OriginConfig`).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CloudFrontOriginSettings {
    /// Connection attempts, 1-3.
    #[serde(rename = "ConnectionAttempts")]
    #[schemars(range(min = 1, max = 3))]
    pub connection_attempts: Option<Num>,
    /// Connection timeout in seconds, 1-10.
    #[serde(rename = "ConnectionTimeout")]
    #[schemars(range(min = 1, max = 10))]
    pub connection_timeout: Option<Num>,
    /// A custom (HTTP) origin.
    #[serde(rename = "CustomOriginConfig")]
    pub custom_origin_config: Option<CustomOriginConfig>,
    /// The origin's domain name, e.g. `example.com` or `bucket.s3.amazonaws.com`.
    #[serde(rename = "DomainName")]
    pub domain_name: StrOrFunction,
    /// The id of an origin access control (S3 origins).
    #[serde(rename = "OriginAccessControlId")]
    pub origin_access_control_id: Option<StrOrFunction>,
    /// Headers added to requests to the origin.
    #[serde(rename = "OriginCustomHeaders")]
    pub origin_custom_headers: Option<List<OriginCustomHeader>>,
    /// A path prefix on the origin, e.g. `/production`.
    #[serde(rename = "OriginPath")]
    pub origin_path: Option<String>,
    /// An S3 origin.
    #[serde(rename = "S3OriginConfig")]
    pub s3_origin_config: Option<S3OriginConfig>,
}

/// The protocol CloudFront uses to the origin.
#[derive(JsonSchema)]
pub enum OriginProtocolPolicy {
    /// HTTP only.
    #[serde(rename = "http-only")]
    HttpOnly,
    /// The viewer's protocol.
    #[serde(rename = "match-viewer")]
    MatchViewer,
    /// HTTPS only.
    #[serde(rename = "https-only")]
    HttpsOnly,
}

/// An SSL protocol.
#[derive(JsonSchema)]
pub enum SslProtocol {
    /// SSLv3.
    #[serde(rename = "SSLv3")]
    SslV3,
    /// TLSv1.
    #[serde(rename = "TLSv1")]
    TlsV1,
    /// TLSv1.1.
    #[serde(rename = "TLSv1.1")]
    TlsV11,
    /// TLSv1.2.
    #[serde(rename = "TLSv1.2")]
    TlsV12,
}

/// A custom origin.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct CustomOriginConfig {
    /// The HTTP port (default 80).
    #[serde(rename = "HTTPPort")]
    #[schemars(range(min = 0, max = 65535))]
    pub http_port: Option<Num>,
    /// The HTTPS port (default 443).
    #[serde(rename = "HTTPSPort")]
    #[schemars(range(min = 0, max = 65535))]
    pub https_port: Option<Num>,
    /// Keep-alive timeout in seconds, 1-60.
    #[serde(rename = "OriginKeepaliveTimeout")]
    #[schemars(range(min = 1, max = 60))]
    pub origin_keepalive_timeout: Option<Num>,
    /// `http-only`, `match-viewer` or `https-only`.
    #[serde(rename = "OriginProtocolPolicy")]
    pub origin_protocol_policy: OriginProtocolPolicy,
    /// Read timeout in seconds, 1-60.
    #[serde(rename = "OriginReadTimeout")]
    #[schemars(range(min = 1, max = 60))]
    pub origin_read_timeout: Option<Num>,
    /// SSL/TLS protocols CloudFront may use with the origin.
    #[serde(rename = "OriginSSLProtocols")]
    pub origin_ssl_protocols: Option<List<SslProtocol>>,
}

/// A header sent to the origin.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct OriginCustomHeader {
    /// The header name.
    #[serde(rename = "HeaderName")]
    pub header_name: String,
    /// The header value.
    #[serde(rename = "HeaderValue")]
    pub header_value: String,
}

/// An S3 origin.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct S3OriginConfig {
    /// `origin-access-identity/cloudfront/<id>` (legacy access identity) or an intrinsic function.
    #[serde(rename = "OriginAccessIdentity")]
    pub origin_access_identity: Option<OriginAccessIdentity>,
}

/// An origin access identity.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum OriginAccessIdentity {
    /// `origin-access-identity/cloudfront/<id>`.
    String(#[schemars(regex(pattern = "^origin-access-identity/cloudfront/.+"))] String),
    /// An intrinsic function.
    Function(CfFunction),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_case_spells_out_each_letter() {
        assert_eq!(any_case(&["Get", "*"]), r"(?:[Gg][Ee][Tt]|\*)");
        assert_eq!(any_case(&["VPC_LINK", "vpc-link"]), "(?:[Vv][Pp][Cc]_[Ll][Ii][Nn][Kk]|[Vv][Pp][Cc]-[Ll][Ii][Nn][Kk])");
    }

    #[test]
    fn case_insensitive_enums_list_the_canonical_spellings() {
        let s = serde_json::to_value(HttpIntegration::json_schema(&mut SchemaGenerator::default())).unwrap_or_default();
        assert_eq!(s["anyOf"][0]["enum"][0], "AWS_PROXY");
        assert!(s["anyOf"][1]["pattern"].as_str().unwrap_or_default().starts_with("^(?:[Aa][Ww][Ss]_[Pp][Rr][Oo][Xx][Yy]|"));
    }
}
