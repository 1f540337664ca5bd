//! `msk` events (Amazon MSK): one `<F>EventSourceMappingMSK<Cluster><Topic>`
//! (`AWS::Lambda::EventSourceMapping`, assigned) per event, the cluster token being the
//! `Fn::ImportValue`/`Ref` value or the second `/`-segment of the ARN; per function with events,
//! `kafka:DescribeCluster`/`kafka:GetBootstrapBrokers` on its clusters, then the ec2 statement.

use super::kafka::{depends_on, ec2_statement, filter_criteria, insert_batching, object, starting_position};
use super::EventCtx;
use crate::json::json;
use crate::naming;
use cfgen_model::coerce::truthy;
use cfgen_syntax::codes;
use serde_json::{Map, Value};

/// `getMskClusterNameToken`.
fn cluster_token(arn: &Value) -> Option<String> {
    match arn {
        Value::Object(o) => o.get("Fn::ImportValue").or_else(|| o.get("Ref")).and_then(Value::as_str).map(String::from),
        Value::String(s) => s.split('/').nth(1).map(String::from),
        _ => None,
    }
}

pub fn compile(e: &mut EventCtx) {
    let functions = e.functions.clone();
    let allowed = [
        "arn",
        "batchSize",
        "maximumBatchingWindow",
        "enabled",
        "startingPosition",
        "startingPositionTimestamp",
        "topic",
        "saslScram512",
        "consumerGroupId",
        "filterPatterns",
    ];
    for f in functions.iter() {
        let mut clusters = Vec::new();
        for (i, body) in f.events_of("msk") {
            if !truthy(body) {
                continue;
            }
            let Some(o) = object(e, f, i, "msk", body, &allowed, &["arn", "topic"]) else { continue };
            let Some((position, timestamp)) = starting_position(e, f, i, "msk", o) else { continue };
            let arn = o.get("arn").cloned().unwrap_or(Value::Null);
            let Some(token) = cluster_token(&arn) else {
                e.error(
                    codes::INVALID_VALUE,
                    "`arn` must be an MSK cluster ARN (`arn:aws:kafka:<region>:<account>:cluster/<name>/<id>`), a `Ref` or a `Fn::ImportValue`",
                    &f.key,
                    i,
                    &["msk", "arn"],
                );
                continue;
            };
            let topic = o.get("topic").cloned().unwrap_or(Value::Null);
            let Some(topic_name) = topic.as_str() else {
                e.error(codes::INVALID_TYPE, "`topic` must be a string", &f.key, i, &["msk", "topic"]);
                continue;
            };
            let id = naming::msk_event_source_mapping(&f.key, &token, topic_name);
            let mut props = Map::new();
            props.insert("EventSourceArn".into(), arn.clone());
            props.insert("FunctionName".into(), f.target.clone());
            props.insert("StartingPosition".into(), position);
            props.insert("Topics".into(), json!([topic]));
            if let Some(ts) = timestamp {
                props.insert("StartingPositionTimestamp".into(), ts);
            }
            insert_batching(o, &mut props);
            if let Some(g) = o.get("consumerGroupId").filter(|v| truthy(v)) {
                props.insert("AmazonManagedKafkaEventSourceConfig".into(), json!({"ConsumerGroupId": g}));
            }
            if let Some(en) = o.get("enabled").filter(|v| !v.is_null()) {
                props.insert("Enabled".into(), en.clone());
            }
            if let Some(s) = o.get("saslScram512").filter(|v| !v.is_null()) {
                props.insert("SourceAccessConfigurations".into(), json!([{"Type": "SASL_SCRAM_512_AUTH", "URI": s}]));
            }
            if let Some(fc) = filter_criteria(o) {
                props.insert("FilterCriteria".into(), fc);
            }
            clusters.push(arn);
            let resource = json!({"Type": "AWS::Lambda::EventSourceMapping", "DependsOn": depends_on(f), "Properties": props});
            e.set_resource(&id, resource);
        }
        if !clusters.is_empty() {
            e.push_statement(
                json!({"Effect": "Allow", "Action": ["kafka:DescribeCluster", "kafka:GetBootstrapBrokers"], "Resource": clusters}),
            );
            e.push_statement(ec2_statement());
        }
    }
}
