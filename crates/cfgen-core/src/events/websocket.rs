//! `websocket` events: the API Gateway v2 WebSocket API (Serverless v3's
//! `compile/events/websockets/`).
//!
//! Passes, in v3's order (= resource order): `WebsocketsApi` (+ the `execute-api:ManageConnections`
//! statement on the execution role), `<F>WebsocketsIntegration` per event, route responses,
//! authorizers, permissions (the function's, then the authorizer's), routes,
//! `WebsocketsDeploymentStage` (+ `WebsocketsLogGroup` and the account CloudWatch role custom
//! resource with `provider.logs.websocket`), then `WebsocketsDeployment<hash>` and the
//! `ServiceEndpointWebsocket` output.
//!
//! Quirks kept from v3:
//! - every pass loops over all websocket events, so resources of one function are merged once
//!   per event (`_.merge`), route responses and the stage are assigned;
//! - the deployment id is `base64(sha256(JSON of every resource that is `WebsocketsApi`, has
//!   `Properties.ApiId.Ref == WebsocketsApi` or `WebsocketsApi` in an array `DependsOn`))`
//!   stripped to alphanumerics, taken before the stage gets its `DeploymentId`;
//! - an authorizer given by ARN is named after the ARN's last `:` segment, and its permission
//!   id is built from that name;
//! - the authorizer permission lists `Action`, `Principal`, then `FunctionName`;
//! - with `provider.apiGateway.websocketApiId` no API, stage or statement is made and the
//!   deployment names the stage itself;
//! - provider tags go on the API only with `provider.websocket.useProviderTags` (else a
//!   deprecation warning).

use super::http_api::{event_error, event_report, schema_diagnostic, unknown_keys_at};
use super::queue_common as qc;
use super::EventCtx;
use crate::json::json;
use crate::naming;
use cfgen_model::coerce::{scalar_string, truthy, type_name};
use cfgen_syntax::{codes, Diagnostic};
use serde_json::{Map, Value};

const EVENT_KEYS: [&str; 3] = ["route", "routeResponseSelectionExpression", "authorizer"];
const DEFAULT_IDENTITY_SOURCE: &str = "route.request.header.Auth";
const DEFAULT_DESCRIPTION: &str = "Serverless Websockets";
const DEFAULT_LOG_FORMAT: &str = "$context.identity.sourceIp $context.identity.caller $context.identity.user [$context.requestTime] \"$context.eventType $context.routeKey $context.connectionId\" $context.requestId";

/// A validated websocket event.
struct WsEvent {
    /// Index into `e.functions`.
    function: usize,
    route: String,
    route_response: Option<Value>,
    authorizer: Option<WsAuthorizer>,
}

struct WsAuthorizer {
    name: String,
    uri: Value,
    identity_source: Value,
    /// An ARN (string or CloudFormation function), or the authorizer function's logical id.
    permission: Permission,
}

enum Permission {
    Arn(Value),
    Function(String),
}

fn invocation_uri(target: &Value) -> Value {
    json!({"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":apigateway:", {"Ref": "AWS::Region"}, ":lambda:path/2015-03-31/functions/", target, "/invocations"]]})
}

fn name_from_arn(arn: &str) -> String {
    arn.rsplit(':').next().unwrap_or(arn).to_string()
}

fn missing_function(e: &mut EventCtx, name: &str, key: &str, idx: usize, path: &[&str]) {
    let mut d = Diagnostic::error(codes::INVALID_VALUE, format!("Function \"{name}\" doesn't exist in this Service"));
    let keys: Vec<String> = e.functions.iter().map(|f| f.key.clone()).collect();
    match cfgen_syntax::diagnostic::did_you_mean(name, keys.iter().map(String::as_str)) {
        Some(s) => d = d.help(format!("did you mean `{s}`?")),
        None => d = d.help("name a function of this service, or give the authorizer's ARN"),
    }
    event_report(e, d, key, idx, path);
}

/// `validate()`: the websocket events, with authorizers resolved.
fn validate(e: &mut EventCtx) -> Vec<WsEvent> {
    let mut out = Vec::new();
    let events: Vec<(usize, String, usize, Value)> = e
        .functions
        .iter()
        .enumerate()
        .flat_map(|(fi, f)| f.events_of("websocket").map(move |(i, b)| (fi, f.key.clone(), i, b.clone())).collect::<Vec<_>>())
        .collect();
    for (fi, key, idx, body) in events {
        if !truthy(&body) {
            continue;
        }
        match &body {
            Value::String(route) => out.push(WsEvent { function: fi, route: route.clone(), route_response: None, authorizer: None }),
            Value::Object(o) => {
                e.check_keys(&key, idx, "websocket", &body, &EVENT_KEYS);
                let Some(route) = o.get("route").and_then(scalar_string) else {
                    if let Some(Value::Array(routes)) = o.get("route") {
                        // `route: [$connect, $disconnect]`: v3 stops with a TypeError
                        let each: Vec<String> = routes.iter().filter_map(scalar_string).map(|r| format!("`- websocket: {r}`")).collect();
                        let help = if each.is_empty() {
                            "write one `websocket` event per route".to_string()
                        } else {
                            format!("write one `websocket` event per route: {}", each.join(", "))
                        };
                        event_report(
                            e,
                            Diagnostic::error(
                                codes::INVALID_TYPE,
                                format!("websocket event of function `{key}` has a list of routes; an event takes one `route`"),
                            )
                            .help(help),
                            &key,
                            idx,
                            &["websocket", "route"],
                        );
                        continue;
                    }
                    event_report(
                        e,
                        Diagnostic::error(codes::MISSING_KEY, format!("websocket event of function `{key}` has no `route`"))
                            .help("set `route: $connect`, `$disconnect`, `$default` or a custom route key"),
                        &key,
                        idx,
                        &["websocket"],
                    );
                    continue;
                };
                let route_response = o.get("routeResponseSelectionExpression").filter(|v| truthy(v)).cloned();
                if let Some(r) = &route_response {
                    if r != "$default" {
                        let d = schema_diagnostic(
                            e,
                            codes::INVALID_VALUE,
                            "routeResponseSelectionExpression must be `$default`",
                            "Serverless v3 uses the value as given",
                        );
                        event_report(e, d, &key, idx, &["websocket", "routeResponseSelectionExpression"]);
                    }
                }
                if let Some(a) = o.get("authorizer").filter(|a| a.as_str().is_some_and(|s| s.contains(':'))) {
                    // With a `:` it is an ARN to v3, and its schema wants `arn:` first.
                    let arn_is = "an ARN (`arn:...`) or a function's name";
                    let arn = qc::patterns::ARN;
                    qc::check_pattern(e, &key, idx, &["websocket", "authorizer"], Some(a), arn, arn_is);
                }
                let authorizer = match o.get("authorizer") {
                    None | Some(Value::Null) => None,
                    Some(Value::String(a)) if a.contains(':') => Some(WsAuthorizer {
                        name: name_from_arn(a),
                        uri: invocation_uri(&json!(a)),
                        identity_source: json!([DEFAULT_IDENTITY_SOURCE]),
                        permission: Permission::Arn(json!(a)),
                    }),
                    Some(Value::String(a)) => {
                        let Some(f) = e.function(a) else {
                            missing_function(e, a, &key, idx, &["websocket", "authorizer"]);
                            continue;
                        };
                        Some(WsAuthorizer {
                            name: a.clone(),
                            uri: invocation_uri(&f.target),
                            identity_source: json!([DEFAULT_IDENTITY_SOURCE]),
                            permission: Permission::Function(f.logical_id.clone()),
                        })
                    }
                    Some(auth @ Value::Object(a)) => {
                        let idx_s = idx.to_string();
                        unknown_keys_at(
                            e,
                            auth,
                            &["functions", &key, "events", &idx_s, "websocket", "authorizer"],
                            &["name", "arn", "identitySource"],
                        );
                        // A list of strings in v3's schema: one source is a list of it.
                        let identity_source = a
                            .get("identitySource")
                            .filter(|v| truthy(v))
                            .map_or_else(|| json!([DEFAULT_IDENTITY_SOURCE]), crate::events::queue_common::list_of_text);
                        let name = a.get("name").filter(|v| truthy(v)).and_then(scalar_string);
                        let at = ["websocket", "authorizer", "arn"];
                        let arn_is = "an ARN (`arn:...`)";
                        qc::check_pattern(e, &key, idx, &at, a.get("arn"), qc::patterns::ARN, arn_is);
                        if let Some(Value::String(s)) = a.get("arn").filter(|v| truthy(v) && v.as_str().is_some_and(|s| !s.contains(':'))) {
                            // v3 takes the text as the authorizer's name and, having no `:`, grants
                            // the permission to the function of that name, depending on the text
                            // itself as if it were a resource of the stack: refused.
                            if e.function(s).is_none() {
                                missing_function(e, s, &key, idx, &at);
                            } else {
                                let d = Diagnostic::error(
                                    codes::INVALID_VALUE,
                                    format!("the websocket authorizer's `arn` is `{s}`, a function's name: Serverless v3 makes its permission depend on `{s}`, which is no resource of the stack"),
                                )
                                .help(format!("write `name: {s}` for the function of this service, or give its ARN"));
                                event_report(e, d, &key, idx, &at);
                            }
                            continue;
                        }
                        if let Some(arn) = a.get("arn").filter(|v| truthy(v)) {
                            let auth_name = match arn {
                                Value::String(s) => name_from_arn(s),
                                _ => match name {
                                    Some(n) => n,
                                    None => {
                                        event_report(
                                            e,
                                            Diagnostic::error(
                                                codes::MISSING_KEY,
                                                "Websocket Authorizer: Non-string \"arn\" needs to be accompanied with \"name\"",
                                            )
                                            .help("add `name:` to the authorizer"),
                                            &key,
                                            idx,
                                            &["websocket", "authorizer", "arn"],
                                        );
                                        continue;
                                    }
                                },
                            };
                            Some(WsAuthorizer {
                                name: auth_name,
                                uri: invocation_uri(arn),
                                identity_source,
                                permission: Permission::Arn(arn.clone()),
                            })
                        } else if let Some(n) = name {
                            let Some(f) = e.function(&n) else {
                                missing_function(e, &n, &key, idx, &["websocket", "authorizer", "name"]);
                                continue;
                            };
                            let (uri, lid) = (invocation_uri(&f.target), f.logical_id.clone());
                            Some(WsAuthorizer { name: n, uri, identity_source, permission: Permission::Function(lid) })
                        } else {
                            event_report(
                                e,
                                Diagnostic::error(
                                    codes::MISSING_KEY,
                                    "a websocket authorizer needs a `name` (a function of this service) or an `arn`",
                                ),
                                &key,
                                idx,
                                &["websocket", "authorizer"],
                            );
                            continue;
                        }
                    }
                    Some(other) => {
                        event_error(
                            e,
                            codes::INVALID_TYPE,
                            format!("a websocket authorizer must be a function name, an ARN or an object, not {}", type_name(other)),
                            &key,
                            idx,
                            &["websocket", "authorizer"],
                        );
                        continue;
                    }
                };
                out.push(WsEvent { function: fi, route, route_response, authorizer });
            }
            other => {
                let d = schema_diagnostic(
                    e,
                    codes::INVALID_TYPE,
                    format!("a websocket event must be a route or an object, not {}", type_name(other)),
                    "Serverless v3 ignores the event",
                );
                event_report(e, d, &key, idx, &["websocket"]);
            }
        }
    }
    out
}

pub fn compile(e: &mut EventCtx) {
    let errors_before = e.ctx.diags.iter().filter(|d| d.is_error()).count();
    let events = validate(e);
    if e.ctx.diags.iter().filter(|d| d.is_error()).count() > errors_before || events.is_empty() {
        return;
    }
    let logs = websocket_logs(e);
    if e.ctx.diags.iter().filter(|d| d.is_error()).count() > errors_before {
        return;
    }
    let external_id = e.provider.api_gateway.as_ref().and_then(|a| a.get("websocketApiId")).filter(|v| truthy(v)).cloned();
    let api_id = external_id.clone().unwrap_or_else(|| json!({"Ref": naming::WEBSOCKETS_API}));
    let description = e.provider.websockets_description.clone().filter(truthy).unwrap_or(json!(DEFAULT_DESCRIPTION));

    // compileApi
    if external_id.is_none() {
        compile_api(e, &description);
    }

    // compileIntegrations
    for ev in &events {
        let f = &e.functions[ev.function];
        let mut r = Map::new();
        r.insert("Type".into(), json!("AWS::ApiGatewayV2::Integration"));
        if let Some((_, alias)) = &f.alias {
            r.insert("DependsOn".into(), json!(alias));
        }
        r.insert(
            "Properties".into(),
            json!({"ApiId": &api_id, "IntegrationType": "AWS_PROXY", "IntegrationUri": invocation_uri(&f.target)}),
        );
        let id = naming::websockets_integration(&f.key);
        e.merge_resource(&id, Value::Object(r));
    }

    // compileRouteResponses
    for ev in events.iter().filter(|ev| ev.route_response.is_some()) {
        e.set_resource(
            &naming::websockets_route_response(&ev.route),
            json!({"Type": "AWS::ApiGatewayV2::RouteResponse", "Properties": {"ApiId": &api_id, "RouteId": {"Ref": naming::websockets_route(&ev.route)}, "RouteResponseKey": "$default"}}),
        );
    }

    // compileAuthorizers
    for ev in &events {
        let Some(a) = &ev.authorizer else { continue };
        let mut r = Map::new();
        r.insert("Type".into(), json!("AWS::ApiGatewayV2::Authorizer"));
        if let Some((_, alias)) = e.function(&a.name).and_then(|f| f.alias.clone()) {
            r.insert("DependsOn".into(), json!(alias));
        }
        r.insert(
            "Properties".into(),
            json!({"ApiId": &api_id, "Name": &a.name, "AuthorizerType": "REQUEST", "AuthorizerUri": &a.uri, "IdentitySource": &a.identity_source}),
        );
        e.merge_resource(&naming::websockets_authorizer(&a.name), Value::Object(r));
    }

    // compilePermissions
    let api_ref = api_id.get("Ref").cloned();
    for ev in &events {
        let f = e.functions[ev.function].clone();
        let mut depends: Vec<Value> = Vec::new();
        if let Some(r) = api_ref.clone().filter(truthy) {
            depends.push(r);
        }
        depends.push(json!(f.alias.as_ref().map_or(f.logical_id.clone(), |(_, a)| a.clone())));
        e.merge_resource(
            &naming::websockets_permission(&f.key),
            json!({"Type": "AWS::Lambda::Permission", "DependsOn": depends, "Properties": {"FunctionName": f.target, "Action": "lambda:InvokeFunction", "Principal": "apigateway.amazonaws.com"}}),
        );
        let Some(a) = &ev.authorizer else { continue };
        let mut depends: Vec<Value> = api_ref.clone().filter(truthy).into_iter().collect();
        let mut props = Map::new();
        props.insert("Action".into(), json!("lambda:InvokeFunction"));
        props.insert("Principal".into(), json!("apigateway.amazonaws.com"));
        match &a.permission {
            Permission::Arn(arn) => {
                props.insert("FunctionName".into(), arn.clone());
            }
            Permission::Function(logical_id) => {
                let af = e.function(&a.name).cloned();
                props.insert("FunctionName".into(), af.as_ref().map_or(Value::Null, |f| f.target.clone()));
                depends.push(json!(logical_id));
                if let Some((_, alias)) = af.and_then(|f| f.alias) {
                    depends.push(json!(alias));
                }
            }
        }
        e.merge_resource(
            &naming::websockets_permission(&a.name),
            json!({"Type": "AWS::Lambda::Permission", "DependsOn": depends, "Properties": props}),
        );
    }

    // compileRoutes
    for ev in &events {
        let f = &e.functions[ev.function];
        let mut props = Map::new();
        props.insert("ApiId".into(), api_id.clone());
        props.insert("RouteKey".into(), json!(&ev.route));
        props.insert("AuthorizationType".into(), json!("NONE"));
        props.insert("Target".into(), json!({"Fn::Join": ["/", ["integrations", {"Ref": naming::websockets_integration(&f.key)}]]}));
        if let Some(r) = &ev.route_response {
            props.insert("RouteResponseSelectionExpression".into(), r.clone());
        }
        if let Some(a) = &ev.authorizer {
            props.insert("AuthorizationType".into(), json!("CUSTOM"));
            props.insert("AuthorizerId".into(), json!({"Ref": naming::websockets_authorizer(&a.name)}));
        }
        e.merge_resource(&naming::websockets_route(&ev.route), json!({"Type": "AWS::ApiGatewayV2::Route", "Properties": props}));
    }

    // compileStage
    if external_id.is_none() {
        compile_stage(e, &api_id, &description, logs.as_ref());
    }

    // compileDeployment
    let depends: Vec<Value> = events
        .iter()
        .flat_map(|ev| {
            let mut ids = Vec::new();
            if ev.route_response.is_some() {
                ids.push(json!(naming::websockets_route_response(&ev.route)));
            }
            ids.push(json!(naming::websockets_route(&ev.route)));
            ids
        })
        .collect();
    let deployment = naming::websockets_deployment(&template_hash(e));
    let mut props = Map::new();
    props.insert("ApiId".into(), api_id.clone());
    props.insert("Description".into(), description.clone());
    if external_id.is_some() {
        props.insert("StageName".into(), json!(e.stage()));
    }
    e.merge_resource(&deployment, json!({"Type": "AWS::ApiGatewayV2::Deployment", "DependsOn": depends, "Properties": props}));
    let stage_suffix = format!("/{}", e.stage());
    e.merge_output(
        naming::WEBSOCKETS_ENDPOINT_OUTPUT,
        json!({"Description": "URL of the service endpoint", "Value": {"Fn::Join": ["", ["wss://", api_id, ".execute-api.", {"Ref": "AWS::Region"}, ".", {"Ref": "AWS::URLSuffix"}, stage_suffix]]}}),
    );
    if let Some(Value::Object(p)) = e.t.resources.get_mut(naming::WEBSOCKETS_STAGE).and_then(|s| s.get_mut("Properties")) {
        p.insert("DeploymentId".into(), json!({"Ref": deployment}));
    }
}

fn compile_api(e: &mut EventCtx, description: &Value) {
    if let Some(w) = e.provider.websocket.clone() {
        unknown_keys_at(e, &w, &["provider", "websocket"], &["useProviderTags"]);
    }
    let use_provider_tags = e
        .provider
        .websocket
        .as_ref()
        .and_then(|w| w.get("useProviderTags"))
        .map(super::queue_common::scalar_to_bool)
        .is_some_and(|v| truthy(&v));
    if e.provider.tags.is_some() && !use_provider_tags && !super::http_api::deprecation_disabled(e, "AWS_WEBSOCKET_API_USE_PROVIDER_TAGS") {
        let span = e.ctx.key_span(&["provider", "tags"]);
        e.ctx.diags.push(
            Diagnostic::warning(
                codes::DEPRECATED,
                "Starting with next major version, the provider tags will be applied to Websocket Api Gateway by default",
            )
            .at_opt(span)
            .help("set `provider.websocket.useProviderTags: true` to adapt to the new behavior now (deprecation code AWS_WEBSOCKET_API_USE_PROVIDER_TAGS)"),
        );
    }
    let name = match &e.provider.websockets_api_name {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    };
    let mut props = Map::new();
    props.insert("Name".into(), json!(naming::websockets_api_name(name.as_deref(), e.service(), e.stage())));
    props.insert(
        "RouteSelectionExpression".into(),
        e.provider.websockets_api_route_selection_expression.clone().filter(truthy).unwrap_or(json!("$request.body.action")),
    );
    props.insert("Description".into(), description.clone());
    props.insert("ProtocolType".into(), json!("WEBSOCKET"));
    if use_provider_tags {
        if let Some(tags) = &e.provider.tags {
            props.insert("Tags".into(), Value::Object(tags.iter().map(|(k, v)| (k.clone(), v.0.clone())).collect()));
        }
    }
    e.merge_resource(naming::WEBSOCKETS_API, json!({"Type": "AWS::ApiGatewayV2::Api", "Properties": props}));
    e.push_statement(json!({"Effect": "Allow", "Action": ["execute-api:ManageConnections"],
        "Resource": [{"Fn::Sub": "arn:${AWS::Partition}:execute-api:*:*:*/@connections/*"}]}));
}

/// `provider.logs.websocket`, when set: `(accessLogging, fullExecutionData, level, format)`.
struct Logs {
    access_logging: Value,
    full_execution_data: Value,
    level: Value,
    format: Value,
}

fn websocket_logs(e: &mut EventCtx) -> Option<Logs> {
    let logs = e.provider.logs.as_ref().and_then(|l| l.get("websocket")).filter(|v| truthy(v))?.clone();
    unknown_keys_at(
        e,
        &logs,
        &["provider", "logs", "websocket"],
        &["accessLogging", "executionLogging", "format", "fullExecutionData", "level"],
    );
    let get = |k: &str| logs.get(k).filter(|v| !v.is_null()).map(super::queue_common::scalar_to_bool);
    let access_logging = get("accessLogging").unwrap_or(json!(true));
    let execution_logging = get("executionLogging").unwrap_or(json!(true));
    let full_execution_data = get("fullExecutionData").unwrap_or(json!(true));
    let format = logs.get("format").filter(|v| truthy(v)).cloned().unwrap_or(json!(DEFAULT_LOG_FORMAT));
    let level = if !truthy(&execution_logging) {
        json!("OFF")
    } else if let Some(l) = logs.get("level").filter(|v| truthy(v)) {
        if l != "INFO" && l != "ERROR" {
            let shown = scalar_string(l).unwrap_or_else(|| crate::emit::to_json_compact(l));
            let span = e.ctx.span(&["provider", "logs", "websocket", "level"]);
            e.ctx.diags.push(
                Diagnostic::error(
                    codes::INVALID_VALUE,
                    format!("provider.logs.websocket.level is set to an invalid value. Support values are INFO, ERROR, got {shown}."),
                )
                .at_opt(span),
            );
            return None;
        }
        l.clone()
    } else {
        json!("INFO")
    };
    Some(Logs { access_logging, full_execution_data, level, format })
}

fn compile_stage(e: &mut EventCtx, api_id: &Value, description: &Value, logs: Option<&Logs>) {
    let mut props = Map::new();
    props.insert("ApiId".into(), api_id.clone());
    props.insert("StageName".into(), json!(e.stage()));
    props.insert("Description".into(), description.clone());
    if let Some(l) = logs {
        props.insert("DefaultRouteSettings".into(), json!({"DataTraceEnabled": &l.full_execution_data, "LoggingLevel": &l.level}));
        if truthy(&l.access_logging) {
            props.insert(
                "AccessLogSettings".into(),
                json!({"DestinationArn": {"Fn::Sub": format!("arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:${{{}}}", naming::WEBSOCKETS_LOG_GROUP)}, "Format": &l.format}),
            );
        }
    }
    e.set_resource(naming::WEBSOCKETS_STAGE, json!({"Type": "AWS::ApiGatewayV2::Stage", "Properties": props}));
    if logs.is_none() {
        return;
    }
    let mut lprops = Map::new();
    lprops.insert("LogGroupName".into(), json!(naming::websockets_log_group_name(e.service(), e.stage())));
    if let Some(r) = e.provider.log_retention_in_days.filter(|n| n.truthy()) {
        lprops.insert("RetentionInDays".into(), r.to_json());
    }
    if let Some(p) = e.provider.log_data_protection_policy.as_ref().filter(|v| truthy(v)) {
        lprops.insert("DataProtectionPolicy".into(), p.clone());
    }
    e.set_resource(naming::WEBSOCKETS_LOG_GROUP, json!({"Type": "AWS::Logs::LogGroup", "Properties": lprops}));
    // Memoized in v3: made once per service, whether REST or websocket logs ask first.
    super::api_gateway::ensure_cloud_watch_role(e);
}

/// `base64(sha256(JSON.stringify(pickWebsocketsTemplatePart(template, "WebsocketsApi"))))`.
fn template_hash(e: &EventCtx) -> String {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let token = naming::WEBSOCKETS_API;
    let picked: Map<String, Value> =
        e.t.resources
            .iter()
            .filter(|(k, r)| {
                k.as_str() == token
                    || r.pointer("/Properties/ApiId/Ref").and_then(Value::as_str) == Some(token)
                    || r.get("DependsOn").and_then(Value::as_array).is_some_and(|d| d.iter().any(|x| x == token))
            })
            .map(|(k, r)| (k.clone(), r.clone()))
            .collect();
    let json = crate::emit::to_json_compact(&Value::Object(picked));
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(json.as_bytes()))
}
