//! `s3` events (v3 `compile/events/s3/index.js`).
//!
//! New buckets: every event without `existing` is grouped by bucket name (a name that is a key
//! of `provider.s3` takes that bucket's `name` and settings, upper-firsted, and its logical id
//! from the key). Each bucket becomes one `AWS::S3::Bucket` (`S3Bucket<Name>`) with one
//! `LambdaConfigurations` entry per event, and a `DependsOn` that lists the permission id once
//! per event (duplicates kept) plus the alias; one `<F>LambdaPermission<Bucket>S3` per event
//! (same-id ones merge). Bucket names must match v3's S3 bucket pattern.
//!
//! Existing buckets (`existing: true`): one `Custom::S3` (`<F>CustomS31`) per function (one
//! bucket per function), with one `BucketConfigs` entry per event; several custom resources on
//! the same bucket are chained by `DependsOn`; the framework's S3 custom-resource Lambda is
//! added with `s3:PutBucketNotification`/`GetBucketNotification` per function and one
//! `lambda:AddPermission`/`RemovePermission` statement.

use super::custom_resources::{self, Kind};
use super::queue_common::{self as qc, Rule};
use super::queue_common::{alias_id, present, shown};
use super::EventCtx;
use crate::json::json;
use crate::naming;
use cfgen_syntax::{codes, Diagnostic};
use indexmap::IndexMap;
use serde_json::{Map, Value};

const KEYS: [&str; 5] = ["bucket", "event", "existing", "forceDeploy", "rules"];

/// v3's `awsS3BucketName` pattern: dot-separated labels of `[a-z0-9-]` that neither start nor
/// end with `-`, and not an IPv4-like address.
pub fn valid_bucket_name(name: &str) -> bool {
    let labels: Vec<&str> = name.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    let ip_like = labels.len() == 4 && labels.iter().all(|l| (1..=3).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_digit()));
    labels.iter().all(label_ok) && !ip_like
}

struct NewBucketEvent {
    key: String,
    bucket_name: String,
}

pub fn compile(e: &mut EventCtx) {
    new_buckets(e);
    existing_buckets(e);
}

fn new_buckets(e: &mut EventCtx) {
    let provider_s3: Map<String, Value> = match &e.provider.s3 {
        Some(Value::Object(m)) => m.clone(),
        _ => Map::new(),
    };
    let mut configurations: IndexMap<String, Vec<Value>> = IndexMap::new();
    // bucket name -> (logical id, provider.s3 key)
    let mut meta: IndexMap<String, (String, String)> = IndexMap::new();
    let mut enabled: Vec<NewBucketEvent> = Vec::new();
    let functions = e.functions.clone();
    for f in functions.iter() {
        let key = f.key.as_str();
        for (i, body) in f.events_of("s3") {
            if !cfgen_model::coerce::truthy(body) {
                continue;
            }
            if body.get("existing").is_some_and(cfgen_model::coerce::truthy) {
                continue;
            }
            let mut event = json!("s3:ObjectCreated:*");
            let mut filter: Option<Value> = None;
            let bucket_ref = match body {
                Value::Object(o) => {
                    qc::check_keys(e, key, i, "s3", body, &KEYS);
                    check_rules(e, key, i, o.get("rules"));
                    if qc::check_values(
                        e,
                        key,
                        i,
                        "s3",
                        body,
                        &[
                            ("event", Rule::Text(|s| s.len() > 3 && s.starts_with("s3:"), "an S3 event type (`s3:...`)")),
                            ("forceDeploy", Rule::Bool),
                        ],
                    ) {
                        continue;
                    }
                    let bucket = match o.get("bucket") {
                        Some(Value::String(s)) => s.clone(),
                        Some(Value::Object(_) | Value::Array(_)) => {
                            qc::report(e,
                                Diagnostic::error(
                                    codes::INVALID_VALUE,
                                    "When specifying \"s3.bucket\" with CloudFormation intrinsic function, you need to specify that the bucket is existing via \"existing: true\" property.",
                                )
                                .help("add `existing: true`, or name the new bucket with a string"),
                                key,
                                i,
                                &["s3", "bucket"],
                            );
                            continue;
                        }
                        Some(other) if cfgen_model::coerce::truthy(other) => other.to_string(),
                        _ => {
                            qc::report(e, missing_bucket(), key, i, &["s3"]);
                            continue;
                        }
                    };
                    if let Some(ev) = present(o.get("event")) {
                        event = ev.clone();
                    }
                    if let Some(rules) = present(o.get("rules")) {
                        let list = match rules {
                            Value::Array(a) => a.clone(),
                            other => vec![other.clone()],
                        };
                        let mut out = Vec::new();
                        for r in &list {
                            if let Some((name, value)) = r.as_object().and_then(|m| m.iter().next()) {
                                out.push(json!({"Name": name, "Value": value}));
                            }
                        }
                        filter = Some(json!({"S3Key": {"Rules": out}}));
                    }
                    bucket
                }
                Value::String(s) => s.clone(),
                other => {
                    qc::error(
                        e,
                        codes::INVALID_TYPE,
                        format!("an `s3` event must be a bucket name or a mapping with `bucket`, not {}", shown(other)),
                        key,
                        i,
                        &["s3"],
                    );
                    continue;
                }
            };
            let bucket_name = match provider_s3.get(&bucket_ref).filter(|v| cfgen_model::coerce::truthy(v)) {
                Some(conf) => {
                    let name = match present(conf.get("name")) {
                        Some(Value::String(n)) => n.clone(),
                        Some(other) => other.to_string(),
                        None => bucket_ref.clone(),
                    };
                    meta.insert(name.clone(), (naming::s3_bucket(&bucket_ref), bucket_ref.clone()));
                    name
                }
                None => bucket_ref.clone(),
            };
            if !valid_bucket_name(&bucket_name) {
                qc::report(e,
                    Diagnostic::error(
                        codes::INVALID_VALUE,
                        format!("{bucket_name} - Bucket name must be a valid S3 bucket name (lower-case letters, digits, `-` and `.`). Please check provider.s3.{bucket_ref} and/or s3 events of function \"{key}\"."),
                    )
                    .help("S3 bucket names are 3-63 lower-case letters, digits, `-` and `.`"),
                    key,
                    i,
                    &["s3"],
                );
                continue;
            }
            let mut conf = Map::new();
            conf.insert("Event".into(), event);
            conf.insert("Function".into(), f.target.clone());
            if let Some(fl) = filter {
                conf.insert("Filter".into(), fl);
            }
            configurations.entry(bucket_name.clone()).or_default().push(Value::Object(conf));
            enabled.push(NewBucketEvent { key: key.to_string(), bucket_name });
        }
    }
    let permission_id = |meta: &IndexMap<String, (String, String)>, ev: &NewBucketEvent| {
        let name = meta.get(&ev.bucket_name).map_or(ev.bucket_name.as_str(), |(_, r)| r.as_str());
        naming::s3_permission(&ev.key, name)
    };
    // A JavaScript object lists integer-like keys first, in numeric order.
    let mut order: Vec<&String> = configurations.keys().collect();
    order.sort_by_key(|k| array_index(k).map_or((1, 0), |n| (0, n)));
    for bucket_name in order {
        let lambda_configurations = &configurations[bucket_name];
        let mut bucket_conf: Option<Map<String, Value>> = None;
        if let Some((_, bucket_ref)) = meta.get(bucket_name) {
            let mut c = Map::new();
            if let Some(Value::Object(p)) = provider_s3.get(bucket_ref) {
                for (k, v) in p {
                    if k != "name" {
                        c.insert(naming::upper_first(k), v.clone());
                    }
                }
            }
            // The lists of strings of v3's `provider.s3` schema, where AJV makes one string a
            // list of it.
            for (setting, path) in [
                ("CorsConfiguration", &["CorsRules", "*", "AllowedHeaders"][..]),
                ("CorsConfiguration", &["CorsRules", "*", "AllowedMethods"]),
                ("CorsConfiguration", &["CorsRules", "*", "AllowedOrigins"]),
                ("CorsConfiguration", &["CorsRules", "*", "ExposedHeaders"]),
                ("InventoryConfigurations", &["*", "OptionalFields"]),
            ] {
                if let Some(v) = c.get_mut(setting) {
                    qc::list_of_text_at(v, path);
                }
            }
            bucket_conf = Some(c);
        }
        let mut provided_notification: Option<Value> = None;
        if let Some(c) = bucket_conf.as_mut().filter(|c| !c.is_empty()) {
            provided_notification = Some(c.shift_remove("NotificationConfiguration").unwrap_or(Value::Null));
        }
        let mut notification = Map::new();
        notification.insert("LambdaConfigurations".into(), json!(lambda_configurations));
        if let Some(Value::Object(p)) = provided_notification {
            for (k, v) in p {
                notification.insert(k, v);
            }
        }
        let mut props = Map::new();
        props.insert("BucketName".into(), json!(bucket_name));
        props.insert("NotificationConfiguration".into(), Value::Object(notification));
        if let Some(c) = bucket_conf {
            for (k, v) in c {
                props.insert(k, v);
            }
        }
        let mut depends_on = Vec::new();
        for ev in enabled.iter().filter(|ev| &ev.bucket_name == bucket_name) {
            depends_on.push(json!(permission_id(&meta, ev)));
            if let Some(a) = e.function(&ev.key).and_then(alias_id) {
                depends_on.push(json!(a));
            }
        }
        let id = meta.get(bucket_name).map_or_else(|| naming::s3_bucket(bucket_name), |(id, _)| id.clone());
        e.merge_resource(&id, json!({"Type": "AWS::S3::Bucket", "Properties": props, "DependsOn": depends_on}));
    }
    for ev in &enabled {
        let Some(f) = e.function(&ev.key).cloned() else { continue };
        let mut perm = Map::new();
        perm.insert("Type".into(), json!("AWS::Lambda::Permission"));
        if let Some(a) = alias_id(&f) {
            perm.insert("DependsOn".into(), json!(a));
        }
        perm.insert(
            "Properties".into(),
            json!({
                "FunctionName": f.target,
                "Action": "lambda:InvokeFunction",
                "Principal": "s3.amazonaws.com",
                "SourceArn": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, format!(":s3:::{}", ev.bucket_name)]]},
                "SourceAccount": {"Ref": "AWS::AccountId"}
            }),
        );
        let id = permission_id(&meta, ev);
        e.merge_resource(&id, Value::Object(perm));
    }
}

/// The value of `k` when JavaScript treats it as an array index (integer-like object key).
fn array_index(k: &str) -> Option<u64> {
    let n: u64 = k.parse().ok()?;
    (n.to_string() == k && n < u64::from(u32::MAX)).then_some(n)
}

/// Rules hold one `prefix` or `suffix` each (v3's schema).
fn check_rules(e: &mut EventCtx, key: &str, i: usize, rules: Option<&Value>) {
    let Some(Value::Array(rules)) = rules else { return };
    for (n, r) in rules.iter().enumerate() {
        let idx = n.to_string();
        qc::check_keys_at(e, key, i, &["s3", "rules", &idx], r, &["prefix", "suffix"]);
    }
}

/// `_.startCase` of a rule key (`prefix` -> `Prefix`).
fn start_case(s: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in s.chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        cur.push(c);
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words.iter().map(|w| naming::upper_first(w)).collect::<Vec<_>>().join(" ")
}

fn existing_buckets(e: &mut EventCtx) {
    let mut statements: Vec<Value> = Vec::new();
    let mut any = false;
    let mut bucket_resources: IndexMap<String, Vec<String>> = IndexMap::new();
    let functions = e.functions.clone();
    let cr_fn = Kind::S3.function_logical_id();
    'functions: for f in functions.iter() {
        let key = f.key.as_str();
        let mut count = 0usize;
        let mut current: Option<String> = None;
        for (i, body) in f.events_of("s3") {
            let Value::Object(o) = body else { continue };
            if !o.get("existing").is_some_and(cfgen_model::coerce::truthy) {
                continue;
            }
            qc::check_keys(e, key, i, "s3", body, &KEYS);
            check_rules(e, key, i, o.get("rules"));
            let Some(bucket) = o.get("bucket").filter(|b| cfgen_model::coerce::truthy(b)).cloned() else {
                qc::report(e, missing_bucket(), key, i, &["s3"]);
                continue;
            };
            count += 1;
            let stringified = match &bucket {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let event = present(o.get("event")).cloned().unwrap_or(json!("s3:ObjectCreated:*"));
            any = true;
            let current_name = current.get_or_insert_with(|| stringified.clone()).clone();
            if stringified != current_name {
                qc::report(e,
                    Diagnostic::error(
                        codes::INVALID_VALUE,
                        format!("Only one S3 Bucket can be configured per function. In \"{}\" you're attempting to configure \"{current_name}\" and \"{stringified}\" at the same time.", f.name),
                    )
                    .help("use one existing bucket per function (split the function, or use several event rules on one bucket)"),
                    key,
                    i,
                    &["s3", "bucket"],
                );
                continue 'functions;
            }
            let rules: Vec<Value> = match present(o.get("rules")) {
                Some(Value::Array(a)) => {
                    a.iter().filter_map(|r| r.as_object().and_then(|m| m.iter().next())).map(|(k, v)| json!({start_case(k): v})).collect()
                }
                _ => Vec::new(),
            };
            let resource_id = naming::s3_custom_resource(key);
            let list = bucket_resources.entry(stringified.clone()).or_default();
            if !list.contains(&resource_id) {
                list.push(resource_id.clone());
            }
            let config = json!({"Event": event, "Rules": rules});
            if count == 1 {
                let mut props = Map::new();
                props.insert("ServiceToken".into(), json!({"Fn::GetAtt": [&cr_fn, "Arn"]}));
                props.insert("FunctionName".into(), json!(&f.name));
                props.insert("BucketName".into(), bucket.clone());
                props.insert("BucketConfigs".into(), json!([config]));
                if o.get("forceDeploy").is_some_and(cfgen_model::coerce::truthy) {
                    props.insert("ForceDeploy".into(), force_deploy_value(e));
                }
                statements.push(json!({
                    "Effect": "Allow",
                    "Resource": {"Fn::Join": [":", ["arn", {"Ref": "AWS::Partition"}, "s3", "", "", bucket]]},
                    "Action": ["s3:PutBucketNotification", "s3:GetBucketNotification"]
                }));
                e.merge_resource(
                    &resource_id,
                    json!({"Type": "Custom::S3", "Version": 1, "DependsOn": [&f.logical_id, &cr_fn], "Properties": props}),
                );
            } else if let Some(Value::Array(configs)) =
                e.t.resources.get_mut(&resource_id).and_then(|r| r.pointer_mut("/Properties/BucketConfigs"))
            {
                configs.push(config);
            }
        }
    }
    if any {
        statements.push(json!({
            "Effect": "Allow",
            "Resource": {"Fn::Join": [":", ["arn", {"Ref": "AWS::Partition"}, "lambda", {"Ref": "AWS::Region"}, {"Ref": "AWS::AccountId"}, "function", "*"]]},
            "Action": ["lambda:AddPermission", "lambda:RemovePermission"]
        }));
    }
    for ids in bucket_resources.values() {
        for w in ids.windows(2) {
            if let Some(Value::Array(d)) = e.t.resources.get_mut(&w[1]).and_then(|r| r.get_mut("DependsOn")) {
                d.push(json!(&w[0]));
            }
        }
    }
    if !statements.is_empty() {
        custom_resources::add(e, Kind::S3, statements);
    }
}

/// `forceDeploy` is `Date.now()` in v3; cfgen takes the (deterministic) instance id instead.
fn force_deploy_value(e: &EventCtx) -> Value {
    e.instance_id().parse::<u64>().map_or_else(|_| json!(e.instance_id()), Value::from)
}

/// The error for an `s3` event without `bucket`.
fn missing_bucket() -> Diagnostic {
    Diagnostic::error(codes::MISSING_KEY, "an `s3` event needs `bucket`, the bucket's name").help("write `bucket: my-bucket`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_names() {
        assert!(valid_bucket_name("my-bucket.example"));
        assert!(!valid_bucket_name("My-Bucket"));
        assert!(!valid_bucket_name("-bucket"));
        assert!(!valid_bucket_name("192.168.1.1"));
        assert_eq!(start_case("prefix"), "Prefix");
        assert_eq!(array_index("123"), Some(123));
        assert_eq!(array_index("0123"), None);
    }
}
