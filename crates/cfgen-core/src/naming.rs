//! Every logical id and generated name, in one place (Serverless v3's `lib/plugins/aws/lib/naming.js`).

/// `_.upperFirst`.
pub fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// `getNormalizedFunctionName`: `-` to `Dash`, `_` to `Underscore`, then upperFirst.
pub fn normalize_name_dash_underscore(s: &str) -> String {
    upper_first(&s.replace('-', "Dash").replace('_', "Underscore"))
}

/// `normalizeNameToAlphaNumericOnly`: drop everything but `[0-9A-Za-z]`, then upperFirst.
pub fn normalize_alphanumeric(s: &str) -> String {
    upper_first(&s.chars().filter(char::is_ascii_alphanumeric).collect::<String>())
}

/// The normalized function key (`F` in the inventory).
pub fn function(key: &str) -> String {
    normalize_name_dash_underscore(key)
}

pub fn lambda_function(key: &str) -> String {
    format!("{}LambdaFunction", function(key))
}

pub fn log_group(key: &str) -> String {
    format!("{}LogGroup", function(key))
}

pub fn log_group_name(function_name: &str) -> String {
    format!("/aws/lambda/{function_name}")
}

/// `<F>LambdaVersion<digest without non-alphanumerics>`.
pub fn lambda_version(key: &str, digest_base64: &str) -> String {
    let d: String = digest_base64.chars().filter(char::is_ascii_alphanumeric).collect();
    format!("{}LambdaVersion{d}", function(key))
}

pub fn lambda_version_output(key: &str) -> String {
    format!("{}LambdaFunctionQualifiedArn", function(key))
}

pub fn provisioned_concurrency_alias(key: &str) -> String {
    format!("{}ProvConcLambdaAlias", function(key))
}

pub fn snap_start_alias(key: &str) -> String {
    format!("{}SnapStartLambdaAlias", function(key))
}

pub fn function_url(key: &str) -> String {
    format!("{}LambdaFunctionUrl", function(key))
}

pub fn function_url_permission(key: &str) -> String {
    format!("{}LambdaPermissionFnUrl", function(key))
}

pub fn event_invoke_config(key: &str) -> String {
    format!("{}LambdaEvConf", function(key))
}

pub const ROLE: &str = "IamRoleLambdaExecution";
pub const DEPLOYMENT_BUCKET: &str = "ServerlessDeploymentBucket";
pub const DEPLOYMENT_BUCKET_POLICY: &str = "ServerlessDeploymentBucketPolicy";
pub const DEPLOYMENT_BUCKET_OUTPUT: &str = "ServerlessDeploymentBucketName";
pub const PROVISIONED_ALIAS_NAME: &str = "provisioned";
pub const SNAP_START_ALIAS_NAME: &str = "snapstart";

/// `<normalized layer key>LambdaLayer`.
pub fn layer(key: &str) -> String {
    format!("{}LambdaLayer", normalize_name_dash_underscore(key))
}

/// `<L><account with * as Wild>LambdaLayerPermission`.
pub fn layer_permission(key: &str, account: &str) -> String {
    format!("{}{}LambdaLayerPermission", normalize_name_dash_underscore(key), account.replace('*', "Wild"))
}

pub fn layer_output(key: &str) -> String {
    format!("{}LambdaLayerQualifiedArn", normalize_name_dash_underscore(key))
}

pub fn layer_hash_output(key: &str) -> String {
    format!("{}LambdaLayerHash", normalize_name_dash_underscore(key))
}

pub fn layer_s3_key_output(key: &str) -> String {
    format!("{}LambdaLayerS3Key", normalize_name_dash_underscore(key))
}

/// Default function name.
pub fn function_name(service: &str, stage: &str, key: &str) -> String {
    format!("{service}-{stage}-{key}")
}

pub fn service_artifact(service: &str) -> String {
    format!("{service}.zip")
}

pub fn function_artifact(key: &str) -> String {
    format!("{key}.zip")
}

pub fn layer_artifact(key: &str) -> String {
    format!("{key}.zip")
}

/// `<prefix>/<service>/<stage>/<dir>`: the S3 folder of this build's artifacts.
pub fn artifact_directory(prefix: &str, service: &str, stage: &str, dir: &str) -> String {
    format!("{prefix}/{service}/{stage}/{dir}")
}

/// The export name Serverless gives every generated output.
pub fn output_export(service: &str, stage: &str, key: &str) -> String {
    format!("sls-{service}-{stage}-{key}")
}

/// Default stack name.
pub fn stack_name(service: &str, stage: &str) -> String {
    format!("{service}-{stage}")
}

// ---- events: REST API (`http`) names go below this line ----

pub const REST_API: &str = "ApiGatewayRestApi";
pub const REST_API_LOG_GROUP: &str = "ApiGatewayLogGroup";
pub const REST_API_CLOUD_WATCH_ROLE: &str = "CustomApiGatewayAccountCloudWatchRole";

/// `getApiGatewayName`: `provider.apiName`, else `<stage>-<service>` (or `<service>-<stage>`
/// with `apiGateway.shouldStartNameWithService`).
pub fn rest_api_name(service: &str, stage: &str, start_with_service: bool) -> String {
    if start_with_service {
        format!("{service}-{stage}")
    } else {
        format!("{stage}-{service}")
    }
}

/// `normalizePathPart`: `_.capitalize` (rest lowercased), `-` to `Dash`, `{x}` to `xVar`
/// (greedy), drop non-alphanumerics, upperFirst.
pub fn rest_path_part(part: &str) -> String {
    let mut c = part.chars();
    let cap = match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + &c.as_str().to_lowercase(),
        None => String::new(),
    };
    let mut s = cap.replace('-', "Dash");
    if let (Some(open), Some(close)) = (s.find('{'), s.rfind('}')) {
        if open < close {
            s = format!("{}{}Var{}", &s[..open], &s[open + 1..close], &s[close + 1..]);
        }
    }
    upper_first(&s.chars().filter(char::is_ascii_alphanumeric).collect::<String>())
}

/// `normalizePath`: every `/`-separated part normalized, joined.
pub fn rest_path(path: &str) -> String {
    path.split('/').map(rest_path_part).collect()
}

/// `ApiGatewayResource<normalizePath(path)>`.
pub fn rest_resource(path: &str) -> String {
    format!("ApiGatewayResource{}", rest_path(path))
}

/// `ApiGatewayMethod<resource name><Method>`.
pub fn rest_method(resource_name: &str, method: &str) -> String {
    format!("ApiGatewayMethod{resource_name}{}", upper_first(&method.to_lowercase()))
}

/// `<normalized name>ApiGatewayAuthorizer`.
pub fn rest_authorizer(name: &str) -> String {
    format!("{}ApiGatewayAuthorizer", normalize_name_dash_underscore(name))
}

/// `extractAuthorizerNameFromArn`: the last `-` part of the last `:` part.
pub fn authorizer_name_from_arn(arn: &str) -> String {
    let last = arn.rsplit(':').next().unwrap_or(arn);
    last.rsplit('-').next().unwrap_or(last).to_string()
}

/// `<normalized function or authorizer name>LambdaPermissionApiGateway`.
pub fn rest_permission(name: &str) -> String {
    format!("{}LambdaPermissionApiGateway", normalize_name_dash_underscore(name))
}

/// `ApiGateway<alphanumeric service>RequestValidator`.
pub fn rest_request_validator(service: &str) -> String {
    format!("ApiGateway{}RequestValidator", normalize_alphanumeric(service))
}

pub fn rest_request_validator_name(service: &str, stage: &str) -> String {
    format!("{service}-{stage} | Validate request body and querystring parameters")
}

/// `ApiGateway<upperFirst(camelCase(schema id))>Model`.
pub fn rest_provider_model(schema_id: &str) -> String {
    format!("ApiGateway{}Model", upper_first(&lodash_camel_case(schema_id)))
}

/// `<method id><startCase(content type) without spaces>Model`.
pub fn rest_endpoint_model(resource_name: &str, method: &str, content_type: &str) -> String {
    let start: String = lodash_words(content_type).iter().map(|w| upper_first(w)).collect();
    format!("{}{start}Model", rest_method(resource_name, method))
}

/// `ApiGatewayApiKey[<Plan>]<n>`.
pub fn rest_api_key(n: usize, plan: Option<&str>) -> String {
    format!("ApiGatewayApiKey{}{n}", plan.map(upper_first).unwrap_or_default())
}

/// `ApiGatewayUsagePlan[<Plan>]`.
pub fn rest_usage_plan(plan: Option<&str>) -> String {
    format!("ApiGatewayUsagePlan{}", plan.map(upper_first).unwrap_or_default())
}

/// `ApiGatewayUsagePlanKey[<Plan>]<n>`.
pub fn rest_usage_plan_key(n: usize, plan: Option<&str>) -> String {
    format!("ApiGatewayUsagePlanKey{}{n}", plan.map(upper_first).unwrap_or_default())
}

/// `ApiGatewayDeployment<instanceId>`.
pub fn rest_deployment(instance_id: &str) -> String {
    format!("ApiGatewayDeployment{instance_id}")
}

pub fn rest_log_group_name(service: &str, stage: &str) -> String {
    format!("/aws/api-gateway/{service}-{stage}")
}

/// lodash `_.words` for ASCII text: runs of letters split at lower-to-upper changes and before
/// the last capital of a capital run followed by a lowercase letter, digit runs on their own;
/// everything else separates.
pub fn lodash_words(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut words = Vec::new();
    let mut cur = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let prev = if i > 0 { Some(chars[i - 1]) } else { None };
        let next = chars.get(i + 1).copied();
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let boundary = match prev {
            Some(p) if p.is_ascii_alphanumeric() => {
                (p.is_ascii_digit() != c.is_ascii_digit())
                    || (p.is_ascii_lowercase() && c.is_ascii_uppercase())
                    || (p.is_ascii_uppercase() && c.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
            }
            _ => false,
        };
        if boundary && !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        cur.push(c);
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// lodash `_.camelCase`.
pub fn lodash_camel_case(s: &str) -> String {
    lodash_words(s)
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let lower = w.to_lowercase();
            if i == 0 {
                lower
            } else {
                upper_first(&lower)
            }
        })
        .collect()
}

// ---- end of REST API names ----

// ---- events: HTTP API (`httpApi`) and `websocket` names go below this line ----

// ---- end of HTTP API / websocket names ----

// ---- events: schedule, s3, sns, sqs, stream, cloudwatch, eventBridge names go below this line ----

// ---- end of schedule..eventBridge names ----

// ---- events: alb, alexa, iot, cognito, kafka, msk, mq, cloudFront names go below this line ----

// ---- end of alb..cloudFront names ----

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_serverless() {
        assert_eq!(function("my-func_name"), "MyDashfuncUnderscorename");
        assert_eq!(function("1_abc"), "1Underscoreabc");
        assert_eq!(normalize_alphanumeric("my-photos-bucket"), "Myphotosbucket");
        assert_eq!(layer_permission("my-layer", "*"), "MyDashlayerWildLambdaLayerPermission");
        assert_eq!(lambda_version("basic", "P15U/a2+NZ="), "BasicLambdaVersionP15Ua2NZ");
        assert_eq!(rest_path("users/{userId}/orders_list"), "UsersUseridVarOrderslist");
        assert_eq!(rest_path("{proxy+}"), "ProxyVar");
        assert_eq!(rest_path("my-path/v1.0"), "MyDashpathV10");
        assert_eq!(rest_method("", "get"), "ApiGatewayMethodGet");
        assert_eq!(authorizer_name_from_arn("arn:aws:cognito-idp:us-east-1:1:userpool/us-east-1_abc"), "1_abc");
        assert_eq!(rest_provider_model("post-create-model"), "ApiGatewayPostCreateModelModel");
        assert_eq!(rest_endpoint_model("Users", "post", "application/json"), "ApiGatewayMethodUsersPostApplicationJsonModel");
        assert_eq!(lodash_words("XMLHttpRequest2x"), vec!["XML", "Http", "Request", "2", "x"]);
    }
}
