//! Methods (`AWS::ApiGateway::Method`): authorization, integration, method responses; then
//! the request validator and models, and the authorizers (v3's `method/*.js`,
//! `request-validator.js`, `authorizers.js`).

use super::{is_object, js_string, resource_missing, HttpEvent, Rest, Stop};
use crate::events::EventCtx;
use crate::json::json;
use crate::merge;
use crate::naming;
use cfgen_model::coerce::truthy;
use cfgen_syntax::codes;
use serde_json::{Map, Value};

/// v3's default `application/json` request template of `lambda` integrations.
const JSON_REQUEST_TEMPLATE: &str = include_str!("request-template-json.vtl");
/// v3's default `application/x-www-form-urlencoded` request template.
const FORM_REQUEST_TEMPLATE: &str = include_str!("request-template-form.vtl");

fn lambda_uri(function_arn: Value, alias: Option<&str>) -> Value {
    let mut parts = vec![
        json!("arn:"),
        json!({"Ref": "AWS::Partition"}),
        json!(":apigateway:"),
        json!({"Ref": "AWS::Region"}),
        json!(":lambda:path/2015-03-31/functions/"),
        function_arn,
    ];
    if let Some(a) = alias {
        parts.push(json!(":"));
        parts.push(json!(a));
    }
    parts.push(json!("/invocations"));
    json!({"Fn::Join": ["", parts]})
}

/// `value.required ?? true` for object parameters, the value itself otherwise.
fn parameter_required(v: &Value) -> Value {
    if !is_object(v) {
        return v.clone();
    }
    match v.get("required") {
        Some(r) if !r.is_null() => r.clone(),
        _ => json!(true),
    }
}

/// `compileMethods`.
pub(crate) fn compile_methods(e: &mut EventCtx, rest: &mut Rest) -> Result<(), Stop> {
    let events = std::rc::Rc::clone(&rest.events);
    let mut event_methods: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut lost_dependencies: Vec<(String, usize)> = Vec::new();
    for ev in events.iter() {
        if e.over_budget {
            // The template is past its budget: the build stops after this pass.
            return Err(Stop);
        }
        let Some(resource_id) = rest.resources.id(&ev.path, rest) else {
            return resource_missing(e, rest, &ev.path);
        };
        let resource_name = rest.resources.name(&ev.path);
        let mut request_parameters = Map::new();
        if let Some(Value::Object(params)) = ev.request.as_ref().and_then(|r| r.get("parameters")) {
            for (k, v) in params {
                request_parameters.insert(k.clone(), parameter_required(v));
            }
        }
        let f = &e.functions[ev.f];
        let mut props = Map::new();
        props.insert("HttpMethod".into(), json!(ev.method.to_uppercase()));
        props.insert("RequestParameters".into(), Value::Object(request_parameters));
        props.insert("ResourceId".into(), resource_id);
        props.insert("RestApiId".into(), rest.rest_api_id());
        if let Some(op) = ev.operation_id.as_ref() {
            props.insert("OperationName".into(), op.clone());
        }
        props.insert("ApiKeyRequired".into(), json!(ev.private));
        let mut depends_on = vec![json!(naming::rest_permission(&f.key))];
        if let Some((_, alias_id)) = &f.alias {
            depends_on.push(json!(alias_id));
        }
        let mut template = json!({"Type": "AWS::ApiGateway::Method", "Properties": props, "DependsOn": depends_on});
        let alias = f.alias.as_ref().map(|(name, _)| name.clone());
        let id = naming::rest_method(&resource_name, &ev.method);
        let auth = authorization(ev);
        if auth.get("DependsOn").is_some() {
            // v3 merges the authorizer's `DependsOn: [<Auth>ApiGatewayAuthorizer]` over
            // `[<F>LambdaPermissionApiGateway, ...]` index by index (surprise 6).
            lost_dependencies.push((f.key.clone(), ev.index));
        }
        merge::merge_owned(&mut template, auth);
        merge::merge_owned(&mut template, json!({"Properties": {"Integration": integration(ev, &f.logical_id, alias.as_deref())}}));
        merge::merge_owned(&mut template, json!({"Properties": {"MethodResponses": method_responses(ev)}}));
        if let Some(Value::Object(templates)) = crate::value::at_mut(&mut template, &["Properties", "Integration", "RequestTemplates"]) {
            let claims: Vec<String> = ev.authorizer.as_ref().map(|a| a.claims.iter().map(claim).collect()).unwrap_or_default();
            let claims = if claims.is_empty() { String::new() } else { format!("{},", claims.join(",")) };
            for v in templates.values_mut() {
                if let Value::String(s) = v {
                    *s = s.replacen("extraCognitoPoolClaims", &claims, 1);
                }
            }
        }
        let merged_into_event_method = event_methods.contains(&id);
        rest.method_ids.push(id.clone());
        e.merge_resource(&id, template);
        // An event's method object always holds `OperationName` (undefined without
        // `operationId`), so a later event on the same method sets it in that place, right
        // after `RestApiId` (a CORS `OPTIONS` method has no such placeholder).
        if merged_into_event_method {
            if let Some(Value::Object(props)) = e.t.resources.get_mut(&id).and_then(|r| r.get_mut("Properties")) {
                place_after(props, "OperationName", "RestApiId");
            }
        }
        event_methods.insert(id);
    }
    for (key, index) in lost_dependencies {
        let permission = naming::rest_permission(&key);
        e.warning(
            codes::V3_QUIRK,
            format!("the method's dependency on `{permission}` is replaced by its authorizer's, as Serverless v3 does; CloudFormation may create the method before the permission"),
            &key,
            index,
            &["http", "authorizer"],
        );
    }
    Ok(())
}

/// One entry of a Cognito claims list in the default request template.
fn claim(c: &Value) -> String {
    if let Value::String(s) = c {
        if let Some(colon) = s.find(':') {
            return format!("\"{}\": \"$context.authorizer.claims['{s}']\"", &s[colon + 1..]);
        }
    }
    let c = js_string(c);
    format!("\"{c}\": \"$context.authorizer.claims.{c}\"")
}

/// `getMethodAuthorization`.
fn authorization(ev: &HttpEvent) -> Value {
    let Some(a) = &ev.authorizer else {
        return json!({"Properties": {"AuthorizationType": "NONE"}});
    };
    if a.ty.as_deref() == Some("AWS_IAM") {
        return json!({"Properties": {"AuthorizationType": "AWS_IAM"}});
    }
    if let (Some(ty), Some(id)) = (a.ty.as_ref(), a.authorizer_id.as_ref().filter(|v| truthy(v))) {
        let upper = ty.to_uppercase();
        let auth_type = if upper == "TOKEN" || upper == "REQUEST" { "CUSTOM".to_string() } else { ty.clone() };
        let mut props = Map::new();
        props.insert("AuthorizationType".into(), json!(auth_type));
        props.insert("AuthorizerId".into(), id.clone());
        if upper == "COGNITO_USER_POOLS" {
            if let Some(scopes) = a.scopes.as_ref().filter(|s| non_empty(s)) {
                props.insert("AuthorizationScopes".into(), scopes.clone());
            }
        }
        return json!({ "Properties": props });
    }
    let id = naming::rest_authorizer(a.name.as_deref().unwrap_or("undefined"));
    if a.is_cognito() {
        let mut props = Map::new();
        props.insert("AuthorizationType".into(), json!("COGNITO_USER_POOLS"));
        props.insert("AuthorizerId".into(), json!({"Ref": &id}));
        if let Some(scopes) = a.scopes.as_ref().filter(|s| non_empty(s)) {
            props.insert("AuthorizationScopes".into(), scopes.clone());
        }
        return json!({"Properties": props, "DependsOn": [id]});
    }
    json!({"Properties": {"AuthorizationType": "CUSTOM", "AuthorizerId": {"Ref": &id}}, "DependsOn": [&id]})
}

/// `x && x.length` for arrays and strings.
fn non_empty(v: &Value) -> bool {
    match v {
        Value::Array(a) => !a.is_empty(),
        Value::String(s) => !s.is_empty(),
        _ => false,
    }
}

/// `getMethodIntegration`.
fn integration(ev: &HttpEvent, lambda_id: &str, alias: Option<&str>) -> Value {
    let ty = ev.integration.as_str();
    let request = ev.request.as_ref();
    let mut i = Map::new();
    i.insert("IntegrationHttpMethod".into(), json!("POST"));
    i.insert("Type".into(), json!(ty));
    match ty {
        "AWS" | "AWS_PROXY" => {
            i.insert("Uri".into(), lambda_uri(json!({"Fn::GetAtt": [lambda_id, "Arn"]}), alias));
        }
        "HTTP" | "HTTP_PROXY" => {
            if let Some(uri) = request.and_then(|r| r.get("uri")) {
                i.insert("Uri".into(), uri.clone());
            }
            let method = request.and_then(|r| r.get("method")).filter(|m| truthy(m)).map(js_string).unwrap_or_else(|| ev.method.clone());
            i.insert("IntegrationHttpMethod".into(), json!(method.to_uppercase()));
            if let Some(ct) = &ev.connection_type {
                i.insert("ConnectionType".into(), json!(ct));
                if let Some(id) = &ev.connection_id {
                    i.insert("ConnectionId".into(), id.clone());
                }
            }
        }
        _ => {}
    }
    if matches!(ty, "AWS" | "HTTP" | "MOCK") {
        if let Some(p) = request.and_then(|r| r.get("passThrough")) {
            i.insert("PassthroughBehavior".into(), p.clone());
        }
        if let Some(c) = request.and_then(|r| r.get("contentHandling")) {
            i.insert("ContentHandling".into(), c.clone());
        }
        if let Some(t) = request_templates(ev, ty == "AWS") {
            i.insert("RequestTemplates".into(), Value::Object(t));
        }
        i.insert("IntegrationResponses".into(), Value::Array(integration_responses(ev)));
    }
    let has_params = request.and_then(|r| r.get("parameters")).and_then(Value::as_object).is_some_and(|p| !p.is_empty());
    if (matches!(ty, "AWS" | "HTTP" | "HTTP_PROXY") && has_params) || ev.is_async {
        let mut params = Map::new();
        if let Some(Value::Object(p)) = request.and_then(|r| r.get("parameters")) {
            for (k, v) in p {
                let mapped = v.get("mappedValue").filter(|m| truthy(m)).cloned().unwrap_or_else(|| json!(k));
                params.insert(format!("integration.{}", k.get("method.".len()..).unwrap_or_default()), mapped);
            }
        }
        if ev.is_async {
            params.insert("integration.request.header.X-Amz-Invocation-Type".into(), json!("'Event'"));
        }
        i.insert("RequestParameters".into(), Value::Object(params));
    }
    Value::Object(i)
}

/// `getIntegrationRequestTemplates`.
fn request_templates(ev: &HttpEvent, defaults: bool) -> Option<Map<String, Value>> {
    let mut t = Map::new();
    if defaults {
        t.insert("application/json".into(), json!(JSON_REQUEST_TEMPLATE));
        t.insert("application/x-www-form-urlencoded".into(), json!(FORM_REQUEST_TEMPLATE));
    }
    if let Some(Value::Object(custom)) = ev.request.as_ref().and_then(|r| r.get("template")) {
        for (k, v) in custom {
            if v.is_null() {
                t.shift_remove(k);
            } else {
                t.insert(k.clone(), v.clone());
            }
        }
    }
    (!t.is_empty()).then_some(t)
}

/// The CORS and `response.headers` headers of a non-proxy integration's responses.
fn response_headers(ev: &HttpEvent) -> Map<String, Value> {
    let mut h = Map::new();
    let response = ev.response.as_ref();
    if let Some(c) = &ev.cors {
        let origin = match c.origins.as_ref().filter(|o| !o.is_empty()) {
            Some(o) => o.join(","),
            None => c.origin.clone().unwrap_or_else(|| "undefined".into()),
        };
        h.insert("Access-Control-Allow-Origin".into(), json!(format!("'{origin}'")));
        if c.allow_credentials {
            h.insert("Access-Control-Allow-Credentials".into(), json!("true"));
        }
    }
    if let Some(Value::Object(headers)) = response.and_then(|r| r.get("headers")) {
        for (k, v) in headers {
            h.insert(k.clone(), v.clone());
        }
    }
    h
}

/// `response.statusCodes` in JavaScript key order.
fn status_codes(ev: &HttpEvent) -> Vec<(String, Value)> {
    let Some(Value::Object(codes)) = ev.response.as_ref().and_then(|r| r.get("statusCodes")) else { return Vec::new() };
    cfgen_syntax::js_key_order(codes.keys().map(String::as_str))
        .into_iter()
        .map(|k| (k.to_string(), codes.get(k).cloned().unwrap_or(Value::Null)))
        .collect()
}

/// `getIntegrationResponses`.
fn integration_responses(ev: &HttpEvent) -> Vec<Value> {
    let Some(response) = ev.response.as_ref() else { return Vec::new() };
    let headers = response_headers(ev);
    let mut out = Vec::new();
    for (code, config) in status_codes(ev) {
        let mut params: Map<String, Value> = headers.iter().map(|(k, v)| (format!("method.response.header.{k}"), v.clone())).collect();
        if let Some(Value::Object(h)) = config.get("headers") {
            for (k, v) in h {
                params.insert(format!("method.response.header.{k}"), v.clone());
            }
        }
        let mut templates = Map::new();
        if let Some(t) = response.get("template").filter(|t| truthy(t)) {
            templates.insert("application/json".into(), t.clone());
        }
        match config.get("template").filter(|t| truthy(t)) {
            Some(Value::Object(t)) => {
                for (k, v) in t {
                    templates.insert(k.clone(), v.clone());
                }
            }
            Some(t) => {
                templates.insert("application/json".into(), t.clone());
            }
            None => {}
        }
        let pattern = config.get("pattern").filter(|p| truthy(p)).cloned().unwrap_or_else(|| json!(""));
        let mut r = Map::new();
        r.insert("StatusCode".into(), json!(&code));
        r.insert("SelectionPattern".into(), pattern);
        r.insert("ResponseParameters".into(), Value::Object(params));
        r.insert("ResponseTemplates".into(), Value::Object(templates));
        if code.starts_with('2') {
            if let Some(c) = response.get("contentHandling") {
                r.insert("ContentHandling".into(), c.clone());
            }
        }
        out.push(Value::Object(r));
    }
    out
}

/// `getMethodResponses`.
fn method_responses(ev: &HttpEvent) -> Vec<Value> {
    if !matches!(ev.integration.as_str(), "AWS" | "HTTP" | "MOCK") || ev.response.is_none() {
        return Vec::new();
    }
    let headers = response_headers(ev);
    let mut out = Vec::new();
    for (code, config) in status_codes(ev) {
        let mut params: Map<String, Value> = headers.keys().map(|k| (format!("method.response.header.{k}"), json!(true))).collect();
        if let Some(Value::Object(h)) = config.get("headers") {
            for k in h.keys() {
                params.insert(format!("method.response.header.{k}"), json!(true));
            }
        }
        out.push(json!({"ResponseParameters": params, "ResponseModels": {}, "StatusCode": code}));
    }
    out
}

/// `createRequestValidator` (memoized: created once, at its first use).
fn request_validator(e: &mut EventCtx, rest: &mut Rest) -> String {
    if let Some(id) = &rest.validator {
        return id.clone();
    }
    let id = naming::rest_request_validator(e.service());
    let validator = json!({"Type": "AWS::ApiGateway::RequestValidator", "Properties": {
        "RestApiId": rest.rest_api_id(),
        "ValidateRequestBody": true,
        "ValidateRequestParameters": true,
        "Name": naming::rest_request_validator_name(e.service(), e.stage())
    }});
    e.set_resource(&id, validator);
    rest.validator = Some(id.clone());
    id
}

/// `_.get(apiGateway, "request.schemas.<id>")` (the id is split at dots, like lodash).
fn provider_schema<'a>(rest: &'a Rest, id: &str) -> Option<&'a Value> {
    let mut v = rest.api_gateway.get("request")?.get("schemas")?;
    for part in id.split('.') {
        v = v.get(part)?;
    }
    Some(v)
}

/// `compileRequestValidators`: the validator and the models of `request.parameters`/`schemas`.
pub(crate) fn compile_request_validators(e: &mut EventCtx, rest: &mut Rest) {
    let events = std::rc::Rc::clone(&rest.events);
    for ev in events.iter() {
        let resource_name = rest.resources.name(&ev.path);
        let method_id = naming::rest_method(&resource_name, &ev.method);
        let request = ev.request.as_ref();
        let mut validator: Option<String> = None;
        let required = match request.and_then(|r| r.get("parameters")) {
            Some(Value::Object(p)) => p.values().any(|v| truthy(&parameter_required(v))),
            _ => false,
        };
        if required {
            let id = request_validator(e, rest);
            set_method_prop(e, &method_id, "RequestValidatorId", json!({"Ref": &id}));
            validator = Some(id);
        }
        let Some(Value::Object(schemas)) = request.and_then(|r| r.get("schemas")) else { continue };
        for (content_type, config) in schemas {
            let referenced =
                if is_object(config) { None } else { provider_schema(rest, &js_string(config)).filter(|v| truthy(v)).cloned() };
            let validator_id = match &validator {
                Some(v) => v.clone(),
                None => {
                    let id = request_validator(e, rest);
                    validator = Some(id.clone());
                    id
                }
            };
            let model_id = match referenced {
                Some(def) => {
                    let id = naming::rest_provider_model(&js_string(config));
                    e.set_resource(&id, provider_model(&def, json!({"Ref": naming::REST_API})));
                    id
                }
                None => {
                    let (name, description, definition) = endpoint_schema(config);
                    let id = naming::rest_endpoint_model(&resource_name, &ev.method, content_type);
                    let mut props = Map::new();
                    props.insert("RestApiId".into(), rest.rest_api_id());
                    props.insert("ContentType".into(), json!(content_type));
                    props.insert("Schema".into(), definition);
                    if let Some(n) = name {
                        props.insert("Name".into(), n);
                    }
                    if let Some(d) = description {
                        props.insert("Description".into(), d);
                    }
                    e.set_resource(&id, json!({"Type": "AWS::ApiGateway::Model", "Properties": props}));
                    id
                }
            };
            set_method_prop(e, &method_id, "RequestValidatorId", json!({"Ref": validator_id}));
            if let Some(Value::Object(props)) = e.t.resources.get_mut(&method_id).and_then(|m| m.get_mut("Properties")) {
                let models = props.entry("RequestModels").or_insert_with(|| json!({}));
                if let Value::Object(m) = models {
                    m.insert(content_type.clone(), json!({"Ref": model_id}));
                }
            }
        }
    }
}

/// The `AWS::ApiGateway::Model` of a shared schema (`provider.apiGateway.request.schemas.<id>`:
/// `{schema, name, description}` or the schema itself).
pub(crate) fn provider_model(def: &Value, rest_api_id: Value) -> Value {
    let schema = match def.get("schema").filter(|s| truthy(s)) {
        Some(s) => s.clone(),
        None => def.clone(),
    };
    let mut props = Map::new();
    props.insert("RestApiId".into(), rest_api_id);
    props.insert("Schema".into(), schema);
    props.insert("ContentType".into(), json!("application/json"));
    if let Some(n) = def.get("name").filter(|n| truthy(n)) {
        props.insert("Name".into(), n.clone());
    }
    if let Some(d) = def.get("description").filter(|d| truthy(d)) {
        props.insert("Description".into(), d.clone());
    }
    json!({"Type": "AWS::ApiGateway::Model", "Properties": props})
}

/// `(name, description, schema)` of an endpoint's request schema: the object form
/// `{schema, name, description}`, or the schema itself.
pub(crate) fn endpoint_schema(config: &Value) -> (Option<Value>, Option<Value>, Value) {
    match config {
        Value::Object(o) if o.get("schema").is_some_and(truthy) => {
            (o.get("name").cloned(), o.get("description").cloned(), o.get("schema").cloned().unwrap_or(Value::Null))
        }
        other => (None, None, other.clone()),
    }
}

fn set_method_prop(e: &mut EventCtx, method_id: &str, key: &str, value: Value) {
    if let Some(Value::Object(props)) = e.t.resources.get_mut(method_id).and_then(|m| m.get_mut("Properties")) {
        props.insert(key.into(), value);
    }
}

/// `compileAuthorizers`: an `AWS::ApiGateway::Authorizer` for every authorizer with an ARN (or
/// a function of the service).
pub(crate) fn compile_authorizers(e: &mut EventCtx, rest: &Rest) {
    for ev in rest.events.iter() {
        let Some(a) = ev.authorizer.as_ref() else { continue };
        let Some(arn) = a.arn.as_ref().filter(|v| truthy(v)) else { continue };
        let name = a.name.clone().unwrap_or_else(|| "undefined".into());
        let mut props = Map::new();
        if let Some(ttl) = a.result_ttl {
            props.insert("AuthorizerResultTtlInSeconds".into(), json!(ttl));
        }
        if let Some(s) = &a.identity_source {
            props.insert("IdentitySource".into(), s.clone());
        }
        props.insert("Name".into(), json!(&name));
        props.insert("RestApiId".into(), rest.rest_api_id());
        if let Some(x @ Value::String(_)) = &a.identity_validation_expression {
            props.insert("IdentityValidationExpression".into(), x.clone());
        }
        if a.is_cognito() {
            props.insert("Type".into(), json!("COGNITO_USER_POOLS"));
            props.insert("ProviderARNs".into(), json!([arn]));
        } else {
            props.insert("AuthorizerUri".into(), lambda_uri(arn.clone(), None));
            let ty = a.ty.as_ref().map(|t| t.to_uppercase()).unwrap_or_else(|| "TOKEN".into());
            props.insert("Type".into(), json!(ty));
        }
        let mut resource = Map::new();
        resource.insert("Type".into(), json!("AWS::ApiGateway::Authorizer"));
        if let Some(l) = &a.logical_id {
            resource.insert("DependsOn".into(), json!(l));
        }
        resource.insert("Properties".into(), Value::Object(props));
        let id = naming::rest_authorizer(&name);
        e.merge_resource(&id, Value::Object(resource));
        // v3's first object holds `AuthorizerResultTtlInSeconds` and `IdentitySource` even when
        // undefined, so a later event's values land in those first positions.
        if let Some(Value::Object(props)) = e.t.resources.get_mut(&id).and_then(|r| r.get_mut("Properties")) {
            front_keys(props, &["AuthorizerResultTtlInSeconds", "IdentitySource"]);
        }
    }
}

/// Move `keys` (those present) to the front of `map`, in that order: where v3's first object
/// held them as `undefined` placeholders, later `_.merge`s fill them in place.
fn front_keys(map: &mut Map<String, Value>, keys: &[&str]) {
    let mut ordered = Map::new();
    for k in keys {
        if let Some(v) = map.get(*k) {
            ordered.insert((*k).to_string(), v.clone());
        }
    }
    for (k, v) in map.iter() {
        if !ordered.contains_key(k) {
            ordered.insert(k.clone(), v.clone());
        }
    }
    *map = ordered;
}

/// Move `key` (when present) right after `after` (when present).
fn place_after(map: &mut Map<String, Value>, key: &str, after: &str) {
    let (Some(v), true) = (map.get(key).cloned(), map.contains_key(after)) else { return };
    let mut ordered = Map::new();
    for (k, x) in map.iter() {
        if k == key {
            continue;
        }
        ordered.insert(k.clone(), x.clone());
        if k == after {
            ordered.insert(key.to_string(), v.clone());
        }
    }
    *map = ordered;
}
