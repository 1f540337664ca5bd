//! Every golden ok template passes cfgen's own checks of the emitted template (CloudFormation
//! resource schemas, stack and service limits) with no error, apart from the findings listed
//! in `EXPECTED`: values a case pins because Serverless v3 writes them (cfgen warns at their
//! line during the build, and the build does not repeat them; see `.ci/cfn-lint-ignore` for
//! cfn-lint's view of the same cases).

use cfgen_syntax::{FileId, Node};
use std::path::{Path, PathBuf};

/// (case, code, why).
const EXPECTED: &[(&str, &str, &str)] = &[
    (
        "events-queue/v3-patterns",
        "CFG513",
        "the case pins rule names without one character v3's unanchored patterns look for, which Serverless v3 writes as given (cfgen warns, CFG203)",
    ),
    (
        "iam/empty-role-and-bucket",
        "CFG505",
        "the case pins the IamRoleLambdaExecution that Serverless v3 names for functions after `iam.role: ''` stopped it from creating the role (cfgen warns, CFG412 and CFG505)",
    ),
    (
        "config/text-at-first-type",
        "CFG504",
        "the case pins the integration type and starting position \"0\" Serverless v3 writes for a number 0 (cfgen warns, CFG203)",
    ),
    (
        "events-rest/wildcard-and-plans",
        "CFG511",
        "the case pins Serverless v3's logical id `ApiGatewayMethod*` for method `*` (cfgen warns, CFG203)",
    ),
    (
        "plugins-sfn/getatt-forms",
        "CFG505",
        "the case pins the `Fn::GetAtt` serverless-step-functions writes for a dotted string and a one-item list (cfgen build warns)",
    ),
    (
        "config/if-branches-as-written",
        "CFG504",
        "the case pins `Fn::If` branches written as lists, which Serverless v3 writes as they are (cfgen build warns at each branch)",
    ),
    ("config/template-findings-warn-in-build", "CFG503", "the case pins a misspelt SQS property: a warning in build, an error here"),
    ("config/template-findings-warn-in-build", "CFG512", "the case pins a function name over 64 characters: a warning in build"),
    ("config/template-findings-warn-in-build", "CFG504", "the case pins a one-letter environment variable name: a warning in build"),
    (
        "iam/statement-principals",
        "CFG503",
        "the case pins principals in identity policies, which Serverless v3 packages: a warning in build",
    ),
    (
        "resources/unresolved-references",
        "CFG505",
        "the case pins references to names the template does not define, which Serverless v3 packages: a warning in build",
    ),
    (
        "layers/layer-retain",
        "CFG505",
        "Serverless v3 suffixes a retained layer's id with its hash but leaves the function's `Ref` to the old id",
    ),
    (
        "events-rest/merged-methods-and-authorizers",
        "CFG505",
        "Serverless v3 points a plain API key's usage plan key at the default usage plan, which named usage plans do not create",
    ),
];

fn cases(root: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(root) else { return };
    let mut dirs: Vec<PathBuf> = rd.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    for d in dirs {
        if d.join("template.json").is_file() {
            out.push(d);
        } else {
            cases(&d, out);
        }
    }
}

#[test]
fn golden_ok_templates_pass_the_checks() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../golden/ok");
    let mut dirs = Vec::new();
    cases(&root, &mut dirs);
    assert!(dirs.len() > 100, "golden ok cases not found under {}", root.display());
    let mut unexpected = Vec::new();
    let mut seen_expected = Vec::new();
    let mut resources = 0;
    for dir in &dirs {
        let name = dir.strip_prefix(&root).unwrap().display().to_string();
        let template: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("template.json")).unwrap()).unwrap();
        resources += template["Resources"].as_object().map_or(0, |m| m.len());
        // The configuration only gives the findings their places; variables are left as written.
        let src = std::fs::read_to_string(dir.join("serverless.yml")).unwrap_or_default();
        let node = cfgen_syntax::yaml::load(&src, FileId(0)).unwrap_or_else(|_| Node::null(Default::default()));
        let mut diags = Vec::new();
        // As `cfgen validate` checks (the gate: every finding at its full severity).
        let opts = cfgen_core::check::CheckOptions { validate: true, allow_deprecated_runtimes: true, ..Default::default() };
        cfgen_core::check::check(&template, &node, &opts, &mut diags);
        for d in diags.iter().filter(|d| d.is_error()) {
            if EXPECTED.iter().any(|(c, code, _)| *c == name && *code == d.code.id) {
                seen_expected.push((name.clone(), d.code.id));
            } else {
                unexpected.push(format!("{name}: {}[{}] {}", d.severity.as_str(), d.code.id, d.message));
            }
        }
    }
    assert!(resources > 1000, "only {resources} resources checked");
    assert!(unexpected.is_empty(), "errors in golden ok templates:\n{}", unexpected.join("\n"));
    for (c, code, _) in EXPECTED {
        assert!(seen_expected.iter().any(|(n, k)| n == c && k == code), "{c}: the expected {code} is gone; drop it from EXPECTED");
    }
}
