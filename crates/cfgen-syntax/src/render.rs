//! Rendering diagnostics for people (rustc style, with a snippet) and for tools (JSON lines).

use crate::{Diagnostic, SourceMap, Span};
use std::fmt::Write;

/// `severity[CODE]: message`, the location, the line with the span underlined, help.
pub fn human(d: &Diagnostic, sources: &SourceMap) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}[{}]: {}", d.severity.as_str(), d.code.id, d.message);
    let width =
        std::iter::once(d.span).flatten().chain(d.related.iter().map(|(s, _)| *s)).map(|s| s.line.to_string().len()).max().unwrap_or(1);
    if let Some(span) = d.span {
        snippet(&mut out, span, d.label.as_deref(), sources, width);
    }
    for (span, note) in &d.related {
        snippet(&mut out, *span, Some(note), sources, width);
    }
    if let Some(h) = &d.help {
        let _ = writeln!(out, "{} = help: {h}", " ".repeat(width));
    }
    out
}

fn snippet(out: &mut String, span: Span, label: Option<&str>, sources: &SourceMap, width: usize) {
    let name = sources.name(span.file);
    let pad = " ".repeat(width);
    let _ = writeln!(out, "{pad}--> {}:{}:{}", name, span.line, span.col);
    let Some(line) = sources.line(span.file, span.line) else { return };
    let num = format!("{:>width$}", span.line);
    let chars: Vec<char> = line.chars().map(|c| if c == '\t' { ' ' } else { c }).collect();
    let mut start = span.col.saturating_sub(1) as usize;
    let line_len = chars.len();
    let mut end = if span.end_line == span.line && span.end_col > span.col { (span.end_col - 1) as usize } else { line_len.max(start + 1) };
    // Long lines (minified JSON, generated files) are shown as a window around the span.
    const WINDOW: usize = 160;
    let shown: String = if line_len > WINDOW + 40 {
        let from = start.saturating_sub(60).min(line_len.saturating_sub(WINDOW));
        let to = (from + WINDOW).min(line_len);
        let prefix = if from > 0 { "..." } else { "" };
        let suffix = if to < line_len { "..." } else { "" };
        start = start - from + prefix.len();
        end = end.min(to).saturating_sub(from) + prefix.len();
        format!("{prefix}{}{suffix}", chars[from..to].iter().collect::<String>())
    } else {
        chars.iter().collect()
    };
    let _ = writeln!(out, "{pad} |");
    let _ = writeln!(out, "{num} | {shown}");
    let width = end.saturating_sub(start).max(1);
    let marks = "^".repeat(width);
    match label {
        Some(l) => {
            let _ = writeln!(out, "{pad} | {}{marks} {l}", " ".repeat(start));
        }
        None => {
            let _ = writeln!(out, "{pad} | {}{marks}", " ".repeat(start));
        }
    }
}

/// One JSON object per diagnostic, for tools.
pub fn json(d: &Diagnostic, sources: &SourceMap) -> String {
    let mut o = serde_json::Map::new();
    o.insert("code".into(), d.code.id.into());
    o.insert("name".into(), d.code.name.into());
    o.insert("severity".into(), d.severity.as_str().into());
    o.insert("message".into(), d.message.clone().into());
    if let Some(s) = d.span {
        o.insert("file".into(), sources.name(s.file).into());
        o.insert("line".into(), s.line.into());
        o.insert("column".into(), s.col.into());
        o.insert("endLine".into(), s.end_line.into());
        o.insert("endColumn".into(), s.end_col.into());
    }
    if let Some(l) = &d.label {
        o.insert("label".into(), l.clone().into());
    }
    if let Some(h) = &d.help {
        o.insert("help".into(), h.clone().into());
    }
    if !d.related.is_empty() {
        let rel: Vec<serde_json::Value> = d
            .related
            .iter()
            .map(|(s, n)| serde_json::json!({"file": sources.name(s.file), "line": s.line, "column": s.col, "note": n}))
            .collect();
        o.insert("related".into(), rel.into());
    }
    serde_json::Value::Object(o).to_string()
}
