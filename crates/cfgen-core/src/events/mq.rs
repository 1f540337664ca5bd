//! `activemq` and `rabbitmq` events (Amazon MQ): one `<F>EventSourceMappingActiveMQ<Queue>` /
//! `<F>EventSourceMappingRabbitMQ<Queue>` (`AWS::Lambda::EventSourceMapping`, assigned) per
//! event; per function with events, three statements: `secretsmanager:GetSecretValue` on the
//! basic-auth secrets, `mq:DescribeBroker` on the brokers, and the ec2 statement.
//! `rabbitmq` adds a `VIRTUAL_HOST` access configuration when `virtualHost` is set.

use super::kafka::{depends_on, ec2_statement, filter_criteria, insert_batching, object};
use super::EventCtx;
use crate::json::json;
use crate::naming;
use cfgen_model::coerce::truthy;
use cfgen_syntax::codes;
use serde_json::{Map, Value};

fn compile_type(e: &mut EventCtx, ty: &str) {
    let rabbit = ty == "rabbitmq";
    let functions = e.functions.clone();
    let mut allowed = vec!["arn", "basicAuthArn", "batchSize", "maximumBatchingWindow", "enabled", "queue", "filterPatterns"];
    if rabbit {
        allowed.push("virtualHost");
    }
    for f in functions.iter() {
        let mut has_event = false;
        let mut secrets = Vec::new();
        let mut brokers = Vec::new();
        for (i, body) in f.events_of(ty) {
            if !truthy(body) {
                continue;
            }
            let Some(o) = object(e, f, i, ty, body, &allowed, &["basicAuthArn", "arn", "queue"]) else { continue };
            let queue = o.get("queue").cloned().unwrap_or(Value::Null);
            let Some(queue_name) = queue.as_str() else {
                e.error(codes::INVALID_TYPE, "`queue` must be a string", &f.key, i, &[ty, "queue"]);
                continue;
            };
            has_event = true;
            let id = if rabbit {
                naming::rabbitmq_event_source_mapping(&f.key, queue_name)
            } else {
                naming::activemq_event_source_mapping(&f.key, queue_name)
            };
            let arn = o.get("arn").cloned().unwrap_or(Value::Null);
            let auth = o.get("basicAuthArn").cloned().unwrap_or(Value::Null);
            let mut access = vec![json!({"Type": "BASIC_AUTH", "URI": &auth})];
            if rabbit {
                if let Some(v) = o.get("virtualHost").filter(|v| truthy(v)) {
                    access.push(json!({"Type": "VIRTUAL_HOST", "URI": v}));
                }
            }
            let mut props = Map::new();
            props.insert("FunctionName".into(), f.target.clone());
            props.insert("EventSourceArn".into(), arn.clone());
            props.insert("Queues".into(), json!([queue]));
            props.insert("SourceAccessConfigurations".into(), Value::Array(access));
            insert_batching(o, &mut props);
            if let Some(en) = o.get("enabled").filter(|v| !v.is_null()) {
                props.insert("Enabled".into(), en.clone());
            }
            if let Some(fc) = filter_criteria(o) {
                props.insert("FilterCriteria".into(), fc);
            }
            brokers.push(arn);
            secrets.push(auth);
            let resource = json!({"Type": "AWS::Lambda::EventSourceMapping", "DependsOn": depends_on(f), "Properties": props});
            e.set_resource(&id, resource);
        }
        if has_event {
            e.push_statement(json!({"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"], "Resource": secrets}));
            e.push_statement(json!({"Effect": "Allow", "Action": ["mq:DescribeBroker"], "Resource": brokers}));
            e.push_statement(ec2_statement());
        }
    }
}

pub fn compile_activemq(e: &mut EventCtx) {
    compile_type(e, "activemq");
}

pub fn compile_rabbitmq(e: &mut EventCtx) {
    compile_type(e, "rabbitmq");
}
