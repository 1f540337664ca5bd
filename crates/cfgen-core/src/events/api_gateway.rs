//! `http` events: the REST API (API Gateway v1), as Serverless v3's
//! `compile/events/api-gateway` plugin builds it.
//!
//! The pipeline (and so the resource order) is v3's: validate and normalize every event, then
//! `ApiGatewayRestApi` → `ApiGatewayResource…` (the path tree) → CORS `OPTIONS` methods →
//! methods → request validator and models → authorizers → `ApiGatewayDeployment<instanceId>`
//! (+ the `ServiceEndpoint` output) → API keys → usage plans → usage plan keys → Lambda
//! permissions → `provider.logs.restApi` (log group and the account CloudWatch role custom
//! resource).
//!
//! Quirks kept on purpose (they are what v3 writes):
//! - resource and method ids lowercase every path segment after its first letter
//!   (`{userId}` → `UseridVar`), so distinct paths can share an id (the resources merge);
//! - a method's `DependsOn` starts with its function's permission and is `_.merge`d index-wise
//!   with the authorizer's, so an authorizer replaces the permission entry;
//! - CORS `Access-Control-Allow-Methods` lists the newest event's methods first;
//! - `MOCK` integrations keep `request`/`response` raw (their `parameters` are not mapped);
//! - request/response settings that a proxy integration cannot use are dropped with a warning;
//! - there is no `AWS::ApiGateway::Stage` (v3 sets stage options through the SDK after deploy).

mod keys;
mod method;
pub(crate) use method::{endpoint_schema, provider_model};
mod tree;

use super::custom_resources::{self, Kind};
use super::EventCtx;
use crate::json::json;
use crate::naming;
use cfgen_model::coerce::truthy;
use cfgen_syntax::{codes, Diagnostic};
use serde_json::{Map, Value};

/// The default CORS request headers.
const CORS_HEADERS: [&str; 7] =
    ["Content-Type", "X-Amz-Date", "Authorization", "X-Api-Key", "X-Amz-Security-Token", "X-Amz-User-Agent", "X-Amzn-Trace-Id"];

/// Keys of an object-form `http` event (v3's schema).
const EVENT_KEYS: [&str; 12] = [
    "async",
    "authorizer",
    "connectionId",
    "connectionType",
    "cors",
    "integration",
    "method",
    "operationId",
    "path",
    "private",
    "request",
    "response",
];

/// v3's default `response.statusCodes` for `lambda` integrations.
fn default_status_codes() -> Map<String, Value> {
    let mut m = Map::new();
    for (code, pattern) in [
        ("200", ""),
        ("400", "[\\s\\S]*\\[400\\][\\s\\S]*"),
        ("401", "[\\s\\S]*\\[401\\][\\s\\S]*"),
        ("403", "[\\s\\S]*\\[403\\][\\s\\S]*"),
        ("404", "[\\s\\S]*\\[404\\][\\s\\S]*"),
        ("422", "[\\s\\S]*\\[422\\][\\s\\S]*"),
        ("500", "[\\s\\S]*(Process\\s?exited\\s?before\\s?completing\\s?request|\\[500\\])[\\s\\S]*"),
        ("502", "[\\s\\S]*\\[502\\][\\s\\S]*"),
        ("504", "([\\s\\S]*\\[504\\][\\s\\S]*)|(.*Task timed out after \\d+\\.\\d+ seconds$)"),
    ] {
        m.insert(code.into(), json!({ "pattern": pattern }));
    }
    m
}

/// A normalized authorizer (v3's `getAuthorizer`).
#[derive(Clone, Debug, Default)]
pub(crate) struct Authorizer {
    pub ty: Option<String>,
    pub name: Option<String>,
    pub arn: Option<Value>,
    pub managed_externally: bool,
    pub authorizer_id: Option<Value>,
    /// The alias logical id of an authorizer function with an alias.
    pub logical_id: Option<String>,
    pub result_ttl: Option<i64>,
    pub identity_source: Option<Value>,
    pub identity_validation_expression: Option<Value>,
    pub claims: Vec<Value>,
    pub scopes: Option<Value>,
}

impl Authorizer {
    /// Cognito user pool: `type: COGNITO_USER_POOLS` or a `cognito-idp` ARN string.
    pub fn is_cognito(&self) -> bool {
        self.ty.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("COGNITO_USER_POOLS"))
            || self.arn.as_ref().and_then(Value::as_str).is_some_and(is_cognito_arn)
    }
}

/// `cognitoIdpArnExpr`: `^arn:[a-zA-Z-]*:cognito-idp`.
fn is_cognito_arn(s: &str) -> bool {
    s.strip_prefix("arn:")
        .and_then(|rest| {
            let end = rest.find(|c: char| !(c.is_ascii_alphabetic() || c == '-')).unwrap_or(rest.len());
            rest[end..].strip_prefix(":cognito-idp")
        })
        .is_some()
}

/// A normalized CORS setting of one event (v3's `getCors`).
#[derive(Clone, Debug, Default)]
pub(crate) struct Cors {
    pub origin: Option<String>,
    pub origins: Option<Vec<String>>,
    pub methods: Vec<String>,
    pub headers: Vec<String>,
    pub allow_credentials: bool,
    pub max_age: Option<Value>,
    pub cache_control: Option<Value>,
}

/// The CORS preflight of one path, merged over its events.
#[derive(Clone, Debug, Default)]
struct Preflight {
    headers: Vec<String>,
    methods: Vec<String>,
    origins: Vec<String>,
    origin: Option<String>,
    allow_credentials: bool,
    max_age: Option<Value>,
    cache_control: Option<Value>,
}

/// One validated `http` event.
#[derive(Clone, Debug)]
pub(crate) struct HttpEvent {
    /// Index into `EventCtx::functions`.
    pub f: usize,
    /// The event's index in the function's `events`.
    pub index: usize,
    /// Without leading and trailing `/`.
    pub path: String,
    /// Lowercase.
    pub method: String,
    /// Boxed, as most events have neither: an event was about 1 KB, most of it these two.
    pub authorizer: Option<Box<Authorizer>>,
    pub cors: Option<Box<Cors>>,
    /// Normalized: `AWS`, `AWS_PROXY`, `HTTP`, `HTTP_PROXY`, `MOCK`.
    pub integration: String,
    pub connection_type: Option<String>,
    pub connection_id: Option<Value>,
    pub request: Option<Map<String, Value>>,
    pub response: Option<Map<String, Value>>,
    pub private: bool,
    pub is_async: bool,
    pub operation_id: Option<Value>,
}

/// The state of one compile run (v3 keeps it on the plugin instance).
pub(crate) struct Rest {
    /// Shared: the passes that add resources while reading the events hold their own handle
    /// (a service may have hundreds of thousands of events; a copy each took as much memory
    /// as the events).
    pub events: std::rc::Rc<Vec<HttpEvent>>,
    pub api_gateway: Map<String, Value>,
    /// `ApiGatewayResource` nodes by path, in JavaScript key order.
    pub resources: tree::Resources,
    /// Method ids (CORS and events) in creation order: the deployment's `DependsOn`.
    pub method_ids: Vec<String>,
    pub deployment_id: String,
    pub usage_plan_names: Vec<String>,
    pub validator: Option<String>,
}

impl Rest {
    /// `getApiGatewayRestApiId`.
    pub fn rest_api_id(&self) -> Value {
        match self.api_gateway.get("restApiId") {
            Some(v) if truthy(v) => v.clone(),
            _ => json!({"Ref": naming::REST_API}),
        }
    }
    /// `getApiGatewayRestApiRootResourceId`.
    pub fn root_resource_id(&self) -> Value {
        match self.api_gateway.get("restApiRootResourceId") {
            Some(v) if truthy(v) => v.clone(),
            _ => json!({"Fn::GetAtt": [naming::REST_API, "RootResourceId"]}),
        }
    }
}

/// JavaScript `String(v)` for scalars.
pub(crate) fn js_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => crate::emit::js_number(n),
        Value::Array(a) => a.iter().map(|x| if x.is_null() { String::new() } else { js_string(x) }).collect::<Vec<_>>().join(","),
        Value::Object(_) => "[object Object]".into(),
    }
}

/// A boolean setting as v3 sees it after its schema's coercion: `"true"`/`"false"`, `1`/`0`
/// and `null` become booleans; other values keep their JavaScript truthiness.
pub(crate) fn schema_bool(v: &Value) -> bool {
    match v {
        Value::String(s) if s == "false" => false,
        Value::Number(n) if n.as_f64() == Some(0.0) => false,
        other => truthy(other),
    }
}

/// lodash `_.isObject` for JSON values.
pub(crate) fn is_object(v: &Value) -> bool {
    matches!(v, Value::Object(_) | Value::Array(_))
}

/// An error at an event; compilation of `http` events stops.
struct Stop;

/// Report at the key `path` (inside the `http` event) rather than at its value.
fn report_at_key(e: &mut EventCtx, d: Diagnostic, key: &str, index: usize, path: &[&str]) {
    e.report_at_key(d, key, index, &[&["http"], path].concat());
}

pub fn compile(e: &mut EventCtx) {
    let api_gateway = match e.provider.api_gateway.as_ref() {
        Some(Value::Object(o)) => o.clone(),
        _ => Map::new(),
    };
    check_provider_keys(e, &api_gateway);
    if provider_checks(e, &api_gateway).is_err() {
        return;
    }
    let Ok(events) = validate(e) else { return };
    if events.is_empty() {
        return;
    }
    let mut rest = Rest {
        events: std::rc::Rc::new(events),
        api_gateway,
        resources: tree::Resources::default(),
        method_ids: Vec::new(),
        deployment_id: naming::rest_deployment(e.instance_id()),
        usage_plan_names: Vec::new(),
        validator: None,
    };
    if compile_rest_api(e, &rest).is_err() {
        return;
    }
    let Ok(resources) = tree::resource_paths(e, &rest) else { return };
    rest.resources = resources;
    tree::compile_resources(e, &mut rest);
    let preflight = preflights(&rest.events);
    if compile_cors(e, &mut rest, &preflight).is_err() {
        return;
    }
    if method::compile_methods(e, &mut rest).is_err() {
        return;
    }
    method::compile_request_validators(e, &mut rest);
    method::compile_authorizers(e, &rest);
    compile_deployment(e, &rest);
    if keys::compile(e, &mut rest).is_err() {
        return;
    }
    compile_permissions(e, &rest);
    compile_stage(e);
}

/// Unknown keys in `provider.apiGateway` and `provider.logs.restApi` (v3's schema).
fn check_provider_keys(e: &mut EventCtx, ag: &Map<String, Value>) {
    const API_GATEWAY: [&str; 16] = [
        "apiKeys",
        "apiKeySourceType",
        "binaryMediaTypes",
        "description",
        "disableDefaultEndpoint",
        "metrics",
        "minimumCompressionSize",
        "resourcePolicy",
        "restApiId",
        "restApiResources",
        "restApiRootResourceId",
        "request",
        "shouldStartNameWithService",
        "stage",
        "usagePlan",
        "websocketApiId",
    ];
    const REST_API_LOGS: [&str; 7] =
        ["accessLogging", "executionLogging", "format", "fullExecutionData", "level", "role", "roleManagedExternally"];
    let logs: Vec<String> = match e.provider.logs.as_ref().and_then(|l| l.get("restApi")) {
        Some(Value::Object(o)) => o.keys().cloned().collect(),
        _ => Vec::new(),
    };
    let found: Vec<(&str, &str, String, &[&str])> = ag
        .keys()
        .map(|k| ("apiGateway", "provider.apiGateway", k.clone(), &API_GATEWAY[..]))
        .chain(logs.into_iter().map(|k| ("logs", "provider.logs.restApi", k, &REST_API_LOGS[..])))
        .filter(|(_, _, k, allowed)| !allowed.contains(&k.as_str()))
        .collect();
    for (parent, shown, k, allowed) in found {
        let mut d = Diagnostic::new(codes::UNKNOWN_KEY, e.schema_severity(), format!("unknown key `{k}` in `{shown}`"));
        if let Some(s) = cfgen_syntax::diagnostic::did_you_mean(&k, allowed.iter().copied()) {
            d = d.help(format!("did you mean `{s}`?"));
        }
        let path: Vec<&str> = if parent == "logs" { vec!["provider", "logs", "restApi", &k] } else { vec!["provider", "apiGateway", &k] };
        let span = e.ctx.key_span(&path);
        e.ctx.diags.push(d.at_opt(span).label("not a setting here"));
    }
}

/// The checks v3 makes on `provider` before looking at events.
fn provider_checks(e: &mut EventCtx, ag: &Map<String, Value>) -> Result<(), Stop> {
    let external = ag.get("restApiId").is_some_and(truthy);
    let fail = |e: &mut EventCtx, msg: &str, help: &str, path: &[&str]| {
        let d = Diagnostic::error(codes::INVALID_VALUE, msg).help(help).at_opt(e.ctx.span(path));
        e.ctx.diags.push(d);
        Err(Stop)
    };
    if external && !ag.get("restApiRootResourceId").is_some_and(truthy) {
        return fail(
            e,
            "`provider.apiGateway.restApiRootResourceId` is required when `provider.apiGateway.restApiId` is set",
            "add the id of the existing REST API's root resource (`/`)",
            &["provider", "apiGateway", "restApiId"],
        );
    }
    let tracing = e.provider.tracing.as_ref().and_then(|t| t.api_gateway.as_ref()).is_some_and(|v| !v.is_null());
    if external && tracing {
        return fail(
            e,
            "`provider.tracing.apiGateway` has no effect on an external REST API (`provider.apiGateway.restApiId`)",
            "remove `provider.tracing.apiGateway`, or let Serverless create the REST API",
            &["provider", "tracing", "apiGateway"],
        );
    }
    let logs = e.provider.logs.as_ref().and_then(|l| l.get("restApi")).is_some_and(|v| !v.is_null());
    if external && logs {
        return fail(
            e,
            "`provider.logs.restApi` has no effect on an external REST API (`provider.apiGateway.restApiId`)",
            "remove `provider.logs.restApi`, or let Serverless create the REST API",
            &["provider", "logs", "restApi"],
        );
    }
    Ok(())
}

/// v3's `validate`: normalize every `http` event, in function then event order.
fn validate(e: &mut EventCtx) -> Result<Vec<HttpEvent>, Stop> {
    let mut events = Vec::new();
    let stage_ok = !e.stage().is_empty() && e.stage().chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let at: Vec<(usize, usize, Value)> = e
        .functions
        .iter()
        .enumerate()
        .flat_map(|(fi, f)| f.events_of("http").map(|(i, b)| (fi, i, b.clone())).collect::<Vec<_>>())
        .collect();
    let mut failed = false;
    for (fi, i, body) in at {
        if !truthy(&body) {
            // Reported by `event_shapes`.
            continue;
        }
        match validate_one(e, fi, i, &body) {
            Ok(ev) => {
                if !stage_ok {
                    let stage = e.stage().to_string();
                    e.ctx.diags.push(
                        Diagnostic::error(
                            codes::INVALID_VALUE,
                            format!("invalid stage name `{stage}`: with `http` events it may only contain [-_a-zA-Z0-9]"),
                        )
                        .help("API Gateway stage names allow letters, digits, `-` and `_` only")
                        .at_opt(e.ctx.span(&["provider", "stage"])),
                    );
                    return Err(Stop);
                }
                events.push(ev);
            }
            Err(Stop) => failed = true,
        }
    }
    if failed {
        return Err(Stop);
    }
    Ok(events)
}

/// `http: GET /users`: the method and the path, split as v3 splits them (`split(' ')`, so
/// `GET  /a` is `GET` on an empty path and anything after a second space is ignored); `None`
/// without a path. Diagnostics locate an event by it too (`check::provenance`).
pub(crate) fn split_http_string(s: &str) -> Option<(&str, &str)> {
    let mut parts = s.split(' ');
    Some((parts.next()?, parts.next()?))
}

fn validate_one(e: &mut EventCtx, fi: usize, i: usize, body: &Value) -> Result<HttpEvent, Stop> {
    let key = e.functions[fi].key.clone();
    let http: Map<String, Value> = match body {
        Value::Object(o) => {
            if e.schema_severity() == cfgen_syntax::Severity::Error {
                check_event_keys_strict(e, &key, i, o);
            } else {
                e.check_keys(&key, i, "http", body, &EVENT_KEYS);
            }
            check_nested_keys(e, &key, i, o);
            let mut o = o.clone();
            // v3's schema types both as strings: AJV's coercions apply first (`path: [users]`).
            super::queue_common::coerce_text_fields(e, &key, i, "http", &mut o, &["path", "method"], false);
            o
        }
        Value::String(s) => {
            let Some((method, path)) = split_http_string(s) else {
                e.report(
                    Diagnostic::error(codes::INVALID_VALUE, format!("`http: {s}` needs a method and a path, e.g. `GET /users`"))
                        .help("write `<METHOD> /<path>` (GET, POST, PUT, PATCH, OPTIONS, HEAD, DELETE or ANY)"),
                    &key,
                    i,
                    &["http"],
                );
                return Err(Stop);
            };
            let mut m = Map::new();
            m.insert("method".into(), json!(method));
            m.insert("path".into(), json!(path));
            m
        }
        _ => {
            e.error(
                codes::INVALID_TYPE,
                "an `http` event must be a string (`GET /path`) or a mapping with `method` and `path`",
                &key,
                i,
                &["http"],
            );
            return Err(Stop);
        }
    };
    let (Some(Value::String(path)), Some(Value::String(method))) = (http.get("path"), http.get("method")) else {
        let missing = if matches!(http.get("path"), Some(Value::String(_))) { "method" } else { "path" };
        e.report(
            Diagnostic::error(codes::MISSING_KEY, format!("this `http` event has no `{missing}` (a string)"))
                .label("in this event")
                .help("an `http` event needs both `method` and `path`"),
            &key,
            i,
            &["http"],
        );
        return Err(Stop);
    };
    check_schema(e, &key, i, body, &http);
    if method == "*" {
        let d = Diagnostic::warning(
            codes::INVALID_VALUE,
            "the method `*` ends up in a method's logical id (`ApiGatewayMethod…*`), which CloudFormation rejects; Serverless v3 writes it anyway",
        )
        .help("use the method `ANY`");
        if body.is_object() {
            report_at_key(e, d, &key, i, &["method"]);
        } else {
            e.report(d, &key, i, &["http"]);
        }
    }
    let path = path.strip_prefix('/').unwrap_or(path);
    let path = path.strip_suffix('/').unwrap_or(path).to_string();
    let method = method.to_lowercase();

    let integration = get_integration(&http);
    let authorizer = match http.get("authorizer") {
        Some(a) if truthy(a) => Some(get_authorizer(e, fi, i, a, &integration)?),
        _ => None,
    };
    let cors = match http.get("cors") {
        Some(c) if schema_bool(c) => Some(get_cors(c, &method)),
        _ => None,
    };
    let mut ev = HttpEvent {
        f: fi,
        index: i,
        path,
        method,
        authorizer: authorizer.map(Box::new),
        cors: cors.map(Box::new),
        integration: integration.clone(),
        connection_type: None,
        connection_id: http.get("connectionId").cloned(),
        request: http.get("request").filter(|r| truthy(r)).map(|r| r.as_object().cloned().unwrap_or_default()),
        response: http.get("response").filter(|r| truthy(r)).map(|r| r.as_object().cloned().unwrap_or_default()),
        private: http.get("private").is_some_and(schema_bool),
        is_async: http.get("async").is_some_and(schema_bool),
        operation_id: http.get("operationId").cloned(),
    };
    if integration == "HTTP" || integration == "HTTP_PROXY" {
        if !ev.request.as_ref().and_then(|r| r.get("uri")).is_some_and(truthy) {
            e.report(
                Diagnostic::error(codes::MISSING_KEY, format!("the {integration} integration needs `request.uri`"))
                    .help("set `request.uri` to the backend URL"),
                &key,
                i,
                &["http", "integration"],
            );
            return Err(Stop);
        }
        ev.connection_type = http.get("connectionType").filter(|v| truthy(v)).map(|v| js_string(v).to_uppercase().replacen('-', "_", 1));
        if ev.connection_type.as_deref() == Some("VPC_LINK") && !ev.connection_id.as_ref().is_some_and(truthy) {
            e.report(
                Diagnostic::error(codes::MISSING_KEY, "the VPC_LINK connection type needs `connectionId`")
                    .help("set `connectionId` to the VPC link's id"),
                &key,
                i,
                &["http", "connectionType"],
            );
            return Err(Stop);
        }
    }
    if integration == "AWS" || integration == "HTTP" {
        let mut request = ev.request.take().unwrap_or_default();
        map_request_parameters(&mut request);
        let pass = match request.get("passThrough") {
            Some(p) if truthy(p) => Some(p.clone()),
            _ if integration == "AWS" => Some(json!("NEVER")),
            _ => None,
        };
        match pass {
            Some(p) => {
                request.insert("passThrough".into(), p);
            }
            None => {
                request.shift_remove("passThrough");
            }
        }
        ev.request = Some(request);
        let mut response = ev.response.take().unwrap_or_default();
        let had_response = http.get("response").is_some_and(truthy);
        if had_response {
            let codes = match response.get("statusCodes") {
                Some(v) if truthy(v) => {
                    let mut codes = v.as_object().cloned().unwrap_or_default();
                    if !codes.values().any(|c| c.get("pattern") == Some(&json!(""))) {
                        codes.insert("200".into(), json!({"pattern": ""}));
                    }
                    codes
                }
                _ => default_status_codes(),
            };
            response.insert("statusCodes".into(), Value::Object(codes));
        }
        if integration == "AWS" && response.is_empty() {
            response.insert("statusCodes".into(), Value::Object(default_status_codes()));
        }
        ev.response = Some(response);
    } else if integration == "AWS_PROXY" || integration == "HTTP_PROXY" {
        if let Some(mut request) = ev.request.take() {
            let allowed: &[&str] =
                if integration == "AWS_PROXY" { &["parameters", "schema", "schemas"] } else { &["parameters", "uri", "schema", "schemas"] };
            let extra: Vec<String> = request.keys().filter(|k| !allowed.contains(&k.as_str())).cloned().collect();
            if !extra.is_empty() {
                let list = allowed.iter().map(|k| format!("`request.{k}`")).collect::<Vec<_>>().join(", ");
                for k in &extra {
                    let idx = i.to_string();
                    let span = e.ctx.key_span(&["functions", &key, "events", &idx, "http", "request", k]);
                    e.ctx.diags.push(
                        Diagnostic::warning(
                            codes::INVALID_VALUE,
                            format!("`request.{k}` has no effect with the {integration} integration; Serverless v3 removes it"),
                        )
                        .help(format!("with {integration} only {list} apply"))
                        .at_opt(span),
                    );
                    request.shift_remove(k);
                }
            }
            if !request.is_empty() {
                map_request_parameters(&mut request);
                ev.request = Some(request);
            }
        }
        if ev.response.is_some() {
            report_at_key(
                e,
                Diagnostic::warning(
                    codes::INVALID_VALUE,
                    format!("`response` has no effect with the {integration} integration; Serverless v3 removes it"),
                )
                .help("use the `lambda` integration to map responses, or remove `response`"),
                &key,
                i,
                &["response"],
            );
            ev.response = None;
        }
    }
    let no_status_codes = match integration.as_str() {
        "HTTP" => !http.get("response").is_some_and(truthy),
        "MOCK" => ev.response.as_ref().is_some_and(|r| r.get("statusCodes").is_none_or(Value::is_null)),
        _ => false,
    };
    if no_status_codes {
        e.report(
            Diagnostic::error(
                codes::MISSING_KEY,
                format!("the {integration} integration needs `response.statusCodes` (Serverless v3 fails without them)"),
            )
            .help("add `response: {statusCodes: {200: {pattern: ''}}}`"),
            &key,
            i,
            &["http", "integration"],
        );
        return Err(Stop);
    }
    Ok(ev)
}

/// `EventCtx::check_keys` as errors, for `configValidationMode: error` (v3 rejects the file).
fn check_event_keys_strict(e: &mut EventCtx, key: &str, i: usize, http: &Map<String, Value>) {
    for k in http.keys().filter(|k| !EVENT_KEYS.contains(&k.as_str())) {
        let mut d = Diagnostic::error(codes::UNKNOWN_KEY, format!("unknown key `{k}` in a `http` event"));
        if let Some(s) = cfgen_syntax::diagnostic::did_you_mean(k, EVENT_KEYS) {
            d = d.help(format!("did you mean `{s}`?"));
        }
        let idx = i.to_string();
        let span = e.ctx.key_span(&["functions", key, "events", &idx, "http", k]);
        e.ctx.diags.push(d.at_opt(span).label("not a setting of this event"));
    }
}

/// Unknown keys inside `authorizer`, `cors`, `request` and `response` (v3's schema).
fn check_nested_keys(e: &mut EventCtx, key: &str, i: usize, http: &Map<String, Value>) {
    const AUTHORIZER: [&str; 10] = [
        "arn",
        "authorizerId",
        "claims",
        "identitySource",
        "identityValidationExpression",
        "managedExternally",
        "name",
        "resultTtlInSeconds",
        "scopes",
        "type",
    ];
    const CORS: [&str; 7] = ["allowCredentials", "cacheControl", "headers", "maxAge", "methods", "origin", "origins"];
    const REQUEST: [&str; 7] = ["contentHandling", "method", "parameters", "passThrough", "schemas", "template", "uri"];
    const RESPONSE: [&str; 4] = ["contentHandling", "headers", "template", "statusCodes"];
    for (field, allowed) in [("authorizer", &AUTHORIZER[..]), ("cors", &CORS[..]), ("request", &REQUEST[..]), ("response", &RESPONSE[..])] {
        let Some(Value::Object(o)) = http.get(field) else { continue };
        for k in o.keys().filter(|k| !allowed.contains(&k.as_str())) {
            let mut d =
                Diagnostic::new(codes::UNKNOWN_KEY, e.schema_severity(), format!("unknown key `{k}` in the `{field}` of an `http` event"));
            if let Some(s) = cfgen_syntax::diagnostic::did_you_mean(k, allowed.iter().copied()) {
                d = d.help(format!("did you mean `{s}`?"));
            }
            let idx = i.to_string();
            let span = e.ctx.key_span(&["functions", key, "events", &idx, "http", field, k]);
            e.ctx.diags.push(d.at_opt(span).label("not a setting here"));
        }
    }
}

/// The value checks of v3's schema for `method`, `path` and `integration`: violations are
/// warnings, or errors with `configValidationMode: error` (as in v3).
fn check_schema(e: &mut EventCtx, key: &str, i: usize, body: &Value, http: &Map<String, Value>) {
    const METHODS: [&str; 8] = ["GET", "POST", "PUT", "PATCH", "OPTIONS", "HEAD", "DELETE", "ANY"];
    const INTEGRATIONS: [&str; 10] =
        ["LAMBDA_PROXY", "LAMBDA-PROXY", "LAMBDA", "AWS", "AWS_PROXY", "AWS-PROXY", "HTTP", "HTTP_PROXY", "HTTP-PROXY", "MOCK"];
    let severity = e.schema_severity();
    let method_ok = |m: &str| m == "*" || METHODS.iter().any(|x| x.eq_ignore_ascii_case(m));
    let mut found: Vec<(String, String, Vec<&str>)> = Vec::new();
    match body {
        Value::String(s) => {
            let split = s.split_once(' ');
            match split {
                _ if s == "*" => {}
                Some((m, p)) if method_ok(m) && m != "*" && !p.chars().any(char::is_whitespace) => {
                    if !p.starts_with('/') {
                        found.push((
                            format!("the path of `{s}` does not start with `/`"),
                            format!("write `{m} /{p}` (Serverless v3's schema wants a leading `/`)"),
                            vec![],
                        ));
                    }
                }
                _ => found.push((
                    format!("`{s}` is not `<METHOD> /<path>`"),
                    "write e.g. `GET /users/{id}`: a method (GET, POST, PUT, PATCH, OPTIONS, HEAD, DELETE, ANY), one space, a path".into(),
                    vec![],
                )),
            }
        }
        _ => {
            if let Some(Value::String(m)) = http.get("method") {
                if !method_ok(m) {
                    let mut help = "use GET, POST, PUT, PATCH, OPTIONS, HEAD, DELETE, ANY or `*`".to_string();
                    if let Some(s) = cfgen_syntax::diagnostic::did_you_mean(&m.to_uppercase(), METHODS) {
                        help = format!("did you mean `{s}`?");
                    }
                    found.push((format!("`{m}` is not an HTTP method API Gateway knows"), help, vec!["method"]));
                }
            }
            if let Some(Value::String(p)) = http.get("path") {
                if p.chars().any(char::is_whitespace) {
                    found.push((format!("the path `{p}` contains whitespace"), "remove the spaces from the path".into(), vec!["path"]));
                }
            }
            if let Some(Value::String(t)) = http.get("integration") {
                if !INTEGRATIONS.iter().any(|x| x.eq_ignore_ascii_case(t)) {
                    let mut help = "use lambda-proxy (the default), lambda, http, http-proxy or mock".to_string();
                    if let Some(s) = cfgen_syntax::diagnostic::did_you_mean(&t.to_uppercase(), INTEGRATIONS) {
                        help = format!("did you mean `{}`?", s.to_lowercase());
                    }
                    found.push((format!("`{t}` is not an integration type"), help, vec!["integration"]));
                }
            }
            if let Some(Value::String(t)) = http.get("connectionType") {
                if !["VPC_LINK", "VPC-LINK"].iter().any(|x| x.eq_ignore_ascii_case(t)) {
                    found.push((
                        format!("`{t}` is not a connection type"),
                        "use `vpc-link` (with `connectionId`)".into(),
                        vec!["connectionType"],
                    ));
                }
            }
        }
    }
    for (msg, help, path) in found {
        let mut full = vec!["http"];
        full.extend(path);
        e.report(Diagnostic::new(codes::INVALID_VALUE, severity, msg).help(help), key, i, &full);
    }
}

/// `getRequest`: `parameters.{querystrings,paths,headers}` become `method.request.<loc>.<name>`.
fn map_request_parameters(request: &mut Map<String, Value>) {
    let Some(params) = request.get("parameters").filter(|p| truthy(p)) else { return };
    let mut out = Map::new();
    for (loc, singular) in [("querystrings", "querystring"), ("paths", "path"), ("headers", "header")] {
        if let Some(Value::Object(p)) = params.get(loc) {
            for (k, v) in p {
                out.insert(format!("method.request.{singular}.{k}"), v.clone());
            }
        }
    }
    request.insert("parameters".into(), Value::Object(out));
}

/// `getIntegration`.
fn get_integration(http: &Map<String, Value>) -> String {
    if let Some(i) = http.get("integration").filter(|v| truthy(v)) {
        let n = js_string(i).to_uppercase().replacen('-', "_", 1);
        return match n.as_str() {
            "LAMBDA" => "AWS".into(),
            "LAMBDA_PROXY" => "AWS_PROXY".into(),
            _ => n,
        };
    }
    if http.get("async").is_some_and(schema_bool) {
        return "AWS".into();
    }
    "AWS_PROXY".into()
}

/// `getAuthorizer`.
fn get_authorizer(e: &mut EventCtx, fi: usize, i: usize, a: &Value, integration: &str) -> Result<Authorizer, Stop> {
    let key = e.functions[fi].key.clone();
    let mut out = Authorizer::default();
    let mut function_name: Option<String> = None;
    let mut object_form = false;
    match a {
        Value::String(s) => {
            if s.eq_ignore_ascii_case("AWS_IAM") {
                out.ty = Some("AWS_IAM".into());
            } else if !s.contains(':') {
                out.name = Some(s.clone());
                function_name = Some(s.clone());
            } else {
                out.arn = Some(a.clone());
                out.name = Some(naming::authorizer_name_from_arn(s));
            }
        }
        Value::Object(o) => {
            object_form = true;
            let (at, arn_is) = (["http", "authorizer", "arn"], "an ARN (`arn:...`)");
            super::queue_common::check_pattern(e, &key, i, &at, o.get("arn"), super::queue_common::patterns::ARN, arn_is);
            let ty = o.get("type").filter(|t| truthy(t)).map(js_string);
            if ty.is_some() && o.get("authorizerId").is_some_and(truthy) {
                out.ty = ty.clone();
                out.authorizer_id = o.get("authorizerId").cloned();
            } else if ty.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("AWS_IAM")) {
                out.ty = Some("AWS_IAM".into());
            } else if let Some(arn) = o.get("arn").filter(|v| truthy(v)) {
                out.arn = Some(arn.clone());
                if let Some(Value::String(n)) = o.get("name") {
                    out.name = Some(n.clone());
                } else if let Value::String(s) = arn {
                    out.name = Some(naming::authorizer_name_from_arn(s));
                } else {
                    let cognito = ty.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("COGNITO_USER_POOLS"));
                    let msg = if cognito {
                        "an authorizer of type COGNITO_USER_POOLS whose `arn` is not a string needs a `name`"
                    } else {
                        "an authorizer whose `arn` is not a string needs a `name` (Serverless v3 fails on it)"
                    };
                    e.report(
                        Diagnostic::error(codes::MISSING_KEY, msg).help("add `name:` to the authorizer"),
                        &key,
                        i,
                        &["http", "authorizer", "arn"],
                    );
                    return Err(Stop);
                }
            } else if let Some(n) = o.get("name").filter(|v| truthy(v)) {
                let n = js_string(n);
                out.name = Some(n.clone());
                function_name = Some(n);
            } else {
                report_at_key(
                    e,
                    Diagnostic::error(codes::MISSING_KEY, "the authorizer needs either `name` (a function) or `arn`")
                        .help("name a function of this service, or give the authorizer's ARN"),
                    &key,
                    i,
                    &["authorizer"],
                );
                return Err(Stop);
            }
            if out.ty.is_none() {
                out.ty = ty;
            }
            out.result_ttl = Some(match o.get("resultTtlInSeconds") {
                Some(Value::Number(n)) => n.as_f64().map_or(300, |f| f.trunc() as i64),
                Some(Value::String(s)) => parse_int(s).unwrap_or(300),
                _ => 300,
            });
            out.claims = match o.get("claims") {
                Some(Value::Array(c)) => c.clone(),
                _ => Vec::new(),
            };
            // A list of strings in v3's schema: one scope is a list of it.
            out.scopes = o.get("scopes").map(crate::events::queue_common::list_of_text);
            out.identity_source = o.get("identitySource").cloned();
            out.identity_validation_expression = o.get("identityValidationExpression").cloned();
            out.managed_externally = o.get("managedExternally").is_some_and(schema_bool);
        }
        _ => {
            e.error(
                codes::INVALID_TYPE,
                "an authorizer must be a function name, an ARN, `aws_iam` or a mapping",
                &key,
                i,
                &["http", "authorizer"],
            );
            return Err(Stop);
        }
    }
    if let Some(name) = function_name {
        let Some(f) = e.function(&name) else {
            let names: Vec<String> = e.functions.iter().map(|f| f.key.clone()).collect();
            let mut d = Diagnostic::error(codes::INVALID_VALUE, format!("the authorizer function `{name}` does not exist in this service"));
            if let Some(s) = cfgen_syntax::diagnostic::did_you_mean(&name, names.iter().map(String::as_str)) {
                d = d.help(format!("did you mean `{s}`?"));
            } else {
                d = d.help("name a function under `functions:`, or give the authorizer's ARN");
            }
            let path: &[&str] = if object_form { &["http", "authorizer", "name"] } else { &["http", "authorizer"] };
            e.report(d, &key, i, path);
            return Err(Stop);
        };
        out.arn = Some(f.target.clone());
        out.logical_id = f.alias.as_ref().map(|(_, id)| id.clone());
    }
    let request_no_cache = out.ty.as_deref().is_some_and(|t| t.eq_ignore_ascii_case("REQUEST")) && out.result_ttl == Some(0);
    if !out.identity_source.as_ref().is_some_and(truthy) && !request_no_cache {
        out.identity_source = Some(json!("method.request.header.Authorization"));
    }
    if integration == "AWS_PROXY" && out.arn.as_ref().and_then(Value::as_str).is_some_and(is_cognito_arn) && !out.claims.is_empty() {
        e.report(
            Diagnostic::error(codes::INVALID_VALUE, "Cognito claims can only be filtered with the `lambda` integration")
                .help("remove `claims`, or use `integration: lambda`"),
            &key,
            i,
            &["http", "authorizer", "claims"],
        );
        return Err(Stop);
    }
    Ok(out)
}

/// `Number.parseInt(s, 10)`: leading whitespace, sign, digits.
fn parse_int(s: &str) -> Option<i64> {
    let t = s.trim_start();
    let (neg, digits) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let end = digits.find(|c: char| !c.is_ascii_digit()).unwrap_or(digits.len());
    let n: i64 = digits[..end].parse().ok()?;
    Some(if neg { -n } else { n })
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a.iter().map(js_string).collect(),
        Value::String(s) => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// `getCors`.
fn get_cors(c: &Value, method: &str) -> Cors {
    let upper = method.to_uppercase();
    let mut cors = Cors {
        origin: Some("*".into()),
        origins: None,
        methods: vec!["OPTIONS".into()],
        headers: CORS_HEADERS.iter().map(|s| s.to_string()).collect(),
        allow_credentials: false,
        max_age: None,
        cache_control: None,
    };
    let Value::Object(o) = c else {
        cors.methods.push(upper);
        return cors;
    };
    if o.get("origins").is_some_and(truthy) {
        cors.origin = None;
    }
    if let Some(v) = o.get("origin") {
        cors.origin = if v.is_null() { None } else { Some(js_string(v)) };
    }
    if let Some(v) = o.get("origins") {
        cors.origins = Some(strings(v));
    }
    cors.methods = o.get("methods").filter(|m| truthy(m)).map(strings).unwrap_or_default();
    cors.allow_credentials = o.get("allowCredentials").is_some_and(schema_bool);
    if let Some(h) = o.get("headers").filter(|h| truthy(h)) {
        cors.headers = strings(h);
    }
    cors.max_age = o.get("maxAge").cloned();
    cors.cache_control = o.get("cacheControl").cloned();
    if !cors.methods.iter().any(|m| m == "OPTIONS") {
        cors.methods.push("OPTIONS".into());
    }
    if !cors.methods.contains(&upper) {
        cors.methods.push(upper);
    }
    cors
}

/// The CORS preflight of every path (v3's `corsPreflight`, merged newest event first).
///
/// v3 unions each event's headers, methods and origins in front of what the path had so far;
/// that equals one union over the path's events from the newest back, which is what this
/// computes, once per path, with the paths found through an index: thousands of events on
/// one path, or thousands of paths, stay linear.
fn preflights(events: &[HttpEvent]) -> Vec<(String, Preflight)> {
    let mut out: Vec<(String, Preflight, Vec<&Cors>)> = Vec::new();
    let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for ev in events {
        let Some(c) = &ev.cors else { continue };
        let pos = *index.entry(ev.path.as_str()).or_insert_with(|| {
            out.push((ev.path.clone(), Preflight::default(), Vec::new()));
            out.len() - 1
        });
        let (_, p, cors) = &mut out[pos];
        cors.push(c);
        p.origin = c.origin.clone();
        p.allow_credentials = p.allow_credentials || c.allow_credentials;
        if c.max_age.as_ref().is_some_and(truthy) {
            p.max_age = c.max_age.clone();
        }
        if c.cache_control.as_ref().is_some_and(truthy) {
            p.cache_control = c.cache_control.clone();
        }
    }
    let merged = out.into_iter().map(|(path, mut p, cors)| {
        p.headers = crate::value::union_newest_first(cors.iter().map(|c| c.headers.as_slice()));
        p.methods = crate::value::union_newest_first(cors.iter().map(|c| c.methods.as_slice()));
        p.origins = crate::value::union_newest_first(cors.iter().map(|c| c.origins.as_deref().unwrap_or(&[])));
        (path, p)
    });
    cfgen_syntax::node::js_order(merged.collect(), |(p, _)| p.as_str())
}

/// `compileRestApi`.
fn compile_rest_api(e: &mut EventCtx, rest: &Rest) -> Result<(), Stop> {
    let ag = &rest.api_gateway;
    if ag.get("restApiId").is_some_and(truthy) {
        return Ok(());
    }
    let mut endpoint_type = "EDGE".to_string();
    let mut vpc_endpoint_ids = None;
    if let Some(t) = e.provider.endpoint_type.as_ref().filter(|t| truthy(t)) {
        endpoint_type = js_string(t).to_uppercase();
        if let Some(ids) = e.provider.vpc_endpoint_ids.as_ref().filter(|v| truthy(v)) {
            vpc_endpoint_ids = Some(ids.clone());
            if endpoint_type != "PRIVATE" {
                let d = Diagnostic::error(codes::INVALID_VALUE, "VPC endpoint ids are only available for private APIs")
                    .help("set `provider.endpointType: PRIVATE`, or remove `provider.vpcEndpointIds`")
                    .at_opt(e.ctx.span(&["provider", "vpcEndpointIds"]));
                e.ctx.diags.push(d);
                return Err(Stop);
            }
        }
    }
    let name = match e.provider.api_name.as_ref().filter(|n| truthy(n)) {
        Some(n) => js_string(n),
        None => naming::rest_api_name(e.service(), e.stage(), ag.get("shouldStartNameWithService").is_some_and(schema_bool)),
    };
    let mut props = Map::new();
    props.insert("Name".into(), json!(name));
    if let Some(b) = ag.get("binaryMediaTypes").filter(|b| truthy(b)) {
        // v3's schema coerces a single type to a list.
        let b = if let Value::String(_) = b { json!([b]) } else { b.clone() };
        props.insert("BinaryMediaTypes".into(), b);
    }
    if let Some(d) = ag.get("disableDefaultEndpoint").filter(|d| !d.is_null()) {
        props.insert("DisableExecuteApiEndpoint".into(), d.clone());
    }
    let mut endpoint = Map::new();
    endpoint.insert("Types".into(), json!([endpoint_type]));
    if let Some(ids) = vpc_endpoint_ids {
        endpoint.insert("VpcEndpointIds".into(), ids);
    }
    props.insert("EndpointConfiguration".into(), Value::Object(endpoint));
    if let Some(Value::Array(statements)) = ag.get("resourcePolicy") {
        principal_functions_outside_lists(e, statements);
    }
    let policy = match ag.get("resourcePolicy") {
        Some(Value::Array(a)) if !a.is_empty() => json!({"Version": "2012-10-17", "Statement": coerce_statements(a)}),
        Some(p @ Value::Object(o)) if !o.is_empty() => json!({"Version": "2012-10-17", "Statement": p}),
        Some(p @ Value::String(s)) if !s.is_empty() => json!({"Version": "2012-10-17", "Statement": p}),
        _ => json!(""),
    };
    props.insert("Policy".into(), policy);
    if let Some(k) = ag.get("apiKeySourceType").filter(|k| truthy(k)) {
        props.insert("ApiKeySourceType".into(), json!(js_string(k).to_uppercase()));
    }
    if let Some(m) = ag.get("minimumCompressionSize").filter(|m| !m.is_null()) {
        // v3's schema (an integer) coerces a numeric string.
        let m = match m {
            Value::String(s) => s.trim().parse::<i64>().map_or_else(|_| m.clone(), |n| json!(n)),
            _ => m.clone(),
        };
        props.insert("MinimumCompressionSize".into(), m);
    }
    if let Some(d) = ag.get("description").filter(|d| truthy(d)) {
        props.insert("Description".into(), d.clone());
    }
    e.merge_resource(naming::REST_API, json!({"Type": "AWS::ApiGateway::RestApi", "Properties": props}));
    Ok(())
}

/// v3's schema takes an intrinsic function as a resource policy's `AWS` principal only in a
/// list (or as `Fn::If`): AJV wraps a scalar in a list, not an object. A schema finding, as in
/// v3 ("unsupported object format"); the function is written as given, as v3 writes it.
fn principal_functions_outside_lists(e: &mut EventCtx, statements: &[Value]) {
    for (i, st) in statements.iter().enumerate() {
        for k in ["Principal", "NotPrincipal"] {
            let Some(Value::Object(f)) = st.get(k).and_then(|p| p.get("AWS")) else { continue };
            if f.contains_key("Fn::If") {
                continue;
            }
            let fname = f.keys().next().map_or("an empty object".to_string(), |n| format!("`{n}`"));
            let i = i.to_string();
            let d = Diagnostic::new(
                codes::INVALID_VALUE,
                e.schema_severity(),
                format!("`provider.apiGateway.resourcePolicy.{i}.{k}.AWS` is {fname} outside a list; Serverless v3's schema takes an intrinsic function there only as a list item"),
            )
            .help("write it in a list: `AWS: [{Fn::GetAtt: [Role, Arn]}]`")
            .at_opt(e.ctx.span(&["provider", "apiGateway", "resourcePolicy", &i, k, "AWS"]));
            e.ctx.diags.push(d);
        }
    }
}

/// The coercions v3's schema applies to resource policy statements (AJV `coerceTypes: array`).
pub(crate) fn coerce_statements(statements: &[Value]) -> Value {
    let out = statements
        .iter()
        .map(|st| {
            let mut st = st.clone();
            if let Value::Object(o) = &mut st {
                for k in ["Action", "NotAction"] {
                    if let Some(v @ (Value::String(_) | Value::Number(_) | Value::Bool(_))) = o.get_mut(k) {
                        *v = json!([v.clone()]);
                    }
                }
                // `awsIamPolicyPrincipal`: `*`, or an object whose `AWS` is `*`, `Fn::If` or a
                // list, and whose `Federated`, `Service` and `CanonicalUser` are lists of
                // strings. AJV reaches the list branch last, wraps a scalar there and makes
                // each scalar item text: `AWS: arn:...` is written `["arn:..."]`.
                for k in ["Principal", "NotPrincipal"] {
                    if let Some(Value::Object(p)) = o.get_mut(k) {
                        for (kind, v) in p.iter_mut() {
                            let everyone = kind == "AWS" && v.as_str() == Some("*");
                            if !everyone && ["AWS", "Federated", "Service", "CanonicalUser"].contains(&kind.as_str()) {
                                *v = crate::events::queue_common::list_of_text(v);
                            }
                        }
                    }
                }
                // `awsResourcePolicyResource` tries string branches first: a one-item list of
                // an `arn:` or `execute-api:/` string is coerced to that string.
                for k in ["Resource", "NotResource"] {
                    if let Some(v) = o.get_mut(k) {
                        let single = match v {
                            Value::Array(a) if a.len() == 1 => {
                                a[0].as_str().filter(|s| s.starts_with("arn:") || s.starts_with("execute-api:/")).map(String::from)
                            }
                            _ => None,
                        };
                        if let Some(s) = single {
                            *v = json!(s);
                        }
                    }
                }
            }
            st
        })
        .collect();
    Value::Array(out)
}

/// The CORS preflight (`OPTIONS`) method of a path, as v3's `compileCors` writes it (the
/// serverless-apigateway-service-proxy plugin copies that code, and calls this too).
pub(crate) fn preflight_method(config: &Cors, resource_id: Value, rest_api_id: Value) -> Value {
    let mut origin = config.origin.clone();
    let mut origins = config.origins.clone();
    if let Some(o) = origin.as_ref().filter(|o| o.contains(',')) {
        origins = Some(o.split(',').map(|s| s.trim().to_string()).collect());
    }
    if let Some(first) = origins.as_ref().and_then(|o| o.first()) {
        origin = Some(first.clone());
    }
    let mut headers: Vec<(&str, String)> = vec![
        ("Access-Control-Allow-Origin", format!("'{}'", origin.as_deref().unwrap_or("undefined"))),
        ("Access-Control-Allow-Headers", format!("'{}'", config.headers.join(","))),
        ("Access-Control-Allow-Methods", format!("'{}'", config.methods.join(","))),
    ];
    if config.allow_credentials {
        headers.push(("Access-Control-Allow-Credentials", "'true'".into()));
    }
    if let Some(m) = config.max_age.as_ref().filter(|m| truthy(m)) {
        headers.push(("Access-Control-Max-Age", format!("'{}'", js_string(m))));
    }
    if let Some(c) = config.cache_control.as_ref().filter(|c| truthy(c)) {
        headers.push(("Cache-Control", format!("'{}'", js_string(c))));
    }
    if config.methods.iter().any(|m| m == "ANY") {
        headers[2].1 = headers[2].1.replacen("ANY", "DELETE,GET,HEAD,PATCH,POST,PUT", 1);
    }
    let template = match origins.as_ref().filter(|o| !o.is_empty()) {
        Some(o) => cors_response_template(o),
        None => String::new(),
    };
    options_method(&headers, template, resource_id, rest_api_id)
}

/// The mock `OPTIONS` method answering a CORS preflight with `headers` (name, quoted value)
/// and the response `template`.
pub(crate) fn options_method<H: AsRef<str>>(headers: &[(H, String)], template: String, resource_id: Value, rest_api_id: Value) -> Value {
    let mut method_params = Map::new();
    let mut integration_params = Map::new();
    for (h, v) in headers {
        let h = h.as_ref();
        method_params.insert(format!("method.response.header.{h}"), json!(true));
        integration_params.insert(format!("method.response.header.{h}"), json!(v));
    }
    json!({
        "Type": "AWS::ApiGateway::Method",
        "Properties": {
            "AuthorizationType": "NONE",
            "HttpMethod": "OPTIONS",
            "MethodResponses": [{"StatusCode": "200", "ResponseParameters": method_params, "ResponseModels": {}}],
            "RequestParameters": {},
            "Integration": {
                "Type": "MOCK",
                "RequestTemplates": {"application/json": "{statusCode:200}"},
                "ContentHandling": "CONVERT_TO_TEXT",
                "IntegrationResponses": [{
                    "StatusCode": "200",
                    "ResponseParameters": integration_params,
                    "ResponseTemplates": {"application/json": template}
                }]
            },
            "ResourceId": resource_id,
            "RestApiId": rest_api_id
        }
    })
}

/// `compileCors`: one `OPTIONS` method per path with CORS.
fn compile_cors(e: &mut EventCtx, rest: &mut Rest, preflight: &[(String, Preflight)]) -> Result<(), Stop> {
    for (path, config) in preflight {
        let resource_name = rest.resources.name(path);
        let Some(resource_id) = rest.resources.id(path, rest) else {
            return resource_missing(e, rest, path);
        };
        let id = naming::rest_method(&resource_name, "options");
        let cors = Cors {
            origin: config.origin.clone(),
            origins: Some(config.origins.clone()),
            methods: config.methods.clone(),
            headers: config.headers.clone(),
            allow_credentials: config.allow_credentials,
            max_age: config.max_age.clone(),
            cache_control: config.cache_control.clone(),
        };
        rest.method_ids.push(id.clone());
        let method = preflight_method(&cors, resource_id, rest.rest_api_id());
        e.merge_resource(&id, method);
    }
    Ok(())
}

/// `generateCorsResponseTemplate`: echo the request's origin when it matches one of `origins`.
fn cors_response_template(origins: &[String]) -> String {
    let conds: Vec<String> =
        origins.iter().map(|o| format!("$origin.matches(\"{}\")", o.replace('.', "[.]").replacen('*', ".+", 1))).collect();
    format!(
        "#set($origin = $input.params(\"Origin\"))\n#if($origin == \"\") #set($origin = $input.params(\"origin\")) #end\n#if({}) #set($context.responseOverride.header.Access-Control-Allow-Origin = $origin) #end",
        conds.join(" || ")
    )
}

/// v3 throws `Can not find API Gateway resource from path <path>`.
fn resource_missing(e: &mut EventCtx, rest: &Rest, path: &str) -> Result<(), Stop> {
    let at = rest.events.iter().find(|ev| ev.path == path).map(|ev| (e.functions[ev.f].key.clone(), ev.index));
    let listed_with_slash = match rest.api_gateway.get("restApiResources") {
        Some(Value::Array(a)) => a.iter().any(|r| r.get("path").and_then(Value::as_str) == Some(&format!("/{path}"))),
        _ => false,
    };
    let help = if listed_with_slash {
        format!("when `restApiResources` lists every path of the events, Serverless v3 looks them up without the leading `/`: write `path: {path}`")
    } else {
        "`provider.apiGateway.restApiResources` must name every path (or a parent) the events use".to_string()
    };
    let d = Diagnostic::error(codes::INVALID_VALUE, format!("no API Gateway resource for the path `{path}`")).help(help);
    match at {
        Some((key, i)) => e.report(d, &key, i, &["http"]),
        None => {
            let d = d.at_opt(e.ctx.span(&["provider", "apiGateway", "restApiResources"]));
            e.ctx.diags.push(d);
        }
    }
    Err(Stop)
}

/// `compileDeployment` and the `ServiceEndpoint` output.
fn compile_deployment(e: &mut EventCtx, rest: &Rest) {
    let stage_name = match rest.api_gateway.get("stage").filter(|s| truthy(s)) {
        Some(s) => s.clone(),
        None => json!(e.stage()),
    };
    let mut props = Map::new();
    props.insert("RestApiId".into(), rest.rest_api_id());
    props.insert("StageName".into(), stage_name);
    if let Some(d) = rest.api_gateway.get("description").filter(|d| truthy(d)) {
        props.insert("Description".into(), d.clone());
    }
    let deployment = json!({"Type": "AWS::ApiGateway::Deployment", "Properties": props, "DependsOn": &rest.method_ids});
    e.merge_resource(&rest.deployment_id, deployment);
    let output = json!({
        "Description": "URL of the service endpoint",
        "Value": {"Fn::Join": ["", ["https://", rest.rest_api_id(), ".execute-api.", {"Ref": "AWS::Region"}, ".", {"Ref": "AWS::URLSuffix"}, format!("/{}", e.stage())]]}
    });
    e.merge_output("ServiceEndpoint", output);
}

fn source_arn(rest: &Rest) -> Value {
    json!({"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":execute-api:", {"Ref": "AWS::Region"}, ":", {"Ref": "AWS::AccountId"}, ":", rest.rest_api_id(), "/*/*"]]})
}

/// `compilePermissions`: one permission per function (assigned again by every event) and one
/// per Lambda authorizer.
fn compile_permissions(e: &mut EventCtx, rest: &Rest) {
    for ev in rest.events.iter() {
        let f = &e.functions[ev.f];
        let id = naming::rest_permission(&f.key);
        let mut permission = Map::new();
        permission.insert("Type".into(), json!("AWS::Lambda::Permission"));
        permission.insert(
            "Properties".into(),
            json!({"FunctionName": &f.target, "Action": "lambda:InvokeFunction", "Principal": "apigateway.amazonaws.com", "SourceArn": source_arn(rest)}),
        );
        if let Some((_, alias_id)) = &f.alias {
            permission.insert("DependsOn".into(), json!(alias_id));
        }
        e.set_resource(&id, Value::Object(permission));
        let Some(a) = ev.authorizer.as_ref().filter(|a| a.arn.as_ref().is_some_and(truthy)) else { continue };
        if a.is_cognito() || a.managed_externally {
            continue;
        }
        let auth_id = naming::rest_permission(a.name.as_deref().unwrap_or("undefined"));
        if e.t.resources.contains_key(&auth_id) {
            continue;
        }
        let function_name = match &a.logical_id {
            Some(alias) => json!({"Ref": alias}),
            None => a.arn.clone().unwrap_or(Value::Null),
        };
        e.set_resource(
            &auth_id,
            json!({"Type": "AWS::Lambda::Permission", "Properties": {"FunctionName": function_name, "Action": "lambda:InvokeFunction", "Principal": "apigateway.amazonaws.com", "SourceArn": source_arn(rest)}}),
        );
    }
}

/// `compileStage`: only `provider.logs.restApi` has a template effect (a log group and the
/// account CloudWatch role custom resource).
fn compile_stage(e: &mut EventCtx) {
    let Some(logs) = e.provider.logs.as_ref().and_then(|l| l.get("restApi")).filter(|l| truthy(l)).cloned() else { return };
    if logs.get("accessLogging").is_some_and(|a| !a.is_null() && !schema_bool(a)) {
        return;
    }
    let mut props = Map::new();
    props.insert("LogGroupName".into(), json!(naming::rest_log_group_name(e.service(), e.stage())));
    if let Some(r) = e.provider.log_retention_in_days.as_ref() {
        let v = r.to_json();
        if truthy(&v) {
            props.insert("RetentionInDays".into(), v);
        }
    }
    if let Some(p) = e.provider.log_data_protection_policy.as_ref().filter(|p| truthy(p)) {
        props.insert("DataProtectionPolicy".into(), p.clone());
    }
    e.merge_resource(naming::REST_API_LOG_GROUP, json!({"Type": "AWS::Logs::LogGroup", "Properties": props}));
    ensure_cloud_watch_role(e);
}

/// v3's `ensureApiGatewayCloudWatchRole` (shared by REST and websocket APIs, memoized: it
/// runs once per build): the `Custom::ApiGatewayAccountRole` resource and its custom-resource
/// Lambda, unless `provider.logs.restApi.roleManagedExternally`. Its role ARN comes from
/// `provider.logs.restApi.role` whichever API asks.
pub fn ensure_cloud_watch_role(e: &mut EventCtx) {
    if e.t.resources.contains_key(naming::REST_API_CLOUD_WATCH_ROLE) {
        return;
    }
    let rest_api = e.provider.logs.as_ref().and_then(|l| l.get("restApi")).cloned().unwrap_or(Value::Null);
    if rest_api.get("roleManagedExternally").is_some_and(schema_bool) {
        return;
    }
    let mut props = Map::new();
    props.insert("ServiceToken".into(), json!({"Fn::GetAtt": [Kind::ApiGatewayCloudWatchRole.function_logical_id(), "Arn"]}));
    if let Some(r) = rest_api.get("role").filter(|r| !r.is_null()) {
        props.insert("RoleArn".into(), r.clone());
    }
    e.set_resource(naming::REST_API_CLOUD_WATCH_ROLE, json!({"Type": "Custom::ApiGatewayAccountRole", "Version": 1, "Properties": props}));
    custom_resources::add(
        e,
        Kind::ApiGatewayCloudWatchRole,
        vec![
            json!({"Effect": "Allow", "Resource": {"Fn::Join": [":", ["arn", {"Ref": "AWS::Partition"}, "iam:", {"Ref": "AWS::AccountId"}, "role/*"]]},
                "Action": ["iam:AttachRolePolicy", "iam:CreateRole", "iam:ListAttachedRolePolicies", "iam:PassRole"]}),
            json!({"Effect": "Allow", "Resource": {"Fn::Join": [":", ["arn", {"Ref": "AWS::Partition"}, "apigateway:*::/account"]]},
                "Action": ["apigateway:GET", "apigateway:PATCH"]}),
        ],
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cognito_arns() {
        assert!(is_cognito_arn("arn:aws:cognito-idp:us-east-1:1:userpool/x"));
        assert!(is_cognito_arn("arn:aws-us-gov:cognito-idp:x"));
        assert!(!is_cognito_arn("arn:aws:lambda:us-east-1:1:function:f"));
        assert!(!is_cognito_arn("cognito-idp"));
    }

    #[test]
    fn parse_int_like_javascript() {
        assert_eq!(parse_int(" 42abc"), Some(42));
        assert_eq!(parse_int("-3"), Some(-3));
        assert_eq!(parse_int("abc"), None);
    }

    #[test]
    fn cors_defaults_and_object_form() {
        let c = get_cors(&json!(true), "get");
        assert_eq!(c.methods, vec!["OPTIONS", "GET"]);
        assert_eq!(c.origin.as_deref(), Some("*"));
        assert_eq!(c.headers.len(), 7);
        let c = get_cors(&json!({"origins": ["https://a.com"], "methods": ["POST"], "headers": "X-A"}), "put");
        assert_eq!(c.origin, None);
        assert_eq!(c.methods, vec!["POST", "OPTIONS", "PUT"]);
        assert_eq!(c.headers, vec!["X-A"]);
    }

    #[test]
    fn preflight_methods_newest_first() {
        let ev = |method: &str| HttpEvent {
            f: 0,
            index: 0,
            path: "items".into(),
            method: method.into(),
            authorizer: None,
            cors: Some(Box::new(get_cors(&json!(true), method))),
            integration: "AWS_PROXY".into(),
            connection_type: None,
            connection_id: None,
            request: None,
            response: None,
            private: false,
            is_async: false,
            operation_id: None,
        };
        let p = preflights(&[ev("get"), ev("post")]);
        assert_eq!(p[0].1.methods, vec!["OPTIONS", "POST", "GET"]);
    }

    #[test]
    fn cors_template_regexifies_origins() {
        let t = cors_response_template(&["https://*.example.com".into()]);
        assert!(t.contains(r#"$origin.matches("https://.+[.]example[.]com")"#));
    }

    #[test]
    fn schema_booleans() {
        assert!(!schema_bool(&json!("false")));
        assert!(schema_bool(&json!("true")));
        assert!(!schema_bool(&json!(0)));
        assert!(!schema_bool(&Value::Null));
    }
}
