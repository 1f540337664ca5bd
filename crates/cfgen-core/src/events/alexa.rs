//! `alexaSkill` and `alexaSmartHome` events: one `AWS::Lambda::Permission` per event
//! (`<F>LambdaPermissionAlexaSkill<n>` / `<F>LambdaPermissionAlexaSmartHome<n>`, `n` counting
//! the events of that type in the function from 1), merged into `Resources` with `_.merge`.
//!
//! Quirks kept from Serverless v3: `enabled: false` does not drop the permission but turns its
//! action into `lambda:DisableInvokeFunction`; the literal two-character sequences `\n`/`\r` are
//! stripped from the token; an `alexaSkill` without an app id gives a permission without
//! `EventSourceToken`.

use super::queue_common as qc;
use super::{EventCtx, FnInfo};
use crate::json::json;
use crate::naming;
use cfgen_syntax::codes;
use serde_json::{Map, Value};

/// `{Type: AWS::Lambda::Permission, DependsOn: <alias>?, Properties}` (v3's key order).
pub(super) fn permission(f: &FnInfo, props: Value) -> Value {
    let mut r = Map::new();
    r.insert("Type".into(), json!("AWS::Lambda::Permission"));
    if let Some((_, alias_id)) = &f.alias {
        r.insert("DependsOn".into(), json!(alias_id));
    }
    r.insert("Properties".into(), props);
    Value::Object(r)
}

/// Strip the literal `\n` and `\r` escape sequences (`.replace(/\\n|\\r/g, '')`).
fn strip_escapes(s: &str) -> String {
    s.replace("\\n", "").replace("\\r", "")
}

/// The app id and enabled flag of a string or `{appId, enabled}` event; `None` after an error.
fn token(e: &mut EventCtx, key: &str, i: usize, ty: &str, body: &Value) -> Option<(Option<String>, bool)> {
    let token_is = "an Alexa app id (letters, digits, `.`, `_`, `-`)";
    match body {
        Value::String(s) => {
            qc::check_pattern(e, key, i, &[ty], Some(body), qc::patterns::ALEXA_TOKEN, token_is);
            Some((Some(s.clone()), true))
        }
        Value::Object(o) => {
            e.check_keys(key, i, ty, body, &["appId", "enabled"]);
            qc::check_pattern(e, key, i, &[ty, "appId"], o.get("appId"), qc::patterns::ALEXA_TOKEN, token_is);
            let enabled = o.get("enabled") != Some(&Value::Bool(false));
            match o.get("appId") {
                Some(Value::String(s)) => Some((Some(s.clone()), enabled)),
                None | Some(Value::Null) if ty == "alexaSkill" => Some((None, enabled)),
                _ => {
                    e.error(codes::MISSING_KEY, format!("a `{ty}` event needs an `appId` string"), key, i, &[ty]);
                    None
                }
            }
        }
        _ => {
            e.report(
                cfgen_syntax::Diagnostic::error(codes::INVALID_TYPE, format!("a `{ty}` event must be an app id or `{{appId, enabled}}`"))
                    .help("e.g. `- alexaSkill: amzn1.ask.skill.xx-xx-xx`"),
                key,
                i,
                &[ty],
            );
            None
        }
    }
}

fn compile_type(e: &mut EventCtx, ty: &str) {
    let functions = e.functions.clone();
    for f in functions.iter() {
        let mut n = 0;
        for (i, body) in f.events_of(ty) {
            if matches!(body, Value::Null | Value::Bool(false)) || body.as_str() == Some("") {
                continue;
            }
            n += 1;
            let Some((app_id, enabled)) = token(e, &f.key, i, ty, body) else { continue };
            let action = if enabled { "lambda:InvokeFunction" } else { "lambda:DisableInvokeFunction" };
            let (principal, id) = if ty == "alexaSkill" {
                ("alexa-appkit.amazon.com", naming::alexa_skill_permission(&f.key, n))
            } else {
                ("alexa-connectedhome.amazon.com", naming::alexa_smart_home_permission(&f.key, n))
            };
            let mut props = Map::new();
            props.insert("FunctionName".into(), f.target.clone());
            props.insert("Action".into(), json!(action));
            props.insert("Principal".into(), json!(principal));
            if let Some(a) = app_id.filter(|a| !a.is_empty() || ty == "alexaSmartHome") {
                props.insert("EventSourceToken".into(), json!(strip_escapes(&a)));
            }
            e.merge_resource(&id, permission(f, Value::Object(props)));
        }
    }
}

pub fn compile_skill(e: &mut EventCtx) {
    compile_type(e, "alexaSkill");
}

pub fn compile_smart_home(e: &mut EventCtx) {
    compile_type(e, "alexaSmartHome");
}
