//! `sns` events (v3 `compile/events/sns.js`).
//!
//! A topic given by name (string, or `{topicName}` without `arn`) is created
//! (`SNSTopic<T>`, once); its plain subscriptions are inlined in the topic's `Subscription`
//! list, while one with `filterPolicy` or `redrivePolicy` becomes a separate
//! `AWS::SNS::Subscription` (`<F>SnsSubscription<T>`). A topic given by ARN (string or object
//! `arn`) always gets a separate subscription; object-form ARNs in another region add
//! `Region`. `redrivePolicy` also assigns an `AWS::SQS::QueuePolicy` (`<T>To<F>DLQPolicy`) that
//! lets SNS send to the dead-letter queue. One `<F>LambdaPermission<T>SNS` per function and
//! topic. Topics, subscriptions and permissions are `_.merge`d.

use super::queue_common as qc;
use super::queue_common::{alias_id, present, shown};
use super::EventCtx;
use crate::json::json;
use crate::naming;
use cfgen_syntax::{codes, Diagnostic};
use serde_json::{Map, Value};

const KEYS: [&str; 6] = ["arn", "topicName", "displayName", "filterPolicy", "filterPolicyScope", "redrivePolicy"];

/// Split an ARN at single `:` (a `::` stays inside a part), as v3 does for object-form ARNs.
fn split_arn(arn: &str) -> Vec<String> {
    arn.replace("::", "@@").split(':').map(|s| s.replace("@@", "::")).collect()
}

pub fn compile(e: &mut EventCtx) {
    let functions = e.functions.clone();
    let region = e.region().to_string();
    for f in functions.iter() {
        let key = f.key.as_str();
        for (i, body) in f.events_of("sns") {
            if !cfgen_model::coerce::truthy(body) {
                continue;
            }
            let mut topic_arn: Option<Value> = None;
            let topic_name: String;
            let mut arn_region: Option<String> = None;
            let empty = Map::new();
            let o = match body {
                Value::Object(o) => {
                    qc::check_keys(e, key, i, "sns", body, &KEYS);
                    let arn_is = "an ARN (`arn:...`)";
                    qc::check_pattern(e, key, i, &["sns", "arn"], o.get("arn"), qc::patterns::ARN, arn_is);
                    let name_is = "a topic name (letters, digits, `_`, `-`)";
                    qc::check_pattern(e, key, i, &["sns", "topicName"], o.get("topicName"), qc::patterns::TOPIC_NAME, name_is);
                    if let Some(rp) = o.get("redrivePolicy") {
                        // One without two `:` is refused below: v3 would write `undefined` into the queue's URL.
                        let dlq = rp.get("deadLetterTargetArn").filter(|v| v.as_str().is_none_or(|s| s.matches(':').count() >= 2));
                        qc::check_pattern(e, key, i, &["sns", "redrivePolicy", "deadLetterTargetArn"], dlq, qc::patterns::ARN, arn_is);
                        qc::check_keys_at(
                            e,
                            key,
                            i,
                            &["sns", "redrivePolicy"],
                            rp,
                            &["deadLetterTargetArn", "deadLetterTargetRef", "deadLetterTargetImport"],
                        );
                        if let Some(imp) = rp.get("deadLetterTargetImport") {
                            qc::check_keys_at(e, key, i, &["sns", "redrivePolicy", "deadLetterTargetImport"], imp, &["arn", "url"]);
                            let at = ["sns", "redrivePolicy", "deadLetterTargetImport", "arn"];
                            qc::check_pattern(e, key, i, &at, imp.get("arn"), qc::patterns::ARN, arn_is);
                        }
                    }
                    if let Some(arn) = present(o.get("arn")) {
                        let mut name = None;
                        if let Value::String(s) = arn {
                            let parts = split_arn(s);
                            name = parts.last().cloned();
                            if parts.get(3).map(String::as_str) != Some(region.as_str()) {
                                arn_region = parts.get(3).cloned();
                            }
                        }
                        topic_arn = Some(arn.clone());
                        let explicit = present(o.get("topicName")).map(|v| v.as_str().map_or_else(|| v.to_string(), String::from));
                        match explicit.or(name).filter(|n| !n.is_empty()) {
                            Some(n) => topic_name = n,
                            None => {
                                qc::report(e,
                                    Diagnostic::error(
                                        codes::MISSING_KEY,
                                        "Missing \"sns.topicName\" setting (it needs to be provided if \"sns.arn\" is not provided as plain ARN string)",
                                    )
                                    .help("add `topicName:` next to `arn:`"),
                                    key,
                                    i,
                                    &["sns", "arn"],
                                );
                                continue;
                            }
                        }
                    } else {
                        match o.get("topicName") {
                            Some(Value::String(s)) if !s.is_empty() => topic_name = s.clone(),
                            _ => {
                                // `sns: {Fn::ImportValue: ...}`: the intrinsic meant as the ARN
                                let help = match o.keys().find(|k| k.starts_with("Fn::") || *k == "Ref") {
                                    Some(f) => format!(
                                        "`{f}` gives no topic by itself: write it under `arn:`, with `topicName:` beside it (v3 reads the name only from a plain ARN)"
                                    ),
                                    None => "write `topicName: my-topic` to create a topic, or `arn:` for an existing one".to_string(),
                                };
                                qc::report(
                                    e,
                                    Diagnostic::error(codes::MISSING_KEY, "an `sns` event needs `arn` or `topicName`").help(help),
                                    key,
                                    i,
                                    &["sns"],
                                );
                                continue;
                            }
                        }
                    }
                    o
                }
                Value::String(s) => {
                    if !s.starts_with("arn:")
                        && !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                        && qc::schema_issue(
                            e,
                            codes::INVALID_VALUE,
                            format!("`{s}` is neither a topic name (letters, digits, `_`, `-`) nor an ARN"),
                            key,
                            i,
                            &["sns"],
                        )
                    {
                        continue;
                    }
                    if s.starts_with("arn:") {
                        topic_arn = Some(json!(s));
                        topic_name = s.rsplit(':').next().unwrap_or_default().to_string();
                    } else {
                        topic_name = s.clone();
                    }
                    &empty
                }
                other => {
                    qc::error(
                        e,
                        codes::INVALID_TYPE,
                        format!("an `sns` event must be a topic name, an ARN or a mapping, not {}", shown(other)),
                        key,
                        i,
                        &["sns"],
                    );
                    continue;
                }
            };

            let mut redrive: Option<Value> = None;
            if let Some(rp) = present(o.get("redrivePolicy")) {
                let (target_arn, target_url) = if let Some(Value::String(arn)) = present(rp.get("deadLetterTargetArn")) {
                    let rev: Vec<&str> = arn.split(':').rev().collect();
                    let (q, acct, reg) = (rev.first().copied().unwrap_or(""), rev.get(1).copied(), rev.get(2).copied());
                    let (Some(acct), Some(reg)) = (acct, reg) else {
                        qc::report(
                            e,
                            Diagnostic::error(
                                codes::INVALID_VALUE,
                                format!(
                                    "`{arn}` is not an SQS queue ARN: Serverless v3 builds the queue's URL from the ARN's region and account, and would write `undefined` for both"
                                ),
                            )
                            .help("write the queue's ARN (`arn:aws:sqs:<region>:<account>:<name>`), or `deadLetterTargetRef: <logical id>` for a queue of this stack"),
                            key,
                            i,
                            &["sns", "redrivePolicy", "deadLetterTargetArn"],
                        );
                        continue;
                    };
                    (
                        json!(arn),
                        json!({"Fn::Join": ["", [format!("https://sqs.{reg}."), {"Ref": "AWS::URLSuffix"}, format!("/{acct}/{q}")]]}),
                    )
                } else if let Some(r) = present(rp.get("deadLetterTargetRef")) {
                    (json!({"Fn::GetAtt": [r, "Arn"]}), json!({"Ref": r}))
                } else if let Some(imp) = present(rp.get("deadLetterTargetImport")) {
                    let mut a = Map::new();
                    if let Some(v) = imp.get("arn") {
                        a.insert("Fn::ImportValue".into(), v.clone());
                    }
                    let mut u = Map::new();
                    if let Some(v) = imp.get("url") {
                        u.insert("Fn::ImportValue".into(), v.clone());
                    }
                    (Value::Object(a), Value::Object(u))
                } else {
                    qc::report(
                        e,
                        Diagnostic::error(
                            codes::MISSING_KEY,
                            "`redrivePolicy` needs `deadLetterTargetArn`, `deadLetterTargetRef` or `deadLetterTargetImport`",
                        )
                        .help("name the dead-letter queue, e.g. `deadLetterTargetRef: MyDlq`"),
                        key,
                        i,
                        &["sns", "redrivePolicy"],
                    );
                    continue;
                };
                redrive = Some(json!({"deadLetterTargetArn": &target_arn}));
                let policy_id = naming::sns_dlq_policy(key, &topic_name);
                let mut cond_arn = Map::new();
                if let Some(a) = &topic_arn {
                    cond_arn.insert("aws:SourceArn".into(), a.clone());
                }
                e.set_resource(
                    &policy_id,
                    json!({
                        "Type": "AWS::SQS::QueuePolicy",
                        "Properties": {
                            "PolicyDocument": {
                                "Version": "2012-10-17",
                                "Id": &policy_id,
                                "Statement": [{
                                    "Effect": "Allow",
                                    "Principal": {"Service": "sns.amazonaws.com"},
                                    "Action": "sqs:SendMessage",
                                    "Resource": target_arn,
                                    "Condition": {"ArnEquals": Value::Object(cond_arn)}
                                }]
                            },
                            "Queues": [target_url]
                        }
                    }),
                );
            }

            let endpoint = f.target.clone();
            let subscription_id = naming::sns_subscription(key, &topic_name);
            let with_alias = |mut m: Map<String, Value>| {
                if let Some(a) = alias_id(f) {
                    m.insert("DependsOn".into(), json!(a));
                }
                m
            };
            let filter_policy = o.get("filterPolicy").cloned();
            let filter_scope = o.get("filterPolicyScope").cloned();
            let source_arn = match topic_arn {
                Some(arn) => {
                    let mut props = Map::new();
                    props.insert("TopicArn".into(), arn.clone());
                    props.insert("Protocol".into(), json!("lambda"));
                    props.insert("Endpoint".into(), endpoint.clone());
                    insert_opt(&mut props, "FilterPolicy", filter_policy);
                    insert_opt(&mut props, "FilterPolicyScope", filter_scope);
                    insert_opt(&mut props, "RedrivePolicy", redrive);
                    insert_opt(&mut props, "Region", arn_region.map(Value::String));
                    let mut res = Map::new();
                    res.insert("Type".into(), json!("AWS::SNS::Subscription"));
                    let mut res = with_alias(res);
                    res.insert("Properties".into(), Value::Object(props));
                    e.merge_resource(&subscription_id, Value::Object(res));
                    arn
                }
                None => {
                    let arn = json!({"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":sns:", {"Ref": "AWS::Region"}, ":", {"Ref": "AWS::AccountId"}, ":", &topic_name]]});
                    let topic_id = naming::sns_topic(&topic_name);
                    if !e.t.resources.contains_key(&topic_id) {
                        let mut props = Map::new();
                        props.insert("TopicName".into(), json!(&topic_name));
                        if let Some(d) = present(o.get("displayName")) {
                            props.insert("DisplayName".into(), d.clone());
                        }
                        let mut res = Map::new();
                        res.insert("Type".into(), json!("AWS::SNS::Topic"));
                        let mut res = with_alias(res);
                        res.insert("Properties".into(), Value::Object(props));
                        e.merge_resource(&topic_id, Value::Object(res));
                    }
                    let mut subscription = Map::new();
                    subscription.insert("Endpoint".into(), endpoint.clone());
                    subscription.insert("Protocol".into(), json!("lambda"));
                    if present(filter_policy.as_ref()).is_some() || redrive.is_some() {
                        let mut props = subscription;
                        props.insert("TopicArn".into(), json!({"Ref": topic_id}));
                        insert_opt(&mut props, "FilterPolicy", filter_policy);
                        insert_opt(&mut props, "FilterPolicyScope", filter_scope);
                        insert_opt(&mut props, "RedrivePolicy", redrive);
                        e.merge_resource(&subscription_id, json!({"Type": "AWS::SNS::Subscription", "Properties": props}));
                    } else if let Some(Value::Object(props)) = e.t.resources.get_mut(&topic_id).and_then(|t| t.get_mut("Properties")) {
                        match props.get_mut("Subscription") {
                            Some(Value::Array(list)) => list.push(Value::Object(subscription)),
                            _ => {
                                props.insert("Subscription".into(), json!([subscription]));
                            }
                        }
                    }
                    arn
                }
            };
            let mut perm = Map::new();
            perm.insert("Type".into(), json!("AWS::Lambda::Permission"));
            let mut perm = with_alias(perm);
            perm.insert(
                "Properties".into(),
                json!({"FunctionName": endpoint, "Action": "lambda:InvokeFunction", "Principal": "sns.amazonaws.com", "SourceArn": source_arn}),
            );
            e.merge_resource(&naming::sns_permission(key, &topic_name), Value::Object(perm));
        }
    }
}

/// Insert a value that v3 sets possibly `undefined` (then JSON drops it).
fn insert_opt(m: &mut Map<String, Value>, k: &str, v: Option<Value>) {
    if let Some(v) = v {
        m.insert(k.into(), v);
    }
}
