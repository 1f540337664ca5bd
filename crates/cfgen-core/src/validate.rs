//! Checks before compiling: the top-level shape, the provider, `frameworkVersion`, runtimes,
//! unknown keys (against the schema generated from `cfgen-model`, with "did you mean"), and
//! the typed deserialisation with its coercions. Every finding points at its line.

use crate::identity::{ByIdentity, KeyMatches};
use crate::schema::ValidationSchema as Schema;
use crate::static_value::{Kind, SArray, SMap, SValue};
use crate::BuildOptions;
use cfgen_model::{Function, Service};
use cfgen_syntax::{codes, diagnostic::did_you_mean, Diagnostic, Node, Severity, Span};
use regex_lite::Regex;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::HashMap;
use std::rc::Rc;

/// The configuration, typed and with its run-wide names settled.
pub struct Prepared {
    pub service: Service,
    pub service_name: String,
    /// `service` as written where v3 puts it as a value (an `Fn::Join` item): a number stays a
    /// number there, as v3 reads it before its schema coerces it.
    pub service_value: Value,
    pub stage: String,
    pub region: String,
    /// Functions in Serverless' order, `null` ones dropped.
    pub functions: Vec<(String, Box<Function>)>,
}

fn span_of(node: &Node, path: &[&str]) -> Option<Span> {
    let mut n = path.len();
    loop {
        if let Some(x) = node.pointer(path[..n].iter().copied()) {
            return Some(x.span);
        }
        if n == 0 {
            return None;
        }
        n -= 1;
    }
}

fn key_span(node: &Node, path: &[&str]) -> Option<Span> {
    let (last, parent) = path.split_last()?;
    node.pointer(parent.iter().copied()).and_then(Node::as_map).and_then(|m| m.key_span(last)).or_else(|| span_of(node, path))
}

/// The severity of the schema's findings: errors under `configValidationMode: error`.
pub fn schema_severity(node: &Node) -> Severity {
    if node.get("configValidationMode").and_then(Node::as_str) == Some("error") {
        Severity::Error
    } else {
        Severity::Warning
    }
}

/// The stage and region (also for the plugins that change the configuration before it is
/// typed): the options, else `provider.stage`/`provider.region` as Serverless' schema check
/// coerces them (a scalar's text, the item of a list of one), else `dev` and `us-east-1`.
pub fn stage_and_region(node: &Node, opts: &BuildOptions) -> (String, String) {
    let pick = |given: &Option<String>, key: &str, default: &str| {
        given
            .clone()
            .or_else(|| {
                let n = node.pointer(["provider", key])?;
                let n = match n.as_seq() {
                    Some([item]) => item,
                    _ => n,
                };
                cfgen_model::coerce::scalar_string(&n.to_json())
            })
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| default.into())
    };
    (pick(&opts.stage, "stage", "dev"), pick(&opts.region, "region", "us-east-1"))
}

/// Validate and type the resolved configuration.
pub fn prepare(node: &Node, opts: &BuildOptions, diags: &mut Vec<Diagnostic>) -> Option<Prepared> {
    let mut json = node.to_json();
    let schema_severity = schema_severity(node);

    // service
    let service_value = json.get("service").filter(|v| v.is_number() || v.is_boolean()).cloned();
    let service_name = match json.get("service") {
        // Its pattern (a letter, then letters, digits or `-`) is checked with the schema's.
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        // AJV's text of a number or boolean (`service: 123` is the service "123", and the
        // schema's pattern warns); v3 takes a falsy one (`0`, `false`) for no name.
        Some(v @ (Value::Number(_) | Value::Bool(_))) if cfgen_model::coerce::truthy(v) => {
            cfgen_model::coerce::scalar_string(v).unwrap_or_default()
        }
        // v3 tells a list from an object no better (`typeof [] === 'object'`).
        Some(Value::Object(_) | Value::Array(_)) => {
            diags.push(
                Diagnostic::error(codes::SERVICE_MISSING, "`service` must be a name; the object form was removed in Serverless v3")
                    .at_opt(span_of(node, &["service"]))
                    .help("write `service: <name>`"),
            );
            return None;
        }
        _ => {
            diags.push(
                Diagnostic::error(codes::SERVICE_MISSING, "`service` is missing: every serverless.yml names its service")
                    .at(node.span)
                    .help("add `service: my-service` at the top"),
            );
            return None;
        }
    };

    // provider
    match json.get("provider") {
        Some(Value::Object(p)) => match p.get("name") {
            Some(Value::String(n)) if n == "aws" => {}
            Some(other) => {
                let shown = cfgen_model::coerce::scalar_string(other).unwrap_or_else(|| cfgen_model::coerce::type_name(other).into());
                diags.push(
                    Diagnostic::error(codes::PROVIDER_NOT_AWS, format!("provider `{shown}` is not supported: cfgen compiles for AWS only"))
                        .at_opt(span_of(node, &["provider", "name"]))
                        .label("not aws")
                        .help("set `provider.name: aws`"),
                );
                return None;
            }
            None => {
                diags.push(
                    Diagnostic::error(codes::MISSING_KEY, "`provider.name` is missing")
                        .at_opt(key_span(node, &["provider"]))
                        .help("add `name: aws` under `provider`"),
                );
                return None;
            }
        },
        _ => {
            diags.push(
                Diagnostic::error(codes::MISSING_KEY, "`provider` is missing").at(node.span).help("add `provider:` with `name: aws`"),
            );
            return None;
        }
    }

    let number_version = json.get("frameworkVersion").is_some_and(|fv| !fv.is_string() && cfgen_model::coerce::truthy(fv));
    if let Some(fv) = json.get("frameworkVersion") {
        let s = cfgen_model::coerce::scalar_string(fv).unwrap_or_default();
        if number_version {
            // `semver.validRange` of anything but text is null: v3 skips the version check
            // (`frameworkVersion: 3` unquoted), and stops under `configValidationMode: error`.
            let shown = if s.is_empty() { cfgen_model::coerce::type_name(fv).to_string() } else { format!("`{s}`") };
            diags.push(
                Diagnostic::new(
                    codes::FRAMEWORK_VERSION,
                    schema_severity,
                    format!("frameworkVersion is {shown}, not text: Serverless v3 does not read it as a version range and skips its version check"),
                )
                .at_opt(span_of(node, &["frameworkVersion"]))
                .help(format!("quote it: `frameworkVersion: '{}'`", if s.is_empty() { "3" } else { s.as_str() })),
            );
        } else if !semver_range_admits(&s, (3, 40, 0)) {
            let majors: Vec<String> = (1..=4u64)
                .filter(|m| [(0, 0), (0, 1), (99, 0), (99, 99)].iter().any(|(mi, pa)| semver_range_admits(&s, (*m, *mi, *pa))))
                .map(|m| format!("v{m}"))
                .collect();
            let targets =
                if majors.is_empty() { "no released Serverless version".to_string() } else { format!("Serverless {}", majors.join(", ")) };
            diags.push(
                Diagnostic::warning(
                    codes::FRAMEWORK_VERSION,
                    format!("frameworkVersion `{s}` targets {targets}; cfgen compiles it as Serverless v3.40.0 would, though v3 itself refuses this file"),
                )
                .at_opt(span_of(node, &["frameworkVersion"]))
                .help("set `frameworkVersion: '3'` once the service works with v3"),
            );
        }
    }

    // `org` and `app` turn on the Serverless Dashboard (v3's `is-dashboard-enabled`): v3 then
    // packages only when logged in, and its dashboard plugin changes the template. cfgen writes
    // the template without the Dashboard, as v3 does with `dashboard.disableMonitoring`.
    let truthy = |v: Option<&Value>| v.is_some_and(cfgen_model::coerce::truthy);
    if truthy(json.get("org")) && truthy(json.get("app")) && !truthy(json.get("dashboard").and_then(|d| d.get("disableMonitoring"))) {
        diags.push(
            Diagnostic::warning(
                codes::NOT_IMPLEMENTED,
                "`org` and `app` turn on the Serverless Dashboard: Serverless v3 packages this service only when logged in to the Dashboard, and then wraps the Node.js and Python handlers (`s_<function>.handler`) and may add a log access role and outputs; cfgen writes the template without the Dashboard",
            )
            .at_opt(key_span(node, &["org"]))
            .help("set `dashboard.disableMonitoring: true` (or remove `org`) to have Serverless v3 write this same template"),
        );
    }

    // Serverless' mergeArrays: `functions`/`resources` given as lists of objects. A falsy
    // item is skipped; any other that is not an object stops v3.
    for key in ["functions", "resources"] {
        if let Some(Value::Array(items)) = json.get(key) {
            let mut merged = Value::Object(Default::default());
            for (i, it) in items.iter().enumerate() {
                if !cfgen_model::coerce::truthy(it) {
                    continue;
                }
                if it.is_object() || it.is_array() {
                    crate::merge::merge(&mut merged, it);
                    continue;
                }
                let shown = cfgen_model::coerce::scalar_string(it).unwrap_or_default();
                let mut d = Diagnostic::error(
                    codes::INVALID_TYPE,
                    format!(
                        "`{key}.{i}` is `{shown}`, not a mapping: Serverless v3 stops with \"Non-object value specified in {key} array\""
                    ),
                )
                .at_opt(span_of(node, &[key, &i.to_string()]));
                d = if shown.contains("${{") {
                    d.help("`${{...}}` was a variable under `provider.variableSyntax`, which Serverless v3 removed: write `${...}`")
                } else {
                    d.help(format!("each item of a `{key}` list is a mapping, merged into the others"))
                };
                diags.push(d);
            }
            json[key] = merged;
        }
    }

    // Serverless validates with nulls taken out and puts them back afterwards: every key
    // whose value is null ends up last in its object.
    move_nulls_last(&mut json);
    if let Some(r) = json.get_mut("resources") {
        cfgen_model::coerce::coerce_resources(r);
    }

    // Unknown keys.
    let schema = crate::schema::validation_schema();
    let mut path = Vec::new();
    let walked_from = diags.len();
    let coerced = unknown_keys(&json, schema.root(), schema, node, &mut path, schema_severity, diags);
    if number_version {
        // Said above, with what v3 does about it; the walk's "read as the text" is the later
        // half of the same story.
        let at = span_of(node, &["frameworkVersion"]);
        let walked = diags.split_off(walked_from);
        diags.extend(walked.into_iter().filter(|d| !(d.code == codes::INVALID_TYPE && d.span == at)));
    }
    apply_coercions(&mut json, coerced);
    // `provider.tracing: true`, Serverless v1's form: v3's schema warns, and its compiler reads
    // `tracing.lambda` and `tracing.apiGateway`, which a value that is not an object has not:
    // no tracing. The walk's warning stands, with how to ask for tracing.
    if let Some(provider) = json.get_mut("provider").and_then(Value::as_object_mut) {
        if take_unread(provider, "tracing").is_some() {
            help_at(
                &mut diags[walked_from..],
                "provider.tracing",
                "Serverless v3 traces nothing with it; write `tracing: {lambda: true, apiGateway: true}` for X-Ray",
            );
        }
    }
    // `package` as a list (`- individually: true`) or a scalar, the service's, a function's or
    // a layer's: v3's schema warns, and its packaging reads `package.individually`,
    // `package.patterns`, ..., which such a value has not: it is packaged with no settings. So
    // is it here, after the walk's warning.
    let mut dropped: Vec<(String, Value)> = Vec::new();
    if let Some(root) = json.as_object_mut() {
        dropped.extend(take_unread(root, "package").map(|p| ("package".to_string(), p)));
        for section in ["functions", "layers"] {
            let Some(Value::Object(items)) = root.get_mut(section) else { continue };
            for (k, item) in items.iter_mut() {
                let Value::Object(o) = item else { continue };
                dropped.extend(take_unread(o, "package").map(|p| (format!("{section}.{k}.package"), p)));
            }
        }
    }
    for (path, p) in dropped {
        let items = p.as_array().is_some_and(|a| !a.is_empty() && a.iter().all(Value::is_object));
        let help = match (items, path.starts_with("layers.")) {
            (true, _) => "Serverless v3 reads none of these settings: write them as keys of `package:`, without the `- ` (e.g. `package: {patterns: ['!tests/**']}`)",
            (false, false) => "Serverless v3 reads no package setting from it: `package` takes keys such as `individually`, `patterns` and `artifact`",
            (false, true) => "Serverless v3 reads no package setting from it: a layer's `package` takes `patterns` or `artifact`",
        };
        help_at(&mut diags[walked_from..], &path, help);
    }

    // Typed view. serde stops at the first type error, so on failure each part (the provider,
    // every function, every layer, the package) is typed on its own to report all of them.
    // Paths are tracked (serde_path_to_error) only once a plain read has failed: tracking
    // costs at every node, and a valid configuration needs no path.
    let typed = <Service as serde::Deserialize>::deserialize(&json).or_else(|_| serde_path_to_error::deserialize(&json));
    let mut service: Service = match typed {
        Ok(s) => s,
        Err(first) => {
            let mut found = Vec::new();
            type_errors::<cfgen_model::Provider>(json.get("provider"), "provider", &mut found);
            type_errors::<cfgen_model::Package>(json.get("package"), "package", &mut found);
            for (section, is_fn) in [("functions", true), ("layers", false)] {
                if let Some(Value::Object(items)) = json.get(section) {
                    for (k, v) in items {
                        let prefix = format!("{section}.{k}");
                        if is_fn {
                            type_errors::<cfgen_model::Function>(Some(v), &prefix, &mut found);
                        } else {
                            type_errors::<cfgen_model::Layer>(Some(v), &prefix, &mut found);
                        }
                    }
                }
            }
            if found.is_empty() {
                found.push((first.path().to_string(), first.inner().to_string()));
            }
            // A value the typed view cannot read is an error. Where the schema walk already
            // said what is wrong with it (in words, with what is allowed), that finding
            // becomes the error; serde's own message is the fallback.
            let mut said = Vec::new();
            for d in diags[walked_from..].iter_mut() {
                // The finding at the value serde stopped in, or at one that holds it.
                let Some(q) = d.message.strip_prefix('`').and_then(|m| m.split_once("` is ")).map(|(q, _)| q) else { continue };
                let within = |p: &str| p == q || p.strip_prefix(q).is_some_and(|r| r.starts_with('.') || r.starts_with('['));
                if let Some((p, _)) = found.iter().find(|(p, _)| within(p)) {
                    d.severity = Severity::Error;
                    said.push(p.clone());
                }
            }
            for (p, msg) in found.into_iter().filter(|(p, _)| !said.contains(p)) {
                let segs: Vec<String> = p
                    .split('.')
                    .filter(|s| !s.is_empty() && *s != "?")
                    .map(|s| s.trim_matches(|c| c == '[' || c == ']').to_string())
                    .collect();
                let refs: Vec<&str> = segs.iter().map(String::as_str).collect();
                let msg = plain_words(msg);
                diags.push(Diagnostic::error(codes::INVALID_TYPE, format!("{p}: {msg}")).at_opt(span_of(node, &refs)));
            }
            return None;
        }
    };
    let provider = service.provider.clone().unwrap_or_default();
    let (stage, region) = stage_and_region(node, opts);
    let mut functions: Vec<(String, Box<Function>)> = Vec::new();
    // Moved out: the passes read functions from here, never from `service.functions`.
    for (k, f) in service.functions.take().into_iter().flatten() {
        match f {
            Some(f) => functions.push((k, f)),
            // A way to switch a function off (`fn: ${self:custom.withFn, null}`): v3 leaves it
            // out without a word; say so, as a note.
            None => diags.push(
                Diagnostic::info(codes::INVALID_TYPE, format!("function `{k}` is null; Serverless v3 leaves it out"))
                    .at_opt(span_of(node, &["functions", &k])),
            ),
        }
    }

    // v3's schema: `type: string`. The walk above read a number, a boolean or a list of one as
    // text; an intrinsic function gets v3's warning, and is passed through.
    for (k, f) in &functions {
        if let Some(d) = f.description.as_ref().filter(|d| !d.is_string() && !d.is_null()) {
            diags.push(
                Diagnostic::new(
                    codes::INVALID_TYPE,
                    schema_severity,
                    format!("`functions.{k}.description` must be a string, not {}", cfgen_model::coerce::type_name(d)),
                )
                .at_opt(span_of(node, &["functions", k, "description"]))
                .help("Serverless v3 passes it to CloudFormation as written; CloudFormation may reject it"),
            );
        }
    }

    // Runtimes: the provider's, each function's, and v3's default where a function takes it.
    let mut runtimes = vec![(provider.runtime.clone(), vec!["provider".to_string(), "runtime".into()])];
    let mut takes_default = None;
    for (k, f) in &functions {
        if f.runtime.is_none() && provider.runtime.is_none() && f.image.is_none() && takes_default.is_none() {
            takes_default = Some(k.clone());
        }
        runtimes.push((f.runtime.clone(), vec!["functions".into(), k.clone(), "runtime".into()]));
    }
    // A blocked runtime (an error only under `cfgen validate`) does not stop compiling, so that
    // `cfgen validate` goes on to report the rest.
    // A runtime neither cfgen's table nor v3's list has is an error under `configValidationMode:
    // error` (`schema_severity`), where v3's schema refuses it; a newer one in cfgen's table
    // builds.
    let mut runtime_diags = Vec::new();
    for (rt, p) in runtimes {
        let Some(rt) = rt else { continue };
        let refs: Vec<&str> = p.iter().map(String::as_str).collect();
        runtime_finding(&rt, span_of(node, &refs), "", opts, schema_severity, &mut runtime_diags);
    }
    if let Some(k) = takes_default {
        let note = format!(" (Serverless v3's default: `functions.{k}` and every function without a runtime get it)");
        runtime_finding(DEFAULT_RUNTIME, key_span(node, &["provider"]), &note, opts, schema_severity, &mut runtime_diags);
    }
    diags.extend(runtime_diags);
    crate::plugins::check(node, opts.allow_unknown_plugins, diags);
    crate::plugins::unlisted_plugin_keys(node, schema_severity, diags);
    // Unknown keys (errors under `configValidationMode: error`) are ignored by the compile
    // passes, so compiling goes on to report the other problems; the template is dropped.
    // A blocked runtime is judged after compiling (build and validate weigh it differently).
    if diags.iter().any(|d| d.is_error() && d.code != codes::UNKNOWN_KEY && d.code != codes::RUNTIME_BLOCKED) {
        return None;
    }
    let service_value = service_value.unwrap_or_else(|| Value::String(service_name.clone()));
    Some(Prepared { service, service_name, service_value, stage, region, functions })
}

fn move_nulls_last(v: &mut Value) {
    match v {
        Value::Object(m) => {
            let nulls: Vec<String> = m.iter().filter(|(_, x)| x.is_null()).map(|(k, _)| k.clone()).collect();
            for k in nulls {
                m.shift_remove(&k);
                m.insert(k, Value::Null);
            }
            m.values_mut().for_each(move_nulls_last);
        }
        Value::Array(a) => a.iter_mut().for_each(move_nulls_last),
        _ => {}
    }
}

/// `holder[key]` taken out when it is neither a mapping nor null: a setting v3's schema warns
/// about and its compiler reads nothing from.
fn take_unread(holder: &mut serde_json::Map<String, Value>, key: &str) -> Option<Value> {
    holder.get(key).is_some_and(|v| !v.is_object() && !v.is_null()).then(|| holder.shift_remove(key)).flatten()
}

/// `help` on the schema walk's findings about the value at `path` (`` `path` is ... ``).
fn help_at(diags: &mut [Diagnostic], path: &str, help: &str) {
    let said = format!("`{path}` is ");
    for d in diags.iter_mut().filter(|d| d.message.starts_with(&said)) {
        d.help = Some(help.to_string());
    }
}

/// serde's message for a value the typed view cannot read, without the Rust type names it
/// gives for a value none of a setting's shapes reads.
fn plain_words(msg: String) -> String {
    if msg.contains("did not match any variant of untagged enum") {
        "the value has none of the shapes this setting takes (`cfgen schema` lists them)".to_string()
    } else {
        msg
    }
}

/// The first type error of `value` read as `T`, with its full dotted path.
fn type_errors<T: serde::de::DeserializeOwned>(value: Option<&Value>, prefix: &str, found: &mut Vec<(String, String)>) {
    let Some(v) = value.filter(|v| !v.is_null()) else { return };
    if let Err(e) = serde_path_to_error::deserialize::<_, T>(v) {
        let inner = e.path().to_string();
        let path = if inner == "." || inner.is_empty() { prefix.to_string() } else { format!("{prefix}.{inner}") };
        found.push((path, e.inner().to_string()));
    }
}

/// The unknown-key check alone, for a document whose variables did not all resolve (findings
/// are warnings: `configValidationMode` may itself be unresolved).
pub fn unknown_keys_only(node: &Node, diags: &mut Vec<Diagnostic>) {
    let json = node.to_json();
    let schema = crate::schema::validation_schema();
    let mut path = Vec::new();
    // The lists to read as their item matter only to a build.
    let _ = unknown_keys(&json, schema.root(), schema, node, &mut path, Severity::Warning, diags);
}

/// What a schema says about the keys of an object, over all its `anyOf`/`oneOf`/`allOf`
/// alternatives and `$ref`s: the named properties of each alternative, the schemas of map
/// values (`additionalProperties`/`patternProperties`), and whether some alternative takes any key.
#[derive(Default)]
struct ObjectView {
    props: Vec<SMap>,
    values: Vec<SValue>,
    open: bool,
    /// The compile passes check the keys of this object themselves (schema keyword
    /// `x-cfgen-keys-checked-by-compiler`): not reported twice.
    compiler_checked: bool,
    /// The `required` keys of each alternative with named properties (same order as `props`).
    required: Vec<Vec<&'static str>>,
    /// The `propertyNames` schemas: what each key must be (a `pattern`, and not a `not.pattern`).
    names: Vec<SMap>,
    /// Where in `props` the alternatives that Serverless' AJV never reaches for an object
    /// begin: those after `Fn::Base64` ([`ANY_OBJECT_DEF`]), which takes every object.
    unreached: Option<usize>,
}

/// The definition of `Fn::Base64`. v3's `awsCfBase64` is `{type: object, properties:
/// {Fn::Base64: {}}}`, with nothing required and no other key refused, so it takes every
/// object: AJV stops there, and an alternative after it (`Fn::ToJsonString`; the `Fn::If`,
/// `Fn::Select` and `Fn::FindInMap` of an environment variable; the `Fn::If` of a VPC id or a
/// concurrency) never checks or coerces what an object holds. An `Fn::If` branch written as a
/// list of one stays a list in v3's template.
const ANY_OBJECT_DEF: &str = "CfBase64";

/// The schema keyword marking an object whose keys a compile pass checks (and reports) itself.
const COMPILER_CHECKED: &str = "x-cfgen-keys-checked-by-compiler";

fn object_view(s: SValue, root: &Schema, view: &mut ObjectView, depth: usize) {
    if depth > 32 {
        return;
    }
    let Some(o) = s.as_object() else {
        if s.is_true() {
            view.open = true;
        }
        return;
    };
    if o.get(COMPILER_CHECKED).is_some_and(SValue::is_true) {
        view.compiler_checked = true;
    }
    if let Some(n) = o.get("propertyNames").and_then(SValue::as_object) {
        view.names.push(n);
    }
    if let Some(r) = o.get("$ref").and_then(SValue::as_str) {
        let name = r.rsplit('/').next().unwrap_or_default();
        if let Some(target) = root.def(name) {
            object_view(target, root, view, depth + 1);
            if name == ANY_OBJECT_DEF && view.unreached.is_none() {
                view.unreached = Some(view.props.len());
            }
        }
        return;
    }
    let mut shaped = false;
    if let Some(p) = o.get("properties").and_then(SValue::as_object) {
        view.props.push(p);
        view.required
            .push(o.get("required").and_then(SValue::as_array).into_iter().flat_map(|r| r.iter()).filter_map(SValue::as_str).collect());
        shaped = true;
    }
    if let Some(pp) = o.get("patternProperties").and_then(SValue::as_object) {
        view.values.extend(pp.values());
        shaped = true;
    }
    if let Some(a) = o.get("additionalProperties") {
        match a.kind() {
            Kind::Object(_) => {
                view.values.push(a);
                shaped = true;
            }
            Kind::Bool(true) => view.open = true,
            Kind::Bool(false) => shaped = true,
            _ => {}
        }
    }
    let mut alts = false;
    for k in ["anyOf", "oneOf", "allOf"] {
        if let Some(list) = o.get(k).and_then(SValue::as_array) {
            alts = true;
            for a in list.iter() {
                object_view(a, root, view, depth + 1);
            }
        }
    }
    let is_object_type = match o.get("type").map(SValue::kind) {
        Some(Kind::String(t)) => t == "object",
        Some(Kind::Array(ts)) => ts.iter().any(|t| t == "object"),
        None => !alts && !o.contains_key("enum") && !o.contains_key("const"),
        _ => false,
    };
    if is_object_type && !shaped {
        view.open = true;
    }
}

/// The item schemas of the list schemas among `s`'s `anyOf`/`oneOf`/`allOf` alternatives and
/// `$ref`s: the one-schema form (`items: {...}`, for every item) into `one`, the tuple form
/// (`items: [...]`, a schema per position) into `tuples`.
fn items_of(s: SValue, root: &Schema, one: &mut Vec<SValue>, tuples: &mut Vec<SValue>, depth: usize) {
    let Some(o) = s.as_object() else { return };
    if depth > 32 {
        return;
    }
    if let Some(r) = o.get("$ref").and_then(SValue::as_str) {
        let name = r.rsplit('/').next().unwrap_or_default();
        if let Some(target) = root.def(name) {
            items_of(target, root, one, tuples, depth + 1);
        }
        return;
    }
    match o.get("items") {
        Some(it) if it.is_object() => one.push(it),
        Some(it) if it.as_array().is_some() => tuples.push(it),
        _ => {}
    }
    for k in ["anyOf", "oneOf", "allOf"] {
        if let Some(list) = o.get(k).and_then(SValue::as_array) {
            for a in list.iter() {
                items_of(a, root, one, tuples, depth + 1);
            }
        }
    }
}

fn unknown_keys<'v>(
    v: &'v Value,
    s: SValue,
    root: &Schema,
    node: &Node,
    path: &mut Vec<Cow<'v, str>>,
    sev: Severity,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(Vec<String>, Value)> {
    let mut sink = Sink::new(diags);
    unknown_keys_in(v, &[s], root, node, path, sev, &mut sink);
    sink.coerced
}

/// The warning for a setting written as a list of one scalar, which v3 reads as its item:
/// valid, but a slip worth a word (the editor schema flags it too).
fn list_of_one(at: &str, shown: &str, span: Option<Span>) -> Diagnostic {
    Diagnostic::warning(codes::INVALID_TYPE, format!("{at} is a list of one item; Serverless v3 reads it as `{shown}`"))
        .at_opt(span)
        .help("write the value without the brackets")
}

/// Put each value AJV's coercion gives (see [`check_scalar`]) at its path.
fn apply_coercions(json: &mut Value, coerced: Vec<(Vec<String>, Value)>) {
    for (path, value) in coerced {
        let mut at = Some(&mut *json);
        for seg in &path {
            at = match at {
                Some(Value::Object(m)) => m.get_mut(seg.as_str()),
                Some(Value::Array(a)) => seg.parse::<usize>().ok().and_then(|i| a.get_mut(i)),
                _ => None,
            };
        }
        if let Some(v) = at {
            *v = value;
        }
    }
}

/// What one flattened alternative (see [`alternatives`]) takes: its type, enum or const, and
/// for strings its `pattern` (the variable alternative's pattern is a `${` in the string).
#[derive(Clone)]
enum Accept {
    Nothing,
    OneOf(SArray),
    Const(SValue),
    /// A string holding `${`: the variable alternative.
    Variable,
    /// Text ([`cfgen_model::coerce::TEXT_MARK`]): a string, or a number or boolean read as one,
    /// and the pattern or format (`uri`) its text must match.
    Text(Option<Rc<Regex>>),
    /// A number ([`cfgen_model::coerce::NUMBER_MARK`]), or a numeric string read as one.
    Numeric(Option<Rc<Regex>>),
    /// A boolean ([`cfgen_model::coerce::BOOLEAN_MARK`]), or the text `"true"` / `"false"` read as one.
    Boolean,
    /// JSON types, one bit each ([`type_bit`]; [`ANY_TYPE`] when the schema names none), and the
    /// pattern a string must match (none when the schema has none or it does not compile).
    Typed(u8, Option<Rc<Regex>>),
}

/// Every type bit: an alternative that names no type.
const ANY_TYPE: u8 = 0x7f;

/// Strings longer than this are not matched against patterns (no setting with a pattern is
/// anywhere near it, and a hostile 20 MB scalar must not cost a regex run).
pub(crate) const MAX_PATTERN_INPUT: usize = 4096;

/// ajv-formats' `uri` in full mode (v3 sets `fullFormats`): RFC 3986 with a scheme, its regular
/// expression as written (slashes unescaped). Its other test, a `/` or `:` somewhere, this one
/// implies: the scheme ends in `:`.
pub const URI_FORMAT: &str = r"(?i)^(?:[a-z][a-z0-9+\-.]*:)(?:/?/(?:(?:[a-z0-9\-._~!$&'()*+,;=:]|%[0-9a-f]{2})*@)?(?:\[(?:(?:(?:(?:[0-9a-f]{1,4}:){6}|::(?:[0-9a-f]{1,4}:){5}|(?:[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){4}|(?:(?:[0-9a-f]{1,4}:){0,1}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){3}|(?:(?:[0-9a-f]{1,4}:){0,2}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){2}|(?:(?:[0-9a-f]{1,4}:){0,3}[0-9a-f]{1,4})?::[0-9a-f]{1,4}:|(?:(?:[0-9a-f]{1,4}:){0,4}[0-9a-f]{1,4})?::)(?:[0-9a-f]{1,4}:[0-9a-f]{1,4}|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?))|(?:(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4})?::[0-9a-f]{1,4}|(?:(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4})?::)|[Vv][0-9a-f]+\.[a-z0-9\-._~!$&'()*+,;=:]+)\]|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?)|(?:[a-z0-9\-._~!$&'()*+,;=]|%[0-9a-f]{2})*)(?::\d*)?(?:/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*|/(?:(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)?|(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)(?:\?(?:[a-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?(?:#(?:[a-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?$";

/// ajv-formats' `date-time` in full mode: the text split at one `T`, `t` or white space (as
/// JavaScript's `\s` has it) into an RFC 3339 date whose day exists (29 February in leap years
/// only) and a time (`23:59:60` the one leap second) whose zone ajv-formats 2.1.1 lets go
/// missing: its `timeZone !== ""` test passes an absent zone.
pub const DATE_TIME_FORMAT: &str = concat!(
    r"^(?:[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))",
    r"|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)",
    r"[tT\t\n\x0B\x0C\r \u{a0}\u{1680}\u{2000}-\u{200a}\u{2028}\u{2029}\u{202f}\u{205f}\u{3000}\u{feff}]",
    r"(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]|23:59:60)(?:\.[0-9]+)?(?:[zZ]|[+-][0-9]{2}(?::?[0-9]{2})?)?$"
);

/// The formats of v3's schema cfgen's model carries: the regular expression each passes, how a
/// finding names it, and its help.
fn format_check(name: &str) -> Option<(&'static str, &'static str, &'static str)> {
    match name {
        "uri" => Some((URI_FORMAT, "a URI by v3's schema (format `uri`, RFC 3986)", URI_HELP)),
        "date-time" => Some((
            DATE_TIME_FORMAT,
            "a date and time by v3's schema (format `date-time`, RFC 3339)",
            "write the date, `T` and the time, with an optional zone: `2025-01-31T00:00:00Z`",
        )),
        _ => None,
    }
}

/// The types v3's schema gives an alternative cfgen describes with `o`: cfgen's text, number
/// and boolean marks stand for v3's `string`, `number` and `boolean`, a typed enumeration for
/// `string`; `null` is cfgen's `Option`. `None` for what v3 does not type (the `${...}`
/// alternative, untyped enumerations and constants, object-only schemas).
fn v3_types(o: SMap) -> Option<Vec<&'static str>> {
    let marked = |m: &str| o.get(m).is_some_and(SValue::is_true);
    if o.get("pattern").and_then(SValue::as_str) == Some(crate::schema::VARIABLE_PATTERN) || marked(cfgen_model::coerce::CFGEN_ONLY_MARK) {
        return None;
    }
    if marked(cfgen_model::coerce::TEXT_MARK) || marked(cfgen_model::coerce::TYPED_ENUM_MARK) {
        return Some(vec!["string"]);
    }
    if marked(cfgen_model::coerce::NUMBER_MARK) {
        return Some(vec!["number"]);
    }
    if marked(cfgen_model::coerce::BOOLEAN_MARK) {
        return Some(vec!["boolean"]);
    }
    if o.contains_key("enum") || o.contains_key("const") {
        return None;
    }
    match o.get("type").map(SValue::kind) {
        Some(Kind::String(t)) => Some(vec![t]),
        Some(Kind::Array(ts)) => Some(ts.iter().filter_map(SValue::as_str).filter(|t| *t != "null").collect()),
        _ => None,
    }
}

/// Is `v` of one of `types`?
fn has_type_of(v: &Value, types: &[&str]) -> bool {
    let is_int = v.as_f64().is_some_and(|n| n.fract() == 0.0);
    types.iter().any(|t| *t == cfgen_model::coerce::type_name(v) || (*t == "integer" && is_int))
}

/// Can AJV's `coerceTypes: "array"` turn the scalar `v` into type `t`?
fn ajv_coercible(v: &Value, t: &str) -> bool {
    match (t, v) {
        ("string", Value::Number(_) | Value::Bool(_)) => true,
        ("number" | "integer", Value::Bool(_)) => true,
        ("number", Value::String(s)) => !s.is_empty() && s.trim() == s && s.parse::<f64>().is_ok_and(f64::is_finite),
        ("integer", Value::String(s)) => !s.is_empty() && s.trim() == s && s.parse::<f64>().is_ok_and(|n| n.fract() == 0.0),
        ("boolean", Value::String(s)) => s == "true" || s == "false",
        ("boolean", Value::Number(n)) => n.as_f64() == Some(0.0) || n.as_f64() == Some(1.0),
        ("array", Value::String(_) | Value::Number(_) | Value::Bool(_)) => true,
        _ => false,
    }
}

/// The numeric settings of a function or the provider that v3 tests for truth before it
/// uses them, so that an empty text is no setting (`maximumRetryAttempts`, which v3 tests
/// against null, is not one: v3 writes its `''`).
fn unset_when_empty(path: &[Cow<str>]) -> bool {
    const KEYS: [&str; 7] = [
        "memorySize",
        "timeout",
        "logRetentionInDays",
        "reservedConcurrency",
        "provisionedConcurrency",
        "maximumEventAge",
        "ephemeralStorageSize",
    ];
    match path {
        [p, k] => p == "provider" && KEYS.contains(&k.as_ref()),
        [f, _, k] => f == "functions" && KEYS.contains(&k.as_ref()),
        _ => false,
    }
}

/// The help of a value that is not a URI.
pub const URI_HELP: &str =
    "write a scheme, `://`, the host and a path, %-escaping any space, `<`, `>` or other character a URI does not take";

/// Does `s` pass ajv-formats' `uri`?
pub fn is_uri(s: &str) -> bool {
    static URI: std::sync::OnceLock<Option<Regex>> = std::sync::OnceLock::new();
    s.len() <= MAX_PATTERN_INPUT && URI.get_or_init(|| Regex::new(URI_FORMAT).ok()).as_ref().is_some_and(|re| re.is_match(s))
}

fn type_bit(t: &str) -> u8 {
    match t {
        "null" => 1,
        "boolean" => 2,
        "number" => 4,
        "integer" => 8,
        "string" => 16,
        "array" => 32,
        "object" => 64,
        _ => 0,
    }
}

impl Accept {
    /// What AJV's `coerceTypes` makes of `v`, which this alternative takes, when it is not of
    /// the alternative's own type: the text of a number or boolean ([`Accept::Text`]), the number
    /// a numeric string holds ([`Accept::Numeric`]).
    fn converted(&self, v: &Value) -> Option<Value> {
        match (self, v) {
            (Accept::Text(_), Value::Number(_) | Value::Bool(_)) => Some(crate::events::queue_common::scalar_to_string(v)),
            (Accept::Numeric(_), Value::String(s)) => s.trim().parse::<f64>().ok().map(cfgen_syntax::node::number_to_json),
            (Accept::Boolean, Value::String(s)) => Some(Value::Bool(s == "true")),
            _ => None,
        }
    }

    /// Does this alternative want a number (a numeric type, or an enumeration of numbers)?
    fn numeric(&self) -> bool {
        match self {
            Accept::Numeric(_) => true,
            Accept::OneOf(e) => e.iter().all(|x| x.as_f64().is_some()),
            _ => false,
        }
    }

    /// Does this alternative take `v` as it is (types, enums, consts, string patterns)?
    fn takes(&self, v: &Value) -> bool {
        match self {
            Accept::Nothing => false,
            Accept::OneOf(e) => e.iter().any(|x| x == *v) || e.iter().any(|x| x.as_f64().is_some() && x.as_f64() == v.as_f64()),
            Accept::Const(c) => *c == *v,
            Accept::Variable => v.as_str().is_some_and(|s| s.contains("${")),
            Accept::Text(format) => {
                matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_))
                    && format.as_ref().is_none_or(|re| {
                        let text = cfgen_model::coerce::scalar_string(v).unwrap_or_default();
                        text.len() > MAX_PATTERN_INPUT || re.is_match(&text)
                    })
            }
            Accept::Boolean => v.is_boolean() || matches!(v.as_str(), Some("true" | "false")),
            Accept::Numeric(re) => match v {
                Value::Number(_) => true,
                Value::String(s) => s.len() <= MAX_PATTERN_INPUT && re.as_ref().is_some_and(|re| re.is_match(s)),
                _ => false,
            },
            Accept::Typed(bits, pattern) => {
                let is_int = v.as_f64().is_some_and(|n| n.fract() == 0.0);
                let typed = bits & type_bit(cfgen_model::coerce::type_name(v)) != 0 || (is_int && bits & 8 != 0);
                typed
                    && match (v, pattern) {
                        (Value::String(s), Some(re)) => s.len() > MAX_PATTERN_INPUT || re.is_match(s),
                        _ => true,
                    }
            }
        }
    }
}

/// Where the walk reports, and what it learnt of the schema: the [`Accept`]s and the
/// [`ObjectView`] of each schema node it met (by identity: the same few nodes describe every
/// function, event and resource, and flattening them again per value was most of the walk),
/// and each pattern compiled once.
struct Sink<'d> {
    diags: &'d mut Vec<Diagnostic>,
    accepts: ByIdentity<Vec<Accept>>,
    views: ByIdentity<Rc<ObjectView>>,
    regexes: HashMap<&'static str, Option<Rc<Regex>>>,
    /// Which keys match which key patterns.
    keys: KeyMatches,
    /// Values AJV's `coerceTypes` changes, with their paths: a one-item list read as its item,
    /// a number or boolean read as text.
    coerced: Vec<(Vec<String>, Value)>,
    /// Inside a value whose keys a compile pass checks (an event): the walk only coerces
    /// scalars (and says so); what is wrong there the compile pass reports, once.
    quiet: bool,
}

impl<'d> Sink<'d> {
    fn new(diags: &'d mut Vec<Diagnostic>) -> Sink<'d> {
        Sink {
            diags,
            accepts: ByIdentity::default(),
            views: ByIdentity::default(),
            regexes: HashMap::new(),
            keys: KeyMatches::default(),
            coerced: Vec::new(),
            quiet: false,
        }
    }

    fn accept_of(&mut self, alt: SValue) -> Accept {
        let Some(o) = alt.as_object() else {
            return if alt.is_false() { Accept::Nothing } else { Accept::Typed(ANY_TYPE, None) };
        };
        // Before the enumeration it carries for editors (`true`, `false`, `"true"`, `"false"`).
        if o.get(cfgen_model::coerce::BOOLEAN_MARK).is_some_and(SValue::is_true) {
            return Accept::Boolean;
        }
        if let Some(e) = o.get("enum").and_then(SValue::as_array) {
            return Accept::OneOf(e);
        }
        if let Some(c) = o.get("const") {
            return Accept::Const(c);
        }
        let format = o.get("format").and_then(SValue::as_str).and_then(format_check).and_then(|(re, ..)| self.regex(re));
        if o.get(cfgen_model::coerce::TEXT_MARK).is_some_and(SValue::is_true) {
            let pattern = o.get("pattern").and_then(SValue::as_str).and_then(|p| self.regex(p));
            return Accept::Text(pattern.or(format));
        }
        if o.get(cfgen_model::coerce::NUMBER_MARK).is_some_and(SValue::is_true) {
            return Accept::Numeric(o.get("pattern").and_then(SValue::as_str).and_then(|p| self.regex(p)));
        }
        let pattern = o.get("pattern").and_then(SValue::as_str);
        if pattern == Some(crate::schema::VARIABLE_PATTERN) {
            return Accept::Variable;
        }
        let pattern = pattern.and_then(|p| self.regex(p)).or(format);
        match o.get("type").map(SValue::kind) {
            Some(Kind::String(t)) => Accept::Typed(type_bit(t), pattern),
            Some(Kind::Array(ts)) => Accept::Typed(ts.iter().filter_map(SValue::as_str).fold(0, |b, t| b | type_bit(t)), pattern),
            // No type: an object-only schema if it has properties, else anything.
            _ if o.contains_key("properties") || o.contains_key("additionalProperties") || o.contains_key("items") => Accept::Nothing,
            _ => Accept::Typed(ANY_TYPE, pattern),
        }
    }

    /// The [`ObjectView`] of `schemas`, worked out once per node when there is one (as there
    /// is for nearly every object: each function, each event).
    fn view(&mut self, schemas: &[SValue], root: &Schema) -> Rc<ObjectView> {
        let build = || {
            let mut view = ObjectView::default();
            for s in schemas {
                object_view(*s, root, &mut view, 0);
            }
            Rc::new(view)
        };
        match schemas {
            [s] => self.views.entry(*s).or_insert_with(build).clone(),
            _ => build(),
        }
    }

    /// `p` compiled, once per build; `None` when it does not compile (it is not checked then).
    fn regex(&mut self, p: &'static str) -> Option<Rc<Regex>> {
        self.regexes.entry(p).or_insert_with(|| Regex::new(p).ok().map(Rc::new)).clone()
    }

    /// The [`Accept`]s of `s`'s alternatives, flattened once per node.
    fn accepts(&mut self, s: SValue, root: &Schema) -> &[Accept] {
        if !self.accepts.contains_key(&s) {
            let mut alts = Vec::new();
            alternatives(s, root, &mut alts, 0);
            let list = alts.into_iter().map(|a| self.accept_of(a)).collect();
            self.accepts.insert(s, list);
        }
        self.accepts.get(&s).map_or(&[], Vec::as_slice)
    }
}

/// Report the keys of `v` (and of the objects and lists inside it) that none of `schemas`
/// (alternatives that may describe it) defines, and scalars none of them takes.
///
/// `path` holds the keys walked (borrowed from `v`) and list indexes.
fn unknown_keys_in<'v>(
    v: &'v Value,
    schemas: &[SValue],
    root: &Schema,
    node: &Node,
    path: &mut Vec<Cow<'v, str>>,
    sev: Severity,
    sink: &mut Sink<'_>,
) {
    if !check_scalar(v, schemas, root, node, path, sev, sink) || !matches!(v, Value::Object(_) | Value::Array(_)) {
        return;
    }
    let was_quiet = sink.quiet;
    if let Value::Array(items) = v {
        sink.quiet |= schemas.iter().any(|s| marked_compiler_checked(*s));
        let mut item_schemas = Vec::new();
        let mut tuples = Vec::new();
        for s in schemas {
            items_of(*s, root, &mut item_schemas, &mut tuples, 0);
        }
        for (i, x) in items.iter().enumerate() {
            // A tuple's schema for this position joins the one-schema forms (rare: `Fn::Join`).
            let at: Cow<[SValue]> = if tuples.is_empty() {
                Cow::Borrowed(&item_schemas)
            } else {
                let mut all = item_schemas.clone();
                all.extend(tuples.iter().filter_map(|t| t.as_array().and_then(|l| l.iter().nth(i))));
                Cow::Owned(all)
            };
            if at.is_empty() {
                break;
            }
            path.push(Cow::Owned(i.to_string()));
            unknown_keys_in(x, &at, root, node, path, sev, sink);
            path.pop();
        }
        sink.quiet = was_quiet;
        return;
    }
    let Value::Object(m) = v else { return };
    let view = sink.view(schemas, root);
    if view.props.is_empty() && view.values.is_empty() {
        return;
    }
    sink.quiet |= view.compiler_checked;
    unknown_keys_of(m, &view, root, node, path, sev, sink);
    sink.quiet = was_quiet;
}

/// [`unknown_keys_in`] for the keys of an object, described by `view`.
fn unknown_keys_of<'v>(
    m: &'v serde_json::Map<String, Value>,
    view: &ObjectView,
    root: &Schema,
    node: &Node,
    path: &mut Vec<Cow<'v, str>>,
    sev: Severity,
    sink: &mut Sink<'_>,
) {
    // Required keys, when one shape describes the object (with alternatives, which one applies
    // is not known).
    if let ([_], [required], false) = (view.props.as_slice(), view.required.as_slice(), sink.quiet) {
        for r in required.iter().filter(|r| !m.contains_key(**r)) {
            let refs: Vec<&str> = path.iter().map(AsRef::as_ref).collect();
            let at = if path.is_empty() { "at the top level".to_string() } else { format!("in `{}`", path.join(".")) };
            sink.diags.push(
                Diagnostic::new(codes::MISSING_KEY, sev, format!("missing required key `{r}` {at}"))
                    .at_opt(key_span(node, &refs).or_else(|| span_of(node, &refs))),
            );
        }
    }
    for (k, x) in m {
        path.push(Cow::Borrowed(k));
        if !sink.quiet {
            key_name(k, view, node, path, sev, sink);
        }
        let reached = view.unreached.unwrap_or(view.props.len());
        let subs: Vec<SValue> = view.props[..reached].iter().filter_map(|p| p.get(k)).collect();
        if subs.is_empty() && view.props[reached..].iter().any(|p| p.contains_key(k)) {
            // A key only alternatives after `Fn::Base64` name: v3 neither checks nor coerces it.
            path.pop();
            continue;
        }
        // Serverless validates with null-valued keys taken out: a known key set to null is
        // never a type error (an unknown one is still reported below).
        if !subs.is_empty() {
            if !sink.quiet && subs.iter().any(|sub| sub.get("deprecated").is_some_and(SValue::is_true)) {
                deprecated(k, path, node, sink.diags);
            }
            if !x.is_null() {
                unknown_keys_in(x, &subs, root, node, path, sev, sink);
            }
        } else if !view.values.is_empty() {
            if !x.is_null() {
                unknown_keys_in(x, &view.values, root, node, path, sev, sink);
            }
        } else if !view.open && !sink.quiet {
            let refs: Vec<&str> = path.iter().map(AsRef::as_ref).collect();
            let at = if path.len() == 1 { "at the top level".to_string() } else { format!("in `{}`", path[..path.len() - 1].join(".")) };
            let mut d = Diagnostic::new(codes::UNKNOWN_KEY, sev, format!("unknown key `{k}` {at}"))
                .at_opt(key_span(node, &refs))
                .label("not a Serverless v3 setting here");
            if let Some(sug) = did_you_mean(k, view.props.iter().flat_map(SMap::keys)) {
                d = d.help(format!("did you mean `{sug}`?"));
            }
            sink.diags.push(d);
        }
        path.pop();
    }
}

/// Report key `k` (the last of `path`) when the `propertyNames` of its object refuse it: it
/// does not match their `pattern`, or matches their `not.pattern` (an environment variable
/// named `my-var`, a tag key `aws:owner`).
fn key_name(k: &str, view: &ObjectView, node: &Node, path: &[Cow<str>], sev: Severity, sink: &mut Sink<'_>) {
    let pattern = |n: SMap| n.get("pattern").and_then(SValue::as_str);
    let reserved = |n: SMap| n.get("not").and_then(SValue::as_object).and_then(pattern);
    let mut refusal = None;
    for &n in &view.names {
        let bad_form = pattern(n).is_some_and(|p| !sink.keys.matches(p, k));
        let taken = reserved(n).is_some_and(|p| sink.keys.matches(p, k));
        if !bad_form && !taken {
            return;
        }
        refusal = refusal.or(Some((bad_form, n)));
    }
    let Some((bad_form, n)) = refusal else { return };
    let at = path[..path.len() - 1].join(".");
    let msg = if bad_form {
        format!("`{k}` in `{at}` is not a name Serverless v3 takes: it must match `{}`", pattern(n).unwrap_or_default())
    } else {
        format!("`{k}` in `{at}` is not a name Serverless v3 takes: it must not match `{}`", reserved(n).unwrap_or_default())
    };
    let refs: Vec<&str> = path.iter().map(AsRef::as_ref).collect();
    let mut d = Diagnostic::new(codes::INVALID_VALUE, sev, msg).at_opt(key_span(node, &refs));
    if let Some(words) = [pattern(n), reserved(n)].into_iter().flatten().find_map(pattern_words) {
        d = d.help(format!("expected {words}"));
    }
    sink.diags.push(d);
}

/// Is `s` (or one of its direct alternatives) marked `x-cfgen-keys-checked-by-compiler`?
fn marked_compiler_checked(s: SValue) -> bool {
    s.get(COMPILER_CHECKED).is_some_and(SValue::is_true)
        || ["anyOf", "oneOf"]
            .iter()
            .any(|k| s.get(k).and_then(SValue::as_array).is_some_and(|alts| alts.iter().any(marked_compiler_checked)))
}

/// The alternatives a value may match at `s`: `$ref`s and one-schema `allOf`s followed,
/// `anyOf`/`oneOf` flattened.
fn alternatives(s: SValue, root: &Schema, out: &mut Vec<SValue>, depth: usize) {
    if depth > 32 {
        out.push(crate::static_value::TRUE);
        return;
    }
    let Some(o) = s.as_object() else {
        out.push(s);
        return;
    };
    if let Some(r) = o.get("$ref").and_then(SValue::as_str) {
        let name = r.rsplit('/').next().unwrap_or_default();
        match root.def(name) {
            Some(t) => alternatives(t, root, out, depth + 1),
            None => out.push(crate::static_value::TRUE),
        }
        return;
    }
    // schemars wraps a described `$ref` as `{"allOf": [{"$ref": ...}]}`: one schema, look through it.
    if let Some(only) = o.get("allOf").and_then(SValue::as_array).filter(|list| list.len() == 1).and_then(|list| list.iter().next()) {
        alternatives(only, root, out, depth + 1);
        return;
    }
    let mut split = false;
    for k in ["anyOf", "oneOf"] {
        if let Some(list) = o.get(k).and_then(SValue::as_array) {
            split = true;
            for a in list.iter() {
                alternatives(a, root, out, depth + 1);
            }
        }
    }
    if !split {
        out.push(s);
    }
}

/// The other forms Serverless' AJV would try for `v` (`coerceTypes`): a number or boolean as a
/// string, a numeric or boolean string as a number or boolean, `1` / `0` as a boolean and a
/// boolean as `1` / `0`, null as `""`, `0` or `false` (a
/// null that reaches AJV is a list item: v3 takes null-valued keys out before validating). None
/// for lists and objects.
fn coerced_forms(v: &Value) -> Vec<Value> {
    let mut forms = Vec::new();
    match v {
        Value::Null => forms.extend([Value::String(String::new()), Value::from(0), Value::Bool(false)]),
        Value::Number(_) | Value::Bool(_) => {
            if let Some(s) = cfgen_model::coerce::scalar_string(v) {
                forms.push(Value::String(s));
            }
            // AJV: `1` / `0` as a boolean, a boolean as `1` / `0`.
            match (v.as_f64(), v.as_bool()) {
                (Some(n), _) if n == 1.0 || n == 0.0 => forms.push(Value::Bool(n == 1.0)),
                (_, Some(b)) => forms.push(Value::from(u8::from(b))),
                _ => {}
            }
        }
        Value::String(s) => {
            if let Ok(n) = s.trim().parse::<f64>() {
                if let Some(n) = serde_json::Number::from_f64(n) {
                    forms.push(Value::Number(n));
                }
            }
            if s == "true" || s == "false" {
                forms.push(Value::Bool(s == "true"));
            }
        }
        _ => {}
    }
    forms
}

/// What a coercion warning is about: "this `sqs` event" (an event's body), "`batchSize` in
/// this `sqs` event" (one of its settings), or the dotted path.
fn subject(path: &[Cow<str>]) -> String {
    match path {
        [f, _, e, _, ty] if f == "functions" && e == "events" => format!("this `{ty}` event"),
        [f, _, e, _, ty, rest @ ..] if f == "functions" && e == "events" => format!("`{}` in this `{ty}` event", rest.join(".")),
        _ => format!("`{}`", path.join(".")),
    }
}

/// The warning for a scalar of another type than the setting's, which v3's AJV converts: valid,
/// but likely a slip (the editor schema flags it too).
fn coerced_scalar(at: &str, v: &Value, read: &Value, span: Option<Span>) -> Diagnostic {
    let text = |x: &Value| cfgen_model::coerce::scalar_string(x).unwrap_or_default();
    let (msg, help) = match (v, read) {
        (Value::Null, _) => {
            let as_read = if read.as_str() == Some("") { "the empty text `\"\"`".to_string() } else { format!("`{}`", text(read)) };
            (format!("{at} is null; Serverless v3 reads it as {as_read}"), "remove the item, or write its value")
        }
        (_, Value::String(s)) => {
            // An event's body may also be its settings.
            let not = if at.starts_with("this ") { "not text or settings" } else { "not text" };
            (format!("{at} is `{}`, {not}; Serverless v3 reads it as the text `{s}`", text(v)), "quote it")
        }
        (Value::String(s), _) => (
            format!("{at} is the text `\"{s}\"`; Serverless v3 reads it as the {} `{}`", cfgen_model::coerce::type_name(read), text(read)),
            "write it without quotes",
        ),
        _ => (format!("{at} is `{}`; Serverless v3 reads it as `{}`", text(v), text(read)), "write the value it is read as"),
    };
    Diagnostic::warning(codes::INVALID_TYPE, msg).at_opt(span).help(help)
}

/// Report `v` when none of `schemas` takes it (its type, or its value for closed sets); `false`
/// when it was reported.
fn check_scalar(v: &Value, schemas: &[SValue], root: &Schema, node: &Node, path: &[Cow<str>], sev: Severity, sink: &mut Sink<'_>) -> bool {
    let mut any_alt = false;
    let mut converted = None;
    for s in schemas {
        let list = sink.accepts(*s, root);
        any_alt |= !list.is_empty();
        for a in list.iter().filter(|a| a.takes(v)) {
            match a.converted(v) {
                None => return true,
                Some(c) => converted = converted.or(Some(c)),
            }
        }
    }
    if let Some(c) = converted {
        // Taken only by turning it into the alternative's type (no word: the editor schema
        // takes it as written, and so does every Serverless user).
        sink.coerced.push((path.iter().map(|p| p.to_string()).collect(), c));
        return true;
    }
    if !any_alt {
        return true;
    }
    // An empty text where v3 wants a number it then tests for truth (`memorySize || 1024`,
    // `if (logRetentionInDays)`), as an unset `${env:X, ''}` leaves it: AJV does not coerce
    // it and v3 warns, then reads it as unset. So does cfgen (the typed view would refuse it).
    if v.as_str() == Some("") && unset_when_empty(path) && schemas.iter().any(|s| sink.accepts(*s, root).iter().any(Accept::numeric)) {
        let refs: Vec<&str> = path.iter().map(AsRef::as_ref).collect();
        sink.diags.push(
            Diagnostic::new(codes::INVALID_TYPE, sev, format!("{} is empty, not a number; Serverless v3 reads it as unset", subject(path)))
                .at_opt(span_of(node, &refs))
                .help("leave the key out, or give a number"),
        );
        sink.coerced.push((path.iter().map(|p| p.to_string()).collect(), Value::Null));
        return false;
    }
    // AJV's `coerceTypes`: a scalar of another type, in the first form an alternative takes.
    let forms = coerced_forms(v);
    if let Some(form) = schemas.iter().find_map(|s| sink.accepts(*s, root).iter().find_map(|a| forms.iter().find(|f| a.takes(f)))) {
        let refs: Vec<&str> = path.iter().map(AsRef::as_ref).collect();
        sink.diags.push(coerced_scalar(&subject(path), v, form, span_of(node, &refs)));
        sink.coerced.push((path.iter().map(|p| p.to_string()).collect(), form.clone()));
        return true;
    }
    // AJV's `coerceTypes: "array"`: a list of one scalar, where the schema wants a scalar type,
    // is read as its item (`timeout: [10]` is 10; `memorySize: ['512']` is 512). AJV coerces
    // for a `type` only: an enumeration or a const (`runtime: [python3.11]`) stays a list.
    if let Value::Array(items) = v {
        if let [item] = items.as_slice() {
            if !item.is_array() && !item.is_object() {
                let mut forms = coerced_forms(item);
                forms.insert(0, item.clone());
                let scalar_type = |a: &Accept| {
                    matches!(a, Accept::Text(_) | Accept::Numeric(_) | Accept::Boolean)
                        || matches!(a, Accept::Typed(bits, _) if bits & (type_bit("array") | type_bit("object")) == 0)
                };
                let closed =
                    schemas.iter().any(|s| sink.accepts(*s, root).iter().any(|a| matches!(a, Accept::OneOf(_) | Accept::Const(_))));
                // The item as the first scalar alternative that takes it (in one of its forms) reads it.
                let read = schemas.iter().find_map(|s| {
                    sink.accepts(*s, root).iter().filter(|a| scalar_type(a)).find_map(|a| {
                        let f = forms.iter().find(|f| a.takes(f))?;
                        Some(a.converted(f).unwrap_or_else(|| f.clone()))
                    })
                });
                if let Some(read) = read.filter(|_| !closed) {
                    sink.coerced.push((path.iter().map(|p| p.to_string()).collect(), read));
                    // Valid for v3, but a list here is a slip worth a word (and the editor
                    // schema, which describes what to write, flags it too).
                    let refs: Vec<&str> = path.iter().map(AsRef::as_ref).collect();
                    let shown = cfgen_model::coerce::scalar_string(item).unwrap_or_default();
                    sink.diags.push(list_of_one(&subject(path), &shown, span_of(node, &refs)));
                    return false;
                }
            }
        }
    }
    let mut alts = Vec::new();
    for s in schemas {
        alternatives(*s, root, &mut alts, 0);
    }
    // AJV's `coerceTypes` changes a value in place at the first `type` it meets, before that
    // alternative's `enum`, `pattern` or `items` are checked, and the change stays when they
    // refuse it: a number or boolean where the first alternative wants a string is that text
    // from then on, invalid as it is (`integration: 0` is the integration type "0" in v3's
    // template); a scalar where it wants a list (`coerceTypes: "array"`) is a list of that one
    // item (`securityGroupIds: sg-1` is `[sg-1]`), valid if the item is. The first alternative
    // in order decides, not counting cfgen's own `${...}` one; cfgen's enumerations are typed
    // where most of v3's are not (`runtime: 0` stays 0 in v3, and its default applies), so an
    // enumeration counts only when it carries the mark of one v3 types.
    // The first alternative whose type (as v3 types it) does not have the value's and can be
    // reached by coercion is where AJV changes the value: alternatives of the value's own type
    // coerce nothing (`Resource: ''` passes the text alternatives by and is `['']` at the list).
    let target = alts
        .iter()
        .filter_map(|a| a.as_object())
        .filter_map(v3_types)
        .filter(|ts| !has_type_of(v, ts))
        .find_map(|ts| ts.into_iter().find(|t| ajv_coercible(v, t)));
    let first_is = |want: &str| target == Some(want);
    let refs: Vec<&str> = path.iter().map(AsRef::as_ref).collect();
    if matches!(v, Value::Number(_) | Value::Bool(_)) && first_is("string") {
        let read = Value::String(cfgen_model::coerce::scalar_string(v).unwrap_or_default());
        if sink.quiet {
            // The compile pass that checks this value sees only the text now: say it here.
            sink.diags.push(coerced_scalar(&subject(path), v, &read, span_of(node, &refs)));
        }
        sink.coerced.push((path.iter().map(|p| p.to_string()).collect(), read));
    } else if matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_)) && first_is("array") {
        let shown = cfgen_model::coerce::scalar_string(v).unwrap_or_default();
        let one = Value::Array(vec![v.clone()]);
        // Its item as the list's items would take it.
        let mut item_schemas = Vec::new();
        let mut tuples = Vec::new();
        for s in schemas {
            items_of(*s, root, &mut item_schemas, &mut tuples, 0);
        }
        let item_ok = item_schemas.is_empty() || item_schemas.iter().any(|s| sink.accepts(*s, root).iter().any(|a| a.takes(v)));
        // The list stays when its item is refused too: that finding follows, about the item.
        sink.coerced.push((path.iter().map(|p| p.to_string()).collect(), one.clone()));
        if item_ok {
            sink.diags.push(
                Diagnostic::warning(
                    codes::INVALID_TYPE,
                    format!("{} is `{shown}`, not a list; Serverless v3 reads it as a list of that one item", subject(path)),
                )
                .at_opt(span_of(node, &refs))
                .help(format!("write it as a list: `[{shown}]`")),
            );
            return false;
        }
        if !sink.quiet {
            sink.diags.push(
                Diagnostic::new(
                    codes::INVALID_VALUE,
                    sev,
                    format!(
                        "{} is `{}`, which nothing here takes; Serverless v3 writes it as a list of that one item, `{}`, which nothing takes either",
                        subject(path),
                        crate::emit::to_json_compact(v),
                        crate::emit::to_json_compact(&one)
                    ),
                )
                .at_opt(span_of(node, &refs)),
            );
        }
        return false;
    }
    if sink.quiet {
        return false;
    }
    let allowed: Vec<String> = alts
        .iter()
        .filter_map(|a| a.as_object())
        .flat_map(|o| o.get("enum").and_then(SValue::as_array).into_iter().flat_map(|e| e.iter()).chain(o.get("const")))
        .filter(|x| !x.is_null())
        .map(|x| x.as_str().map_or_else(|| x.to_value().to_string(), str::to_string))
        .collect();
    let mut types: Vec<String> = Vec::new();
    let is_variable = |o: &SMap| o.get("pattern").and_then(SValue::as_str) == Some(crate::schema::VARIABLE_PATTERN);
    // (A numeric string, where a number is wanted, is the number's form, not a type of its own.)
    let is_numeric_text = |o: &SMap| o.get("pattern").and_then(SValue::as_str) == Some(cfgen_model::coerce::NUMERIC_STRING_PATTERN);
    for o in alts
        .iter()
        .filter_map(|a| a.as_object())
        .filter(|o| !o.contains_key("enum") && !o.contains_key("const") && !is_variable(o) && !is_numeric_text(o))
    {
        let ts: Vec<String> = match o.get("type").map(SValue::kind) {
            Some(Kind::String(t)) => vec![t.to_string()],
            Some(Kind::Array(ts)) => ts.iter().filter_map(SValue::as_str).map(str::to_string).collect(),
            _ => vec!["object".into()],
        };
        for t in ts {
            if t != "null" && !types.contains(&t) {
                types.push(t);
            }
        }
    }
    let refs: Vec<&str> = path.iter().map(AsRef::as_ref).collect();
    let shown = match v {
        Value::String(x) => format!("`{x}`"),
        Value::Object(_) => "an object".to_string(),
        Value::Array(_) => "a list".to_string(),
        other => format!("`{other}`"),
    };
    // A string (or a scalar read as one) of the right type that a `pattern` turned away.
    let text = cfgen_model::coerce::scalar_string(v);
    let missed: Vec<&str> = alts
        .iter()
        .filter_map(|a| a.as_object())
        .filter(|o| o.get("type").is_none_or(|t| t == "string" || t.as_array().is_some_and(|ts| ts.iter().any(|t| t == "string"))))
        .filter_map(|o| o.get("pattern").and_then(SValue::as_str))
        .filter(|p| *p != crate::schema::VARIABLE_PATTERN)
        .filter(|p| text.as_deref().is_some_and(|x| sink.regex(p).is_some_and(|re| !re.is_match(x))))
        .collect();
    let missed_format = alts
        .iter()
        .filter_map(|a| a.as_object()?.get("format")?.as_str())
        .filter_map(format_check)
        .find(|(re, ..)| text.as_deref().is_some_and(|x| sink.regex(re).is_some_and(|re| !re.is_match(x))));
    if let Some((_, words, help)) = missed_format.filter(|_| allowed.is_empty()) {
        sink.diags.push(
            Diagnostic::new(codes::INVALID_VALUE, sev, format!("`{}` is {shown}, not {words}", path.join(".")))
                .at_opt(span_of(node, &refs))
                .help(help),
        );
        return false;
    }
    if allowed.is_empty() && !missed.is_empty() {
        let at = path.join(".");
        let numeric = missed.iter().all(|p| *p == cfgen_model::coerce::NUMERIC_STRING_PATTERN);
        let msg = if numeric {
            format!("`{at}` is {shown}, expected a number")
        } else {
            let pats: Vec<String> =
                missed.iter().filter(|p| **p != cfgen_model::coerce::NUMERIC_STRING_PATTERN).map(|p| format!("`{p}`")).collect();
            format!("`{at}` is {shown}, which does not match {}", pats.join(" or "))
        };
        let mut d =
            Diagnostic::new(if numeric { codes::INVALID_TYPE } else { codes::INVALID_VALUE }, sev, msg).at_opt(span_of(node, &refs));
        if let Some(words) = missed.iter().find_map(|p| pattern_words(p)) {
            d = d.help(format!("expected {words}"));
        } else if let Some(n) = numeric.then(|| number_with_unit(text.as_deref().unwrap_or_default())).flatten() {
            // `memorySize: 1536MB`: v3 writes the text into the template, which CloudFormation
            // refuses.
            let unit = match path.last().map(AsRef::as_ref) {
                Some("memorySize" | "ephemeralStorageSize") => " (it is in MB)",
                Some("timeout") => " (it is in seconds)",
                _ => "",
            };
            d = d.help(format!("write the number alone: `{n}`{unit}"));
        }
        sink.diags.push(d);
        return false;
    }
    let mut expected: Vec<String> = allowed.iter().map(|a| format!("`{a}`")).collect();
    expected.extend(types.iter().map(|t| format!("{} {t}", if t.starts_with(['a', 'i', 'o']) { "an" } else { "a" })));
    let list = if expected.len() > 12 { format!("{}, ...", expected[..12].join(", ")) } else { expected.join(", ") };
    let (code, msg) = if allowed.is_empty() {
        (codes::INVALID_TYPE, format!("`{}` is {shown}, expected {list}", path.join(".")))
    } else {
        (codes::INVALID_VALUE, format!("`{}` is {shown}, which is not one of {list}", path.join(".")))
    };
    let mut d = Diagnostic::new(code, sev, msg).at_opt(span_of(node, &refs));
    if let Some(sug) = v.as_str().and_then(|x| did_you_mean(x, allowed.iter().map(String::as_str))) {
        d = d.help(format!("did you mean `{sug}`?"));
    } else if let Some(item) = v.as_array().filter(|a| a.len() == 1).and_then(|a| cfgen_model::coerce::scalar_string(&a[0])) {
        // `runtime: [python3.11]`: AJV reads a list of one as its item only for a type, not for
        // a set of values, so v3 writes the list into the template.
        if allowed.contains(&item) {
            d = d.help(format!(
                "write the value without the brackets: `{item}` (Serverless v3 writes the list as it is, which CloudFormation refuses)"
            ));
        }
    }
    sink.diags.push(d);
    false
}

/// The number of a number written with a unit (`1536MB`, `30 s`).
fn number_with_unit(text: &str) -> Option<&str> {
    let t = text.trim();
    let end = t.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (n, unit) = t.split_at(end);
    (!n.is_empty() && n.parse::<f64>().is_ok() && unit.trim().chars().all(|c| c.is_ascii_alphabetic()) && !unit.trim().is_empty())
        .then_some(n)
}

/// Plain words for the patterns users meet most (the finding quotes the pattern itself).
fn pattern_words(p: &str) -> Option<&'static str> {
    Some(match p {
        "^[a-zA-Z][0-9a-zA-Z-]+$" => "a letter, then at least one letter, digit or `-`",
        "^[a-zA-Z][a-zA-Z0-9-]*$" => "a letter, then letters, digits or `-`",
        "^[a-zA-Z0-9-_]+$" => "letters, digits, `-` or `_`",
        "^[A-Za-z0-9/_+=,.@-]{1,64}$" => "1 to 64 letters, digits or `/_+=,.@-`",
        "^\\d{12}$" => "a 12-digit AWS account id",
        "^[a-z]{2}(-[a-z]+)+-\\d$" => "an AWS region such as `us-east-1`",
        "^arn:" => "an ARN (`arn:...`)",
        r"^((arn:[a-zA-Z0-9-]+:lambda:[a-zA-Z0-9-]+:\d{12}:layer:[a-zA-Z0-9-_]+)|[a-zA-Z0-9-_]+)$" => {
            "letters, digits, `-` or `_`, or a layer ARN (`arn:aws:lambda:<region>:<account>:layer:<name>`)"
        }
        r"^(\.\/?|(\.\/)?\.\.(\/\.\.)*\/?)$" => "`.`, `..` or a chain of them such as `../..`",
        r"^\d+\.dkr\.ecr\.[a-z0-9-]+..amazonaws.com\/([^@]+)|([^@:]+@sha256:[a-f0-9]{64})$" => {
            "an ECR image URI: `<account>.dkr.ecr.<region>.amazonaws.com/<repository>` with `:<tag>` or `@sha256:<digest>`"
        }
        "^[a-z0-9][a-z0-9.-]*[a-z0-9]$" => "lowercase letters, digits, `.` and `-`, starting and ending with a letter or digit",
        cfgen_model::coerce::ENV_NAME_PATTERN => "a letter or `_`, then letters, digits or `_`",
        cfgen_model::coerce::TAG_KEY_PATTERN | cfgen_model::coerce::TAG_KEY_RESERVED => {
            "1 to 128 letters, digits, spaces or `_./=+:-`, not starting with `aws:`"
        }
        _ => return None,
    })
}

/// A key the schema marks deprecated: a warning naming Serverless' deprecation code (which
/// `disabledDeprecations` can silence) and what replaces it.
fn deprecated(k: &str, path: &[Cow<str>], node: &Node, diags: &mut Vec<Diagnostic>) {
    let (code, instead) = match (path.first().map(AsRef::as_ref), k) {
        (_, "include" | "exclude") => ("PACKAGE_PATTERNS", "use `package.patterns` (`!` excludes)".to_string()),
        (Some("provider"), "iamRoleStatements") => ("PROVIDER_IAM_SETTINGS_V3", "use `provider.iam.role.statements`".into()),
        (Some("provider"), "iamManagedPolicies") => ("PROVIDER_IAM_SETTINGS_V3", "use `provider.iam.role.managedPolicies`".into()),
        (Some("provider"), "role") => ("PROVIDER_IAM_SETTINGS_V3", "use `provider.iam.role`".into()),
        (Some("provider"), "rolePermissionsBoundary") => ("PROVIDER_IAM_SETTINGS_V3", "use `provider.iam.role.permissionsBoundary`".into()),
        (Some("provider"), "cfnRole") => ("PROVIDER_IAM_SETTINGS_V3", "use `provider.iam.deploymentRole`".into()),
        (Some("provider"), "permissionBoundary") => ("PROVIDER_IAM_SETTINGS_V3", "use `provider.iam.role.permissionsBoundary`".into()),
        (_, "console") => ("CONSOLE_CONFIGURATION", "remove it: it has no effect".into()),
        (_, "projectDir") => ("PROJECT_DIR", "remove it: it has no effect".into()),
        (_, "variablesResolutionMode") => ("VARIABLES_RESOLUTION_MODE", "remove it: it has no effect".into()),
        _ => return,
    };
    let disabled = match node.get("disabledDeprecations").map(|n| n.to_json()) {
        Some(Value::String(s)) => s == "*" || s == code,
        Some(Value::Array(a)) => a.iter().any(|x| x == "*" || x == code),
        _ => false,
    };
    if disabled {
        return;
    }
    let refs: Vec<&str> = path.iter().map(AsRef::as_ref).collect();
    diags.push(
        Diagnostic::warning(codes::DEPRECATED, format!("`{}` is deprecated ({code})", path.join(".")))
            .at_opt(key_span(node, &refs))
            .help(instead),
    );
}

/// The runtime Serverless v3 deploys functions with when none is set.
pub const DEFAULT_RUNTIME: &str = "nodejs16.x";

/// The day [`RUNTIMES`] was last brought up to date. The dates below are compared with it, not
/// with the clock: a build gives the same findings on any day. Update both together.
pub const RUNTIMES_AS_OF: &str = "2026-11-27";

/// Lambda runtimes and their lifecycle: identifier, deprecation, function creation blocked,
/// function update blocked (ISO dates; empty: none announced). The dates are those of
/// `cfnlint/data/AdditionalSpecs/LmbdRuntimeLifecycle.json` in cfn-lint 1.58.0 (MIT-0, the
/// version `.ci/run` and `schemas/aws/` pin; it follows AWS's "Lambda runtimes" page), plus
/// runtimes retired before that file starts (nodejs4.3, nodejs6.10, nodejs8.10, ...). A runtime
/// missing here is unknown to cfgen.
pub const RUNTIMES: &[(&str, &str, &str, &str)] = &[
    ("nodejs", "2016-08-30", "2016-09-30", "2016-10-31"),
    ("nodejs4.3", "2020-03-05", "2020-02-03", "2020-03-05"),
    ("nodejs4.3-edge", "2020-03-05", "2019-03-31", "2019-04-30"),
    ("nodejs6.10", "2019-08-12", "2019-07-12", "2019-08-12"),
    ("nodejs8.10", "2020-03-06", "2020-02-04", "2020-03-06"),
    ("nodejs10.x", "2021-07-30", "2021-07-30", "2022-02-14"),
    ("nodejs12.x", "2023-03-31", "2023-03-31", "2023-04-30"),
    ("nodejs14.x", "2023-12-04", "2024-01-09", "2027-03-03"),
    ("nodejs16.x", "2024-06-12", "2027-02-01", "2027-03-03"),
    ("nodejs18.x", "2025-09-01", "2027-02-01", "2027-03-03"),
    ("nodejs20.x", "2026-04-30", "2027-02-01", "2027-03-03"),
    ("nodejs22.x", "2027-04-30", "2027-06-01", "2027-07-01"),
    ("nodejs24.x", "2028-04-30", "2028-06-01", "2028-07-01"),
    ("python2.7", "2021-07-15", "2021-07-15", "2022-05-30"),
    ("python3.6", "2022-07-18", "2022-07-18", "2022-08-29"),
    ("python3.7", "2023-12-04", "2024-01-09", "2027-03-03"),
    ("python3.8", "2024-10-14", "2027-02-01", "2027-03-03"),
    ("python3.9", "2025-12-15", "2027-02-01", "2027-03-03"),
    ("python3.10", "2026-10-31", "2027-02-01", "2027-03-03"),
    ("python3.11", "2027-06-30", "2027-07-31", "2027-08-31"),
    ("python3.12", "2028-10-31", "2028-11-30", "2029-01-10"),
    ("python3.13", "2029-06-30", "2029-07-31", "2029-08-31"),
    ("python3.14", "2029-06-30", "2029-07-31", "2029-08-31"),
    ("ruby2.5", "2021-07-30", "2021-07-30", "2022-03-31"),
    ("ruby2.7", "2023-12-07", "2024-01-09", "2027-03-03"),
    ("ruby3.2", "2026-03-31", "2027-02-01", "2027-03-03"),
    ("ruby3.3", "2027-03-31", "2027-04-30", "2027-05-31"),
    ("ruby3.4", "2028-03-31", "2028-04-30", "2028-05-31"),
    ("java8", "2024-01-08", "2024-02-08", "2027-03-03"),
    ("java8.al2", "2027-06-30", "2027-07-31", "2027-08-31"),
    ("java11", "2027-06-30", "2027-07-31", "2027-08-31"),
    ("java17", "2027-06-30", "2027-07-31", "2027-08-31"),
    ("java21", "2029-06-30", "2029-07-31", "2029-08-31"),
    ("java25", "2029-06-30", "2029-07-31", "2029-08-31"),
    ("go1.x", "2024-01-08", "2024-02-08", "2027-03-03"),
    ("provided", "2024-01-08", "2024-02-08", "2027-03-03"),
    ("provided.al2", "2026-07-31", "2027-02-01", "2027-03-03"),
    ("provided.al2023", "2029-06-30", "2029-07-31", "2029-08-31"),
    ("dotnetcore1.0", "2019-06-27", "2019-06-30", "2019-07-30"),
    ("dotnetcore2.0", "2019-05-30", "2019-04-30", "2019-05-30"),
    ("dotnetcore2.1", "2022-01-05", "2022-01-05", "2022-04-13"),
    ("dotnetcore3.1", "2023-04-03", "2023-04-03", "2023-05-03"),
    ("dotnet6", "2024-12-20", "2027-02-01", "2027-03-03"),
    ("dotnet7", "2024-05-14", "", ""),
    ("dotnet8", "2026-11-10", "2027-02-01", "2027-03-03"),
    ("dotnet10", "2028-11-14", "2028-12-14", "2029-01-15"),
    ("dotnet9", "2026-11-10", "", ""),
    ("ruby4.0", "2029-03-31", "2029-04-30", "2029-05-31"),
];

/// Where a runtime stands on [`RUNTIMES_AS_OF`].
#[derive(Debug, PartialEq, Eq)]
pub enum RuntimeStatus {
    Supported,
    Unknown,
    /// Deprecated on the date; creating and updating functions still allowed (dates ahead, if announced).
    Deprecated {
        since: &'static str,
        create_blocked: &'static str,
        update_blocked: &'static str,
    },
    /// Creating new functions is blocked since the date; updates are still allowed until `update_blocked`.
    CreateBlocked {
        since: &'static str,
        create_blocked: &'static str,
        update_blocked: &'static str,
    },
    /// Neither creation nor updates are allowed.
    Blocked {
        since: &'static str,
        create_blocked: &'static str,
        update_blocked: &'static str,
    },
}

pub fn runtime_status(rt: &str) -> RuntimeStatus {
    let Some(&(_, dep, create, update)) = RUNTIMES.iter().find(|r| r.0 == rt) else { return RuntimeStatus::Unknown };
    let past = |d: &str| !d.is_empty() && d <= RUNTIMES_AS_OF;
    if past(update) {
        RuntimeStatus::Blocked { since: dep, create_blocked: create, update_blocked: update }
    } else if past(create) {
        RuntimeStatus::CreateBlocked { since: dep, create_blocked: create, update_blocked: update }
    } else if past(dep) {
        RuntimeStatus::Deprecated { since: dep, create_blocked: create, update_blocked: update }
    } else {
        RuntimeStatus::Supported
    }
}

/// A known runtime `rt` is probably a misspelling of: none when `rt` names a known family
/// (`python3.99`, `nodejs26.x` are versions cfgen's table does not have yet, not typos).
fn near_runtime(rt: &str) -> Option<&'static str> {
    // A runtime's shape: its text with every run of digits made one `#` (`python#.#`,
    // `nodejs#.x`). The same shape as a known runtime is a newer version of its family.
    let shape = |r: &str| {
        let mut out = String::new();
        for c in r.chars() {
            if !c.is_ascii_digit() {
                out.push(c);
            } else if !out.ends_with('#') {
                out.push('#');
            }
        }
        out
    };
    let mine = shape(rt);
    if RUNTIMES.iter().any(|r| shape(r.0) == mine) {
        return None;
    }
    did_you_mean(rt, RUNTIMES.iter().map(|r| r.0))
}

const RUNTIME_HELP: &str = "move to a supported runtime (e.g. python3.13, nodejs22.x, java21, provided.al2023)";

/// The finding for runtime `rt` written at `span` (`note` says where it came from). Blocked
/// runtimes are errors under `cfgen validate` (unless `--allow-deprecated-runtimes`), warnings
/// in `cfgen build`; a runtime cfgen does not know has severity `unknown`.
fn runtime_finding(rt: &str, span: Option<Span>, note: &str, opts: &BuildOptions, unknown: Severity, diags: &mut Vec<Diagnostic>) {
    let ahead = |d: &str, what: &str| if d.is_empty() { String::new() } else { format!("; {what} from {d}") };
    let status = runtime_status(rt);
    // An old runtime v3's list no longer has (`nodejs12.x`): v3's schema refuses it under
    // `configValidationMode: error` (`unknown` is then an error), as it does an unknown one. A
    // runtime newer than v3 knows is supported by AWS and returns here.
    let dropped = unknown == Severity::Error && status != RuntimeStatus::Unknown && !cfgen_model::cf::LAMBDA_RUNTIMES.contains(&rt);
    let d = match status {
        RuntimeStatus::Supported => return,
        RuntimeStatus::Unknown => Diagnostic::new(
            codes::RUNTIME_DEPRECATED,
            unknown,
            format!("runtime `{rt}`{note} is not a Lambda runtime cfgen knows (its table is of {RUNTIMES_AS_OF})"),
        )
        .help({
            let why = if unknown == Severity::Error {
                "Serverless v3 refuses a runtime outside its list under `configValidationMode: error`"
            } else {
                "a runtime newer than cfgen's table builds as written"
            };
            match near_runtime(rt) {
                Some(near) => format!("did you mean `{near}`? ({why}; `cfgen explain CFG403` explains)"),
                None if unknown == Severity::Error => format!("check the spelling ({why}); `cfgen explain CFG403` explains"),
                None => "check the spelling; `cfgen explain CFG403` explains".to_string(),
            }
        }),
        RuntimeStatus::Deprecated { since, create_blocked, update_blocked } => Diagnostic::warning(
            codes::RUNTIME_DEPRECATED,
            format!(
                "runtime `{rt}`{note} is deprecated by AWS (since {since}){}{}",
                ahead(create_blocked, "creating functions with it is blocked"),
                ahead(update_blocked, "updating them")
            ),
        ),
        RuntimeStatus::CreateBlocked { since, create_blocked, update_blocked } => Diagnostic::warning(
            codes::RUNTIME_DEPRECATED,
            format!(
                "runtime `{rt}`{note} is deprecated by AWS (since {since}); creating functions with it is blocked since {create_blocked}{}",
                ahead(update_blocked, "updating them")
            ),
        ),
        RuntimeStatus::Blocked { since, create_blocked, update_blocked } => {
            let sev = if opts.checks.validate && !opts.checks.allow_deprecated_runtimes { Severity::Error } else { Severity::Warning };
            Diagnostic::new(
                codes::RUNTIME_BLOCKED,
                sev,
                format!(
                    "runtime `{rt}`{note} is deprecated by AWS (since {since}); AWS blocks creating functions with it since {create_blocked} and updating them since {update_blocked}"
                ),
            )
        }
    };
    let mut d = if d.help.is_none() { d.help(RUNTIME_HELP) } else { d };
    if dropped {
        d.severity = Severity::Error;
        d.message.push_str("; Serverless v3's list no longer has it, and v3 refuses it under `configValidationMode: error`");
    }
    diags.push(d.at_opt(span));
}

/// Whether the npm semver range `range` admits `v` (enough of node-semver for frameworkVersion:
/// `*`, `x`, partial versions, `^`, `~`, comparators, hyphen-free `||` alternatives).
pub fn semver_range_admits(range: &str, v: (u64, u64, u64)) -> bool {
    range.split("||").any(|alt| {
        let alt = alt.trim();
        if alt.is_empty() || alt == "*" || alt == "x" || alt == "latest" {
            return true;
        }
        alt.split_whitespace().all(|c| comparator_admits(c, v))
    })
}

fn parse_partial(s: &str) -> Vec<Option<u64>> {
    s.trim_start_matches('v')
        .split(['-', '+'])
        .next()
        .unwrap_or("")
        .split('.')
        .map(|p| if p == "x" || p == "X" || p == "*" { None } else { p.parse().ok() })
        .collect()
}

fn comparator_admits(c: &str, v: (u64, u64, u64)) -> bool {
    let (op, rest) = ["<=", ">=", "<", ">", "=", "^", "~"].iter().find_map(|op| c.strip_prefix(op).map(|r| (*op, r))).unwrap_or(("", c));
    let p = parse_partial(rest);
    let get = |i: usize| p.get(i).copied().flatten();
    let (ma, mi, pa) = (get(0), get(1), get(2));
    let lo = (ma.unwrap_or(0), mi.unwrap_or(0), pa.unwrap_or(0));
    let vv = v;
    match op {
        ">=" => vv >= lo,
        ">" => match (ma, mi, pa) {
            (Some(a), None, _) => vv.0 > a,
            (Some(a), Some(b), None) => (vv.0, vv.1) > (a, b),
            _ => vv > lo,
        },
        "<" => vv < lo,
        "<=" => match (ma, mi, pa) {
            (Some(a), None, _) => vv.0 <= a,
            (Some(a), Some(b), None) => (vv.0, vv.1) <= (a, b),
            _ => vv <= lo,
        },
        "^" => {
            let Some(a) = ma else { return true };
            if a > 0 {
                vv >= lo && vv.0 == a
            } else if let Some(b) = mi {
                vv >= lo && vv.0 == 0 && (b > 0 && vv.1 == b || b == 0 && pa.is_none_or(|x| vv.2 == x) && vv.1 == 0)
            } else {
                vv.0 == 0
            }
        }
        "~" => {
            let Some(a) = ma else { return true };
            match mi {
                Some(b) => vv >= lo && vv.0 == a && vv.1 == b,
                None => vv.0 == a,
            }
        }
        _ => match (ma, mi, pa) {
            (None, _, _) => true,
            (Some(a), None, _) => vv.0 == a,
            (Some(a), Some(b), None) => vv.0 == a && vv.1 == b,
            (Some(_), Some(_), Some(_)) => vv == lo,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misspelt_runtime_gets_a_near_one_and_a_newer_version_does_not() {
        assert_eq!(near_runtime("pyton3.12"), Some("python3.12"));
        assert_eq!(near_runtime("nodjs20.x"), Some("nodejs20.x"));
        assert_eq!(near_runtime("python3.99"), None);
        assert_eq!(near_runtime("nodejs26.x"), None);
        assert_eq!(near_runtime("python3.11x"), Some("python3.11"));
        assert_eq!(near_runtime("nodejs20"), Some("nodejs20.x"));
    }

    #[test]
    fn serde_messages_lose_rust_type_names() {
        let untagged = "data did not match any variant of untagged enum OneOrMany".to_string();
        assert_eq!(plain_words(untagged), "the value has none of the shapes this setting takes (`cfgen schema` lists them)");
        let typed = "invalid type: string \"x\", expected a sequence".to_string();
        assert_eq!(plain_words(typed.clone()), typed);
    }

    #[test]
    fn a_number_with_its_unit_is_read_for_the_help() {
        assert_eq!(number_with_unit("1536MB"), Some("1536"));
        assert_eq!(number_with_unit(" 30 s "), Some("30"));
        assert_eq!(number_with_unit("1.5GB"), Some("1.5"));
        assert_eq!(number_with_unit("lots"), None);
        assert_eq!(number_with_unit("128"), None);
        assert_eq!(number_with_unit("12MB3"), None);
    }

    /// Every `pattern` of the validator's schema compiles (one that did not would go unchecked),
    /// and a few read as Serverless' AJV (JavaScript, no `u` flag) reads them.
    /// What ajv-formats 2.1.1 (full mode) said of each, in v3's own node_modules.
    #[test]
    fn uri_format_as_ajv_formats() {
        for (s, ok) in [
            ("s3://bucket.s3.amazonaws.com/files", true),
            ("https://example.com", true),
            ("HTTPS://EXAMPLE.COM/A", true),
            ("http://1.2.3.4:80/", true),
            ("http://a%20b.com/x?y=1#z", true),
            ("https://[2001:db8::1]/x", true),
            ("http://a.example.com:8080:9/x", true),
            ("mailto:a@b.c", true),
            ("urn:isbn:123", true),
            ("example.com", false),
            ("http://<your-bucket>.s3-website.<your-region>.amazonaws.com", false),
            ("https://example.com/a b", false),
            ("s3://Assets.S3.amazonaws.com\\static", false),
            (" https://api.example.com/v1", false),
            ("http://a[b].example.com/x", false),
            ("https://%zz@example.com/x", false),
            ("https://b\u{fc}cher.example/x", false),
        ] {
            assert_eq!(is_uri(s), ok, "{s}");
        }
    }

    /// ajv-formats 2.1.1's own answers (`fullFormats["date-time"]`, run with Node 20).
    #[test]
    fn date_time_format_as_ajv_formats() {
        let re = Regex::new(DATE_TIME_FORMAT).unwrap();
        for (s, ok) in [
            ("2025-01-31T00:00:00Z", true),
            ("2025-01-31t00:00:00z", true),
            ("2025-01-31 10:00:00", true),
            ("2025-01-31T10:00:00.123+05:30", true),
            ("2025-01-31T10:00:00+0530", true),
            ("2025-01-31T10:00:00+05", true),
            ("2024-02-29T00:00:00Z", true),
            ("2023-02-29T00:00:00Z", false),
            ("2000-02-29T00:00:00Z", true),
            ("1900-02-29T00:00:00Z", false),
            ("1600-02-29T00:00:00Z", true),
            ("2025-04-31T00:00:00Z", false),
            ("2025-13-01T00:00:00Z", false),
            ("2025-00-10T00:00:00Z", false),
            ("2025-01-00T00:00:00Z", false),
            ("2025-01-31T24:00:00Z", false),
            ("2025-01-31T23:59:60Z", true),
            ("2025-01-31T22:59:60Z", false),
            ("2025-01-31T10:60:00Z", false),
            ("2025-01-31", false),
            ("2025-01-31T10:00Z", false),
            ("2025-01-31TT10:00:00Z", false),
            ("2025-01-31T10:00:00 Z", false),
            ("2025-01-31\u{a0}10:00:00Z", true),
            ("2025-01-31\u{2028}10:00:00Z", true),
            ("2025-01-31\u{85}10:00:00Z", false),
            ("2025-01-31\u{feff}10:00:00Z", true),
            ("2025-1-31T10:00:00Z", false),
            ("\u{ff12}\u{ff10}\u{ff12}\u{ff15}-01-31T10:00:00Z", false),
            ("2025-01-31T10:00:00.Z", false),
            ("2025-01-31T10:00:00+05:3", false),
            ("2025-01-31T10:00:00-00:00", true),
        ] {
            assert_eq!(re.is_match(s), ok, "{s:?}");
        }
    }

    #[test]
    fn every_schema_pattern_compiles() {
        fn patterns(v: SValue, out: &mut Vec<&'static str>) {
            match v.kind() {
                Kind::Object(o) => {
                    out.extend(o.get("pattern").and_then(SValue::as_str));
                    o.values().for_each(|x| patterns(x, out));
                }
                Kind::Array(a) => a.iter().for_each(|x| patterns(x, out)),
                _ => {}
            }
        }
        let schema = crate::schema::validation_schema();
        let mut found = Vec::new();
        patterns(schema.root(), &mut found);
        for def in schema.definitions().values() {
            patterns(def, &mut found);
        }
        found.sort_unstable();
        found.dedup();
        assert!(found.len() > 40, "only {} patterns found", found.len());
        for p in &found {
            assert!(Regex::new(p).is_ok(), "pattern {p} does not compile");
        }
        let is = |p: &str, s: &str| Regex::new(p).expect("compiles").is_match(s);
        // `-` after a range is a literal, as in JavaScript.
        assert!(is("^[a-zA-Z0-9-_]+$", "a-b_c") && !is("^[a-zA-Z0-9-_]+$", "a:b"));
        // `\d` is ASCII only.
        assert!(is("^\\d{12}$", "123456789012") && !is("^\\d{12}$", "１２３４５６７８９０１２"));
        assert!(is(cfgen_model::coerce::NUMERIC_STRING_PATTERN, " -1.5e3 ") && !is(cfgen_model::coerce::NUMERIC_STRING_PATTERN, "10s"));
    }

    #[test]
    fn patterns_check_strings_of_the_right_type_only() {
        let mut diags = Vec::new();
        let mut sink = Sink::new(&mut diags);
        let alt = crate::static_value::leaked(&serde_json::json!({"type": ["string", "number"], "pattern": "^[a-z]+$"}));
        let a = sink.accept_of(alt);
        assert!(a.takes(&Value::String("abc".into())));
        assert!(!a.takes(&Value::String("ABC".into())));
        // Numbers are not strings: the pattern does not apply.
        assert!(a.takes(&serde_json::json!(5)));
        assert!(!a.takes(&Value::Bool(true)));
        // Past the length cap a string is not matched at all.
        assert!(a.takes(&Value::String("A".repeat(MAX_PATTERN_INPUT + 1))));
    }

    #[test]
    fn runtime_lifecycle_is_data() {
        assert!(matches!(runtime_status("python3.6"), RuntimeStatus::Blocked { update_blocked: "2022-08-29", .. }));
        assert!(matches!(runtime_status("nodejs12.x"), RuntimeStatus::Blocked { .. }));
        // Deprecated, creation blocked from 2027-02-01 (cfn-lint 1.58.0 data): still updatable today.
        assert!(matches!(runtime_status("nodejs16.x"), RuntimeStatus::Deprecated { .. }));
        assert!(matches!(runtime_status("python3.10"), RuntimeStatus::Deprecated { .. }));
        assert_eq!(runtime_status("python3.12"), RuntimeStatus::Supported);
        assert_eq!(runtime_status("provided.al2023"), RuntimeStatus::Supported);
        assert_eq!(runtime_status("cobol1.0"), RuntimeStatus::Unknown);
        // Every row: known dates are ISO dates, in order, none after the table's own date is blocked.
        for (rt, dep, create, update) in RUNTIMES {
            for d in [dep, create, update].into_iter().filter(|d| !d.is_empty()) {
                assert!(d.len() == 10 && d.as_bytes()[4] == b'-' && d.as_bytes()[7] == b'-', "{rt}: {d}");
            }
            if !create.is_empty() && !update.is_empty() {
                assert!(create <= update, "{rt}");
            }
        }
        assert!(RUNTIMES.iter().any(|r| r.0 == DEFAULT_RUNTIME));
    }

    #[test]
    fn framework_versions() {
        let v = (3, 40, 0);
        for ok in ["3", "*", "^3.0.0", ">=3.0.0 <4.0.0", "~3.40", "2 || 3", ">=1.0.0", "3.x"] {
            assert!(semver_range_admits(ok, v), "{ok}");
        }
        for bad in [">=1.2.0 <2.0.0", "^2.0.0", "2", "<3", "~3.38.0", "4"] {
            assert!(!semver_range_admits(bad, v), "{bad}");
        }
    }
}
