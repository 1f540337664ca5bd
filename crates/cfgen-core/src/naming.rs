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
    // One pass (every logical id of a function goes through here).
    let mut out = String::with_capacity(s.len() + 8);
    for (i, c) in s.chars().enumerate() {
        match c {
            '-' => out.push_str("Dash"),
            '_' => out.push_str("Underscore"),
            c if i == 0 => out.extend(c.to_uppercase()),
            c => out.push(c),
        }
    }
    out
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

/// serverless-plugin-warmup: the key of warmer `warmer`'s function (`warmUpPlugin<Warmer>`).
pub fn warmer_function(warmer: &str) -> String {
    format!("warmUpPlugin{}", upper_first(warmer))
}

/// serverless-plugin-warmup: the logical id of warmer `warmer`'s role.
pub fn warmer_role(warmer: &str) -> String {
    format!("WarmUpPlugin{}Role", upper_first(warmer))
}

/// serverless-plugin-warmup: the default name of warmer `warmer`'s function.
pub fn warmer_function_name(service: &str, stage: &str, warmer: &str) -> String {
    format!("{service}-{stage}-warmup-plugin-{warmer}")
}

/// serverless-plugin-aws-alerts: the logical id of dashboard `template` (`default` or
/// `vertical`).
pub fn alerts_dashboard(template: &str) -> String {
    if template == "default" {
        "AlertsDashboard".into()
    } else {
        format!("AlertsDashboard{template}")
    }
}

/// serverless-plugin-aws-alerts: the name of dashboard `template`.
pub fn alerts_dashboard_name(service: &str, stage: &str, region: &str, template: &str) -> String {
    if template == "default" {
        format!("{service}-{stage}-{region}")
    } else {
        format!("{service}-{stage}-{region}-{template}")
    }
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

/// [`rest_path`] of `<parent>/<part>`, from the parent's: the parts normalize one by one, so
/// a tree walked parents first costs one normalization per segment, however deep.
pub fn rest_path_child(parent_name: &str, part: &str) -> String {
    parent_name.to_string() + &rest_path_part(part)
}

/// `ApiGatewayResource<normalizePath(path)>`.
pub fn rest_resource(path: &str) -> String {
    rest_resource_named(&rest_path(path))
}

/// `ApiGatewayResource<name>`, for a name already normalized ([`rest_path`]).
pub fn rest_resource_named(name: &str) -> String {
    format!("ApiGatewayResource{name}")
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

/// `normalizePathPart`: `_.capitalize` (first char upper, the rest LOWERCASED), `-` to `Dash`,
/// `{x}` to `xVar` (greedy), then only `[0-9A-Za-z]`.
fn http_api_path_part(part: &str) -> String {
    let mut chars = part.chars();
    let capitalized = match chars.next() {
        Some(f) => f.to_uppercase().collect::<String>() + &chars.as_str().to_lowercase(),
        None => String::new(),
    };
    let dashed = capitalized.replace('-', "Dash");
    let braced = match (dashed.find('{'), dashed.rfind('}')) {
        (Some(open), Some(close)) if open < close => format!("{}{}Var{}", &dashed[..open], &dashed[open + 1..close], &dashed[close + 1..]),
        _ => dashed,
    };
    upper_first(&braced.chars().filter(char::is_ascii_alphanumeric).collect::<String>())
}

/// `normalizePath` of an HTTP API route key (`GET /users/{id}` -> `GetUsersIdVar`).
pub fn http_api_normalize_route(route_key: &str) -> String {
    route_key.split('/').map(http_api_path_part).collect()
}

pub const HTTP_API: &str = "HttpApi";
pub const HTTP_API_STAGE: &str = "HttpApiStage";
pub const HTTP_API_LOG_GROUP: &str = "HttpApiLogGroup";
pub const HTTP_API_ID_OUTPUT: &str = "HttpApiId";
pub const HTTP_API_URL_OUTPUT: &str = "HttpApiUrl";

/// `getHttpApiName`: `provider.httpApi.name`, else `<stage>-<service>` (or `<service>-<stage>`
/// with `shouldStartNameWithService`).
pub fn http_api_name(name: Option<&str>, service: &str, stage: &str, start_with_service: bool) -> String {
    match name {
        Some(n) => n.to_string(),
        None if start_with_service => format!("{service}-{stage}"),
        None => format!("{stage}-{service}"),
    }
}

/// `/aws/http-api/<stack name>`.
pub fn http_api_log_group_name(stack_name: &str) -> String {
    format!("/aws/http-api/{stack_name}")
}

pub fn http_api_integration(key: &str) -> String {
    format!("HttpApiIntegration{}", function(key))
}

/// `HttpApiRoute<normalizePath(routeKey)>`; the catch-all `*` is `HttpApiRouteDefault`.
pub fn http_api_route(route_key: &str) -> String {
    if route_key == "*" {
        return "HttpApiRouteDefault".to_string();
    }
    format!("HttpApiRoute{}", http_api_normalize_route(route_key))
}

pub fn http_api_authorizer(name: &str) -> String {
    format!("HttpApiAuthorizer{}", normalize_name_dash_underscore(name))
}

pub fn http_api_permission(key: &str) -> String {
    format!("{}LambdaPermissionHttpApi", function(key))
}

pub fn http_api_authorizer_permission(name: &str) -> String {
    format!("{}LambdaAuthorizerPermissionHttpApi", normalize_name_dash_underscore(name))
}

pub const WEBSOCKETS_API: &str = "WebsocketsApi";
pub const WEBSOCKETS_STAGE: &str = "WebsocketsDeploymentStage";
pub const WEBSOCKETS_LOG_GROUP: &str = "WebsocketsLogGroup";
pub const WEBSOCKETS_ENDPOINT_OUTPUT: &str = "ServiceEndpointWebsocket";

/// `getWebsocketsApiName`: `provider.websocketsApiName`, else `<stage>-<service>-websockets`.
pub fn websockets_api_name(name: Option<&str>, service: &str, stage: &str) -> String {
    match name {
        Some(n) => n.to_string(),
        None => format!("{stage}-{service}-websockets"),
    }
}

pub fn websockets_log_group_name(service: &str, stage: &str) -> String {
    format!("/aws/websocket/{service}-{stage}")
}

pub fn websockets_integration(key: &str) -> String {
    format!("{}WebsocketsIntegration", function(key))
}

pub fn websockets_permission(key: &str) -> String {
    format!("{}LambdaPermissionWebsockets", function(key))
}

/// `getNormalizedWebsocketsRouteKey`: `$` `/` `-` `_` `.` spelled out; no upperFirst.
pub fn websockets_route_key(route: &str) -> String {
    route.replace('$', "S").replace('/', "Slash").replace('-', "Dash").replace('_', "Underscore").replace('.', "Period")
}

pub fn websockets_route(route: &str) -> String {
    format!("{}WebsocketsRoute", websockets_route_key(route))
}

pub fn websockets_route_response(route: &str) -> String {
    format!("{}WebsocketsRouteResponse", websockets_route_key(route))
}

pub fn websockets_authorizer(name: &str) -> String {
    format!("{}WebsocketsAuthorizer", normalize_name_dash_underscore(name))
}

/// `WebsocketsDeployment<base64 sha256 without non-alphanumerics>`.
pub fn websockets_deployment(digest_base64: &str) -> String {
    let d: String = digest_base64.chars().filter(char::is_ascii_alphanumeric).collect();
    format!("WebsocketsDeployment{d}")
}

// ---- serverless-lift (the AWS CDK) ------------------------------------------------------------

/// The CDK's logical id for a construct path (`makeUniqueId`): the path's components without
/// `Default`, de-duplicated and without `Resource`, stripped to letters and digits, then the
/// first 8 hex digits (upper case) of the MD5 of the path.
pub fn cdk_id(path: &[&str]) -> String {
    use md5::{Digest, Md5};
    let comps: Vec<&str> = path.iter().copied().filter(|c| *c != "Default").collect();
    let alnum = |s: &str| s.chars().filter(char::is_ascii_alphanumeric).collect::<String>();
    if comps.len() == 1 {
        let c = alnum(comps[0]);
        if c.len() <= 255 {
            return c;
        }
    }
    let digest = Md5::digest(comps.join("/").as_bytes());
    let hash: String = digest.iter().take(4).map(|b| format!("{b:02X}")).collect();
    let mut deduped: Vec<&str> = Vec::new();
    for c in &comps {
        if deduped.last().is_none_or(|l| !l.ends_with(c)) {
            deduped.push(c);
        }
    }
    let human: String = deduped.iter().filter(|c| **c != "Resource").map(|c| alnum(c)).collect();
    let human: String = human.chars().take(240).collect();
    format!("{human}{hash}")
}

/// Lift's `ensureNameMaxLength`: a name over `max` characters keeps its start and ends with `-`
/// and the first six hex digits of its MD5.
pub fn ensure_name_max_length(name: &str, max: usize) -> String {
    use md5::{Digest, Md5};
    if name.chars().count() <= max {
        return name.to_string();
    }
    let suffix = crate::compile::hex(&Md5::digest(name.as_bytes()));
    let start: String = name.chars().take(max - 7).collect();
    format!("{start}-{}", &suffix[..6])
}

#[cfg(test)]
mod http_api_tests {
    use super::*;

    #[test]
    fn routes_and_websocket_keys_follow_serverless() {
        assert_eq!(http_api_route("GET /users/{userId}"), "HttpApiRouteGetUsersUseridVar");
        assert_eq!(http_api_route("PATCH /users/{userId}/orders_list"), "HttpApiRoutePatchUsersUseridVarOrderslist");
        assert_eq!(http_api_route("ANY /proxy/{proxy+}"), "HttpApiRouteAnyProxyProxyVar");
        assert_eq!(http_api_route("GET /"), "HttpApiRouteGet");
        assert_eq!(http_api_route("GET /my-path/v1.0"), "HttpApiRouteGetMyDashpathV10");
        assert_eq!(http_api_route("*"), "HttpApiRouteDefault");
        assert_eq!(websockets_route("$connect"), "SconnectWebsocketsRoute");
        assert_eq!(websockets_route_response("say-hello"), "sayDashhelloWebsocketsRouteResponse");
        assert_eq!(websockets_route("chat/send_message.v1"), "chatSlashsendUnderscoremessagePeriodv1WebsocketsRoute");
    }
}

// ---- end of HTTP API / websocket names ----

// ---- events: schedule, s3, sns, sqs, stream, cloudwatch, eventBridge names go below this line ----

/// `getScheduleId`: the raw function key (not normalized).
pub fn schedule_target_id(key: &str) -> String {
    format!("{key}Schedule")
}

pub fn schedule_rule(key: &str, n: usize) -> String {
    format!("{}EventsRuleSchedule{n}", function(key))
}

pub fn scheduler_schedule(key: &str, n: usize) -> String {
    format!("{}SchedulerSchedule{n}", function(key))
}

pub fn schedule_permission(key: &str, n: usize) -> String {
    format!("{}LambdaPermissionEventsRuleSchedule{n}", function(key))
}

/// `getBucketLogicalId`.
pub fn s3_bucket(bucket: &str) -> String {
    format!("S3Bucket{}", normalize_alphanumeric(bucket))
}

pub fn s3_permission(key: &str, bucket: &str) -> String {
    format!("{}LambdaPermission{}S3", function(key), normalize_alphanumeric(bucket))
}

/// `getCustomResourceS3ResourceLogicalId` (the `1` is kept for backwards compatibility).
pub fn s3_custom_resource(key: &str) -> String {
    format!("{}CustomS31", function(key))
}

pub fn sns_topic(topic: &str) -> String {
    format!("SNSTopic{}", normalize_alphanumeric(topic))
}

pub fn sns_permission(key: &str, topic: &str) -> String {
    format!("{}LambdaPermission{}SNS", function(key), normalize_alphanumeric(topic))
}

pub fn sns_subscription(key: &str, topic: &str) -> String {
    format!("{}SnsSubscription{}", function(key), normalize_alphanumeric(topic))
}

pub fn sns_dlq_policy(key: &str, topic: &str) -> String {
    format!("{}To{}DLQPolicy", normalize_alphanumeric(topic), function(key))
}

pub fn sqs_mapping(key: &str, queue: &str) -> String {
    format!("{}EventSourceMappingSQS{}", function(key), normalize_alphanumeric(queue))
}

/// `getStreamLogicalId`: the type is only upper-firsted.
pub fn stream_mapping(key: &str, ty: &str, stream: &str) -> String {
    format!("{}EventSourceMapping{}{}", function(key), upper_first(ty), normalize_alphanumeric(stream))
}

/// `getStreamConsumerName`.
pub fn stream_consumer_name(key: &str, stream: &str, service_stage: Option<(&str, &str)>) -> String {
    match service_stage {
        Some((service, stage)) => format!("{key}{stream}{service}{stage}Consumer"),
        None => format!("{key}{stream}Consumer"),
    }
}

pub fn stream_consumer(consumer_name: &str) -> String {
    format!("{}StreamConsumer", function(consumer_name))
}

pub fn cloudwatch_event_target_id(key: &str) -> String {
    format!("{key}CloudWatchEvent")
}

pub fn cloudwatch_event_rule(key: &str, n: usize) -> String {
    format!("{}EventsRuleCloudWatchEvent{n}", function(key))
}

pub fn cloudwatch_event_permission(key: &str, n: usize) -> String {
    format!("{}LambdaPermissionEventsRuleCloudWatchEvent{n}", function(key))
}

pub fn cloudwatch_log_filter(key: &str, n: usize) -> String {
    format!("{}LogsSubscriptionFilterCloudWatchLog{n}", function(key))
}

pub fn cloudwatch_log_permission(key: &str) -> String {
    format!("{}LambdaPermissionLogsSubscriptionFilterCloudWatchLog", function(key))
}

/// `getEventBridgeEventBusLogicalId`.
pub fn event_bridge_bus(bus: &str) -> String {
    format!("{}EventBridgeEventBus", normalize_name_dash_underscore(bus))
}

pub fn event_bridge_rule(rule: &str) -> String {
    format!("{}EventBridgeRule", normalize_alphanumeric(rule))
}

pub fn event_bridge_permission(key: &str, idx: usize) -> String {
    format!("{}EventBridgeLambdaPermission{idx}", function(key))
}

pub fn event_bridge_custom_resource(key: &str, idx: usize) -> String {
    format!("{}CustomEventBridge{idx}", function(key))
}

// ---- end of schedule..eventBridge names ----

// ---- events: alb, alexa, iot, cognito, kafka, msk, mq, cloudFront names go below this line ----

pub fn alexa_skill_permission(key: &str, n: usize) -> String {
    format!("{}LambdaPermissionAlexaSkill{n}", function(key))
}

pub fn alexa_smart_home_permission(key: &str, n: usize) -> String {
    format!("{}LambdaPermissionAlexaSmartHome{n}", function(key))
}

pub fn iot_topic_rule(key: &str, n: usize) -> String {
    format!("{}IotTopicRule{n}", function(key))
}

pub fn iot_topic_rule_permission(key: &str, n: usize) -> String {
    format!("{}LambdaPermissionIotTopicRule{n}", function(key))
}

pub fn iot_provisioning_template(key: &str) -> String {
    format!("{}IotProvisioningTemplate", function(key))
}

pub fn iot_provisioning_template_permission(key: &str) -> String {
    format!("{}LambdaPermissionIotProvisioningTemplate", function(key))
}

pub fn cognito_user_pool(pool: &str) -> String {
    format!("CognitoUserPool{}", normalize_alphanumeric(pool))
}

pub fn cognito_user_pool_permission(key: &str, pool: &str, trigger: &str) -> String {
    format!(
        "{}LambdaPermissionCognitoUserPool{}TriggerSource{}",
        function(key),
        normalize_alphanumeric(pool),
        normalize_alphanumeric(trigger)
    )
}

pub fn custom_cognito_user_pool(key: &str) -> String {
    format!("{}CustomCognitoUserPool1", function(key))
}

fn truncated(s: String, n: usize) -> String {
    s.chars().take(n).collect()
}

pub fn msk_event_source_mapping(key: &str, cluster: &str, topic: &str) -> String {
    format!(
        "{}EventSourceMappingMSK{}{}",
        function(key),
        truncated(normalize_alphanumeric(cluster), 79),
        truncated(normalize_alphanumeric(topic), 79)
    )
}

pub fn kafka_event_source_mapping(key: &str, topic: &str) -> String {
    format!("{}EventSourceMappingKafka{}", function(key), truncated(normalize_alphanumeric(topic), 158))
}

pub fn activemq_event_source_mapping(key: &str, queue: &str) -> String {
    format!("{}EventSourceMappingActiveMQ{}", function(key), truncated(normalize_alphanumeric(queue), 150))
}

pub fn rabbitmq_event_source_mapping(key: &str, queue: &str) -> String {
    format!("{}EventSourceMappingRabbitMQ{}", function(key), truncated(normalize_alphanumeric(queue), 150))
}

pub fn alb_target_group(key: &str, alb_id: &str, multi_value: bool) -> String {
    format!("{}Alb{}TargetGroup{alb_id}", function(key), if multi_value { "MultiValue" } else { "" })
}

/// The `Name` tag of an ALB target group: `<service>-<key>-<albId>-[multi-value-]<stage>`.
pub fn alb_target_group_name_tag(service: &str, key: &str, alb_id: &str, multi_value: bool, stage: &str) -> String {
    format!("{service}-{key}-{alb_id}-{}{stage}", if multi_value { "multi-value-" } else { "" })
}

/// `provider.alb.targetGroupPrefix` + md5 hex of the name tag, cut to 32 characters.
pub fn alb_target_group_name(prefix: &str, name_tag: &str) -> String {
    use md5::{Digest, Md5};
    let digest = crate::compile::hex(&Md5::digest(name_tag.as_bytes()));
    truncated(format!("{prefix}{digest}"), 32)
}

pub fn alb_listener_rule(key: &str, priority: &str) -> String {
    format!("{}AlbListenerRule{priority}", function(key))
}

pub fn alb_permission(key: &str) -> String {
    format!("{}LambdaPermissionAlb", function(key))
}

pub fn alb_register_target_permission(key: &str) -> String {
    format!("{}LambdaPermissionRegisterTarget", function(key))
}

pub const CLOUD_FRONT_DISTRIBUTION: &str = "CloudFrontDistribution";
pub const CLOUD_FRONT_DISTRIBUTION_DOMAIN_NAME: &str = "CloudFrontDistributionDomainName";

pub fn lambda_at_edge_permission(key: &str) -> String {
    format!("{}InvokePermission", lambda_function(key))
}

pub fn cloud_front_cache_policy(name: &str) -> String {
    format!("CloudFrontCachePolicy{}", function(name))
}

pub fn cloud_front_cache_policy_name(service: &str, stage: &str, name: &str) -> String {
    format!("{service}-{stage}-{name}")
}

// ---- end of alb..cloudFront names ----

// ---- plugins: serverless-step-functions names go below this line ----

/// The plugin's `generateLogicalId`: `getNormalizedFunctionName(name) + suffix`.
fn sfn_logical_id(name: &str, suffix: &str) -> String {
    format!("{}{suffix}", normalize_name_dash_underscore(name))
}

/// A state machine's `id` or `name`, when it has one.
fn sfn_custom_id(machine: &serde_json::Value) -> Option<String> {
    ["id", "name"]
        .iter()
        .filter_map(|k| machine.get(*k))
        .find(|v| !matches!(v, serde_json::Value::Null | serde_json::Value::Bool(false)) && v.as_str() != Some(""))
        .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
}

/// `getStateMachineLogicalId`: `id || name` normalized, else `<Key>StepFunctionsStateMachine`.
pub fn sfn_state_machine(key: &str, machine: &serde_json::Value) -> String {
    match sfn_custom_id(machine) {
        Some(c) => sfn_logical_id(&c, ""),
        None => sfn_logical_id(key, "StepFunctionsStateMachine"),
    }
}

/// `getStateMachineOutputLogicalId`.
pub fn sfn_state_machine_output(key: &str, machine: &serde_json::Value) -> String {
    match sfn_custom_id(machine) {
        Some(c) => sfn_logical_id(&c, "Arn"),
        None => sfn_logical_id(key, "StepFunctionsStateMachineArn"),
    }
}

pub fn sfn_activity(name: &str) -> String {
    sfn_logical_id(name, "StepFunctionsActivity")
}

pub fn sfn_activity_output(name: &str) -> String {
    sfn_logical_id(name, "StepFunctionsActivityArn")
}

/// `getStateMachinePolicyName`.
pub fn sfn_policy_name(stage: &str, service: &str) -> String {
    format!("{stage}-{service}-statemachine")
}

/// `getScheduleLogicalId` / `getSchedulerScheduleLogicalId` (`n` counts from 1 per machine).
pub fn sfn_schedule(machine_key: &str, n: usize, scheduler: bool) -> String {
    let kind = if scheduler { "SchedulerSchedule" } else { "EventsRuleSchedule" };
    sfn_logical_id(machine_key, &format!("StepFunctions{kind}{n}"))
}

pub fn sfn_schedule_role(machine_key: &str) -> String {
    sfn_logical_id(machine_key, "ScheduleToStepFunctionsRole")
}

/// `getScheduleId`: the rule target id (the raw machine key).
pub fn sfn_schedule_target_id(machine_key: &str) -> String {
    format!("{machine_key}StepFunctionsSchedule")
}

pub fn sfn_schedule_policy_name(stage: &str, region: &str, service: &str, machine_key: &str) -> String {
    format!("{stage}-{region}-{service}-{machine_key}-schedule")
}

pub fn sfn_cloudwatch_event(machine_key: &str, n: usize) -> String {
    sfn_logical_id(machine_key, &format!("EventsRuleCloudWatchEvent{n}"))
}

pub fn sfn_cloudwatch_event_role(machine_key: &str) -> String {
    sfn_logical_id(machine_key, "EventToStepFunctionsRole")
}

pub fn sfn_cloudwatch_event_target_id(machine_key: &str) -> String {
    format!("{machine_key}CloudWatchEvent")
}

pub fn sfn_cloudwatch_event_policy_name(stage: &str, region: &str, service: &str, machine_key: &str) -> String {
    format!("{stage}-{region}-{service}-{machine_key}-event")
}

// ---- end of serverless-step-functions names ----

#[cfg(test)]
mod tests {
    use super::*;

    /// The one-pass normalisation is `upperFirst(key.replace(-, Dash).replace(_, Underscore))`.
    #[test]
    fn dash_underscore_normalisation_is_the_replace_chain() {
        for key in ["", "a", "-", "_", "-x", "_x", "a-b_c", "my_fn-2", "ßtraße", "éclair", "Ünder_score", "x--y__z", "1abc"] {
            let chain = upper_first(&key.replace('-', "Dash").replace('_', "Underscore"));
            assert_eq!(normalize_name_dash_underscore(key), chain, "{key:?}");
        }
        assert_eq!(normalize_name_dash_underscore("ßtraße"), "SStraße");
    }

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

    #[test]
    fn event_names_follow_serverless() {
        assert_eq!(cognito_user_pool("My Pool-1"), "CognitoUserPoolMyPool1");
        assert_eq!(
            cognito_user_pool_permission("pre", "My Pool-1", "PreSignUp"),
            "PreLambdaPermissionCognitoUserPoolMyPool1TriggerSourcePreSignUp"
        );
        assert_eq!(kafka_event_source_mapping("my-fn", "my.topic-1"), "MyDashfnEventSourceMappingKafkaMytopic1");
        assert_eq!(msk_event_source_mapping("f", &"c".repeat(100), "t").len(), "FEventSourceMappingMSK".len() + 79 + 1);
        assert_eq!(alb_target_group("web", "50dc6c495c0c9188", true), "WebAlbMultiValueTargetGroup50dc6c495c0c9188");
        let tag = alb_target_group_name_tag("svc", "web", "abc", false, "dev");
        assert_eq!(tag, "svc-web-abc-dev");
        assert_eq!(alb_target_group_name("", &tag).len(), 32);
        assert!(alb_target_group_name("a-very-long-target-group-prefix-", &tag).starts_with("a-very-long-target-group-prefix-"));
        assert_eq!(lambda_at_edge_permission("foo"), "FooLambdaFunctionInvokePermission");
        assert_eq!(cloud_front_cache_policy("my-policy"), "CloudFrontCachePolicyMyDashpolicy");
    }
}
