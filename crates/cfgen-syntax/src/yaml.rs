//! The YAML loader: serverless.yml as Serverless Framework v3 reads it.
//!
//! Serverless v3 parses with js-yaml 4 (`DEFAULT_SCHEMA`) extended by 17 CloudFormation
//! short-form tags. This loader reproduces that reading on top of `saphyr-parser`'s event
//! stream, keeping a [`Span`] for every key and value:
//!
//! * plain scalars resolve as js-yaml does: `null`/`~`, `true`/`false` (three casings only, so
//!   `on`/`yes` stay strings), decimal/`0x`/`0o`/`0b` integers (`0777` is decimal 777, `1_000`
//!   stays a string), floats, `.inf`/`.nan`, and timestamps (which become ISO-8601 strings, as
//!   `JSON.stringify` writes a JavaScript `Date`);
//! * `!Ref x` becomes `{"Ref": x}`, `!Condition x` `{"Condition": x}`, every other tag
//!   `{"Fn::<Name>": x}`; `!GetAtt A.B.C` splits at the first dot into `["A", "B.C"]`;
//! * merge keys (`<<`) are applied, explicit keys win over merged ones;
//! * a duplicate key is an error (as in js-yaml);
//! * a line inside a flow collection (`[...]`, `{...}`) may sit at or left of its block's
//!   indentation, as js-yaml (and libyaml) read it: saphyr follows YAML 1.2 and refuses such a
//!   line, so the loader indents it in a copy of the text and reads the copy again, mapping
//!   columns back to the file (see [`load_with`]); so with a quoted scalar's continuation
//!   lines, whose leading white space is never part of the value;
//! * budgets bound the nesting depth, the number of nodes (alias expansion included) and the
//!   input size, so no input can hang the loader or exhaust memory.

// A load stops at its first error and returns it: the error path is cold, and boxing every
// `Result` of the recursive descent would only add noise.
#![allow(clippy::result_large_err)]

use crate::diagnostic::{codes, Diagnostic};
use crate::node::{Map, Node, Value, Weight};
use crate::span::{FileId, Span};
use saphyr_parser::{Event, Parser, ScalarStyle, Span as PSpan, Tag};
use std::borrow::Cow;
use std::collections::HashMap;

/// The CloudFormation short-form tags Serverless v3 accepts.
pub const CFN_TAGS: [&str; 17] = [
    "And",
    "Base64",
    "Cidr",
    "Condition",
    "Equals",
    "FindInMap",
    "GetAtt",
    "GetAZs",
    "If",
    "ImportValue",
    "Join",
    "Not",
    "Or",
    "Ref",
    "Select",
    "Split",
    "Sub",
];

/// Limits that keep hostile input bounded.
#[derive(Clone, Copy, Debug)]
pub struct Budget {
    /// Deepest nesting of sequences and mappings.
    pub max_depth: usize,
    /// Most nodes in the result, counting every node an alias copies.
    pub max_nodes: usize,
    /// Largest input, in bytes.
    pub max_bytes: usize,
    /// Most bytes of text (strings and keys) that aliases copy, all aliases together.
    pub max_copied_text: usize,
}

impl Default for Budget {
    fn default() -> Self {
        Budget { max_depth: 100, max_nodes: 1_000_000, max_bytes: 16 * 1024 * 1024, max_copied_text: 64 * 1024 * 1024 }
    }
}

/// Load a YAML document (the whole file must be one document).
pub fn load(src: &str, file: FileId) -> Result<Node, Diagnostic> {
    load_with(src, file, Budget::default(), false)
}

/// Load JSON text (through the same parser, so every node has a position). As with
/// `JSON.parse`, a repeated key keeps its last value.
pub fn load_json(src: &str, file: FileId) -> Result<Node, Diagnostic> {
    load_with(src, file, Budget::default(), true)
}

/// Load a YAML document, with a warning in `notes` for what js-yaml reads and YAML 1.2 does not
/// (a flow collection's line left of its block's indentation), which editors may refuse.
pub fn load_noting(src: &str, file: FileId, notes: &mut Vec<Diagnostic>) -> Result<Node, Diagnostic> {
    load_inner(src, file, Budget::default(), false, notes)
}

/// Load with explicit budgets.
pub fn load_with(src: &str, file: FileId, budget: Budget, json: bool) -> Result<Node, Diagnostic> {
    load_inner(src, file, budget, json, &mut Vec::new())
}

fn load_inner(src: &str, file: FileId, budget: Budget, json: bool, notes: &mut Vec<Diagnostic>) -> Result<Node, Diagnostic> {
    if src.len() > budget.max_bytes {
        return Err(Diagnostic::error(
            codes::BUDGET,
            format!("the file is {} bytes; cfgen reads at most {} bytes", src.len(), budget.max_bytes),
        )
        .at(Span::point(file, 1, 1)));
    }
    // Lines indented in the copy read again: (line, spaces added), sorted by line. Each
    // retry indents every line of one flow collection and reads the whole text again: at most
    // 64 times and 2 MiB read in all (saphyr reads text of small tokens at about 5 MB/s).
    // The node and alias-text budgets hold over all the readings together: an alias bomb
    // before such a collection is not expanded again at each reading.
    let mut pads: Vec<(u32, u32)> = Vec::new();
    let mut text = Cow::Borrowed(src);
    let mut reads = 1usize;
    let (mut nodes, mut copied_text) = (0, 0);
    // The error of the first reading and what its lines belong to, for a budget spent later.
    let mut first: Option<(Diagnostic, &str)> = None;
    let over = |err: Diagnostic, what: &str| {
        err.help(format!(
            "js-yaml (Serverless) reads a {what}'s lines left of their block's indentation; cfgen indents them and reads the file again, \
             which this file needs more often than cfgen's budget allows: indent this {what}'s lines past its key"
        ))
    };
    loop {
        let mut loader = Loader {
            parser: Parser::new_from_str(&text),
            file,
            budget,
            anchors: HashMap::new(),
            nodes,
            copied_text,
            json,
            pads: &pads,
            open: Vec::new(),
            scan_error: None,
        };
        let err = match loader.document() {
            Ok(node) => return Ok(node),
            Err(e) => e,
        };
        (nodes, copied_text) = (loader.nodes, loader.copied_text);
        if err.code == codes::BUDGET {
            return Err(match first {
                Some((e, what)) => over(e, what),
                None => err,
            });
        }
        let refused = err.span;
        let Some((more, what)) = loader.dedented(&text) else { return Err(err) };
        reads += 1;
        if reads > 65 || reads.saturating_mul(src.len().max(1024)) > 2 << 20 {
            return Err(over(err, what));
        }
        if first.is_none() {
            first = Some((err.clone(), what));
        }
        if more.iter().any(|(l, _)| pads.binary_search_by_key(l, |p| p.0).is_ok()) {
            return Err(err);
        }
        notes.push(
            Diagnostic::warning(
                codes::YAML_SYNTAX,
                format!("a line of this {what} sits at or left of its block's indentation: YAML 1.2 refuses it, js-yaml (Serverless v3) reads it, and so does cfgen"),
            )
            .at_opt(refused)
            .help(format!("indent the {what}'s lines past its key: editors and other YAML tools may refuse the file as it is")),
        );
        text = Cow::Owned(indent_lines(&text, &more));
        pads.extend(more);
        pads.sort_unstable();
    }
}

/// `text` with `pad` spaces put before each line `line` (1-based) of `lines` (sorted by line).
fn indent_lines(text: &str, lines: &[(u32, u32)]) -> String {
    let mut out = String::with_capacity(text.len() + lines.iter().map(|p| p.1 as usize).sum::<usize>());
    let mut todo = lines.iter().peekable();
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if let Some(&&(_, pad)) = todo.peek().filter(|p| p.0 as usize == i + 1) {
            out.extend(std::iter::repeat_n(' ', pad as usize));
            todo.next();
        }
        out.push_str(l);
    }
    out
}

/// How many lines the flow collection starting at byte `from` (its `[` or `{`) spans after
/// its first: inside a flow collection, brackets match outside quoted scalars and comments
/// (plain scalars there hold no `[]{},`), and a quoted scalar starts only after a separator.
fn flow_extent(text: &str, from: usize) -> Option<usize> {
    let (mut depth, mut newlines, mut prev) = (0usize, 0usize, ' ');
    let mut chars = text.get(from..)?.chars().peekable();
    while let Some(c) = chars.next() {
        let after_separator = matches!(prev, ' ' | '\t' | '\n' | '[' | '{' | ',' | ':');
        match c {
            '[' | '{' => depth += 1,
            ']' | '}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(newlines);
                }
            }
            '\n' => newlines += 1,
            '#' if matches!(prev, ' ' | '\t' | '\n') => while chars.next_if(|&c| c != '\n').is_some() {},
            '\'' if after_separator => loop {
                match chars.next()? {
                    '\'' if chars.next_if_eq(&'\'').is_none() => break,
                    '\n' => newlines += 1,
                    _ => {}
                }
            },
            '"' if after_separator => loop {
                match chars.next()? {
                    '"' => break,
                    '\\' if chars.next()? == '\n' => newlines += 1,
                    '\n' => newlines += 1,
                    _ => {}
                }
            },
            _ => {}
        }
        prev = c;
    }
    None
}

/// The lines after line `first` up to line `last` (1-based) that start left of two columns past
/// every block position (indentation, `- `, `? `, `: `) of the lines up to `first`, with the
/// spaces that take each there: (line, spaces). Blank lines stay as they are.
fn pads_past_blocks(lines: &[&str], first: usize, last: usize) -> Vec<(u32, u32)> {
    let block = |t: &&str| t.len() - t.trim_start_matches([' ', '-', '?', ':']).len();
    let target = lines[..first].iter().map(block).max().unwrap_or(0) + 2;
    (first + 1..=last.min(lines.len()))
        .filter_map(|l| {
            let t = lines[l - 1];
            let lead = t.len() - t.trim_start_matches(' ').len();
            (lead < target && lead < t.len()).then(|| Some((u32::try_from(l).ok()?, u32::try_from(target - lead).ok()?)))?
        })
        .collect()
}

/// How many lines the quoted scalar starting at byte `from` (its `'` or `"`) spans after its
/// first.
fn quoted_extent(text: &str, from: usize) -> Option<usize> {
    let mut chars = text.get(from..)?.chars().peekable();
    let quote = chars.next()?;
    let mut newlines = 0;
    loop {
        match (quote, chars.next()?) {
            ('\'', '\'') if chars.next_if_eq(&'\'').is_none() => return Some(newlines),
            ('"', '"') => return Some(newlines),
            // an escape: the escaped character is no quote (an escaped line break is a line)
            ('"', '\\') if chars.next()? == '\n' => newlines += 1,
            (_, '\n') => newlines += 1,
            _ => {}
        }
    }
}

struct Loader<'a, 'p> {
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
    file: FileId,
    budget: Budget,
    /// Each anchored node with its weight, measured once.
    anchors: HashMap<usize, (Node, Weight)>,
    nodes: usize,
    copied_text: usize,
    json: bool,
    /// Lines indented in this copy of the text (see `load_with`): their columns map back.
    pads: &'p [(u32, u32)],
    /// After an error: where each sequence and mapping it stopped starts (line, 0-based
    /// column), innermost first.
    open: Vec<(u32, u32)>,
    /// The scanner's error: line, 0-based column, message.
    scan_error: Option<(u32, u32, String)>,
}

type Ev<'a> = (Event<'a>, PSpan);

impl<'a> Loader<'a, '_> {
    /// The 1-based column in the file of 0-based column `col` of line `line` of the text read.
    fn col(&self, line: u32, col: u32) -> u32 {
        let pad = if self.pads.is_empty() { 0 } else { self.pads.binary_search_by_key(&line, |p| p.0).map_or(0, |i| self.pads[i].1) };
        col.saturating_sub(pad) + 1
    }

    fn span(&self, s: &PSpan) -> Span {
        let (line, end_line) = (s.start.line() as u32, s.end.line() as u32);
        let (col, end_col) = (self.col(line, s.start.col() as u32), self.col(end_line, s.end.col() as u32));
        Span { file: self.file, line, col, end_line, end_col: end_col.max(col + u32::from(end_line == line)) }
    }

    /// After an error: the lines to indent and by how much, and what they belong to, when the
    /// scanner refused a line for its indentation where js-yaml does not look at it: inside a
    /// flow collection ([`Self::flow_dedent`]) or a quoted scalar ([`Self::quoted_dedent`]).
    fn dedented(&self, text: &str) -> Option<(Vec<(u32, u32)>, &'static str)> {
        match self.quoted_dedent(text) {
            Some(pads) => Some((pads, "quoted scalar")),
            None => Some((self.flow_dedent(text)?, "flow collection")),
        }
    }

    /// After an error: the continuation lines of a quoted scalar at or left of its block's
    /// indentation (saphyr reports the scalar's opening quote), indented two columns past every
    /// block position of the lines up to its first. js-yaml reads such lines, and indenting
    /// them never changes the value: a quoted scalar's continuation lines lose their leading
    /// white space.
    fn quoted_dedent(&self, text: &str) -> Option<Vec<(u32, u32)>> {
        let (line, col, msg) = self.scan_error.as_ref()?;
        let (line, col) = (*line as usize, *col as usize);
        if !(msg.starts_with("invalid indentation") && msg.contains("quoted scalar")) {
            return None;
        }
        let lines: Vec<&str> = text.split('\n').collect();
        let this = lines.get(line.checked_sub(1)?)?;
        let at = this.char_indices().nth(col)?.0;
        if !matches!(this[at..].chars().next(), Some('\'' | '"')) {
            return None;
        }
        let from = lines[..line - 1].iter().map(|t| t.len() + 1).sum::<usize>() + at;
        let last = line + quoted_extent(text, from)?;
        let pads = pads_past_blocks(&lines, line, last);
        (!pads.is_empty()).then_some(pads)
    }

    /// After an error: the lines to indent and by how much, when the scanner refused a line
    /// for its indentation inside a flow collection, where js-yaml does not look at
    /// indentation. The line must start with the refused token, and that token must be inside
    /// a flow collection: the outermost open collection that starts with `[` or `{` (every
    /// line of it short of the block's indentation is indented: indenting a line inside a
    /// flow collection never changes what it means), else, when the token is `]`, `}` or `,`
    /// (tokens only flow collections have) or the scanner says it is in one, that line alone.
    /// Lines go two columns past every block position of the lines before the collection.
    fn flow_dedent(&self, text: &str) -> Option<Vec<(u32, u32)>> {
        let (line, col, msg) = self.scan_error.as_ref()?;
        let (line, col) = (*line as usize, *col as usize);
        if !msg.starts_with("invalid indentation") || msg.contains("anchor") || msg.contains("quoted") {
            return None;
        }
        let lines: Vec<&str> = text.split('\n').collect();
        let this = lines.get(line.checked_sub(1)?)?;
        if !this.get(..col)?.bytes().all(|b| b == b' ') {
            return None;
        }
        let starts_flow = |&&(l, c): &&(u32, u32)| {
            lines.get((l as usize).wrapping_sub(1)).and_then(|t| t.chars().nth(c as usize)).is_some_and(|ch| ch == '[' || ch == '{')
        };
        let (first, last) = match self.open.iter().rev().find(starts_flow) {
            Some(&(l, c)) => {
                let (l, c) = (l as usize, c as usize);
                let from = lines[..l - 1].iter().map(|t| t.len() + 1).sum::<usize>() + lines[l - 1].char_indices().nth(c)?.0;
                (l, l + flow_extent(text, from).unwrap_or(lines.len()))
            }
            None if matches!(this[col..].chars().next(), Some(']' | '}' | ',')) || msg.contains("flow") => (line - 1, line),
            None => return None,
        };
        if !(first < line && line <= last) {
            return None;
        }
        let pads = pads_past_blocks(&lines, first, last);
        pads.iter().any(|p| p.0 as usize == line).then_some(pads)
    }

    fn next(&mut self) -> Result<Ev<'a>, Diagnostic> {
        match self.parser.next_event() {
            Some(Ok(ev)) => Ok(ev),
            Some(Err(e)) => {
                let m = e.marker();
                let (line, col) = (m.line() as u32, m.col() as u32);
                self.scan_error = Some((line, col, e.info().to_string()));
                let mut d = Diagnostic::error(codes::YAML_SYNTAX, format!("invalid YAML: {}", e.info())).at(Span::point(
                    self.file,
                    line,
                    self.col(line, col),
                ));
                if e.info().contains("tab") {
                    d = d.help("YAML indents with spaces only; replace the tabs with spaces");
                }
                Err(d)
            }
            None => Err(Diagnostic::error(codes::YAML_SYNTAX, "unexpected end of input")),
        }
    }

    fn document(&mut self) -> Result<Node, Diagnostic> {
        let mut root: Option<Node> = None;
        loop {
            let (ev, sp) = self.next()?;
            match ev {
                Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
                Event::StreamEnd => break,
                Event::DocumentStart(_) => {
                    let (ev, sp) = self.next()?;
                    if matches!(ev, Event::DocumentEnd) {
                        continue;
                    }
                    let node = self.node(ev, sp, 0)?;
                    if root.is_some() {
                        return Err(Diagnostic::error(
                            codes::MULTI_DOCUMENT,
                            "the file holds more than one YAML document; Serverless reads exactly one",
                        )
                        .at(node.span)
                        .label("a second document starts here"));
                    }
                    root = Some(node);
                }
                _ => {
                    let node = self.node(ev, sp, 0)?;
                    root.get_or_insert(node);
                }
            }
        }
        root.ok_or_else(|| {
            Diagnostic::error(codes::EMPTY_DOCUMENT, "the file is empty: expected a mapping with `service` and `provider`")
                .at(Span::point(self.file, 1, 1))
        })
    }

    fn count(&mut self, n: usize, span: Span) -> Result<(), Diagnostic> {
        self.nodes += n;
        if self.nodes > self.budget.max_nodes {
            return Err(Diagnostic::error(
                codes::BUDGET,
                format!("the document expands to more than {} nodes (an alias bomb?)", self.budget.max_nodes),
            )
            .at(span)
            .label("expansion passed the limit here"));
        }
        Ok(())
    }

    /// Remembers `node` under `anchor` (0: none) with its weight, measured once for all its
    /// aliases.
    fn anchor(&mut self, anchor: usize, node: &Node) {
        if anchor > 0 {
            self.anchors.insert(anchor, (node.clone(), node.weight()));
        }
    }

    fn node(&mut self, ev: Event<'a>, sp: PSpan, depth: usize) -> Result<Node, Diagnostic> {
        let span = self.span(&sp);
        if depth > self.budget.max_depth {
            return Err(Diagnostic::error(codes::BUDGET, format!("nesting deeper than {} levels", self.budget.max_depth))
                .at(span)
                .label("too deep"));
        }
        match ev {
            Event::Alias(id) => {
                let Some(&(_, weight)) = self.anchors.get(&id) else {
                    return Err(Diagnostic::error(codes::YAML_SYNTAX, "alias to an unknown anchor").at(span));
                };
                // Charged before the copy is made.
                self.count(weight.nodes, span)?;
                self.copied_text += weight.text;
                if self.copied_text > self.budget.max_copied_text {
                    return Err(Diagnostic::error(
                        codes::BUDGET,
                        format!("aliases copy more than {} MiB of text (an alias bomb?)", self.budget.max_copied_text >> 20),
                    )
                    .at(span)
                    .label("copying passed the limit here"));
                }
                let mut n = self.anchors[&id].0.clone();
                n.span = span;
                Ok(n)
            }
            Event::Scalar(text, style, anchor, tag) => {
                self.count(1, span)?;
                let node = self.scalar(text, style, tag, span)?;
                self.anchor(anchor, &node);
                Ok(node)
            }
            Event::SequenceStart(anchor, tag) => {
                self.count(1, span)?;
                let (items, end) = self.sequence(depth).map_err(|e| self.unwound(&sp, e))?;
                let mut span = span;
                let e = self.span(&end);
                span.end_line = e.line;
                span.end_col = e.col;
                let node = self.tagged(tag, Node::new(span, Value::Seq(items)))?;
                self.anchor(anchor, &node);
                Ok(node)
            }
            Event::MappingStart(anchor, tag) => {
                self.count(1, span)?;
                let map = self.mapping(depth).map_err(|e| self.unwound(&sp, e))?;
                let node = self.tagged(tag, Node::new(span, Value::Map(map)))?;
                self.anchor(anchor, &node);
                Ok(node)
            }
            _ => Err(Diagnostic::error(codes::YAML_SYNTAX, "unexpected YAML event").at(span)),
        }
    }

    fn sequence(&mut self, depth: usize) -> Result<(Vec<Node>, PSpan), Diagnostic> {
        let mut items = Vec::new();
        loop {
            let (ev, sp) = self.next()?;
            if let Event::SequenceEnd = ev {
                return Ok((items, sp));
            }
            items.push(self.node(ev, sp, depth + 1)?);
        }
    }

    /// On the way out of a collection that an error stopped: its start goes to `open`
    /// (innermost first). Costs nothing while nothing fails.
    #[cold]
    fn unwound(&mut self, sp: &PSpan, e: Diagnostic) -> Diagnostic {
        self.open.push((sp.start.line() as u32, sp.start.col() as u32));
        e
    }

    fn mapping(&mut self, depth: usize) -> Result<Map, Diagnostic> {
        let mut map = Map::new();
        // Keys that came from a merge (`<<`) and may still be overridden by an explicit key.
        let mut overridable: Vec<String> = Vec::new();
        loop {
            let (ev, sp) = self.next()?;
            if let Event::MappingEnd = ev {
                return Ok(map);
            }
            let is_merge = matches!(&ev, Event::Scalar(t, ScalarStyle::Plain, _, None) if t == "<<") && !self.json;
            let key_node = self.node(ev, sp, depth + 1)?;
            let (vev, vsp) = self.next()?;
            let value = self.node(vev, vsp, depth + 1)?;
            if is_merge {
                self.merge(&mut map, &mut overridable, value)?;
                continue;
            }
            let key = key_string(&key_node)?;
            if map.contains_key(&key) && !self.json {
                if let Some(pos) = overridable.iter().position(|k| *k == key) {
                    overridable.remove(pos);
                } else {
                    let first = map.key_span(&key);
                    let mut d = Diagnostic::error(codes::DUPLICATE_KEY, format!("duplicate key `{key}`"))
                        .at(key_node.span)
                        .label("second definition");
                    if let Some(f) = first {
                        d = d.related(f, "first defined here");
                    }
                    return Err(d);
                }
            }
            map.insert(key, key_node.span, value);
        }
    }

    fn merge(&mut self, map: &mut Map, overridable: &mut Vec<String>, value: Node) -> Result<(), Diagnostic> {
        let sources: Vec<Node> = match value.value {
            Value::Map(_) => vec![value],
            Value::Seq(items) => items,
            _ => return Err(Diagnostic::error(codes::YAML_SYNTAX, "a merge key `<<` needs a mapping or a list of mappings").at(value.span)),
        };
        for src in sources {
            let span = src.span;
            let Value::Map(m) = src.value else {
                return Err(Diagnostic::error(codes::YAML_SYNTAX, "a merge key `<<` needs a mapping or a list of mappings").at(span));
            };
            for (k, ks, v) in m.iter_spanned() {
                if !map.contains_key(k) {
                    map.insert(k.clone(), ks, v.clone());
                    overridable.push(k.clone());
                }
            }
        }
        Ok(())
    }

    fn tagged(&self, tag: Option<Cow<'a, Tag>>, node: Node) -> Result<Node, Diagnostic> {
        let Some(tag) = tag else { return Ok(node) };
        if tag.handle == "tag:yaml.org,2002:" {
            let ok = matches!(
                (tag.suffix.as_str(), &node.value),
                ("map", Value::Map(_)) | ("seq", Value::Seq(_)) | ("omap" | "pairs", Value::Seq(_)) | ("set", Value::Map(_))
            );
            return if ok { Ok(node) } else { Err(unknown_tag(&tag, node.span)) };
        }
        if tag.handle == "!" {
            if let Some(name) = CFN_TAGS.iter().find(|t| **t == tag.suffix) {
                return Ok(cfn(name, node));
            }
        }
        Err(unknown_tag(&tag, node.span))
    }

    fn scalar(&self, text: Cow<'a, str>, style: ScalarStyle, tag: Option<Cow<'a, Tag>>, span: Span) -> Result<Node, Diagnostic> {
        if let Some(tag) = tag {
            if tag.handle == "tag:yaml.org,2002:" {
                let v = match tag.suffix.as_str() {
                    "str" => Some(Value::String(text.to_string())),
                    "null" => resolve_null(&text).then_some(Value::Null),
                    "bool" => resolve_bool(&text).map(Value::Bool),
                    "int" => resolve_int(&text).map(Value::Number),
                    "float" => resolve_float(&text).or_else(|| resolve_int(&text)).map(Value::Number),
                    "timestamp" => resolve_timestamp(&text).map(Value::String),
                    _ => return Err(unknown_tag(&tag, span)),
                };
                return v.map(|v| Node::new(span, v)).ok_or_else(|| {
                    Diagnostic::error(codes::INVALID_TYPE, format!("`{text}` cannot be read as !!{}", tag.suffix)).at(span)
                });
            }
            if tag.handle == "!" && tag.suffix.is_empty() {
                return Ok(Node::string(span, text.into_owned()));
            }
            if tag.handle == "!" {
                if let Some(name) = CFN_TAGS.iter().find(|t| **t == tag.suffix) {
                    return Ok(cfn(name, Node::string(span, text.into_owned())));
                }
            }
            return Err(unknown_tag(&tag, span));
        }
        if style != ScalarStyle::Plain {
            return Ok(Node::string(span, text.into_owned()));
        }
        let value = if resolve_null(&text) {
            Value::Null
        } else if let Some(b) = resolve_bool(&text) {
            Value::Bool(b)
        } else if let Some(n) = resolve_int(&text) {
            Value::Number(n)
        } else if let Some(n) = resolve_float(&text) {
            Value::Number(n)
        } else if let Some(ts) = (!self.json).then(|| resolve_timestamp(&text)).flatten() {
            Value::String(ts)
        } else {
            Value::String(text.into_owned())
        };
        Ok(Node::new(span, value))
    }
}

fn unknown_tag(tag: &Tag, span: Span) -> Diagnostic {
    let shown = if tag.handle == "tag:yaml.org,2002:" { format!("!!{}", tag.suffix) } else { format!("{}{}", tag.handle, tag.suffix) };
    let mut d = Diagnostic::error(codes::UNKNOWN_TAG, format!("unknown tag `{shown}`")).at(span).label("not a CloudFormation or YAML tag");
    if let Some(s) = crate::diagnostic::did_you_mean(&tag.suffix, CFN_TAGS) {
        d = d.help(format!("did you mean `!{s}`?"));
    } else {
        d = d.help(format!("CloudFormation short forms: {}", CFN_TAGS.map(|t| format!("!{t}")).join(", ")));
    }
    d
}

/// Wrap `node` the way Serverless' CloudFormation YAML schema does.
fn cfn(name: &str, mut node: Node) -> Node {
    let span = node.span;
    if name == "GetAtt" {
        if let Value::String(s) = &node.value {
            let (first, rest) = s.split_once('.').unwrap_or((s.as_str(), ""));
            node = Node::new(span, Value::Seq(vec![Node::string(span, first), Node::string(span, rest)]));
        }
    }
    let key = match name {
        "Ref" | "Condition" => name.to_string(),
        _ => format!("Fn::{name}"),
    };
    let mut m = Map::new();
    m.insert(key, span, node);
    Node::new(span, Value::Map(m))
}

fn key_string(key: &Node) -> Result<String, Diagnostic> {
    Ok(match &key.value {
        Value::String(s) => s.clone(),
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => crate::node::js_number_string(*n),
        Value::Seq(_) | Value::Map(_) => return Err(Diagnostic::error(codes::YAML_SYNTAX, "a mapping key must be a scalar").at(key.span)),
    })
}

fn resolve_null(s: &str) -> bool {
    matches!(s, "" | "~" | "null" | "Null" | "NULL")
}

fn resolve_bool(s: &str) -> Option<bool> {
    match s {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// js-yaml 4.3 integers: optional sign, then `0b`/`0x`/`0o` digits or decimal digits.
fn resolve_int(s: &str) -> Option<f64> {
    let (neg, body) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let sign = if neg { -1.0 } else { 1.0 };
    let radix_digits = |prefix: &str, radix: u32| -> Option<f64> {
        let d = body.strip_prefix(prefix)?;
        if d.is_empty() || !d.chars().all(|c| c.is_digit(radix)) {
            return None;
        }
        let mut v = 0f64;
        for c in d.chars() {
            v = v * radix as f64 + c.to_digit(radix)? as f64;
        }
        v.is_finite().then_some(sign * v)
    };
    if body.starts_with("0b") {
        return radix_digits("0b", 2);
    }
    if body.starts_with("0x") {
        return radix_digits("0x", 16);
    }
    if body.starts_with("0o") {
        return radix_digits("0o", 8);
    }
    if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let v: f64 = body.parse().ok()?;
    v.is_finite().then_some(sign * v)
}

/// js-yaml 4.3 floats.
fn resolve_float(s: &str) -> Option<f64> {
    // Every plain scalar comes here: no lowercase copy (Rust's float parser takes `E` as `e`).
    let (sign, body) = match s.as_bytes().first()? {
        b'-' => (-1.0, &s[1..]),
        b'+' => (1.0, &s[1..]),
        _ => (1.0, s),
    };
    // js-yaml's three spellings, as for NaN below (`.iNf` stays a string).
    if matches!(body, ".inf" | ".Inf" | ".INF") {
        return Some(sign * f64::INFINITY);
    }
    if s == ".nan" || s == ".NaN" || s == ".NAN" {
        return Some(f64::NAN);
    }
    if !float_pattern(s) {
        return None;
    }
    let v: f64 = body.parse().ok()?;
    v.is_finite().then_some(sign * v)
}

/// `^(?:[-+]?[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9]+(?:[eE][-+]?[0-9]+)?)$`
fn float_pattern(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let st = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - st
    };
    let exponent = |i: &mut usize| -> bool {
        if *i < b.len() && (b[*i] == b'e' || b[*i] == b'E') {
            *i += 1;
            if *i < b.len() && (b[*i] == b'+' || b[*i] == b'-') {
                *i += 1;
            }
            let st = *i;
            while *i < b.len() && b[*i].is_ascii_digit() {
                *i += 1;
            }
            return *i > st;
        }
        true
    };
    if b.first() == Some(&b'.') {
        i = 1;
        if digits(&mut i) == 0 {
            return false;
        }
        return exponent(&mut i) && i == b.len();
    }
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    if digits(&mut i) == 0 {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        digits(&mut i);
    }
    exponent(&mut i) && i == b.len()
}

/// js-yaml timestamps, written the way `Date.prototype.toISOString` writes them.
fn resolve_timestamp(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> { s.get(r)?.parse().ok() };
    let is_digits = |r: std::ops::Range<usize>| s.get(r.clone()).is_some_and(|x| !x.is_empty() && x.bytes().all(|c| c.is_ascii_digit()));
    // YYYY-MM-DD exactly
    if b.len() == 10 && is_digits(0..4) && b[4] == b'-' && is_digits(5..7) && b[7] == b'-' && is_digits(8..10) {
        let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        return Some(iso(days_from_civil(y, m, d) * 86_400_000));
    }
    // YYYY-M(M)-D(D)[Tt ]H(H):MM:SS(.f*)?( *(Z|[+-]H(H)(:MM)?))?
    if !(b.len() >= 4 && is_digits(0..4) && b.get(4) == Some(&b'-')) {
        return None;
    }
    let mut i = 5;
    let take_digits = |i: &mut usize, min: usize, max: usize| -> Option<i64> {
        let st = *i;
        while *i < b.len() && b[*i].is_ascii_digit() && *i - st < max {
            *i += 1;
        }
        if *i - st < min {
            return None;
        }
        s[st..*i].parse().ok()
    };
    let month = take_digits(&mut i, 1, 2)?;
    if b.get(i) != Some(&b'-') {
        return None;
    }
    i += 1;
    let day = take_digits(&mut i, 1, 2)?;
    match b.get(i) {
        Some(b'T' | b't') => i += 1,
        Some(b' ' | b'\t') => {
            while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
                i += 1;
            }
        }
        _ => return None,
    }
    let hour = take_digits(&mut i, 1, 2)?;
    if b.get(i) != Some(&b':') {
        return None;
    }
    i += 1;
    let minute = take_digits(&mut i, 2, 2)?;
    if b.get(i) != Some(&b':') {
        return None;
    }
    i += 1;
    let second = take_digits(&mut i, 2, 2)?;
    let mut millis = 0i64;
    if b.get(i) == Some(&b'.') {
        i += 1;
        let st = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let mut f: String = s[st..i].chars().take(3).collect();
        while f.len() < 3 {
            f.push('0');
        }
        millis = f.parse().ok()?;
    }
    let mut delta = 0i64;
    let mut j = i;
    while j < b.len() && (b[j] == b' ' || b[j] == b'\t') {
        j += 1;
    }
    if j < b.len() {
        match b[j] {
            b'Z' => {
                j += 1;
            }
            b'+' | b'-' => {
                let neg = b[j] == b'-';
                j += 1;
                let th = take_digits(&mut j, 1, 2)?;
                let mut tm = 0;
                if b.get(j) == Some(&b':') {
                    j += 1;
                    tm = take_digits(&mut j, 2, 2)?;
                }
                delta = (th * 60 + tm) * 60_000;
                if neg {
                    delta = -delta;
                }
            }
            _ => return None,
        }
        if j != b.len() {
            return None;
        }
    } else if j != i {
        return None;
    }
    let year: i64 = num(0..4)?;
    // Date.UTC normalises out-of-range months/days, as days_from_civil does.
    let ms = days_from_civil(year, month, day) * 86_400_000 + ((hour * 60 + minute) * 60 + second) * 1000 + millis - delta;
    Some(iso(ms))
}

/// Days since 1970-01-01 of a proleptic Gregorian date; months outside 1..=12 roll over
/// like JavaScript's `Date.UTC`.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = y + (m - 1).div_euclid(12);
    let m = (m - 1).rem_euclid(12) + 1;
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn iso(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", y, m, d, rem / 3_600_000, rem / 60_000 % 60, rem / 1000 % 60, rem % 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(src: &str) -> serde_json::Value {
        load(src, FileId(0)).unwrap().to_json()
    }
    fn err(src: &str) -> Diagnostic {
        load(src, FileId(0)).unwrap_err()
    }

    /// A flow collection's lines may sit at or left of the block's indentation, as js-yaml
    /// reads them; columns stay those of the file; a block line so placed stays an error.
    #[test]
    fn flow_lines_left_of_the_block_indentation_read_as_js_yaml_reads_them() {
        let src = "a:\n  b:\n    c: [\n      \"x\", [\n      \"y\"\n    ]\n    ]\n    d: {\n  k: v,\n \"q\": 1\n}\n    e: [\n  !Ref R, { \"Ref\": \"S\" }\n    ]\n";
        let mut notes = Vec::new();
        let node = load_noting(src, FileId(0), &mut notes).unwrap();
        assert_eq!(node.to_json().to_string(), r#"{"a":{"b":{"c":["x",["y"]],"d":{"k":"v","q":1},"e":[{"Ref":"R"},{"Ref":"S"}]}}}"#);
        // One warning per collection read again, at the line YAML 1.2 refuses.
        let lines: Vec<Option<u32>> = notes.iter().map(|n| n.span.map(|s| s.line)).collect();
        assert_eq!(lines, [Some(6), Some(9), Some(13)]);
        assert!(notes.iter().all(|n| n.severity == crate::diagnostic::Severity::Warning && n.code == codes::YAML_SYNTAX));
        let b = node.get("a").and_then(|a| a.get("b")).unwrap();
        let q = b.get("d").and_then(|d| d.get("q")).unwrap();
        assert_eq!((q.span.line, q.span.col), (10, 7), "the column in the file, not in the indented copy");
        let inner = &b.get("c").unwrap().as_seq().unwrap()[1];
        assert_eq!((inner.span.line, inner.span.col, inner.span.end_line, inner.span.end_col), (4, 12, 6, 5));
        // Block lines: still errors, at the file's columns.
        let e = err("a:\n    b: 1\n  c: 2\n");
        assert_eq!(e.code, codes::YAML_SYNTAX);
        assert_eq!(e.span.map(|s| (s.line, s.col)), Some((3, 3)));
        let e = err("a:\n  b: [\n 1, 2\n  ]\n c: 3\n");
        assert_eq!(e.code, codes::YAML_SYNTAX, "{e:?}");
        assert_eq!(e.span.map(|s| s.line), Some(5));
    }

    /// A quoted scalar's continuation lines may sit at or left of the block's indentation, as
    /// js-yaml reads them (their leading white space is never part of the value); the warning
    /// is at the opening quote, columns stay the file's.
    #[test]
    fn quoted_lines_left_of_the_block_indentation_read_as_js_yaml_reads_them() {
        let src = "a:\n  b:\n    v: '{\n      \"x\": 1,\n    }'\n    d: \"p\n  q \\\n r\ns\"\n    e: ok\n";
        let mut notes = Vec::new();
        let node = load_noting(src, FileId(0), &mut notes).unwrap();
        assert_eq!(node.to_json().to_string(), r#"{"a":{"b":{"v":"{ \"x\": 1, }","d":"p q r s","e":"ok"}}}"#);
        let at: Vec<Option<(u32, u32)>> = notes.iter().map(|n| n.span.map(|s| (s.line, s.col))).collect();
        assert_eq!(at, [Some((3, 8)), Some((6, 8))]);
        let e = node.get("a").and_then(|a| a.get("b")).and_then(|b| b.get("e")).unwrap();
        assert_eq!((e.span.line, e.span.col), (10, 8), "the column in the file, not in the indented copy");
        // A block line so placed after the scalar stays an error.
        let e = err("a:\n  b: 'x\n y'\n c: 1\n");
        assert_eq!(e.code, codes::YAML_SYNTAX, "{e:?}");
        assert_eq!(e.span.map(|s| s.line), Some(4));
    }

    /// The node budget holds over all the readings of a file read again for its flow
    /// collections: an alias bomb of half the budget is not expanded again at each reading
    /// (it was, up to 64 times; a fuzz slow unit). Past the budget, the first reading's error
    /// stands, with the rereading budget's help.
    #[test]
    fn rereadings_share_the_node_budget() {
        let mut src = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for i in 1..=5 {
            let p = i - 1;
            src.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
        }
        let dedented = "b:\n  c: [\n 1 ]\n  d: [\n 2 ]\n";
        // One reading of the bomb fits the budget, and the collections alone read again fine.
        assert!(load(&format!("{src}b: 1\n"), FileId(0)).is_ok());
        assert!(load(dedented, FileId(0)).is_ok());
        let e = err(&format!("{src}{dedented}"));
        assert_eq!(e.code, codes::YAML_SYNTAX, "{e:?}");
        assert_eq!(e.span.map(|s| s.line), Some(9), "the first reading's error");
        assert!(e.help.as_deref().is_some_and(|h| h.contains("budget")), "{e:?}");
    }

    #[test]
    fn scalars_resolve_like_js_yaml() {
        let v = json(
            "on_: on\nyes_: yes\nY: Yes\noctal_legacy: 0777\nocto: 0o777\nhex: 0x1F\nunderscore: 1_000\nsexagesimal: 1:30\ndate: 2001-12-14\nnull_tilde: ~\nfloat_dot: .5\ninf: .inf\nnorway: NO\nts: 2001-12-14t21:59:43.10-05:00\nquoted: '12'\nexp: 1e3\n",
        );
        assert_eq!(
            v.to_string(),
            r#"{"on_":"on","yes_":"yes","Y":"Yes","octal_legacy":777,"octo":511,"hex":31,"underscore":"1_000","sexagesimal":"1:30","date":"2001-12-14T00:00:00.000Z","null_tilde":null,"float_dot":0.5,"inf":null,"norway":"NO","ts":"2001-12-15T02:59:43.100Z","quoted":"12","exp":1000}"#
        );
    }

    #[test]
    fn floats_resolve_like_js_yaml() {
        let cases: [(&str, Option<f64>); 15] = [
            ("1.5", Some(1.5)),
            ("1E5", Some(1e5)),
            ("-2e-3", Some(-2e-3)),
            ("+.5", None),
            ("-.iNf", None),
            ("7", Some(7.0)),
            (".inf", Some(f64::INFINITY)),
            ("-.Inf", Some(f64::NEG_INFINITY)),
            ("+.INF", Some(f64::INFINITY)),
            ("1e999", None),
            ("1_000", None),
            ("inf", None),
            ("e5", None),
            ("-", None),
            ("", None),
        ];
        for (text, want) in cases {
            assert_eq!(resolve_float(text), want, "{text}");
        }
        assert!(resolve_float(".NaN").is_some_and(f64::is_nan));
        assert_eq!(resolve_float(".nAn"), None, "YAML's three spellings of NaN only");
    }

    #[test]
    fn cloudformation_tags() {
        let v =
            json("a: !GetAtt Fn.Outputs.Nested.Attr\nb: !Ref X\nc: !Join [':', [a, !Ref Q]]\nd: !Sub\n  - x\n  - {}\ne: !GetAtt [A, B]\n");
        assert_eq!(
            v.to_string(),
            r#"{"a":{"Fn::GetAtt":["Fn","Outputs.Nested.Attr"]},"b":{"Ref":"X"},"c":{"Fn::Join":[":",["a",{"Ref":"Q"}]]},"d":{"Fn::Sub":["x",{}]},"e":{"Fn::GetAtt":["A","B"]}}"#
        );
    }

    #[test]
    fn merge_keys_and_overrides() {
        let v = json("defaults: &d {memorySize: 1024, timeout: 10}\nfn:\n  <<: *d\n  memorySize: 2048\n");
        assert_eq!(v["fn"].to_string(), r#"{"memorySize":2048,"timeout":10}"#);
    }

    #[test]
    fn duplicate_key_is_an_error_at_its_line() {
        let d = err("a: 1\nb: 2\na: 3\n");
        assert_eq!(d.code, codes::DUPLICATE_KEY);
        assert_eq!(d.span.unwrap().line, 3);
    }

    #[test]
    fn unknown_tag_suggests() {
        let d = err("a: !GetAttr X.Y\n");
        assert_eq!(d.code, codes::UNKNOWN_TAG);
        assert_eq!(d.help.as_deref(), Some("did you mean `!GetAtt`?"));
    }

    #[test]
    fn alias_bomb_is_bounded() {
        let mut src = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            src.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
        }
        assert_eq!(err(&src).code, codes::BUDGET);
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let src = "- ".repeat(20_000) + "x\n";
        assert_eq!(err(&src).code, codes::BUDGET);
        let src = "[".repeat(100_000);
        assert!(load(&src, FileId(0)).is_err());
    }

    #[test]
    fn empty_and_multi_document() {
        assert_eq!(err("").code, codes::EMPTY_DOCUMENT);
        assert_eq!(err("# only a comment\n").code, codes::EMPTY_DOCUMENT);
        assert_eq!(err("a: 1\n---\nb: 2\n").code, codes::MULTI_DOCUMENT);
    }

    #[test]
    fn spans_are_one_based() {
        let n = load("provider:\n  name: aws\n", FileId(0)).unwrap();
        let name = n.pointer(["provider", "name"]).unwrap();
        assert_eq!((name.span.line, name.span.col), (2, 9));
    }

    #[test]
    fn json_mode_keeps_last_duplicate() {
        let n = load_json(r#"{"a": 1, "a": 2, "d": "2001-12-14"}"#, FileId(0)).unwrap();
        assert_eq!(n.to_json().to_string(), r#"{"a":2,"d":"2001-12-14"}"#);
    }
}
