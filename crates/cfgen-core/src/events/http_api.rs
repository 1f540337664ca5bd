//! `httpApi` events: the API Gateway v2 HTTP API (Serverless v3's `compile/events/http-api.js`).
//!
//! Resource order: `HttpApi`, `HttpApiLogGroup` (with `provider.logs.httpApi`), `HttpApiStage`
//! (+ outputs `HttpApiId`, `HttpApiUrl`), the authorizers of `provider.httpApi.authorizers` (a
//! request authorizer's `<Name>LambdaAuthorizerPermissionHttpApi` just before it), then per
//! route: on the first route of a function its `<F>LambdaPermissionHttpApi` and
//! `HttpApiIntegration<F>`, then `HttpApiRoute<...>`. Every resource is assigned, not merged.
//!
//! Quirks kept from v3:
//! - routes are a map by route key: a second `*` catch-all replaces the first one's target in
//!   place; a second `METHOD /path` is an error;
//! - `cors: true` (or a cors object without `allowedMethods`) lists `OPTIONS` and then every
//!   route's method in route order, `ANY` expanded to the seven methods;
//! - the authorizer logical id and permission use the authorizer's `name` when it has one;
//! - with `provider.httpApi.id` no API, stage or outputs are made, and only authorizers given by
//!   `id` can be used;
//! - the access log group is named after the stack name (`provider.stackName`);
//! - functions whose timeout is 30 s or more get a warning (the HTTP API limit is 30 s);
//! - v3's schema coerces settings (`'true'` to true, `'600'` to 600, an unquoted `2.0` to `"2"`)
//!   and, unless `configValidationMode: error`, only warns about what it rejects.
//!
//! The diagnostic helpers at the top (`event_report`, `schema_diagnostic`, `unknown_keys_at`,
//! `deprecation_disabled`) are shared with the `websocket` module; AJV's scalar coercions come
//! from `queue_common`.

use super::queue_common::{scalar_to_bool, scalar_to_string};
use super::{EventCtx, FnInfo};
use crate::json::json;
use crate::naming;
use cfgen_model::coerce::{scalar_string, truthy, type_name};
use cfgen_syntax::{codes, Code, Diagnostic, Severity};
use indexmap::IndexMap;
use serde_json::{Map, Value};

const ALLOWED_METHODS: [&str; 8] = ["ANY", "GET", "POST", "PUT", "PATCH", "OPTIONS", "HEAD", "DELETE"];
const DEFAULT_HEADERS: [&str; 7] =
    ["Content-Type", "X-Amz-Date", "Authorization", "X-Api-Key", "X-Amz-Security-Token", "X-Amz-User-Agent", "X-Amzn-Trace-Id"];
const EVENT_KEYS: [&str; 3] = ["authorizer", "method", "path"];
const PROVIDER_KEYS: [&str; 9] =
    ["authorizers", "cors", "id", "name", "payload", "metrics", "useProviderTags", "disableDefaultEndpoint", "shouldStartNameWithService"];
const JWT_KEYS: [&str; 5] = ["type", "name", "identitySource", "issuerUrl", "audience"];
const CORS_KEYS: [&str; 6] = ["allowCredentials", "allowedHeaders", "allowedMethods", "allowedOrigins", "exposedResponseHeaders", "maxAge"];

/// `provider.httpApi.cors`, resolved.
struct Cors {
    allow_credentials: bool,
    headers: Vec<Value>,
    methods: Vec<Value>,
    origins: Vec<Value>,
    expose: Option<Vec<Value>>,
    max_age: Option<Value>,
    fill_methods: bool,
}

/// One of `provider.httpApi.authorizers`.
struct Authorizer {
    /// `name` or the key.
    name: String,
    identity_source: Value,
    issuer_url: Value,
    audience: Vec<Value>,
    is_request: bool,
    function_name: Option<String>,
    function_arn: Option<Value>,
    managed_externally: bool,
    ttl: Option<Value>,
    simple_responses: Option<Value>,
    payload_version: Value,
}

/// How a route is authorized.
enum RouteAuth {
    /// An external authorizer id (with `provider.httpApi.id`).
    Id {
        id: Value,
        ty: Option<String>,
    },
    AwsIam,
    /// One of `provider.httpApi.authorizers`, by key.
    Named(String),
}

struct Route {
    /// Index into `e.functions`.
    function: usize,
    auth: Option<RouteAuth>,
    scopes: Option<Vec<Value>>,
}

/// Warn about keys of the object at `path` (under `provider.httpApi`) that `allowed` does not
/// list: v3's schema rejects them (a warning unless `configValidationMode: error`) and ignores them.
fn unknown_keys(e: &mut EventCtx, value: &Value, path: &[&str], allowed: &[&str]) {
    let mut full = vec!["provider", "httpApi"];
    full.extend_from_slice(path);
    unknown_keys_at(e, value, &full, allowed);
}

/// [`unknown_keys`] for the object at the full path `full`.
pub(super) fn unknown_keys_at(e: &mut EventCtx, value: &Value, full: &[&str], allowed: &[&str]) {
    let Value::Object(o) = value else { return };
    let unknown: Vec<String> = o.keys().filter(|k| !allowed.contains(&k.as_str())).cloned().collect();
    for k in unknown {
        let mut d =
            schema_diagnostic(e, codes::UNKNOWN_KEY, format!("unknown key `{k}` in `{}`", full.join(".")), "Serverless v3 ignores it");
        if let Some(s) = cfgen_syntax::diagnostic::did_you_mean(&k, allowed.iter().copied()) {
            d = d.help(format!("did you mean `{s}`?"));
        }
        let mut at = full.to_vec();
        at.push(&k);
        let span = e.ctx.key_span(&at);
        e.ctx.diags.push(d.at_opt(span));
    }
}

/// Where to point a diagnostic about `functions.<key>.events.<idx>` + `path`: the key of a
/// mapping (its whole span would underline only its first character), else the value.
pub(super) fn event_place(e: &EventCtx, key: &str, idx: usize, path: &[&str]) -> Option<cfgen_syntax::Span> {
    let idx = idx.to_string();
    let mut full = vec!["functions", key, "events", idx.as_str()];
    full.extend_from_slice(path);
    match e.ctx.node.pointer(full.iter().copied()) {
        Some(n) if n.as_map().is_some() && !path.is_empty() => e.ctx.key_span(&full),
        _ => e.ctx.span(&full),
    }
}

pub(super) fn event_report(e: &mut EventCtx, d: Diagnostic, key: &str, idx: usize, path: &[&str]) {
    let span = event_place(e, key, idx, path);
    e.ctx.diags.push(d.at_opt(span));
}

pub(super) fn event_error(e: &mut EventCtx, code: Code, msg: impl Into<String>, key: &str, idx: usize, path: &[&str]) {
    event_report(e, Diagnostic::error(code, msg), key, idx, path);
}

/// A finding of v3's configuration schema: a warning, or an error with
/// `configValidationMode: error` (then v3 refuses the configuration).
/// `in_warn_mode` ends the message of the warning: what v3 then does with the value.
pub(super) fn schema_diagnostic(e: &EventCtx, code: Code, msg: impl Into<String>, in_warn_mode: &str) -> Diagnostic {
    if e.schema_severity() == Severity::Error {
        Diagnostic::new(code, Severity::Error, msg)
    } else {
        Diagnostic::new(code, Severity::Warning, format!("{}; {in_warn_mode}", msg.into()))
    }
}

/// v3's schema allows payload versions `'1.0'` and `'2.0'` only (an unquoted `2.0` is the
/// number 2, which becomes `"2"`).
fn check_payload(e: &mut EventCtx, v: Option<&Value>, path: &[&str]) {
    let Some(v) = v.filter(|v| !v.is_null()) else { return };
    if v == "1.0" || v == "2.0" {
        return;
    }
    let shown = scalar_string(v).unwrap_or_else(|| crate::emit::to_json_compact(v));
    let span = e.ctx.span(path);
    let d = schema_diagnostic(
        e,
        codes::INVALID_VALUE,
        format!("payload version `{shown}` is neither '1.0' nor '2.0'"),
        "Serverless v3 uses it as given",
    )
    .at_opt(span)
    .help("quote the version: `'1.0'` or `'2.0'` (an unquoted 2.0 is the number 2)");
    e.ctx.diags.push(d);
}

/// Ajv's `coerceTypes` to an integer: integer strings and booleans (other values stay).
fn coerce_int(v: &Value) -> Value {
    match v {
        Value::String(s) => s.trim().parse::<i64>().ok().filter(|_| !s.trim().is_empty()).map_or_else(|| v.clone(), |n| json!(n)),
        Value::Bool(b) => json!(i64::from(*b)),
        other => other.clone(),
    }
}

/// Apply v3's schema coercions to `provider.httpApi`.
fn coerce_config(config: &mut Map<String, Value>) {
    fn each(o: &mut Map<String, Value>, keys: &[&str], f: fn(&Value) -> Value) {
        for k in keys {
            if let Some(v) = o.get_mut(*k) {
                *v = f(v);
            }
        }
    }
    each(config, &["metrics", "disableDefaultEndpoint", "shouldStartNameWithService"], scalar_to_bool);
    each(config, &["payload", "name"], scalar_to_string);
    if let Some(Value::Object(c)) = config.get_mut("cors") {
        each(c, &["allowCredentials"], scalar_to_bool);
        each(c, &["maxAge"], coerce_int);
    }
    if let Some(Value::Object(a)) = config.get_mut("authorizers") {
        for (_, auth) in a.iter_mut() {
            if let Value::Object(o) = auth {
                each(o, &["managedExternally", "enableSimpleResponses"], scalar_to_bool);
                each(o, &["resultTtlInSeconds"], coerce_int);
                each(o, &["payloadVersion", "name", "functionName"], scalar_to_string);
            }
        }
    }
}

/// Whether `disabledDeprecations` lists `code` (or `*`).
pub(super) fn deprecation_disabled(e: &EventCtx, code: &str) -> bool {
    match &e.ctx.cfg.disabled_deprecations {
        Some(Value::Array(a)) => a.iter().any(|c| c == code || c == "*"),
        Some(Value::String(s)) => s == code || s == "*",
        _ => false,
    }
}

fn provider_error(e: &mut EventCtx, code: Code, msg: impl Into<String>, path: &[&str]) {
    let mut full = vec!["provider", "httpApi"];
    full.extend_from_slice(path);
    let span = e.ctx.key_span(&full);
    e.ctx.diags.push(Diagnostic::error(code, msg).at_opt(span));
}

/// A JavaScript `Set` of the value or values, as an array: equal scalars once, objects each.
fn to_set(v: &Value) -> Vec<Value> {
    let items: Vec<Value> = match v {
        Value::Array(a) => a.clone(),
        other => vec![other.clone()],
    };
    let mut out: Vec<Value> = Vec::new();
    for x in items {
        let scalar = !matches!(x, Value::Object(_) | Value::Array(_));
        if scalar && out.contains(&x) {
            continue;
        }
        out.push(x);
    }
    out
}

fn push_unique(list: &mut Vec<Value>, v: &str) {
    if !list.iter().any(|x| x == v) {
        list.push(json!(v));
    }
}

/// `{Fn::Join: ["", ["arn:", partition, ":execute-api:", region, ":", account, ":", api, "/*"]]}`.
fn execute_api_arn(api_id: &Value) -> Value {
    json!({"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":execute-api:", {"Ref": "AWS::Region"}, ":", {"Ref": "AWS::AccountId"}, ":", api_id, "/*"]]})
}

fn invocation_uri(target: &Value) -> Value {
    json!({"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":apigateway:", {"Ref": "AWS::Region"}, ":lambda:path/2015-03-31/functions/", target, "/invocations"]]})
}

pub fn compile(e: &mut EventCtx) {
    let mut config = match e.provider.http_api.clone() {
        Some(Value::Object(o)) => o,
        _ => Map::new(),
    };
    coerce_config(&mut config);
    if config.get("useProviderTags").is_some_and(truthy) && !deprecation_disabled(e, "AWS_HTTP_API_USE_PROVIDER_TAGS_PROPERTY") {
        let span = e.ctx.key_span(&["provider", "httpApi", "useProviderTags"]);
        e.ctx.diags.push(
            Diagnostic::warning(
                codes::DEPRECATED,
                "Property \"provider.httpApi.useProviderTags\" is no longer effective as provider tags are applied to Http Api Gateway by default",
            )
            .at_opt(span)
            .help("you can safely remove this property from your configuration (deprecation code AWS_HTTP_API_USE_PROVIDER_TAGS_PROPERTY)"),
        );
    }
    unknown_keys(e, &Value::Object(config.clone()), &[], &PROVIDER_KEYS);
    if let Some(logs) = e.provider.logs.as_ref().and_then(|l| l.get("httpApi")).cloned() {
        unknown_keys_at(e, &logs, &["provider", "logs", "httpApi"], &["format"]);
    }
    check_payload(e, config.get("payload"), &["provider", "httpApi", "payload"]);
    if let Some(Value::Object(auths)) = config.get("authorizers") {
        for (k, a) in auths {
            check_payload(e, a.get("payloadVersion"), &["provider", "httpApi", "authorizers", k, "payloadVersion"]);
        }
    }
    let function_settings: Vec<(String, Value)> =
        e.functions.iter().filter_map(|f| f.function().http_api.clone().map(|h| (f.key.clone(), h))).collect();
    for (key, settings) in function_settings {
        unknown_keys_at(e, &settings, &["functions", &key, "httpApi"], &["payload"]);
        check_payload(e, settings.get("payload").map(scalar_to_string).as_ref(), &["functions", &key, "httpApi", "payload"]);
    }
    let external_id = config.get("id").filter(|v| truthy(v)).cloned();
    let errors_before = e.ctx.diags.iter().filter(|d| d.is_error()).count();

    let mut cors = resolve_cors(e, &config, external_id.is_some());
    let (authorizers, rejected) = resolve_authorizers(e, &config, external_id.is_some());
    let access_log_format = resolve_logs(e, external_id.is_some());
    let routes = resolve_routes(e, &authorizers, &rejected, external_id.is_some(), &mut cors);
    timeout_warnings(e);

    if e.ctx.diags.iter().filter(|d| d.is_error()).count() > errors_before || routes.is_empty() {
        return;
    }
    let api_id = external_id.clone().unwrap_or_else(|| json!({"Ref": naming::HTTP_API}));

    // compileApi
    if external_id.is_none() {
        let mut props = Map::new();
        let name = config.get("name").filter(|v| truthy(v)).map(|v| scalar_string(v).unwrap_or_default());
        let start_with_service = config.get("shouldStartNameWithService").is_some_and(truthy);
        props.insert("Name".into(), json!(naming::http_api_name(name.as_deref(), e.service(), e.stage(), start_with_service)));
        props.insert("ProtocolType".into(), json!("HTTP"));
        if let Some(d) = config.get("disableDefaultEndpoint").filter(|v| !v.is_null()) {
            props.insert("DisableExecuteApiEndpoint".into(), d.clone());
        }
        if let Some(tags) = provider_tags(e) {
            props.insert("Tags".into(), tags);
        }
        if let Some(c) = &cors {
            let mut cc = Map::new();
            if c.allow_credentials {
                cc.insert("AllowCredentials".into(), json!(true));
            }
            cc.insert("AllowHeaders".into(), Value::Array(c.headers.clone()));
            cc.insert("AllowMethods".into(), Value::Array(c.methods.clone()));
            cc.insert("AllowOrigins".into(), Value::Array(c.origins.clone()));
            if let Some(x) = &c.expose {
                cc.insert("ExposeHeaders".into(), Value::Array(x.clone()));
            }
            if let Some(m) = &c.max_age {
                cc.insert("MaxAge".into(), m.clone());
            }
            props.insert("CorsConfiguration".into(), Value::Object(cc));
        }
        e.set_resource(naming::HTTP_API, json!({"Type": "AWS::ApiGatewayV2::Api", "Properties": props}));
    }

    // compileLogGroup
    if let Some(_format) = &access_log_format {
        let stack_name =
            e.provider.stack_name.clone().filter(|s| !s.is_empty()).unwrap_or_else(|| naming::stack_name(e.service(), e.stage()));
        let mut props = Map::new();
        props.insert("LogGroupName".into(), json!(naming::http_api_log_group_name(&stack_name)));
        if let Some(r) = e.provider.log_retention_in_days.filter(|n| n.truthy()) {
            props.insert("RetentionInDays".into(), r.to_json());
        }
        if let Some(p) = e.provider.log_data_protection_policy.as_ref().filter(|v| truthy(v)) {
            props.insert("DataProtectionPolicy".into(), p.clone());
        }
        e.set_resource(naming::HTTP_API_LOG_GROUP, json!({"Type": "AWS::Logs::LogGroup", "Properties": props}));
    }

    // compileStage
    if external_id.is_none() {
        let metrics = config.get("metrics").filter(|v| truthy(v)).cloned().unwrap_or(json!(false));
        let mut props = Map::new();
        props.insert("ApiId".into(), json!({"Ref": naming::HTTP_API}));
        props.insert("StageName".into(), json!("$default"));
        props.insert("AutoDeploy".into(), json!(true));
        props.insert("DefaultRouteSettings".into(), json!({"DetailedMetricsEnabled": metrics}));
        if let Some(tags) = provider_tags(e) {
            props.insert("Tags".into(), tags);
        }
        let mut stage = Map::new();
        stage.insert("Type".into(), json!("AWS::ApiGatewayV2::Stage"));
        if let Some(format) = &access_log_format {
            props.insert(
                "AccessLogSettings".into(),
                json!({"DestinationArn": {"Fn::GetAtt": [naming::HTTP_API_LOG_GROUP, "Arn"]}, "Format": format}),
            );
            stage.insert("Properties".into(), Value::Object(props));
            stage.insert("DependsOn".into(), json!(naming::HTTP_API_LOG_GROUP));
        } else {
            stage.insert("Properties".into(), Value::Object(props));
        }
        e.set_resource(naming::HTTP_API_STAGE, Value::Object(stage));
        e.t.outputs
            .insert(naming::HTTP_API_ID_OUTPUT.into(), json!({"Description": "Id of the HTTP API", "Value": {"Ref": naming::HTTP_API}}));
        e.t.outputs.insert(
            naming::HTTP_API_URL_OUTPUT.into(),
            json!({"Description": "URL of the HTTP API", "Value": {"Fn::Join": ["", ["https://", {"Ref": naming::HTTP_API}, ".execute-api.", {"Ref": "AWS::Region"}, ".", {"Ref": "AWS::URLSuffix"}]]}}),
        );
    }

    compile_authorizers(e, &authorizers, &api_id);
    compile_endpoints(e, &routes, &authorizers, &api_id, &config);
}

/// `provider.tags` as a map (`Object.assign({}, tags)`), when set.
fn provider_tags(e: &EventCtx) -> Option<Value> {
    let tags = e.provider.tags.as_ref()?;
    Some(Value::Object(tags.iter().map(|(k, v)| (k.clone(), v.0.clone())).collect()))
}

fn resolve_cors(e: &mut EventCtx, config: &Map<String, Value>, external: bool) -> Option<Cors> {
    let user = config.get("cors").filter(|v| truthy(v))?;
    if external {
        provider_error(e, codes::INVALID_VALUE, "Cannot setup CORS rules for externally configured HTTP API", &["cors"]);
        return None;
    }
    let default_headers: Vec<Value> = DEFAULT_HEADERS.iter().map(|h| json!(h)).collect();
    let mut cors = Cors {
        allow_credentials: false,
        headers: default_headers,
        methods: vec![json!("OPTIONS")],
        origins: vec![json!("*")],
        expose: None,
        max_age: None,
        fill_methods: true,
    };
    match user {
        Value::Bool(true) => {}
        Value::Object(o) => {
            if let Some(v) = o.get("allowedOrigins").filter(|v| truthy(v)) {
                cors.origins = to_set(v);
            }
            if let Some(v) = o.get("allowedHeaders").filter(|v| truthy(v)) {
                cors.headers = to_set(v);
            }
            if let Some(v) = o.get("allowedMethods").filter(|v| truthy(v)) {
                cors.methods = to_set(v);
                cors.fill_methods = false;
            }
            cors.allow_credentials = o.get("allowCredentials").is_some_and(truthy);
            if let Some(v) = o.get("exposedResponseHeaders").filter(|v| truthy(v)) {
                cors.expose = Some(to_set(v));
            }
            cors.max_age = o.get("maxAge").cloned();
            unknown_keys(e, user, &["cors"], &CORS_KEYS);
        }
        other => {
            // Truthy but neither `true` nor an object: v3's schema rejects it; v3 reads it as an
            // object without settings.
            let msg = format!("provider.httpApi.cors must be `true` or an object, not {}", type_name(other));
            let span = e.ctx.span(&["provider", "httpApi", "cors"]);
            let d = schema_diagnostic(e, codes::INVALID_TYPE, msg, "Serverless v3 reads it as a cors object without settings").at_opt(span);
            e.ctx.diags.push(d);
        }
    }
    Some(cors)
}

/// The authorizers of `provider.httpApi.authorizers`, and the keys of those rejected (already
/// reported, so routes naming them are not reported again).
fn resolve_authorizers(e: &mut EventCtx, config: &Map<String, Value>, external: bool) -> (IndexMap<String, Authorizer>, Vec<String>) {
    let mut out = IndexMap::new();
    let Some(Value::Object(user)) = config.get("authorizers").filter(|v| truthy(v)) else { return (out, Vec::new()) };
    if external {
        provider_error(e, codes::INVALID_VALUE, "Cannot setup authorizers for externally configured HTTP API", &["authorizers"]);
        return (out, user.keys().cloned().collect());
    }
    let mut rejected = Vec::new();
    for (key, cfg) in user {
        let empty = Map::new();
        let c = cfg.as_object().unwrap_or(&empty);
        let is_request = c.get("type").and_then(Value::as_str) == Some("request");
        let function_name = c.get("functionName").filter(|v| truthy(v)).and_then(scalar_string);
        let function_arn = c.get("functionArn").filter(|v| truthy(v)).cloned();
        if is_request {
            let path = ["authorizers", key.as_str()];
            if function_arn.is_none() && function_name.is_none() {
                provider_error(
                    e,
                    codes::MISSING_KEY,
                    format!("Either \"functionArn\" or \"functionName\" property needs to be set on authorizer \"{key}\""),
                    &path,
                );
                rejected.push(key.clone());
                continue;
            }
            if function_arn.is_some() && function_name.is_some() {
                provider_error(
                    e,
                    codes::INVALID_VALUE,
                    format!("Either \"functionArn\" or \"functionName\" (not both) property needs to be set on authorizer \"{key}\""),
                    &path,
                );
                rejected.push(key.clone());
                continue;
            }
            if let Some(f) = &function_name {
                if e.function(f).is_none() {
                    let keys: Vec<String> = e.functions.iter().map(|x| x.key.clone()).collect();
                    let mut d = Diagnostic::error(
                        codes::INVALID_VALUE,
                        format!("Function \"{f}\" for HTTP API authorizer \"{key}\" not found in service."),
                    );
                    match cfgen_syntax::diagnostic::did_you_mean(f, keys.iter().map(String::as_str)) {
                        Some(s) => d = d.help(format!("did you mean `{s}`?")),
                        None => d = d.help("name a function of this service, or give the authorizer's `functionArn`"),
                    }
                    let span = e.ctx.span(&["provider", "httpApi", "authorizers", key.as_str(), "functionName"]);
                    e.ctx.diags.push(d.at_opt(span));
                    rejected.push(key.clone());
                    continue;
                }
            }
            if c.get("resultTtlInSeconds").is_some_and(truthy) && !c.get("identitySource").is_some_and(truthy) {
                provider_error(
                    e,
                    codes::MISSING_KEY,
                    format!("Property \"identitySource\" has to be set on authorizer \"{key}\" when \"resultTtlInSeconds\" is set to non-zero value."),
                    &["authorizers", key.as_str(), "resultTtlInSeconds"],
                );
                rejected.push(key.clone());
                continue;
            }
        }
        if !is_request {
            unknown_keys(e, cfg, &["authorizers", key.as_str()], &JWT_KEYS);
            let missing: Vec<&str> = ["identitySource", "issuerUrl", "audience"].into_iter().filter(|k| !c.contains_key(*k)).collect();
            if !missing.is_empty() {
                let span = e.ctx.key_span(&["provider", "httpApi", "authorizers", key.as_str()]);
                e.ctx.diags.push(
                    schema_diagnostic(
                        e,
                        codes::MISSING_KEY,
                        format!("JWT authorizer `{key}` has no `{}`, which Serverless v3's schema requires", missing.join("`, `")),
                        "Serverless v3 leaves it out of the authorizer",
                    )
                    .at_opt(span)
                    .help(
                        "a JWT authorizer needs `identitySource`, `issuerUrl` and `audience` (or `type: request` for a Lambda authorizer)",
                    ),
                );
            }
        }
        let name = c.get("name").filter(|v| truthy(v)).and_then(scalar_string).unwrap_or_else(|| key.clone());
        out.insert(
            key.clone(),
            Authorizer {
                name,
                identity_source: c.get("identitySource").filter(|v| truthy(v)).cloned().unwrap_or(json!([])),
                issuer_url: c.get("issuerUrl").cloned().unwrap_or(Value::Null),
                audience: to_set(c.get("audience").unwrap_or(&Value::Null)),
                is_request,
                function_name,
                function_arn,
                managed_externally: c.get("managedExternally").is_some_and(truthy),
                ttl: c.get("resultTtlInSeconds").cloned(),
                simple_responses: c.get("enableSimpleResponses").cloned(),
                payload_version: c.get("payloadVersion").filter(|v| truthy(v)).cloned().unwrap_or(json!("2.0")),
            },
        );
    }
    (out, rejected)
}

/// The access log format of `provider.logs.httpApi`, when set.
fn resolve_logs(e: &mut EventCtx, external: bool) -> Option<String> {
    let logs = e.provider.logs.as_ref().and_then(|l| l.get("httpApi")).filter(|v| truthy(v))?.clone();
    if external {
        let span = e.ctx.span(&["provider", "logs", "httpApi"]);
        e.ctx
            .diags
            .push(Diagnostic::error(codes::INVALID_VALUE, "Cannot setup access logs for externally configured HTTP API").at_opt(span));
        return None;
    }
    let format = logs.get("format").filter(|v| truthy(v)).and_then(scalar_string);
    Some(format.unwrap_or_else(|| {
        "{\"requestId\":\"$context.requestId\",\"ip\":\"$context.identity.sourceIp\",\"requestTime\":\"$context.requestTime\",\"httpMethod\":\"$context.httpMethod\",\"routeKey\":\"$context.routeKey\",\"status\":\"$context.status\",\"protocol\":\"$context.protocol\",\"responseLength\":\"$context.responseLength\"}".to_string()
    }))
}

/// Parse `METHOD /path` (any case) or `*`; `None` when the string has another shape.
fn parse_method_path(s: &str) -> Option<(Option<String>, String)> {
    if s == "*" {
        return Some((None, "*".into()));
    }
    let (method, path) = s.split_once(' ')?;
    let upper = method.to_ascii_uppercase();
    if !ALLOWED_METHODS.contains(&upper.as_str()) || !path.starts_with('/') || path.chars().any(char::is_whitespace) {
        return None;
    }
    Some((Some(method.to_string()), path.to_string()))
}

fn resolve_routes(
    e: &mut EventCtx,
    authorizers: &IndexMap<String, Authorizer>,
    rejected: &[String],
    external: bool,
    cors: &mut Option<Cors>,
) -> IndexMap<String, Route> {
    let mut routes: IndexMap<String, Route> = IndexMap::new();
    let events: Vec<(usize, String, usize, Value)> = e
        .functions
        .iter()
        .enumerate()
        .flat_map(|(fi, f)| f.events_of("httpApi").map(move |(i, b)| (fi, f.key.clone(), i, b.clone())).collect::<Vec<_>>())
        .collect();
    for (fi, key, idx, body) in events {
        if !truthy(&body) {
            continue;
        }
        let (method, path, authorizer) = match &body {
            Value::Object(o) => {
                e.check_keys(&key, idx, "httpApi", &body, &EVENT_KEYS);
                // v3's schema types both as strings: AJV's coercions apply first (`path: ['*']`).
                let mut o = o.clone();
                super::queue_common::coerce_text_fields(e, &key, idx, "httpApi", &mut o, &["path", "method"], false);
                let o = &o;
                let method = match o.get("method") {
                    None | Some(Value::Null) => None,
                    Some(m) => match scalar_string(m) {
                        Some(s) => Some(s),
                        None => {
                            event_error(
                                e,
                                codes::INVALID_TYPE,
                                format!("the `method` of an httpApi event must be a string, not {}", type_name(m)),
                                &key,
                                idx,
                                &["httpApi", "method"],
                            );
                            continue;
                        }
                    },
                };
                let path = match o.get("path").and_then(scalar_string) {
                    Some(p) => p,
                    None => {
                        event_report(
                            e,
                            Diagnostic::error(codes::MISSING_KEY, format!("httpApi event of function `{key}` has no `path`"))
                                .help("set `path: /some/path` (or `path: '*'` for the catch-all route)"),
                            &key,
                            idx,
                            &["httpApi"],
                        );
                        continue;
                    }
                };
                if path != "*" && (!path.starts_with('/') || path.chars().any(char::is_whitespace)) {
                    let d = schema_diagnostic(
                        e,
                        codes::INVALID_VALUE,
                        format!("httpApi path `{path}` must be `*` or start with `/` and hold no spaces"),
                        "Serverless v3 uses it as given",
                    );
                    event_report(e, d, &key, idx, &["httpApi", "path"]);
                }
                (method, path, o.get("authorizer").filter(|v| truthy(v)).cloned())
            }
            other => {
                let s = scalar_string(other).unwrap_or_default();
                match parse_method_path(&s) {
                    Some((m, p)) => (m, p, None),
                    None => {
                        event_report(
                            e,
                            Diagnostic::error(
                                codes::INVALID_VALUE,
                                match other {
                                    Value::String(_) => format!("invalid httpApi event `{s}` in function `{key}`"),
                                    _ => format!("an httpApi event must be a string or an object, not {}", type_name(other)),
                                },
                            )
                                .help("write `METHOD /path` (METHOD one of ANY, GET, POST, PUT, PATCH, OPTIONS, HEAD, DELETE, or `*`), or `'*'` for the catch-all route"),
                            &key,
                            idx,
                            &["httpApi"],
                        );
                        continue;
                    }
                }
            }
        };
        let route_key;
        let resolved_method;
        if path == "*" {
            if method.as_deref().is_some_and(|m| m != "*") {
                event_error(
                    e,
                    codes::INVALID_VALUE,
                    format!("Invalid \"path\" property in function {key} for httpApi event in serverless.yml"),
                    &key,
                    idx,
                    &["httpApi", "path"],
                );
                continue;
            }
            route_key = "*".to_string();
            resolved_method = "ANY".to_string();
        } else {
            let Some(m) = method else {
                event_report(
                    e,
                    Diagnostic::error(
                        codes::MISSING_KEY,
                        format!("Missing \"method\" property in function {key} for httpApi event in serverless.yml"),
                    )
                    .help("add `method: GET` (or `*` for any method)"),
                    &key,
                    idx,
                    &["httpApi"],
                );
                continue;
            };
            let mut m = m.to_uppercase();
            if m == "*" {
                m = "ANY".into();
            } else if !ALLOWED_METHODS.contains(&m.as_str()) {
                event_error(
                    e,
                    codes::INVALID_VALUE,
                    format!("Invalid \"method\" property in function {key} for httpApi event in serverless.yml"),
                    &key,
                    idx,
                    &["httpApi", "method"],
                );
                continue;
            }
            route_key = format!("{m} {path}");
            if routes.contains_key(&route_key) {
                event_error(
                    e,
                    codes::INVALID_VALUE,
                    format!("Duplicate route '{route_key}' configuration in function {key} for httpApi event in serverless.yml"),
                    &key,
                    idx,
                    &["httpApi"],
                );
                continue;
            }
            resolved_method = m;
        }
        let mut route = Route { function: fi, auth: None, scopes: None };
        if let Some(a) = authorizer {
            let (name, scopes, id, ty) = match &a {
                Value::Object(o) => (
                    o.get("name").filter(|v| truthy(v)).and_then(scalar_string),
                    o.get("scopes").filter(|v| truthy(v)).cloned(),
                    o.get("id").filter(|v| truthy(v)).cloned(),
                    o.get("type").and_then(Value::as_str).map(String::from),
                ),
                other => (scalar_string(other), None, None, None),
            };
            let at = ["httpApi", "authorizer"];
            if ty.as_deref() != Some("aws_iam") && id.is_none() && name.is_none() {
                event_error(
                    e,
                    codes::MISSING_KEY,
                    format!(
                        "When configuring an authorizer with type: \"{}\", property \"id\" or \"name\" has to be specified.",
                        ty.as_deref().unwrap_or("jwt")
                    ),
                    &key,
                    idx,
                    &at,
                );
                continue;
            }
            if ty.as_deref() == Some("aws_iam") && (name.is_some() || id.is_some() || scopes.is_some()) {
                event_error(
                    e,
                    codes::INVALID_VALUE,
                    "When configuring authorizer with type: \"aws_iam\", all other properties are not supported.",
                    &key,
                    idx,
                    &at,
                );
                continue;
            }
            if let Some(id) = id {
                if !external {
                    event_report(
                        e,
                        Diagnostic::error(
                            codes::INVALID_VALUE,
                            format!(
                                "Event references external authorizer '{}', but httpApi is part of the current stack.",
                                scalar_string(&id).unwrap_or_else(|| crate::emit::to_json_compact(&id))
                            ),
                        )
                        .help("reference an authorizer of provider.httpApi.authorizers by `name`, or set provider.httpApi.id"),
                        &key,
                        idx,
                        &at,
                    );
                    continue;
                }
                route.auth = Some(RouteAuth::Id { id, ty });
            } else if ty.as_deref() == Some("aws_iam") {
                route.auth = Some(RouteAuth::AwsIam);
            } else {
                let name = name.unwrap_or_default();
                if rejected.contains(&name) {
                    continue;
                }
                if !authorizers.contains_key(&name) {
                    let mut d = Diagnostic::error(codes::INVALID_VALUE, format!("Event references not configured authorizer '{name}'"));
                    match cfgen_syntax::diagnostic::did_you_mean(&name, authorizers.keys().map(String::as_str)) {
                        Some(s) => d = d.help(format!("did you mean `{s}`?")),
                        None => d = d.help("define it under provider.httpApi.authorizers"),
                    }
                    event_report(e, d, &key, idx, &at);
                    continue;
                }
                route.auth = Some(RouteAuth::Named(name));
            }
            if let Some(s) = scopes {
                route.scopes = Some(to_set(&s));
            }
        }
        routes.insert(route_key, route);
        if let Some(c) = cors.as_mut().filter(|c| c.fill_methods) {
            if resolved_method == "ANY" {
                for m in ALLOWED_METHODS.iter().filter(|m| **m != "ANY") {
                    push_unique(&mut c.methods, m);
                }
            } else {
                push_unique(&mut c.methods, &resolved_method);
            }
        }
    }
    routes
}

/// The warnings for functions with httpApi events whose timeout reaches the 30 s limit.
fn timeout_warnings(e: &mut EventCtx) {
    let provider_timeout = e.provider.timeout.map(|n| n.0).filter(|n| *n != 0.0 && !n.is_nan());
    let mut warnings = Vec::new();
    for f in e.functions.iter() {
        let Some((idx, _)) = f.events_of("httpApi").find(|(_, b)| truthy(b)) else { continue };
        let timeout = f.function().timeout.map(|n| n.0).filter(|n| *n != 0.0 && !n.is_nan()).or(provider_timeout).unwrap_or(6.0);
        let shown = cfgen_model::coerce::js_number_string(timeout);
        let msg = if timeout > 30.0 {
            format!(
                "Function ({}) timeout setting ({shown}) is greater than maximum allowed timeout for HTTP API endpoint (30s). This may introduce a situation where endpoint times out for a successful lambda invocation.",
                f.key
            )
        } else if timeout == 30.0 {
            format!(
                "Function ({}) timeout setting ({shown}) may not provide enough room to process an HTTP API request (of which timeout is limited to 30s). This may introduce a situation where endpoint times out for a successful lambda invocation.",
                f.key
            )
        } else {
            continue;
        };
        warnings.push((f.key.clone(), idx, msg));
    }
    for (key, idx, msg) in warnings {
        let span = if e.function(&key).is_some_and(|f| f.function().timeout.is_some()) {
            e.ctx.span(&["functions", &key, "timeout"])
        } else {
            e.event_span(&key, idx, &[])
        };
        e.ctx.diags.push(Diagnostic::warning(codes::INVALID_VALUE, msg).at_opt(span).help("set the function's `timeout` below 30 seconds"));
    }
}

fn compile_authorizers(e: &mut EventCtx, authorizers: &IndexMap<String, Authorizer>, api_id: &Value) {
    for a in authorizers.values() {
        let identity = match &a.identity_source {
            Value::Array(_) => a.identity_source.clone(),
            other => json!([other]),
        };
        let mut props = Map::new();
        props.insert("ApiId".into(), api_id.clone());
        props.insert("Name".into(), json!(&a.name));
        props.insert("IdentitySource".into(), identity);
        let mut resource = Map::new();
        resource.insert("Type".into(), json!("AWS::ApiGatewayV2::Authorizer"));
        if a.is_request {
            let function: Option<&FnInfo> = a.function_name.as_deref().and_then(|n| e.function(n));
            let target = match (&a.function_arn, function) {
                (Some(arn), _) => arn.clone(),
                (None, Some(f)) => f.target.clone(),
                (None, None) => Value::Null,
            };
            let alias = function.and_then(|f| f.alias.clone()).map(|(_, id)| id);
            props.insert("AuthorizerType".into(), json!("REQUEST"));
            if let Some(v) = &a.simple_responses {
                props.insert("EnableSimpleResponses".into(), v.clone());
            }
            if let Some(v) = &a.ttl {
                props.insert("AuthorizerResultTtlInSeconds".into(), v.clone());
            }
            props.insert("AuthorizerPayloadFormatVersion".into(), a.payload_version.clone());
            props.insert("AuthorizerUri".into(), invocation_uri(&target));
            resource.insert("Properties".into(), Value::Object(props));
            if let Some(alias) = &alias {
                resource.insert("DependsOn".into(), json!(alias));
            }
            if !a.managed_externally {
                let mut perm = Map::new();
                perm.insert("Type".into(), json!("AWS::Lambda::Permission"));
                perm.insert(
                    "Properties".into(),
                    json!({"FunctionName": target, "Action": "lambda:InvokeFunction", "Principal": "apigateway.amazonaws.com", "SourceArn": execute_api_arn(api_id)}),
                );
                if let Some(alias) = &alias {
                    perm.insert("DependsOn".into(), json!(alias));
                }
                e.set_resource(&naming::http_api_authorizer_permission(&a.name), Value::Object(perm));
            }
        } else {
            props.insert("AuthorizerType".into(), json!("JWT"));
            let mut jwt = Map::new();
            jwt.insert("Audience".into(), Value::Array(a.audience.clone()));
            if !a.issuer_url.is_null() {
                jwt.insert("Issuer".into(), a.issuer_url.clone());
            }
            props.insert("JwtConfiguration".into(), Value::Object(jwt));
            resource.insert("Properties".into(), Value::Object(props));
        }
        e.set_resource(&naming::http_api_authorizer(&a.name), Value::Object(resource));
    }
}

fn compile_endpoints(
    e: &mut EventCtx,
    routes: &IndexMap<String, Route>,
    authorizers: &IndexMap<String, Authorizer>,
    api_id: &Value,
    config: &Map<String, Value>,
) {
    let mut done: Vec<usize> = Vec::new();
    for (route_key, route) in routes {
        let f = e.functions[route.function].clone();
        let integration = naming::http_api_integration(&f.key);
        let alias = f.alias.as_ref().map(|(_, id)| id.clone());
        if !done.contains(&route.function) {
            done.push(route.function);
            // compileLambdaPermissions
            let mut perm = Map::new();
            perm.insert("Type".into(), json!("AWS::Lambda::Permission"));
            perm.insert(
                "Properties".into(),
                json!({"FunctionName": &f.target, "Action": "lambda:InvokeFunction", "Principal": "apigateway.amazonaws.com", "SourceArn": execute_api_arn(api_id)}),
            );
            if let Some(a) = &alias {
                perm.insert("DependsOn".into(), json!(a));
            }
            e.set_resource(&naming::http_api_permission(&f.key), Value::Object(perm));
            // compileIntegration
            let payload = f
                .function()
                .http_api
                .as_ref()
                .and_then(|h| h.get("payload"))
                .map(scalar_to_string)
                .filter(truthy)
                .or_else(|| config.get("payload").filter(|v| truthy(v)).cloned())
                .unwrap_or(json!("2.0"));
            let mut res = Map::new();
            res.insert("Type".into(), json!("AWS::ApiGatewayV2::Integration"));
            if let Some(a) = &alias {
                res.insert("DependsOn".into(), json!(a));
            }
            res.insert(
                "Properties".into(),
                json!({"ApiId": api_id, "IntegrationType": "AWS_PROXY", "IntegrationUri": f.target, "PayloadFormatVersion": payload, "TimeoutInMillis": 30000}),
            );
            e.set_resource(&integration, Value::Object(res));
        }
        let mut props = Map::new();
        props.insert("ApiId".into(), api_id.clone());
        props.insert("RouteKey".into(), json!(if route_key == "*" { "$default" } else { route_key.as_str() }));
        props.insert("Target".into(), json!({"Fn::Join": ["/", ["integrations", {"Ref": &integration}]]}));
        if let Some(auth) = &route.auth {
            let (ty, id) = match auth {
                RouteAuth::Id { id, ty } => (ty.clone(), Some(id.clone())),
                RouteAuth::AwsIam => (Some("aws_iam".to_string()), None),
                RouteAuth::Named(key) => {
                    let a = &authorizers[key];
                    (a.is_request.then(|| "request".to_string()), Some(json!({"Ref": naming::http_api_authorizer(&a.name)})))
                }
            };
            let auth_type = match ty.as_deref() {
                Some("request") => "CUSTOM",
                Some("aws_iam") => "AWS_IAM",
                _ => "JWT",
            };
            props.insert("AuthorizationType".into(), json!(auth_type));
            if auth_type != "AWS_IAM" {
                if let Some(id) = id {
                    props.insert("AuthorizerId".into(), id);
                }
                if let Some(s) = &route.scopes {
                    props.insert("AuthorizationScopes".into(), Value::Array(s.clone()));
                }
            }
        }
        e.set_resource(
            &naming::http_api_route(route_key),
            json!({"Type": "AWS::ApiGatewayV2::Route", "Properties": props, "DependsOn": integration}),
        );
    }
}
