//! serverless-iam-roles-per-function 3.2.0 (`before:package:finalize`): a function with
//! `iamRoleStatements` gets its own role, `<F>IamRoleLambdaExecution`, cloned from the
//! execution role with only the function's own log, stream, sqs, dead-letter (and, when
//! inherited, the provider's) statements; the function and its event source mappings are
//! pointed at it.

use crate::compile::{function_name, Ctx, Template};
use crate::json::json;
use crate::naming;
use cfgen_model::coerce::truthy;
use cfgen_syntax::{codes, Diagnostic};
use serde_json::Value;

const PLUGIN: &str = "serverless-iam-roles-per-function";

/// Create the per-function roles.
pub fn apply(ctx: &mut Ctx, t: &mut Template) {
    let custom = ctx.cfg.custom.as_ref().and_then(|c| c.get(PLUGIN)).cloned().unwrap_or(Value::Null);
    let default_inherit = custom.get("defaultInherit").is_some_and(truthy);
    let global_boundary = custom.get("iamGlobalPermissionsBoundary").filter(|v| truthy(v)).cloned();
    let provider = ctx.cfg.provider.clone().unwrap_or_default();
    let provider_statements: Vec<Value> = match provider.iam.as_ref() {
        Some(iam) => iam
            .role
            .as_ref()
            .and_then(|r| r.get("statements"))
            .and_then(Value::as_array)
            .map(|a| a.iter().map(|s| statement(s.clone())).collect())
            .unwrap_or_default(),
        None => provider.iam_role_statements.clone().map(|v| v.into_iter().map(|s| s.0).collect()).unwrap_or_default(),
    };
    let mut roles: Vec<(String, String)> = Vec::new(); // (function logical id, role logical id)
    let functions = ctx.functions.clone();
    for (key, f) in functions.iter() {
        let Some(statements) = f.iam_role_statements.as_ref() else { continue };
        let span = ctx.key_span(&["functions", key, "iamRoleStatements"]);
        if f.role.is_present() {
            ctx.diags.push(
                Diagnostic::error(codes::INVALID_FUNCTION, format!("function `{key}` sets both `role` and `iamRoleStatements` ({PLUGIN})"))
                    .at_opt(span)
                    .help("remove one of them"),
            );
            continue;
        }
        for (i, s) in statements.iter().enumerate() {
            let missing: Vec<&str> = [&["Effect"][..], &["Action", "NotAction"], &["Resource", "NotResource"]]
                .iter()
                .filter(|keys| keys.iter().all(|k| !s.0.get(*k).is_some_and(truthy)))
                .map(|keys| keys[0])
                .collect();
            if !missing.is_empty() {
                let idx = i.to_string();
                ctx.diags.push(
                    Diagnostic::error(
                        codes::MISSING_KEY,
                        format!("statement {i} of `functions.{key}.iamRoleStatements` lacks {}", missing.join(", ")),
                    )
                    .at_opt(ctx.span(&["functions", key, "iamRoleStatements", &idx])),
                );
            }
        }
        let Some(global) = t.resources.get(naming::ROLE).cloned() else {
            ctx.diags.push(
                Diagnostic::error(codes::NOT_IMPLEMENTED, format!("function `{key}`: {PLUGIN} needs the default execution role to clone"))
                    .at_opt(span),
            );
            continue;
        };
        let mut role = global;
        let name = function_name(ctx, key, f);
        let mut own: Vec<Value> = vec![
            json!({"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:CreateLogGroup", "logs:PutLogEvents"],
            "Resource": [{"Fn::Sub": format!("arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:{}:*:*", naming::log_group_name(&name))}]}),
        ];
        let events = f.events.clone().unwrap_or_default();
        let (mut dynamodb, mut kinesis, mut sqs) = (Vec::new(), Vec::new(), Vec::new());
        for ev in &events {
            if let Some(s) = ev.get("stream") {
                let arn = s.get("arn").cloned().unwrap_or_else(|| s.clone());
                let ty = s
                    .get("type")
                    .and_then(Value::as_str)
                    .map(String::from)
                    .or_else(|| arn.as_str().and_then(|a| a.split(':').nth(2)).map(String::from));
                match ty.as_deref() {
                    Some("dynamodb") => dynamodb.push(arn),
                    Some("kinesis") => kinesis.push(arn),
                    other => ctx.diags.push(
                        Diagnostic::error(
                            codes::INVALID_VALUE,
                            format!("function `{key}`: {PLUGIN} does not support stream type {}", other.unwrap_or("(none)")),
                        )
                        .at_opt(ctx.span(&["functions", key, "events"])),
                    ),
                }
            }
            if let Some(s) = ev.get("sqs") {
                sqs.push(s.get("arn").cloned().unwrap_or_else(|| s.clone()));
            }
        }
        if !dynamodb.is_empty() {
            own.push(json!({"Effect": "Allow", "Action": ["dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream", "dynamodb:ListStreams"], "Resource": dynamodb}));
        }
        if !kinesis.is_empty() {
            own.push(json!({"Effect": "Allow", "Action": ["kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:DescribeStream", "kinesis:ListStreams"], "Resource": kinesis}));
        }
        if !sqs.is_empty() {
            own.push(json!({"Effect": "Allow", "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"], "Resource": sqs}));
        }
        if let Some(on_error) = f.on_error.as_ref().filter(|v| is_non_empty(v)) {
            own.push(json!({"Effect": "Allow", "Action": ["sns:Publish"], "Resource": on_error}));
        }
        let inherit = f.iam_role_statements_inherit == Some(true) || (default_inherit && f.iam_role_statements_inherit != Some(false));
        if inherit {
            own.extend(provider_statements.iter().cloned());
        }
        own.extend(statements.iter().map(|s| s.0.clone()));
        if let Some(Value::Object(props)) = role.get_mut("Properties") {
            if let Some(st) = props.get_mut("Policies").and_then(|p| p.pointer_mut("/0/PolicyDocument/Statement")) {
                *st = Value::Array(own);
            }
            let vpc = f.vpc.get().is_some_and(is_non_empty) || provider.vpc.as_ref().is_some_and(is_non_empty);
            let managed = if vpc {
                json!([{"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"]]}])
            } else {
                json!([])
            };
            props.insert("ManagedPolicyArns".into(), managed);
            if let Some(b) = f.iam_permissions_boundary.clone().filter(truthy).or_else(|| global_boundary.clone()) {
                props.insert("PermissionsBoundary".into(), b);
            }
            let role_name = match f.iam_role_statements_name.as_ref().filter(|n| !n.is_empty()) {
                Some(n) => json!(n),
                None => match function_role_name(ctx, key, &provider) {
                    Ok(n) => n,
                    Err(d) => {
                        ctx.diags.push((*d).at_opt(span));
                        continue;
                    }
                },
            };
            props.insert("RoleName".into(), role_name);
        }
        if let Some(b) = &global_boundary {
            if let Some(Value::Object(p)) = t.resources.get_mut(naming::ROLE).and_then(|r| r.get_mut("Properties")) {
                p.insert("PermissionsBoundary".into(), b.clone());
            }
        }
        let role_id = format!("{}{}", naming::function(key), naming::ROLE);
        t.resources.insert(role_id.clone(), role);
        let what = || format!("in the role of function `{key}` ({PLUGIN})");
        if !crate::compile::within_budget_or_report(ctx, t, what, &["functions", key, "iamRoleStatements"]) {
            return;
        }
        let fid = naming::lambda_function(key);
        let Some(Value::Object(function)) = t.resources.get_mut(&fid) else { continue };
        let deps: Vec<Value> = function.get("DependsOn").and_then(Value::as_array).cloned().unwrap_or_default();
        let mut new_deps = vec![json!(&role_id)];
        new_deps.extend(deps.into_iter().filter(|d| d != naming::ROLE));
        function.insert("DependsOn".into(), Value::Array(new_deps));
        if let Some(Value::Array(get_att)) =
            function.get_mut("Properties").and_then(|p| p.get_mut("Role")).and_then(|r| r.get_mut("Fn::GetAtt"))
        {
            if let Some(first) = get_att.first_mut() {
                *first = json!(&role_id);
            }
        }
        roles.push((fid, role_id));
    }
    for (_, resource) in t.resources.iter_mut() {
        if resource.get("Type").and_then(Value::as_str) != Some("AWS::Lambda::EventSourceMapping") {
            continue;
        }
        let target = resource.pointer("/Properties/FunctionName/Fn::GetAtt/0").and_then(Value::as_str).map(String::from);
        if let Some(role) = target.and_then(|fid| roles.iter().find(|(f, _)| *f == fid).map(|(_, r)| r.clone())) {
            if let Value::Object(m) = resource {
                m.insert("DependsOn".into(), json!(role));
            }
        }
    }
}

/// The plugin's statements go through the same schema coercion as the provider's.
fn statement(v: Value) -> Value {
    serde_json::from_value::<cfgen_model::coerce::Statement>(v.clone()).map(|s| s.0).unwrap_or(v)
}

/// lodash `!_.isEmpty(v)` for the values this plugin tests.
fn is_non_empty(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(_) | Value::Number(_) => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// The execution role's generated name with the function key after the stage, dropping
/// `lambdaRole` when over 64 characters; an error when still too long or when the role name is
/// set by hand (then `iamRoleStatementsName` is needed).
fn function_role_name(ctx: &Ctx, key: &str, provider: &cfgen_model::Provider) -> Result<Value, Box<Diagnostic>> {
    let custom_name = provider.iam.as_ref().and_then(|i| i.role.as_ref()).and_then(|r| r.get("name")).filter(|n| truthy(n));
    if custom_name.is_some() {
        return Err(Box::new(Diagnostic::error(
            codes::INVALID_FUNCTION,
            format!("{PLUGIN}: the execution role has a custom name, so function `{key}` needs `iamRoleStatementsName`"),
        )));
    }
    let mut parts = vec![json!(&ctx.service), json!(&ctx.stage), json!(key), json!({"Ref": "AWS::Region"}), json!("lambdaRole")];
    let length = |parts: &[Value]| -> usize {
        parts.iter().map(|p| if p.get("Ref").is_some() { ctx.region.len() } else { p.as_str().map_or(0, str::len) }).sum::<usize>()
            + parts.len()
            - 1
    };
    if length(&parts) > 64 {
        parts.pop();
    }
    if length(&parts) > 64 {
        return Err(Box::new(
            Diagnostic::error(
                codes::INVALID_FUNCTION,
                format!("{PLUGIN}: the generated role name for function `{key}` is over 64 characters"),
            )
            .help("set a shorter one with `iamRoleStatementsName`"),
        ));
    }
    Ok(json!({"Fn::Join": ["-", parts]}))
}
