//! `sqs` events (v3 `compile/events/sqs.js`).
//!
//! Per event an `AWS::Lambda::EventSourceMapping` (`<F>EventSourceMappingSQS<Queue>`, the queue
//! name from the ARN's last `:` part, `Fn::GetAtt[0]`, `Fn::ImportValue` or the last `Fn::Join`
//! element), `_.merge`d, depending on the function's role resource and alias (an empty
//! `DependsOn: []` stays when neither exists). After all functions, one statement for the
//! whole service (`sqs:ReceiveMessage`, `sqs:DeleteMessage`, `sqs:GetQueueAttributes` on every
//! queue ARN, duplicates kept) goes on the execution role.

use super::queue_common::{self as qc, Rule};
use super::queue_common::{alias_id, coerce_bool, coerce_number, name_from_arn, present, schema_issue, shown};
use super::EventCtx;
use crate::json::json;
use crate::naming;
use cfgen_syntax::{codes, Diagnostic};
use serde_json::{Map, Value};

const KEYS: [&str; 7] =
    ["arn", "batchSize", "enabled", "maximumBatchingWindow", "functionResponseType", "filterPatterns", "maximumConcurrency"];

pub fn compile(e: &mut EventCtx) {
    let mut arns: Vec<Value> = Vec::new();
    let functions = e.functions.clone();
    for f in functions.iter() {
        let key = f.key.as_str();
        for (i, body) in f.events_of("sqs") {
            if !cfgen_model::coerce::truthy(body) {
                continue;
            }
            let empty = Map::new();
            let (arn, o) = match body {
                Value::String(s) => (json!(s), &empty),
                Value::Object(o) => {
                    qc::check_keys(e, key, i, "sqs", body, &KEYS);
                    if qc::check_values(
                        e,
                        key,
                        i,
                        "sqs",
                        body,
                        &[
                            ("arn", Rule::Text(qc::is_arn, "an ARN (`arn:...`)")),
                            ("batchSize", Rule::Int(1, 10000)),
                            ("enabled", Rule::Bool),
                            ("maximumBatchingWindow", Rule::Int(0, 300)),
                            ("functionResponseType", Rule::OneOf(&["ReportBatchItemFailures"])),
                            ("maximumConcurrency", Rule::Int(2, 1000)),
                        ],
                    ) {
                        continue;
                    }
                    match o.get("arn") {
                        Some(a) => (a.clone(), o),
                        None => {
                            qc::report(
                                e,
                                Diagnostic::error(codes::MISSING_KEY, "an `sqs` event needs `arn`, the queue's ARN")
                                    .help("write `arn: !GetAtt MyQueue.Arn` or the queue's ARN string"),
                                key,
                                i,
                                &["sqs"],
                            );
                            continue;
                        }
                    }
                }
                other => {
                    qc::error(
                        e,
                        codes::INVALID_TYPE,
                        format!("an `sqs` event must be a queue ARN or a mapping with `arn`, not {}", shown(other)),
                        key,
                        i,
                        &["sqs"],
                    );
                    continue;
                }
            };
            let Some(queue) = name_from_arn(&arn, ':') else {
                qc::report(
                    e,
                    Diagnostic::error(
                        codes::INVALID_VALUE,
                        format!("Serverless v3 cannot derive a queue name from the `sqs` ARN {}", shown(&arn)),
                    )
                    .help("give the ARN as a string, `Fn::GetAtt: [Queue, Arn]`, `Fn::ImportValue: <name>` or a `Fn::Join`"),
                    key,
                    i,
                    &["sqs", "arn"],
                );
                continue;
            };
            if let (Value::String(s), Value::String(_)) = (&arn, body) {
                if !s.starts_with("arn:")
                    && schema_issue(e, codes::INVALID_VALUE, format!("`{s}` is not an ARN (`arn:...`)"), key, i, &["sqs"])
                {
                    continue;
                }
            }
            let mut depends_on = Vec::new();
            if let Some(r) = &f.role_resource {
                depends_on.push(json!(r));
            }
            if let Some(a) = alias_id(f) {
                depends_on.push(json!(a));
            }
            let batch_size = present(o.get("batchSize")).map(coerce_number).unwrap_or(json!(10));
            let enabled = o.get("enabled").map(coerce_bool).unwrap_or(Value::Bool(true));
            let mut props = Map::new();
            props.insert("BatchSize".into(), batch_size);
            if let Some(w) = o.get("maximumBatchingWindow").filter(|v| !v.is_null()) {
                props.insert("MaximumBatchingWindowInSeconds".into(), coerce_number(w));
            }
            props.insert("EventSourceArn".into(), arn.clone());
            props.insert("FunctionName".into(), f.target.clone());
            props.insert("Enabled".into(), enabled);
            if let Some(t) = o.get("functionResponseType").filter(|v| !v.is_null()) {
                props.insert("FunctionResponseTypes".into(), json!([t]));
            }
            if let Some(p) = present(o.get("filterPatterns")) {
                let patterns: Vec<Value> = match p {
                    Value::Array(a) => a.clone(),
                    other => vec![other.clone()],
                };
                let filters: Vec<Value> = patterns.iter().map(|x| json!({"Pattern": x.to_string()})).collect();
                props.insert("FilterCriteria".into(), json!({"Filters": filters}));
            }
            if let Some(c) = present(o.get("maximumConcurrency")) {
                props.insert("ScalingConfig".into(), json!({"MaximumConcurrency": coerce_number(c)}));
            }
            arns.push(arn);
            e.merge_resource(
                &naming::sqs_mapping(key, &queue),
                json!({"Type": "AWS::Lambda::EventSourceMapping", "DependsOn": depends_on, "Properties": props}),
            );
        }
    }
    if !arns.is_empty() {
        e.push_statement(json!({
            "Effect": "Allow",
            "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
            "Resource": arns
        }));
    }
}
