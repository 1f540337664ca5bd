//! The `serverless.yml` types. Field docs become the descriptions of the editor schema.

use crate::coerce::{List, Maybe, Num, Statement, Str, StrMap};
use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

/// A Serverless Framework v3 service (`serverless.yml`).
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Service {
    /// The service name (letters, digits and hyphens, starting with a letter). It prefixes
    /// function names (`<service>-<stage>-<function>`) and the stack name (`<service>-<stage>`).
    #[schemars(with = "Option<String>", regex(pattern = "^[a-zA-Z][0-9a-zA-Z-]+$"), example = "my-service")]
    pub service: Option<Value>,
    /// The Serverless Framework versions this file works with, a semver range such as `'3'`.
    #[schemars(with = "Option<String>", example = "3")]
    pub framework_version: Option<Str>,
    /// What configuration errors do: `error` stops, `warn` (the default) reports and goes on,
    /// `off` is silent.
    #[schemars(with = "Option<crate::provider::ConfigValidationMode>", extend("default" = "warn"))]
    pub config_validation_mode: Option<String>,
    /// How deprecations are reported: `error`, `warn`, or `warn:summary` (the default).
    #[schemars(with = "Option<crate::provider::DeprecationNotificationMode>", extend("default" = "warn:summary"))]
    pub deprecation_notification_mode: Option<String>,
    /// Deprecation codes to silence (e.g. `PROVIDER_IAM_SETTINGS_V3`), or `'*'` for all.
    #[schemars(with = "Option<crate::provider::DisabledDeprecations>", extend("examples" = [["CONFIG_VALIDATION_MODE_DEFAULT_V3"]]))]
    pub disabled_deprecations: Option<Value>,
    /// `true`: load `.env.<stage>` (else `.env`) into the environment for `${env:}` variables,
    /// and leave `.env*` files out of the package.
    #[schemars(with = "Option<crate::provider::True>")]
    pub use_dotenv: Option<bool>,
    /// The cloud provider (`name: aws`) and its service-wide settings.
    pub provider: Option<Provider>,
    /// The Lambda functions of the service, by key (letters, digits, `-` and `_`); a list of
    /// such maps is merged into one.
    #[schemars(with = "Option<FunctionsShape>")]
    pub functions: Option<IndexMap<String, Option<Box<Function>>>>,
    /// Lambda layers built from folders of this service, by key.
    pub layers: Option<IndexMap<String, Option<Layer>>>,
    /// CloudFormation merged into the generated template: `Resources`, `Outputs`, `Conditions`,
    /// `Parameters`, ... and `extensions` of generated resources.
    #[schemars(with = "Option<crate::provider::ResourcesSetting>")]
    pub resources: Option<Value>,
    /// How the service is packaged (one zip for the service unless `individually`).
    pub package: Option<Package>,
    /// Serverless plugins: a list of names, or `{localPath, modules}`.
    #[schemars(with = "Option<crate::provider::Plugins>")]
    pub plugins: Option<Value>,
    /// Free-form values, usually read through `${self:custom...}` and by plugins.
    #[schemars(with = "Option<crate::provider::Custom>")]
    pub custom: Option<Value>,
    /// Parameters per stage (`params.<stage>.<name>`, `params.default.<name>`), read through
    /// `${param:<name>}`: the stage's block first, then `default`.
    #[schemars(with = "Option<IndexMap<String, serde_json::Map<String, Value>>>")]
    pub params: Option<Value>,
    /// State machines and activities of the serverless-step-functions plugin.
    pub step_functions: Option<Value>,
    /// serverless-lift constructs (`queue`, `storage`, `webhook`, ...), by id.
    pub constructs: Option<Value>,
    /// serverless-lift settings (`automaticPermissions`).
    pub lift: Option<Value>,
    /// Serverless Dashboard app (no effect on the template).
    #[schemars(with = "Option<String>", regex(pattern = "^[a-z0-9][a-z0-9-]{1,37}[a-z0-9]$"))]
    pub app: Option<Value>,
    /// Serverless Dashboard org (no effect on the template).
    #[schemars(with = "Option<String>", regex(pattern = "^[a-z0-9]{5,39}$"))]
    pub org: Option<Value>,
    /// Serverless Dashboard settings (no effect on the template).
    #[schemars(with = "Option<crate::provider::Dashboard>")]
    pub dashboard: Option<Value>,
    /// Serverless Console settings (deprecated; no effect on the template).
    #[schemars(with = "Option<crate::provider::Console>", extend("deprecated" = true))]
    pub console: Option<Value>,
    /// Serverless Dashboard outputs: values other services read (no effect on the template).
    #[schemars(with = "Option<serde_json::Map<String, Value>>")]
    pub outputs: Option<Value>,
    /// Obsolete (ignored). Serverless v3 takes `.`, `..` or a chain of them (`../..`).
    #[schemars(with = "Option<crate::coerce::Str>", extend("deprecated" = true, "pattern" = r"^(\.\/?|(\.\/)?\.\.(\/\.\.)*\/?)$"))]
    pub project_dir: Option<Value>,
    /// Obsolete (ignored).
    #[schemars(extend("deprecated" = true))]
    pub variables_resolution_mode: Option<Value>,
}

/// `functions:` as a map, or as a list of maps that Serverless merges (`- ${file(fns.yml)}`).
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum FunctionsShape {
    /// Functions by key.
    Map(IndexMap<String, Option<Function>>),
    /// Maps of functions, merged in order.
    List(Vec<IndexMap<String, Option<Function>>>),
}

/// `provider:` the cloud provider (`aws`) and the settings shared by the whole service.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Provider {
    /// The provider: `aws` (the only one Serverless v3 and cfgen support).
    #[schemars(with = "Option<crate::provider::ProviderName>")]
    pub name: Option<Value>,
    /// The default Lambda runtime of functions (Serverless v3 defaults to `nodejs16.x`).
    #[schemars(with = "Option<crate::cf::AwsLambdaRuntime>", extend("default" = "nodejs16.x", "examples" = ["nodejs20.x", "python3.12"]))]
    pub runtime: Option<String>,
    /// The default stage (default `dev`; the `--stage` option wins). Letters, digits, hyphens.
    #[schemars(extend("default" = "dev", "pattern" = "^[a-zA-Z0-9-]+$"))]
    pub stage: Option<Str>,
    /// The region to deploy to (default `us-east-1`; the `--region` option wins).
    #[schemars(with = "Option<crate::provider::AwsRegion>", extend("default" = "us-east-1"))]
    pub region: Option<Str>,
    /// Default memory of functions in MB (128-10240). Default 1024.
    #[schemars(extend("default" = 1024, "examples" = [512]))]
    pub memory_size: Option<Num>,
    /// Default timeout of functions in seconds (1-900). Default 6.
    #[schemars(extend("default" = 6, "examples" = [29]))]
    pub timeout: Option<Num>,
    /// Default instruction set of functions: `x86_64` (the default) or `arm64`.
    #[schemars(with = "Option<crate::cf::AwsLambdaArchitecture>", extend("default" = "x86_64"))]
    pub architecture: Option<String>,
    /// Environment variables of every function (a function's own variables win). Values are
    /// strings (numbers and booleans are turned into strings) or intrinsic functions.
    #[schemars(with = "Option<crate::coerce::EnvVars>", extend("examples" = [{"TABLE_NAME": "${self:service}-${sls:stage}"}]))]
    pub environment: Option<StrMap>,
    /// Tags of every function (a function's own tags win), also put on the HTTP API.
    #[schemars(with = "Option<crate::coerce::Tags<crate::coerce::StrOrCf>>")]
    pub tags: Option<StrMap>,
    /// Tags of the CloudFormation stack (applied at deploy; no template effect).
    #[schemars(with = "Option<crate::coerce::Tags<crate::coerce::StrOrCf>>")]
    pub stack_tags: Option<StrMap>,
    /// The CloudFormation stack name (default `<service>-<stage>`).
    #[schemars(regex(pattern = "^[a-zA-Z][a-zA-Z0-9-]*$"), length(max = 128))]
    pub stack_name: Option<String>,
    /// An existing bucket for the artifacts (its name), or settings of the generated one.
    #[schemars(with = "Option<crate::provider::DeploymentBucket>")]
    pub deployment_bucket: Option<Value>,
    /// The prefix of artifact keys in the bucket. Default `serverless`.
    #[schemars(extend("default" = "serverless"))]
    pub deployment_prefix: Option<Str>,
    /// Publish a Lambda version of every function on each deploy. Default true.
    #[schemars(extend("default" = true))]
    pub version_functions: Option<bool>,
    /// Retention in days of every log group Serverless creates (1, 3, 5, 7, 14, 30, ...).
    /// Default: never expire.
    #[schemars(with = "Option<crate::provider::AwsLogRetentionInDays>", extend("examples" = [14]))]
    pub log_retention_in_days: Option<Num>,
    /// Data protection policy of every log group Serverless creates.
    #[schemars(with = "Option<crate::provider::LogDataProtectionPolicy>")]
    pub log_data_protection_policy: Option<Value>,
    /// IAM: the execution role of the functions (`role`) and the CloudFormation deployment role.
    pub iam: Option<Iam>,
    /// Legacy: statements of the execution role (use `iam.role.statements`).
    #[schemars(extend("deprecated" = true))]
    pub iam_role_statements: Option<Vec<Statement>>,
    /// Legacy: managed policies of the execution role (use `iam.role.managedPolicies`).
    #[schemars(with = "Option<Vec<crate::cf::AwsArn>>", extend("deprecated" = true))]
    pub iam_managed_policies: Option<Vec<Value>>,
    /// Legacy: an existing execution role (use `iam.role`).
    #[schemars(with = "Option<crate::cf::AwsLambdaRole>", extend("deprecated" = true))]
    #[serde(default)]
    pub role: Maybe<Value>,
    /// Legacy: the execution role's permissions boundary (use `iam.role.permissionsBoundary`).
    #[schemars(with = "Option<crate::cf::AwsArnString>", extend("deprecated" = true))]
    pub role_permissions_boundary: Option<Value>,
    /// Legacy: the CloudFormation deployment role (use `iam.deploymentRole`).
    #[schemars(with = "Option<crate::cf::AwsArn>", extend("deprecated" = true))]
    pub cfn_role: Option<Value>,
    /// VPC of every function: `{securityGroupIds, subnetIds}`. Serverless also attaches
    /// `AWSLambdaVPCAccessExecutionRole` to the execution role.
    #[schemars(with = "Option<crate::cf::AwsLambdaVpcConfig>")]
    pub vpc: Option<Value>,
    /// KMS key that encrypts the environment variables of every function.
    #[schemars(with = "Option<crate::cf::AwsKmsArn>")]
    pub kms_key_arn: Option<Value>,
    /// X-Ray tracing of Lambda functions and of the REST API.
    pub tracing: Option<Tracing>,
    /// Layers (ARNs or intrinsic functions) of every function that has none of its own.
    #[schemars(with = "Option<List<crate::cf::AwsArn>>")]
    pub layers: Option<List<Value>>,
    /// When Lambda updates the runtime: `auto` (default), `onFunctionUpdate`, or
    /// `{mode: manual, arn}`.
    #[schemars(with = "Option<crate::cf::AwsLambdaRuntimeManagement>")]
    pub runtime_management: Option<Value>,
    /// The version hash algorithm: `20201221` (the default) or the legacy `20200924`.
    #[schemars(with = "Option<LambdaHashingVersion>")]
    pub lambda_hashing_version: Option<Value>,
    /// The AWS credentials profile (deploy time only).
    #[schemars(with = "Option<String>")]
    pub profile: Option<Value>,
    /// Values of `resources.Parameters` to deploy with (deploy time only).
    #[schemars(with = "Option<Vec<crate::provider::StackParameter>>")]
    pub stack_parameters: Option<Value>,
    /// The stack policy: statements that allow or deny updates of resources (deploy time only).
    #[schemars(with = "Option<Vec<crate::cf::IamStatement>>")]
    pub stack_policy: Option<Value>,
    /// SNS topic ARNs notified of stack events (deploy time only).
    #[schemars(with = "Option<Vec<crate::cf::AwsArnString>>")]
    pub notification_arns: Option<Value>,
    /// Alarms that roll the deployment back (deploy time only).
    #[schemars(with = "Option<crate::provider::RollbackConfiguration>")]
    pub rollback_configuration: Option<Value>,
    /// Keep the resources of a failed deployment instead of rolling back (deploy time only).
    #[schemars(with = "Option<bool>")]
    pub disable_rollback: Option<Value>,
    /// `changesets` (the default) or `direct` (deploy time only).
    #[schemars(with = "Option<crate::provider::DeploymentMethod>", extend("default" = "changesets"))]
    pub deployment_method: Option<Value>,
    /// The REST API's name (default `<stage>-<service>`).
    #[schemars(with = "Option<String>")]
    pub api_name: Option<Value>,
    /// The REST API's endpoint type: `EDGE` (default), `REGIONAL` or `PRIVATE`.
    #[schemars(with = "Option<crate::provider::EndpointType>", extend("default" = "EDGE"))]
    pub endpoint_type: Option<Value>,
    /// VPC endpoint ids of a `PRIVATE` REST API.
    #[schemars(with = "Option<crate::cf::CfArrayInstruction>")]
    pub vpc_endpoint_ids: Option<Value>,
    /// REST API (API Gateway v1) settings: keys, usage plans, resource policy, an existing API.
    #[schemars(with = "Option<crate::provider::ApiGateway>")]
    pub api_gateway: Option<Value>,
    /// HTTP API (API Gateway v2) settings: authorizers, CORS, an existing API.
    #[schemars(with = "Option<crate::provider::HttpApi>")]
    pub http_api: Option<Value>,
    /// Logging of the REST API, the HTTP API, websockets and the framework's Lambdas.
    #[schemars(with = "Option<crate::provider::Logs>")]
    pub logs: Option<Value>,
    /// The WebSocket API's name (default `<stage>-<service>-websockets`).
    #[schemars(with = "Option<String>")]
    pub websockets_api_name: Option<Value>,
    /// The WebSocket route selection expression. Default `$request.body.action`.
    #[schemars(with = "Option<String>", extend("default" = "$request.body.action"))]
    pub websockets_api_route_selection_expression: Option<Value>,
    /// The WebSocket API's description. Default `Serverless Websockets`.
    #[schemars(with = "Option<String>", extend("default" = "Serverless Websockets"))]
    pub websockets_description: Option<Value>,
    /// WebSocket API settings.
    #[schemars(with = "Option<crate::provider::Websocket>")]
    pub websocket: Option<Value>,
    /// EventBridge settings.
    #[schemars(with = "Option<crate::provider::EventBridge>")]
    pub event_bridge: Option<Value>,
    /// Application Load Balancer settings: target group prefix and authorizers.
    #[schemars(with = "Option<crate::provider::Alb>")]
    pub alb: Option<Value>,
    /// CloudFront settings: cache policies for `cloudFront` events.
    #[schemars(with = "Option<crate::provider::CloudFront>")]
    pub cloud_front: Option<Value>,
    /// Buckets for `s3` events by reference (`s3: {bucket: <key>}`): name and bucket
    /// properties.
    #[schemars(with = "Option<IndexMap<String, crate::provider::S3Bucket>>")]
    pub s3: Option<Value>,
    /// Container images Serverless builds and pushes to ECR (deploy time).
    #[schemars(with = "Option<crate::provider::Ecr>")]
    pub ecr: Option<Value>,
    /// Kinesis settings.
    #[schemars(with = "Option<crate::provider::Kinesis>")]
    pub kinesis: Option<Value>,
}

/// `provider.lambdaHashingVersion`: `20201221` (the default) or the legacy `20200924`; written
/// as a number or a string.
pub struct LambdaHashingVersion;

impl JsonSchema for LambdaHashingVersion {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "LambdaHashingVersion".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "`20201221` (the default algorithm) or `20200924` (Serverless v2's, legacy).",
            "enum": ["20201221", "20200924", 20201221, 20200924]
        })
    }
}

/// `provider.iam`.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct Iam {
    /// The execution role of the functions: an existing role (ARN, name, logical id,
    /// `Fn::GetAtt`, `Fn::Sub`, `Fn::ImportValue`) or settings of the generated
    /// `IamRoleLambdaExecution`.
    #[schemars(with = "Option<crate::provider::IamRoleSetting>")]
    pub role: Option<Value>,
    /// The role CloudFormation deploys the stack with (also the role of the framework's
    /// custom-resource Lambdas).
    #[schemars(with = "Option<crate::cf::AwsArn>", example = "arn:aws:iam::123456789012:role/deploy-role")]
    pub deployment_role: Option<Value>,
}

/// Settings of the generated execution role (`provider.iam.role` as an object).
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct IamRole {
    /// The role name (`RoleName`, at most 64 characters). Default
    /// `<service>-<stage>-<region>-lambdaRole`.
    #[schemars(with = "Option<String>", regex(pattern = "^[A-Za-z0-9/_+=,.@-]{1,64}$"), example = "my-service-lambda-role")]
    pub name: Option<Value>,
    /// The role's path, e.g. `/service-roles/`. Default `/`.
    #[schemars(with = "Option<String>", regex(pattern = "(^\\/$)|(^\\/[!-~]+\\/$)"), extend("default" = "/"))]
    pub path: Option<Value>,
    /// ARNs (or intrinsic functions) of managed policies attached to the role.
    #[schemars(with = "Option<Vec<crate::cf::AwsArn>>", extend("examples" = [["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]]))]
    pub managed_policies: Option<Vec<Value>>,
    /// Statements of the role's inline policy, after the log statements Serverless adds.
    pub statements: Option<Vec<Statement>>,
    /// ARN of the policy that bounds the role's permissions (`PermissionsBoundary`).
    #[schemars(with = "Option<crate::cf::AwsArn>")]
    pub permissions_boundary: Option<Value>,
    /// Deprecated spelling of `permissionsBoundary`.
    #[schemars(with = "Option<crate::cf::AwsArn>", extend("deprecated" = true))]
    pub permission_boundary: Option<Value>,
    /// Tags of the role.
    #[schemars(with = "Option<crate::coerce::Tags<crate::coerce::StrOrCf>>")]
    pub tags: Option<StrMap>,
}

/// `provider.tracing`: X-Ray tracing.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct Tracing {
    /// Tracing of every function: `Active`, `PassThrough`, or `true` (= `Active`). Serverless
    /// adds the X-Ray permissions to the execution role.
    #[schemars(with = "Option<crate::cf::AwsLambdaTracing>")]
    pub lambda: Option<Value>,
    /// Tracing of the REST API stage (set at deploy time; no template effect). Default false.
    #[schemars(with = "Option<bool>")]
    pub api_gateway: Option<Value>,
}

/// `functions.<key>`.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Function {
    /// The handler: `file.function` (e.g. `index.handler`).
    pub handler: Option<String>,
    /// A container image instead of a handler: an ECR URI with digest, the name of an image of
    /// `provider.ecr.images`, or `{uri | name, command, entryPoint, workingDirectory}`.
    #[schemars(with = "Option<crate::function_shapes::Image>")]
    pub image: Option<Value>,
    /// The deployed function name (default `<service>-<stage>-<key>`).
    pub name: Option<String>,
    /// Description of the function and its versions (at most 256 characters). Serverless v3
    /// reads a number or boolean as its text, and only warns about an object (e.g. a `Fn::Sub`),
    /// which it passes through.
    #[schemars(with = "Option<crate::cf::StringOrCfFunction>")]
    pub description: Option<Value>,
    /// Runtime (default: the provider's).
    #[schemars(with = "Option<crate::cf::AwsLambdaRuntime>", extend("examples" = ["nodejs20.x", "python3.12"]))]
    pub runtime: Option<String>,
    /// Memory in MB (default: the provider's, else 1024).
    pub memory_size: Option<Num>,
    /// Timeout in seconds (default: the provider's, else 6).
    pub timeout: Option<Num>,
    /// `x86_64` or `arm64` (default: the provider's).
    #[schemars(with = "Option<crate::cf::AwsLambdaArchitecture>")]
    pub architecture: Option<String>,
    /// When Lambda updates the function's runtime: `auto` (the default), `onFunctionUpdate`,
    /// or `{mode: manual, arn: <runtime version ARN>}`.
    #[schemars(with = "Option<crate::cf::AwsLambdaRuntimeManagement>")]
    pub runtime_management: Option<Value>,
    /// Environment variables (merged over the provider's).
    #[schemars(with = "Option<crate::coerce::EnvVars>")]
    pub environment: Option<StrMap>,
    /// Tags (merged over the provider's).
    #[schemars(with = "Option<crate::coerce::Tags<crate::coerce::StrOrCf>>")]
    pub tags: Option<StrMap>,
    /// An existing role for this function (instead of the service's execution role): a role
    /// name, an ARN, the logical id of a role in `resources`, or `Fn::GetAtt`/`Fn::Sub`/`Fn::ImportValue`.
    #[serde(default)]
    #[schemars(with = "Option<crate::cf::AwsLambdaRole>")]
    pub role: Maybe<Value>,
    /// VPC settings `{securityGroupIds, subnetIds}` (replace the provider's); `null` or `false`
    /// opts out of the provider's.
    #[serde(default)]
    #[schemars(with = "Option<crate::function_shapes::FunctionVpc>")]
    pub vpc: Maybe<Value>,
    /// Layer version ARNs, at most 5 (replace the provider's), e.g. `{Ref: MyLambdaLayer}` for a
    /// layer of this service.
    #[schemars(with = "Option<List<crate::cf::AwsArn>>")]
    pub layers: Option<List<Value>>,
    /// KMS key encrypting the environment variables (default: the AWS managed key).
    #[schemars(with = "Option<crate::cf::AwsKmsArn>")]
    pub kms_key_arn: Option<Value>,
    /// Accepted but unused by Serverless v3 (use `kmsKeyArn`).
    #[schemars(with = "Option<crate::cf::AwsKmsArn>")]
    pub aws_kms_key_arn: Option<Value>,
    /// X-Ray tracing: `Active`, `PassThrough` or a boolean.
    pub tracing: Option<Value>,
    /// Dead-letter target of failed asynchronous invocations: an SNS topic ARN (or an
    /// intrinsic function yielding one).
    #[schemars(with = "Option<crate::function_shapes::OnError>")]
    pub on_error: Option<Value>,
    /// Asynchronous invocation destinations.
    pub destinations: Option<Destinations>,
    /// Maximum age of an asynchronous event (60-21600 s).
    pub maximum_event_age: Option<Num>,
    /// Retries of an asynchronous event (0-2).
    pub maximum_retry_attempts: Option<Num>,
    /// Reserved concurrency: the most concurrent executions (0 stops the function). Default: none (the account's pool).
    #[schemars(with = "Option<crate::function_shapes::Concurrency>")]
    pub reserved_concurrency: Option<Value>,
    /// Provisioned concurrency: pre-initialised executions, on an alias named `provisioned`
    /// (needs versioning).
    #[schemars(with = "Option<crate::function_shapes::Concurrency>")]
    pub provisioned_concurrency: Option<Value>,
    /// SnapStart on published versions.
    pub snap_start: Option<bool>,
    /// A function URL (an HTTPS endpoint): `true` or `{authorizer, cors, invokeMode}`.
    #[schemars(with = "Option<crate::function_shapes::Url>")]
    pub url: Option<Value>,
    /// /tmp size in MB (512-10240).
    pub ephemeral_storage_size: Option<Num>,
    /// An EFS access point: `{arn, localMountPath}` (needs a VPC).
    #[schemars(with = "Option<crate::function_shapes::FileSystemConfig>")]
    pub file_system_config: Option<Value>,
    /// Create no log group for this function.
    pub disable_logs: Option<bool>,
    /// Retention of this function's log group.
    pub log_retention_in_days: Option<Num>,
    /// Data protection policy of this function's log group (overrides the provider's).
    #[schemars(with = "Option<crate::function_shapes::LogDataProtectionPolicy>")]
    pub log_data_protection_policy: Option<Value>,
    /// A CloudFormation condition for the function resource.
    #[schemars(with = "Option<String>")]
    pub condition: Option<Value>,
    /// Logical ids the function resource depends on.
    #[schemars(with = "Option<List<String>>")]
    pub depends_on: Option<List<Value>>,
    /// Publish versions of this function (overrides `provider.versionFunctions`).
    pub version_function: Option<bool>,
    /// Packaging of this function.
    pub package: Option<Package>,
    /// What invokes the function: a list of events, each a mapping with one key, the event
    /// type (`http`, `httpApi`, `sqs`, `schedule`, ...).
    /// (The event compile passes check and report the keys of every event themselves.)
    #[schemars(with = "Option<Vec<crate::events::Event>>", extend("x-cfgen-keys-checked-by-compiler" = true))]
    pub events: Option<Vec<Value>>,
    /// HTTP API settings of this function: `payload` (`1.0` or `2.0`).
    #[schemars(with = "Option<crate::function_shapes::FunctionHttpApi>")]
    pub http_api: Option<Value>,
    /// serverless-iam-roles-per-function: statements of this function's own role.
    pub iam_role_statements: Option<Vec<Statement>>,
    /// serverless-iam-roles-per-function: add the provider's statements to this function's role.
    pub iam_role_statements_inherit: Option<bool>,
    /// serverless-iam-roles-per-function: the name of this function's role.
    pub iam_role_statements_name: Option<String>,
    /// serverless-iam-roles-per-function: the permissions boundary of this function's role.
    pub iam_permissions_boundary: Option<Value>,
    /// serverless-plugin-aws-alerts: this function's alarms, by the name of a definition
    /// (`functionErrors`, `functionThrottles`, ... or one of `custom.alerts.definitions`) or as
    /// `{name, ...}` overriding a definition's settings (`enabled: false` turns one off).
    #[schemars(with = "Option<Vec<FunctionAlarm>>")]
    pub alarms: Option<Value>,
    /// serverless-plugin-warmup: this function's settings per warmer of `custom.warmup`
    /// (`enabled`: true, the stage or a list of stages; `payload`, `concurrency`, ...).
    #[schemars(with = "Option<IndexMap<String, WarmupFunctionSettings>>")]
    pub warmup: Option<Value>,
    /// Provider environment variables this function leaves out (set by a plugin, never read
    /// from the configuration: serverless-plugin-warmup's warmers).
    #[serde(skip)]
    #[schemars(skip)]
    pub environment_unset: Vec<String>,
}

/// `functions.<f>.warmup.<warmer>` of serverless-plugin-warmup.
#[derive(JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct WarmupFunctionSettings {
    /// Warm this function: `true`, a stage, or a list of stages (default: the warmer's, else false).
    pub enabled: Option<WarmupEnabled>,
    /// The alias or version to invoke (default: `SERVERLESS_ALIAS` of the warmer's environment).
    pub alias: Option<String>,
    /// The client context sent with each warming call, an object (`false`: none; default: the payload).
    pub client_context: Option<Value>,
    /// The event each warming call sends, an object (default `{"source": "serverless-plugin-warmup"}`).
    pub payload: Option<serde_json::Map<String, Value>>,
    /// Send `payload` as it is written, not as JSON.
    pub payload_raw: Option<bool>,
    /// How many concurrent calls warm the function (default 1).
    pub concurrency: Option<i64>,
}

/// When serverless-plugin-warmup warms a function.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum WarmupEnabled {
    /// Always (`true`) or never.
    Always(bool),
    /// At this stage (or `'true'`: always).
    Stage(String),
    /// At these stages.
    Stages(Vec<String>),
}

/// One function alarm of serverless-plugin-aws-alerts.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum FunctionAlarm {
    /// The name of an alarm definition.
    Name(String),
    /// A definition by name with settings overriding it (`threshold`, `period`, `enabled`, ...).
    Definition(IndexMap<String, Value>),
}

/// `functions.<key>.destinations`.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Destinations {
    /// Where successful asynchronous invocations are reported: a function key, an ARN, or `{type, arn}`.
    #[schemars(with = "Option<crate::function_shapes::Destination>")]
    pub on_success: Option<Value>,
    /// Where failed asynchronous invocations are reported: a function key, an ARN, or `{type, arn}`.
    #[schemars(with = "Option<crate::function_shapes::Destination>")]
    pub on_failure: Option<Value>,
}

/// `package` (service, function or layer): which files go into the zip.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct Package {
    /// Glob patterns applied in order over every file of the service; a `!` pattern excludes.
    /// `serverless.yml`, `.git`, `.serverless`, `node_modules` dev dependencies and the like are
    /// excluded by default.
    #[schemars(extend("examples" = [["!tests/**", "!*.md", "src/**"]]))]
    pub patterns: Option<List<String>>,
    /// Legacy includes (use `patterns`).
    #[schemars(extend("deprecated" = true))]
    pub include: Option<List<String>>,
    /// Legacy excludes (use `patterns` with `!`).
    #[schemars(extend("deprecated" = true))]
    pub exclude: Option<List<String>>,
    /// A prebuilt zip to deploy as is (no packaging).
    #[schemars(example = &"dist/app.zip")]
    pub artifact: Option<String>,
    /// One zip per function instead of one for the service. Default false.
    pub individually: Option<bool>,
    /// Leave out Node.js dev dependencies. Default true.
    #[schemars(extend("default" = true))]
    pub exclude_dev_dependencies: Option<bool>,
    /// Where `serverless package` writes the artifacts (default `.serverless`).
    pub path: Option<String>,
    /// Do not package this function (function level).
    pub disable: Option<bool>,
}

/// `layers.<key>`: a Lambda layer (`AWS::Lambda::LayerVersion`) built from a folder.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(deny_unknown_fields)]
pub struct Layer {
    /// The folder whose files make the layer (e.g. `layer` holding `python/` or `nodejs/`).
    #[schemars(example = &"layers/deps")]
    pub path: Option<String>,
    /// The layer's name (`LayerName`; default: the key): letters, digits, `-` and `_`, or a
    /// layer ARN.
    #[schemars(
        length(min = 1, max = 140),
        regex(pattern = r"^((arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+)$")
    )]
    pub name: Option<String>,
    /// Description (at most 256 characters).
    #[schemars(length(max = 256))]
    pub description: Option<String>,
    /// License (`LicenseInfo`, at most 512 characters), e.g. `MIT`.
    #[schemars(length(max = 512))]
    pub license_info: Option<String>,
    /// Runtimes the layer works with (at most 15).
    #[schemars(with = "Option<List<crate::cf::AwsLambdaRuntime>>")]
    pub compatible_runtimes: Option<List<Str>>,
    /// Instruction sets the layer works with: `x86_64`, `arm64`.
    #[schemars(with = "Option<List<crate::cf::AwsLambdaArchitecture>>")]
    pub compatible_architectures: Option<List<Str>>,
    /// Accounts allowed to use the layer: account ids, `arn:aws:iam::<id>:root`, or `*` for
    /// everyone (a `LayerVersionPermission` each).
    #[schemars(extend("examples" = [["*"]]))]
    pub allowed_accounts: Option<List<Str>>,
    /// Keep old layer versions when a new one is published (`DeletionPolicy: Retain`).
    /// Default false.
    pub retain: Option<bool>,
    /// Packaging of the layer (`artifact`, `patterns`).
    pub package: Option<Package>,
}
