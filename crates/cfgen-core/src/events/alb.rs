//! `alb` events: Lambda targets behind an existing Application Load Balancer listener.
//!
//! Per event, in three passes over all events (as v3): a target group
//! `<F>Alb[MultiValue]TargetGroup<albId>` (assigned), a listener rule `<F>AlbListenerRule<priority>`
//! (assigned), then the permissions `<F>LambdaPermissionAlb` (with the target group as
//! `SourceArn`) and `<F>LambdaPermissionRegisterTarget` (`_.merge`d). `albId` is the load
//! balancer id of a listener ARN, or the logical id of a `Ref` listener.
//!
//! Quirks kept from Serverless v3: the target group's `Name` tag never mentions multi-value
//! headers (its generated md5 `Name` does); `HealthCheckEnabled: false` is always written;
//! authorizers come from `provider.alb.authorizers` (`onUnauthenticatedRequest` defaults to
//! `deny`, an OIDC authorizer without `clientSecret` uses the existing secret).

use super::queue_common as qc;
use super::EventCtx;
use crate::json::json;
use crate::naming;
use cfgen_model::coerce::truthy;
use cfgen_syntax::{codes, Diagnostic};
use serde_json::{Map, Value};

const ALLOWED: [&str; 7] = ["authorizer", "conditions", "healthCheck", "listenerArn", "multiValueHeaders", "priority", "targetGroupName"];

/// One validated event.
struct Alb {
    key: String,
    fn_index: usize,
    event_index: usize,
    alb_id: String,
    listener_id: String,
    listener_arn: Value,
    priority: Value,
    conditions: Map<String, Value>,
    multi_value: bool,
    target_group_name: Option<Value>,
    authorizers: Vec<String>,
    health_check: Option<Map<String, Value>>,
}

/// `[].concat(v)`.
fn list(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a.clone(),
        other => vec![other.clone()],
    }
}

/// The load balancer id and listener id of a listener ARN.
fn parse_listener_arn(arn: &str) -> Option<(String, String)> {
    let word = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let rest = arn.strip_prefix("arn:aws")?;
    let partition_end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')).unwrap_or(rest.len());
    let rest = rest[partition_end..].strip_prefix(":elasticloadbalancing:")?;
    let idx = rest.rfind(":listener/app/")?;
    if idx == 0 {
        return None;
    }
    let parts: Vec<&str> = rest[idx + ":listener/app/".len()..].split('/').collect();
    if parts.len() == 3 && parts.iter().all(|p| word(p)) {
        Some((parts[1].to_string(), parts[2].to_string()))
    } else {
        None
    }
}

fn priority_string(p: &Value) -> String {
    match p {
        Value::String(s) => s.clone(),
        other => crate::emit::to_json_compact(other),
    }
}

fn validate(e: &mut EventCtx, authorizers: &Map<String, Value>) -> Option<Vec<Alb>> {
    let mut events = Vec::new();
    let mut ok = true;
    let functions = e.functions.clone();
    let prefix = e.provider.alb.as_ref().and_then(|a| a.get("targetGroupPrefix")).is_some_and(truthy);
    for (fi, f) in functions.iter().enumerate() {
        for (i, body) in f.events_of("alb") {
            let Value::Object(o) = body else {
                if truthy(body) {
                    e.warning(
                        codes::INVALID_TYPE,
                        "an `alb` event must be a mapping with `listenerArn`, `priority` and `conditions`; Serverless v3 ignores this one",
                        &f.key,
                        i,
                        &["alb"],
                    );
                }
                continue;
            };
            e.check_keys(&f.key, i, "alb", body, &ALLOWED);
            // v3's schema: `listenerArn` a string (or a `Ref`); AJV reads a list of one as its item.
            let mut o = o.clone();
            if let Some(v) = o.get_mut("listenerArn").filter(|v| v.is_array()) {
                super::queue_common::warn_single(e, &f.key, i, &["alb", "listenerArn"], v);
                *v = super::queue_common::single(v).clone();
            }
            let o = &o;
            let ids = match o.get("listenerArn") {
                Some(Value::Object(r)) if r.get("Ref").is_some_and(truthy) => {
                    let r = r.get("Ref").and_then(Value::as_str).unwrap_or_default().to_string();
                    Some((r.clone(), r))
                }
                Some(Value::String(s)) => parse_listener_arn(s),
                _ => None,
            };
            let Some((alb_id, listener_id)) = ids else {
                if o.get("listenerArn").is_none_or(Value::is_null) {
                    // v3 stops with a TypeError (reading 'match')
                    super::queue_common::report(
                        e,
                        Diagnostic::error(codes::MISSING_KEY, format!("the `alb` event of function `{}` has no `listenerArn`", f.key))
                            .help("add `listenerArn:` with the listener's ARN (`arn:aws:elasticloadbalancing:<region>:<account>:listener/app/<lb>/<lb id>/<listener id>`) or a `Ref` to a listener"),
                        &f.key,
                        i,
                        &["alb"],
                    );
                    ok = false;
                    continue;
                }
                e.report(
                    Diagnostic::error(codes::INVALID_VALUE, format!("invalid ALB `listenerArn` in function `{}`", f.key))
                        .help("use an ARN like `arn:aws:elasticloadbalancing:<region>:<account>:listener/app/<lb>/<lb id>/<listener id>` or a `Ref` to a listener"),
                    &f.key,
                    i,
                    &["alb", "listenerArn"],
                );
                ok = false;
                continue;
            };
            let mut priority = o.get("priority").cloned().unwrap_or(Value::Null);
            if let Value::String(s) = &priority {
                if let Ok(n) = s.trim().parse::<u64>() {
                    priority = json!(n);
                }
            }
            if priority.as_u64().is_some_and(|p| !(1..=50000).contains(&p)) {
                e.warning(codes::INVALID_VALUE, "an ALB listener rule priority must be from 1 to 50000", &f.key, i, &["alb", "priority"]);
            }
            if !priority.is_u64() {
                e.error(codes::INVALID_VALUE, "an `alb` event needs a `priority`, an integer from 1 to 50000", &f.key, i, &["alb"]);
                ok = false;
                continue;
            }
            let Some(Value::Object(c)) = o.get("conditions") else {
                e.error(codes::MISSING_KEY, "an `alb` event needs `conditions`", &f.key, i, &["alb"]);
                ok = false;
                continue;
            };
            let texts = [
                (&["alb", "conditions", "host"][..], c.get("host"), qc::patterns::ALB_HOST, "a host name (letters, digits, `*?.-`)"),
                (&["alb", "conditions", "method"], c.get("method"), qc::patterns::ALB_METHOD, "an HTTP method in capitals (`GET`)"),
                (&["alb", "conditions", "path"], c.get("path"), qc::patterns::ALB_PATH, "a path (letters, digits, `*?_.$/~\"'@:+-`)"),
                (
                    &["alb", "targetGroupName"],
                    o.get("targetGroupName"),
                    qc::patterns::ALB_TARGET_GROUP,
                    "a target group name (letters, digits, `-`)",
                ),
                (
                    &["alb", "healthCheck", "matcher", "httpCode"],
                    o.get("healthCheck").and_then(|h| h.get("matcher")).and_then(|m| m.get("httpCode")),
                    qc::patterns::ALB_HTTP_CODE,
                    "HTTP codes such as `200`, `200-299` or `200,302`",
                ),
            ];
            for (at, v, pattern, what) in texts {
                qc::check_pattern(e, &f.key, i, at, v, pattern, what);
            }
            let mut conditions = Map::new();
            for k in ["path", "host", "method", "header"] {
                if let Some(v) = c.get(k).filter(|v| truthy(v)) {
                    conditions.insert(k.into(), Value::Array(list(v)));
                }
            }
            // v3's schema: lists of strings, so AJV makes a number or boolean item a string.
            for k in ["path", "host", "method"] {
                if let Some(Value::Array(items)) = conditions.get_mut(k) {
                    for (j, x) in items.iter_mut().enumerate() {
                        if let Value::Number(_) | Value::Bool(_) = x {
                            // Valid for v3, but likely a slip (the editor schema flags it too).
                            let d = cfgen_syntax::Diagnostic::warning(
                                codes::INVALID_TYPE,
                                format!("`{x}` in the `{k}` condition of this `alb` event is not text; Serverless v3 reads it as the text `{x}`"),
                            )
                            .help("quote it");
                            let j = j.to_string();
                            super::queue_common::report(e, d, &f.key, i, &["alb", "conditions", k, &j]);
                        }
                        *x = super::queue_common::coerce_string(x);
                    }
                }
            }
            if let Some(q) = c.get("query").filter(|v| truthy(v)) {
                conditions.insert("query".into(), q.clone());
            }
            if let Some(v) = c.get("ip").filter(|v| truthy(v)) {
                conditions.insert("ip".into(), Value::Array(list(v).iter().map(super::queue_common::coerce_string).collect()));
            }
            if c.is_empty() {
                e.error(
                    codes::MISSING_KEY,
                    format!("cannot set up the `alb` event of function `{}`: at least one condition must be defined", f.key),
                    &f.key,
                    i,
                    &["alb", "conditions"],
                );
                ok = false;
                continue;
            }
            let target_group_name = o.get("targetGroupName").filter(|v| truthy(v)).cloned();
            if target_group_name.is_some() && prefix {
                e.error(
                    codes::INVALID_VALUE,
                    "ALB `targetGroupName` is exclusive with `provider.alb.targetGroupPrefix`: specify only one",
                    &f.key,
                    i,
                    &["alb", "targetGroupName"],
                );
                ok = false;
                continue;
            }
            let mut auths = Vec::new();
            if let Some(a) = o.get("authorizer").filter(|v| truthy(v)) {
                for name in list(a) {
                    let n = name.as_str().unwrap_or_default().to_string();
                    if !authorizers.contains_key(&n) {
                        e.error(
                            codes::INVALID_VALUE,
                            format!("no match for `{n}` in function `{}` found in registered ALB authorizers", f.key),
                            &f.key,
                            i,
                            &["alb", "authorizer"],
                        );
                        ok = false;
                    }
                    auths.push(n);
                }
            }
            let health_check = match o.get("healthCheck").filter(|v| truthy(v)) {
                Some(Value::Object(h)) => {
                    let mut h = h.clone();
                    h.insert("enabled".into(), json!(true));
                    Some(h)
                }
                Some(_) => Some(Map::from_iter([("enabled".to_string(), json!(true))])),
                None => None,
            };
            events.push(Alb {
                key: f.key.clone(),
                fn_index: fi,
                event_index: i,
                alb_id,
                listener_id,
                listener_arn: o.get("listenerArn").cloned().unwrap_or(Value::Null),
                priority,
                conditions,
                multi_value: o.get("multiValueHeaders").is_some_and(truthy),
                target_group_name,
                authorizers: auths,
                health_check,
            });
        }
    }
    // Priorities: the same priority twice in one function (even on different listeners), or on
    // one listener across functions.
    for (n, a) in events.iter().enumerate() {
        let clash = events[..n].iter().find(|b| {
            b.priority == a.priority
                && ((b.key == a.key && b.listener_id != a.listener_id) || (b.key != a.key && b.listener_id == a.listener_id))
        });
        if let Some(b) = clash {
            let mut d = Diagnostic::error(
                codes::INVALID_VALUE,
                format!(
                    "ALB event in function `{}` cannot use priority `{}` because it is already in use",
                    a.key,
                    priority_string(&a.priority)
                ),
            );
            if b.key == a.key {
                d = d.help("events of one function cannot share a priority even on different listeners (a Serverless v3 limitation)");
            }
            e.report(d, &a.key, a.event_index, &["alb", "priority"]);
            ok = false;
        }
    }
    ok.then_some(events)
}

pub fn compile(e: &mut EventCtx) {
    let mut authorizers = Map::new();
    if let Some(Value::Object(auths)) = e.provider.alb.as_ref().and_then(|a| a.get("authorizers")) {
        for (name, auth) in auths {
            let mut a = auth.as_object().cloned().unwrap_or_default();
            if !a.get("onUnauthenticatedRequest").is_some_and(truthy) {
                a.insert("onUnauthenticatedRequest".into(), json!("deny"));
            }
            authorizers.insert(name.clone(), Value::Object(a));
        }
    }
    let Some(events) = validate(e, &authorizers) else { return };
    if events.is_empty() {
        return;
    }
    let prefix = e
        .provider
        .alb
        .as_ref()
        .and_then(|a| a.get("targetGroupPrefix"))
        .filter(|v| truthy(v))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let (service, stage) = (e.service().to_string(), e.stage().to_string());

    for ev in &events {
        let f = &e.functions[ev.fn_index];
        let tg_id = naming::alb_target_group(&ev.key, &ev.alb_id, ev.multi_value);
        let name = ev.target_group_name.clone().unwrap_or_else(|| {
            let tag = naming::alb_target_group_name_tag(&service, &ev.key, &ev.alb_id, ev.multi_value, &stage);
            json!(naming::alb_target_group_name(&prefix, &tag))
        });
        let mut props = Map::new();
        props.insert("TargetType".into(), json!("lambda"));
        props.insert("Targets".into(), json!([{"Id": &f.target}]));
        props.insert("Name".into(), name);
        props.insert(
            "Tags".into(),
            json!([{"Key": "Name", "Value": naming::alb_target_group_name_tag(&service, &ev.key, &ev.alb_id, false, &stage)}]),
        );
        props.insert("TargetGroupAttributes".into(), json!([{"Key": "lambda.multi_value_headers.enabled", "Value": ev.multi_value}]));
        props.insert("HealthCheckEnabled".into(), json!(false));
        if let Some(h) = &ev.health_check {
            let set = |k: &str| h.get(k).filter(|v| !v.is_null()).cloned();
            props.insert("HealthCheckEnabled".into(), set("enabled").unwrap_or(json!(false)));
            props.insert("HealthCheckPath".into(), set("path").unwrap_or(json!("/")));
            props.insert("HealthCheckIntervalSeconds".into(), set("intervalSeconds").unwrap_or(json!(35)));
            props.insert("HealthCheckTimeoutSeconds".into(), set("timeoutSeconds").unwrap_or(json!(30)));
            props.insert("HealthyThresholdCount".into(), set("healthyThresholdCount").unwrap_or(json!(5)));
            props.insert(
                "UnhealthyThresholdCount".into(),
                h.get("unhealthyThresholdCount").filter(|v| truthy(v)).cloned().unwrap_or(json!(5)),
            );
            let code = h.get("matcher").and_then(|m| m.get("httpCode")).filter(|v| truthy(v)).cloned().unwrap_or(json!("200"));
            props.insert("Matcher".into(), json!({"HttpCode": code}));
        }
        let mut depends_on = vec![json!(naming::alb_register_target_permission(&ev.key))];
        if let Some((_, a)) = &f.alias {
            depends_on.push(json!(a));
        }
        let tg = json!({"Type": "AWS::ElasticLoadBalancingV2::TargetGroup", "Properties": props, "DependsOn": depends_on});
        e.set_resource(&tg_id, tg);
    }

    for ev in &events {
        let tg_id = naming::alb_target_group(&ev.key, &ev.alb_id, ev.multi_value);
        let mut order = 0;
        let mut actions = Vec::new();
        for name in &ev.authorizers {
            let Some(Value::Object(auth)) = authorizers.get(name) else { continue };
            let get = |k: &str| auth.get(k).cloned();
            let mut config = Map::new();
            let mut put = |k: &str, v: Option<Value>| {
                if let Some(v) = v {
                    config.insert(k.into(), v);
                }
            };
            order += 1;
            if auth.get("type").and_then(Value::as_str) == Some("cognito") {
                put("UserPoolArn", get("userPoolArn"));
                put("UserPoolClientId", get("userPoolClientId"));
                put("UserPoolDomain", get("userPoolDomain"));
                put("OnUnauthenticatedRequest", get("onUnauthenticatedRequest"));
                put("AuthenticationRequestExtraParams", get("requestExtraParams"));
                put("Scope", get("scope"));
                put("SessionCookieName", get("sessionCookieName"));
                put("SessionTimeout", get("sessionTimeout"));
                actions.push(json!({"Type": "authenticate-cognito", "Order": order, "AuthenticateCognitoConfig": config}));
            } else {
                put("AuthorizationEndpoint", get("authorizationEndpoint"));
                put("ClientId", get("clientId"));
                put("Issuer", get("issuer"));
                put("TokenEndpoint", get("tokenEndpoint"));
                put("UserInfoEndpoint", get("userInfoEndpoint"));
                put("OnUnauthenticatedRequest", get("onUnauthenticatedRequest"));
                put("AuthenticationRequestExtraParams", get("requestExtraParams"));
                put("Scope", get("scope"));
                put("SessionCookieName", get("sessionCookieName"));
                put("SessionTimeout", get("sessionTimeout"));
                match auth.get("clientSecret").filter(|v| truthy(v)) {
                    Some(s) => put("ClientSecret", Some(s.clone())),
                    None => put("UseExistingClientSecret", Some(json!(true))),
                }
                actions.push(json!({"Type": "authenticate-oidc", "Order": order, "AuthenticateOidcConfig": config}));
            }
        }
        let mut forward = Map::new();
        forward.insert("Type".into(), json!("forward"));
        forward.insert("TargetGroupArn".into(), json!({"Ref": tg_id}));
        if order > 0 {
            forward.insert("Order".into(), json!(order + 1));
        }
        actions.push(Value::Object(forward));
        let c = &ev.conditions;
        let mut conditions = Vec::new();
        if let Some(v) = c.get("path") {
            conditions.push(json!({"Field": "path-pattern", "Values": v}));
        }
        if let Some(v) = c.get("host") {
            conditions.push(json!({"Field": "host-header", "HostHeaderConfig": {"Values": v}}));
        }
        if let Some(v) = c.get("method") {
            conditions.push(json!({"Field": "http-request-method", "HttpRequestMethodConfig": {"Values": v}}));
        }
        if let Some(Value::Array(headers)) = c.get("header") {
            for h in headers {
                let mut hc = Map::new();
                if let Some(n) = h.get("name") {
                    hc.insert("HttpHeaderName".into(), n.clone());
                }
                if let Some(v) = h.get("values") {
                    hc.insert("Values".into(), Value::Array(list(v)));
                }
                conditions.push(json!({"Field": "http-header", "HttpHeaderConfig": hc}));
            }
        }
        if let Some(q) = c.get("query") {
            let values: Vec<Value> =
                q.as_object().map(|m| m.iter().map(|(k, v)| json!({"Key": k, "Value": v})).collect()).unwrap_or_default();
            conditions.push(json!({"Field": "query-string", "QueryStringConfig": {"Values": values}}));
        }
        if let Some(v) = c.get("ip") {
            conditions.push(json!({"Field": "source-ip", "SourceIpConfig": {"Values": v}}));
        }
        let rule = json!({"Type": "AWS::ElasticLoadBalancingV2::ListenerRule", "Properties": {
            "Actions": actions, "Conditions": conditions, "ListenerArn": &ev.listener_arn, "Priority": &ev.priority}});
        e.set_resource(&naming::alb_listener_rule(&ev.key, &priority_string(&ev.priority)), rule);
    }

    for ev in &events {
        let f = e.functions[ev.fn_index].clone();
        let tg_id = naming::alb_target_group(&ev.key, &ev.alb_id, ev.multi_value);
        let mut base = Map::new();
        base.insert("Type".into(), json!("AWS::Lambda::Permission"));
        base.insert(
            "Properties".into(),
            json!({"FunctionName": f.target, "Action": "lambda:InvokeFunction", "Principal": "elasticloadbalancing.amazonaws.com"}),
        );
        if let Some((_, a)) = &f.alias {
            base.insert("DependsOn".into(), json!([a]));
        }
        let register = Value::Object(base.clone());
        let mut alb = Value::Object(base);
        crate::merge::merge_owned(&mut alb, json!({"Properties": {"SourceArn": {"Ref": tg_id}}}));
        e.merge_resource(&naming::alb_permission(&ev.key), alb);
        e.merge_resource(&naming::alb_register_target_permission(&ev.key), register);
    }
}

#[cfg(test)]
mod tests {
    use super::parse_listener_arn;

    #[test]
    fn listener_arns() {
        let arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/my-lb/50dc6c495c0c9188/f2f7dc8efc522ab2";
        assert_eq!(parse_listener_arn(arn), Some(("50dc6c495c0c9188".into(), "f2f7dc8efc522ab2".into())));
        let cn = "arn:aws-cn:elasticloadbalancing:cn-north-1:123456789012:listener/app/lb/aaaa/bbbb";
        assert_eq!(parse_listener_arn(cn), Some(("aaaa".into(), "bbbb".into())));
        assert_eq!(parse_listener_arn("arn:aws:elasticloadbalancing:us-east-1:1:listener/net/lb/aaaa/bbbb"), None);
        assert_eq!(parse_listener_arn("arn:aws:elasticloadbalancing::listener/app/lb/aaaa/bbbb"), None);
        assert_eq!(parse_listener_arn("arn:aws:elasticloadbalancing:us-east-1:1:listener/app/lb/aaaa/bbbb/cccc"), None);
    }
}
