//! `kafka` events (self-managed Apache Kafka): one `<F>EventSourceMappingKafka<Topic>`
//! (`AWS::Lambda::EventSourceMapping`, assigned) per event; per function, after its events, a
//! `secretsmanager:GetSecretValue` statement on every secret of its access configurations and
//! the ec2 network-interface statement when a VPC access configuration is used.
//!
//! Also the helpers the MSK and MQ compilers share: the ec2 statement, `FilterCriteria`, the
//! `DependsOn` list and numeric settings.

use super::queue_common::{self as qc, Rule};
use super::{EventCtx, FnInfo};
use crate::json::json;
use crate::naming;
use cfgen_model::coerce::truthy;
use cfgen_syntax::{codes, Diagnostic};
use serde_json::{Map, Value};

/// The statement Lambda needs to reach a cluster inside a VPC.
pub(super) fn ec2_statement() -> Value {
    json!({"Effect": "Allow", "Action": ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeVpcs",
        "ec2:DeleteNetworkInterface", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups"], "Resource": "*"})
}

/// `[role dep, alias]` without the absent ones.
pub(super) fn depends_on(f: &FnInfo) -> Value {
    let mut d = Vec::new();
    if let Some(r) = &f.role_resource {
        d.push(json!(r));
    }
    if let Some((_, a)) = &f.alias {
        d.push(json!(a));
    }
    Value::Array(d)
}

/// `{Filters: [{Pattern: JSON.stringify(p)}]}` when `filterPatterns` is set.
pub(super) fn filter_criteria(o: &Map<String, Value>) -> Option<Value> {
    let patterns = o.get("filterPatterns").filter(|v| truthy(v))?;
    let list = match patterns {
        Value::Array(a) => a.clone(),
        other => vec![other.clone()],
    };
    let filters: Vec<Value> = list.iter().map(|p| json!({"Pattern": crate::emit::to_json_compact(p)})).collect();
    Some(json!({"Filters": filters}))
}

/// `BatchSize` and `MaximumBatchingWindowInSeconds` of the kafka, msk, activemq and rabbitmq
/// mappings (set when truthy).
pub(super) fn insert_batching(o: &Map<String, Value>, props: &mut Map<String, Value>) {
    if let Some(b) = number(o, "batchSize").filter(truthy) {
        props.insert("BatchSize".into(), b);
    }
    if let Some(w) = number(o, "maximumBatchingWindow").filter(truthy) {
        props.insert("MaximumBatchingWindowInSeconds".into(), w);
    }
}

/// A numeric setting (numeric strings become numbers, as v3's schema coerces them).
pub(super) fn number(o: &Map<String, Value>, k: &str) -> Option<Value> {
    match o.get(k)? {
        Value::String(s) => {
            s.trim().parse::<f64>().ok().map(|n| if n.fract() == 0.0 && n.abs() < 9.0e15 { json!(n as i64) } else { json!(n) })
        }
        Value::Null => None,
        v => Some(v.clone()),
    }
}

/// Report an event that is not a mapping or lacks a required key; `None` then.
pub(super) fn object<'v>(
    e: &mut EventCtx,
    f: &FnInfo,
    i: usize,
    ty: &str,
    body: &'v Value,
    allowed: &[&str],
    required: &[&str],
) -> Option<&'v Map<String, Value>> {
    let Value::Object(o) = body else {
        e.error(codes::INVALID_TYPE, format!("a `{ty}` event must be a mapping with {}", required.join(", ")), &f.key, i, &[ty]);
        return None;
    };
    e.check_keys(&f.key, i, ty, body, allowed);
    // v3's schema for these four event types (`startingPosition` only where it is allowed).
    let rules = [
        ("batchSize", Rule::Num(1.0, 10_000.0)),
        ("maximumBatchingWindow", Rule::Num(0.0, 300.0)),
        ("enabled", Rule::Bool),
        ("startingPosition", Rule::OneOf(&["LATEST", "TRIM_HORIZON", "AT_TIMESTAMP"])),
    ];
    let checked: Vec<(&str, Rule)> = rules.into_iter().filter(|(k, _)| allowed.contains(k)).collect();
    let mut ok = !qc::check_values(e, &f.key, i, ty, body, &checked);
    // v3's patterns on the ARNs and ids of these types.
    use qc::patterns::{ARN, MQ_BROKER_ARN, SECRET_ARN, SECURITY_GROUP, SUBNET};
    let (arn_is, secret_is) = ("an ARN (`arn:...`)", "a Secrets Manager secret ARN (`arn:aws:secretsmanager:...:secret:...`)");
    let texts: &[(&[&str], &'static str, &str)] = match ty {
        "msk" => &[(&["arn"], ARN, arn_is), (&["saslScram512"], ARN, arn_is)],
        "activemq" | "rabbitmq" => &[
            (&["arn"], MQ_BROKER_ARN, "an Amazon MQ broker ARN (`arn:aws:mq:...:broker:<name>:b-...`)"),
            (&["basicAuthArn"], SECRET_ARN, secret_is),
        ],
        _ => &[
            (&["accessConfigurations", "vpcSubnet"], SUBNET, "a subnet id (`subnet-...`)"),
            (&["accessConfigurations", "vpcSecurityGroup"], SECURITY_GROUP, "a security group id (`sg-...`)"),
            (&["accessConfigurations", "saslPlainAuth"], SECRET_ARN, secret_is),
            (&["accessConfigurations", "saslScram256Auth"], SECRET_ARN, secret_is),
            (&["accessConfigurations", "saslScram512Auth"], SECRET_ARN, secret_is),
            (&["accessConfigurations", "clientCertificateTlsAuth"], SECRET_ARN, secret_is),
            (&["accessConfigurations", "serverRootCaCertificate"], SECRET_ARN, secret_is),
        ],
    };
    for (at, pattern, what) in texts {
        let v = at.iter().try_fold(body, |v, k| v.get(*k));
        let path: Vec<&str> = std::iter::once(ty).chain(at.iter().copied()).collect();
        ok &= !qc::check_pattern(e, &f.key, i, &path, v, pattern, what);
    }
    for k in required {
        if o.get(*k).is_none_or(Value::is_null) {
            e.error(codes::MISSING_KEY, format!("a `{ty}` event needs `{k}`"), &f.key, i, &[ty]);
            ok = false;
        }
    }
    ok.then_some(o)
}

/// `startingPosition` (default `TRIM_HORIZON`) and its timestamp; `AT_TIMESTAMP` needs one.
pub(super) fn starting_position(
    e: &mut EventCtx,
    f: &FnInfo,
    i: usize,
    ty: &str,
    o: &Map<String, Value>,
) -> Option<(Value, Option<Value>)> {
    // v3's schema types it as a string here (not for streams), so AJV makes `0` the text "0".
    let position = match o.get("startingPosition") {
        Some(v @ (Value::Number(_) | Value::Bool(_))) => qc::scalar_to_string(v),
        other => other.filter(|v| truthy(v)).cloned().unwrap_or(json!("TRIM_HORIZON")),
    };
    let timestamp = number(o, "startingPositionTimestamp");
    if position == "AT_TIMESTAMP" && timestamp.is_none() {
        e.report(
            Diagnostic::error(
                codes::MISSING_KEY,
                format!("function `{}`: `startingPositionTimestamp` is required when `startingPosition` is AT_TIMESTAMP", f.key),
            ),
            &f.key,
            i,
            &[ty, "startingPosition"],
        );
        return None;
    }
    Some((position, timestamp))
}

const ACCESS: [(&str, &str, &str, bool); 7] = [
    ("vpcSubnet", "VPC_SUBNET", "subnet:", false),
    ("vpcSecurityGroup", "VPC_SECURITY_GROUP", "security_group:", false),
    ("saslPlainAuth", "BASIC_AUTH", "", true),
    ("saslScram256Auth", "SASL_SCRAM_256_AUTH", "", true),
    ("saslScram512Auth", "SASL_SCRAM_512_AUTH", "", true),
    ("clientCertificateTlsAuth", "CLIENT_CERTIFICATE_TLS_AUTH", "", true),
    ("serverRootCaCertificate", "SERVER_ROOT_CA_CERTIFICATE", "", true),
];

fn uri_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => "null".into(),
        other => crate::emit::to_json_compact(other),
    }
}

pub fn compile(e: &mut EventCtx) {
    let functions = e.functions.clone();
    let allowed = [
        "accessConfigurations",
        "batchSize",
        "maximumBatchingWindow",
        "enabled",
        "bootstrapServers",
        "startingPosition",
        "startingPositionTimestamp",
        "topic",
        "consumerGroupId",
        "filterPatterns",
    ];
    for f in functions.iter() {
        let mut has_event = false;
        let mut needs_ec2 = false;
        let mut secrets: Vec<Value> = Vec::new();
        for (i, body) in f.events_of("kafka") {
            if !truthy(body) {
                continue;
            }
            let Some(o) = object(e, f, i, "kafka", body, &allowed, &["accessConfigurations", "bootstrapServers", "topic"]) else {
                continue;
            };
            let Some(Value::Object(access)) = o.get("accessConfigurations") else {
                e.error(codes::INVALID_TYPE, "`accessConfigurations` must be a mapping", &f.key, i, &["kafka", "accessConfigurations"]);
                continue;
            };
            let sg = access.get("vpcSecurityGroup").is_some_and(truthy);
            let subnet = access.get("vpcSubnet").is_some_and(truthy);
            if sg != subnet {
                let missing = if sg { "vpcSubnet" } else { "vpcSecurityGroup" };
                e.error(
                    codes::MISSING_KEY,
                    format!("you must specify at least one `{missing}` access configuration for function `{}`", f.key),
                    &f.key,
                    i,
                    &["kafka", "accessConfigurations"],
                );
                continue;
            }
            has_event = true;
            let Some((position, timestamp)) = starting_position(e, f, i, "kafka", o) else { continue };
            let topic = o.get("topic").cloned().unwrap_or(Value::Null);
            let Some(topic_name) = topic.as_str() else {
                e.error(codes::INVALID_TYPE, "`topic` must be a string", &f.key, i, &["kafka", "topic"]);
                continue;
            };
            let id = naming::kafka_event_source_mapping(&f.key, topic_name);
            let mut props = Map::new();
            props.insert("FunctionName".into(), f.target.clone());
            props.insert("StartingPosition".into(), position);
            let servers = match o.get("bootstrapServers") {
                Some(Value::Array(a)) => Value::Array(a.clone()),
                Some(other) => json!([other]),
                None => json!([]),
            };
            props.insert("SelfManagedEventSource".into(), json!({"Endpoints": {"KafkaBootstrapServers": servers}}));
            props.insert("Topics".into(), json!([topic]));
            let mut configs = Vec::new();
            for (k, values) in access {
                let (ty, prefix, secret) = match ACCESS.iter().find(|a| a.0 == k) {
                    Some((_, t, p, s)) => (t.to_string(), *p, *s),
                    None => (k.clone(), "", false),
                };
                if prefix == "subnet:" || prefix == "security_group:" {
                    needs_ec2 = true;
                }
                let values = match values {
                    Value::Array(a) => a.clone(),
                    other => vec![other.clone()],
                };
                for v in values {
                    if secret {
                        secrets.push(v.clone());
                    }
                    configs.push(json!({"Type": &ty, "URI": format!("{prefix}{}", uri_text(&v))}));
                }
            }
            props.insert("SourceAccessConfigurations".into(), Value::Array(configs));
            insert_batching(o, &mut props);
            if let Some(en) = o.get("enabled").filter(|v| !v.is_null()) {
                props.insert("Enabled".into(), en.clone());
            }
            if let Some(g) = o.get("consumerGroupId").filter(|v| truthy(v)) {
                props.insert("SelfManagedKafkaEventSourceConfig".into(), json!({"ConsumerGroupId": g}));
            }
            if let Some(ts) = timestamp {
                props.insert("StartingPositionTimestamp".into(), ts);
            }
            if let Some(fc) = filter_criteria(o) {
                props.insert("FilterCriteria".into(), fc);
            }
            let resource = json!({"Type": "AWS::Lambda::EventSourceMapping", "DependsOn": depends_on(f), "Properties": props});
            e.set_resource(&id, resource);
        }
        if has_event {
            if !secrets.is_empty() {
                e.push_statement(json!({"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"], "Resource": secrets}));
            }
            if needs_ec2 {
                e.push_statement(ec2_statement());
            }
        }
    }
}
