//! The span-carrying value tree that serverless.yml is loaded into.

use crate::span::Span;
use indexmap::IndexMap;

/// The size of a tree for the copy budgets ([`Node::weight`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Weight {
    pub nodes: usize,
    pub text: usize,
}

impl std::ops::Add for Weight {
    type Output = Weight;
    fn add(self, o: Weight) -> Weight {
        Weight { nodes: self.nodes + o.nodes, text: self.text + o.text }
    }
}

/// A value with the place it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub span: Span,
    pub value: Value,
}

/// A YAML/JSON value as JavaScript would hold it: numbers are doubles.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Seq(Vec<Node>),
    Map(Map),
}

/// An insertion-ordered mapping that remembers the span of each key.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Map {
    entries: IndexMap<String, (Span, Node)>,
}

impl Map {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries.get(key).map(|(_, n)| n)
    }
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        self.entries.get_mut(key).map(|(_, n)| n)
    }
    pub fn key_span(&self, key: &str) -> Option<Span> {
        self.entries.get(key).map(|(s, _)| *s)
    }
    pub fn contains_key(&self, key: &str) -> bool {
        self.entries.contains_key(key)
    }
    /// Insert or replace; a replaced entry keeps its position (like a JavaScript object).
    pub fn insert(&mut self, key: String, key_span: Span, node: Node) {
        self.entries.insert(key, (key_span, node));
    }
    /// Remove, keeping the order of the rest.
    pub fn remove(&mut self, key: &str) -> Option<Node> {
        self.entries.shift_remove(key).map(|(_, n)| n)
    }
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Node)> {
        self.entries.iter().map(|(k, (_, n))| (k, n))
    }
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (&String, &mut Node)> {
        self.entries.iter_mut().map(|(k, (_, n))| (k, n))
    }
    pub fn iter_spanned(&self) -> impl Iterator<Item = (&String, Span, &Node)> {
        self.entries.iter().map(|(k, (s, n))| (k, *s, n))
    }
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.entries.keys()
    }
}

impl Node {
    pub fn new(span: Span, value: Value) -> Self {
        Node { span, value }
    }
    pub fn null(span: Span) -> Self {
        Node { span, value: Value::Null }
    }
    pub fn string(span: Span, s: impl Into<String>) -> Self {
        Node { span, value: Value::String(s.into()) }
    }
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_map(&self) -> Option<&Map> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }
    pub fn as_map_mut(&mut self) -> Option<&mut Map> {
        match &mut self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }
    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }
    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }
    /// Look up a key of a mapping node.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.as_map().and_then(|m| m.get(key))
    }
    /// Follow a dotted path of mapping keys and sequence indexes.
    pub fn pointer<'a>(&self, path: impl IntoIterator<Item = &'a str>) -> Option<&Node> {
        let mut cur = self;
        for seg in path {
            cur = match &cur.value {
                Value::Map(m) => m.get(seg)?,
                Value::Seq(s) => s.get(seg.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(cur)
    }
    /// A JavaScript `typeof`-like name, for messages.
    pub fn type_name(&self) -> &'static str {
        self.value.type_name()
    }
    /// What a copy of this tree costs (the budgets on aliases and variables): its nodes and the
    /// bytes of its text (strings and keys). A budget on nodes alone let a 4 MB string behind
    /// an anchor be copied 2,000 times.
    pub fn weight(&self) -> Weight {
        match &self.value {
            Value::String(s) => Weight { nodes: 1, text: s.len() },
            Value::Seq(s) => s.iter().fold(Weight { nodes: 1, text: 0 }, |w, n| w + n.weight()),
            Value::Map(m) => m.iter().fold(Weight { nodes: 1, text: 0 }, |w, (k, n)| w + Weight { nodes: 0, text: k.len() } + n.weight()),
            _ => Weight { nodes: 1, text: 0 },
        }
    }
    /// The JSON value (objects in JavaScript key order, numbers as JavaScript prints them).
    pub fn to_json(&self) -> serde_json::Value {
        match &self.value {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => number_to_json(*n),
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::Seq(s) => serde_json::Value::Array(s.iter().map(Node::to_json).collect()),
            Value::Map(m) => {
                let mut out = serde_json::Map::with_capacity(m.len());
                if m.keys().any(|k| array_index(k).is_some()) {
                    for k in js_key_order(m.keys().map(String::as_str)) {
                        if let Some(n) = m.get(k) {
                            out.insert(k.to_string(), n.to_json());
                        }
                    }
                } else {
                    // No integer-like key: JavaScript's order is the insertion order.
                    for (k, n) in m.iter() {
                        out.insert(k.clone(), n.to_json());
                    }
                }
                serde_json::Value::Object(out)
            }
        }
    }
    /// A node from JSON; every node gets `span`.
    pub fn from_json(v: &serde_json::Value, span: Span) -> Node {
        let value = match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap_or(0.0)),
            serde_json::Value::String(s) => Value::String(s.clone()),
            serde_json::Value::Array(a) => Value::Seq(a.iter().map(|x| Node::from_json(x, span)).collect()),
            serde_json::Value::Object(o) => {
                let mut m = Map::new();
                for (k, x) in o {
                    m.insert(k.clone(), span, Node::from_json(x, span));
                }
                Value::Map(m)
            }
        };
        Node { span, value }
    }
}

impl Value {
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Seq(_) => "array",
            Value::Map(_) => "object",
        }
    }
}

/// A JavaScript number as JSON: integral values within the safe range become integers,
/// NaN and infinities become `null` (as `JSON.stringify` writes them).
pub fn number_to_json(n: f64) -> serde_json::Value {
    if !n.is_finite() {
        serde_json::Value::Null
    } else if n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 {
        serde_json::Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n).map_or(serde_json::Value::Null, serde_json::Value::Number)
    }
}

/// JavaScript's `String(n)` (ECMAScript `Number::toString`): the shortest digits that read back
/// as `n`, with an exponent below 1e-6 and from 1e21 up. Serverless is JavaScript: this is how
/// it turns a number into text, in a mapping key, a variable inside a string, a value its schema
/// reads as a string, and a number in the template it writes. Every such conversion in cfgen
/// goes through here.
pub fn js_number_string(n: f64) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    if n == 0.0 {
        return "0".into();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    let mut s = String::new();
    if n < 0.0 {
        s.push('-');
    }
    // Rust's `{:e}` gives the shortest round-trip digits and the exponent.
    let sci = format!("{:e}", n.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let k = digits.len() as i64;
    // n = 0.d1d2... x 10^point
    let point = exp.parse::<i64>().unwrap_or(0) + 1;
    if k <= point && point <= 21 {
        s.push_str(&digits);
        s.push_str(&"0".repeat((point - k) as usize));
    } else if 0 < point && point <= 21 {
        s.push_str(&digits[..point as usize]);
        s.push('.');
        s.push_str(&digits[point as usize..]);
    } else if -6 < point && point <= 0 {
        s.push_str("0.");
        s.push_str(&"0".repeat((-point) as usize));
        s.push_str(&digits);
    } else {
        s.push_str(&digits[..1]);
        if k > 1 {
            s.push('.');
            s.push_str(&digits[1..]);
        }
        let e = point - 1;
        s.push('e');
        s.push(if e >= 0 { '+' } else { '-' });
        s.push_str(&e.abs().to_string());
    }
    s
}

/// JavaScript's own-property order: array-index keys ("0", "1", ... below 2^32-1) first in
/// ascending numeric order, then every other key in insertion order.
pub fn js_key_order<'a>(keys: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    js_order(keys.collect(), |k| k)
}

/// `items` in the [`js_key_order`] of their keys (`key` reads an item's key).
pub fn js_order<T>(mut items: Vec<T>, key: impl Fn(&T) -> &str) -> Vec<T> {
    if items.iter().any(|x| array_index(key(x)).is_some()) {
        // Stable: index keys by their number, every other key after them as it came.
        items.sort_by_key(|x| array_index(key(x)).map_or(u64::MAX, u64::from));
    }
    items
}

/// `Some(n)` when `k` is a canonical array index (no sign, no leading zero, below 2^32-1).
pub fn array_index(k: &str) -> Option<u32> {
    if k.is_empty() || k.len() > 10 || !k.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if k.len() > 1 && k.starts_with('0') {
        return None;
    }
    let n: u64 = k.parse().ok()?;
    (n < 4_294_967_295).then_some(n as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each string is what node prints for `String(n)`.
    #[test]
    fn numbers_convert_like_javascript() {
        let cases = [
            (1.0, "1"),
            (1.5, "1.5"),
            (-2.5, "-2.5"),
            (-0.0, "0"),
            (123456.0, "123456"),
            (123456789012.0, "123456789012"),
            (12345678901234567890.0, "12345678901234567000"),
            (9223372036854775808.0, "9223372036854776000"),
            (1e20, "100000000000000000000"),
            (1e21, "1e+21"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (0.000001, "0.000001"),
            (1e-7, "1e-7"),
            (1.5e-7, "1.5e-7"),
            (5e-324, "5e-324"),
            (0.1 + 0.2, "0.30000000000000004"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
        ];
        for (n, s) in cases {
            assert_eq!(js_number_string(n), s, "{n:e}");
        }
    }

    #[test]
    fn js_order_puts_indexes_first() {
        let keys = ["b", "10", "a", "2", "01"];
        assert_eq!(js_key_order(keys.into_iter()), vec!["2", "10", "b", "a", "01"]);
    }

    /// `to_json` keeps insertion order, and puts integer-like keys first when there are any.
    #[test]
    fn to_json_orders_keys_like_javascript() {
        let span = Span::default();
        let map = |keys: &[&str]| {
            let mut m = Map::new();
            for k in keys {
                m.insert((*k).to_string(), span, Node { span, value: Value::Null });
            }
            Node { span, value: Value::Map(m) }
        };
        let keys = |n: &Node| n.to_json().as_object().map(|o| o.keys().cloned().collect::<Vec<_>>()).unwrap_or_default();
        assert_eq!(keys(&map(&["b", "a", "c"])), ["b", "a", "c"]);
        assert_eq!(keys(&map(&["b", "10", "a", "2", "01"])), ["2", "10", "b", "a", "01"]);
    }

    #[test]
    fn numbers_print_like_javascript() {
        assert_eq!(number_to_json(1.0).to_string(), "1");
        assert_eq!(number_to_json(0.5).to_string(), "0.5");
        assert_eq!(number_to_json(f64::INFINITY), serde_json::Value::Null);
    }
}
