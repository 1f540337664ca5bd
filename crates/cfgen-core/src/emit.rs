//! Writing templates: JSON exactly as Serverless writes it (`JSON.stringify(t, null, 2)`:
//! JavaScript key order, JavaScript number formatting, raw non-ASCII) and YAML with
//! CloudFormation short-form tags.

use serde_json::Value;

/// JSON as `JSON.stringify(value, null, 2)` writes it, plus a final newline.
pub fn to_json(v: &Value) -> String {
    let mut out = String::with_capacity(4096);
    write_json(v, 0, &mut out);
    out.push('\n');
    out
}

/// The length in bytes of [`to_json`]'s text, without making it.
pub fn json_len(v: &Value) -> usize {
    let mut n = Count(0);
    write_json(v, 0, &mut n);
    n.0 + 1
}

/// Where JSON text goes: a string, or a count of its bytes.
trait Sink {
    fn put(&mut self, s: &str);
}

impl Sink for String {
    fn put(&mut self, s: &str) {
        self.push_str(s);
    }
}

struct Count(usize);

impl Sink for Count {
    fn put(&mut self, s: &str) {
        self.0 += s.len();
    }
}

fn indent(n: usize, out: &mut impl Sink) {
    const SPACES: &str = "                                                                ";
    let mut left = 2 * n;
    while left > 0 {
        let k = left.min(SPACES.len());
        out.put(&SPACES[..k]);
        left -= k;
    }
}

fn write_json(v: &Value, depth: usize, out: &mut impl Sink) {
    match v {
        Value::Null => out.put("null"),
        Value::Bool(b) => out.put(if *b { "true" } else { "false" }),
        Value::Number(n) => out.put(&js_number(n)),
        Value::String(s) => write_str(s, out),
        Value::Array(a) => {
            if a.is_empty() {
                out.put("[]");
                return;
            }
            out.put("[\n");
            for (i, x) in a.iter().enumerate() {
                indent(depth + 1, out);
                write_json(x, depth + 1, out);
                out.put(if i + 1 < a.len() { ",\n" } else { "\n" });
            }
            indent(depth, out);
            out.put("]");
        }
        Value::Object(m) => {
            if m.is_empty() {
                out.put("{}");
                return;
            }
            out.put("{\n");
            let n = m.len();
            if m.keys().any(|k| cfgen_syntax::node::array_index(k).is_some()) {
                // `JSON.stringify` writes array-index keys first.
                for (i, k) in cfgen_syntax::js_key_order(m.keys().map(String::as_str)).into_iter().enumerate() {
                    write_entry(i + 1 < n, k, &m[k], depth, out);
                }
            } else {
                for (i, (k, x)) in m.iter().enumerate() {
                    write_entry(i + 1 < n, k, x, depth, out);
                }
            }
            indent(depth, out);
            out.put("}");
        }
    }
}

fn write_entry(more: bool, k: &str, x: &Value, depth: usize, out: &mut impl Sink) {
    indent(depth + 1, out);
    write_str(k, out);
    out.put(": ");
    write_json(x, depth + 1, out);
    out.put(if more { ",\n" } else { "\n" });
}

/// The bytes `JSON.stringify` escapes in a string: control characters, `"` and `\`.
static ESCAPED: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// `s` as a JSON string: runs of characters that need no escape go out in one piece.
fn write_str(s: &str, out: &mut impl Sink) {
    out.put("\"");
    let bytes = s.as_bytes();
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !ESCAPED[usize::from(b)] {
            continue;
        }
        let esc = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            _ => "",
        };
        out.put(&s[run..i]);
        if esc.is_empty() {
            out.put(&format!("\\u{:04x}", b));
        } else {
            out.put(esc);
        }
        run = i + 1;
    }
    out.put(&s[run..]);
    out.put("\"");
}

/// `JSON.stringify(value)` (compact), as the version hash needs it.
pub fn to_json_compact(v: &Value) -> String {
    let mut out = String::new();
    write_compact(v, None, &mut out);
    out
}

/// [`to_json_compact`] of `v` with the keys of every object sorted by `localeCompare` first, as
/// Serverless prints a deep-sorted copy for the version hash (without making the copy).
pub fn to_json_compact_sorted(v: &Value) -> String {
    let mut out = String::new();
    write_compact(v, Some(crate::collate::locale_compare), &mut out);
    out
}

/// [`to_json_compact_sorted`] of the object whose entries are `entries` (in any order), so that
/// a caller can leave keys out or add one without copying the object.
pub fn object_compact_sorted<'a>(entries: impl IntoIterator<Item = (&'a str, &'a Value)>) -> String {
    let mut out = String::new();
    write_object_compact(entries.into_iter().collect(), Some(crate::collate::locale_compare), &mut out);
    out
}

type Compare = fn(&str, &str) -> std::cmp::Ordering;

fn write_compact(v: &Value, sort: Option<Compare>, out: &mut String) {
    match v {
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_compact(x, sort, out);
            }
            out.push(']');
        }
        Value::Object(m) => write_object_compact(m.iter().map(|(k, x)| (k.as_str(), x)).collect(), sort, out),
        other => write_json(other, 0, out),
    }
}

/// An object's entries, compact: sorted by `sort` when given, then in JavaScript's
/// own-property order (array-index keys first, ascending; the rest as they come).
fn write_object_compact(mut entries: Vec<(&str, &Value)>, sort: Option<Compare>, out: &mut String) {
    if let Some(cmp) = sort {
        entries.sort_by(|a, b| cmp(a.0, b.0));
    }
    out.push('{');
    for (i, (k, x)) in cfgen_syntax::node::js_order(entries, |e| e.0).into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_str(k, out);
        out.push(':');
        write_compact(x, sort, out);
    }
    out.push('}');
}

/// `Number.prototype.toString()` of a JSON number (a JavaScript number: a double).
pub fn js_number(n: &serde_json::Number) -> String {
    match n.as_i64() {
        // Exact as a double, and printed in full by JavaScript.
        Some(i) if i.unsigned_abs() <= 1 << 53 => i.to_string(),
        _ => cfgen_syntax::node::js_number_string(n.as_f64().unwrap_or(0.0)),
    }
}

/// YAML with CloudFormation short-form tags (`!Ref`, `!GetAtt A.B`, `!Sub`, ...).
pub fn to_yaml(v: &Value) -> String {
    let mut out = String::with_capacity(4096);
    match v {
        Value::Object(m) if !m.is_empty() => write_map_body(m, 0, &mut out),
        other => {
            write_inline_or_block(other, 0, &mut out);
            out.push('\n');
        }
    }
    out
}

/// `Some((tag, inner))` when `v` is an intrinsic function that has a short form.
fn short_form(v: &Value) -> Option<(String, Value)> {
    let m = v.as_object()?;
    if m.len() != 1 {
        return None;
    }
    let (k, inner) = m.iter().next()?;
    if k == "Ref" || k == "Condition" {
        return Some((format!("!{k}"), inner.clone()));
    }
    let name = k.strip_prefix("Fn::")?;
    const TAGS: [&str; 17] = cfgen_syntax::yaml::CFN_TAGS;
    if !TAGS.contains(&name) {
        return None;
    }
    if name == "GetAtt" {
        if let Some(a) = inner.as_array() {
            if a.len() == 2 && a.iter().all(Value::is_string) && !a[0].as_str().unwrap_or("").contains('.') {
                return Some(("!GetAtt".into(), Value::String(format!("{}.{}", a[0].as_str()?, a[1].as_str()?))));
            }
        }
    }
    Some((format!("!{name}"), inner.clone()))
}

fn is_block(v: &Value) -> bool {
    matches!(v, Value::Object(m) if !m.is_empty()) || matches!(v, Value::Array(a) if !a.is_empty())
}

fn write_map_body(m: &serde_json::Map<String, Value>, depth: usize, out: &mut String) {
    for k in cfgen_syntax::js_key_order(m.keys().map(String::as_str)) {
        indent(depth, out);
        write_yaml_key(k, out);
        out.push(':');
        write_value_after_key(&m[k], depth, out);
    }
}

/// ` !Tag value` (or the tag and a block below it) when `v` has a short form; false otherwise.
fn write_short_form(v: &Value, depth: usize, out: &mut String) -> bool {
    let Some((tag, inner)) = short_form(v) else { return false };
    out.push(' ');
    out.push_str(&tag);
    if is_block(&inner) {
        out.push('\n');
        write_block(&inner, depth + 1, out);
    } else {
        out.push(' ');
        write_scalar(&inner, out);
        out.push('\n');
    }
    true
}

fn write_value_after_key(v: &Value, depth: usize, out: &mut String) {
    if write_short_form(v, depth, out) {
        return;
    }
    if is_block(v) {
        out.push('\n');
        write_block(v, depth + 1, out);
    } else {
        out.push(' ');
        write_scalar(v, out);
        out.push('\n');
    }
}

fn write_block(v: &Value, depth: usize, out: &mut String) {
    match v {
        Value::Object(m) => write_map_body(m, depth, out),
        Value::Array(a) => {
            for x in a {
                indent(depth, out);
                out.push('-');
                if write_short_form(x, depth, out) {
                    continue;
                }
                if is_block(x) {
                    // `- key: value` with the rest of the item indented under it.
                    let mut item = String::new();
                    write_block(x, depth + 1, &mut item);
                    out.push(' ');
                    out.push_str(&item[2 * (depth + 1)..]);
                } else {
                    out.push(' ');
                    write_scalar(x, out);
                    out.push('\n');
                }
            }
        }
        other => {
            indent(depth, out);
            write_scalar(other, out);
            out.push('\n');
        }
    }
}

fn write_inline_or_block(v: &Value, depth: usize, out: &mut String) {
    if is_block(v) {
        write_block(v, depth, out);
    } else {
        write_scalar(v, out);
    }
}

fn write_scalar(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&js_number(n)),
        Value::String(s) => write_yaml_string(s, out),
        Value::Array(_) => out.push_str("[]"),
        Value::Object(_) => out.push_str("{}"),
    }
}

fn write_yaml_key(k: &str, out: &mut String) {
    write_yaml_string(k, out);
}

/// Plain when the text reads back as the same string under YAML 1.1 and 1.2; otherwise
/// double-quoted (JSON escaping is valid YAML).
fn write_yaml_string(s: &str, out: &mut String) {
    if plain_safe(s) {
        out.push_str(s);
    } else {
        write_str(s, out);
    }
}

fn plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else { return false };
    if !(first.is_ascii_alphabetic() || first == '_' || first == '/' || first == '$') {
        return false;
    }
    if !s.chars().all(|c| c.is_ascii_alphanumeric() || "_-./$@*+=,():".contains(c)) {
        return false;
    }
    if s.ends_with(':') || s.contains(": ") {
        return false;
    }
    let lower = s.to_ascii_lowercase();
    !matches!(lower.as_str(), "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n" | "~")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Strings come out as `JSON.stringify` writes them (serde_json escapes the same bytes),
    /// whatever their length and wherever the escapes fall.
    #[test]
    fn strings_are_escaped_at_any_place() {
        let pieces = ["", "a", "\"", "\\", "\n", "\u{1}", "\u{1f}", "é", "\u{2028}", "😀", "abcdefgh", "\t\r\u{8}\u{c}", " ", "~\u{7f}"];
        for a in pieces {
            for b in pieces {
                for pad in 0..10 {
                    let s = format!("{}{a}{}{b}{}", "x".repeat(pad), "y".repeat(pad % 3), "z".repeat(9 - pad));
                    let mut out = String::new();
                    write_str(&s, &mut out);
                    assert_eq!(out, serde_json::to_string(&s).expect("serializes"), "{s:?}");
                }
            }
        }
    }

    /// Serverless' `deepSortObjectByKey` (a sorted copy), printed: what the sorted writer must equal.
    fn deep_sorted_copy(v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort_by(|a, b| crate::collate::locale_compare(a, b));
                Value::Object(keys.into_iter().map(|k| (k.clone(), deep_sorted_copy(&m[k]))).collect())
            }
            Value::Array(a) => Value::Array(a.iter().map(deep_sorted_copy).collect()),
            other => other.clone(),
        }
    }

    #[test]
    fn sorted_compact_json_is_the_sorted_copy_printed() {
        let v = json!({"b": 1, "B": [{"z": null, "a": "x", "10": 1, "2": 2}], "a": {"_x": 1, "Ä": 2, "a": 3, "1": true}, "layerConfigurations": []});
        let want = to_json_compact(&deep_sorted_copy(&v));
        assert_eq!(to_json_compact_sorted(&v), want);
        assert_eq!(want, r#"{"a":{"1":true,"_x":1,"a":3,"Ä":2},"b":1,"B":[{"2":2,"10":1,"a":"x","z":null}],"layerConfigurations":[]}"#);
        // From entries: the same text as the edited copy printed.
        let extra = json!({"k": 2, "3": 1});
        let entries = v.as_object().unwrap().iter().filter(|(k, _)| k.as_str() != "b").map(|(k, x)| (k.as_str(), x));
        let mut edited = v.as_object().unwrap().clone();
        edited.shift_remove("b");
        edited.insert("7".into(), extra.clone());
        assert_eq!(object_compact_sorted(entries.chain([("7", &extra)])), to_json_compact(&deep_sorted_copy(&Value::Object(edited))));
    }

    #[test]
    fn json_matches_javascript() {
        let v = json!({"b": 1, "10": [], "a": {}, "2": 0.5, "s": "é\"\n"});
        assert_eq!(to_json(&v), "{\n  \"2\": 0.5,\n  \"10\": [],\n  \"b\": 1,\n  \"a\": {},\n  \"s\": \"é\\\"\\n\"\n}\n");
    }

    #[test]
    fn strings_escaped_like_javascript() {
        let s: String = (0u8..0x80).map(char::from).chain("é\u{2028}😀".chars()).collect();
        // node: JSON.stringify(that string)
        let js = "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f !\\\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\u{7f}é\u{2028}😀\"";
        assert_eq!(to_json_compact(&json!(s)), js);
    }

    #[test]
    fn numbers_like_javascript() {
        assert_eq!(js_number(&serde_json::Number::from(-42)), "-42");
        assert_eq!(js_number(&serde_json::Number::from(9007199254740993u64)), "9007199254740992");
        assert_eq!(js_number(&serde_json::Number::from(12345678901234567890u64)), "12345678901234567000");
        assert_eq!(js_number(&serde_json::Number::from_f64(1e-7).unwrap()), "1e-7");
    }

    #[test]
    fn yaml_uses_short_tags() {
        let v = json!({"A": {"Fn::GetAtt": ["Q", "Arn"]}, "B": {"Fn::Join": ["", ["a", {"Ref": "X"}]]}, "C": "yes"});
        assert_eq!(to_yaml(&v), "A: !GetAtt Q.Arn\nB: !Join\n  - \"\"\n  - - a\n    - !Ref X\nC: \"yes\"\n");
    }
}
