//! The framework's custom-resource Lambdas (`custom-resources.zip`): existing S3 buckets,
//! existing Cognito user pools, legacy EventBridge, and the API Gateway account CloudWatch
//! role. Serverless v3's `addCustomResourceToService`.

use super::EventCtx;
use crate::json::json;
use crate::naming;
use serde_json::{Map, Value};

/// Which custom resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    S3,
    CognitoUserPool,
    EventBridge,
    ApiGatewayCloudWatchRole,
}

impl Kind {
    fn function_name(self) -> &'static str {
        match self {
            Kind::S3 => "custom-resource-existing-s3",
            Kind::CognitoUserPool => "custom-resource-existing-cup",
            Kind::EventBridge => "custom-resource-event-bridge",
            Kind::ApiGatewayCloudWatchRole => "custom-resource-apigw-cw-role",
        }
    }
    fn handler(self) -> &'static str {
        match self {
            Kind::S3 => "s3/handler.handler",
            Kind::CognitoUserPool => "cognito-user-pool/handler.handler",
            Kind::EventBridge => "event-bridge/handler.handler",
            Kind::ApiGatewayCloudWatchRole => "api-gateway-cloud-watch-role/handler.handler",
        }
    }
    /// `<normalized function name>LambdaFunction`, e.g. `CustomDashresourceDashexistingDashs3LambdaFunction`.
    pub fn function_logical_id(self) -> String {
        naming::lambda_function(self.function_name())
    }
}

pub const ROLE: &str = "IamRoleCustomResourcesLambdaExecution";

/// Add (or refresh) the custom-resource function of `kind`, its role (unless the provider
/// names a deployment role) and `statements` on that role.
pub fn add(e: &mut EventCtx, kind: Kind, statements: Vec<Value>) {
    let prefix = format!("{}-{}", e.service(), e.stage());
    let mut absolute = format!("{prefix}-{}", kind.function_name());
    if absolute.len() > 64 {
        use md5::{Digest, Md5};
        let digest = crate::compile::hex(&Md5::digest(absolute.as_bytes()));
        absolute = format!("{}{}", &absolute[..32], digest);
    }
    let write_logs = e.provider.logs.as_ref().and_then(|l| l.get("frameworkLambda")).is_some_and(cfgen_model::coerce::truthy);
    // `_.get(provider, 'iam.deploymentRole', provider.cfnRole)`, then a truthiness test: an
    // empty `deploymentRole` hides `cfnRole` and still means no role of the user's.
    let deployment_role = e
        .provider
        .iam
        .as_ref()
        .and_then(|i| i.deployment_role.clone())
        .or_else(|| e.provider.cfn_role.clone())
        .filter(cfgen_model::coerce::truthy);
    if deployment_role.is_none() {
        if !e.t.resources.contains_key(ROLE) {
            let mut initial: Vec<Value> = Vec::new();
            if write_logs {
                let group = naming::log_group_name(&prefix);
                initial.push(json!({"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:CreateLogGroup", "logs:TagResource"],
                    "Resource": [{"Fn::Sub": format!("arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:{group}*:*")}]}));
                initial.push(json!({"Effect": "Allow", "Action": ["logs:PutLogEvents"],
                    "Resource": [{"Fn::Sub": format!("arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:{group}*:*:*")}]}));
            }
            let role = json!({"Type": "AWS::IAM::Role", "Properties": {
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": ["lambda.amazonaws.com"]}, "Action": ["sts:AssumeRole"]}]},
                "Policies": [{"PolicyName": {"Fn::Join": ["-", [e.stage(), e.ctx.service_value.clone(), "custom-resources-lambda"]]}, "PolicyDocument": {"Version": "2012-10-17", "Statement": initial}}]}});
            e.set_resource(ROLE, role);
        }
        if let Some(existing) = crate::compile::role_statements(&mut e.t.resources, ROLE) {
            for s in statements {
                // Serverless compares `Resource` with `===`: equal strings dedupe, objects and
                // arrays never do.
                let dup = match s.get("Resource") {
                    Some(r @ (Value::String(_) | Value::Number(_) | Value::Bool(_))) => {
                        existing.iter().any(|x| x.get("Resource") == Some(r))
                    }
                    _ => false,
                };
                if !dup {
                    existing.push(s);
                }
            }
        }
    }
    let mut code = Map::new();
    code.insert("S3Bucket".into(), e.bucket.clone().map_or_else(|| json!({"Ref": naming::DEPLOYMENT_BUCKET}), Value::String));
    code.insert("S3Key".into(), json!(format!("{}/custom-resources.zip", e.artifact_directory)));
    let mut props = Map::new();
    props.insert("Code".into(), Value::Object(code));
    props.insert("FunctionName".into(), json!(&absolute));
    props.insert("Handler".into(), json!(kind.handler()));
    props.insert("MemorySize".into(), json!(1024));
    props.insert("Runtime".into(), json!("nodejs18.x"));
    props.insert("Timeout".into(), json!(180));
    let mut depends_on = Vec::new();
    match deployment_role {
        Some(r) => {
            props.insert("Role".into(), r);
        }
        None => {
            props.insert("Role".into(), json!({"Fn::GetAtt": [ROLE, "Arn"]}));
            depends_on.push(json!(ROLE));
        }
    }
    let log_id = naming::log_group(kind.function_name());
    if write_logs {
        depends_on.push(json!(&log_id));
    }
    let function = json!({"Type": "AWS::Lambda::Function", "Properties": props, "DependsOn": depends_on});
    e.set_resource(&kind.function_logical_id(), function);
    if write_logs {
        let mut lprops = Map::new();
        lprops.insert("LogGroupName".into(), json!(naming::log_group_name(&absolute)));
        if let Some(r) = e.provider.log_retention_in_days {
            lprops.insert("RetentionInDays".into(), r.to_json());
        }
        if let Some(p) = &e.provider.log_data_protection_policy {
            lprops.insert("DataProtectionPolicy".into(), p.clone());
        }
        e.set_resource(&log_id, json!({"Type": "AWS::Logs::LogGroup", "Properties": lprops}));
    }
}
