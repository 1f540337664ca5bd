//! `schemas/serverless.schema.json` is `cfgen schema`'s output, checked in for editors; this
//! test fails when the model changed and the file was not regenerated
//! (`CFGEN_BLESS=1 cargo test -p cfgen-tests --test schema` rewrites it).

use std::path::Path;

#[test]
fn checked_in_schema_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/serverless.schema.json");
    let current = cfgen_core::schema::schema_json() + "\n";
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    if std::env::var_os("CFGEN_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &current).expect("write schema");
        return;
    }
    assert!(on_disk == current, "{} is stale: run CFGEN_BLESS=1 cargo test -p cfgen-tests --test schema and commit it", path.display());
}

#[test]
fn schema_is_draft07_and_describes_functions() {
    let v: serde_json::Value = serde_json::from_str(&cfgen_core::schema::schema_json()).expect("schema is JSON");
    assert_eq!(v["$schema"], "http://json-schema.org/draft-07/schema#");
    let defs = v.get("definitions").and_then(|d| d.as_object()).expect("definitions");
    let function = &defs["Function"]["properties"];
    for key in ["handler", "memorySize", "timeout", "environment", "events", "layers", "vpc", "url"] {
        assert!(function.get(key).is_some(), "Function schema lacks `{key}`");
        assert!(function[key].get("description").is_some(), "`{key}` has no description");
    }
}

/// Every golden ok input, as written (variables unresolved, short-form tags parsed), is valid
/// against the checked-in schema under a real JSON Schema validator, except on the lines where
/// cfgen itself reports a schema finding (the `validation-*` cases pin those warnings).
#[test]
fn golden_ok_inputs_are_valid_against_the_schema() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("schemas/serverless.schema.json")).expect("schema file"))
            .expect("schema JSON");
    let validator = jsonschema::options().with_draft(jsonschema::Draft::Draft7).build(&schema).expect("the schema compiles");
    // The validator does reject what the schema excludes (a misspelt key, a wrong type).
    assert!(!validator.is_valid(&serde_json::json!({"service": "demo", "provider": {"name": "aws", "memorySiz": 1}})));
    assert!(!validator.is_valid(&serde_json::json!({"service": "demo", "functions": {"f": {"handler": ["x"]}}})));
    assert!(validator.is_valid(&serde_json::json!({"service": "demo", "provider": {"name": "aws", "memorySize": "${self:custom.mem}"}})));
    let mut checked = 0;
    let mut failures = Vec::new();
    for area in std::fs::read_dir(root.join("golden/ok")).expect("golden/ok") {
        let area = area.expect("entry").path();
        for case in std::fs::read_dir(&area).expect("area") {
            let case = case.expect("entry").path();
            let file = case.join("serverless.yml");
            let Ok(src) = std::fs::read_to_string(&file) else { continue };
            let mut sources = cfgen_syntax::SourceMap::new();
            let id = sources.add("serverless.yml", &src);
            let node = cfgen_syntax::yaml::load(&src, id).expect("golden ok inputs parse");
            let doc = node.to_json();
            // The lines cfgen flags itself (CFG2xx) are expected to be flagged by the schema too.
            let expected = std::fs::read_to_string(case.join("diagnostics.txt")).unwrap_or_default();
            let flagged_by_cfgen = expected.lines().any(|l| l.starts_with("warning[CFG2") || l.starts_with("error[CFG2"));
            checked += 1;
            let errors: Vec<String> = validator.iter_errors(&doc).map(|e| format!("{}: {e}", e.instance_path())).collect();
            if !errors.is_empty() && !flagged_by_cfgen {
                failures.push(format!("{}:\n    {}", file.display(), errors.iter().take(5).cloned().collect::<Vec<_>>().join("\n    ")));
            }
        }
    }
    assert!(checked > 200, "only {checked} golden ok inputs found");
    assert!(failures.is_empty(), "{} golden ok inputs are invalid against the schema:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_event_type_the_compiler_knows_has_a_shape() {
    let v = cfgen_core::schema::schema_value();
    let event = v["definitions"]["Event"]["properties"].as_object().expect("Event properties");
    // `stepFunctions` is accepted by cfgen but is not a function event of Serverless v3's schema.
    for ty in cfgen_core::events::EVENT_TYPES.iter().filter(|t| **t != "stepFunctions") {
        let shape = event.get(*ty).unwrap_or_else(|| panic!("no shape for `{ty}` events"));
        assert!(shape.get("description").is_some(), "`{ty}` has no description");
    }
    for key in event.keys().filter(|k| *k != "__schemaWorkaround__") {
        assert!(cfgen_core::events::EVENT_TYPES.contains(&key.as_str()), "`{key}` is not an event type the compiler knows");
    }
    // `functions.<key>.events` items are these shapes.
    let events = serde_json::to_string(&v["definitions"]["Function"]["properties"]["events"]).unwrap_or_default();
    assert!(events.contains("#/definitions/Event"), "functions.*.events does not use the Event shape: {events}");
}

/// Every property reachable from the top level, outside `functions` (described by the
/// function shapes), has a description, so editors show what it does.
#[test]
fn every_property_outside_functions_is_described() {
    let v: serde_json::Value = serde_json::from_str(&cfgen_core::schema::schema_json()).expect("schema is JSON");
    let mut missing = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (k, sub) in v["properties"].as_object().expect("properties") {
        if k == "functions" {
            continue;
        }
        if sub.get("description").is_none() {
            missing.push(k.clone());
        }
        described(sub, &v, k, &mut seen, &mut missing);
    }
    assert!(missing.is_empty(), "properties without a description: {missing:?}");
}

fn described(
    s: &serde_json::Value,
    root: &serde_json::Value,
    at: &str,
    seen: &mut std::collections::HashSet<String>,
    missing: &mut Vec<String>,
) {
    let Some(o) = s.as_object() else { return };
    if let Some(r) = o.get("$ref").and_then(|r| r.as_str()) {
        let name = r.rsplit('/').next().unwrap_or_default();
        if name != "Function" && seen.insert(name.to_string()) {
            described(&root["definitions"][name], root, name, seen, missing);
        }
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        for alt in o.get(key).and_then(|a| a.as_array()).into_iter().flatten() {
            described(alt, root, at, seen, missing);
        }
    }
    for (k, sub) in o.get("properties").and_then(|p| p.as_object()).into_iter().flatten() {
        if sub.get("description").is_none() {
            missing.push(format!("{at}.{k}"));
        }
        described(sub, root, &format!("{at}.{k}"), seen, missing);
    }
    for key in ["additionalProperties", "items"] {
        if let Some(sub) = o.get(key) {
            described(sub, root, at, seen, missing);
        }
    }
}

const SHAPES: &str = include_str!("data/provider-shapes.yml");

/// The messages of the unknown-key findings of a build of `src`.
fn unknown_keys(src: &str) -> Vec<String> {
    let mut host = cfgen_core::MemoryHost::default();
    host.files.insert("app.js".into(), b"exports.handler = async () => 1;\n".to_vec());
    let opts = cfgen_core::BuildOptions { stage: Some("dev".into()), region: Some("us-east-1".into()), ..Default::default() };
    let out = cfgen_core::build(src, "serverless.yml", &opts, &host);
    out.diagnostics
        .iter()
        .filter(|d| d.code == cfgen_syntax::codes::UNKNOWN_KEY && d.message.starts_with("unknown key"))
        .map(|d| format!("{} ({})", d.message, d.help.clone().unwrap_or_default()))
        .collect()
}

#[test]
fn valid_provider_sections_have_no_unknown_keys() {
    assert_eq!(unknown_keys(SHAPES), Vec::<String>::new());
}

/// The shapes are closed where Serverless v3's are: a misspelt key deep in each section is
/// reported, with the right spelling suggested.
#[test]
fn misspelt_keys_in_provider_sections_are_reported() {
    let cases = [
        ("    maxAge: 60", "    maxAgee: 60", "unknown key `maxAgee` in `provider.httpApi.cors`", "maxAge"),
        (
            "        userPoolDomain: d",
            "        userPoolDomian: d",
            "unknown key `userPoolDomian` in `provider.alb.authorizers.cog`",
            "userPoolDomain",
        ),
        (
            "      versioningConfiguration:",
            "      versioningConfig:",
            "unknown key `versioningConfig` in `provider.s3.uploads`",
            "versioningConfiguration",
        ),
        (
            "          EnableAcceptEncodingGzip: true",
            "          EnableAcceptEncodingGZip: true",
            "unknown key `EnableAcceptEncodingGZip` in `provider.cloudFront.cachePolicies.p.ParametersInCacheKeyAndForwardedToOrigin`",
            "EnableAcceptEncodingGzip",
        ),
        (
            "      permissionsBoundary: arn",
            "      permissionsBoundry: arn",
            "unknown key `permissionsBoundry` in `provider.iam.role`",
            "permissionsBoundary",
        ),
        ("    scanOnPush: true", "    scanOnPsh: true", "unknown key `scanOnPsh` in `provider.ecr`", "scanOnPush"),
        ("    logIngestMode: pull", "    logIngestMod: pull", "unknown key `logIngestMod` in `custom.enterprise`", "logIngestMode"),
        ("  localPath: ./plugins", "  localPth: ./plugins", "unknown key `localPth` in `plugins`", "localPath"),
        (
            "      UpdateReplacePolicy: Retain",
            "      UpdateReplacePolicyy: Retain",
            "unknown key `UpdateReplacePolicyy` in `resources.Resources.Q`",
            "UpdateReplacePolicy",
        ),
        ("{Name: AWS::Include", "{Nam: AWS::Include", "unknown key `Nam` in `resources.Resources.Fn::Transform`", "Name"),
        (
            "    RollbackTriggers:",
            "    RollbackTrigger:",
            "unknown key `RollbackTrigger` in `provider.rollbackConfiguration`",
            "RollbackTriggers",
        ),
        // Inside lists.
        ("    - ParameterKey: P", "    - ParameterKy: P", "unknown key `ParameterKy` in `provider.stackParameters.0`", "ParameterKey"),
        (
            "        Condition: {IpAddress",
            "        Conditon: {IpAddress",
            "unknown key `Conditon` in `provider.apiGateway.resourcePolicy.0`",
            "Condition",
        ),
        (
            "{AllowedMethods: [GET]",
            "{AllowedMethod: [GET]",
            "unknown key `AllowedMethod` in `provider.s3.uploads.corsConfiguration.CorsRules.0`",
            "AllowedMethods",
        ),
    ];
    for (from, to, message, suggestion) in cases {
        assert!(SHAPES.contains(from), "fixture lacks `{from}`");
        let found = unknown_keys(&SHAPES.replacen(from, to, 1));
        assert_eq!(found, vec![format!("{message} (did you mean `{suggestion}`?)")], "after replacing `{from}`");
    }
}

/// `docs/diagnostics.md` is generated from the code table (`codes::ALL`), the one place codes are
/// defined (`CFGEN_BLESS=1` rewrites it).
#[test]
fn diagnostics_doc_is_generated_from_the_code_table() {
    let mut doc = String::from(
        "# cfgen diagnostic codes\n\nGenerated from `codes::ALL` in `crates/cfgen-syntax/src/diagnostic.rs` (do not edit; \
         `CFGEN_BLESS=1 cargo test -p cfgen-tests --test schema` rewrites it). `cfgen explain CODE` prints the same.\n\n\
         Families: `CFG1xx` syntax, `CFG2xx` schema, `CFG3xx` variables, `CFG4xx` compile, `CFG5xx` checks of the emitted template.\n\n\
         | code | name | meaning |\n|---|---|---|\n",
    );
    for c in cfgen_syntax::codes::ALL {
        doc.push_str(&format!("| `{}` | `{}` | {} |\n", c.id, c.name, c.summary.replace('|', "\\|")));
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/diagnostics.md");
    if std::env::var_os("CFGEN_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &doc).expect("write docs/diagnostics.md");
        return;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(on_disk == doc, "{} is stale: run CFGEN_BLESS=1 cargo test -p cfgen-tests --test schema", path.display());
    assert!(cfgen_syntax::codes::ALL.len() > 40, "the code table looks empty");
}

/// `crates/cfgen-core/src/check/cfn_schemas.rs` (the CloudFormation schemas the check walks,
/// as static values) is generated from `schemas/aws/resources.jsonl` (`CFGEN_BLESS=1` rewrites it).
#[test]
fn checked_in_cfn_schemas_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let jsonl = std::fs::read_to_string(root.join("schemas/aws/resources.jsonl")).expect("read schemas/aws/resources.jsonl");
    let current = cfgen_core::check::cfn::tables_source(&jsonl).expect("resources.jsonl reads");
    let path = root.join("crates/cfgen-core/src/check/cfn_schemas.rs");
    if std::env::var_os("CFGEN_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &current).expect("write cfn_schemas.rs");
        return;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(on_disk == current, "{} is stale: run CFGEN_BLESS=1 cargo test -p cfgen-tests --test schema and commit it", path.display());
    // Every line of the file is found in the tables, equal to its JSON: a type's schema, or one
    // of its definitions.
    let mut types = 0;
    for line in jsonl.lines().filter(|l| !l.is_empty()) {
        let (key, text) = line.split_once(' ').expect("<key> <schema>");
        let json: serde_json::Value = serde_json::from_str(text).expect("JSON");
        let (ty, def) = key.split_once('#').map_or((key, None), |(t, d)| (t, Some(d)));
        let schema = cfgen_core::check::cfn::schema(ty).unwrap_or_else(|| panic!("{ty} not found"));
        let found = match def {
            None => {
                types += 1;
                schema.root()
            }
            Some(d) => schema.def(d).unwrap_or_else(|| panic!("{key} not found")),
        };
        assert!(found == json, "{key} differs from resources.jsonl");
    }
    assert!(types > 50);
    assert_eq!(cfgen_core::check::cfn::types().count(), types);
}

/// `crates/cfgen-core/src/validation_schema.rs` (the schema the validator walks, texts stripped,
/// in static tables) is generated from the model's schema (`CFGEN_BLESS=1` rewrites it).
#[test]
fn checked_in_validation_schema_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/cfgen-core/src/validation_schema.rs");
    let current = cfgen_core::schema::validation_source(cfgen_core::schema::schema_value());
    if std::env::var_os("CFGEN_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &current).expect("write validation schema");
        return;
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(on_disk == current, "{} is stale: run CFGEN_BLESS=1 cargo test -p cfgen-tests --test schema and commit it", path.display());
    // What it keeps is what the validator reads; what it drops is text only editors show.
    assert!(!current.contains("\"markdownDescription\""));
    let schema = cfgen_core::schema::validation_schema();
    assert!(schema.root().get("properties").is_some() && schema.root().get("definitions").is_none());
    let function = schema.def("Function").expect("Function definition");
    let props = function.get("properties").expect("Function properties");
    assert!(props.get("memorySize").is_some());
    assert!(props.get("memorySize").and_then(|m| m.get("description")).is_none());
    // A property named like a dropped keyword is a name, not a keyword: it stays.
    assert!(props.get("description").is_some());
    assert!(schema.def("NoSuchDefinition").is_none());
    // Every definition the generated schema has is found (the table is sorted), with the
    // texts stripped and nothing else lost.
    let defs = cfgen_core::schema::schema_value()["definitions"].as_object().expect("definitions");
    for (name, def) in defs {
        let found = schema.def(name).unwrap_or_else(|| panic!("definition {name} not found"));
        assert!(found == cfgen_core::schema::strip_texts(def), "definition {name} differs from the schema's");
    }
}
