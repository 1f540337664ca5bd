//! `cognitoUserPool` events.
//!
//! New pools: one `CognitoUserPool<P>: AWS::Cognito::UserPool` per pool name (its `LambdaConfig`
//! maps each trigger to its function; `CustomSMSSender`/`CustomEmailSender` take
//! `{LambdaArn, LambdaVersion: V1_0}` and the pool's `KMSKeyID`), then one
//! `<F>LambdaPermissionCognitoUserPool<P>TriggerSource<T>` per event; all `_.merge`d.
//!
//! Existing pools (`existing: true`): one `<F>CustomCognitoUserPool1: Custom::CognitoUserPool`
//! per function (one pool per function), served by the framework's custom-resource Lambda;
//! functions sharing a pool are chained with `DependsOn`. `forceDeploy` writes the framework
//! instance id (v3 writes `Date.now()`).

use super::alexa::permission;
use super::custom_resources::{self, Kind};
use super::queue_common as qc;
use super::EventCtx;
use crate::json::json;
use crate::naming;
use cfgen_syntax::{codes, Diagnostic};
use serde_json::{Map, Value};

const CUSTOM_SENDERS: [&str; 2] = ["CustomSMSSender", "CustomEmailSender"];
const TRIGGERS: [&str; 12] = [
    "PreSignUp",
    "PostConfirmation",
    "PreAuthentication",
    "PostAuthentication",
    "PreTokenGeneration",
    "CustomMessage",
    "DefineAuthChallenge",
    "CreateAuthChallenge",
    "VerifyAuthChallengeResponse",
    "UserMigration",
    "CustomSMSSender",
    "CustomEmailSender",
];

/// One valid event.
struct Trigger {
    fn_index: usize,
    event_index: usize,
    pool: String,
    trigger: String,
    kms_key_id: Option<Value>,
    lambda_version: Option<Value>,
    existing: bool,
    force_deploy: bool,
}

/// The valid events, in order; invalid ones are reported.
fn collect(e: &mut EventCtx) -> Vec<Trigger> {
    let mut out = Vec::new();
    let functions = e.functions.clone();
    for (fi, f) in functions.iter().enumerate() {
        for (i, body) in f.events_of("cognitoUserPool") {
            let Value::Object(o) = body else {
                // An empty body is reported by `event_shapes`; v3 ignores it.
                if cfgen_model::coerce::truthy(body) {
                    e.error(
                        codes::INVALID_TYPE,
                        "a `cognitoUserPool` event must be a mapping with `pool` and `trigger`",
                        &f.key,
                        i,
                        &["cognitoUserPool"],
                    );
                }
                continue;
            };
            e.check_keys(&f.key, i, "cognitoUserPool", body, &["pool", "trigger", "existing", "forceDeploy", "kmsKeyId"]);
            let pool_is = "a user pool name (letters, digits, white space or `_+=,.@-`)";
            qc::check_pattern(e, &f.key, i, &["cognitoUserPool", "pool"], o.get("pool"), qc::patterns::COGNITO_POOL, pool_is);
            let Some(pool) = o.get("pool").and_then(Value::as_str) else {
                e.error(
                    codes::MISSING_KEY,
                    "a `cognitoUserPool` event needs `pool`, the user pool's name",
                    &f.key,
                    i,
                    &["cognitoUserPool"],
                );
                continue;
            };
            let Some(trigger) = o.get("trigger").and_then(Value::as_str) else {
                e.error(codes::MISSING_KEY, "a `cognitoUserPool` event needs `trigger`", &f.key, i, &["cognitoUserPool"]);
                continue;
            };
            if !TRIGGERS.contains(&trigger) {
                // An enumeration of v3's schema: an error under `configValidationMode: error`, as in v3.
                let mut d =
                    Diagnostic::new(codes::INVALID_VALUE, e.schema_severity(), format!("`{trigger}` is not a Cognito user pool trigger"));
                if let Some(s) = cfgen_syntax::diagnostic::did_you_mean(trigger, TRIGGERS) {
                    d = d.help(format!("did you mean `{s}`?"));
                }
                e.report(d, &f.key, i, &["cognitoUserPool", "trigger"]);
            }
            out.push(Trigger {
                fn_index: fi,
                event_index: i,
                pool: pool.to_string(),
                trigger: trigger.to_string(),
                kms_key_id: o.get("kmsKeyId").filter(|v| cfgen_model::coerce::truthy(v)).cloned(),
                lambda_version: o.get("lambdaVersion").filter(|v| cfgen_model::coerce::truthy(v)).cloned(),
                existing: o.get("existing").is_some_and(cfgen_model::coerce::truthy),
                force_deploy: o.get("forceDeploy").is_some_and(cfgen_model::coerce::truthy),
            });
        }
    }
    out
}

/// `checkKmsArn`: custom senders need a KMS key, the same for every sender of a pool.
fn check_kms(e: &mut EventCtx, t: &Trigger, seen: &mut Vec<(String, Value)>) -> bool {
    let key = e.functions[t.fn_index].key.clone();
    let Some(kms) = &t.kms_key_id else {
        e.report(
            Diagnostic::error(codes::MISSING_KEY, format!("a `{}` trigger needs `kmsKeyId` (user pool `{}`)", t.trigger, t.pool))
                .help("Cognito encrypts the codes it sends to custom sender triggers with this KMS key"),
            &key,
            t.event_index,
            &["cognitoUserPool", "trigger"],
        );
        return false;
    };
    if let Some((_, prev)) = seen.iter().find(|(p, _)| *p == t.pool) {
        if prev != kms {
            e.error(
                codes::INVALID_VALUE,
                format!("only one KMS key can be configured per Cognito user pool (`{}`)", t.pool),
                &key,
                t.event_index,
                &["cognitoUserPool", "kmsKeyId"],
            );
            return false;
        }
    } else {
        seen.push((t.pool.clone(), kms.clone()));
    }
    true
}

pub fn compile(e: &mut EventCtx) {
    let triggers = collect(e);
    new_pools(e, &triggers);
    existing_pools(e, &triggers);
}

fn new_pools(e: &mut EventCtx, triggers: &[Trigger]) {
    let new: Vec<&Trigger> = triggers.iter().filter(|t| !t.existing).collect();
    if new.is_empty() {
        return;
    }
    // The pools in first-seen order, each with its triggers (grouped in one pass: a service
    // may have thousands of pools).
    let mut pools: Vec<(&str, Vec<&Trigger>)> = Vec::new();
    let mut at: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for t in &new {
        let i = *at.entry(t.pool.as_str()).or_insert_with(|| {
            pools.push((t.pool.as_str(), Vec::new()));
            pools.len() - 1
        });
        pools[i].1.push(t);
    }
    for (pool, triggers) in pools {
        let mut seen = Vec::new();
        let mut config = Map::new();
        let mut depends_on = Vec::new();
        for t in triggers {
            let f = &e.functions[t.fn_index];
            let target = f.target.clone();
            depends_on.push(json!(f.alias.as_ref().map_or_else(|| f.logical_id.clone(), |a| a.1.clone())));
            if CUSTOM_SENDERS.contains(&t.trigger.as_str()) {
                let version = t.lambda_version.clone().unwrap_or(json!("V1_0"));
                config.insert(t.trigger.clone(), json!({"LambdaArn": target, "LambdaVersion": version}));
                if check_kms(e, t, &mut seen) {
                    config.insert("KMSKeyID".into(), t.kms_key_id.clone().unwrap_or(Value::Null));
                }
            } else {
                config.insert(t.trigger.clone(), target);
            }
        }
        let pool_resource = json!({"Type": "AWS::Cognito::UserPool", "Properties": {"UserPoolName": pool, "LambdaConfig": config}, "DependsOn": depends_on});
        e.merge_resource(&naming::cognito_user_pool(pool), pool_resource);
    }
    for t in &new {
        let f = &e.functions[t.fn_index];
        let perm = permission(
            f,
            json!({"FunctionName": &f.target, "Action": "lambda:InvokeFunction", "Principal": "cognito-idp.amazonaws.com",
                "SourceArn": {"Fn::GetAtt": [naming::cognito_user_pool(&t.pool), "Arn"]}}),
        );
        let id = naming::cognito_user_pool_permission(&f.key, &t.pool, &t.trigger);
        e.merge_resource(&id, perm);
    }
}

fn existing_pools(e: &mut EventCtx, triggers: &[Trigger]) {
    let mut statements: Vec<Value> = Vec::new();
    let mut pool_resources: Vec<(String, Vec<String>)> = Vec::new();
    let mut pool_index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut seen_kms = Vec::new();
    let mut any = false;
    let cr_function = Kind::CognitoUserPool.function_logical_id();
    for fi in 0..e.functions.len() {
        let mine: Vec<&Trigger> = triggers.iter().filter(|t| t.existing && t.fn_index == fi).collect();
        if mine.is_empty() {
            continue;
        }
        any = true;
        let f = e.functions[fi].clone();
        let resource_id = naming::custom_cognito_user_pool(&f.key);
        let first_pool = &mine[0].pool;
        let mut configs = Vec::new();
        let mut ok = true;
        for (n, t) in mine.iter().enumerate() {
            if &t.pool != first_pool {
                e.report(
                    Diagnostic::error(
                        codes::INVALID_VALUE,
                        format!("only one Cognito user pool can be configured per function; `{}` already uses `{first_pool}`", f.name),
                    )
                    .help("split the triggers of the other pool into another function"),
                    &f.key,
                    t.event_index,
                    &["cognitoUserPool", "pool"],
                );
                ok = false;
                break;
            }
            let mut config = Map::new();
            config.insert("Trigger".into(), json!(&t.trigger));
            if CUSTOM_SENDERS.contains(&t.trigger.as_str()) {
                config.insert("LambdaVersion".into(), t.lambda_version.clone().unwrap_or(json!("V1_0")));
                if !check_kms(e, t, &mut seen_kms) {
                    ok = false;
                }
                config.insert("KMSKeyID".into(), t.kms_key_id.clone().unwrap_or(Value::Null));
                if n == 0 {
                    if let Some(k) = &t.kms_key_id {
                        statements.push(json!({"Effect": "Allow", "Resource": k, "Action": ["kms:CreateGrant"]}));
                    }
                }
            }
            if n == 0 {
                statements.push(json!({"Effect": "Allow", "Resource": "*", "Action": ["cognito-idp:ListUserPools", "cognito-idp:DescribeUserPool", "cognito-idp:UpdateUserPool"]}));
            }
            configs.push(Value::Object(config));
        }
        if !ok {
            continue;
        }
        match pool_index.get(first_pool) {
            Some(&i) => {
                let ids = &mut pool_resources[i].1;
                if !ids.contains(&resource_id) {
                    ids.push(resource_id.clone());
                }
            }
            None => {
                pool_index.insert(first_pool.clone(), pool_resources.len());
                pool_resources.push((first_pool.clone(), vec![resource_id.clone()]));
            }
        }
        let mut props = Map::new();
        props.insert("ServiceToken".into(), json!({"Fn::GetAtt": [&cr_function, "Arn"]}));
        props.insert("FunctionName".into(), json!(&f.name));
        props.insert("UserPoolName".into(), json!(first_pool));
        props.insert("UserPoolConfigs".into(), Value::Array(configs));
        if mine[0].force_deploy {
            let now: u64 = e.instance_id().parse().unwrap_or(0);
            props.insert("ForceDeploy".into(), json!(now));
        }
        let resource =
            json!({"Type": "Custom::CognitoUserPool", "Version": 1, "DependsOn": [f.logical_id, &cr_function], "Properties": props});
        e.merge_resource(&resource_id, resource);
        statements
            .push(json!({"Effect": "Allow", "Resource": {"Fn::Sub": format!("arn:${{AWS::Partition}}:lambda:*:*:function:{}", f.name)},
            "Action": ["lambda:AddPermission", "lambda:RemovePermission"]}));
    }
    if any {
        statements
            .push(json!({"Effect": "Allow", "Resource": {"Fn::Sub": "arn:${AWS::Partition}:iam::*:role/*"}, "Action": ["iam:PassRole"]}));
    }
    for (_, ids) in &pool_resources {
        for w in ids.windows(2) {
            if let Some(Value::Array(d)) = e.t.resources.get_mut(&w[1]).and_then(|r| r.get_mut("DependsOn")) {
                d.push(json!(&w[0]));
            }
        }
    }
    if !statements.is_empty() {
        custom_resources::add(e, Kind::CognitoUserPool, statements);
    }
}
