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
    /// The service name; it prefixes every function name and the stack name.
    pub service: Option<Value>,
    /// The Serverless Framework versions this file works with (a semver range).
    pub framework_version: Option<Str>,
    /// What to do with configuration errors: `error`, `warn` (the default) or `off`.
    pub config_validation_mode: Option<String>,
    /// How deprecations are reported (`error`, `warn`, `warn:summary`).
    pub deprecation_notification_mode: Option<String>,
    /// Deprecation codes to silence, or `'*'`.
    pub disabled_deprecations: Option<Value>,
    /// Load `.env.<stage>` (or `.env`) into the environment for `${env:}` variables.
    pub use_dotenv: Option<bool>,
    /// The cloud provider and its service-wide settings.
    pub provider: Option<Provider>,
    /// The Lambda functions of the service, by key.
    pub functions: Option<IndexMap<String, Option<Function>>>,
    /// Lambda layers built from this service.
    pub layers: Option<IndexMap<String, Option<Layer>>>,
    /// Extra CloudFormation merged into the generated template.
    pub resources: Option<Value>,
    /// How the service is packaged.
    pub package: Option<Package>,
    /// Serverless plugins.
    pub plugins: Option<Value>,
    /// Free-form values, usually read through `${self:custom...}`.
    pub custom: Option<Value>,
    /// Parameters per stage (`params.<stage>.<name>`, `params.default.<name>`), read through `${param:}`.
    pub params: Option<Value>,
    /// State machines and activities of the serverless-step-functions plugin.
    pub step_functions: Option<Value>,
    /// serverless-lift constructs (`queue`, `storage`, `webhook`, ...), by id.
    pub constructs: Option<Value>,
    /// serverless-lift settings (`automaticPermissions`).
    pub lift: Option<Value>,
    /// Serverless Dashboard app (no effect on the template).
    pub app: Option<Value>,
    /// Serverless Dashboard org (no effect on the template).
    pub org: Option<Value>,
    /// Serverless Dashboard settings (no effect on the template).
    pub dashboard: Option<Value>,
    /// Serverless Console settings (deprecated; no effect on the template).
    #[schemars(extend("deprecated" = true))]
    pub console: Option<Value>,
    /// Serverless Dashboard outputs (no effect on the template).
    pub outputs: Option<Value>,
    /// Obsolete (ignored).
    #[schemars(extend("deprecated" = true))]
    pub project_dir: Option<Value>,
    /// Obsolete (ignored).
    #[schemars(extend("deprecated" = true))]
    pub variables_resolution_mode: Option<Value>,
}

/// `provider:` (aws).
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Provider {
    /// The provider; cfgen supports `aws`.
    pub name: Option<Value>,
    /// The default Lambda runtime (Serverless v3 defaults to `nodejs16.x`).
    pub runtime: Option<String>,
    /// The stage (default `dev`; `--stage` wins).
    pub stage: Option<Str>,
    /// The region (default `us-east-1`; `--region` wins).
    pub region: Option<Str>,
    /// Default function memory in MB (default 1024).
    pub memory_size: Option<Num>,
    /// Default function timeout in seconds (default 6).
    pub timeout: Option<Num>,
    /// Instruction set of every function: `x86_64` or `arm64`.
    pub architecture: Option<String>,
    /// Environment variables of every function (a function's own win).
    pub environment: Option<StrMap>,
    /// Tags of every function (a function's own win).
    pub tags: Option<StrMap>,
    /// Stack tags (applied at deploy; no template effect).
    pub stack_tags: Option<StrMap>,
    /// The CloudFormation stack name (default `<service>-<stage>`).
    pub stack_name: Option<String>,
    /// An existing bucket for artifacts (a name), or settings for the generated one.
    pub deployment_bucket: Option<Value>,
    /// The artifact key prefix in the bucket (default `serverless`).
    pub deployment_prefix: Option<Str>,
    /// Publish a Lambda version on every deploy (default true).
    pub version_functions: Option<bool>,
    /// Retention of every log group cfgen creates.
    pub log_retention_in_days: Option<Num>,
    /// Data protection policy of every log group cfgen creates.
    pub log_data_protection_policy: Option<Value>,
    /// IAM: the execution role (`role`) and the deployment role.
    pub iam: Option<Iam>,
    /// Legacy: statements of the execution role (use `iam.role.statements`).
    #[schemars(extend("deprecated" = true))]
    pub iam_role_statements: Option<Vec<Statement>>,
    /// Legacy: managed policies of the execution role (use `iam.role.managedPolicies`).
    #[schemars(extend("deprecated" = true))]
    pub iam_managed_policies: Option<Vec<Value>>,
    /// Legacy: an existing execution role (use `iam.role`).
    #[schemars(extend("deprecated" = true))]
    #[serde(default)]
    pub role: Maybe<Value>,
    /// Legacy: the execution role's permissions boundary (use `iam.role.permissionsBoundary`).
    #[schemars(extend("deprecated" = true))]
    pub role_permissions_boundary: Option<Value>,
    /// Legacy: the CloudFormation deployment role (use `iam.deploymentRole`).
    #[schemars(extend("deprecated" = true))]
    pub cfn_role: Option<Value>,
    /// VPC of every function.
    pub vpc: Option<Value>,
    /// KMS key for environment variables of every function.
    pub kms_key_arn: Option<Value>,
    /// X-Ray tracing.
    pub tracing: Option<Tracing>,
    /// Layers of every function that has none of its own.
    pub layers: Option<List<Value>>,
    /// Runtime update mode: `auto`, `onFunctionUpdate`, or `{mode: manual, arn}`.
    pub runtime_management: Option<Value>,
    /// Version hash algorithm (`20201221` is the default; `20200924` is legacy).
    pub lambda_hashing_version: Option<Value>,
    /// AWS profile (deploy time only).
    pub profile: Option<Value>,
    /// Stack parameters (deploy time only).
    pub stack_parameters: Option<Value>,
    /// Stack policy (deploy time only).
    pub stack_policy: Option<Value>,
    /// SNS topics notified of stack events (deploy time only).
    pub notification_arns: Option<Value>,
    /// Rollback triggers (deploy time only).
    pub rollback_configuration: Option<Value>,
    /// Disable rollback (deploy time only).
    pub disable_rollback: Option<Value>,
    /// `changesets` or `direct` (deploy time only).
    pub deployment_method: Option<Value>,
    /// REST API name.
    pub api_name: Option<Value>,
    /// REST API endpoint type.
    pub endpoint_type: Option<Value>,
    /// REST API VPC endpoints.
    pub vpc_endpoint_ids: Option<Value>,
    /// REST API (API Gateway v1) settings.
    pub api_gateway: Option<Value>,
    /// HTTP API (API Gateway v2) settings.
    pub http_api: Option<Value>,
    /// Logging of API Gateway, HTTP API, websockets and framework Lambdas.
    pub logs: Option<Value>,
    /// WebSocket API name.
    pub websockets_api_name: Option<Value>,
    /// WebSocket route selection expression.
    pub websockets_api_route_selection_expression: Option<Value>,
    /// WebSocket API description.
    pub websockets_description: Option<Value>,
    /// WebSocket settings.
    pub websocket: Option<Value>,
    /// EventBridge settings.
    pub event_bridge: Option<Value>,
    /// Application Load Balancer settings.
    pub alb: Option<Value>,
    /// CloudFront settings.
    pub cloud_front: Option<Value>,
    /// Buckets for `s3` events, by reference.
    pub s3: Option<Value>,
    /// Container images built and pushed by Serverless.
    pub ecr: Option<Value>,
    /// Kinesis settings.
    pub kinesis: Option<Value>,
}

/// `provider.iam`.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Iam {
    /// The execution role: an existing role (ARN, logical id, `Fn::GetAtt`, `Fn::Sub`,
    /// `Fn::ImportValue`) or settings of the generated one.
    pub role: Option<Value>,
    /// The role CloudFormation deploys with.
    pub deployment_role: Option<Value>,
}

/// Settings of the generated execution role (`provider.iam.role` as an object).
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct IamRole {
    /// RoleName (default `<service>-<stage>-<region>-lambdaRole`).
    pub name: Option<Value>,
    /// Path (default `/`).
    pub path: Option<Value>,
    /// Managed policy ARNs.
    pub managed_policies: Option<Vec<Value>>,
    /// IAM statements added to the role's policy.
    pub statements: Option<Vec<Statement>>,
    /// Permissions boundary ARN.
    pub permissions_boundary: Option<Value>,
    /// Permissions boundary ARN (alternative spelling).
    #[schemars(extend("deprecated" = true))]
    pub permission_boundary: Option<Value>,
    /// Role tags.
    pub tags: Option<StrMap>,
}

/// `provider.tracing`.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Tracing {
    /// Lambda tracing: `Active`, `PassThrough` or a boolean.
    pub lambda: Option<Value>,
    /// API Gateway tracing (no template effect).
    pub api_gateway: Option<Value>,
}

/// `functions.<key>`.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Function {
    /// The handler: `file.function` (e.g. `index.handler`).
    pub handler: Option<String>,
    /// A container image instead of a handler: an ECR URI with digest, or `{uri, command, entryPoint, workingDirectory}`.
    pub image: Option<Value>,
    /// The deployed function name (default `<service>-<stage>-<key>`).
    pub name: Option<String>,
    /// Description of the function and its versions (at most 256 characters). Serverless v3
    /// only warns about a non-string value and passes it through (e.g. a `Fn::Sub`).
    pub description: Option<Value>,
    /// Runtime (default: the provider's).
    pub runtime: Option<String>,
    /// Memory in MB (default: the provider's, else 1024).
    pub memory_size: Option<Num>,
    /// Timeout in seconds (default: the provider's, else 6).
    pub timeout: Option<Num>,
    /// `x86_64` or `arm64`.
    pub architecture: Option<String>,
    /// Runtime update mode.
    pub runtime_management: Option<Value>,
    /// Environment variables (merged over the provider's).
    pub environment: Option<StrMap>,
    /// Tags (merged over the provider's).
    pub tags: Option<StrMap>,
    /// An existing role for this function.
    #[serde(default)]
    pub role: Maybe<Value>,
    /// VPC settings; `null` or `false` opts out of the provider's.
    #[serde(default)]
    pub vpc: Maybe<Value>,
    /// Layers (replace the provider's).
    pub layers: Option<List<Value>>,
    /// KMS key for environment variables.
    pub kms_key_arn: Option<Value>,
    /// Accepted but unused by Serverless v3.
    pub aws_kms_key_arn: Option<Value>,
    /// X-Ray tracing: `Active`, `PassThrough` or a boolean.
    pub tracing: Option<Value>,
    /// Dead-letter SNS topic ARN.
    pub on_error: Option<Value>,
    /// Asynchronous invocation destinations.
    pub destinations: Option<Destinations>,
    /// Maximum age of an asynchronous event (60-21600 s).
    pub maximum_event_age: Option<Num>,
    /// Retries of an asynchronous event (0-2).
    pub maximum_retry_attempts: Option<Num>,
    /// Reserved concurrency (0 allowed).
    pub reserved_concurrency: Option<Value>,
    /// Provisioned concurrency (creates an alias named `provisioned`).
    pub provisioned_concurrency: Option<Value>,
    /// SnapStart on published versions.
    pub snap_start: Option<bool>,
    /// A function URL: `true` or `{authorizer, cors, invokeMode}`.
    pub url: Option<Value>,
    /// /tmp size in MB (512-10240).
    pub ephemeral_storage_size: Option<Num>,
    /// An EFS access point: `{arn, localMountPath}` (needs a VPC).
    pub file_system_config: Option<Value>,
    /// Create no log group for this function.
    pub disable_logs: Option<bool>,
    /// Retention of this function's log group.
    pub log_retention_in_days: Option<Num>,
    /// Data protection policy of this function's log group.
    pub log_data_protection_policy: Option<Value>,
    /// A CloudFormation condition for the function resource.
    pub condition: Option<Value>,
    /// Logical ids the function resource depends on.
    pub depends_on: Option<List<Value>>,
    /// Publish versions of this function (overrides `provider.versionFunctions`).
    pub version_function: Option<bool>,
    /// Packaging of this function.
    pub package: Option<Package>,
    /// Triggers.
    pub events: Option<Vec<Value>>,
    /// HTTP API settings of this function.
    pub http_api: Option<Value>,
    /// serverless-iam-roles-per-function: statements of this function's own role.
    pub iam_role_statements: Option<Vec<Statement>>,
    /// serverless-iam-roles-per-function: add the provider's statements to this function's role.
    pub iam_role_statements_inherit: Option<bool>,
    /// serverless-iam-roles-per-function: the name of this function's role.
    pub iam_role_statements_name: Option<String>,
    /// serverless-iam-roles-per-function: the permissions boundary of this function's role.
    pub iam_permissions_boundary: Option<Value>,
}

/// `functions.<key>.destinations`.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Destinations {
    /// On success: a function key, an ARN, or `{type, arn}`.
    pub on_success: Option<Value>,
    /// On failure: a function key, an ARN, or `{type, arn}`.
    pub on_failure: Option<Value>,
}

/// `package` (service, function or layer).
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Package {
    /// Glob patterns; `!` excludes.
    pub patterns: Option<List<String>>,
    /// Legacy includes (use `patterns`).
    #[schemars(extend("deprecated" = true))]
    pub include: Option<List<String>>,
    /// Legacy excludes (use `patterns`).
    #[schemars(extend("deprecated" = true))]
    pub exclude: Option<List<String>>,
    /// A prebuilt zip to deploy as is.
    pub artifact: Option<String>,
    /// One zip per function.
    pub individually: Option<bool>,
    /// Leave out dev dependencies (default true).
    pub exclude_dev_dependencies: Option<bool>,
    /// Where `serverless package` writes artifacts.
    pub path: Option<String>,
    /// Do not package this function.
    pub disable: Option<bool>,
}

/// `layers.<key>`.
#[derive(Clone, Debug, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Layer {
    /// The folder whose files make the layer.
    pub path: Option<String>,
    /// LayerName (default: the key).
    pub name: Option<String>,
    /// Description (at most 256 characters).
    pub description: Option<String>,
    /// License (at most 512 characters).
    pub license_info: Option<String>,
    /// Compatible runtimes.
    pub compatible_runtimes: Option<List<Str>>,
    /// Compatible architectures.
    pub compatible_architectures: Option<List<Str>>,
    /// Accounts allowed to use the layer (`*` for everyone).
    pub allowed_accounts: Option<List<Str>>,
    /// Keep old layer versions.
    pub retain: Option<bool>,
    /// Packaging of the layer.
    pub package: Option<Package>,
}
