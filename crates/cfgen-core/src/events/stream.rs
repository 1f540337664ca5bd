//! `stream` events: DynamoDB and Kinesis (v3 `compile/events/stream.js`).
//!
//! Per event an `AWS::Lambda::EventSourceMapping` (`<F>EventSourceMapping<Type><Stream>`), the
//! type from `type` or the ARN's third `:` part, the stream name from the ARN's second `/` part,
//! `Fn::GetAtt[0]`, `Fn::ImportValue`, `Ref` or the last `/` part of the last `Fn::Join`
//! element. `consumer: true` on Kinesis adds an `AWS::Kinesis::StreamConsumer` the mapping
//! reads from; a consumer ARN is read directly. Resources are `_.merge`d. After each function,
//! its own statements go on the execution role, in this order: dynamodb, kinesis, kinesis with
//! consumer, consumer, onFailure sns, onFailure sqs.

use super::queue_common::{self as qc, Rule};
use super::queue_common::{alias_id, coerce_bool, coerce_number, present, shown};
use super::EventCtx;
use crate::json::json;
use crate::naming;
use cfgen_syntax::{codes, Diagnostic};
use serde_json::{Map, Value};

const KEYS: [&str; 17] = [
    "arn",
    "type",
    "batchSize",
    "parallelizationFactor",
    "startingPosition",
    "startingPositionTimestamp",
    "enabled",
    "consumer",
    "batchWindow",
    "maximumRetryAttempts",
    "bisectBatchOnFunctionError",
    "maximumRecordAgeInSeconds",
    "functionResponseType",
    "destinations",
    "tumblingWindowInSeconds",
    "filterPatterns",
    "startingPositionTimeStamp",
];

fn stream_name(arn: &Value) -> Option<String> {
    match arn {
        Value::String(s) => s.split('/').nth(1).map(String::from),
        Value::Object(o) => {
            if let Some(g) = o.get("Fn::GetAtt") {
                return g.get(0).and_then(Value::as_str).map(String::from);
            }
            if let Some(v) = o.get("Fn::ImportValue") {
                return v.as_str().map(String::from);
            }
            if let Some(v) = o.get("Ref") {
                return v.as_str().map(String::from);
            }
            if let Some(j) = o.get("Fn::Join") {
                let last = j.get(1).and_then(Value::as_array).and_then(|a| a.last()).and_then(Value::as_str)?;
                return last.rsplit('/').next().map(String::from);
            }
            None
        }
        _ => None,
    }
}

pub fn compile(e: &mut EventCtx) {
    let functions = e.functions.clone();
    let consumer_naming = e.provider.kinesis.as_ref().and_then(|k| k.get("consumerNamingMode")).is_some_and(cfgen_model::coerce::truthy);
    let service_specific =
        e.provider.kinesis.as_ref().and_then(|k| k.get("consumerNamingMode")).and_then(Value::as_str) == Some("serviceSpecific");
    let first_consumer = functions.iter().find_map(|f| {
        f.events_of("stream").find(|(_, b)| b.get("consumer").is_some_and(cfgen_model::coerce::truthy)).map(|(i, _)| (f.key.clone(), i))
    });
    if let (Some((key, i)), false) = (first_consumer, service_specific) {
        let span = e.ctx.key_span(&["functions", &key, "events", &i.to_string(), "stream", "consumer"]);
        e.ctx.diags.push(
            Diagnostic::warning(
                codes::DEPRECATED,
                "Starting with v4.0.0 Kinesis streams naming scheme will change. Adapt to new schema by setting `provider.kinesis.consumerNamingMode` property to `serviceSpecific`.",
            )
            .at_opt(span)
            .help("set `provider.kinesis.consumerNamingMode: serviceSpecific` (the consumer names then hold the service and stage)"),
        );
    }
    for f in functions.iter() {
        let key = f.key.as_str();
        let mut dynamodb: Vec<Value> = Vec::new();
        let mut kinesis: Vec<Value> = Vec::new();
        let mut kinesis_consumer_stream: Vec<Value> = Vec::new();
        let mut consumers: Vec<Value> = Vec::new();
        let mut on_failure_sns: Vec<Value> = Vec::new();
        let mut on_failure_sqs: Vec<Value> = Vec::new();
        for (i, body) in f.events_of("stream") {
            if !cfgen_model::coerce::truthy(body) {
                continue;
            }
            let empty = Map::new();
            let (arn, o) = match body {
                Value::String(s) => (json!(s), &empty),
                Value::Object(o) => {
                    qc::check_keys(e, key, i, "stream", body, &KEYS[..16]);
                    if let Some(d) = o.get("destinations") {
                        qc::check_keys_at(e, key, i, &["stream", "destinations"], d, &["onFailure"]);
                        if let Some(of) = d.get("onFailure") {
                            qc::check_keys_at(e, key, i, &["stream", "destinations", "onFailure"], of, &["arn", "type"]);
                        }
                    }
                    if qc::check_values(
                        e,
                        key,
                        i,
                        "stream",
                        body,
                        &[
                            ("type", Rule::OneOf(&["dynamodb", "kinesis"])),
                            ("batchSize", Rule::Int(1, 10000)),
                            ("parallelizationFactor", Rule::Int(1, 10)),
                            ("startingPosition", Rule::OneOf(&["LATEST", "TRIM_HORIZON", "AT_TIMESTAMP"])),
                            ("enabled", Rule::Bool),
                            ("batchWindow", Rule::Int(0, 300)),
                            ("maximumRetryAttempts", Rule::Int(-1, 10000)),
                            ("bisectBatchOnFunctionError", Rule::Bool),
                            ("functionResponseType", Rule::OneOf(&["ReportBatchItemFailures"])),
                            ("tumblingWindowInSeconds", Rule::Int(0, 900)),
                        ],
                    ) {
                        continue;
                    }
                    let arn_is = "an ARN (`arn:...`)";
                    qc::check_pattern(e, key, i, &["stream", "arn"], o.get("arn"), qc::patterns::ARN, arn_is);
                    if let Some(of) = o.get("destinations").and_then(|d| d.get("onFailure")) {
                        let (at, v) = match of {
                            Value::Object(of) => (&["stream", "destinations", "onFailure", "arn"][..], of.get("arn")),
                            other => (&["stream", "destinations", "onFailure"][..], Some(other)),
                        };
                        qc::check_pattern(e, key, i, at, v, qc::patterns::ARN, arn_is);
                    }
                    // `true` or `awsArn`: AJV reads null as the text "", which is no ARN either.
                    if let Some(c) =
                        o.get("consumer").filter(|c| **c != Value::Bool(true) && !c.is_object() && !c.as_str().is_some_and(qc::is_arn))
                    {
                        qc::schema_issue(
                            e,
                            codes::INVALID_VALUE,
                            format!(
                                "`consumer` must be `true` or a stream consumer's ARN (`arn:...`), not {} in this `stream` event",
                                shown(c)
                            ),
                            key,
                            i,
                            &["stream", "consumer"],
                        );
                    }
                    if let Some(age) = o.get("maximumRecordAgeInSeconds").filter(|v| !v.is_object()) {
                        let n = coerce_number(age).as_f64();
                        let ok = n == Some(-1.0) || n.is_some_and(|n| n.fract() == 0.0 && (60.0..=604_800.0).contains(&n));
                        if !ok
                            && qc::schema_issue(
                                e,
                                codes::INVALID_VALUE,
                                format!("`maximumRecordAgeInSeconds` must be -1 or between 60 and 604800, not {}", shown(age)),
                                key,
                                i,
                                &["stream", "maximumRecordAgeInSeconds"],
                            )
                        {
                            continue;
                        }
                    }
                    match o.get("arn") {
                        Some(a) if cfgen_model::coerce::truthy(a) => (a.clone(), o),
                        _ => {
                            qc::report(
                                e,
                                Diagnostic::error(codes::MISSING_KEY, "a `stream` event needs `arn`, the stream's ARN")
                                    .help("write `arn: !GetAtt MyTable.StreamArn` (with `type: dynamodb`) or the stream's ARN string"),
                                key,
                                i,
                                &["stream"],
                            );
                            continue;
                        }
                    }
                }
                other => {
                    qc::error(
                        e,
                        codes::INVALID_TYPE,
                        format!("a `stream` event must be a stream ARN or a mapping with `arn`, not {}", shown(other)),
                        key,
                        i,
                        &["stream"],
                    );
                    continue;
                }
            };
            let ty = match present(o.get("type")) {
                Some(t) => t.as_str().map_or_else(|| t.to_string(), String::from),
                None => match arn.as_str().and_then(|s| s.split(':').nth(2)) {
                    Some(t) => t.to_string(),
                    None => {
                        qc::report(
                            e,
                            Diagnostic::error(
                                codes::MISSING_KEY,
                                "a `stream` event whose `arn` is not an ARN string needs `type` (`dynamodb` or `kinesis`)",
                            )
                            .help("add `type: dynamodb` or `type: kinesis`"),
                            key,
                            i,
                            &["stream"],
                        );
                        continue;
                    }
                },
            };
            let Some(name) = stream_name(&arn) else {
                qc::report(e,
                    Diagnostic::error(codes::INVALID_VALUE, format!("Serverless v3 cannot derive a stream name from the `stream` ARN {}", shown(&arn)))
                        .help("give the ARN as `arn:aws:<service>:<region>:<account>:<table|stream>/<name>...`, `Fn::GetAtt`, `Fn::ImportValue`, `Ref` or `Fn::Join`"),
                    key,
                    i,
                    &["stream"],
                );
                continue;
            };
            let mapping_id = naming::stream_mapping(key, &ty, &name);
            let mut depends_on = Vec::new();
            if let Some(r) = &f.role_resource {
                depends_on.push(json!(r));
            }
            if let Some(a) = alias_id(f) {
                depends_on.push(json!(a));
            }
            let mut props = Map::new();
            props.insert("BatchSize".into(), present(o.get("batchSize")).map(coerce_number).unwrap_or(json!(10)));
            props.insert("Enabled".into(), o.get("enabled").map(coerce_bool).unwrap_or(Value::Bool(true)));
            props.insert("EventSourceArn".into(), arn.clone());
            props.insert("FunctionName".into(), f.target.clone());
            if let Some(p) = present(o.get("parallelizationFactor")) {
                props.insert("ParallelizationFactor".into(), coerce_number(p));
            }
            props.insert("StartingPosition".into(), present(o.get("startingPosition")).cloned().unwrap_or(json!("TRIM_HORIZON")));
            let consumer = present(o.get("consumer"));
            if ty == "dynamodb" {
                dynamodb.push(arn.clone());
            } else if consumer.is_some() {
                kinesis_consumer_stream.push(arn.clone());
            } else {
                kinesis.push(arn.clone());
            }
            let set = |props: &mut Map<String, Value>, k: &str, v: Option<&Value>, f: fn(&Value) -> Value| {
                if let Some(v) = v.filter(|v| !v.is_null()) {
                    props.insert(k.into(), f(v));
                }
            };
            set(&mut props, "MaximumBatchingWindowInSeconds", o.get("batchWindow"), coerce_number);
            set(&mut props, "MaximumRetryAttempts", o.get("maximumRetryAttempts"), coerce_number);
            set(&mut props, "BisectBatchOnFunctionError", o.get("bisectBatchOnFunctionError"), coerce_bool);
            if let Some(t) = o.get("functionResponseType").filter(|v| !v.is_null()) {
                props.insert("FunctionResponseTypes".into(), json!([t]));
            }
            if let Some(m) = present(o.get("maximumRecordAgeInSeconds")) {
                props.insert("MaximumRecordAgeInSeconds".into(), coerce_number(m));
            }
            set(&mut props, "TumblingWindowInSeconds", o.get("tumblingWindowInSeconds"), coerce_number);
            if let Some(d) = present(o.get("destinations")) {
                let on_failure = d.get("onFailure");
                let dest = match on_failure {
                    Some(Value::Object(of)) => of.get("arn").cloned(),
                    other => other.cloned(),
                };
                // The service of an ARN string; one without is a queue to v3 (anything but `sns` is).
                let dest_type = match on_failure.and_then(|of| present(of.get("type"))) {
                    Some(t) => t.as_str().map(String::from),
                    None => dest.as_ref().and_then(Value::as_str).map(|s| s.split(':').nth(2).unwrap_or_default().to_string()),
                };
                let (Some(dest), Some(dest_type)) = (dest, dest_type) else {
                    qc::report(
                        e,
                        Diagnostic::error(
                            codes::MISSING_KEY,
                            "`destinations.onFailure` needs an ARN string, or `arn` with `type` (`sns` or `sqs`)",
                        )
                        .help("write `onFailure: arn:aws:sqs:...` or `onFailure: {arn: !GetAtt Dlq.Arn, type: sqs}`"),
                        key,
                        i,
                        &["stream", "destinations"],
                    );
                    continue;
                };
                if dest_type == "sns" {
                    on_failure_sns.push(dest.clone());
                } else {
                    on_failure_sqs.push(dest.clone());
                }
                props.insert("DestinationConfig".into(), json!({"OnFailure": {"Destination": dest}}));
            }
            if let Some(p) = present(o.get("filterPatterns")) {
                let patterns: Vec<Value> = match p {
                    Value::Array(a) => a.clone(),
                    other => vec![other.clone()],
                };
                let filters: Vec<Value> = patterns.iter().map(|x| json!({"Pattern": x.to_string()})).collect();
                props.insert("FilterCriteria".into(), json!({"Filters": filters}));
            }
            let mut consumer_resource = None;
            if let (Some(c), "kinesis") = (consumer, ty.as_str()) {
                if c == &Value::Bool(true) {
                    let consumer_name = naming::stream_consumer_name(key, &name, consumer_naming.then(|| (e.service(), e.stage())));
                    let consumer_id = naming::stream_consumer(&consumer_name);
                    consumer_resource = Some((
                        consumer_id.clone(),
                        json!({"Type": "AWS::Kinesis::StreamConsumer", "Properties": {"StreamARN": arn, "ConsumerName": consumer_name}}),
                    ));
                    depends_on.push(json!(&consumer_id));
                    let r = json!({"Ref": consumer_id});
                    props.insert("EventSourceArn".into(), r.clone());
                    consumers.push(r);
                } else {
                    props.insert("EventSourceArn".into(), c.clone());
                    consumers.push(c.clone());
                }
                let ts = present(o.get("startingPositionTimestamp"));
                if o.get("startingPosition").and_then(Value::as_str) == Some("AT_TIMESTAMP") && ts.is_none() {
                    qc::report(
                        e,
                        Diagnostic::error(
                            codes::MISSING_KEY,
                            format!("You must specify startingPositionTimestamp for function: {key} when startingPosition is AT_TIMESTAMP"),
                        )
                        .help("add `startingPositionTimestamp:` (seconds since the epoch)"),
                        key,
                        i,
                        &["stream", "startingPosition"],
                    );
                    continue;
                }
                if let Some(t) = ts {
                    props.insert("StartingPositionTimestamp".into(), coerce_number(t));
                }
            }
            e.merge_resource(&mapping_id, json!({"Type": "AWS::Lambda::EventSourceMapping", "DependsOn": depends_on, "Properties": props}));
            if let Some((id, res)) = consumer_resource {
                e.merge_resource(&id, res);
            }
        }
        let statements = [
            (vec!["dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream", "dynamodb:ListStreams"], dynamodb),
            (vec!["kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:DescribeStream", "kinesis:ListStreams"], kinesis),
            (
                vec!["kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:DescribeStreamSummary", "kinesis:ListShards"],
                kinesis_consumer_stream,
            ),
            (vec!["kinesis:SubscribeToShard"], consumers),
            (vec!["sns:Publish"], on_failure_sns),
            (vec!["sqs:ListQueues", "sqs:SendMessage"], on_failure_sqs),
        ];
        for (actions, resources) in statements {
            if !resources.is_empty() {
                e.push_statement(json!({"Effect": "Allow", "Action": actions, "Resource": resources}));
            }
        }
    }
}
