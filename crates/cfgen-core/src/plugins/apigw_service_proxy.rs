//! serverless-apigateway-service-proxy 2.2.2 (`package:compileEvents`, after the framework's
//! own events): `custom.apiGatewayServiceProxies` adds REST API methods that call Kinesis, SQS,
//! S3, SNS, DynamoDB or EventBridge directly. The plugin runs the framework's own `compileRestApi` and
//! `compileResources` over its paths (merging into the REST API functions' `http` events may
//! have made), adds one role per service and a method per proxy, then appends its methods to
//! the existing deployment's `DependsOn` (or creates the deployment and `ServiceEndpoint`).
//!
//! `cors` adds the framework's OPTIONS method per path (from the proxies' merged settings) and
//! the origin header on the proxy's own responses.
//!
//! Not compiled yet (an error): an external `provider.apiGateway.restApiId`.

use super::scalar_or_json as js_string;
use super::step_functions::merge_into;
use crate::compile::{Ctx, Template};
// A proxy's `cors`, as the plugin's `getCors` normalises it, has the shape of an http event's.
use crate::events::api_gateway::Cors;
use crate::json::json;
use crate::naming;
use cfgen_model::coerce::truthy;
use cfgen_syntax::{codes, Diagnostic};
use serde_json::{Map, Value};

/// The services cfgen compiles, in the order the plugin compiles them.
const SERVICES: [&str; 6] = ["kinesis", "sqs", "s3", "sns", "dynamodb", "eventbridge"];

struct Proxy {
    service: String,
    path: String,
    method: String,
    http: Map<String, Value>,
    cors: Option<Cors>,
}

impl Cors {
    /// The `Access-Control-Allow-Origin` value the proxy's own responses carry.
    fn response_origin(&self) -> String {
        match self.origins.as_ref().filter(|o| !o.is_empty()) {
            Some(o) => o.join(","),
            None => self.origin.clone().unwrap_or_else(|| "undefined".into()),
        }
    }
}

const DEFAULT_CORS_HEADERS: [&str; 6] =
    ["Content-Type", "X-Amz-Date", "Authorization", "X-Api-Key", "X-Amz-Security-Token", "X-Amz-User-Agent"];

fn strings(v: Option<&Value>) -> Option<Vec<String>> {
    v.and_then(Value::as_array).map(|a| a.iter().map(js_string).collect())
}

fn get_cors(c: &Value, method: &str) -> Cors {
    let upper = method.to_uppercase();
    match c {
        Value::Object(o) => {
            let mut methods = strings(o.get("methods")).unwrap_or_default();
            if !methods.iter().any(|m| m == "OPTIONS") {
                methods.push("OPTIONS".into());
            }
            if !methods.contains(&upper) {
                methods.push(upper);
            }
            Cors {
                origin: o.get("origin").filter(|v| !v.is_null()).map(js_string),
                origins: strings(o.get("origins")),
                methods,
                headers: strings(o.get("headers")).unwrap_or_else(|| DEFAULT_CORS_HEADERS.iter().map(|h| h.to_string()).collect()),
                allow_credentials: o.get("allowCredentials").is_some_and(truthy),
                max_age: o.get("maxAge").cloned(),
                cache_control: o.get("cacheControl").cloned(),
            }
        }
        _ => Cors {
            origin: Some("*".into()),
            origins: Some(vec!["*".into()]),
            methods: vec!["OPTIONS".into(), upper],
            headers: DEFAULT_CORS_HEADERS.iter().map(|h| h.to_string()).collect(),
            allow_credentials: false,
            max_age: None,
            cache_control: None,
        },
    }
}

fn read(ctx: &mut Ctx) -> Option<Vec<Proxy>> {
    let list = ctx.cfg.custom.as_ref().and_then(|c| c.get("apiGatewayServiceProxies")).cloned();
    let items = match list {
        None | Some(Value::Null) => return Some(Vec::new()),
        Some(Value::Array(a)) => a,
        Some(_) => {
            let d =
                Diagnostic::error(codes::INVALID_TYPE, "`custom.apiGatewayServiceProxies` must be a list of `{<service>: {...}}` entries")
                    .at_opt(ctx.span(&["custom", "apiGatewayServiceProxies"]));
            ctx.diags.push(d);
            return None;
        }
    };
    let mut out = Vec::new();
    let mut failed = false;
    for (i, item) in items.iter().enumerate() {
        let idx = i.to_string();
        let at = |ctx: &Ctx, rest: &[&str]| {
            let mut p = vec!["custom", "apiGatewayServiceProxies", idx.as_str()];
            p.extend_from_slice(rest);
            if rest.len() == 1 {
                ctx.key_span(&p)
            } else {
                ctx.span(&p)
            }
        };
        let Some((service, body)) = item.as_object().and_then(|o| o.iter().next()) else {
            let d = Diagnostic::error(codes::INVALID_TYPE, "a service proxy is a mapping `{<service>: {path, method, ...}}`")
                .at_opt(at(ctx, &[]));
            ctx.diags.push(d);
            failed = true;
            continue;
        };
        if !SERVICES.contains(&service.as_str()) {
            let msg = format!(
                "`{service}` is not a service serverless-apigateway-service-proxy knows (kinesis, sqs, s3, sns, dynamodb, eventbridge)"
            );
            ctx.diags.push(Diagnostic::error(codes::INVALID_VALUE, msg).at_opt(at(ctx, &[service])));
            failed = true;
            continue;
        }
        let Some(http) = body.as_object().cloned() else {
            let d = Diagnostic::error(codes::INVALID_TYPE, format!("the `{service}` proxy settings must be a mapping"))
                .at_opt(at(ctx, &[service]));
            ctx.diags.push(d);
            failed = true;
            continue;
        };
        let required = match service.as_str() {
            "kinesis" => "streamName",
            "sqs" => "queueName",
            "eventbridge" => "eventBusName",
            "s3" => "bucket",
            "dynamodb" => "tableName",
            _ => "topicName",
        };
        let extra: &[&str] = match service.as_str() {
            "eventbridge" => &["source"],
            "s3" | "dynamodb" => &["action"],
            _ => &[],
        };
        for key in ["path", "method", required].iter().chain(extra) {
            if http.get(*key).is_none_or(|v| v.is_null()) {
                let d = Diagnostic::error(codes::MISSING_KEY, format!("\"{key}\" is required in the `{service}` service proxy"))
                    .at_opt(at(ctx, &[service]));
                ctx.diags.push(d);
                failed = true;
            }
        }
        let path = http.get("path").map(js_string).unwrap_or_default();
        let path = path.strip_prefix('/').unwrap_or(&path).to_string();
        let path = path.strip_suffix('/').unwrap_or(&path).to_string();
        let method = http.get("method").map(js_string).unwrap_or_default().to_lowercase();
        let cors = http.get("cors").filter(|c| truthy(c)).map(|c| get_cors(c, &method));
        out.push(Proxy { service: service.clone(), path, method, http, cors });
    }
    (!failed).then_some(out)
}

/// Compile the proxies into `t` (nothing when there are none).
pub fn compile(ctx: &mut Ctx, t: &mut Template) {
    let Some(proxies) = read(ctx) else { return };
    if proxies.is_empty() {
        return;
    }
    let provider = ctx.cfg.provider.clone().unwrap_or_default();
    let ag = provider.api_gateway.clone().filter(Value::is_object).unwrap_or_else(|| json!({}));
    if truthy(ag.get("restApiId").unwrap_or(&Value::Null)) {
        let d = Diagnostic::error(codes::NOT_IMPLEMENTED, "service proxies on an external `restApiId` are not compiled by cfgen yet")
            .at_opt(ctx.span(&["provider", "apiGateway", "restApiId"]));
        ctx.diags.push(d);
        return;
    }

    // compileRestApi (the framework's, merged over what `http` events made).
    let endpoint_type =
        provider.endpoint_type.as_ref().filter(|v| truthy(v)).map_or_else(|| "EDGE".to_string(), |v| js_string(v).to_uppercase());
    let name = match provider.api_name.as_ref().filter(|n| truthy(n)) {
        Some(n) => js_string(n),
        None => naming::rest_api_name(&ctx.service, &ctx.stage, ag.get("shouldStartNameWithService") == Some(&Value::Bool(true))),
    };
    let mut props = Map::new();
    props.insert("Name".into(), json!(name));
    if let Some(b) = ag.get("binaryMediaTypes").filter(|v| truthy(v)) {
        props.insert("BinaryMediaTypes".into(), b.clone());
    }
    if let Some(d) = ag.get("disableDefaultEndpoint").filter(|v| !v.is_null()) {
        props.insert("DisableExecuteApiEndpoint".into(), d.clone());
    }
    let mut endpoint = json!({ "Types": [endpoint_type] });
    if let Some(ids) = provider.vpc_endpoint_ids.as_ref().filter(|v| truthy(v)) {
        endpoint["VpcEndpointIds"] = ids.clone();
    }
    props.insert("EndpointConfiguration".into(), endpoint);
    let policy = match ag.get("resourcePolicy") {
        Some(Value::Array(a)) if !a.is_empty() => {
            json!({"Version": "2012-10-17", "Statement": crate::events::api_gateway::coerce_statements(a)})
        }
        Some(p @ Value::Object(o)) if !o.is_empty() => json!({"Version": "2012-10-17", "Statement": p}),
        _ => json!(""),
    };
    props.insert("Policy".into(), policy);
    if let Some(k) = ag.get("apiKeySourceType").filter(|v| truthy(v)) {
        props.insert("ApiKeySourceType".into(), json!(js_string(k).to_uppercase()));
    }
    if let Some(m) = ag.get("minimumCompressionSize").filter(|v| !v.is_null()) {
        props.insert("MinimumCompressionSize".into(), m.clone());
    }
    if let Some(d) = ag.get("description").filter(|v| truthy(v)) {
        props.insert("Description".into(), d.clone());
    }
    merge_into(&mut t.resources, "ApiGatewayRestApi".into(), json!({"Type": "AWS::ApiGateway::RestApi", "Properties": props}));
    let rest_api = json!({ "Ref": "ApiGatewayRestApi" });
    let root = json!({"Fn::GetAtt": ["ApiGatewayRestApi", "RootResourceId"]});

    // compileResources: the proxies' path tree, parents first.
    if let Some(i) = crate::compile::deep_path_over_budget(t, proxies.iter().map(|p| p.path.as_str())) {
        let idx = i.to_string();
        let span = ctx.span(&["custom", "apiGatewayServiceProxies", &idx, &proxies[i].service, "path"]);
        ctx.diags.push(crate::compile::deep_path_error(&proxies[i].path).at_opt(span));
        return;
    }
    let mut paths: Vec<String> = Vec::new();
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    for p in proxies.iter().filter(|p| !p.path.is_empty()) {
        let mut current = String::new();
        for part in p.path.split('/') {
            current = if current.is_empty() { part.to_string() } else { format!("{current}/{part}") };
            if seen.insert(current.clone()) {
                paths.push(current.clone());
            }
        }
    }
    // Preorder of the tree: children follow their parent, in order of appearance. Walked with
    // an explicit stack, as a path may be thousands of segments deep.
    let mut children: std::collections::HashMap<Option<&str>, Vec<&str>> = std::collections::HashMap::new();
    for p in &paths {
        children.entry(p.rsplit_once('/').map(|(a, _)| a)).or_default().push(p);
    }
    let mut ordered: Vec<&str> = Vec::with_capacity(paths.len());
    let mut stack = vec![children.get(&None).map(|c| c.iter()).unwrap_or_default()];
    while let Some(level) = stack.last_mut() {
        match level.next() {
            Some(&p) => {
                ordered.push(p);
                if let Some(c) = children.get(&Some(p)) {
                    stack.push(c.iter());
                }
            }
            None => {
                stack.pop();
            }
        }
    }
    // Each path's `naming::rest_path`, from its parent's (parents come first): one
    // normalization per segment, however deep the path.
    let mut names: std::collections::HashMap<&str, String> = std::collections::HashMap::with_capacity(ordered.len());
    for &path in &ordered {
        let (parent, part, name) = match path.rsplit_once('/') {
            Some((a, b)) => {
                let parent_name = names.get(a).cloned().unwrap_or_else(|| naming::rest_path(a));
                let name = naming::rest_path_child(&parent_name, b);
                (json!({ "Ref": naming::rest_resource_named(&parent_name) }), b.to_string(), name)
            }
            None => (root.clone(), path.to_string(), naming::rest_path(path)),
        };
        let id = naming::rest_resource_named(&name);
        names.insert(path, name);
        merge_into(
            &mut t.resources,
            id,
            json!({"Type": "AWS::ApiGateway::Resource", "Properties": {"ParentId": parent, "PathPart": part, "RestApiId": &rest_api}}),
        );
    }

    // compileCors: an OPTIONS method per path, from the proxies' merged preflight settings.
    let mut method_ids = Vec::new();
    // Per path, in order of first appearance: the merged scalar settings and every proxy's CORS
    // settings, whose lists are merged at the end by one union, newest first (what merging
    // them one proxy at a time with `_.union(new, old)` gives).
    let mut preflight: Vec<(String, Cors, Vec<&Cors>)> = Vec::new();
    let mut preflight_index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for p in &proxies {
        let Some(c) = &p.cors else { continue };
        let i = *preflight_index.entry(p.path.as_str()).or_insert_with(|| {
            preflight.push((p.path.clone(), Cors::default(), Vec::new()));
            preflight.len() - 1
        });
        let (_, slot, all) = &mut preflight[i];
        all.push(c);
        slot.origin = Some(c.origin.clone().filter(|o| !o.is_empty()).unwrap_or_else(|| "*".into()));
        slot.allow_credentials = slot.allow_credentials || c.allow_credentials;
        if c.max_age.is_some() {
            slot.max_age = c.max_age.clone();
        }
        if c.cache_control.is_some() {
            slot.cache_control = c.cache_control.clone();
        }
    }
    let preflight = preflight.into_iter().map(|(path, mut slot, all)| {
        slot.headers = crate::value::union_newest_first(all.iter().map(|c| c.headers.as_slice()));
        slot.methods = crate::value::union_newest_first(all.iter().map(|c| c.methods.as_slice()));
        slot.origins = Some(crate::value::union_newest_first(all.iter().map(|c| c.origins.as_deref().unwrap_or(&[]))));
        (path, slot)
    });
    for (path, config) in preflight {
        let (resource_id, resource_name) = if path.is_empty() {
            (root.clone(), String::new())
        } else {
            (json!({ "Ref": naming::rest_resource(&path) }), naming::rest_path(&path))
        };
        let id = naming::rest_method(&resource_name, "options");
        method_ids.push(json!(&id));
        merge_into(&mut t.resources, id, crate::events::api_gateway::preflight_method(&config, resource_id, rest_api.clone()));
    }

    // Each service: its role, then its methods.
    for service in SERVICES {
        let mine: Vec<&Proxy> = proxies.iter().filter(|p| p.service == service).collect();
        if mine.is_empty() {
            continue;
        }
        // Each service's role comes before its methods, except DynamoDB's.
        if service != "dynamodb" {
            compile_role(service, &mine, t);
        }
        for p in &mine {
            let (resource_id, resource_name) = if p.path.is_empty() {
                (root.clone(), String::new())
            } else {
                (json!({ "Ref": naming::rest_resource(&p.path) }), naming::rest_path(&p.path))
            };
            let method_id = naming::rest_method(&resource_name, &p.method);
            let mut props = Map::new();
            props.insert("HttpMethod".into(), json!(p.method.to_uppercase()));
            props.insert(
                "RequestParameters".into(),
                p.http.get("acceptParameters").filter(|v| truthy(v)).cloned().unwrap_or_else(|| json!({})),
            );
            let auth_type = p.http.get("authorizationType").filter(|v| truthy(v)).cloned().unwrap_or_else(|| json!("NONE"));
            let scopes = p.http.get("authorizationScopes").cloned();
            if service == "sqs" {
                if let Some(s) = &scopes {
                    props.insert("AuthorizationScopes".into(), s.clone());
                }
                props.insert("AuthorizationType".into(), auth_type);
            } else {
                props.insert("AuthorizationType".into(), auth_type);
                if let Some(s) = &scopes {
                    props.insert("AuthorizationScopes".into(), s.clone());
                }
            }
            if let Some(a) = p.http.get("authorizerId") {
                props.insert("AuthorizerId".into(), a.clone());
            }
            props.insert("ApiKeyRequired".into(), json!(truthy(p.http.get("private").unwrap_or(&Value::Null))));
            props.insert("ResourceId".into(), resource_id);
            props.insert("RestApiId".into(), rest_api.clone());
            let mut integration = integration(service, &p.http);
            let mut responses = method_responses(&p.http, service == "s3");
            if let Some(c) = &p.cors {
                let origin = json!(format!("'{}'", c.response_origin()));
                if let Some(Value::Array(items)) = integration.get_mut("IntegrationResponses") {
                    for i in items {
                        if let Some(Value::Object(params)) = i.get_mut("ResponseParameters") {
                            params.insert("method.response.header.Access-Control-Allow-Origin".into(), origin.clone());
                        }
                    }
                }
                if let Value::Array(items) = &mut responses {
                    for r in items {
                        r["ResponseParameters"] = json!({ "method.response.header.Access-Control-Allow-Origin": &origin });
                    }
                }
            }
            if service == "s3" {
                // Every `method.*` mapping of the integration is declared on the method too.
                let request_params: Vec<String> = integration
                    .get("RequestParameters")
                    .and_then(Value::as_object)
                    .map(|m| m.values().filter_map(Value::as_str).filter(|v| v.starts_with("method.")).map(str::to_string).collect())
                    .unwrap_or_default();
                if let Some(Value::Object(rp)) = props.get_mut("RequestParameters") {
                    for k in request_params {
                        rp.insert(k, json!(true));
                    }
                }
                if let (Some(Value::Array(irs)), Value::Array(mrs)) = (integration.get("IntegrationResponses"), &mut responses) {
                    for ir in irs {
                        let keys: Vec<String> = ir
                            .get("ResponseParameters")
                            .and_then(Value::as_object)
                            .map(|m| m.keys().filter(|k| k.starts_with("method.")).cloned().collect())
                            .unwrap_or_default();
                        if let Some(mr) = mrs.iter_mut().find(|m| m.get("StatusCode") == ir.get("StatusCode")) {
                            if let Some(Value::Object(rp)) = mr.get_mut("ResponseParameters") {
                                for k in keys {
                                    rp.insert(k, json!(true));
                                }
                            }
                        }
                    }
                }
            }
            props.insert("Integration".into(), integration);
            props.insert("MethodResponses".into(), responses);
            merge_into(&mut t.resources, method_id.clone(), json!({"Type": "AWS::ApiGateway::Method", "Properties": props}));
            method_ids.push(json!(method_id));
        }
        if service == "dynamodb" {
            compile_role(service, &mine, t);
        }
    }

    // mergeDeployment
    let mut found = false;
    for r in t.resources.values_mut() {
        if r.get("Type").and_then(Value::as_str) == Some("AWS::ApiGateway::Deployment") {
            found = true;
            let depends = match r.get("DependsOn") {
                Some(Value::Array(a)) => a.clone(),
                Some(Value::Null) | None => Vec::new(),
                Some(other) => vec![other.clone()],
            };
            r["DependsOn"] = Value::Array(depends.into_iter().chain(method_ids.iter().cloned()).collect());
        }
    }
    if !found {
        let stage_name = ag.get("stage").filter(|s| truthy(s)).cloned().unwrap_or_else(|| json!(&ctx.stage));
        let mut props = Map::new();
        props.insert("RestApiId".into(), rest_api.clone());
        props.insert("StageName".into(), stage_name);
        if let Some(d) = ag.get("description").filter(|d| truthy(d)) {
            props.insert("Description".into(), d.clone());
        }
        merge_into(
            &mut t.resources,
            naming::rest_deployment(&ctx.instance_id),
            json!({"Type": "AWS::ApiGateway::Deployment", "Properties": props, "DependsOn": method_ids}),
        );
        merge_into(
            &mut t.outputs,
            "ServiceEndpoint".into(),
            json!({
                "Description": "URL of the service endpoint",
                "Value": {"Fn::Join": ["", ["https://", rest_api, ".execute-api.", {"Ref": "AWS::Region"}, ".", {"Ref": "AWS::URLSuffix"}, format!("/{}", ctx.stage)]]}
            }),
        );
    }
}

/// The role of a service's proxies (none when every proxy of it names a `roleArn`; DynamoDB
/// always gets one).
fn compile_role(service: &str, mine: &[&Proxy], t: &mut Template) {
    if service == "dynamodb" {
        let mut statements = vec![
            json!({"Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}),
        ];
        for p in mine {
            let table = p.http.get("tableName").cloned().unwrap_or(Value::Null);
            let action = p.http.get("action").map(js_string).unwrap_or_else(|| "undefined".into());
            statements.push(json!({
                "Effect": "Allow",
                "Action": format!("dynamodb:{action}"),
                "Resource": {"Fn::Sub": ["arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${tableName}", {"tableName": table}]}
            }));
        }
        merge_into(
            &mut t.resources,
            "ApigatewayToDynamodbRole".into(),
            json!({
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"}, "Action": "sts:AssumeRole"}]
                    },
                    "Policies": [{"PolicyName": "apigatewaytodynamodb", "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}]
                }
            }),
        );
    } else if service == "s3" && mine.iter().any(|p| !truthy(p.http.get("roleArn").unwrap_or(&Value::Null))) {
        let mut statements = vec![
            json!({"Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"}),
        ];
        for p in mine {
            let bucket = p.http.get("bucket").cloned().unwrap_or(Value::Null);
            let arn = match bucket.get("Ref") {
                Some(r) if truthy(r) => json!({"Fn::GetAtt": [r, "Arn"]}),
                _ => json!({"Fn::Sub": ["arn:${AWS::Partition}:s3:::${bucket}", {"bucket": bucket}]}),
            };
            let action = p.http.get("action").map(js_string).unwrap_or_else(|| "undefined".into());
            statements.push(json!({"Effect": "Allow", "Action": format!("s3:{action}*"), "Resource": {"Fn::Join": ["", [arn, "/*"]]}}));
        }
        merge_into(
            &mut t.resources,
            "ApigatewayToS3Role".into(),
            json!({
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"}, "Action": "sts:AssumeRole"}]
                    },
                    "Policies": [{"PolicyName": "apigatewaytos3", "PolicyDocument": {"Version": "2012-10-17", "Statement": statements}}]
                }
            }),
        );
    } else if mine.iter().any(|p| !truthy(p.http.get("roleArn").unwrap_or(&Value::Null))) {
        let (role_id, policy_name, actions, arn, var) = match service {
            "kinesis" => (
                "ApigatewayToKinesisRole",
                "apigatewaytokinesis",
                json!(["kinesis:PutRecord", "kinesis:PutRecords"]),
                "arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/${streamName}",
                "streamName",
            ),
            "sqs" => (
                "ApigatewayToSqsRole",
                "apigatewaytosqs",
                json!(["sqs:SendMessage"]),
                "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${queueName}",
                "queueName",
            ),
            "eventbridge" => (
                "ApigatewayToEventBridgeRole",
                "apigatewaytoeventbridge",
                json!(["events:PutEvents"]),
                "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/${eventBusName}",
                "eventBusName",
            ),
            _ => (
                "ApigatewayToSnsRole",
                "apigatewaytosns",
                json!(["sns:Publish"]),
                "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:${topicName}",
                "topicName",
            ),
        };
        let resources: Vec<Value> = mine
            .iter()
            .map(|p| {
                let mut vars = Map::new();
                if let Some(v) = p.http.get(var) {
                    vars.insert(var.into(), v.clone());
                }
                json!({ "Fn::Sub": [arn, vars] })
            })
            .collect();
        merge_into(
            &mut t.resources,
            role_id.into(),
            json!({
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"}, "Action": "sts:AssumeRole"}]
                    },
                    "Policies": [{
                        "PolicyName": policy_name,
                        "PolicyDocument": {
                            "Version": "2012-10-17",
                            "Statement": [
                                {"Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "*"},
                                {"Effect": "Allow", "Action": actions, "Resource": resources}
                            ]
                        }
                    }]
                }
            }),
        );
    }
}

/// The default DynamoDB request template of `PutItem`, `GetItem` and `DeleteItem`.
fn dynamodb_request_template(http: &Map<String, Value>) -> Value {
    let action = http.get("action").and_then(Value::as_str).unwrap_or_default();
    if !["PutItem", "GetItem", "DeleteItem"].contains(&action) {
        return Value::Null;
    }
    let mut values = Map::new();
    values.insert("TableName".into(), http.get("tableName").cloned().unwrap_or(Value::Null));
    let key_values = |values: &mut Map<String, Value>, which: &str, prefix: &str| {
        let Some(k) = http.get(which) else { return };
        let (name, value) = match (k.get("pathParam").filter(|v| truthy(v)), k.get("queryStringParam").filter(|v| truthy(v))) {
            (Some(p), _) => (js_string(p), format!("$input.params().path.{}", js_string(p))),
            (_, Some(q)) => (js_string(q), format!("$input.params().querystring.{}", js_string(q))),
            _ => return,
        };
        values.insert(format!("{prefix}Key"), json!(name));
        if let Some(t) = k.get("attributeType") {
            values.insert(format!("{prefix}AttributeType"), t.clone());
        }
        values.insert(format!("{prefix}AttributeValue"), json!(value));
    };
    let has_hash = http.contains_key("hashKey");
    let has_range = http.contains_key("rangeKey");
    let mut text;
    if action == "PutItem" {
        text = "{\"TableName\": \"${TableName}\",\"Item\": {".to_string();
        if has_hash {
            text.push_str("\"${HashKey}\": {\"${HashAttributeType}\": \"${HashAttributeValue}\"},");
            key_values(&mut values, "hashKey", "Hash");
        }
        if has_range {
            text.push_str("\"${RangeKey}\": {\"${RangeAttributeType}\": \"${RangeAttributeValue}\"},");
            key_values(&mut values, "rangeKey", "Range");
        }
        text.push_str("\n      #set ($body = $util.parseJson($input.body))\n      #foreach( $key in $body.keySet())\n        #set ($item = $body.get($key))\n        #foreach( $type in $item.keySet())\n          \"$key\":{\"$type\" : \"$item.get($type)\"}\n        #if($foreach.hasNext()),#end\n        #end\n      #if($foreach.hasNext()),#end\n      #end\n    }\n    ");
    } else {
        text = "{\"TableName\": \"${TableName}\",\"Key\":{".to_string();
        if has_hash {
            text.push_str("\"${HashKey}\": {\"${HashAttributeType}\": \"${HashAttributeValue}\"}");
            key_values(&mut values, "hashKey", "Hash");
        }
        if has_range {
            text.push_str(",\"${RangeKey}\": {\"${RangeAttributeType}\": \"${RangeAttributeValue}\"}");
            key_values(&mut values, "rangeKey", "Range");
        }
        text.push('}');
        if action == "GetItem" {
            text.push('}');
            return json!({"Fn::Sub": [text, values]});
        }
    }
    if let Some(c) = http.get("condition") {
        text.push_str(",\"ConditionExpression\": \"${ConditionExpression}\"");
        values.insert("ConditionExpression".into(), c.clone());
    }
    text.push('}');
    json!({"Fn::Sub": [text, values]})
}

fn method_responses(http: &Map<String, Value>, partial_content: bool) -> Value {
    let mut codes = vec![200, 400, 500];
    if partial_content || truthy(http.get("partialContent").unwrap_or(&Value::Null)) {
        codes.push(206);
    }
    Value::Array(codes.into_iter().map(|c| json!({"ResponseParameters": {}, "ResponseModels": {}, "StatusCode": c})).collect())
}

fn response_template(http: &Map<String, Value>, kind: &str) -> Value {
    match http.get("response").and_then(|r| r.get("template")).and_then(|t| t.get(kind)).filter(|t| truthy(t)) {
        Some(t) => json!({ "application/json": t }),
        None => json!({}),
    }
}

fn integration_responses(http: &Map<String, Value>, full_forms: bool) -> Value {
    let response = http.get("response");
    if full_forms {
        if let Some(Value::Array(items)) = response {
            return Value::Array(
                items
                    .iter()
                    .map(|i| {
                        let status = i.get("statusCode").cloned().unwrap_or(Value::Null);
                        let selection = i.get("selectionPattern").filter(|v| truthy(v)).cloned().unwrap_or_else(|| status.clone());
                        json!({
                            "StatusCode": status,
                            "SelectionPattern": selection,
                            "ResponseParameters": i.get("responseParameters").filter(|v| truthy(v)).cloned().unwrap_or_else(|| json!({})),
                            "ResponseTemplates": i.get("responseTemplates").filter(|v| truthy(v)).cloned().unwrap_or_else(|| json!({}))
                        })
                    })
                    .collect(),
            );
        }
    }
    let kinds = [(200, "success"), (400, "clientError"), (500, "serverError")];
    Value::Array(
        kinds
            .iter()
            .map(|(c, k)| json!({"StatusCode": c, "SelectionPattern": c, "ResponseParameters": {}, "ResponseTemplates": response_template(http, k)}))
            .collect(),
    )
}

/// `Object.assign(defaults, http.request.template)`.
fn with_custom_templates(mut defaults: Map<String, Value>, http: &Map<String, Value>) -> Value {
    if let Some(Value::Object(custom)) = http.get("request").and_then(|r| r.get("template")) {
        for (k, v) in custom {
            defaults.insert(k.clone(), v.clone());
        }
    }
    Value::Object(defaults)
}

fn integration(service: &str, http: &Map<String, Value>) -> Value {
    let role = |id: &str| http.get("roleArn").filter(|v| truthy(v)).cloned().unwrap_or_else(|| json!({"Fn::GetAtt": [id, "Arn"]}));
    let mut i = Map::new();
    i.insert("IntegrationHttpMethod".into(), json!("POST"));
    i.insert("Type".into(), json!("AWS"));
    match service {
        "kinesis" => {
            i.insert("Credentials".into(), role("ApigatewayToKinesisRole"));
            let action = http.get("action").filter(|v| truthy(v)).map_or_else(|| "PutRecord".to_string(), js_string);
            i.insert(
                "Uri".into(),
                json!({ "Fn::Sub": format!("arn:${{AWS::Partition}}:apigateway:${{AWS::Region}}:kinesis:action/{action}") }),
            );
            i.insert("PassthroughBehavior".into(), json!("NEVER"));
            let partition = match http.get("partitionKey") {
                None => "$context.requestId".to_string(),
                Some(k) => match (k.get("pathParam"), k.get("queryStringParam"), k.get("bodyParam")) {
                    (Some(p), _, _) if truthy(p) => format!("$input.params().path.{}", js_string(p)),
                    (_, Some(q), _) if truthy(q) => format!("$input.params().querystring.{}", js_string(q)),
                    (_, _, Some(b)) if truthy(b) => format!("$util.parseJson($input.body).{}", js_string(b)),
                    _ => js_string(k),
                },
            };
            let stream = http.get("streamName").cloned().unwrap_or(Value::Null);
            let template = if http.get("action").and_then(Value::as_str) == Some("PutRecords") {
                json!({"Fn::Sub": ["{\"StreamName\":\"${StreamName}\",\"Records\":${Records}}", {
                    "StreamName": stream,
                    "Records": "[\n  #foreach($elem in $input.path('$.records'))\n      {\n        \"Data\": \"$util.base64Encode($elem.data)\",\n        \"PartitionKey\": \"$elem.partition-key\"\n      }#if($foreach.hasNext),#end\n  #end\n]"
                }]})
            } else {
                json!({"Fn::Sub": ["{\"StreamName\":\"${StreamName}\",\"Data\":\"${Data}\",\"PartitionKey\":\"${PartitionKey}\"}", {
                    "StreamName": stream,
                    "Data": "$util.base64Encode($input.body)",
                    "PartitionKey": partition
                }]})
            };
            let mut defaults = Map::new();
            defaults.insert("application/json".into(), template.clone());
            defaults.insert("application/x-www-form-urlencoded".into(), template);
            i.insert("RequestTemplates".into(), with_custom_templates(defaults, http));
            i.insert("IntegrationResponses".into(), integration_responses(http, false));
        }
        "sqs" => {
            i.insert("Credentials".into(), role("ApigatewayToSqsRole"));
            let queue = http.get("queueName").cloned().unwrap_or(Value::Null);
            i.insert(
                "Uri".into(),
                json!({"Fn::Sub": ["arn:${AWS::Partition}:apigateway:${AWS::Region}:sqs:path//${AWS::AccountId}/${queueName}", {"queueName": queue}]}),
            );
            let custom = http.get("request").and_then(|r| r.get("template")).filter(|t| t.as_object().is_some_and(|o| !o.is_empty()));
            let user_params = http.get("requestParameters").and_then(Value::as_object).cloned().unwrap_or_default();
            if custom.is_none() {
                let mut params = Map::new();
                params.insert("integration.request.querystring.Action".into(), json!("'SendMessage'"));
                params.insert("integration.request.querystring.MessageBody".into(), json!("method.request.body"));
                params.extend(user_params);
                i.insert("RequestParameters".into(), Value::Object(params));
                i.insert("RequestTemplates".into(), json!({"application/json": "{statusCode:200}"}));
            } else {
                i.insert("PassthroughBehavior".into(), json!("NEVER"));
                let mut params = Map::new();
                params.insert("integration.request.header.Content-Type".into(), json!("'application/x-www-form-urlencoded'"));
                params.extend(user_params.into_iter().filter(|(k, _)| !k.trim().starts_with("integration.request.querystring.")));
                i.insert("RequestParameters".into(), Value::Object(params));
                let mut defaults = Map::new();
                defaults.insert("application/json".into(), json!("Action=SendMessage&MessageBody=$util.urlEncode($input.body)"));
                i.insert("RequestTemplates".into(), with_custom_templates(defaults, http));
            }
            let simplified = http.get("response").and_then(|r| r.get("template")).and_then(|t| t.get("success")).is_some_and(truthy);
            i.insert("IntegrationResponses".into(), integration_responses(http, !simplified));
        }
        "s3" => {
            let action = http.get("action").and_then(Value::as_str).unwrap_or_default();
            let method = match action {
                "GetObject" => Some("GET"),
                "PutObject" => Some("PUT"),
                "DeleteObject" => Some("DELETE"),
                _ => None,
            };
            i.shift_remove("IntegrationHttpMethod");
            i.shift_remove("Type");
            if let Some(m) = method {
                i.insert("IntegrationHttpMethod".into(), json!(m));
            }
            i.insert("Type".into(), json!("AWS"));
            i.insert("Credentials".into(), role("ApigatewayToS3Role"));
            let pather = match http.get("pathOverride") {
                Some(p) => format!("{{bucket}}/{}", js_string(p)),
                None => "{bucket}/{object}".to_string(),
            };
            i.insert(
                "Uri".into(),
                json!({"Fn::Sub": [format!("arn:${{AWS::Partition}}:apigateway:${{AWS::Region}}:s3:path/{pather}"), {}]}),
            );
            i.insert("PassthroughBehavior".into(), json!("WHEN_NO_MATCH"));
            let mut params = Map::new();
            match action {
                "GetObject" => {
                    params.insert("integration.request.header.Range".into(), json!("method.request.header.Range"));
                }
                "PutObject" => {
                    params.insert("integration.request.header.x-amz-acl".into(), json!("'authenticated-read'"));
                    params.insert("integration.request.header.Content-Type".into(), json!("method.request.header.Content-Type"));
                }
                _ => {}
            }
            let bucket = http.get("bucket").cloned().unwrap_or(Value::Null);
            params.insert("integration.request.path.bucket".into(), json!({"Fn::Sub": ["'${bucket}'", {"bucket": bucket}]}));
            if let Some(k) = http.get("key") {
                let object = match (k.get("pathParam"), k.get("queryStringParam")) {
                    (Some(p), _) if truthy(p) => format!("method.request.path.{}", js_string(p)),
                    (_, Some(q)) if truthy(q) => format!("method.request.querystring.{}", js_string(q)),
                    _ => format!("'{}'", js_string(k)),
                };
                params.insert("integration.request.path.object".into(), json!(object));
            }
            let mut params = Value::Object(params);
            if let Some(user) = http.get("requestParameters").filter(|v| v.is_object()) {
                crate::merge::merge(&mut params, user);
            }
            i.insert("RequestParameters".into(), params);
            if let Some(custom) =
                http.get("request").and_then(|r| r.get("template")).filter(|t| t.as_object().is_some_and(|o| !o.is_empty()))
            {
                i.insert("PassthroughBehavior".into(), json!("NEVER"));
                i.insert("RequestTemplates".into(), custom.clone());
            }
            let response_params = match action {
                "GetObject" => json!({
                    "method.response.header.content-type": "integration.response.header.content-type",
                    "method.response.header.Content-Type": "integration.response.header.Content-Type",
                    "method.response.header.accept-ranges": "integration.response.header.accept-ranges",
                    "method.response.header.Accept-Ranges": "integration.response.header.Accept-Ranges",
                    "method.response.header.content-range": "integration.response.header.content-range",
                    "method.response.header.Content-Range": "integration.response.header.Content-Range"
                }),
                "PutObject" => json!({
                    "method.response.header.Content-Type": "integration.response.header.Content-Type",
                    "method.response.header.Content-Length": "integration.response.header.Content-Length"
                }),
                "DeleteObject" => json!({
                    "method.response.header.Content-Type": "integration.response.header.Content-Type",
                    "method.response.header.Date": "integration.response.header.Date"
                }),
                _ => json!({}),
            };
            i.insert(
                "IntegrationResponses".into(),
                json!([
                    {"StatusCode": 400, "SelectionPattern": "4\\d{2}", "ResponseParameters": {}, "ResponseTemplates": response_template(http, "clientError")},
                    {"StatusCode": 500, "SelectionPattern": "5\\d{2}", "ResponseParameters": {}, "ResponseTemplates": response_template(http, "serverError")},
                    {"StatusCode": 200, "SelectionPattern": "2(?!06)\\d{2}", "ResponseParameters": &response_params, "ResponseTemplates": response_template(http, "success")},
                    {"StatusCode": 206, "SelectionPattern": "206", "ResponseParameters": &response_params, "ResponseTemplates": response_template(http, "success")}
                ]),
            );
        }
        "dynamodb" => {
            i.insert("Credentials".into(), json!({"Fn::GetAtt": ["ApigatewayToDynamodbRole", "Arn"]}));
            let action = http.get("action").cloned().unwrap_or(Value::Null);
            i.insert(
                "Uri".into(),
                json!({"Fn::Sub": ["arn:${AWS::Partition}:apigateway:${AWS::Region}:dynamodb:action/${action}", {"action": action}]}),
            );
            i.insert("PassthroughBehavior".into(), json!("NEVER"));
            i.insert(
                "RequestParameters".into(),
                http.get("requestParameters").filter(|v| v.is_object()).cloned().unwrap_or_else(|| json!({})),
            );
            let template = dynamodb_request_template(http);
            let mut defaults = Map::new();
            defaults.insert("application/json".into(), template.clone());
            defaults.insert("application/x-www-form-urlencoded".into(), template);
            i.insert("RequestTemplates".into(), with_custom_templates(defaults, http));
            let simplified = http.get("response").and_then(|r| r.get("template")).and_then(|t| t.get("success")).is_some_and(truthy);
            let responses = if simplified {
                let tpl = |k: &str| match http.get("response").and_then(|r| r.get("template")).and_then(|t| t.get(k)).filter(|t| truthy(t))
                {
                    Some(t) => json!({"application/json": t, "application/x-www-form-urlendcoded": t}),
                    None => json!({}),
                };
                json!([
                    {"StatusCode": 200, "SelectionPattern": 200, "ResponseParameters": {}, "ResponseTemplates": tpl("success")},
                    {"StatusCode": 400, "SelectionPattern": 400, "ResponseParameters": {}, "ResponseTemplates": tpl("clientError")},
                    {"StatusCode": 500, "SelectionPattern": 500, "ResponseParameters": {}, "ResponseTemplates": tpl("serverError")}
                ])
            } else if http.get("response").is_some_and(Value::is_array) {
                integration_responses(http, true)
            } else {
                let success = if http.get("action").and_then(Value::as_str) == Some("GetItem") {
                    let t = "#set($item = $input.path('$.Item')){#foreach($key in $item.keySet())#set ($value = $item.get($key))#foreach( $type in $value.keySet())\"$key\":\"$value.get($type)\"#if($foreach.hasNext()),#end#end#if($foreach.hasNext()),#end#end}";
                    json!({"application/json": t, "application/x-www-form-urlencoded": t})
                } else {
                    json!({})
                };
                json!([
                    {"StatusCode": 200, "SelectionPattern": "2\\d{2}", "ResponseParameters": {}, "ResponseTemplates": success},
                    {"StatusCode": 400, "SelectionPattern": "4\\d{2}", "ResponseParameters": {}, "ResponseTemplates": {}},
                    {"StatusCode": 500, "SelectionPattern": "5\\d{2}", "ResponseParameters": {}, "ResponseTemplates": {}}
                ])
            };
            i.insert("IntegrationResponses".into(), responses);
        }
        "eventbridge" => {
            i.insert("Credentials".into(), role("ApigatewayToEventBridgeRole"));
            i.insert("Uri".into(), json!({"Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}:events:action/PutEvents"}));
            i.insert("PassthroughBehavior".into(), json!("NEVER"));
            i.insert(
                "RequestParameters".into(),
                json!({"integration.request.header.X-Amz-Target": "'AWSEvents.PutEvents'", "integration.request.header.Content-Type": "'application/x-amz-json-1.1'"}),
            );
            let param = |key: &str, default: &str| match http.get(key) {
                None => default.to_string(),
                Some(v) => match (v.get("pathParam"), v.get("queryStringParam"), v.get("bodyParam")) {
                    (Some(p), _, _) if truthy(p) => format!("$input.params().path.{}", js_string(p)),
                    (_, Some(q), _) if truthy(q) => format!("$input.params().querystring.{}", js_string(q)),
                    (_, _, Some(b)) if truthy(b) => format!("$util.parseJson($input.body).{}", js_string(b)),
                    _ => js_string(v),
                },
            };
            let source = param("source", "");
            let detail_type = param("detailType", "$context.requestId");
            let detail = match http.get("detail").and_then(|d| d.get("bodyParam")).filter(|b| truthy(b)) {
                Some(b) => format!("$util.escapeJavaScript($util.parseJson($input.body).{})", js_string(b)),
                None => "$util.escapeJavaScript($input.body)".to_string(),
            };
            let template = json!({"Fn::Sub": [
                "{\"Entries\":[{\"Detail\": \"${Detail}\",\"DetailType\": \"${DetailType}\",\"EventBusName\": \"${EventBusName}\",\"Source\": \"${Source}\"}]}",
                {"EventBusName": http.get("eventBusName").cloned().unwrap_or(Value::Null), "Detail": detail, "DetailType": detail_type, "Source": source}
            ]});
            let mut defaults = Map::new();
            defaults.insert("application/json".into(), template.clone());
            defaults.insert("application/x-www-form-urlencoded".into(), template);
            i.insert("RequestTemplates".into(), with_custom_templates(defaults, http));
            i.insert("IntegrationResponses".into(), integration_responses(http, false));
        }
        _ => {
            i.insert("Credentials".into(), role("ApigatewayToSnsRole"));
            i.insert("Uri".into(), json!({"Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}:sns:path//"}));
            i.insert("PassthroughBehavior".into(), json!("NEVER"));
            i.insert("RequestParameters".into(), json!({"integration.request.header.Content-Type": "'application/x-www-form-urlencoded'"}));
            let topic = http.get("topicName").cloned().unwrap_or(Value::Null);
            let template = json!({"Fn::Join": ["", [
                "Action=Publish&Message=$util.urlEncode($input.body)&TopicArn=$util.urlEncode('",
                {"Fn::Sub": ["arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:${topicName}", {"topicName": topic}]},
                "')"
            ]]});
            let mut defaults = Map::new();
            defaults.insert("application/json".into(), template.clone());
            defaults.insert("application/x-www-form-urlencoded".into(), template);
            i.insert("RequestTemplates".into(), with_custom_templates(defaults, http));
            if let Some(Value::Object(req)) = http.get("request") {
                if let Some(p) = req.get("passThrough") {
                    i.insert("PassthroughBehavior".into(), p.clone());
                }
                if let Some(c) = req.get("contentHandling") {
                    i.insert("ContentHandling".into(), c.clone());
                }
            }
            let simplified = http.get("response").and_then(|r| r.get("template")).and_then(|t| t.get("success")).is_some_and(truthy);
            i.insert("IntegrationResponses".into(), integration_responses(http, !simplified));
        }
    }
    Value::Object(i)
}
