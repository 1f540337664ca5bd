//! Diagnostics: every problem cfgen reports, with a stable code, a severity, a location and help.
//!
//! All codes are declared once, in [`codes`], with a one-line summary; `cfgen explain --list`
//! prints that table, so the documentation cannot drift from the definitions.

use crate::span::Span;

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A stable diagnostic code (`CFG` + family digit + number) with a kebab-case name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Code {
    pub id: &'static str,
    pub name: &'static str,
    pub summary: &'static str,
}

macro_rules! define_codes {
    ($( $konst:ident = ($id:literal, $name:literal, $summary:literal); )*) => {
        /// Every diagnostic code cfgen emits. Families: `CFG1xx` syntax, `CFG2xx` schema,
        /// `CFG3xx` variables, `CFG4xx` compile, `CFG5xx` checks of the emitted template.
        pub mod codes {
            use super::Code;
            $( pub const $konst: Code = Code { id: $id, name: $name, summary: $summary }; )*
            /// All codes, in declaration order.
            pub const ALL: &[Code] = &[$($konst),*];
        }
    };
}

define_codes! {
    YAML_SYNTAX = ("CFG101", "yaml-syntax", "the file is not valid YAML");
    DUPLICATE_KEY = ("CFG102", "duplicate-key", "a mapping has the same key twice");
    UNKNOWN_TAG = ("CFG103", "unknown-tag", "a YAML tag that neither YAML nor CloudFormation defines");
    BUDGET = ("CFG104", "budget-exceeded", "the input is too deep, too large or expands too many aliases");
    EMPTY_DOCUMENT = ("CFG105", "empty-document", "the configuration file holds no document");
    MULTI_DOCUMENT = ("CFG106", "multiple-documents", "the configuration file holds more than one YAML document");
    NOT_UTF8 = ("CFG107", "not-utf8", "the file is not UTF-8 text");
    NOT_A_MAPPING = ("CFG108", "not-a-mapping", "the configuration must be a mapping at the top");
    JSON_SYNTAX = ("CFG109", "json-syntax", "the file is not valid JSON");
    INVALID_TYPE = ("CFG201", "invalid-type", "a value has the wrong type for its key");
    UNKNOWN_KEY = ("CFG202", "unknown-key", "a key that Serverless v3 does not define at this place");
    INVALID_VALUE = ("CFG203", "invalid-value", "a value outside the allowed set or range");
    MISSING_KEY = ("CFG204", "missing-key", "a required key is missing");
    DEPRECATED = ("CFG205", "deprecated", "a setting Serverless v3 deprecates");
    UNRESOLVED_VARIABLE = ("CFG301", "unresolved-variable", "a variable whose every source gave no value");
    UNKNOWN_VARIABLE_SOURCE = ("CFG302", "unknown-variable-source", "a variable names a source that does not exist");
    VARIABLE_CYCLE = ("CFG303", "variable-cycle", "variables that depend on each other in a circle");
    NEEDS_INJECTED_VALUE = ("CFG304", "needs-injected-value", "a variable that needs AWS; cfgen takes its value from --var or --vars");
    VARIABLE_FILE = ("CFG305", "variable-file", "a ${file()} variable whose file cannot be read or parsed");
    NON_STRING_VARIABLE = ("CFG306", "non-string-variable", "a variable inside a string resolved to an object or array");
    VARIABLE_SYNTAX = ("CFG307", "variable-syntax", "a malformed ${...} variable");
    VARIABLE_NOT_SUPPORTED = ("CFG308", "variable-not-supported", "a variable form cfgen cannot evaluate offline (JavaScript files, dashboard outputs)");
    VARIABLE_DEPTH = ("CFG309", "variable-depth", "variables nested or re-resolved too deeply");
    PROVIDER_NOT_AWS = ("CFG401", "provider-not-aws", "only the aws provider is supported");
    FRAMEWORK_VERSION = ("CFG402", "framework-version", "frameworkVersion does not admit Serverless v3");
    RUNTIME_DEPRECATED = ("CFG403", "runtime-deprecated", "a Lambda runtime AWS has deprecated, or one cfgen does not know");
    HANDLER_MISSING = ("CFG404", "handler-file-missing", "the handler's file does not exist (the template is still built)");
    SERVICE_MISSING = ("CFG405", "service-missing", "the service name is missing or invalid");
    INVALID_FUNCTION = ("CFG406", "invalid-function", "a function definition Serverless v3 rejects");
    RESOURCE_EXTENSION = ("CFG407", "resource-extension", "resources.extensions names a missing resource or an unsupported attribute");
    NOT_IMPLEMENTED = ("CFG408", "not-implemented", "a feature cfgen does not compile yet; the template would differ from Serverless v3");
    UNKNOWN_PLUGIN = ("CFG409", "unknown-plugin", "a plugin whose effect on the template cfgen does not know");
    PACKAGING = ("CFG410", "packaging", "a problem with the files that go into an artifact");
    INVALID_RESOURCES = ("CFG411", "invalid-resources", "the resources section cannot be merged");
    V3_QUIRK = ("CFG412", "v3-quirk", "a Serverless v3 behaviour reproduced for parity, though it is probably not what was meant");
    TEMPLATE_BUDGET = ("CFG413", "template-budget", "the template would take more memory than cfgen's budget (128 MiB; a template CloudFormation accepts takes about 3 MiB)");
    CFN_UNKNOWN_TYPE = ("CFG501", "cfn-unknown-type", "a resource type cfgen has no CloudFormation schema for (not checked), or a resource without a type");
    CFN_MISSING_PROPERTY = ("CFG502", "cfn-missing-property", "a resource lacks a property its CloudFormation schema requires");
    CFN_UNKNOWN_PROPERTY = ("CFG503", "cfn-unknown-property", "a property or resource attribute CloudFormation does not define for the type, or a principal in a statement of an IAM identity policy");
    CFN_INVALID_VALUE = ("CFG504", "cfn-invalid-value", "a property value of the wrong type, outside its CloudFormation enum, or a key its pattern refuses");
    CFN_UNRESOLVED_REFERENCE = ("CFG505", "cfn-unresolved-reference", "a Ref, Fn::GetAtt, Fn::Sub variable, DependsOn, condition or mapping that names something the template does not define, or an Fn::GetAtt attribute the resource type does not have");
    STACK_LIMIT = ("CFG510", "stack-limit", "the template exceeds a CloudFormation stack quota (resources, outputs, parameters, mappings, body size)");
    LOGICAL_ID = ("CFG511", "logical-id", "a logical id CloudFormation rejects (not alphanumeric, or over 255 characters)");
    LAMBDA_LIMIT = ("CFG512", "lambda-limit", "a Lambda setting outside what Lambda accepts (name, memory, timeout, environment size, layers, storage, concurrency)");
    NAME_LIMIT = ("CFG513", "name-limit", "a generated or given name AWS rejects (IAM role, S3 bucket, API Gateway, EventBridge)");
    LOG_RETENTION = ("CFG514", "log-retention", "a log retention CloudWatch Logs does not offer");
    API_TIMEOUT = ("CFG515", "api-timeout", "a function timeout longer than its API Gateway integration waits");
    RUNTIME_BLOCKED = ("CFG520", "runtime-blocked", "a Lambda runtime AWS no longer lets functions be created or updated with");
}

/// One finding.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// Where it is; `None` for findings about the whole run (e.g. command-line options).
    pub span: Option<Span>,
    /// The label under the underlined span.
    pub label: Option<String>,
    /// A hint on how to fix it ("did you mean ...").
    pub help: Option<String>,
    /// Further places that explain the finding (e.g. every property in a variable cycle).
    pub related: Vec<(Span, String)>,
}

impl Diagnostic {
    pub fn new(code: Code, severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic { code, severity, message: message.into(), span: None, label: None, help: None, related: Vec::new() }
    }
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, message)
    }
    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, message)
    }
    pub fn info(code: Code, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Info, message)
    }
    /// Attach a location; synthetic spans (generated values) are ignored.
    pub fn at(mut self, span: Span) -> Self {
        if !span.is_synthetic() {
            self.span = Some(span);
        }
        self
    }
    pub fn at_opt(self, span: Option<Span>) -> Self {
        match span {
            Some(s) => self.at(s),
            None => self,
        }
    }
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    pub fn related(mut self, span: Span, note: impl Into<String>) -> Self {
        self.related.push((span, note.into()));
        self
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Suggest the closest candidate to `word` ("did you mean"), if one is close enough: the
/// highest Jaro-Winkler similarity above 0.8, compared in lower case (the first of equals).
///
/// Inside [`with_suggestion_budget`] the search shares that budget of character comparisons:
/// once it is spent, this returns `None` (a search cut short suggests nothing rather than the
/// best of the candidates it reached).
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word: Vec<char> = word.to_lowercase().chars().collect();
    let (mut cand, mut flags) = (Vec::new(), Vec::new());
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        if !spend((word.len() as u64 + 1).saturating_mul(c.len() as u64 + 1)) {
            return None;
        }
        cand.clear();
        if c.is_ascii() {
            cand.extend(c.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        } else {
            cand.extend(c.to_lowercase().chars());
        }
        let score = jaro_winkler(&word, &cand, &mut flags);
        if score > 0.8 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// The budget a build gives "did you mean": 20 million character comparisons, about 15 ms at
/// the 0.7 ns a comparison took in the 100,000-key run. One search costs the sum over its
/// candidates of (word length + 1) x (candidate length + 1): an unknown key among a hundred
/// 12-letter keys about 17,000, so a configuration with a few typos uses well under a
/// hundredth of it. Without it, a file with 20,000
/// state-machine states that each name a missing state took 24 s (each miss searched all
/// 20,000 names), and 500,000 unknown keys would take seconds.
pub const SUGGESTION_BUDGET: u64 = 20_000_000;

std::thread_local! {
    /// What is left of the current budget; `None` outside [`with_suggestion_budget`].
    static SUGGESTION_WORK: std::cell::Cell<Option<u64>> = const { std::cell::Cell::new(None) };
}

/// Run `f` with a fresh budget of `steps` character comparisons for [`did_you_mean`] on this
/// thread (the entry points of a build do this, so its output depends only on its input), and
/// restore the budget around it afterwards, even if `f` panics.
pub fn with_suggestion_budget<R>(steps: u64, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<u64>);
    impl Drop for Restore {
        fn drop(&mut self) {
            SUGGESTION_WORK.with(|w| w.set(self.0));
        }
    }
    let _restore = Restore(SUGGESTION_WORK.with(|w| w.replace(Some(steps))));
    f()
}

/// Take `steps` from the current budget; false (and the budget spent) if it cannot pay them.
fn spend(steps: u64) -> bool {
    SUGGESTION_WORK.with(|w| match w.get() {
        None => true,
        Some(left) if left >= steps => {
            w.set(Some(left - steps));
            true
        }
        Some(_) => {
            w.set(Some(0));
            false
        }
    })
}

/// The Jaro-Winkler similarity of `a` and `b`, exactly as `strsim::jaro_winkler` computes it
/// (a test holds the two equal), but over decoded characters and searching only the match
/// window: strsim re-reads `b` from its start for every character of `a`, which made the
/// suggestions for 100,000 unknown keys take most of a second. `flags` is scratch space.
fn jaro_winkler(a: &[char], b: &[char], flags: &mut Vec<bool>) -> f64 {
    let (a_len, b_len) = (a.len(), b.len());
    if a_len == 0 && b_len == 0 {
        return 1.0;
    }
    if a_len == 0 || b_len == 0 {
        return 0.0;
    }
    let range = (a_len.max(b_len) / 2).saturating_sub(1);
    flags.clear();
    flags.resize(a_len + b_len, false);
    let (a_flags, b_flags) = flags.split_at_mut(a_len);
    let mut matches = 0usize;
    for (i, ca) in a.iter().enumerate() {
        for j in i.saturating_sub(range)..b_len.min(i + range + 1) {
            if *ca == b[j] && !b_flags[j] {
                a_flags[i] = true;
                b_flags[j] = true;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let a_matched = a.iter().zip(a_flags.iter()).filter(|(_, f)| **f).map(|(c, _)| c);
    let b_matched = b.iter().zip(b_flags.iter()).filter(|(_, f)| **f).map(|(c, _)| c);
    let transpositions = a_matched.zip(b_matched).filter(|(x, y)| x != y).count() / 2;
    let m = matches as f64;
    let sim = (m / a_len as f64 + m / b_len as f64 + (matches - transpositions) as f64 / m) / 3.0;
    if sim > 0.7 {
        let prefix = a.iter().take(4).zip(b).take_while(|(x, y)| x == y).count();
        sim + 0.1 * prefix as f64 * (1.0 - sim)
    } else {
        sim
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let keys = ["memorySize", "handler", "environment", "timeout"];
        assert_eq!(did_you_mean("memorysize", keys), Some("memorySize"));
        assert_eq!(did_you_mean("handlr", keys), Some("handler"));
        assert_eq!(did_you_mean("envirnoment", keys), Some("environment"));
        assert_eq!(did_you_mean("foo", keys), None);
    }

    /// Our Jaro-Winkler gives strsim's scores bit for bit: ASCII and not, empty, repeated and
    /// transposed characters, lengths 0 to 24 (a fixed-seed generator, so a failure repeats).
    #[test]
    fn jaro_winkler_is_strsims() {
        let alphabet: Vec<char> = "abcab-_XYZéÉß\u{130}ςσΣ0".chars().collect();
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut flags = Vec::new();
        for _ in 0..50_000 {
            let a: String = (0..next(25)).map(|_| alphabet[next(alphabet.len())]).collect();
            let b: String = (0..next(25)).map(|_| alphabet[next(alphabet.len())]).collect();
            let (ac, bc): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            let ours = jaro_winkler(&ac, &bc, &mut flags);
            assert_eq!(ours.to_bits(), strsim::jaro_winkler(&a, &b).to_bits(), "{a:?} vs {b:?}");
        }
        for (a, b) in [("", ""), ("a", ""), ("martha", "marhta"), ("dixon", "dicksonx"), ("memorysize", "memorySize")] {
            let (ac, bc): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            assert_eq!(jaro_winkler(&ac, &bc, &mut flags).to_bits(), strsim::jaro_winkler(a, b).to_bits(), "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn the_budget_bounds_the_search() {
        let keys = ["memorySize", "handler"];
        // "handlr" x "memorySize" costs 7 x 11 = 77 steps, x "handler" 7 x 8 = 56.
        assert_eq!(with_suggestion_budget(77 + 56, || did_you_mean("handlr", keys)), Some("handler"));
        assert_eq!(with_suggestion_budget(77 + 55, || did_you_mean("handlr", keys)), None, "cut short: no suggestion");
        let after = with_suggestion_budget(77 + 56 + 10, || (did_you_mean("handlr", keys), did_you_mean("handlr", keys)));
        assert_eq!(after, (Some("handler"), None), "the budget is shared by the searches inside it");
        assert_eq!(did_you_mean("handlr", keys), Some("handler"), "outside a budget the search is whole");
        let nested = with_suggestion_budget(0, || with_suggestion_budget(1_000, || did_you_mean("handlr", keys)));
        assert_eq!(nested, Some("handler"));
        assert_eq!(with_suggestion_budget(0, || did_you_mean("handlr", keys)), None);
    }

    /// Lower-casing matches `str::to_lowercase` for the candidates too (ASCII fast path or not).
    #[test]
    fn suggestions_compare_in_lower_case() {
        assert_eq!(did_you_mean("ΣΊΣΥΦΟΣ", ["σίσυφος", "other"]), Some("σίσυφος"));
        assert_eq!(did_you_mean("MEMORYSIZE", ["memorySize"]), Some("memorySize"));
        assert_eq!(did_you_mean("handler", ["HANDLER", "handler"]), Some("HANDLER"), "the first of equals");
    }

    #[test]
    fn codes_are_unique() {
        let mut ids: Vec<_> = codes::ALL.iter().map(|c| c.id).collect();
        ids.sort();
        let n = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), n);
    }
}
