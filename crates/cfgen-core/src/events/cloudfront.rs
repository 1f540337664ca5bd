//! `cloudFront` events (Lambda@Edge): one `CloudFrontDistribution` for the whole service, its
//! origins and cache behaviours built from the events, `provider.cloudFront.cachePolicies` as
//! `CloudFrontCachePolicy<N>` resources, one `<F>LambdaFunctionInvokePermission` per function
//! (on its version), the outputs `CloudFrontDistribution` and
//! `CloudFrontDistributionDomainName`, and the role's `edgelambda.amazonaws.com` principal and
//! `logs:*` statement.
//!
//! Quirks kept from Serverless v3 (surprise 20): before functions compile, an edge function is
//! forcibly versioned and gets memory 128 / timeout 5 unless it sets its own (the provider's
//! defaults do not count) — [`prepare_functions`]; after hashing, its `Environment` and
//! `VpcConfig` are deleted and `DeletionPolicy: Retain` is added. Events with the same origin
//! (or the same path pattern and origin) are deep-merged, arrays concatenated without
//! duplicates. The distribution needs region us-east-1.

use super::queue_common as qc;
use super::EventCtx;
use crate::compile::Ctx;
use crate::json::json;
use crate::naming;
use crate::node_url::{self, UrlError};
use cfgen_model::coerce::{truthy, Num};
use cfgen_syntax::{codes, Diagnostic};
use serde_json::{Map, Value};

const DEFAULT_CACHE_POLICY: &str = "658327ea-f89d-4fab-a63d-7e88639e58f6";
const EVENT_TYPES: [&str; 4] = ["viewer-request", "origin-request", "origin-response", "viewer-response"];

/// `package:initialize` (Lambda@Edge limits) and `before:package:compileFunctions` (forced
/// versioning, memory and timeout defaults) for every function with a `cloudFront` event.
pub fn prepare_functions(ctx: &mut Ctx) {
    let mut diags = Vec::new();
    let has_events = |f: &cfgen_model::Function| f.events.iter().flatten().any(|e| e.get("cloudFront").is_some_and(truthy));
    if !ctx.functions.iter().any(|(_, f)| has_events(f)) {
        return;
    }
    for (key, f) in std::rc::Rc::make_mut(&mut ctx.functions).iter_mut() {
        let events: Vec<(usize, Value)> = f
            .events
            .iter()
            .flatten()
            .enumerate()
            .filter_map(|(i, e)| e.get("cloudFront").filter(|b| truthy(b)).map(|b| (i, b.clone())))
            .collect();
        if events.is_empty() {
            continue;
        }
        for (_, body) in &events {
            let event_type = body.get("eventType").and_then(Value::as_str).unwrap_or("default");
            let (max_memory, max_timeout) = if event_type.starts_with("origin-") { (10240.0, 30.0) } else { (128.0, 5.0) };
            if let Some(m) = f.memory_size.filter(|n| n.truthy() && n.0 > max_memory) {
                diags.push((
                    format!(
                        "`{key}` memorySize {} is greater than {max_memory}, which Lambda@Edge functions of type `{event_type}` do not support",
                        cfgen_model::coerce::js_number_string(m.0)
                    ),
                    vec!["functions".to_string(), key.clone(), "memorySize".into()],
                ));
            }
            if let Some(t) = f.timeout.filter(|n| n.truthy() && n.0 > max_timeout) {
                diags.push((
                    format!(
                        "`{key}` timeout {} is greater than {max_timeout}, which Lambda@Edge functions of type `{event_type}` do not support",
                        cfgen_model::coerce::js_number_string(t.0)
                    ),
                    vec!["functions".to_string(), key.clone(), "timeout".into()],
                ));
            }
        }
        f.version_function = Some(true);
        if !f.memory_size.is_some_and(Num::truthy) {
            f.memory_size = Some(Num(128.0));
        }
        if !f.timeout.is_some_and(Num::truthy) {
            f.timeout = Some(Num(5.0));
        }
    }
    for (msg, path) in diags {
        let p: Vec<&str> = path.iter().map(String::as_str).collect();
        let d = Diagnostic::error(codes::INVALID_VALUE, msg)
            .at_opt(ctx.span(&p))
            .help("viewer events allow 128 MB and 5 s, origin events 10240 MB and 30 s");
        ctx.diags.push(d);
    }
}

/// `getCloudFrontOriginId`.
fn origin_id(origin: &Map<String, Value>) -> String {
    let kind = if origin.get("S3OriginConfig").is_some_and(truthy) { "s3" } else { "custom" };
    let domain = match origin.get("DomainName") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => naming::normalize_alphanumeric(&crate::emit::to_json_compact(other)),
        None => naming::normalize_alphanumeric("undefined"),
    };
    let mut id = format!("{kind}/{domain}");
    if let Some(p) = origin.get("OriginPath").filter(|v| truthy(v)) {
        match p {
            Value::String(s) => id.push_str(s),
            other => id.push_str(&crate::emit::to_json_compact(other)),
        }
    }
    id
}

/// `createOrigin`: a URL string through Node's `url.parse`, or an origin object as written.
fn create_origin(origin: &Value) -> Result<(Map<String, Value>, Option<char>), UrlError> {
    let mut o = Map::new();
    let mut cut = None;
    match origin {
        Value::String(s) => {
            let url = node_url::parse(s)?;
            cut = url.host_cut;
            o.insert("DomainName".into(), url.hostname.map_or(Value::Null, Value::String));
            if let Some(p) = url.pathname.filter(|p| p.encode_utf16().count() > 1) {
                o.insert("OriginPath".into(), json!(p));
            }
            if url.protocol.as_deref() == Some("s3:") {
                o.insert("S3OriginConfig".into(), json!({}));
            } else {
                o.insert("CustomOriginConfig".into(), json!({"OriginProtocolPolicy": "match-viewer"}));
            }
        }
        Value::Object(m) => o.extend(m.clone()),
        _ => {}
    }
    let id = origin_id(&o);
    o.insert("Id".into(), json!(id));
    Ok((o, cut))
}

/// `createOrigin` for the event `key`/`i`, with what v3 says of its origin: a warning where it
/// is not a URI by v3's schema or where Node cut the host short, an error where Node throws (and
/// `None`: v3 stops).
fn read_origin(e: &mut EventCtx, key: &str, i: usize, origin: &Value) -> Option<Map<String, Value>> {
    let at = ["cloudFront", "origin"];
    if let Some(url) = origin.as_str().filter(|u| !crate::validate::is_uri(u)) {
        let d = Diagnostic::new(
            codes::INVALID_VALUE,
            e.schema_severity(),
            format!("origin `{url}` is not a URI by v3's schema (format `uri`, RFC 3986)"),
        )
        .help(crate::validate::URI_HELP);
        e.report(d, key, i, &at);
    }
    let text = origin.as_str().unwrap_or_default();
    let d = match create_origin(origin) {
        Ok((o, None)) => return Some(o),
        Ok((o, Some(c))) => {
            let domain = o.get("DomainName").and_then(Value::as_str).unwrap_or_default();
            let d = Diagnostic::warning(
                codes::V3_QUIRK,
                format!("Node's url.parse ends this origin's host name at `{c}`: Serverless v3 writes DomainName `{domain}` and moves the rest into OriginPath"),
            )
            .help("a host name holds only letters, digits, `-` and `.`, with an optional `:port`; write the real host, or an origin object with `DomainName`");
            e.report(d, key, i, &at);
            return Some(o);
        }
        Err(UrlError::Invalid) => Diagnostic::error(
            codes::INVALID_VALUE,
            format!("origin `{text}` is not a URL Node's url.parse accepts: Serverless v3 stops with \"Invalid URL\""),
        )
        .help("a host name holds letters, digits, `-` and `.`; no `[` or `]` outside the brackets of an IPv6 address"),
        Err(UrlError::UriMalformed) => Diagnostic::error(
            codes::INVALID_VALUE,
            format!("the user part of origin `{text}` holds a `%` that is not a valid escape of UTF-8: Serverless v3 stops with \"URI malformed\""),
        )
        .help("write `%` as `%25`, or leave the user part out (CloudFront origins take none)"),
        Err(UrlError::Unsupported(host)) => Diagnostic::error(
            codes::NOT_IMPLEMENTED,
            format!("origin host name `{host}` is not printable ASCII; Serverless v3 converts it with IDNA (UTS #46 and Punycode), which cfgen does not"),
        )
        .help("write the host name in its ASCII form (`xn--...`), as CloudFront needs it anyway"),
    };
    e.report(d, key, i, &at);
    None
}

/// `extendDeep`: `_.assignWith` where arrays concatenate without duplicates, objects merge
/// recursively and other existing values win.
fn extend_deep(a: &mut Map<String, Value>, b: &Map<String, Value>) {
    for (k, bv) in b {
        match a.get_mut(k) {
            None => {
                a.insert(k.clone(), bv.clone());
            }
            Some(Value::Array(arr)) => {
                let extra: Vec<Value> = match bv {
                    Value::Array(x) => x.clone(),
                    other => vec![other.clone()],
                };
                for v in extra {
                    if !arr.contains(&v) {
                        arr.push(v);
                    }
                }
            }
            Some(Value::Object(obj)) => {
                if let Value::Object(bo) = bv {
                    extend_deep(obj, bo);
                }
            }
            Some(_) => {}
        }
    }
}

fn has_path(b: &Map<String, Value>) -> bool {
    b.get("PathPattern").is_some_and(truthy)
}

pub fn compile(e: &mut EventCtx) {
    // compileCloudFrontCachePolicies
    let mut policies: Vec<String> = Vec::new();
    if let Some(Value::Object(cps)) = e.provider.cloud_front.as_ref().and_then(|c| c.get("cachePolicies")) {
        let (service, stage) = (e.service().to_string(), e.stage().to_string());
        for (name, mut config) in cps.clone() {
            // The lists of strings of v3's schema, where AJV makes one string a list of it.
            for (outer, inner) in [("CookiesConfig", "Cookies"), ("HeadersConfig", "Headers"), ("QueryStringsConfig", "QueryStrings")] {
                crate::events::queue_common::list_of_text_at(&mut config, &["ParametersInCacheKeyAndForwardedToOrigin", outer, inner]);
            }
            let mut c = config.as_object().cloned().unwrap_or_default();
            c.insert("Name".into(), json!(naming::cloud_front_cache_policy_name(&service, &stage, &name)));
            e.set_resource(
                &naming::cloud_front_cache_policy(&name),
                json!({"Type": "AWS::CloudFront::CachePolicy", "Properties": {"CachePolicyConfig": c}}),
            );
            policies.push(name);
        }
    }
    let mut unused = policies.clone();

    let mut origins: Vec<Map<String, Value>> = Vec::new();
    let mut behaviors: Vec<Map<String, Value>> = Vec::new();
    let mut default_origin: Option<String> = None;
    let mut edge: Vec<(String, String)> = Vec::new();
    let mut failed = false;
    let functions = e.functions.clone();
    let allowed = ["behavior", "cachePolicy", "eventType", "isDefaultOrigin", "includeBody", "origin", "pathPattern"];
    for f in functions.iter() {
        for (i, body) in f.events_of("cloudFront") {
            if !truthy(body) {
                continue;
            }
            let Value::Object(ev) = body else {
                e.error(
                    codes::INVALID_TYPE,
                    "a `cloudFront` event must be a mapping with `eventType` and `origin`",
                    &f.key,
                    i,
                    &["cloudFront"],
                );
                failed = true;
                continue;
            };
            e.check_keys(&f.key, i, "cloudFront", body, &allowed);
            let path_is = "a path pattern (letters, digits, `_.*?$/~\"'@:+-`)";
            qc::check_pattern(e, &f.key, i, &["cloudFront", "pathPattern"], ev.get("pathPattern"), qc::patterns::CLOUDFRONT_PATH, path_is);
            let oai = ev.get("origin").and_then(|o| o.get("S3OriginConfig")).and_then(|s| s.get("OriginAccessIdentity"));
            let at = ["cloudFront", "origin", "S3OriginConfig", "OriginAccessIdentity"];
            let oai_is = "an origin access identity (`origin-access-identity/cloudfront/<id>`)";
            qc::check_pattern(e, &f.key, i, &at, oai, qc::patterns::ORIGIN_ACCESS_IDENTITY, oai_is);
            if let Some(given) = ev.get("eventType").filter(|v| !v.is_null()) {
                let t = cfgen_model::coerce::scalar_string(given).unwrap_or_else(|| cfgen_model::coerce::type_name(given).to_string());
                if !given.as_str().is_some_and(|t| EVENT_TYPES.contains(&t)) {
                    // v3's schema only warns (an error under `configValidationMode: error`), but
                    // its Lambda@Edge check then looks the type up in its limits and stops with a
                    // TypeError: no template either way.
                    let mut d = Diagnostic::error(
                        codes::INVALID_VALUE,
                        format!(
                            "`{t}` is not a CloudFront event type; Serverless v3 stops on it (its Lambda@Edge limits have no entry for it)"
                        ),
                    );
                    if let Some(s) = cfgen_syntax::diagnostic::did_you_mean(&t, EVENT_TYPES) {
                        d = d.help(format!("did you mean `{s}`?"));
                    }
                    e.report(d, &f.key, i, &["cloudFront", "eventType"]);
                }
            }
            // Lambda@Edge functions keep no environment or VPC and are retained on removal.
            if let Some(Value::Object(res)) = e.t.resources.get_mut(&f.logical_id) {
                if let Some(Value::Object(p)) = res.get_mut("Properties") {
                    p.shift_remove("VpcConfig");
                    p.shift_remove("Environment");
                }
                res.insert("DeletionPolicy".into(), json!("Retain"));
            }
            let version_id =
                e.t.resources
                    .iter()
                    .find(|(_, r)| {
                        r.get("Type").and_then(Value::as_str) == Some("AWS::Lambda::Version")
                            && r.pointer("/Properties/FunctionName/Ref").and_then(Value::as_str) == Some(f.logical_id.as_str())
                    })
                    .map(|(k, _)| k.clone())
                    .unwrap_or_default();
            let path_pattern = ev.get("pathPattern").and_then(Value::as_str).map(String::from);

            let Some(origin) = ev.get("origin").filter(|v| v.is_string() || v.is_object()) else {
                e.report(
                    Diagnostic::error(codes::MISSING_KEY, "a `cloudFront` event needs an `origin`: a URL or an origin object")
                        .help("e.g. `origin: s3://bucketname.s3.amazonaws.com/files` or `origin: https://example.com`"),
                    &f.key,
                    i,
                    &["cloudFront"],
                );
                failed = true;
                continue;
            };
            let Some(new_origin) = read_origin(e, &f.key, i, origin) else {
                failed = true;
                continue;
            };
            let oid = new_origin.get("Id").and_then(Value::as_str).unwrap_or_default().to_string();
            match origins.iter_mut().find(|o| o.get("Id").and_then(Value::as_str) == Some(oid.as_str())) {
                Some(existing) => extend_deep(existing, &new_origin),
                None => origins.push(new_origin),
            }
            if ev.get("isDefaultOrigin").is_some_and(truthy) {
                if default_origin.as_ref().is_some_and(|d| *d != oid) {
                    e.error(
                        codes::INVALID_VALUE,
                        "found more than one cloudFront event with `isDefaultOrigin` defined",
                        &f.key,
                        i,
                        &["cloudFront", "isDefaultOrigin"],
                    );
                    failed = true;
                    continue;
                }
                default_origin = Some(oid.clone());
            }

            let mut behavior = Map::new();
            behavior.insert("ViewerProtocolPolicy".into(), json!("allow-all"));
            let mut assign_default = true;
            if let Some(Value::Object(b)) = ev.get("behavior").filter(|v| truthy(v)) {
                behavior.extend(b.clone());
                // v3's schema wants lists here, so AJV (`coerceTypes: "array"`) makes a single
                // value a list of it (`AllowedMethods: GET` is `[GET]`), items of text as text.
                for (k, text) in [("AllowedMethods", false), ("CachedMethods", false), ("TrustedSigners", true), ("TrustedKeyGroups", true)]
                {
                    if let Some(v) = behavior.get_mut(k).filter(|v| matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_))) {
                        let item = if text { super::queue_common::scalar_to_string(v) } else { v.clone() };
                        *v = Value::Array(vec![item]);
                    }
                }
                // v3's schema takes only CloudFront's method sets (in any order).
                const GET_HEAD: &[&str] = &["GET", "HEAD"];
                const WITH_OPTIONS: &[&str] = &["GET", "HEAD", "OPTIONS"];
                const ALL: &[&str] = &["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"];
                for (k, sets) in [("AllowedMethods", &[GET_HEAD, WITH_OPTIONS, ALL][..]), ("CachedMethods", &[GET_HEAD, WITH_OPTIONS][..])]
                {
                    let Some(Value::Array(items)) = behavior.get(k) else { continue };
                    // As many methods as a set has, every one of them (so no repeats either).
                    let fits = sets.iter().any(|set| set.len() == items.len() && set.iter().all(|m| items.iter().any(|x| x == m)));
                    if !fits {
                        let shown: Vec<String> = sets.iter().map(|set| format!("[{}]", set.join(", "))).collect();
                        let d = Diagnostic::new(
                            codes::INVALID_VALUE,
                            e.schema_severity(),
                            format!(
                                "`behavior.{k}` of this `cloudFront` event is not one of CloudFront's method sets: {}",
                                shown.join(", ")
                            ),
                        )
                        .help("list every method of one of these sets");
                        e.report(d, &f.key, i, &["cloudFront", "behavior", k]);
                    }
                }
                if let Some(c) = b.get("CachePolicyId").filter(|v| truthy(v)) {
                    behavior.insert("CachePolicyId".into(), c.clone());
                    assign_default = false;
                }
                if b.get("ForwardedValues").is_some_and(truthy)
                    || ["MaxTTL", "MinTTL", "DefaultTTL"].iter().any(|k| b.get(*k).is_some_and(|v| !v.is_null()))
                {
                    assign_default = false;
                }
            }
            if let Some(cp) = ev.get("cachePolicy").filter(|v| truthy(v)) {
                let name = cp.get("name").and_then(Value::as_str).filter(|s| !s.is_empty());
                if let Some(n) = name {
                    if !policies.iter().any(|p| p == n) {
                        e.report(
                            Diagnostic::error(
                                codes::INVALID_VALUE,
                                format!("the event references the cache policy `{n}`, which is not configured"),
                            )
                            .help("define it under provider.cloudFront.cachePolicies"),
                            &f.key,
                            i,
                            &["cloudFront", "cachePolicy", "name"],
                        );
                        failed = true;
                        continue;
                    }
                    unused.retain(|p| p != n);
                }
                let id = cp
                    .get("id")
                    .filter(|v| truthy(v))
                    .cloned()
                    .unwrap_or_else(|| json!({"Ref": naming::cloud_front_cache_policy(name.unwrap_or("undefined"))}));
                behavior.insert("CachePolicyId".into(), id);
                assign_default = false;
            }
            if assign_default {
                behavior.insert("CachePolicyId".into(), json!(DEFAULT_CACHE_POLICY));
            }
            let mut association = Map::new();
            if let Some(t) = ev.get("eventType") {
                association.insert("EventType".into(), t.clone());
            }
            association.insert("LambdaFunctionARN".into(), json!({"Ref": &version_id}));
            if let Some(b) = ev.get("includeBody").filter(|v| !v.is_null()) {
                association.insert("IncludeBody".into(), b.clone());
            }
            behavior.insert("TargetOriginId".into(), json!(oid));
            behavior.insert("LambdaFunctionAssociations".into(), json!([association]));
            if let Some(p) = path_pattern.as_ref().filter(|p| !p.is_empty()) {
                behavior.insert("PathPattern".into(), json!(p));
            }
            let same = |o: &Map<String, Value>| {
                o.get("PathPattern") == behavior.get("PathPattern") && o.get("TargetOriginId") == behavior.get("TargetOriginId")
            };
            match behaviors.iter_mut().find(|o| same(o)) {
                Some(existing) => extend_deep(existing, &behavior),
                None => behaviors.push(behavior),
            }
            edge.push((f.key.clone(), version_id));
        }
    }
    if failed {
        return;
    }
    for name in unused {
        let span = e.ctx.key_span(&["provider", "cloudFront", "cachePolicies", &name]);
        e.ctx.diags.push(
            Diagnostic::warning(
                codes::UNKNOWN_KEY,
                format!("`provider.cloudFront.cachePolicies.{name}` is not used by any cloudFront event"),
            )
            .at_opt(span),
        );
    }
    behaviors.sort_by_key(has_path);
    if edge.is_empty() {
        return;
    }
    let (first_key, first_index) = functions
        .iter()
        .find_map(|f| f.events_of("cloudFront").find(|(_, b)| truthy(b)).map(|(i, _)| (f.key.clone(), i)))
        .unwrap_or_default();
    if e.region() != "us-east-1" {
        let msg = format!("CloudFront associated functions have to be deployed to the us-east-1 region, not {}", e.region());
        e.report(
            Diagnostic::error(codes::INVALID_VALUE, msg).help("deploy this service with `--region us-east-1`"),
            &first_key,
            first_index,
            &["cloudFront"],
        );
        return;
    }
    let mut patterns: Vec<Option<&Value>> = Vec::new();
    for b in &behaviors {
        let p = b.get("PathPattern");
        if patterns.contains(&p) {
            e.error(
                codes::INVALID_VALUE,
                "found more than one cloudFront behavior with the same path pattern",
                &first_key,
                first_index,
                &["cloudFront"],
            );
            return;
        }
        patterns.push(p);
    }
    for b in &behaviors {
        if let Some(Value::Array(assocs)) = b.get("LambdaFunctionAssociations") {
            let mut types: Vec<Option<&Value>> = Vec::new();
            for a in assocs {
                let t = a.get("EventType");
                if types.contains(&t) {
                    e.error(
                        codes::INVALID_VALUE,
                        "the event type of a function association must be unique in the cache behavior",
                        &first_key,
                        first_index,
                        &["cloudFront"],
                    );
                    return;
                }
                types.push(t);
            }
        }
    }
    if behaviors.first().is_some_and(has_path) {
        let origin_id = match &default_origin {
            Some(d) => d.clone(),
            None => {
                if origins.len() > 1 {
                    e.report(
                        Diagnostic::error(
                            codes::MISSING_KEY,
                            "found more than one origin but no cloudFront event has `isDefaultOrigin` set",
                        )
                        .help("set `isDefaultOrigin: true` on the event whose origin serves the default behavior"),
                        &first_key,
                        first_index,
                        &["cloudFront"],
                    );
                    return;
                }
                origins.first().and_then(|o| o.get("Id")).and_then(Value::as_str).unwrap_or_default().to_string()
            }
        };
        let mut default = behaviors[0].clone();
        default.shift_remove("PathPattern");
        default.shift_remove("LambdaFunctionAssociations");
        default.insert("TargetOriginId".into(), json!(origin_id));
        behaviors.insert(0, default);
    }
    for (key, version_id) in &edge {
        let permission = json!({"Type": "AWS::Lambda::Permission", "Properties": {
            "FunctionName": {"Ref": version_id}, "Action": "lambda:InvokeFunction", "Principal": "edgelambda.amazonaws.com",
            "SourceArn": {"Fn::Join": ["", ["", "arn:", {"Ref": "AWS::Partition"}, ":cloudfront::", {"Ref": "AWS::AccountId"}, ":distribution/", {"Ref": naming::CLOUD_FRONT_DISTRIBUTION}]]}}});
        e.set_resource(&naming::lambda_at_edge_permission(key), permission);
    }
    if e.t.resources.contains_key(naming::ROLE) {
        if let Some(Value::Array(statements)) =
            e.t.resources.get_mut(naming::ROLE).and_then(|r| r.pointer_mut("/Properties/AssumeRolePolicyDocument/Statement"))
        {
            let lambda = statements.iter_mut().find(|s| {
                s.pointer("/Principal/Service").and_then(Value::as_array).is_some_and(|a| a.iter().any(|x| x == "lambda.amazonaws.com"))
            });
            if let Some(Value::Array(services)) = lambda.and_then(|s| s.pointer_mut("/Principal/Service")) {
                services.push(json!("edgelambda.amazonaws.com"));
            }
        }
        e.push_statement(
            json!({"Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:TagResource"],
            "Resource": [{"Fn::Sub": "arn:${AWS::Partition}:logs:*:*:*"}]}),
        );
    }
    let mut config = Map::new();
    config.insert("Comment".into(), json!(format!("{} {}", e.service(), e.stage())));
    config.insert("Enabled".into(), json!(true));
    let rest: Vec<Value> = behaviors.iter().skip(1).cloned().map(Value::Object).collect();
    config.insert("DefaultCacheBehavior".into(), behaviors.first().cloned().map_or(Value::Null, Value::Object));
    config.insert("Origins".into(), Value::Array(origins.into_iter().map(Value::Object).collect()));
    if !rest.is_empty() {
        config.insert("CacheBehaviors".into(), Value::Array(rest));
    }
    e.set_resource(
        naming::CLOUD_FRONT_DISTRIBUTION,
        json!({"Type": "AWS::CloudFront::Distribution", "Properties": {"DistributionConfig": config}}),
    );
    e.merge_output(
        naming::CLOUD_FRONT_DISTRIBUTION,
        json!({"Description": "CloudFront Distribution Id", "Value": {"Ref": naming::CLOUD_FRONT_DISTRIBUTION}}),
    );
    e.merge_output(
        naming::CLOUD_FRONT_DISTRIBUTION_DOMAIN_NAME,
        json!({"Description": "CloudFront Distribution Domain Name", "Value": {"Fn::GetAtt": [naming::CLOUD_FRONT_DISTRIBUTION, "DomainName"]}}),
    );
}
