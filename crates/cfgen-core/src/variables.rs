//! The variables engine: resolves every `${...}` in a loaded `serverless.yml` tree the way
//! Serverless Framework v3.40.0 does (`lib/configuration/variables/`), offline.
//!
//! What it does:
//! * parses each string value with a port of Serverless' `parse.js` state machine (same
//!   syntax, same "foreign" `${...}` left untouched, same escapes, same syntax errors);
//! * resolves properties lazily, on demand, by property path: `${self:a.b}` first resolves
//!   `a`, `a.b` and everything below `a.b`; a path met again while it is being resolved is a
//!   cycle, reported once with every property in it;
//! * runs the sources of Serverless v3 in its phases: `provider.stage` and `useDotenv` before
//!   `.env` files are loaded, then everything with `env file opt self strToBool sls`, then
//!   `param` and `sls:instanceId`, then the AWS sources (`ssm cf s3 aws`), whose values come only
//!   from [`VarOptions::injected`].
//!
//! Invariants:
//! * no IO, no environment, no clock: the outside world is the [`Host`] trait;
//! * keys are never resolved, only values;
//! * every problem is a [`Diagnostic`] with the span of the string holding the variable and the
//!   property path in its message; all problems are collected, and the tree is returned with the
//!   values that could not be resolved left as they were;
//! * bounded: nesting, re-resolution, recursion depth, resolution count, copied nodes and built
//!   string bytes all have limits (reported as `CFG309`), so no input can panic, hang or exhaust
//!   memory;
//! * a resolved value taken from elsewhere (the config or a file) keeps its own span; a value
//!   built by interpolation, a literal, or a value from the environment, options or injected
//!   values gets the span of the string that held the variable.
//!
//! Serverless quirks kept on purpose (each checked against v3.40.0): `${'s'}` or `${123}` alone
//! is foreign text (literals work only as fallbacks); `$${x:y}` drops the first `$`; an unquoted
//! `false`/`0` parameter is no parameter (`${strToBool(false)}` fails); arrays inside a string
//! join with commas; `${self:}` inside the config always refers to itself (a cycle).

use cfgen_syntax::diagnostic::{codes, did_you_mean, Code};
use cfgen_syntax::node::array_index;
use cfgen_syntax::{yaml, Diagnostic, FileId, Map, Node, SourceMap, Span, Value, Weight};
use indexmap::IndexMap;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::rc::Rc;

/// What the engine needs from the outside world. The CLI implements it with the real
/// filesystem and process environment; tests with maps.
pub trait Host {
    /// A process environment variable.
    fn env(&self, name: &str) -> Option<String>;
    /// Read a file by path relative to the service directory ('/'-separated, already normalised by the engine: no "./", ".." resolved where possible).
    /// Ok(None) when it does not exist; Err(message) when it exists but cannot be read (a directory, too large, not UTF-8).
    fn read_file(&self, path: &str) -> Result<Option<String>, String>;
}

/// What the caller knows that the configuration does not.
#[derive(Clone, Debug, Default)]
pub struct VarOptions {
    /// CLI options as Serverless sees them: `--stage dev` -> "stage": "dev", "region", and any custom option (`--opt name=value` -> "name": "value"). Only options actually given are present.
    pub options: IndexMap<String, serde_json::Value>,
    /// `--param key=value` pairs.
    pub params: IndexMap<String, String>,
    /// Injected values for the AWS-backed sources, keyed by source and address exactly as written but without parameters:
    /// "ssm:/path/x", "cf:stack.Output", "s3:bucket/key", "aws:accountId" (for `${ssm(us-east-1, raw):/path/x}` the key is "ssm:/path/x").
    pub injected: IndexMap<String, serde_json::Value>,
    /// The value of `${sls:instanceId}` (the caller makes it deterministic).
    pub instance_id: String,
}

/// Resolve every variable in the configuration tree `root` (file id 0 in `sources`). Files read by
/// `${file()}` (and `.env` files) are added to `sources` so diagnostics can point into them.
/// Returns the resolved tree and every problem found (all of them, not only the first).
/// On errors the tree is still returned, with unresolvable values left as they were.
pub fn resolve(root: Node, opts: &VarOptions, host: &dyn Host, sources: &mut SourceMap) -> (Node, Vec<Diagnostic>) {
    let mut engine = Engine::new(root, opts, host, sources);
    engine.collect_initial();

    // Phase A: what decides which `.env` file is read, with the real environment only.
    engine.phase = Phase::Early;
    let early = [path(&["provider", "stage"]), path(&["useDotenv"])];
    for p in engine.pending_in_order() {
        if early.iter().any(|t| related(&p, t)) {
            let _ = engine.resolve_property(&p);
        }
    }
    engine.load_dotenv();

    // Phase B: every property with the sources available before plugins are loaded.
    engine.phase = Phase::Main;
    engine.resolve_all();
    engine.require_settled(REQUIRED_BEFORE_PLUGINS, "before it loads plugins");

    // Phase C: `param` and `sls:instanceId`, then the AWS sources.
    engine.phase = Phase::Instance;
    engine.resolve_all();
    engine.require_settled(REQUIRED_BEFORE_AWS, "before it can use the AWS variable sources");
    engine.phase = Phase::Aws;
    engine.resolve_all();
    engine.report_leftovers();

    let Engine { tree, mut diags, .. } = engine;
    diags.sort_by_key(|d| d.span.map(|s| (s.file, s.line, s.col)));
    (tree, diags)
}

// ------------------------------------------------------------------------------------------------
// Limits
// ------------------------------------------------------------------------------------------------

/// How often a resolved value may be re-parsed for variables, and how deep resolved objects may
/// nest new variables (Serverless: 10).
const MAX_NEST: u32 = 10;
/// Deepest `${...}` nesting inside one string.
const MAX_SYNTAX_NESTING: usize = 64;
/// Deepest chain of variables waiting on each other (keeps the native stack bounded).
const MAX_DEPTH: usize = 64;
/// Most variable resolutions in one run.
const MAX_RESOLUTIONS: usize = 100_000;
/// Most nodes copied from the configuration or files into resolved values.
const MAX_COPIED_NODES: usize = 1_000_000;
/// Most bytes of text (strings and keys) in those copies: one 4 MB string referenced 2,000
/// times is 2,000 nodes but 8 GB.
const MAX_COPIED_TEXT: usize = 64 * 1024 * 1024;
/// Most bytes of strings built by interpolation.
const MAX_STRING_BYTES: usize = 16 * 1024 * 1024;
/// Deepest resolved tree (property path plus value nesting).
const MAX_TREE_DEPTH: usize = 256;

/// Properties Serverless v3 needs resolved before it loads plugins (`scripts/serverless.js`).
const REQUIRED_BEFORE_PLUGINS: &[&[&str]] = &[
    &["disabledDeprecations"],
    &["deprecationNotificationMode"],
    &["provider", "name"],
    &["provider", "stage"],
    &["useDotenv"],
    &["plugins"],
    &["package", "path"],
    &["frameworkVersion"],
    &["app"],
    &["org"],
    &["dashboard"],
    &["service"],
];
/// Properties Serverless v3 needs resolved before it adds the AWS sources.
const REQUIRED_BEFORE_AWS: &[&[&str]] = &[
    &["provider", "credentials"],
    &["provider", "deploymentBucket", "serverSideEncryption"],
    &["provider", "profile"],
    &["provider", "region"],
];

/// The variable sources of Serverless v3 (core, dashboard `param`/`output`, AWS).
const KNOWN_SOURCES: [&str; 12] = ["self", "opt", "env", "file", "sls", "strToBool", "param", "aws", "cf", "s3", "ssm", "output"];

// ------------------------------------------------------------------------------------------------
// Parser: a port of Serverless v3 `lib/configuration/variables/parse.js`
// ------------------------------------------------------------------------------------------------

/// A literal: a quoted string, number, `true`, `false` or `null`.
#[derive(Clone, Debug, PartialEq)]
enum Lit {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
}

/// One `${...}` (or escape) found in a string. `range` is in chars, `None` when the variable is
/// the whole string (its value then keeps its type).
#[derive(Clone, Debug)]
struct Var {
    range: Option<(usize, usize)>,
    kind: VarKind,
}

#[derive(Clone, Debug)]
enum VarKind {
    /// `\${` (or `\\` before a variable): replaced by the fixed text.
    Escape(String),
    /// The sources of a variable, first choice first.
    Sources(Vec<Source>),
}

#[derive(Clone, Debug)]
enum Source {
    Literal(Lit),
    Typed { ty: String, params: Option<Vec<Meta>>, address: Option<Meta> },
}

/// A parameter or address: a literal, or a string holding variables.
#[derive(Clone, Debug)]
struct Meta {
    value: Lit,
    variables: Option<Vec<Var>>,
}

#[derive(Debug)]
struct SyntaxError {
    message: String,
    too_deep: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum St {
    Out,
    EscapeVar,
    EscapeVarDollar,
    MaybeVariableOpen,
    MaybeTypeStart,
    MaybeNextSourceStart,
    MaybeType,
    TypeOrSourceLiteral,
    ParamStart,
    Param,
    AfterParamString,
    MaybeAddressOpen,
    MaybeAddressStart,
    Address,
    AfterAddressString,
    AfterSourceLiteralString,
    Foreign,
    EscapeString,
    DoubleQuotedString,
    SingleQuotedString,
}

/// Sources, metas and variables while parsing; variable lists live in an arena because
/// parse.js shares them between the current state and saved contexts.
#[derive(Clone, Default)]
struct SrcB {
    ty: Option<String>,
    params: Option<Vec<MetaB>>,
    address: Option<MetaB>,
    literal: Option<Lit>,
}

#[derive(Clone)]
struct MetaB {
    value: Lit,
    vars: Option<usize>,
}

struct VarB {
    start: usize,
    end: usize,
    whole: bool,
    sources: Option<Vec<SrcB>>,
    escape: Option<String>,
}

struct Ctx {
    state: St,
    variable_start: usize,
    context_start: usize,
    variables: Option<usize>,
    context_variables: Option<usize>,
    current: Option<SrcB>,
    sources: Option<Vec<SrcB>>,
}

struct Parser<'a> {
    v: &'a [char],
    text: &'a str,
    i: usize,
    state: St,
    string_context: St,
    variables: Option<usize>,
    sources: Option<Vec<SrcB>>,
    contexts: Vec<Ctx>,
    current: Option<SrcB>,
    context_start: usize,
    context_variables: Option<usize>,
    escape_start: Option<usize>,
    variable_start: usize,
    source_start: usize,
    param_start: usize,
    address_start: usize,
    lists: Vec<Vec<VarB>>,
}

/// `items` mapped by `f` into a vector of exactly their number. (`collect` over a vector's
/// `into_iter` reuses the source's allocation, so a vector of small items kept the size of the
/// parser's larger builders: two thirds of the heap of a file with 100,000 variables.)
fn exact<T, U>(items: Vec<T>, f: impl FnMut(T) -> U) -> Vec<U> {
    let mut out = Vec::with_capacity(items.len());
    out.extend(items.into_iter().map(f));
    out
}

/// Parse a string for variables: `Ok(None)` when it holds none.
fn parse(text: &str) -> Result<Option<Vec<Var>>, SyntaxError> {
    if !text.contains('$') {
        return Ok(None);
    }
    let chars: Vec<char> = text.chars().collect();
    let mut p = Parser {
        v: &chars,
        text,
        i: 0,
        state: St::Out,
        string_context: St::Out,
        variables: None,
        sources: None,
        contexts: Vec::new(),
        current: None,
        context_start: 0,
        context_variables: None,
        escape_start: None,
        variable_start: 0,
        source_start: 0,
        param_start: 0,
        address_start: 0,
        lists: Vec::new(),
    };
    p.run()?;
    if p.current.is_some() || p.sources.is_some() {
        return Err(p.err(format!("Missing variable closing bracket in {text}")));
    }
    let Some(list) = p.variables else { return Ok(None) };
    if p.lists[list].is_empty() {
        return Ok(None);
    }
    p.normalize(list, chars.len());
    Ok(Some(p.build_list(list)))
}

/// Parse the parts of a value built by interpolation one by one (Serverless'
/// `resolveSourceValuesVariables`), so joining cannot create variables and escapes stay escaped.
fn parse_pieces(pieces: &[String]) -> Result<Option<Vec<Var>>, SyntaxError> {
    let mut base = 0;
    let mut out: Option<Vec<Var>> = None;
    for piece in pieces {
        let len = piece.chars().count();
        if let Some(vars) = parse(piece)? {
            let list = out.get_or_insert_with(Vec::new);
            for mut var in vars {
                var.range = Some(match var.range {
                    Some((s, e)) => (s + base, e + base),
                    None => (base, base + len),
                });
                list.push(var);
            }
        }
        base += len;
    }
    Ok(out)
}

fn is_type_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase()) && chars.all(|c| c.is_ascii_alphanumeric())
}

fn is_source_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '.' || c == '-'
}

impl Parser<'_> {
    fn err(&self, message: String) -> SyntaxError {
        SyntaxError { message, too_deep: false }
    }

    fn slice(&self, a: usize, b: usize) -> String {
        self.v[a.min(b)..b.min(self.v.len())].iter().collect()
    }

    fn new_list(&mut self) -> usize {
        self.lists.push(Vec::new());
        self.lists.len() - 1
    }

    fn outer_is_variable(&self) -> bool {
        self.contexts.iter().any(|c| c.state != St::Foreign)
    }

    fn run(&mut self) -> Result<(), SyntaxError> {
        while self.i < self.v.len() {
            let c = self.v[self.i];
            self.step(c)?;
            self.i += 1;
        }
        Ok(())
    }

    fn step(&mut self, c: char) -> Result<(), SyntaxError> {
        let i = self.i;
        match self.state {
            St::Out => {
                if c == '\\' {
                    self.escape_start.get_or_insert(i);
                    self.state = St::EscapeVar;
                } else if c == '$' {
                    self.variable_start = i;
                    self.state = St::MaybeVariableOpen;
                } else {
                    self.escape_start = None;
                }
            }
            St::EscapeVar => {
                if c == '$' {
                    self.state = St::EscapeVarDollar;
                } else {
                    if c != '\\' {
                        self.escape_start = None;
                    }
                    self.state = St::Out;
                }
            }
            St::EscapeVarDollar => {
                if c == '{' {
                    self.register_var_escape();
                    self.state = St::Out;
                } else {
                    self.escape_start = None;
                    if c == '\\' {
                        self.escape_start = Some(i);
                        self.state = St::EscapeVar;
                    } else if c == '$' {
                        self.variable_start = i;
                        self.state = St::MaybeVariableOpen;
                    } else {
                        self.state = St::Out;
                    }
                }
            }
            St::MaybeVariableOpen => {
                if c == '{' {
                    if self.escape_start.is_some() {
                        self.register_slash_escape();
                    }
                    self.state = St::MaybeTypeStart;
                } else {
                    self.escape_start = None;
                    if c != '$' {
                        self.release_context();
                    }
                }
            }
            St::MaybeTypeStart => {
                if c.is_ascii_lowercase() {
                    self.source_start = i;
                    self.state = St::MaybeType;
                } else if self.outer_is_variable() {
                    return Err(self.err(format!("Invalid variable type at index {i} in \"{}\"", self.text)));
                } else if c == '}' {
                    self.release_context();
                } else {
                    self.state = St::Foreign;
                    if c == '$' {
                        self.register_context(self.context_start)?;
                    }
                }
            }
            St::MaybeNextSourceStart => {
                if c == ' ' {
                    return Ok(());
                }
                self.source_start = i;
                if is_source_char(c) {
                    self.state = St::TypeOrSourceLiteral;
                } else if c == '"' {
                    self.string_context = St::AfterSourceLiteralString;
                    self.state = St::DoubleQuotedString;
                } else if c == '\'' {
                    self.string_context = St::AfterSourceLiteralString;
                    self.state = St::SingleQuotedString;
                } else {
                    return Err(self.err(format!("Invalid variable source at index {i} in \"{}\"", self.text)));
                }
            }
            St::MaybeType => {
                if c == ':' {
                    self.current = Some(SrcB { ty: Some(self.slice(self.source_start, i)), ..SrcB::default() });
                    self.state = St::MaybeAddressStart;
                } else if c == '(' {
                    self.current = Some(SrcB { ty: Some(self.slice(self.source_start, i)), params: Some(Vec::new()), ..SrcB::default() });
                    self.state = St::ParamStart;
                } else if !is_source_char(c) {
                    if self.outer_is_variable() {
                        return Err(self.err(format!("Invalid variable type at index {} in \"{}\"", self.source_start, self.text)));
                    }
                    if c == '}' {
                        self.release_context();
                    } else {
                        self.state = St::Foreign;
                        if c == '$' {
                            self.register_context(self.context_start)?;
                        }
                    }
                }
            }
            St::TypeOrSourceLiteral => {
                if c == ' ' {
                    return Ok(());
                }
                if c == ':' || c == '(' {
                    let ty = self.slice(self.source_start, i);
                    if !is_type_name(&ty) {
                        return Err(self.err(format!("Invalid variable source at index {} in \"{}\"", self.source_start, self.text)));
                    }
                    if c == ':' {
                        self.current = Some(SrcB { ty: Some(ty), ..SrcB::default() });
                        self.state = St::MaybeAddressStart;
                    } else {
                        self.current = Some(SrcB { ty: Some(ty), params: Some(Vec::new()), ..SrcB::default() });
                        self.state = St::ParamStart;
                    }
                } else if c == '}' {
                    let literal = self.slice(self.source_start, i);
                    let lit = self.parse_literal_source(js_trim(&literal), false)?;
                    self.current = Some(SrcB { literal: Some(lit), ..SrcB::default() });
                    self.finalize_variable();
                } else if !is_source_char(c) {
                    return Err(self.err(format!("Invalid variable source at index {} in \"{}\"", self.source_start, self.text)));
                }
            }
            St::ParamStart => {
                if c == ' ' {
                    return Ok(());
                }
                if c == ')' {
                    self.state = St::MaybeAddressOpen;
                } else if c == ',' {
                    self.push_param(MetaB { value: Lit::Null, vars: None });
                } else if c == '}' {
                    return Err(self.err(format!("Invalid variable param at index {i} in \"{}\"", self.text)));
                } else {
                    self.param_start = i;
                    if c == '"' {
                        self.string_context = St::AfterParamString;
                        self.state = St::DoubleQuotedString;
                    } else if c == '\'' {
                        self.string_context = St::AfterParamString;
                        self.state = St::SingleQuotedString;
                    } else {
                        self.state = St::Param;
                        self.context_variables = None;
                        if c == '$' {
                            self.register_context(self.param_start)?;
                        }
                    }
                }
            }
            St::Param => {
                if c == ')' || c == ',' {
                    let raw = self.slice(self.param_start, i);
                    let text = js_trim(&raw).to_string();
                    if c == ',' || !text.is_empty() {
                        let lit =
                            if self.context_variables.is_none() { self.parse_literal_source(&text, true)? } else { Lit::Str(text.clone()) };
                        let meta = self.generate_meta(&text, lit, self.context_variables);
                        self.push_param(meta);
                    }
                    self.state = if c == ')' { St::MaybeAddressOpen } else { St::ParamStart };
                } else if c == '}' {
                    return Err(self.err(format!("Invalid variable param at index {} in \"{}\"", self.param_start, self.text)));
                } else if c == '$' {
                    self.register_context(self.param_start)?;
                }
            }
            St::AfterParamString => {
                if c == ' ' {
                    return Ok(());
                }
                if c == ')' || c == ',' {
                    let s = self.parse_string(self.param_start)?;
                    self.push_param(MetaB { value: Lit::Str(s), vars: None });
                    self.state = if c == ')' { St::MaybeAddressOpen } else { St::ParamStart };
                } else {
                    return Err(self.err(format!("Invalid variable param at index {} in \"{}\"", self.param_start, self.text)));
                }
            }
            St::MaybeAddressOpen => {
                if c == ' ' {
                    return Ok(());
                }
                if c == ':' {
                    self.state = St::MaybeAddressStart;
                } else if c == '}' {
                    self.finalize_variable();
                } else if c == ',' {
                    self.finalize_source();
                } else {
                    return Err(self.err(format!("Invalid variable address at index {i} in \"{}\"", self.text)));
                }
            }
            St::MaybeAddressStart => {
                if c == ' ' {
                    return Ok(());
                }
                if c == '}' {
                    self.finalize_variable();
                } else if c == ',' {
                    self.finalize_source();
                } else {
                    self.address_start = i;
                    if c == ':' {
                        let has_params = self.current.as_ref().is_some_and(|s| s.params.is_some());
                        if !has_params && !self.outer_is_variable() {
                            self.current = None;
                            self.state = St::Foreign;
                        } else {
                            return Err(self.err(format!("Invalid variable address at index {} in \"{}\"", self.address_start, self.text)));
                        }
                    } else if c == '"' {
                        self.string_context = St::AfterAddressString;
                        self.state = St::DoubleQuotedString;
                    } else if c == '\'' {
                        self.string_context = St::AfterAddressString;
                        self.state = St::SingleQuotedString;
                    } else {
                        self.state = St::Address;
                        self.context_variables = None;
                        if c == '$' {
                            self.register_context(self.address_start)?;
                        }
                    }
                }
            }
            St::Address => {
                if c == '}' || c == ',' {
                    let raw = self.slice(self.address_start, i);
                    let text = js_trim(&raw).to_string();
                    let meta = self.generate_meta(&text, Lit::Str(text.clone()), self.context_variables);
                    if let Some(cur) = self.current.as_mut() {
                        cur.address = Some(meta);
                    }
                    if c == '}' {
                        self.finalize_variable();
                    } else {
                        self.finalize_source();
                    }
                } else if c == '$' {
                    self.register_context(self.address_start)?;
                }
            }
            St::AfterAddressString => {
                if c == ' ' {
                    return Ok(());
                }
                if c == '}' || c == ',' {
                    let s = self.parse_string(self.address_start)?;
                    if let Some(cur) = self.current.as_mut() {
                        cur.address = Some(MetaB { value: Lit::Str(s), vars: None });
                    }
                    if c == '}' {
                        self.finalize_variable();
                    } else {
                        self.finalize_source();
                    }
                } else {
                    return Err(self.err(format!("Invalid variable address at index {} in \"{}\"", self.address_start, self.text)));
                }
            }
            St::AfterSourceLiteralString => {
                if c == ' ' {
                    return Ok(());
                }
                if c == '}' {
                    let s = self.parse_string(self.source_start)?;
                    self.current = Some(SrcB { literal: Some(Lit::Str(s)), ..SrcB::default() });
                    self.finalize_variable();
                } else {
                    return Err(self.err(format!("Invalid variable source at index {} in \"{}\"", self.source_start, self.text)));
                }
            }
            St::Foreign => {
                if c == '}' {
                    self.release_context();
                } else if c == '$' {
                    self.register_context(self.context_start)?;
                }
            }
            St::EscapeString => self.state = St::DoubleQuotedString,
            St::DoubleQuotedString => {
                if c == '"' {
                    self.state = self.string_context;
                } else if c == '\\' {
                    self.state = St::EscapeString;
                }
            }
            St::SingleQuotedString => {
                if c == '\'' {
                    self.state = self.string_context;
                }
            }
        }
        Ok(())
    }

    fn push_param(&mut self, meta: MetaB) {
        if let Some(params) = self.current.as_mut().and_then(|s| s.params.as_mut()) {
            params.push(meta);
        }
    }

    fn ensure_variables(&mut self) -> usize {
        match self.variables {
            Some(id) => id,
            None => {
                let id = self.new_list();
                self.variables = Some(id);
                id
            }
        }
    }

    fn finalize_source(&mut self) {
        let source = self.current.take().unwrap_or_default();
        self.sources.get_or_insert_with(Vec::new).push(source);
        self.state = St::MaybeNextSourceStart;
    }

    fn finalize_variable(&mut self) {
        self.finalize_source();
        let list = self.ensure_variables();
        let var = VarB {
            start: self.variable_start.saturating_sub(self.context_start),
            end: (self.i + 1).saturating_sub(self.context_start),
            whole: false,
            sources: self.sources.take(),
            escape: None,
        };
        self.lists[list].push(var);
        self.release_context();
    }

    fn register_var_escape(&mut self) {
        let start = self.escape_start.take().unwrap_or(self.i);
        let slashes = (self.i.saturating_sub(start + 2)).div_ceil(2);
        let mut value = "\\".repeat(slashes);
        value.push(self.v[self.i - 1]);
        let list = self.ensure_variables();
        let var = VarB {
            start: start.saturating_sub(self.context_start),
            end: self.i.saturating_sub(self.context_start),
            whole: false,
            sources: None,
            escape: Some(value),
        };
        self.lists[list].push(var);
    }

    fn register_slash_escape(&mut self) {
        let start = self.escape_start.take().unwrap_or(self.i);
        let slashes = (self.i.saturating_sub(start + 2)).div_ceil(2);
        let list = self.ensure_variables();
        let var = VarB {
            start: start.saturating_sub(self.context_start),
            end: (self.i - 1).saturating_sub(self.context_start),
            whole: false,
            sources: None,
            escape: Some("\\".repeat(slashes)),
        };
        self.lists[list].push(var);
    }

    fn register_context(&mut self, new_start: usize) -> Result<(), SyntaxError> {
        if self.contexts.len() >= MAX_SYNTAX_NESTING {
            return Err(SyntaxError {
                message: format!("Variables are nested more than {MAX_SYNTAX_NESTING} levels deep in \"{}\"", clip(self.text, 80)),
                too_deep: true,
            });
        }
        self.ensure_variables();
        if new_start != 0 && self.context_variables.is_none() {
            self.context_variables = Some(self.new_list());
        }
        self.contexts.push(Ctx {
            state: self.state,
            variable_start: self.variable_start,
            context_start: self.context_start,
            variables: self.variables,
            context_variables: self.context_variables,
            current: self.current.clone(),
            sources: self.sources.take(),
        });
        self.state = St::MaybeVariableOpen;
        self.variable_start = self.i;
        if new_start != 0 {
            self.context_start = new_start;
            self.variables = self.context_variables;
        }
        Ok(())
    }

    fn release_context(&mut self) {
        let Some(ctx) = self.contexts.pop() else {
            self.state = St::Out;
            return;
        };
        self.state = ctx.state;
        self.variable_start = ctx.variable_start;
        self.variables = ctx.variables;
        self.context_variables = ctx.context_variables;
        self.current = ctx.current;
        self.sources = ctx.sources;
        if self.state == St::Param {
            self.param_start = self.context_start;
        }
        if self.state == St::Address {
            self.address_start = self.context_start;
        }
        self.context_start = ctx.context_start;
    }

    /// `generateMeta`: falsy values become `null` (so `strToBool(false)` has no input, as in
    /// Serverless); a single variable covering the whole text keeps its type.
    fn generate_meta(&mut self, text: &str, lit: Lit, vars: Option<usize>) -> MetaB {
        let value = if lit_is_falsy(&lit) { Lit::Null } else { lit };
        match vars {
            Some(id) if !self.lists[id].is_empty() => {
                self.normalize(id, text.chars().count());
                MetaB { value, vars: Some(id) }
            }
            _ => MetaB { value, vars: None },
        }
    }

    fn normalize(&mut self, list: usize, len: usize) {
        if let [only] = self.lists[list].as_mut_slice() {
            if only.start == 0 && only.end == len {
                only.whole = true;
            }
        }
    }

    fn parse_literal_source(&self, literal: &str, fallback_to_input: bool) -> Result<Lit, SyntaxError> {
        Ok(match literal {
            "true" => Lit::Bool(true),
            "false" => Lit::Bool(false),
            "null" => Lit::Null,
            _ => match js_number(literal) {
                Some(n) => Lit::Num(n),
                None if fallback_to_input => Lit::Str(literal.to_string()),
                None => {
                    return Err(
                        self.err(format!("Invalid literal source \"{literal}\" at index {} in \"{}\"", self.source_start, self.text))
                    )
                }
            },
        })
    }

    fn parse_string(&self, start: usize) -> Result<String, SyntaxError> {
        let raw = self.slice(start, self.i);
        if self.v.get(start) == Some(&'\'') {
            let chars: Vec<char> = js_trim(&raw).chars().collect();
            if chars.len() < 2 {
                return Ok(String::new());
            }
            return Ok(chars[1..chars.len() - 1].iter().collect());
        }
        serde_json::from_str::<String>(&raw)
            .map_err(|e| self.err(format!("Invalid string literal at index {start} in \"{}\": {e}", self.text)))
    }

    fn build_list(&mut self, id: usize) -> Vec<Var> {
        let vars = std::mem::take(&mut self.lists[id]);
        exact(vars, |v| Var {
            range: (!v.whole).then_some((v.start, v.end)),
            kind: match v.escape {
                Some(text) => VarKind::Escape(text),
                None => VarKind::Sources(exact(v.sources.unwrap_or_default(), |s| self.build_source(s))),
            },
        })
    }

    fn build_source(&mut self, s: SrcB) -> Source {
        match s.ty {
            None => Source::Literal(s.literal.unwrap_or(Lit::Null)),
            Some(ty) => Source::Typed {
                ty,
                params: s.params.map(|ps| exact(ps, |m| self.build_meta(m))),
                address: s.address.map(|m| self.build_meta(m)),
            },
        }
    }

    fn build_meta(&mut self, m: MetaB) -> Meta {
        Meta { value: m.value, variables: m.vars.map(|id| self.build_list(id)) }
    }
}

fn lit_is_falsy(lit: &Lit) -> bool {
    match lit {
        Lit::Null => true,
        Lit::Bool(b) => !b,
        Lit::Num(n) => *n == 0.0 || n.is_nan(),
        Lit::Str(s) => s.is_empty(),
    }
}

fn lit_node(lit: &Lit, span: Span) -> Node {
    let value = match lit {
        Lit::Null => Value::Null,
        Lit::Bool(b) => Value::Bool(*b),
        Lit::Num(n) => Value::Number(*n),
        Lit::Str(s) => Value::String(s.clone()),
    };
    Node::new(span, value)
}

// ------------------------------------------------------------------------------------------------
// JavaScript value semantics
// ------------------------------------------------------------------------------------------------

/// JavaScript's `\s` / `String.prototype.trim` whitespace.
fn js_is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}' | '\u{feff}'
    )
}

fn js_is_line_end(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

fn js_trim(s: &str) -> &str {
    s.trim_matches(js_is_space)
}

/// `Number(s)`, `None` for `NaN`.
fn js_number(s: &str) -> Option<f64> {
    let t = js_trim(s);
    if t.is_empty() {
        return Some(0.0);
    }
    for (prefix, radix) in [("0x", 16), ("0X", 16), ("0o", 8), ("0O", 8), ("0b", 2), ("0B", 2)] {
        if let Some(digits) = t.strip_prefix(prefix) {
            if digits.is_empty() {
                return None;
            }
            let mut n = 0.0f64;
            for c in digits.chars() {
                n = n * f64::from(radix) + f64::from(c.to_digit(radix)?);
            }
            return Some(n);
        }
    }
    let (sign, body) = match t.as_bytes()[0] {
        b'+' => (1.0, &t[1..]),
        b'-' => (-1.0, &t[1..]),
        _ => (1.0, t),
    };
    if body == "Infinity" {
        return Some(sign * f64::INFINITY);
    }
    let bytes = body.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < bytes.len() && bytes[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    let mut mantissa = digits(&mut i);
    if i < bytes.len() && bytes[i] == b'.' {
        i += 1;
        mantissa += digits(&mut i);
    }
    if mantissa == 0 {
        return None;
    }
    if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
        i += 1;
        if i < bytes.len() && (bytes[i] == b'+' || bytes[i] == b'-') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return None;
        }
    }
    if i != bytes.len() {
        return None;
    }
    body.parse::<f64>().ok().map(|n| sign * n)
}

/// Serverless' restricted string coercion (`type/string/coerce`): strings, numbers, booleans
/// and arrays (joined with commas) coerce; `null` and plain objects do not.
fn js_string(node: &Node) -> Option<String> {
    match &node.value {
        Value::Null | Value::Map(_) => None,
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(cfgen_syntax::node::js_number_string(*n)),
        Value::String(s) => Some(s.clone()),
        Value::Seq(items) => Some(js_join(items)),
    }
}

/// `Array.prototype.join(',')`.
fn js_join(items: &[Node]) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match &item.value {
            Value::Null => {}
            Value::Map(_) => out.push_str("[object Object]"),
            _ => out.push_str(&js_display(item)),
        }
    }
    out
}

/// `String(value)` for any value.
fn js_display(node: &Node) -> String {
    match &node.value {
        Value::Null => "null".into(),
        Value::Map(_) => "[object Object]".into(),
        _ => js_string(node).unwrap_or_default(),
    }
}

fn js_truthy(node: &Node) -> bool {
    match &node.value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => *n != 0.0 && !n.is_nan(),
        Value::String(s) => !s.is_empty(),
        Value::Seq(_) | Value::Map(_) => true,
    }
}

fn json_truthy(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Null => false,
        serde_json::Value::Bool(b) => *b,
        serde_json::Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        serde_json::Value::String(s) => !s.is_empty(),
        _ => true,
    }
}

/// `type/lib/to-short-string`, for messages.
fn short_string(node: &Node) -> String {
    let Some(s) = js_string(node) else { return "<Non-coercible to string value>".into() };
    let mut s: String = if s.chars().count() > 100 { s.chars().take(99).chain(['…']).collect() } else { s };
    for (from, to) in [("\n", "\\n"), ("\r", "\\r"), ("\u{2028}", "\\u2028"), ("\u{2029}", "\\u2029")] {
        s = s.replace(from, to);
    }
    s
}

/// JavaScript property access `value[key]` on a JSON-like value.
fn js_get<'a>(node: Cow<'a, Node>, key: &str) -> Option<Cow<'a, Node>> {
    let span = node.span;
    let length = |n: usize| Cow::Owned(Node::new(span, Value::Number(n as f64)));
    match node {
        Cow::Borrowed(n) => match &n.value {
            Value::Map(m) => m.get(key).map(Cow::Borrowed),
            Value::Seq(items) if key == "length" => Some(length(items.len())),
            Value::Seq(items) => items.get(array_index(key)? as usize).map(Cow::Borrowed),
            Value::String(s) => string_get(s, key, span).map(Cow::Owned),
            _ => None,
        },
        Cow::Owned(n) => match n.value {
            Value::Map(m) => m.get(key).cloned().map(Cow::Owned),
            Value::Seq(items) if key == "length" => Some(length(items.len())),
            Value::Seq(items) => items.get(array_index(key)? as usize).cloned().map(Cow::Owned),
            Value::String(s) => string_get(&s, key, span).map(Cow::Owned),
            _ => None,
        },
    }
}

fn string_get(s: &str, key: &str, span: Span) -> Option<Node> {
    if key == "length" {
        return Some(Node::new(span, Value::Number(s.encode_utf16().count() as f64)));
    }
    let c = s.chars().nth(array_index(key)? as usize)?;
    Some(Node::string(span, c.to_string()))
}

fn js_walk<'a>(root: &'a Node, keys: &[String]) -> Option<Cow<'a, Node>> {
    let mut cur = Cow::Borrowed(root);
    for key in keys {
        cur = js_get(cur, key)?;
    }
    Some(cur)
}

fn node_at_mut<'a>(root: &'a mut Node, keys: &[String]) -> Option<&'a mut Node> {
    let mut cur = root;
    for key in keys {
        cur = match &mut cur.value {
            Value::Map(m) => m.get_mut(key)?,
            Value::Seq(items) => items.get_mut(key.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

fn node_depth(node: &Node) -> usize {
    match &node.value {
        Value::Seq(items) => 1 + items.iter().map(node_depth).max().unwrap_or(0),
        Value::Map(m) => 1 + m.iter().map(|(_, n)| node_depth(n)).max().unwrap_or(0),
        _ => 1,
    }
}

/// `JSON.parse(JSON.stringify(v))` on a source result: non-finite numbers become `null`.
fn json_normalize(node: &mut Node) {
    match &mut node.value {
        Value::Number(n) if !n.is_finite() => node.value = Value::Null,
        Value::Seq(items) => items.iter_mut().for_each(json_normalize),
        Value::Map(m) => m.iter_mut().for_each(|(_, n)| json_normalize(n)),
        _ => {}
    }
}

// ------------------------------------------------------------------------------------------------
// Paths and files
// ------------------------------------------------------------------------------------------------

type Path = Vec<String>;

fn path(keys: &[&str]) -> Path {
    keys.iter().map(|k| k.to_string()).collect()
}

/// Serverless' `humanizePropertyPathKeys`.
fn humanize(p: &[String]) -> String {
    p.join(".")
}

/// True when `p` is `target`, above it or below it.
fn related(p: &[String], target: &[String]) -> bool {
    p.starts_with(target) || target.starts_with(p)
}

/// A `${file()}` path relative to the service directory: `/`-separated, without `.` segments,
/// `..` applied where possible. Absolute paths stay absolute.
fn normalize_file_path(raw: &str) -> String {
    let absolute = raw.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in raw.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !absolute {
                    parts.push("..");
                }
            }
            _ => parts.push(seg),
        }
    }
    let joined = parts.join("/");
    match (absolute, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// Node's `path.extname`.
fn extname(p: &str) -> &str {
    let base = p.rsplit('/').next().unwrap_or(p);
    if base == "." || base == ".." {
        return "";
    }
    match base.rfind('.') {
        Some(0) | None => "",
        Some(i) => &base[i..],
    }
}

fn whole_file_span(file: FileId, text: &str) -> Span {
    let lines = text.split('\n').count().max(1) as u32;
    let last = text.rsplit('\n').next().unwrap_or("");
    Span { file, line: 1, col: 1, end_line: lines, end_col: last.chars().count() as u32 + 1 }
}

// ------------------------------------------------------------------------------------------------
// .env files: dotenv 16 parsing and dotenv-expand 10 expansion, as Serverless v3 uses them
// ------------------------------------------------------------------------------------------------

/// dotenv's `parse`: an emulation of its line regular expression.
fn dotenv_parse(src: &str) -> IndexMap<String, String> {
    let text = src.replace("\r\n", "\n").replace('\r', "\n");
    let s: Vec<char> = text.chars().collect();
    let mut out = IndexMap::new();
    let mut pos = 0;
    while pos <= s.len() {
        if pos == 0 || s[pos - 1] == '\n' {
            if let Some((key, raw, end)) = dotenv_entry(&s, pos) {
                out.insert(key, dotenv_clean(&raw));
                pos = end.max(pos + 1);
                continue;
            }
        }
        match s[pos..].iter().position(|&c| c == '\n') {
            Some(i) => pos += i + 1,
            None => break,
        }
    }
    out
}

fn skip_space(s: &[char], mut i: usize) -> usize {
    while i < s.len() && js_is_space(s[i]) {
        i += 1;
    }
    i
}

fn collect(s: &[char], a: usize, b: usize) -> String {
    s[a..b].iter().collect()
}

/// One match of `\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(VALUE)?\s*(?:#.*)?$` at `p`.
fn dotenv_entry(s: &[char], p: usize) -> Option<(String, String, usize)> {
    let q = skip_space(s, p);
    let mut key_starts = Vec::with_capacity(2);
    let export: Vec<char> = "export".chars().collect();
    if s.len() > q + 6 && s[q..q + 6] == export[..] && js_is_space(s[q + 6]) {
        key_starts.push(skip_space(s, q + 6));
    }
    key_starts.push(q);
    for ks in key_starts {
        let mut ke = ks;
        while ke < s.len() && (s[ke].is_ascii_alphanumeric() || matches!(s[ke], '_' | '.' | '-')) {
            ke += 1;
        }
        if ke == ks {
            continue;
        }
        let key = collect(s, ks, ke);
        let eq = skip_space(s, ke);
        if eq < s.len() && s[eq] == '=' {
            if let Some((value, end)) = dotenv_value(s, eq + 1, 0) {
                return Some((key, value, end));
            }
        }
        if ke + 1 < s.len() && s[ke] == ':' && js_is_space(s[ke + 1]) {
            if let Some((value, end)) = dotenv_value(s, ke + 1, 1) {
                return Some((key, value, end));
            }
        }
    }
    None
}

/// The optional value group after the separator's lazy whitespace, and the end of the match.
fn dotenv_value(s: &[char], start: usize, min_space: usize) -> Option<(String, usize)> {
    let mut c = start;
    for _ in 0..min_space {
        if c < s.len() && js_is_space(s[c]) {
            c += 1;
        } else {
            return None;
        }
    }
    loop {
        for quote in ['\'', '"', '`'] {
            if let Some((end, tail_end)) = dotenv_quoted(s, c, quote) {
                return Some((collect(s, c, end), tail_end));
            }
        }
        let mut r = c;
        while r < s.len() && !matches!(s[r], '#' | '\r' | '\n') {
            r += 1;
        }
        if r > c {
            if let Some(tail_end) = dotenv_tail(s, r) {
                return Some((collect(s, c, r), tail_end));
            }
        }
        if let Some(tail_end) = dotenv_tail(s, c) {
            return Some((String::new(), tail_end));
        }
        if c < s.len() && js_is_space(s[c]) {
            c += 1;
        } else {
            return None;
        }
    }
}

/// `\s*Q(?:\\Q|[^Q])*Q` at `c`, trying the ends in the regular expression's backtracking order.
fn dotenv_quoted(s: &[char], c: usize, quote: char) -> Option<(usize, usize)> {
    let w = skip_space(s, c);
    if w >= s.len() || s[w] != quote {
        return None;
    }
    let mut i = w + 1;
    let mut pairs = Vec::new();
    let first_close = loop {
        if i >= s.len() {
            break None;
        }
        if s[i] == '\\' && s.get(i + 1) == Some(&quote) {
            pairs.push(i);
            i += 2;
        } else if s[i] != quote {
            i += 1;
        } else {
            break Some(i + 1);
        }
    };
    first_close.into_iter().chain(pairs.iter().rev().map(|&e| e + 2)).find_map(|end| dotenv_tail(s, end).map(|t| (end, t)))
}

/// `\s*(?:#.*)?$` (multiline) at `e`: the end of the match, if it matches.
fn dotenv_tail(s: &[char], e: usize) -> Option<usize> {
    let w = skip_space(s, e);
    if w < s.len() && s[w] == '#' {
        let mut k = w;
        while k < s.len() && !js_is_line_end(s[k]) {
            k += 1;
        }
        return Some(k);
    }
    if w >= s.len() {
        return Some(w);
    }
    (e..w).rev().find(|&k| js_is_line_end(s[k]))
}

/// Trim, remove surrounding quotes, expand `\n` and `\r` in double-quoted values.
fn dotenv_clean(raw: &str) -> String {
    let v = js_trim(raw);
    let chars: Vec<char> = v.chars().collect();
    let first = chars.first().copied();
    let mut out = match chars.as_slice() {
        [q, inner @ .., last] if matches!(q, '\'' | '"' | '`') && q == last => inner.iter().collect(),
        _ => v.to_string(),
    };
    if first == Some('"') {
        out = out.replace("\\n", "\n").replace("\\r", "\r");
    }
    out
}

/// dotenv-expand 10: `$VAR`, `${VAR}` and `${VAR:-default}`, right-most first. The real
/// environment wins over the file for a key both define (but is expanded too). Also returns the
/// keys whose expansion never ends (dotenv-expand overflows its stack on them); they keep
/// their raw value.
fn dotenv_expand(parsed: &IndexMap<String, String>, host: &dyn Host) -> (IndexMap<String, String>, Vec<String>) {
    let mut result = parsed.clone();
    let mut endless = Vec::new();
    for key in parsed.keys() {
        let value = host.env(key).or_else(|| parsed.get(key).cloned()).unwrap_or_default();
        match dotenv_interpolate(value, host, parsed, &result) {
            Some(expanded) => {
                result.insert(key.clone(), expanded.replace("\\$", "$"));
            }
            None => endless.push(key.clone()),
        }
    }
    (result, endless)
}

/// `None` when the expansion does not end.
fn dotenv_interpolate(
    mut v: String,
    host: &dyn Host,
    raw: &IndexMap<String, String>,
    current: &IndexMap<String, String>,
) -> Option<String> {
    const MAX_STEPS: usize = 1_000;
    const MAX_LEN: usize = 1 << 20;
    for _ in 0..MAX_STEPS {
        if v.len() > MAX_LEN {
            return None;
        }
        let chars: Vec<char> = v.chars().collect();
        let Some(last) = (0..chars.len()).rev().find(|&i| chars[i] == '$' && (i == 0 || chars[i - 1] != '\\')) else {
            return Some(v);
        };
        let mut j = last + 1;
        if chars.get(j) == Some(&'{') {
            j += 1;
        }
        let name_start = j;
        while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
            j += 1;
        }
        if j == name_start {
            return Some(v);
        }
        let name = collect(&chars, name_start, j);
        let mut default = String::new();
        if chars.get(j) == Some(&':') && chars.get(j + 1) == Some(&'-') {
            let mut k = j + 2;
            while k < chars.len() && chars[k] != '}' && chars[k] != '\\' {
                k += 1;
            }
            default = collect(&chars, j + 2, k);
            j = k;
        }
        if chars.get(j) == Some(&'}') {
            j += 1;
        }
        let group = collect(&chars, last, j);
        let non_empty = |s: Option<String>| s.filter(|s| !s.is_empty());
        let replacement = non_empty(host.env(&name).or_else(|| raw.get(&name).cloned()))
            .or_else(|| non_empty(Some(default)))
            .or_else(|| non_empty(current.get(&name).cloned()))
            .unwrap_or_default();
        v = js_replace_first(&v, &group, &replacement);
    }
    None
}

/// `String.prototype.replace(string, string)`, with the `$$ $& $\` $'` replacement patterns.
fn js_replace_first(hay: &str, needle: &str, replacement: &str) -> String {
    let Some(at) = hay.find(needle) else { return hay.to_string() };
    let (before, after) = (&hay[..at], &hay[at + needle.len()..]);
    let mut expanded = String::new();
    let mut chars = replacement.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' {
            match chars.peek() {
                Some('$') => expanded.push('$'),
                Some('&') => expanded.push_str(needle),
                Some('`') => expanded.push_str(before),
                Some('\'') => expanded.push_str(after),
                _ => {
                    expanded.push('$');
                    continue;
                }
            }
            chars.next();
        } else {
            expanded.push(c);
        }
    }
    format!("{before}{expanded}{after}")
}

// ------------------------------------------------------------------------------------------------
// The engine
// ------------------------------------------------------------------------------------------------

/// Which sources are available (Serverless v3 adds them in this order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    /// `provider.stage` and `useDotenv`, before `.env` is loaded.
    Early,
    /// `env file opt self strToBool sls` (without `sls:instanceId`).
    Main,
    /// + `param`, `sls:instanceId`.
    Instance,
    /// + `ssm cf s3 aws`; unknown sources are errors.
    Aws,
}

fn source_phase(ty: &str) -> Option<Phase> {
    match ty {
        "self" | "opt" | "env" | "file" | "sls" | "strToBool" => Some(Phase::Early),
        "param" => Some(Phase::Instance),
        "aws" | "cf" | "s3" | "ssm" | "output" => Some(Phase::Aws),
        // serverless-lift's source, added once plugins are loaded.
        "construct" => Some(Phase::Instance),
        _ => None,
    }
}

/// Why a resolution stopped: an error already pushed to the diagnostics, or a source that is not
/// available yet in this phase (the property is retried in the next one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fail {
    Reported,
    Pending,
}

type Res<T> = Result<T, Fail>;

/// A property (string value) that holds variables and is not resolved yet.
#[derive(Clone)]
struct Prop {
    text: String,
    vars: Vec<Var>,
    span: Span,
    seq: u64,
}

/// Where a variable is: the property being resolved and the string holding the variable.
#[derive(Clone)]
struct Site {
    path: Path,
    span: Span,
}

/// What a source gave: a value, or nothing (with Serverless' message for that, if special, and
/// what it looked for, for the help of the error when no later source gives a value either).
enum Found {
    Value(Node),
    Missing(Option<String>, Sought),
}

/// What a source looked for and did not find. Worked into a hint only when the variable fails
/// (`Engine::missing_help`), so a fallback that follows costs nothing.
enum Sought {
    Nothing,
    /// `${self:...}`: the keys of the address.
    Config(Vec<String>),
    /// `${opt:NAME}`.
    Option(String),
    /// `${env:NAME}`.
    Env(String),
    /// `${param:NAME}` and the stage whose `params` were looked in.
    Param {
        name: String,
        stage: String,
    },
    /// `${file(PATH):KEYS}`: the path as written, the file as read (normalised) and the keys
    /// of the address.
    File {
        written: String,
        rel: String,
        keys: Vec<String>,
    },
}

/// The help of an unresolved variable (`Engine::missing_help`).
enum Hint {
    None,
    /// What is wrong with what was sought ("`custom` has no key `tabel`").
    Because(String),
    /// What to do to give it a value ("set the environment variable `X`").
    Do(String),
    /// What was probably meant, and where that is defined.
    Instead(String, Option<(Span, String)>),
}

/// Where a path of keys leaves a tree (`path_hint`).
enum PathHint {
    /// A near key that exists (the whole path with it, and the key's place).
    Suggest(String, Option<(Span, String)>),
    Why(String),
}

/// Why `keys` finds no value in `root`: the first key that is not there (with a near key that
/// is, as "did you mean"), a value that has no keys, or a null.
fn path_hint(root: &Node, keys: &[String]) -> PathHint {
    let shown = |ks: &[String]| if ks.is_empty() { "the configuration".to_string() } else { format!("`{}`", ks.join(".")) };
    let mut cur = root;
    for (i, key) in keys.iter().enumerate() {
        let next = match &cur.value {
            Value::Map(m) => match m.get(key) {
                Some(n) => n,
                None => {
                    let near = did_you_mean(key, m.keys().map(String::as_str)).map(str::to_string);
                    if let Some(near) = near {
                        let mut fixed = keys.to_vec();
                        fixed[i] = near.clone();
                        if js_walk(root, &fixed).is_some_and(|n| !n.is_null()) {
                            let place = m.key_span(&near).map(|at| (at, fixed[..=i].join(".")));
                            return PathHint::Suggest(fixed.join("."), place);
                        }
                    }
                    return PathHint::Why(format!("{} has no key `{key}`", shown(&keys[..i])));
                }
            },
            Value::Seq(items) => match array_index(key).and_then(|x| items.get(x as usize)) {
                Some(n) => n,
                None if key == "length" => return PathHint::Why(format!("{} is a number", shown(&keys[..=i]))),
                None => return PathHint::Why(format!("{} is a list of {} items, with no item `{key}`", shown(&keys[..i]), items.len())),
            },
            other => return PathHint::Why(format!("{} is {}, with no key `{key}`", shown(&keys[..i]), article(other.type_name()))),
        };
        cur = next;
    }
    PathHint::Why(format!("{} is null", shown(keys)))
}

fn article(type_name: &str) -> String {
    match type_name {
        "null" => "null".into(),
        "array" => "a list".into(),
        "object" => "an object".into(),
        t => format!("a {t}"),
    }
}

enum FileEntry {
    Missing,
    Loaded(Node),
    Failed,
}

/// `.env` files and the names each sets.
type DotenvNames = Rc<Vec<(String, BTreeSet<String>)>>;

struct Engine<'a> {
    tree: Node,
    pending: BTreeMap<Path, Prop>,
    failed: BTreeSet<Path>,
    nest: HashMap<Path, u32>,
    stack: Vec<Path>,
    seq: u64,
    opts: &'a VarOptions,
    host: &'a dyn Host,
    sources: &'a mut SourceMap,
    diags: Vec<Diagnostic>,
    files: HashMap<String, FileEntry>,
    dotenv: IndexMap<String, String>,
    /// Environment variables found missing while deciding which `.env` file to load.
    early_missing_env: Vec<String>,
    phase: Phase,
    depth: usize,
    resolutions: usize,
    budget_reported: bool,
    copied: usize,
    copied_text: usize,
    string_bytes: usize,
    /// [`Engine::unread_dotenv`], once worked out.
    unread_dotenv: Option<DotenvNames>,
}

impl<'a> Engine<'a> {
    fn new(tree: Node, opts: &'a VarOptions, host: &'a dyn Host, sources: &'a mut SourceMap) -> Self {
        Engine {
            tree,
            pending: BTreeMap::new(),
            failed: BTreeSet::new(),
            nest: HashMap::new(),
            stack: Vec::new(),
            seq: 0,
            opts,
            host,
            sources,
            diags: Vec::new(),
            files: HashMap::new(),
            dotenv: IndexMap::new(),
            early_missing_env: Vec::new(),
            phase: Phase::Early,
            depth: 0,
            resolutions: 0,
            budget_reported: false,
            copied: 0,
            copied_text: 0,
            string_bytes: 0,
            unread_dotenv: None,
        }
    }

    // ---- bookkeeping -----------------------------------------------------------------------

    fn push(&mut self, d: Diagnostic) -> Fail {
        self.diags.push(d);
        Fail::Reported
    }

    fn error(&self, code: Code, site: &Site, message: impl std::fmt::Display) -> Diagnostic {
        Diagnostic::error(code, format!("Cannot resolve variable at \"{}\": {message}", humanize(&site.path))).at(site.span)
    }

    fn fail(&mut self, code: Code, site: &Site, message: impl std::fmt::Display) -> Fail {
        let d = self.error(code, site, message);
        self.push(d)
    }

    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// Register the strings holding variables below `node` (at `base`); syntax errors are
    /// reported and their properties marked failed. Returns the registered paths.
    fn register(&mut self, node: &Node, base: &mut Path, nest: Option<u32>, out: &mut Vec<Path>) {
        match &node.value {
            Value::Map(m) => {
                for (k, child) in m.iter() {
                    base.push(k.clone());
                    self.register(child, base, nest, out);
                    base.pop();
                }
            }
            Value::Seq(items) => {
                for (i, child) in items.iter().enumerate() {
                    base.push(i.to_string());
                    self.register(child, base, nest, out);
                    base.pop();
                }
            }
            Value::String(s) => self.register_string(s, node.span, base, nest, out),
            _ => {}
        }
    }

    fn register_string(&mut self, s: &str, span: Span, base: &Path, nest: Option<u32>, out: &mut Vec<Path>) {
        match parse(s) {
            Ok(None) => {}
            Ok(Some(vars)) => {
                let seq = self.next_seq();
                self.pending.insert(base.clone(), Prop { text: s.to_string(), vars, span, seq });
                if let Some(n) = nest {
                    self.nest.insert(base.clone(), n);
                }
                out.push(base.clone());
            }
            Err(e) => {
                let code = if e.too_deep { codes::VARIABLE_DEPTH } else { codes::VARIABLE_SYNTAX };
                let d = Diagnostic::error(code, format!("Variable syntax error at \"{}\": {}", humanize(base), e.message))
                    .at(span)
                    .label("malformed variable")
                    .help("a variable is `${source:address}` or `${source(params):address}`, with fallbacks after commas; write `\\${` for a literal `${`");
                self.push(d);
                self.failed.insert(base.clone());
            }
        }
    }

    fn collect_initial(&mut self) {
        let tree = std::mem::replace(&mut self.tree, Node::null(Span::default()));
        let mut out = Vec::new();
        self.register(&tree, &mut Vec::new(), None, &mut out);
        self.tree = tree;
    }

    fn pending_in_order(&self) -> Vec<Path> {
        let mut order: Vec<(u64, &Path)> = self.pending.iter().map(|(p, prop)| (prop.seq, p)).collect();
        order.sort();
        order.into_iter().map(|(_, p)| p.clone()).collect()
    }

    fn resolve_all(&mut self) {
        for p in self.pending_in_order() {
            if self.pending.contains_key(&p) {
                let _ = self.resolve_property(&p);
            }
        }
    }

    fn is_tracked(&self, p: &Path) -> bool {
        self.pending.contains_key(p) || self.failed.contains(p)
    }

    /// Pending properties strictly below `prefix`, in order.
    fn pending_under<'s>(&'s self, prefix: &'s [String]) -> impl Iterator<Item = &'s Path> + 's {
        self.pending
            .range(prefix.to_vec()..)
            .map(|(k, _)| k)
            .take_while(move |k| k.starts_with(prefix))
            .filter(move |k| k.len() > prefix.len())
    }

    /// Failed properties strictly below `prefix`, in order.
    fn failed_under<'s>(&'s self, prefix: &'s [String]) -> impl Iterator<Item = &'s Path> + 's {
        self.failed.range(prefix.to_vec()..).take_while(move |k| k.starts_with(prefix)).filter(move |k| k.len() > prefix.len())
    }

    /// The first unresolved property at, above or below `p`.
    fn unsettled(&self, p: &[String], include_failed: bool) -> Option<Path> {
        let tracked = |k: &Path| self.pending.contains_key(k) || (include_failed && self.failed.contains(k));
        (1..=p.len())
            .map(|n| p[..n].to_vec())
            .find(|k| tracked(k))
            .or_else(|| self.pending_under(p).next().or_else(|| if include_failed { self.failed_under(p).next() } else { None }).cloned())
    }

    fn enter(&mut self, site: &Site) -> Res<()> {
        self.resolutions += 1;
        if self.resolutions > MAX_RESOLUTIONS {
            return Err(self.over_budget(site, format!("more than {MAX_RESOLUTIONS} variable resolutions")));
        }
        if self.depth >= MAX_DEPTH {
            let d = self
                .error(codes::VARIABLE_DEPTH, site, format!("variables depend on each other more than {MAX_DEPTH} levels deep"))
                .help("shorten the chain of variables that refer to each other");
            return Err(self.push(d));
        }
        self.depth += 1;
        Ok(())
    }

    fn charge_copy(&mut self, site: &Site, node: &Node) -> Res<()> {
        let weight = self.weigh(node);
        self.charge_weight(site, weight)
    }

    /// What a copy of `node` costs; once over budget nothing, as every copy then fails at once
    /// without measuring what it would copy.
    fn weigh(&self, node: &Node) -> Weight {
        if self.copied > MAX_COPIED_NODES || self.copied_text > MAX_COPIED_TEXT {
            Weight::default()
        } else {
            node.weight()
        }
    }

    /// Charge a copy before making it (so a reference past the budget costs nothing: a map of
    /// 4,000 entries referenced 4,000 times used to be cloned each time only to be refused).
    fn charge_weight(&mut self, site: &Site, weight: Weight) -> Res<()> {
        self.copied += weight.nodes;
        self.copied_text += weight.text;
        let over = if self.copied > MAX_COPIED_NODES {
            format!("{MAX_COPIED_NODES} values")
        } else if self.copied_text > MAX_COPIED_TEXT {
            format!("{} MiB of text", MAX_COPIED_TEXT >> 20)
        } else {
            return Ok(());
        };
        Err(self.over_budget(site, format!("variables copy more than {over}")))
    }

    /// Reports the first budget passed (`message`); every later one fails quietly.
    fn over_budget(&mut self, site: &Site, message: String) -> Fail {
        if !self.budget_reported {
            self.budget_reported = true;
            let d = self
                .error(codes::VARIABLE_DEPTH, site, message)
                .help("the configuration expands variables without bound; look for values that reference each other many times");
            self.push(d);
        }
        Fail::Reported
    }

    fn check_depth(&mut self, site: &Site, p: &[String], node: &Node) -> Res<()> {
        if p.len() + node_depth(node) > MAX_TREE_DEPTH {
            let d = self
                .error(codes::VARIABLE_DEPTH, site, format!("the resolved value nests deeper than {MAX_TREE_DEPTH} levels"))
                .help("values that embed each other through variables grow without bound");
            return Err(self.push(d));
        }
        Ok(())
    }

    fn store(&mut self, p: &[String], node: Node) {
        if let Some(slot) = node_at_mut(&mut self.tree, p) {
            *slot = node;
        }
    }

    fn write(&mut self, site: &Site, p: &[String], node: Node) -> Res<()> {
        self.check_depth(site, p, &node)?;
        self.store(p, node);
        Ok(())
    }

    // ---- properties ------------------------------------------------------------------------

    /// Resolve the property at `p` (a string with variables), if it is one. `Ok` once its value
    /// is written; new variables found in an object result are registered and resolved too.
    fn resolve_property(&mut self, p: &Path) -> Res<()> {
        if self.failed.contains(p) {
            return Err(Fail::Reported);
        }
        if let Some(at) = self.stack.iter().position(|s| s == p) {
            self.report_cycle(at);
            return Err(Fail::Reported);
        }
        if !self.pending.contains_key(p) {
            return Ok(());
        }
        self.stack.push(p.clone());
        let result = self.resolve_property_value(p);
        self.stack.pop();
        match result {
            Ok(children) => {
                for child in children {
                    let _ = self.resolve_property(&child);
                }
                Ok(())
            }
            Err(Fail::Reported) => {
                self.pending.remove(p);
                self.failed.insert(p.clone());
                Err(Fail::Reported)
            }
            Err(Fail::Pending) => Err(Fail::Pending),
        }
    }

    fn resolve_property_value(&mut self, p: &Path) -> Res<Vec<Path>> {
        loop {
            let Some(prop) = self.pending.get(p).cloned() else { return Ok(Vec::new()) };
            let site = Site { path: p.clone(), span: prop.span };
            let (node, pieces) = self.resolve_text(&site, &prop.text, &prop.vars)?;
            match &node.value {
                Value::String(s) => {
                    let reparsed = match &pieces {
                        Some(pieces) => parse_pieces(pieces),
                        None => parse(s),
                    };
                    let vars = match reparsed {
                        Ok(Some(vars)) => vars,
                        Ok(None) => {
                            self.write(&site, p, node)?;
                            self.pending.remove(p);
                            return Ok(Vec::new());
                        }
                        Err(e) => return Err(self.reparse_error(&site, s, e)),
                    };
                    let nest = self.next_nest(&site)?;
                    self.nest.insert(p.clone(), nest);
                    let (text, span) = (s.clone(), node.span);
                    self.write(&site, p, node)?;
                    let seq = self.next_seq();
                    self.pending.insert(p.clone(), Prop { text, vars, span, seq });
                }
                Value::Map(_) | Value::Seq(_) => {
                    // An object or array result may bring new variables: they become properties
                    // of their own, one nesting level deeper.
                    let nest = self.nest.get(p).copied().unwrap_or(0) + 1;
                    let brings = brings_variables(&node);
                    if brings && nest > MAX_NEST {
                        return Err(self.excessive_nesting(&site));
                    }
                    self.check_depth(&site, p, &node)?;
                    let mut children = Vec::new();
                    if brings {
                        self.register(&node, &mut p.clone(), Some(nest), &mut children);
                    }
                    self.pending.remove(p);
                    self.store(p, node);
                    return Ok(children);
                }
                _ => {
                    self.write(&site, p, node)?;
                    self.pending.remove(p);
                    return Ok(Vec::new());
                }
            }
        }
    }

    fn next_nest(&mut self, site: &Site) -> Res<u32> {
        let nest = self.nest.get(&site.path).copied().unwrap_or(0) + 1;
        if nest > MAX_NEST {
            return Err(self.excessive_nesting(site));
        }
        Ok(nest)
    }

    #[cold]
    #[inline(never)]
    fn excessive_nesting(&mut self, site: &Site) -> Fail {
        let d = self
            .error(codes::VARIABLE_DEPTH, site, "Excessive property variables nest depth")
            .label("resolves to values holding variables, again and again")
            .help(format!("a resolved value may bring new variables at most {MAX_NEST} times; a file that includes itself never ends"));
        self.push(d)
    }

    #[cold]
    #[inline(never)]
    fn reparse_error(&mut self, site: &Site, value: &str, e: SyntaxError) -> Fail {
        let code = if e.too_deep { codes::VARIABLE_DEPTH } else { codes::VARIABLE_SYNTAX };
        self.fail(code, site, format!("Approached variable syntax error in resolved value \"{value}\": {}", e.message))
    }

    #[cold]
    #[inline(never)]
    fn report_cycle(&mut self, at: usize) {
        let members: Vec<Path> = self.stack[at..].to_vec();
        let first = &members[0];
        let mut names: Vec<String> = members.iter().map(|m| humanize(m)).collect();
        names.push(humanize(first));
        let message = if members.len() == 1 {
            format!("Circular reference: \"{}\" refers to itself", humanize(first))
        } else {
            format!("Circular reference: {}", names.join(" -> "))
        };
        let span_of = |e: &Self, m: &Path| e.pending.get(m).map(|p| p.span).or_else(|| js_walk(&e.tree, m).map(|n| n.span));
        let mut d = Diagnostic::error(codes::VARIABLE_CYCLE, message)
            .at_opt(span_of(self, first))
            .label("this property is part of a cycle")
            .help("give one of these properties a value that does not depend on the others");
        for (i, m) in members.iter().enumerate() {
            let next = members.get(i + 1).unwrap_or(first);
            if let Some(span) = span_of(self, m) {
                d = d.related(span, format!("\"{}\" needs \"{}\"", humanize(m), humanize(next)));
            }
        }
        self.push(d);
    }

    // ---- values ----------------------------------------------------------------------------

    /// Serverless' `resolveVariables`: the value of a string holding `vars`; a string built by
    /// interpolation also returns its parts (for re-parsing).
    fn resolve_text(&mut self, site: &Site, text: &str, vars: &[Var]) -> Res<(Node, Option<Vec<String>>)> {
        let chars: Vec<char> = text.chars().collect();
        let var_text = |v: &Var| -> String {
            match v.range {
                Some((s, e)) => chars[s.min(chars.len())..e.min(chars.len())].iter().collect(),
                None => text.to_string(),
            }
        };
        let mut values = Vec::with_capacity(vars.len());
        let mut pending = false;
        for var in vars {
            match &var.kind {
                VarKind::Escape(s) => values.push(Some(Node::string(site.span, s.clone()))),
                VarKind::Sources(sources) => match self.resolve_variable(site, sources, &var_text(var)) {
                    Ok(node) => values.push(Some(node)),
                    Err(Fail::Pending) => {
                        pending = true;
                        values.push(None);
                    }
                    Err(Fail::Reported) => return Err(Fail::Reported),
                },
            }
        }
        if pending {
            return Err(Fail::Pending);
        }
        if let ([var], [Some(node)]) = (vars, values.as_slice()) {
            if var.range.is_none() {
                return Ok((node.clone(), None));
            }
        }
        let mut pieces = Vec::with_capacity(vars.len() * 2 + 1);
        let mut last = 0;
        for (var, value) in vars.iter().zip(values) {
            let Some(value) = value else { return Err(Fail::Pending) };
            let (start, end) = var.range.unwrap_or((0, chars.len()));
            let Some(s) = js_string(&value) else {
                return Err(self.non_string(site, &var_text(var), &value));
            };
            pieces.push(chars[last.min(start)..start.min(chars.len())].iter().collect::<String>());
            pieces.push(s);
            last = end.min(chars.len());
        }
        pieces.push(chars[last..].iter().collect());
        let joined: String = pieces.concat();
        self.string_bytes += joined.len();
        if self.string_bytes > MAX_STRING_BYTES {
            return Err(self.too_much_text(site));
        }
        Ok((Node::string(site.span, joined), Some(pieces)))
    }

    #[cold]
    #[inline(never)]
    fn non_string(&mut self, site: &Site, var_text: &str, value: &Node) -> Fail {
        let what = if value.is_null() { "null" } else { "an object" };
        let d = self
            .error(
                codes::NON_STRING_VARIABLE,
                site,
                format!("String value consist of variable which resolve with non-string value (\"{var_text}\" resolves to {what})"),
            )
            .label("this string embeds a variable whose value is not a string, number or boolean")
            .help("make the variable the whole value to keep its type, or point it at a string");
        self.push(d)
    }

    #[cold]
    #[inline(never)]
    fn too_much_text(&mut self, site: &Site) -> Fail {
        let d = self
            .error(codes::VARIABLE_DEPTH, site, format!("variables build more than {MAX_STRING_BYTES} bytes of text"))
            .help("the configuration expands variables without bound; look for values that reference each other many times");
        self.push(d)
    }

    /// One `${...}`: its sources in order, until one gives a value.
    fn resolve_variable(&mut self, site: &Site, sources: &[Source], var_text: &str) -> Res<Node> {
        self.enter(site)?;
        let result = self.resolve_sources(site, sources, var_text);
        self.depth -= 1;
        result
    }

    fn resolve_sources(&mut self, site: &Site, sources: &[Source], var_text: &str) -> Res<Node> {
        let mut last_missing: Option<(String, Option<String>, Sought)> = None;
        for source in sources {
            let (ty, params, address) = match source {
                Source::Literal(lit) => return Ok(lit_node(lit, site.span)),
                Source::Typed { ty, params, address } => (ty, params, address),
            };
            match source_phase(ty) {
                None if self.phase < Phase::Aws => return Err(Fail::Pending),
                None => return Err(self.unknown_source(site, ty)),
                Some(available) if self.phase < available => return Err(Fail::Pending),
                Some(_) if ty == "output" => return Err(self.dashboard_only(site)),
                Some(_) => {}
            }
            let params = match params {
                Some(metas) => {
                    let mut values = Vec::with_capacity(metas.len());
                    for meta in metas {
                        values.push(self.resolve_meta(site, meta)?);
                    }
                    Some(values)
                }
                None => None,
            };
            let address = match address {
                Some(meta) => Some(self.resolve_meta(site, meta)?).filter(|n| !n.is_null()),
                None => None,
            };
            match self.call_source(site, ty, params, address)? {
                Found::Value(mut node) => {
                    json_normalize(&mut node);
                    if !node.is_null() {
                        return Ok(node);
                    }
                    last_missing = Some((ty.clone(), None, Sought::Nothing));
                }
                Found::Missing(message, sought) => last_missing = Some((ty.clone(), message, sought)),
            }
        }
        let (ty, message, sought) = last_missing.unwrap_or((String::new(), None, Sought::Nothing));
        Err(self.unresolved(site, &ty, message, &sought, var_text))
    }

    #[cold]
    #[inline(never)]
    fn unresolved(&mut self, site: &Site, ty: &str, message: Option<String>, sought: &Sought, var_text: &str) -> Fail {
        let message = message.unwrap_or_else(|| format!("Value not found at \"{ty}\" source"));
        let with_fallback = match var_text.strip_suffix('}') {
            Some(head) => format!("{head}, 'default'}}"),
            None => var_text.to_string(),
        };
        let fallback = format!("add a fallback: `{with_fallback}`");
        let (help, defined) = match self.missing_help(sought) {
            Hint::Instead(h, defined) => (h, defined),
            Hint::Because(why) => (format!("{why}; give it a value, or {fallback}"), None),
            Hint::Do(what) => (format!("{what}, or {fallback}"), None),
            Hint::None => (format!("give it a value, or {fallback}"), None),
        };
        let mut d = self.error(codes::UNRESOLVED_VARIABLE, site, message);
        d.span = Some(self.narrow(site.span, var_text));
        d = d.label(format!("`{var_text}` has no value")).help(help);
        if let Some((at, what)) = defined.filter(|(s, _)| !s.is_synthetic()) {
            d = d.related(at, format!("`{what}` is defined here"));
        }
        self.push(d)
    }

    /// `span` narrowed to the text `needle` inside it, when the span is one line of the source
    /// and holds that text as written (a plain or quoted scalar without escapes); else `span`.
    fn narrow(&self, span: Span, needle: &str) -> Span {
        if span.is_synthetic() || span.line != span.end_line || needle.is_empty() {
            return span;
        }
        let Some(line) = self.sources.line(span.file, span.line) else { return span };
        let skip = span.col.saturating_sub(1) as usize;
        let take = span.end_col.saturating_sub(span.col) as usize;
        let Some(start) = line.char_indices().nth(skip).map(|(i, _)| i) else { return span };
        let end = line[start..].char_indices().nth(take).map_or(line.len(), |(i, _)| start + i);
        let Some(at) = line[start..end].find(needle) else { return span };
        let col = span.col + line[start..start + at].chars().count() as u32;
        Span { col, end_col: col + needle.chars().count() as u32, ..span }
    }

    /// The `.env` files v3 would read with `useDotenv: true` (`.env.<stage>`, `.env`) and the
    /// names each sets: read once, for the hints of however many variables fail.
    fn unread_dotenv(&mut self) -> DotenvNames {
        if let Some(found) = &self.unread_dotenv {
            return found.clone();
        }
        let mut found = Vec::new();
        for file in self.dotenv_files() {
            if let Ok(Some(text)) = self.host.read_file(&file) {
                found.push((file, dotenv_parse(&text).into_keys().collect()));
            }
        }
        let found = Rc::new(found);
        self.unread_dotenv = Some(found.clone());
        found
    }

    /// Why a source found nothing, and what to write instead, worked out from what it sought.
    fn missing_help(&mut self, sought: &Sought) -> Hint {
        match sought {
            Sought::Nothing => Hint::None,
            Sought::Config(keys) => {
                let written = |k: &str| keys.len() == 2 && keys[0] == "provider" && keys[1] == k;
                if js_walk(&self.tree, keys).is_none() {
                    for (key, option, instead) in [("stage", "--stage", "${sls:stage}"), ("region", "--region", "${aws:region}")] {
                        if written(key) {
                            return Hint::Instead(
                                format!(
                                    "`${{self:}}` reads serverless.yml as written, where `provider.{key}` is not set ({option} and Serverless' default are not in it): use `{instead}`"
                                ),
                                None,
                            );
                        }
                    }
                }
                match path_hint(&self.tree, keys) {
                    PathHint::Suggest(at, defined) => Hint::Instead(format!("did you mean `${{self:{at}}}`?"), defined),
                    PathHint::Why(why) => Hint::Because(why),
                }
            }
            Sought::Option(name) => {
                let known = ["stage", "region"].into_iter().chain(self.opts.options.keys().map(String::as_str));
                match name.as_str() {
                    "stage" => Hint::Instead("`${opt:stage}` is the --stage option, which was not given: pass --stage, or use `${sls:stage}` (--stage, else `provider.stage`, else dev)".into(), None),
                    "region" => Hint::Instead("`${opt:region}` is the --region option, which was not given: pass --region, or use `${aws:region}` (--region, else `provider.region`, else us-east-1)".into(), None),
                    _ => match did_you_mean(name, known) {
                        Some(s) => Hint::Instead(format!("did you mean `${{opt:{s}}}`?"), None),
                        None => Hint::Do(format!("pass it with `--opt {name}=VALUE` (Serverless' `--{name} VALUE`)")),
                    },
                }
            }
            Sought::Env(name) => {
                let use_dotenv = self.tree.get("useDotenv").is_some_and(js_truthy);
                if !use_dotenv {
                    let unread = self.unread_dotenv();
                    if let Some((file, _)) = unread.iter().find(|(_, names)| names.contains(name)) {
                        return Hint::Instead(
                            format!(
                                "`{file}` sets `{name}`, but Serverless v3 reads `.env` files only with `useDotenv: true` at the top level"
                            ),
                            None,
                        );
                    }
                }
                Hint::Do(format!("set the environment variable `{name}`"))
            }
            Sought::Param { name, stage } => {
                let mut known: Vec<String> = self.opts.params.keys().cloned().collect();
                for scope in [stage.as_str(), "default"] {
                    if let Some(Value::Map(m)) = js_walk(&self.tree, &path(&["params", scope])).as_deref().map(|n| &n.value) {
                        known.extend(m.keys().cloned());
                    }
                }
                match did_you_mean(name, known.iter().map(String::as_str)) {
                    Some(near) => Hint::Instead(format!("did you mean `${{param:{near}}}`?"), None),
                    None => Hint::Do(format!("pass `--param {name}=VALUE`, or set it under `params.{stage}` or `params.default`")),
                }
            }
            Sought::File { written, rel, keys } => match self.files.get(rel) {
                Some(FileEntry::Loaded(node)) if !node.is_null() => match path_hint(node, keys) {
                    PathHint::Suggest(at, defined) => Hint::Instead(format!("did you mean `${{file({written}):{at}}}`?"), defined),
                    PathHint::Why(why) => Hint::Because(format!("in `{rel}`, {why}")),
                },
                Some(FileEntry::Loaded(_)) => Hint::Because(format!("`{rel}` is empty")),
                _ => Hint::Do(format!("create the file `{rel}` (paths are relative to the service's folder)")),
            },
        }
    }
    #[cold]
    #[inline(never)]
    fn dashboard_only(&mut self, site: &Site) -> Fail {
        let d = self
            .error(
                codes::VARIABLE_NOT_SUPPORTED,
                site,
                "\"output\" variable can only be used in services deployed with Serverless Dashboard (with \"org\" setting configured)",
            )
            .label("dashboard-only variable")
            .help("cfgen works offline and has no Serverless Dashboard; write the value, or use ${param:...} with --param");
        self.push(d)
    }

    #[cold]
    #[inline(never)]
    fn unknown_source(&mut self, site: &Site, ty: &str) -> Fail {
        let offered = KNOWN_SOURCES.iter().copied().filter(|s| *s != "output");
        let help = match did_you_mean(ty, offered.clone()) {
            Some(s) => format!("did you mean \"{s}\"?"),
            None => format!("the sources are: {}", offered.collect::<Vec<_>>().join(", ")),
        };
        let d = self
            .error(codes::UNKNOWN_VARIABLE_SOURCE, site, format!("Unrecognized configuration variable source: \"{ty}\""))
            .label("unknown variable source")
            .help(help);
        self.push(d)
    }

    /// A parameter or address: its literal, or its variables resolved (and re-resolved).
    fn resolve_meta(&mut self, site: &Site, meta: &Meta) -> Res<Node> {
        match (&meta.variables, &meta.value) {
            (Some(vars), Lit::Str(text)) => {
                let (node, pieces) = self.resolve_text(site, text, vars)?;
                self.resolve_internal(site, node, pieces, MAX_NEST)
            }
            _ => Ok(lit_node(&meta.value, site.span)),
        }
    }

    /// Serverless' `resolveInternalResult`: resolve the variables a resolved value brings
    /// (strings re-parsed, objects walked), at most `tracker` levels deep.
    fn resolve_internal(&mut self, site: &Site, mut node: Node, pieces: Option<Vec<String>>, tracker: u32) -> Res<Node> {
        if tracker == 0 {
            let d = self
                .error(codes::VARIABLE_DEPTH, site, "Excessive variables nest depth")
                .help(format!("a resolved value may bring new variables at most {MAX_NEST} times"));
            return Err(self.push(d));
        }
        match &node.value {
            Value::String(s) => {
                let parsed = match &pieces {
                    Some(pieces) => parse_pieces(pieces),
                    None => parse(s),
                };
                match parsed {
                    Ok(None) => Ok(node),
                    Ok(Some(vars)) => {
                        let inner = Site { path: site.path.clone(), span: node.span };
                        let (next, next_pieces) = self.resolve_text(&inner, s, &vars)?;
                        self.resolve_internal(site, next, next_pieces, tracker - 1)
                    }
                    Err(e) => {
                        let s = s.clone();
                        Err(self.reparse_error(site, &s, e))
                    }
                }
            }
            Value::Map(_) | Value::Seq(_) => {
                let mut entries = Vec::new();
                collect_strings(&node, &mut Vec::new(), &mut entries);
                for (rel, text, span) in entries {
                    let inner = Site { path: site.path.clone(), span };
                    let vars = match parse(&text) {
                        Ok(None) => continue,
                        Ok(Some(vars)) => vars,
                        Err(e) => return Err(self.reparse_error(&inner, &text, e)),
                    };
                    let (value, value_pieces) = self.resolve_text(&inner, &text, &vars)?;
                    let value = self.resolve_internal(&inner, value, value_pieces, tracker - 1)?;
                    if let Some(slot) = node_at_mut(&mut node, &rel) {
                        *slot = value;
                    }
                }
                Ok(node)
            }
            _ => Ok(node),
        }
    }

    /// Serverless' `resolveDependentProperty` (the `self` source and everything that reads the
    /// configuration): resolves each prefix of `keys`, then everything below it.
    fn dependency(&mut self, site: &Site, keys: &[String]) -> Res<Option<Node>> {
        for i in 0..keys.len() {
            if js_walk(&self.tree, &keys[..i]).is_none_or(|n| n.is_null()) {
                return Ok(None);
            }
            let prefix = keys[..=i].to_vec();
            if self.is_tracked(&prefix) {
                self.resolve_property(&prefix)?;
            }
        }
        let is_container = match js_walk(&self.tree, keys) {
            None => return Ok(None),
            Some(n) => matches!(n.value, Value::Map(_) | Value::Seq(_)),
        };
        if is_container {
            // Everything tracked below must settle first: the pending properties in order, then
            // any failed one fails this too. (The failed ones are only looked at, not listed: a
            // list copied the whole failed set for every reference, which made a variable bomb
            // quadratic after its budget error.)
            //
            // A property that is being resolved and reads a value containing itself is a cycle;
            // report that before any other failure below. (Properties on the stack are pending.)
            let own = self.pending_under(keys).find(|b| self.stack.contains(b)).cloned();
            if let Some(own) = own {
                self.resolve_property(&own)?;
            }
            let had_failed = self.failed_under(keys).next().is_some();
            let pending: Vec<Path> = self.pending_under(keys).cloned().collect();
            for below in pending {
                self.resolve_property(&below)?;
            }
            if had_failed || (self.pending_under(keys).next().is_none() && self.failed_under(keys).next().is_some()) {
                return Err(Fail::Reported);
            }
            if self.pending_under(keys).next().is_some() {
                return Err(Fail::Pending);
            }
        }
        let Some(weight) = js_walk(&self.tree, keys).map(|v| self.weigh(&v)) else { return Ok(None) };
        self.charge_weight(site, weight)?;
        Ok(js_walk(&self.tree, keys).map(Cow::into_owned))
    }

    // ---- sources ---------------------------------------------------------------------------

    fn call_source(&mut self, site: &Site, ty: &str, params: Option<Vec<Node>>, address: Option<Node>) -> Res<Found> {
        match ty {
            "self" => self.source_self(site, address),
            "opt" => self.source_opt(site, address),
            "env" => self.source_env(site, address),
            "file" => self.source_file(site, params, address),
            "strToBool" => self.source_str_to_bool(site, params),
            "sls" => self.source_sls(site, address),
            "aws" => self.source_aws(site, address),
            "param" => self.source_param(site, address),
            "ssm" | "cf" | "s3" => self.source_remote(site, ty, address),
            "construct" if self.plugin_listed("serverless-lift") => {
                let address = self.required_address(site, ty, address)?;
                Ok(Found::Value(Node::string(site.span, crate::plugins::lift::token(&address))))
            }
            _ => Err(self.unknown_source(site, ty)),
        }
    }

    /// Whether `plugins:` (resolved before plugins load) lists `name`.
    fn plugin_listed(&self, name: &str) -> bool {
        let listed = self.tree.get("plugins").map(Node::to_json);
        crate::plugins::listed(listed.as_ref()).iter().any(|p| p == name)
    }

    fn source_env(&mut self, site: &Site, address: Option<Node>) -> Res<Found> {
        let name = self.required_address(site, "env", address)?;
        Ok(match self.env(&name) {
            Some(v) => Found::Value(Node::string(site.span, v)),
            None => Found::Missing(None, Sought::Env(name)),
        })
    }

    fn source_sls(&mut self, site: &Site, address: Option<Node>) -> Res<Found> {
        let address = self.required_address(site, "sls", address)?;
        match address.as_str() {
            "instanceId" if self.phase < Phase::Instance => Err(Fail::Pending),
            "instanceId" => Ok(Found::Value(Node::string(site.span, self.opts.instance_id.clone()))),
            "stage" => self.stage(site).map(Found::Value),
            _ => Err(self.unsupported_address(site, "sls", &address, None)),
        }
    }

    fn source_aws(&mut self, site: &Site, address: Option<Node>) -> Res<Found> {
        let address = self.required_address(site, "aws", address)?;
        match address.as_str() {
            "region" => {
                if let Some(region) = self.opts.options.get("region").filter(|v| json_truthy(v)) {
                    return Ok(Found::Value(Node::from_json(region, site.span)));
                }
                match self.dependency(site, &path(&["provider", "region"]))? {
                    Some(n) if js_truthy(&n) => Ok(Found::Value(n)),
                    _ => Ok(Found::Value(Node::string(site.span, "us-east-1"))),
                }
            }
            "accountId" => self.injected(site, "aws:accountId", "STS GetCallerIdentity"),
            _ => Err(self.unsupported_address(site, "aws", &address, None)),
        }
    }

    /// `ssm`, `cf` and `s3`: checked like Serverless does, then taken from the injected values.
    fn source_remote(&mut self, site: &Site, ty: &str, address: Option<Node>) -> Res<Found> {
        let address = self.required_address(site, ty, address)?;
        let (call, format) = match ty {
            "cf" => ("CloudFormation DescribeStacks", Some(('.', "<stack-name>.<output-id>"))),
            "s3" => ("S3 GetObject", Some(('/', "<bucket-name>/<key>"))),
            _ => ("SSM GetParameter", None),
        };
        if let Some((separator, expected)) = format {
            if !address.contains(separator) {
                return Err(self.unsupported_address(site, ty, &address, Some(expected)));
            }
        }
        self.injected(site, &format!("{ty}:{address}"), call)
    }

    #[cold]
    #[inline(never)]
    fn unsupported_address(&mut self, site: &Site, ty: &str, address: &str, format: Option<&str>) -> Fail {
        let message = match format {
            Some(f) => format!("Unsupported \"{address}\" address argument in variable \"{ty}\" source. Expected \"{f}\" format"),
            None => format!("Unsupported \"{address}\" address argument in variable \"{ty}\" source"),
        };
        let known: &[&str] = match ty {
            "sls" => &["stage", "instanceId"],
            "aws" => &["region", "accountId"],
            _ => &[],
        };
        let help = match did_you_mean(address, known.iter().copied()) {
            _ if known.is_empty() => "check the address of the variable".to_string(),
            Some(near) => format!("did you mean `${{{ty}:{near}}}`?"),
            None => {
                format!("the \"{ty}\" source knows {}", known.iter().map(|k| format!("`${{{ty}:{k}}}`")).collect::<Vec<_>>().join(" and "))
            }
        };
        let d = self.error(codes::VARIABLE_SYNTAX, site, message).label("unsupported address").help(help);
        self.push(d)
    }

    /// The address as a string; a missing (falsy) address is an error.
    fn required_address(&mut self, site: &Site, ty: &str, address: Option<Node>) -> Res<String> {
        match address {
            Some(a) if js_truthy(&a) => self.string_argument(site, &a, &format!("address argument in variable \"{ty}\" source")),
            _ => {
                let d = self
                    .error(codes::VARIABLE_SYNTAX, site, format!("Missing address argument in variable \"{ty}\" source"))
                    .label("no address")
                    .help(format!("write it as `${{{ty}:address}}`"));
                Err(self.push(d))
            }
        }
    }

    fn string_argument(&mut self, site: &Site, value: &Node, what: &str) -> Res<String> {
        match js_string(value) {
            Some(s) => Ok(s),
            None => {
                let d = self
                    .error(codes::VARIABLE_SYNTAX, site, format!("Non-string {what}: {}", short_string(value)))
                    .label(format!("resolves to {}", value.type_name()));
                Err(self.push(d))
            }
        }
    }

    fn env(&mut self, name: &str) -> Option<String> {
        let value = if self.phase == Phase::Early { None } else { self.dotenv.get(name).cloned() };
        let value = value.or_else(|| self.host.env(name));
        if value.is_none() && self.phase == Phase::Early {
            self.early_missing_env.push(name.to_string());
        }
        value
    }

    fn source_self(&mut self, site: &Site, address: Option<Node>) -> Res<Found> {
        let keys: Vec<String> = match address {
            Some(a) if js_truthy(&a) => {
                let a = self.string_argument(site, &a, "address argument in variable \"self\" source")?;
                a.split('.').map(str::to_string).collect()
            }
            _ => Vec::new(),
        };
        Ok(match self.dependency(site, &keys)? {
            Some(n) if !n.is_null() => Found::Value(n),
            _ => Found::Missing(None, Sought::Config(keys)),
        })
    }

    fn source_opt(&mut self, site: &Site, address: Option<Node>) -> Res<Found> {
        let Some(address) = address else {
            let mut m = Map::new();
            for (k, v) in &self.opts.options {
                m.insert(k.clone(), site.span, Node::from_json(v, site.span));
            }
            return Ok(Found::Value(Node::new(site.span, Value::Map(m))));
        };
        let name = self.string_argument(site, &address, "address argument in variable \"opt\" source")?;
        Ok(match self.opts.options.get(&name) {
            Some(v) if !v.is_null() => Found::Value(Node::from_json(v, site.span)),
            _ => Found::Missing(None, Sought::Option(name)),
        })
    }

    fn source_str_to_bool(&mut self, site: &Site, params: Option<Vec<Node>>) -> Res<Found> {
        let input = params.and_then(|p| p.into_iter().next()).filter(|n| !n.is_null());
        let Some(input) = input else {
            let d = self
                .error(codes::VARIABLE_SYNTAX, site, "Missing \"strToBool\" input")
                .label("no input")
                .help("write `${strToBool(true)}` with \"true\", \"false\", \"1\" or \"0\"; note that Serverless reads an unquoted `false` or `0` here as no input, so quote it: `${strToBool('false')}`");
            return Err(self.push(d));
        };
        let text = match js_string(&input) {
            Some(s) => s,
            None => {
                let d = self.error(
                    codes::VARIABLE_SYNTAX,
                    site,
                    format!("Non-string \"strToBool\" input:. Received: {}", short_string(&input)),
                );
                return Err(self.push(d));
            }
        };
        match js_trim(&text).to_lowercase().as_str() {
            "true" | "1" => Ok(Found::Value(Node::new(site.span, Value::Bool(true)))),
            "false" | "0" => Ok(Found::Value(Node::new(site.span, Value::Bool(false)))),
            _ => {
                let d = self
                    .error(
                        codes::VARIABLE_SYNTAX,
                        site,
                        format!(
                            "Invalid \"strToBool\" input: Expected either \"true\", \"false\", \"0\", or \"1\". Received: {}",
                            short_string(&input)
                        ),
                    )
                    .label("not a boolean string");
                Err(self.push(d))
            }
        }
    }

    /// `--stage` -> `provider.stage` -> "dev" (any falsy value skips to the next).
    fn stage(&mut self, site: &Site) -> Res<Node> {
        if let Some(stage) = self.opts.options.get("stage").filter(|v| json_truthy(v)) {
            return Ok(Node::from_json(stage, site.span));
        }
        match self.dependency(site, &path(&["provider", "stage"]))? {
            Some(n) if js_truthy(&n) => Ok(n),
            _ => Ok(Node::string(site.span, "dev")),
        }
    }

    fn source_param(&mut self, site: &Site, address: Option<Node>) -> Res<Found> {
        let name = self.required_address(site, "param", address)?;
        if let Some(v) = self.opts.params.get(&name) {
            return Ok(Found::Value(Node::string(site.span, v.clone())));
        }
        let stage = js_display(&self.stage(site)?);
        for scope in [stage.as_str(), "default"] {
            let keys = vec!["params".to_string(), scope.to_string(), name.clone()];
            if let Some(n) = self.dependency(site, &keys)? {
                if !n.is_null() {
                    return Ok(Found::Value(n));
                }
            }
        }
        Ok(Found::Missing(
            Some(format!(
            "The param \"{name}\" cannot be resolved from CLI options or stage params. If you are using Serverless Framework Compose, make sure to run commands via Compose so that all parameters can be resolved"
        )),
            Sought::Param { name, stage },
        ))
    }

    /// An AWS-backed value: only from `--var`/`--vars`; cfgen never calls AWS.
    fn injected(&mut self, site: &Site, key: &str, call: &str) -> Res<Found> {
        match self.opts.injected.get(key) {
            Some(serde_json::Value::Null) => Ok(Found::Missing(None, Sought::Nothing)),
            Some(v) => Ok(Found::Value(Node::from_json(v, site.span))),
            None => {
                let d = self
                    .error(
                        codes::NEEDS_INJECTED_VALUE,
                        site,
                        format!("\"${{{key}}}\" needs AWS ({call}); cfgen works offline and does not call AWS"),
                    )
                    .label("needs a value from AWS")
                    .help(format!("provide it with --var '{key}=VALUE' or --vars FILE"));
                Err(self.push(d))
            }
        }
    }

    fn source_file(&mut self, site: &Site, params: Option<Vec<Node>>, address: Option<Node>) -> Res<Found> {
        let first = params.and_then(|p| p.into_iter().next()).filter(js_truthy);
        let Some(first) = first else {
            let d = self
                .error(codes::VARIABLE_SYNTAX, site, "Missing path argument in variable \"file\" source")
                .label("no file path")
                .help("write it as `${file(./path/to/file.yml):address}`");
            return Err(self.push(d));
        };
        let raw = self.string_argument(site, &first, "path argument in variable \"file\" source")?;
        let address = match address {
            Some(a) => Some(self.string_argument(site, &a, "address argument for variable \"file\" source")?),
            None => None,
        };
        let rel = normalize_file_path(&raw);
        let content = match extname(&rel) {
            ".yml" | ".yaml" => self.load_file(site, &rel, FileKind::Yaml)?,
            ".json" | ".tfstate" => self.load_file(site, &rel, FileKind::Json)?,
            ".js" | ".cjs" | ".mjs" | ".ts" => {
                if self.load_file(site, &rel, FileKind::Text)?.is_none() {
                    return Ok(Found::Missing(None, Sought::File { written: raw, rel, keys: Vec::new() }));
                }
                let d = self
                    .error(
                        codes::VARIABLE_NOT_SUPPORTED,
                        site,
                        format!("\"{rel}\" is a JavaScript file; cfgen does not run JavaScript resolvers"),
                    )
                    .label("JavaScript variable resolver")
                    .help("put the values in a YAML or JSON file and reference that with ${file(...)}");
                return Err(self.push(d));
            }
            _ => self.load_file(site, &rel, FileKind::Text)?,
        };
        let address = address.filter(|a| !a.is_empty());
        let sought = |written: String, rel: String| Sought::File {
            written,
            rel,
            keys: address.iter().flat_map(|a| a.split('.')).map(str::to_string).collect(),
        };
        let Some(mut cur) = content else { return Ok(Found::Missing(None, sought(raw, rel))) };
        let Some(keys) = &address else { return Ok(Found::Value(cur)) };
        for key in keys.split('.') {
            if matches!(cur.value, Value::String(_)) {
                cur = self.resolve_internal(site, cur, None, MAX_NEST)?;
            }
            match js_get(Cow::Owned(cur), key) {
                Some(next) if !next.is_null() => cur = next.into_owned(),
                _ => return Ok(Found::Missing(None, sought(raw, rel))),
            }
        }
        Ok(Found::Value(cur))
    }

    /// Read and parse a file once; later uses get a copy. `Ok(None)` when it does not exist.
    fn load_file(&mut self, site: &Site, rel: &str, kind: FileKind) -> Res<Option<Node>> {
        if let Some(entry) = self.files.get(rel) {
            return match entry {
                FileEntry::Missing => Ok(None),
                FileEntry::Failed => Err(Fail::Reported),
                FileEntry::Loaded(node) => {
                    let weight = self.weigh(node);
                    self.charge_weight(site, weight)?;
                    Ok(self.files.get(rel).and_then(|e| match e {
                        FileEntry::Loaded(node) => Some(node.clone()),
                        _ => None,
                    }))
                }
            };
        }
        let text = match self.host.read_file(rel) {
            Ok(None) => {
                self.files.insert(rel.to_string(), FileEntry::Missing);
                return Ok(None);
            }
            Ok(Some(text)) => text,
            Err(message) => {
                self.files.insert(rel.to_string(), FileEntry::Failed);
                let d =
                    self.error(codes::VARIABLE_FILE, site, format!("Cannot parse \"{rel}\": {message}")).label("this file cannot be read");
                return Err(self.push(d));
            }
        };
        let id = match self.sources.find(rel) {
            Some(id) => id,
            None => self.sources.add(rel, text.clone()),
        };
        let parsed = match kind {
            FileKind::Text => Ok(Node::string(whole_file_span(id, &text), text)),
            FileKind::Yaml => match yaml::load(&text, id) {
                Err(d) if d.code == codes::EMPTY_DOCUMENT => Ok(Node::null(Span::point(id, 1, 1))),
                other => other,
            },
            FileKind::Json => yaml::load_json(&text, id),
        };
        match parsed {
            Ok(node) => {
                self.charge_copy(site, &node)?;
                self.files.insert(rel.to_string(), FileEntry::Loaded(node.clone()));
                Ok((!node.is_null()).then_some(node))
            }
            Err(mut d) => {
                self.files.insert(rel.to_string(), FileEntry::Failed);
                if matches!(kind, FileKind::Json) && d.code == codes::YAML_SYNTAX {
                    d.code = codes::JSON_SYNTAX;
                }
                d.message = format!("Cannot resolve variable at \"{}\": Cannot parse \"{rel}\": {}", humanize(&site.path), d.message);
                if !site.span.is_synthetic() {
                    d = d.related(site.span, format!("\"{rel}\" is read by this variable"));
                }
                Err(self.push(d))
            }
        }
    }

    // ---- phases ----------------------------------------------------------------------------

    /// The files `useDotenv: true` reads, the first that exists: `.env.<stage>` (`--stage`,
    /// else `provider.stage`, else `dev`), else `.env`.
    fn dotenv_files(&self) -> [String; 2] {
        let stage_path = path(&["provider", "stage"]);
        let stage = match self.opts.options.get("stage").filter(|v| json_truthy(v)) {
            Some(v) => js_display(&Node::from_json(v, Span::default())),
            None if self.unsettled(&stage_path, true).is_some() => "dev".to_string(),
            None => js_walk(&self.tree, &stage_path).map_or_else(|| "dev".to_string(), |n| js_display(&n)),
        };
        [normalize_file_path(&format!(".env.{stage}")), ".env".to_string()]
    }

    /// `useDotenv: true`: load `.env.<stage>` if it exists, else `.env`.
    fn load_dotenv(&mut self) {
        let use_dotenv = path(&["useDotenv"]);
        if self.unsettled(&use_dotenv, true).is_some() {
            return;
        }
        let Some(flag) = js_walk(&self.tree, &use_dotenv).map(Cow::into_owned) else { return };
        if !js_truthy(&flag) {
            return;
        }
        let mut loaded = None;
        for name in self.dotenv_files() {
            match self.host.read_file(&name) {
                Ok(None) => continue,
                Ok(Some(text)) => {
                    loaded = Some((name, text));
                    break;
                }
                Err(message) => {
                    let d =
                        Diagnostic::error(codes::VARIABLE_FILE, format!("Failed to load environment variables from \"{name}\": {message}"))
                            .at(flag.span)
                            .label("`useDotenv` reads this file");
                    self.push(d);
                    return;
                }
            }
        }
        let Some((name, text)) = loaded else { return };
        if self.sources.find(&name).is_none() {
            self.sources.add(name.clone(), text.clone());
        }
        let (values, endless) = dotenv_expand(&dotenv_parse(&text), self.host);
        self.dotenv = values;
        for key in endless {
            let d = Diagnostic::error(
                codes::VARIABLE_FILE,
                format!("Failed to load environment variables from \"{name}\": expanding \"{key}\" never ends (it refers to itself)"),
            )
            .at(flag.span)
            .label("`useDotenv` reads this file")
            .help(format!("Serverless fails here with \"Maximum call stack size exceeded\"; make \"{key}\" not refer to itself"));
            self.push(d);
        }
        let mut seen = BTreeSet::new();
        for missing in std::mem::take(&mut self.early_missing_env) {
            let defined = self.dotenv.get(&missing).is_some_and(|v| !v.is_empty());
            if defined && seen.insert(missing.clone()) {
                let d = Diagnostic::error(
                    codes::UNRESOLVED_VARIABLE,
                    format!(
                        "Cannot reliably resolve \"env\" variables due to resolution conflict: environment variable \"{missing}\", which influences which \".env\" file is loaded, is defined in \"{name}\""
                    ),
                )
                .at(flag.span)
                .help("define it in the real environment, or pass --stage");
                self.push(d);
            }
        }
    }

    /// Serverless v3 needs these properties resolved at this point; a variable whose source only
    /// comes later makes them "not accessible".
    fn require_settled(&mut self, required: &[&[&str]], when: &str) {
        for keys in required {
            let p = path(keys);
            let Some(blocking) = self.unsettled(&p, false) else { continue };
            let span = self.pending.get(&blocking).map(|prop| prop.span);
            let d = Diagnostic::error(
                codes::UNRESOLVED_VARIABLE,
                format!(
                    "\"{}\" property is not accessible (configured behind variables which cannot be resolved at this stage)",
                    humanize(&p)
                ),
            )
            .at_opt(span)
            .label(format!("Serverless needs this value {when}"))
            .help("use ${opt:...}, ${env:...}, ${self:...}, ${file(...)} or ${sls:stage} here; ${param:...}, ${sls:instanceId} and the AWS sources are resolved only later");
            self.push(d);
            // One report per property; it stays unresolved (Serverless stops here).
            self.failed.insert(blocking.clone());
            self.pending.remove(&blocking);
        }
    }

    fn report_leftovers(&mut self) {
        for p in self.pending_in_order() {
            if let Some(prop) = self.pending.remove(&p) {
                let d =
                    Diagnostic::error(codes::UNRESOLVED_VARIABLE, format!("Cannot resolve variable at \"{}\"", humanize(&p))).at(prop.span);
                self.push(d);
            }
        }
    }
}

#[derive(Clone, Copy)]
enum FileKind {
    Yaml,
    Json,
    Text,
}

/// Whether a resolved object or array holds strings with variables (or malformed ones).
fn brings_variables(node: &Node) -> bool {
    match &node.value {
        Value::Map(m) => m.iter().any(|(_, n)| brings_variables(n)),
        Value::Seq(items) => items.iter().any(brings_variables),
        Value::String(s) => !matches!(parse(s), Ok(None)),
        _ => false,
    }
}

/// Every string below `node`, with its relative path and span.
fn collect_strings(node: &Node, base: &mut Path, out: &mut Vec<(Path, String, Span)>) {
    match &node.value {
        Value::Map(m) => {
            for (k, child) in m.iter() {
                base.push(k.clone());
                collect_strings(child, base, out);
                base.pop();
            }
        }
        Value::Seq(items) => {
            for (i, child) in items.iter().enumerate() {
                base.push(i.to_string());
                collect_strings(child, base, out);
                base.pop();
            }
        }
        Value::String(s) => out.push((base.clone(), s.clone(), node.span)),
        _ => {}
    }
}

/// `s` cut to at most `n` characters, with `...` when cut (for messages quoting user text).
fn clip(s: &str, n: usize) -> String {
    match s.char_indices().nth(n) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::cell::RefCell;

    #[derive(Default)]
    struct TestHost {
        env: HashMap<String, String>,
        files: HashMap<String, Result<String, String>>,
        reads: RefCell<Vec<String>>,
    }

    impl TestHost {
        fn env(mut self, name: &str, value: &str) -> Self {
            self.env.insert(name.into(), value.into());
            self
        }
        fn file(mut self, path: &str, text: &str) -> Self {
            self.files.insert(path.into(), Ok(text.into()));
            self
        }
        fn unreadable(mut self, path: &str, message: &str) -> Self {
            self.files.insert(path.into(), Err(message.into()));
            self
        }
        fn reads_of(&self, path: &str) -> usize {
            self.reads.borrow().iter().filter(|p| *p == path).count()
        }
    }

    impl Host for TestHost {
        fn env(&self, name: &str) -> Option<String> {
            self.env.get(name).cloned()
        }
        fn read_file(&self, path: &str) -> Result<Option<String>, String> {
            self.reads.borrow_mut().push(path.to_string());
            self.files.get(path).cloned().transpose()
        }
    }

    struct Out {
        node: Node,
        json: serde_json::Value,
        diags: Vec<Diagnostic>,
        sources: SourceMap,
    }

    impl Out {
        fn custom(&self, key: &str) -> &serde_json::Value {
            &self.json["custom"][key]
        }
        fn codes(&self) -> Vec<&'static str> {
            self.diags.iter().map(|d| d.code.id).collect()
        }
        /// The single diagnostic with `code` (fails unless there is exactly one).
        fn one(&self, code: Code) -> &Diagnostic {
            let found: Vec<&Diagnostic> = self.diags.iter().filter(|d| d.code == code).collect();
            assert_eq!(found.len(), 1, "expected one {} in {:#?}", code.id, self.diags);
            found[0]
        }
        fn assert_clean(&self) {
            assert!(self.diags.is_empty(), "unexpected diagnostics: {:#?}", self.diags);
        }
    }

    fn run_with(yaml_text: &str, host: &TestHost, opts: &VarOptions) -> Out {
        let mut sources = SourceMap::new();
        sources.add("serverless.yml", yaml_text);
        let root = yaml::load(yaml_text, FileId(0)).expect("test YAML loads");
        let (node, diags) = resolve(root, opts, host, &mut sources);
        Out { json: node.to_json(), node, diags, sources }
    }

    fn run(yaml_text: &str) -> Out {
        run_with(yaml_text, &TestHost::default(), &VarOptions::default())
    }

    fn opts(options: serde_json::Value) -> VarOptions {
        let mut o = VarOptions { instance_id: "1700000000000".into(), ..VarOptions::default() };
        if let serde_json::Value::Object(m) = options {
            o.options = m.into_iter().collect();
        }
        o
    }

    const HEAD: &str = "service: svc\nprovider:\n  name: aws\n  runtime: nodejs18.x\n";

    fn config(custom: &str) -> String {
        format!("{HEAD}custom:\n{custom}")
    }

    // ---- parser -------------------------------------------------------------------------------

    fn typed(var: &Var) -> (&str, Option<&Vec<Meta>>, Option<&Meta>) {
        match &var.kind {
            VarKind::Sources(sources) => match &sources[0] {
                Source::Typed { ty, params, address } => (ty.as_str(), params.as_ref(), address.as_ref()),
                Source::Literal(_) => panic!("literal"),
            },
            VarKind::Escape(_) => panic!("escape"),
        }
    }

    #[test]
    fn parses_sources_params_addresses_and_fallbacks() {
        let vars = parse("${self:custom.a}").unwrap().unwrap();
        assert_eq!(vars.len(), 1);
        assert_eq!(vars[0].range, None);
        let (ty, params, address) = typed(&vars[0]);
        assert_eq!((ty, params.is_none()), ("self", true));
        assert_eq!(address.unwrap().value, Lit::Str("custom.a".into()));

        let vars = parse("x-${opt:stage, 'dev'}-y").unwrap().unwrap();
        assert_eq!(vars[0].range, Some((2, 21)));
        let VarKind::Sources(sources) = &vars[0].kind else { panic!() };
        assert!(matches!(&sources[1], Source::Literal(Lit::Str(s)) if s == "dev"));

        let vars = parse("${ssm(us-east-1, raw):/a/b}").unwrap().unwrap();
        let (ty, params, address) = typed(&vars[0]);
        assert_eq!(ty, "ssm");
        let params: Vec<&Lit> = params.unwrap().iter().map(|m| &m.value).collect();
        assert_eq!(params, [&Lit::Str("us-east-1".into()), &Lit::Str("raw".into())]);
        assert_eq!(address.unwrap().value, Lit::Str("/a/b".into()));

        let vars = parse("${env:X, 5, }").err().map(|e| e.message);
        assert!(vars.unwrap().contains("Invalid variable source"));
        let vars = parse("${env:X, 5}").unwrap().unwrap();
        let VarKind::Sources(sources) = &vars[0].kind else { panic!() };
        assert!(matches!(sources[1], Source::Literal(Lit::Num(n)) if n == 5.0));
        let vars = parse("${env:X, \"q\\u0041\"}").unwrap().unwrap();
        let VarKind::Sources(sources) = &vars[0].kind else { panic!() };
        assert!(matches!(&sources[1], Source::Literal(Lit::Str(s)) if s == "qA"));
    }

    #[test]
    fn parses_nested_variables_in_addresses_and_params() {
        let vars = parse("${file(./cfg.yml):${sls:stage}.mem}").unwrap().unwrap();
        let (ty, params, address) = typed(&vars[0]);
        assert_eq!(ty, "file");
        assert_eq!(params.unwrap()[0].value, Lit::Str("./cfg.yml".into()));
        let address = address.unwrap();
        assert_eq!(address.value, Lit::Str("${sls:stage}.mem".into()));
        let inner = address.variables.as_ref().unwrap();
        assert_eq!(inner[0].range, Some((0, 12)));
        assert_eq!(typed(&inner[0]).0, "sls");

        let vars = parse("${file(${self:custom.f})}").unwrap().unwrap();
        let (_, params, _) = typed(&vars[0]);
        let param = &params.unwrap()[0];
        assert_eq!(param.variables.as_ref().unwrap()[0].range, None);
    }

    #[test]
    fn foreign_and_escaped_forms_are_not_variables() {
        for text in ["${AWS::Region}", "${Foo}", "${foo}", "${'s'}", "${123}", "${foo bar}", "plain", "$", "${", "${aws::x}"] {
            assert!(matches!(parse(text), Ok(None)), "{text}");
        }
        let vars = parse("${AWS::Region}-${self:service}").unwrap().unwrap();
        assert_eq!(vars.len(), 1);
        assert_eq!(vars[0].range, Some((15, 30)));
        let vars = parse("\\${self:service}").unwrap().unwrap();
        assert!(matches!(&vars[0].kind, VarKind::Escape(s) if s == "$"));
        assert_eq!(vars[0].range, Some((0, 2)));
    }

    #[test]
    fn syntax_errors() {
        let e = parse("${self:x").unwrap_err();
        assert_eq!(e.message, "Missing variable closing bracket in ${self:x");
        let e = parse("${env:NOPE, abc}").unwrap_err();
        assert_eq!(e.message, "Invalid literal source \"abc\" at index 12 in \"${env:NOPE, abc}\"");
        let e = parse("${self:${AWS::Region}}").unwrap_err();
        assert!(e.message.starts_with("Invalid variable type at index 9"), "{}", e.message);
        let e = parse("${file(a}").unwrap_err();
        assert!(e.message.starts_with("Invalid variable param"), "{}", e.message);
        let e = parse("${env:X, \"bad\\q\"}").unwrap_err();
        assert!(e.message.starts_with("Invalid string literal at index 9"), "{}", e.message);
        let deep = format!("{}x{}", "${self:".repeat(100), "}".repeat(100));
        assert!(parse(&deep).unwrap_err().too_deep);
    }

    #[test]
    fn falsy_unquoted_params_are_null_as_in_serverless() {
        let vars = parse("${strToBool(false)}").unwrap().unwrap();
        assert_eq!(typed(&vars[0]).1.unwrap()[0].value, Lit::Null);
        let vars = parse("${strToBool(0)}").unwrap().unwrap();
        assert_eq!(typed(&vars[0]).1.unwrap()[0].value, Lit::Null);
        let vars = parse("${strToBool('false')}").unwrap().unwrap();
        assert_eq!(typed(&vars[0]).1.unwrap()[0].value, Lit::Str("false".into()));
    }

    // ---- JavaScript semantics ---------------------------------------------------------------

    #[test]
    fn strings_read_as_numbers_like_javascript() {
        assert_eq!(js_number("0x1f"), Some(31.0));
        assert_eq!(js_number(" 1e3 "), Some(1000.0));
        assert_eq!(js_number(".5"), Some(0.5));
        assert_eq!(js_number("5."), Some(5.0));
        assert_eq!(js_number("-Infinity"), Some(f64::NEG_INFINITY));
        for bad in ["abc", "-0x10", "1_000", "1e", ".", "inf", "NaN"] {
            assert_eq!(js_number(bad), None, "{bad}");
        }
    }

    // ---- resolution: checked against `serverless print` of v3.40.0 -------------------------

    #[test]
    fn literals_escapes_foreign_and_string_coercion_match_serverless() {
        let out = run(&config(
            r#"  arr: [a, 1, null, [x, y], {k: v}]
  num: 1.50
  big: 1e21
  lit: ${'s'}
  lit2: ${env:NOPE, 'fb'}
  lit3: ${env:NOPE, 5}
  lit4: ${env:NOPE, "q\u0041"}
  dollar: $${self:service}
  arrstr: x-${self:custom.arr}
  numstr: x-${self:custom.num}-${self:custom.big}
  esc: \${self:service}
  esc2: \\${self:service}
  foreign: ${AWS::Region}-${Foo}-${foo}-${self:service}
  stb2: ${strToBool('false')}
  sub: !Sub "${AWS::StackName}-${self:service}"
"#,
        ));
        out.assert_clean();
        assert_eq!(out.custom("lit"), "${'s'}");
        assert_eq!(out.custom("lit2"), "fb");
        assert_eq!(out.custom("lit3"), 5);
        assert_eq!(out.custom("lit4"), "qA");
        assert_eq!(out.custom("dollar"), "svc");
        assert_eq!(out.custom("arrstr"), "x-a,1,,x,y,[object Object]");
        assert_eq!(out.custom("numstr"), "x-1.5-1e+21");
        assert_eq!(out.custom("esc"), "${self:service}");
        assert_eq!(out.custom("esc2"), "\\svc");
        assert_eq!(out.custom("foreign"), "${AWS::Region}-${Foo}-${foo}-svc");
        assert_eq!(out.custom("stb2"), false);
        assert_eq!(*out.custom("sub"), json!({"Fn::Sub": "${AWS::StackName}-svc"}));
    }

    #[test]
    fn whole_value_variables_keep_their_type() {
        let out = run(&config(
            "  n: 42\n  b: true\n  o: {k: v}\n  l: [1, 2]\n  rn: ${self:custom.n}\n  rb: ${self:custom.b}\n  ro: ${self:custom.o}\n  rl: ${self:custom.l}\n  rnull: ${env:NOPE, null}\n  s: n=${self:custom.n} b=${self:custom.b}\n",
        ));
        out.assert_clean();
        assert_eq!(out.custom("rn"), 42);
        assert_eq!(out.custom("rb"), true);
        assert_eq!(*out.custom("ro"), json!({"k": "v"}));
        assert_eq!(*out.custom("rl"), json!([1, 2]));
        assert_eq!(*out.custom("rnull"), serde_json::Value::Null);
        assert_eq!(out.custom("s"), "n=42 b=true");
    }

    #[test]
    fn non_string_values_inside_strings_are_errors() {
        let out = run(&config("  obj: {k: v}\n  ns: x-${self:custom.obj}\n  nul: x-${env:NOPE, null}\n"));
        assert_eq!(out.codes(), ["CFG306", "CFG306"]);
        let d = &out.diags[0];
        assert!(d.message.starts_with("Cannot resolve variable at \"custom.ns\": String value consist of variable"), "{}", d.message);
        assert_eq!(d.span.unwrap().line, 7);
        assert_eq!(out.diags[1].span.unwrap().line, 8);
        assert_eq!(out.custom("ns"), "x-${self:custom.obj}");
    }

    #[test]
    fn unresolved_variables_name_the_path_and_source() {
        let out = run(&config("  e: ${env:NOPE}\n  f: ${self:provider.stage}\n  g: ${opt:nope}\n  h: ${env:NOPE, opt:nope, 'ok'}\n"));
        assert_eq!(out.codes(), ["CFG301", "CFG301", "CFG301"]);
        assert_eq!(out.diags[0].message, "Cannot resolve variable at \"custom.e\": Value not found at \"env\" source");
        assert_eq!(out.diags[0].span.unwrap().line, 6);
        assert!(out.diags[0].help.as_deref().unwrap().contains("${env:NOPE, 'default'}"));
        assert_eq!(out.diags[1].message, "Cannot resolve variable at \"custom.f\": Value not found at \"self\" source");
        assert_eq!(out.diags[2].message, "Cannot resolve variable at \"custom.g\": Value not found at \"opt\" source");
        assert_eq!(out.custom("e"), "${env:NOPE}");
        assert_eq!(out.custom("h"), "ok");
    }

    #[test]
    fn self_resolves_nested_addresses_and_resolved_values() {
        let yaml = format!(
            "{HEAD}  stage: ${{opt:stage, 'prod'}}\ncustom:\n  prod:\n    mem: ${{self:custom.base}}\n  base: 512\n  mem: ${{self:custom.${{sls:stage}}.mem}}\n  all: ${{self:custom.prod}}\n  key: ${{self:custom}}\n"
        );
        let out = run(&yaml);
        assert_eq!(out.custom("mem"), 512);
        assert_eq!(*out.custom("all"), json!({"mem": 512}));
        // `${self:custom}` inside custom refers to itself, as in Serverless.
        let d = out.one(codes::VARIABLE_CYCLE);
        assert_eq!(d.message, "Circular reference: \"custom.key\" refers to itself");
        assert_eq!(out.json["provider"]["stage"], "prod");
    }

    #[test]
    fn keys_are_never_resolved() {
        let out = run(&config("  \"${self:service}\": ${self:service}\n"));
        out.assert_clean();
        assert_eq!(out.json["custom"], json!({"${self:service}": "svc"}));
    }

    #[test]
    fn cycles_are_reported_once_with_every_member() {
        let out = run(&config(
            "  a: ${self:custom.b}\n  b: ${self:custom.c}\n  c: x-${self:custom.a}\n  d: ${self:custom.d}\n  e: ${self:custom}\n  user: ${self:custom.a}\n",
        ));
        let cycles: Vec<&Diagnostic> = out.diags.iter().filter(|d| d.code == codes::VARIABLE_CYCLE).collect();
        assert_eq!(cycles.len(), 3, "{:#?}", out.diags);
        assert_eq!(out.diags.len(), 3, "a dependent of a cycle gets no diagnostic of its own");
        let abc = cycles.iter().find(|d| d.message.contains("custom.a ->")).unwrap();
        assert_eq!(abc.message, "Circular reference: custom.a -> custom.b -> custom.c -> custom.a");
        let lines: Vec<u32> = abc.related.iter().map(|(s, _)| s.line).collect();
        assert_eq!(lines, [6, 7, 8]);
        assert_eq!(abc.related[2].1, "\"custom.c\" needs \"custom.a\"");
        assert!(cycles.iter().any(|d| d.message == "Circular reference: \"custom.d\" refers to itself"));
        assert!(cycles.iter().any(|d| d.message == "Circular reference: \"custom.e\" refers to itself"));
        assert_eq!(out.custom("a"), "${self:custom.b}");
        assert_eq!(out.custom("user"), "${self:custom.a}");
    }

    #[test]
    fn self_without_address_is_the_whole_config_and_refers_to_itself() {
        let out = run(&config("  all: ${self:}\n"));
        assert_eq!(out.one(codes::VARIABLE_CYCLE).message, "Circular reference: \"custom.all\" refers to itself");
    }

    #[test]
    fn opt_source() {
        let o = opts(json!({"stage": "qa", "flag": true, "n": 3}));
        let out = run_with(
            &config("  s: ${opt:stage}\n  f: ${opt:flag}\n  n: x${opt:n}\n  m: ${opt:missing, 'fb'}\n  all: ${opt:}\n"),
            &TestHost::default(),
            &o,
        );
        out.assert_clean();
        assert_eq!(out.custom("s"), "qa");
        assert_eq!(out.custom("f"), true);
        assert_eq!(out.custom("n"), "x3");
        assert_eq!(out.custom("m"), "fb");
        assert_eq!(*out.custom("all"), json!({"stage": "qa", "flag": true, "n": 3}));
    }

    #[test]
    fn env_source_and_fallback_rules() {
        let host = TestHost::default().env("A", "alpha").env("EMPTY", "");
        let out = run_with(
            &config(
                "  a: ${env:A}\n  e: ${env:EMPTY, 'fb'}\n  m: ${env:MISSING, env:A}\n  chain: ${env:MISSING, self:custom.nope, 'last'}\n",
            ),
            &host,
            &VarOptions::default(),
        );
        out.assert_clean();
        assert_eq!(out.custom("a"), "alpha");
        assert_eq!(out.custom("e"), "", "an empty string is a value, not a miss");
        assert_eq!(out.custom("m"), "alpha");
        assert_eq!(out.custom("chain"), "last");
    }

    #[test]
    fn errors_do_not_fall_back() {
        let host = TestHost::default().file("bad.yml", "a: [1\n");
        let out = run_with(
            &config("  s: ${ssm:/x, 'fb'}\n  f: ${file(bad.yml):a, 'fb'}\n  b: ${strToBool(maybe), true}\n"),
            &host,
            &VarOptions::default(),
        );
        // Sorted by place: the config first, then the file.
        assert_eq!(out.codes(), ["CFG304", "CFG307", "CFG101"], "{:#?}", out.diags);
        assert_eq!(out.custom("s"), "${ssm:/x, 'fb'}");
        assert_eq!(out.custom("f"), "${file(bad.yml):a, 'fb'}");
        let strtobool = out.one(codes::VARIABLE_SYNTAX);
        assert!(strtobool
            .message
            .ends_with("Invalid \"strToBool\" input: Expected either \"true\", \"false\", \"0\", or \"1\". Received: maybe"));
    }

    #[test]
    fn file_source_matches_serverless() {
        let host = TestHost::default()
            .file("cfg.yml", "dev:\n  mem: 256\nbase: ${self:custom.base}\nnested: ${self:custom.obj}\nref: !Ref Foo\n")
            .file("t.txt", "hello ${self:service}\n")
            .file("data.json", "{\"a\": {\"b\": [10, 20]}}")
            .file("state.tfstate", "{\"outputs\": {\"x\": 1}}");
        let out = run_with(
            &config(
                r#"  base: basev
  obj: {k: "${self:service}"}
  mem: ${file(./cfg.yml):${sls:stage}.mem}
  b: ${file(cfg.yml):base}
  n: ${file(cfg.yml):nested.k}
  whole: ${file(cfg.yml)}
  missing: ${file(./nofile.yml), 'nofile'}
  missingjs: ${file(./nofile.js), 'nofilejs'}
  txt: ${file(t.txt)}
  ref: ${file(cfg.yml):ref}
  json: ${file(sub/../data.json):a.b.1}
  tf: ${file(./state.tfstate):outputs.x}
  len: ${file(data.json):a.b.length}
"#,
            ),
            &host,
            &VarOptions::default(),
        );
        out.assert_clean();
        assert_eq!(out.custom("mem"), 256);
        assert_eq!(out.custom("b"), "basev");
        assert_eq!(out.custom("n"), "svc");
        assert_eq!(*out.custom("whole"), json!({"dev": {"mem": 256}, "base": "basev", "nested": {"k": "svc"}, "ref": {"Ref": "Foo"}}));
        assert_eq!(out.custom("missing"), "nofile");
        assert_eq!(out.custom("missingjs"), "nofilejs");
        assert_eq!(out.custom("txt"), "hello svc\n");
        assert_eq!(*out.custom("ref"), json!({"Ref": "Foo"}));
        assert_eq!(out.custom("json"), 20);
        assert_eq!(out.custom("tf"), 1);
        assert_eq!(out.custom("len"), 2);
        assert_eq!(host.reads_of("cfg.yml"), 1, "each file is read once");
        // A value taken from a file keeps its span in that file.
        let whole = out.node.pointer(["custom", "whole", "dev", "mem"]).unwrap();
        assert_eq!(out.sources.name(whole.span.file), "cfg.yml");
        assert_eq!(whole.span.line, 2);
    }

    #[test]
    fn file_errors() {
        let host = TestHost::default()
            .file("bad.yml", "a: b\n  c: d\n")
            .file("bad.json", "{\"a\": 1")
            .file("code.js", "module.exports = {}")
            .unreadable("dir.yml", "EISDIR: illegal operation on a directory")
            .file("empty.yml", "# nothing\n")
            .file("refs.yml", "x: ${self:custom.nothere}\n");
        let out = run_with(
            &config(
                "  y: ${file(bad.yml):a}\n  j: ${file(bad.json)}\n  js: ${file(./code.js)}\n  d: ${file(dir.yml)}\n  e: ${file(empty.yml), 'none'}\n  r: ${file(refs.yml)}\n  again: ${file(bad.yml)}\n  nopath: ${file():a}\n",
            ),
            &host,
            &VarOptions::default(),
        );
        let yaml_error = out.diags.iter().find(|d| d.code == codes::YAML_SYNTAX).expect("yaml error");
        assert_eq!(out.sources.name(yaml_error.span.unwrap().file), "bad.yml");
        assert!(yaml_error.message.starts_with("Cannot resolve variable at \"custom.y\": Cannot parse \"bad.yml\""));
        assert_eq!(yaml_error.related[0].0.line, 6);
        assert_eq!(out.diags.iter().filter(|d| d.code == codes::YAML_SYNTAX).count(), 1, "a broken file is reported once");
        let json_error = out.one(codes::JSON_SYNTAX);
        assert!(json_error.message.contains("Cannot parse \"bad.json\""));
        assert_eq!(out.sources.name(json_error.span.unwrap().file), "bad.json");
        let js = out.one(codes::VARIABLE_NOT_SUPPORTED);
        assert!(js.message.contains("JavaScript"));
        assert!(js.help.as_deref().unwrap().contains("YAML or JSON"));
        let dir = out.one(codes::VARIABLE_FILE);
        assert_eq!(
            dir.message,
            "Cannot resolve variable at \"custom.d\": Cannot parse \"dir.yml\": EISDIR: illegal operation on a directory"
        );
        assert_eq!(out.custom("e"), "none");
        // A variable inside a file's value is resolved in the config; its error points into the file.
        let refs = out.diags.iter().find(|d| d.message.contains("custom.r.x")).expect("file variable error");
        assert_eq!(refs.code, codes::UNRESOLVED_VARIABLE);
        assert_eq!(out.sources.name(refs.span.unwrap().file), "refs.yml");
        assert!(out.diags.iter().any(|d| d.message.ends_with("Missing path argument in variable \"file\" source")));
    }

    #[test]
    fn a_file_that_includes_itself_ends_in_a_depth_error() {
        let host = TestHost::default().file("self.yml", "x: ${file(./self.yml)}\n").file("loop.yml", "x: ${file(loop.yml):x}\n");
        let out = run_with(&config("  selfinc: ${file(./self.yml)}\n  loop: ${file(loop.yml):x}\n"), &host, &VarOptions::default());
        assert_eq!(out.codes(), ["CFG309", "CFG309"], "{:#?}", out.diags);
        assert!(out
            .diags
            .iter()
            .any(|d| d.message
                == "Cannot resolve variable at \"custom.selfinc.x.x.x.x.x.x.x.x.x.x\": Excessive property variables nest depth"));
        assert!(out.diags.iter().any(|d| d.message.starts_with("Cannot resolve variable at \"custom.loop\"")));
    }

    #[test]
    fn re_resolution_is_bounded() {
        let host = TestHost::default().env("SELFREF", "${env:SELFREF}").env("NEXT", "${env:LAST}").env("LAST", "done");
        let out = run_with(&config("  a: ${env:SELFREF}\n  b: ${env:NEXT}\n"), &host, &VarOptions::default());
        assert_eq!(out.custom("b"), "done");
        assert_eq!(
            out.one(codes::VARIABLE_DEPTH).message,
            "Cannot resolve variable at \"custom.a\": Excessive property variables nest depth"
        );
    }

    #[test]
    fn sls_aws_and_str_to_bool_sources() {
        let yaml = format!("{HEAD}  stage: prod\n  region: eu-west-1\ncustom:\n  stage: ${{sls:stage}}\n  region: ${{aws:region}}\n  id: ${{sls:instanceId}}\n  t: ${{strToBool(${{env:T}})}}\n  f: ${{strToBool(' 0 ')}}\n  bad: ${{sls:nope}}\n");
        let host = TestHost::default().env("T", "TRUE");
        let out = run_with(&yaml, &host, &opts(json!({})));
        assert_eq!(out.custom("stage"), "prod");
        assert_eq!(out.custom("region"), "eu-west-1");
        assert_eq!(out.custom("id"), "1700000000000");
        assert_eq!(out.custom("t"), true);
        assert_eq!(out.custom("f"), false);
        assert_eq!(
            out.one(codes::VARIABLE_SYNTAX).message,
            "Cannot resolve variable at \"custom.bad\": Unsupported \"nope\" address argument in variable \"sls\" source"
        );

        let out = run_with(&yaml, &host, &opts(json!({"stage": "cli", "region": "ap-south-1"})));
        assert_eq!(out.custom("stage"), "cli");
        assert_eq!(out.custom("region"), "ap-south-1");

        let out = run_with(&config("  stage: ${sls:stage}\n  region: ${aws:region}\n"), &host, &opts(json!({})));
        out.assert_clean();
        assert_eq!(out.custom("stage"), "dev");
        assert_eq!(out.custom("region"), "us-east-1");
    }

    #[test]
    fn provider_stage_from_sls_stage_is_a_cycle() {
        let out = run("service: s\nprovider:\n  name: aws\n  stage: ${sls:stage}\n");
        assert_eq!(out.one(codes::VARIABLE_CYCLE).message, "Circular reference: \"provider.stage\" refers to itself");
    }

    #[test]
    fn param_source_precedence() {
        let yaml = format!(
            "{HEAD}params:\n  default:\n    p1: pdef\n    p2: pdef2\n    p3: pdef3\n  dev:\n    p1: pdev\n    p3: null\ncustom:\n  p1: ${{param:p1}}\n  p2: ${{param:p2}}\n  p3: ${{param:p3}}\n  p4: ${{param:p4, 'fb'}}\n  p5: ${{param:p5}}\n"
        );
        let mut o = opts(json!({}));
        o.params.insert("p2".into(), "cli".into());
        let out = run_with(&yaml, &TestHost::default(), &o);
        assert_eq!(out.custom("p1"), "pdev");
        assert_eq!(out.custom("p2"), "cli");
        assert_eq!(out.custom("p3"), "pdef3");
        assert_eq!(out.custom("p4"), "fb");
        assert_eq!(
            out.one(codes::UNRESOLVED_VARIABLE).message,
            "Cannot resolve variable at \"custom.p5\": The param \"p5\" cannot be resolved from CLI options or stage params. If you are using Serverless Framework Compose, make sure to run commands via Compose so that all parameters can be resolved"
        );
        let out = run_with(&yaml, &TestHost::default(), &opts(json!({"stage": "prod"})));
        assert_eq!(out.custom("p1"), "pdef");
    }

    #[test]
    fn aws_sources_use_injected_values_only() {
        let mut o = opts(json!({}));
        o.injected.insert("ssm:/app/dev/db".into(), json!("db-host"));
        o.injected.insert("cf:net.VpcId".into(), json!("vpc-1"));
        o.injected.insert("s3:bucket/key.txt".into(), json!("body"));
        o.injected.insert("aws:accountId".into(), json!("123456789012"));
        o.injected.insert("ssm:/gone".into(), serde_json::Value::Null);
        let out = run_with(
            &config(
                "  db: ${ssm(eu-west-1, raw):/app/${sls:stage}/db}\n  vpc: ${cf:net.VpcId}\n  body: ${s3:bucket/key.txt}\n  arn: arn:aws:iam::${aws:accountId}:root\n  gone: ${ssm:/gone, 'fb'}\n  need: ${ssm:/not/given}\n  badcf: ${cf:nodot}\n  out: ${output:svc.key}\n  unk: ${sssm:/x}\n",
            ),
            &TestHost::default(),
            &o,
        );
        assert_eq!(out.custom("db"), "db-host");
        assert_eq!(out.custom("vpc"), "vpc-1");
        assert_eq!(out.custom("body"), "body");
        assert_eq!(out.custom("arn"), "arn:aws:iam::123456789012:root");
        assert_eq!(out.custom("gone"), "fb");
        let need = out.one(codes::NEEDS_INJECTED_VALUE);
        assert_eq!(need.span.unwrap().line, 11);
        assert_eq!(need.help.as_deref(), Some("provide it with --var 'ssm:/not/given=VALUE' or --vars FILE"));
        assert!(need.message.starts_with("Cannot resolve variable at \"custom.need\""));
        assert!(out.one(codes::VARIABLE_SYNTAX).message.contains("Expected \"<stack-name>.<output-id>\" format"));
        assert!(out.one(codes::VARIABLE_NOT_SUPPORTED).message.contains("\"output\" variable"));
        let unknown = out.one(codes::UNKNOWN_VARIABLE_SOURCE);
        assert_eq!(unknown.message, "Cannot resolve variable at \"custom.unk\": Unrecognized configuration variable source: \"sssm\"");
        assert_eq!(unknown.help.as_deref(), Some("did you mean \"ssm\"?"));
    }

    #[test]
    fn values_from_elsewhere_keep_their_span() {
        let out =
            run(&config("  src: {deep: value}\n  copy: ${self:custom.src}\n  text: a-${self:custom.src.deep}\n  lit: ${env:NOPE, 'x'}\n"));
        out.assert_clean();
        let copy = out.node.pointer(["custom", "copy", "deep"]).unwrap();
        assert_eq!((copy.span.line, copy.span.col), (6, 15));
        let text = out.node.pointer(["custom", "text"]).unwrap();
        assert_eq!((text.span.line, text.span.col), (8, 9));
        let lit = out.node.pointer(["custom", "lit"]).unwrap();
        assert_eq!(lit.span.line, 9);
    }

    #[test]
    fn all_problems_are_collected() {
        let out = run(&config("  a: ${env:NOPE}\n  b: ${self:x\n  c: ${foo:bar}\n  d: x-${self:custom.o}\n  o: {}\n  e: ${ssm:/p}\n"));
        let mut codes = out.codes();
        codes.sort();
        assert_eq!(codes, ["CFG301", "CFG302", "CFG304", "CFG306", "CFG307"]);
    }

    #[test]
    fn dotenv_files_feed_the_env_source() {
        let dotenv = "# comment\nexport A=1\nB=\"two\\nlines\"\nC='sq $A'\nD=$A-${B}x\nE=${NOPE:-def}\nF=${HOSTV}\nHOSTV=fromfile\nG=  spaced value   # trailing\nH=\n";
        let host = TestHost::default().file(".env", dotenv).file(".env.prod", "A=stagefile\n").env("HOSTV", "fromhost");
        let yaml = "service: svc\nuseDotenv: true\nprovider:\n  name: aws\n  stage: ${opt:stage, 'dev'}\ncustom:\n  A: ${env:A}\n  B: ${env:B}\n  C: ${env:C}\n  D: ${env:D}\n  E: ${env:E}\n  F: ${env:F}\n  HOSTV: ${env:HOSTV}\n  G: ${env:G}\n  H: ${env:H, 'fb'}\n".to_string();
        let out = run_with(&yaml, &host, &opts(json!({})));
        out.assert_clean();
        assert_eq!(
            out.json["custom"],
            json!({"A": "1", "B": "two\nlines", "C": "sq 1", "D": "1-two\nlinesx", "E": "def", "F": "fromhost", "HOSTV": "fromhost", "G": "spaced value", "H": ""})
        );
        assert!(out.sources.find(".env").is_some());

        // `.env.<stage>` wins and `.env` is then not read at all.
        let out = run_with(&yaml, &host, &opts(json!({"stage": "prod"})));
        assert_eq!(out.custom("A"), "stagefile");
        assert_eq!(out.codes().len(), 6, "{:#?}", out.diags);

        // Without useDotenv nothing is loaded.
        let out = run_with(&yaml.replace("useDotenv: true", "useDotenv: false"), &host, &opts(json!({})));
        assert!(out.custom("A").is_string() && out.custom("A") == "${env:A}");
    }

    #[test]
    fn dotenv_cannot_decide_the_stage() {
        let host = TestHost::default().file(".env", "STAGE=prod\n").file(".env.dev", "X=1\n");
        let yaml = "service: svc\nuseDotenv: true\nprovider:\n  name: aws\n  stage: ${env:STAGE, 'dev'}\ncustom:\n  x: ${env:X}\n";
        let out = run_with(yaml, &host, &opts(json!({})));
        out.assert_clean();
        assert_eq!(out.json["provider"]["stage"], "dev");
        assert_eq!(out.custom("x"), "1");

        let host = TestHost::default().file(".env", "STAGE=prod\nX=2\n");
        let out = run_with(yaml, &host, &opts(json!({})));
        assert!(out.one(codes::UNRESOLVED_VARIABLE).message.contains("resolution conflict"));
    }

    #[test]
    fn dotenv_parsing_details() {
        let parsed = dotenv_parse(
            "A=1\r\nexport  B = two \nC: colon\n# skip=me\nD='a \"q\"' # c\nE=\"x\ny\"\nF=`tick`\nG\nexport=5\nH=a#b\nI=\n\nJ=last",
        );
        let expect = [
            ("A", "1"),
            ("B", "two"),
            ("C", "colon"),
            ("D", "a \"q\""),
            ("E", "x\ny"),
            ("F", "tick"),
            ("export", "5"),
            ("H", "a"),
            ("I", ""),
            ("J", "last"),
        ];
        let got: Vec<(&str, &str)> = parsed.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(got, expect);
        let host = TestHost::default().env("HOME_DIR", "/home/x");
        let raw = dotenv_parse("P=${HOME_DIR}/bin\nQ=\\$NOT\nR=$P:$MISSING\nS=$S\n");
        let (expanded, endless) = dotenv_expand(&raw, &host);
        assert_eq!(expanded["P"], "/home/x/bin");
        assert_eq!(expanded["Q"], "$NOT");
        assert_eq!(expanded["R"], "/home/x/bin:");
        assert_eq!(expanded["S"], "$S", "a self-reference keeps its raw value");
        assert_eq!(endless, ["S"]);
        let (_, endless) = dotenv_expand(&dotenv_parse("A=${A}${B}\nB=x\n"), &host);
        assert_eq!(endless, ["A"]);
    }

    #[test]
    fn properties_needed_before_plugins_cannot_use_late_sources() {
        let yaml = "service: ${param:name}\nprovider:\n  name: aws\n  region: ${ssm:/region}\nparams:\n  default:\n    name: svc\ncustom:\n  ok: ${param:name}\n";
        let mut o = opts(json!({}));
        o.injected.insert("ssm:/region".into(), json!("eu-west-1"));
        let out = run_with(yaml, &TestHost::default(), &o);
        let msgs: Vec<&str> = out.diags.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "\"service\" property is not accessible (configured behind variables which cannot be resolved at this stage)",
                "\"provider.region\" property is not accessible (configured behind variables which cannot be resolved at this stage)",
            ]
        );
        assert_eq!(out.custom("ok"), "svc");
    }

    #[test]
    fn budgets_stop_runaway_expansion() {
        let mut strings = String::from("  s0: xxxxxxxxxxxxxxxx\n");
        let mut lists = String::from("  l0: [a, b, c, d]\n");
        for i in 1..40 {
            strings.push_str(&format!("  s{i}: ${{self:custom.s{p}}}${{self:custom.s{p}}}\n", p = i - 1));
            lists.push_str(&format!("  l{i}: [\"${{self:custom.l{p}}}\", \"${{self:custom.l{p}}}\"]\n", p = i - 1));
        }
        let out = run(&config(&strings));
        assert!(out.diags.iter().any(|d| d.code == codes::VARIABLE_DEPTH && d.message.contains("bytes of text")), "{:#?}", out.diags);
        let out = run(&config(&lists));
        assert!(out.diags.iter().any(|d| d.code == codes::VARIABLE_DEPTH), "{:#?}", out.diags);
    }

    /// Deterministic random configurations: nothing panics or hangs, and every diagnostic
    /// points somewhere.
    #[test]
    fn random_inputs_never_panic() {
        const ATOMS: [&str; 34] = [
            "${",
            "}",
            "$",
            "{",
            "(",
            ")",
            ":",
            ",",
            " ",
            "'",
            "\"",
            "\\",
            "self:",
            "env:",
            "opt:",
            "file(",
            "sls:",
            "custom.",
            "a",
            "b",
            "c",
            "${self:custom.",
            "${file(f.yml):",
            "${env:E",
            "${param:p",
            "${ssm:/x",
            "strToBool(",
            "true",
            "null",
            "1",
            ".",
            "${aws:",
            "\\${",
            "${self:}",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |n: usize| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            ((seed >> 33) as usize) % n
        };
        for _ in 0..300 {
            let value = |next: &mut dyn FnMut(usize) -> usize| {
                let n = 1 + next(8);
                let text: String = (0..n).map(|_| ATOMS[next(ATOMS.len())]).collect();
                serde_json::Value::String(text).to_string()
            };
            let mut yaml = String::from("service: svc\nuseDotenv: true\nprovider:\n  name: aws\n");
            yaml.push_str(&format!("  stage: {}\nparams:\n  default:\n    p: {}\ncustom:\n", value(&mut next), value(&mut next)));
            for key in ["a", "b", "c"] {
                yaml.push_str(&format!("  {key}: {}\n", value(&mut next)));
            }
            yaml.push_str(&format!("  l: [{}, {}]\n  m: {{k: {}}}\n", value(&mut next), value(&mut next), value(&mut next)));
            let host = TestHost::default()
                .env("E", "${self:custom.a}")
                .file("f.yml", &format!("a: {}\nb: [{}]\n", value(&mut next), value(&mut next)))
                .file(".env", &format!("E2={}\n", value(&mut next)));
            let out = run_with(&yaml, &host, &opts(json!({"stage": "dev"})));
            for d in &out.diags {
                assert!(d.span.is_some(), "diagnostic without a place: {d:#?}\n{yaml}");
            }
        }
    }

    #[test]
    fn long_dependency_chains_do_not_overflow_the_stack() {
        let mut chain = String::new();
        for i in 0..400 {
            chain.push_str(&format!("  c{i}: ${{self:custom.c{}}}\n", i + 1));
        }
        chain.push_str("  c400: end\n");
        let out = run(&config(&chain));
        assert!(out.diags.iter().any(|d| d.code == codes::VARIABLE_DEPTH), "{:#?}", out.diags.first());
        let mut short = String::new();
        for i in 0..50 {
            short.push_str(&format!("  c{i}: ${{self:custom.c{}}}\n", i + 1));
        }
        short.push_str("  c50: end\n");
        let out = run(&config(&short));
        out.assert_clean();
        assert_eq!(out.custom("c0"), "end");
    }

    // ---- hints of unresolved variables ---------------------------------------------------------

    #[test]
    fn an_unread_dotenv_file_is_read_once_for_every_variable_it_would_set() {
        let mut custom = String::new();
        for i in 0..50 {
            custom.push_str(&format!("  v{i}: ${{env:KEY_{i}}}\n"));
        }
        let dotenv: String = (0..50).map(|i| format!("KEY_{i}=x\n")).collect();
        let host = TestHost::default().file(".env", &dotenv);
        let out = run_with(&config(&custom), &host, &opts(json!({})));
        assert_eq!(out.codes().len(), 50);
        for d in &out.diags {
            assert!(d.help.as_deref().unwrap_or_default().contains("only with `useDotenv: true`"), "{d:?}");
        }
        assert_eq!(host.reads_of(".env"), 1);
        assert_eq!(host.reads_of(".env.dev"), 1);
    }

    #[test]
    fn a_miss_that_a_fallback_covers_reads_no_dotenv_file() {
        let host = TestHost::default().file(".env", "KEY=x\n");
        let out = run_with(&config("  a: ${env:KEY, 'fallback'}\n"), &host, &opts(json!({})));
        out.assert_clean();
        assert_eq!(out.custom("a"), "fallback");
        assert_eq!(host.reads_of(".env"), 0);
    }

    #[test]
    fn the_label_underlines_the_variable_inside_its_string() {
        let out = run(&config("  table: orders\n  a: \"pre-${self:custom.tabel}-post\"\n"));
        let d = out.one(codes::UNRESOLVED_VARIABLE);
        let span = d.span.expect("a span");
        let line = out.sources.line(span.file, span.line).unwrap_or_default();
        let picked: String = line.chars().skip(span.col as usize - 1).take((span.end_col - span.col) as usize).collect();
        assert_eq!(picked, "${self:custom.tabel}");
        assert_eq!(d.help.as_deref(), Some("did you mean `${self:custom.table}`?"));
        assert_eq!(d.related.len(), 1, "the near key's place: {d:?}");
    }

    #[test]
    fn hints_name_the_first_missing_key_and_the_way_round_unwritten_defaults() {
        let out = run(&config(
            "  list: [a]\n  n: null\n  s: text\n  a: ${self:custom.list.3}\n  b: ${self:custom.n}\n  c: ${self:custom.s.x}\n  d: ${self:provider.stage}\n  e: ${opt:stagee}\n",
        ));
        let help = |path: &str| {
            out.diags
                .iter()
                .find(|d| d.message.contains(&format!("\"custom.{path}\"")))
                .and_then(|d| d.help.clone())
                .unwrap_or_else(|| panic!("no finding at custom.{path}: {:#?}", out.diags))
        };
        assert!(help("a").starts_with("`custom.list` is a list of 1 items, with no item `3`"), "{}", help("a"));
        assert!(help("b").starts_with("`custom.n` is null"), "{}", help("b"));
        assert!(help("c").starts_with("`custom.s` is a string, with no key `x`"), "{}", help("c"));
        assert!(help("d").ends_with("use `${sls:stage}`"), "{}", help("d"));
        assert_eq!(help("e"), "did you mean `${opt:stage}`?");
    }
}
