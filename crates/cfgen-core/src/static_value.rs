//! JSON values in static tables: the schemas the validator and the CloudFormation check walk,
//! compiled into the binary as Rust data (`validation_schema.rs`, `check/cfn_schemas.rs`, both
//! written by a [`TableBuilder`] and checked in). Nothing is parsed, allocated or indexed at
//! run time: a build reads the parts of a schema it reaches in place. (Parsing them from JSON
//! text on first use was about a tenth of a small service's build.)
//!
//! The tables hold numbers, not pointers: a node is a kind and two `u32`s, an object's entries
//! and an array's items are runs of a table, every string is a range of one text. Pointers in
//! static data would each take a relocation when the process starts (a `cfgen --version` paid
//! 0.2 ms for the 22,000 a pointer layout needed) and make those pages private copies.
//!
//! [`SValue`] reads like a `serde_json::Value` (`get`, `as_str`, `as_object`, ...; [`Kind`] to
//! match on); an object keeps its keys in their JSON order.

use serde_json::{Map, Number, Value};
use std::collections::HashMap;

/// One node: what it is (`K_*`) and two numbers whose meaning depends on it.
#[derive(Debug, Clone, Copy)]
pub struct Node {
    kind: u8,
    a: u32,
    b: u32,
}

/// One entry of an object: its key (a range of the text) and its value (a node).
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    key: u32,
    key_len: u32,
    node: u32,
}

/// `Node` for the generated tables.
pub const fn n(kind: u8, a: u32, b: u32) -> Node {
    Node { kind, a, b }
}

/// `Entry` for the generated tables.
pub const fn e(key: u32, key_len: u32, node: u32) -> Entry {
    Entry { key, key_len, node }
}

const K_NULL: u8 = 0;
const K_BOOL: u8 = 1; // a: 0 or 1
const K_POS_INT: u8 = 2; // a: low 32 bits, b: high 32 bits
const K_NEG_INT: u8 = 3; // the i64's bits, as for K_POS_INT
const K_FLOAT: u8 = 4; // the f64's bits, as for K_POS_INT
const K_STRING: u8 = 5; // a: offset in the text, b: length
const K_ARRAY: u8 = 6; // a: first item's node, b: count (items are consecutive nodes)
const K_OBJECT: u8 = 7; // a: first entry, b: count (entries are consecutive)

/// `true`, the schema that takes anything (for walkers that need one where a table has none).
pub static TRUE: SValue = SValue { t: &BUILTIN, i: 0 };

static BUILTIN: Tables = Tables { nodes: &[n(K_BOOL, 1, 0)], entries: &[], text: "" };

/// One set of tables (a generated file).
#[derive(Debug)]
pub struct Tables {
    pub nodes: &'static [Node],
    pub entries: &'static [Entry],
    pub text: &'static str,
}

impl Tables {
    /// Node `i` of these tables.
    pub fn value(&'static self, i: u32) -> SValue {
        SValue { t: self, i }
    }

    /// The entries `start..start + len` as an object (a generated file's table of definitions).
    pub fn object(&'static self, start: u32, len: u32) -> SMap {
        SMap { t: self, start, len }
    }

    fn str(&self, at: u32, len: u32) -> &'static str {
        let text: &'static str = self.text;
        text.get(at as usize..at as usize + len as usize).unwrap_or_default()
    }
}

/// A JSON value in a static table: a handle (which tables, which node), copied freely; two
/// handles are the same node when they are equal (the generator never shares a node).
#[derive(Clone, Copy)]
pub struct SValue {
    t: &'static Tables,
    i: u32,
}

/// What a [`SValue`] is, to match on (as on a `serde_json::Value`).
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Null,
    Bool(bool),
    Number(SNumber),
    String(&'static str),
    Array(SArray),
    Object(SMap),
}

/// A JSON number as serde_json keeps it (so that equality with a `Value` is serde_json's).
#[derive(Debug, Clone, Copy)]
pub enum SNumber {
    PosInt(u64),
    NegInt(i64),
    Float(f64),
}

/// A JSON array: a run of nodes.
#[derive(Clone, Copy)]
pub struct SArray {
    t: &'static Tables,
    start: u32,
    len: u32,
}

/// A JSON object: a run of entries, in their JSON order. Lookups scan it: schema objects are
/// small (the largest, `Provider`'s properties, has about 130 keys), and the walkers keep what
/// they learn of a node (the tables of definitions, sorted, are searched by halves instead).
#[derive(Clone, Copy)]
pub struct SMap {
    t: &'static Tables,
    start: u32,
    len: u32,
}

impl PartialEq for SValue {
    fn eq(&self, other: &SValue) -> bool {
        std::ptr::eq(self.t, other.t) && self.i == other.i
    }
}

impl Eq for SValue {}

impl std::hash::Hash for SValue {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        h.write_usize(std::ptr::from_ref(self.t) as usize);
        h.write_usize(self.i as usize);
    }
}

impl std::fmt::Debug for SValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.to_value())
    }
}

impl std::fmt::Debug for SArray {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl std::fmt::Debug for SMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl SArray {
    pub fn len(&self) -> usize {
        self.len as usize
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    pub fn iter(&self) -> impl Iterator<Item = SValue> + Clone {
        let t = self.t;
        (self.start..self.start.saturating_add(self.len)).map(move |i| SValue { t, i })
    }
}

impl SMap {
    fn entries(&self) -> &'static [Entry] {
        let t: &'static Tables = self.t;
        t.entries.get(self.start as usize..self.start as usize + self.len as usize).unwrap_or_default()
    }
    fn key_bytes(&self, e: &Entry) -> &'static [u8] {
        let text: &'static str = self.t.text;
        text.as_bytes().get(e.key as usize..e.key as usize + e.key_len as usize).unwrap_or_default()
    }
    pub fn get(&self, key: &str) -> Option<SValue> {
        let len = key.len() as u32;
        let e = self.entries().iter().find(|e| e.key_len == len && self.key_bytes(e) == key.as_bytes())?;
        Some(SValue { t: self.t, i: e.node })
    }
    /// [`Self::get`] in an object whose keys are sorted (the tables of definitions).
    pub fn get_sorted(&self, key: &str) -> Option<SValue> {
        let entries = self.entries();
        let i = entries.binary_search_by(|e| self.key_bytes(e).cmp(key.as_bytes())).ok()?;
        Some(SValue { t: self.t, i: entries[i].node })
    }
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
    pub fn len(&self) -> usize {
        self.len as usize
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, SValue)> + Clone {
        let t = self.t;
        self.entries().iter().map(move |e| (t.str(e.key, e.key_len), SValue { t, i: e.node }))
    }
    pub fn keys(&self) -> impl Iterator<Item = &'static str> + Clone {
        self.iter().map(|(k, _)| k)
    }
    pub fn values(&self) -> impl Iterator<Item = SValue> + Clone {
        let t = self.t;
        self.entries().iter().map(move |e| SValue { t, i: e.node })
    }
}

impl SValue {
    /// What this node is.
    pub fn kind(self) -> Kind {
        let Some(&Node { kind, a, b }) = self.t.nodes.get(self.i as usize) else { return Kind::Null };
        let bits = u64::from(a) | (u64::from(b) << 32);
        match kind {
            K_BOOL => Kind::Bool(a != 0),
            K_POS_INT => Kind::Number(SNumber::PosInt(bits)),
            K_NEG_INT => Kind::Number(SNumber::NegInt(bits as i64)),
            K_FLOAT => Kind::Number(SNumber::Float(f64::from_bits(bits))),
            K_STRING => Kind::String(self.t.str(a, b)),
            K_ARRAY => Kind::Array(SArray { t: self.t, start: a, len: b }),
            K_OBJECT => Kind::Object(SMap { t: self.t, start: a, len: b }),
            _ => Kind::Null,
        }
    }
    /// `self[key]` of an object; `None` for other values (as `Value::get` with a `&str`).
    pub fn get(self, key: &str) -> Option<SValue> {
        self.as_object()?.get(key)
    }
    pub fn as_str(self) -> Option<&'static str> {
        match self.kind() {
            Kind::String(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_array(self) -> Option<SArray> {
        match self.kind() {
            Kind::Array(a) => Some(a),
            _ => None,
        }
    }
    pub fn as_object(self) -> Option<SMap> {
        match self.kind() {
            Kind::Object(m) => Some(m),
            _ => None,
        }
    }
    /// The number as `f64` (`Value::as_f64`).
    pub fn as_f64(self) -> Option<f64> {
        match self.kind() {
            Kind::Number(n) => Some(n.as_f64()),
            _ => None,
        }
    }
    pub fn is_null(self) -> bool {
        matches!(self.kind(), Kind::Null)
    }
    pub fn is_object(self) -> bool {
        matches!(self.kind(), Kind::Object(_))
    }
    /// Whether this is `true` (the schema keyword form `"x": true`).
    pub fn is_true(self) -> bool {
        matches!(self.kind(), Kind::Bool(true))
    }
    /// Whether this is `false`.
    pub fn is_false(self) -> bool {
        matches!(self.kind(), Kind::Bool(false))
    }

    /// The value as a `serde_json::Value` (a copy, for messages and tests).
    pub fn to_value(self) -> Value {
        match self.kind() {
            Kind::Null => Value::Null,
            Kind::Bool(b) => Value::Bool(b),
            Kind::Number(n) => Value::Number(n.to_number()),
            Kind::String(s) => Value::String(s.to_string()),
            Kind::Array(a) => Value::Array(a.iter().map(SValue::to_value).collect()),
            Kind::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.to_string(), v.to_value())).collect::<Map<_, _>>()),
        }
    }
}

impl SNumber {
    pub fn as_f64(self) -> f64 {
        match self {
            SNumber::PosInt(n) => n as f64,
            SNumber::NegInt(n) => n as f64,
            SNumber::Float(f) => f,
        }
    }
    fn to_number(self) -> Number {
        match self {
            SNumber::PosInt(n) => n.into(),
            SNumber::NegInt(n) => n.into(),
            // The tables hold finite numbers only (they come from JSON).
            SNumber::Float(f) => Number::from_f64(f).unwrap_or_else(|| 0.into()),
        }
    }
}

/// Equality with a `serde_json::Value` as serde_json compares two values (object keys in any
/// order; `1` and `1.0` differ).
impl PartialEq<Value> for SValue {
    fn eq(&self, other: &Value) -> bool {
        match (self.kind(), other) {
            (Kind::Null, Value::Null) => true,
            (Kind::Bool(a), Value::Bool(b)) => a == *b,
            (Kind::Number(a), Value::Number(b)) => a.to_number() == *b,
            (Kind::String(a), Value::String(b)) => a == b,
            (Kind::Array(a), Value::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == *y),
            (Kind::Object(a), Value::Object(b)) => a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|y| v == *y)),
            _ => false,
        }
    }
}

/// `s == "object"`, as with a `Value`.
impl PartialEq<&str> for SValue {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

/// Writes values into tables and the tables as Rust source (the generators of
/// `validation_schema.rs` and `check/cfn_schemas.rs`). Strings are stored once.
#[derive(Default)]
pub struct TableBuilder {
    nodes: Vec<Node>,
    entries: Vec<Entry>,
    text: String,
    strings: HashMap<String, u32>,
}

impl TableBuilder {
    fn intern(&mut self, s: &str) -> (u32, u32) {
        let at = match self.strings.get(s) {
            Some(&at) => at,
            None => {
                let at = self.text.len() as u32;
                self.text.push_str(s);
                self.strings.insert(s.to_string(), at);
                at
            }
        };
        (at, s.len() as u32)
    }

    /// Adds `v`; returns its node.
    pub fn add(&mut self, v: &Value) -> u32 {
        let i = self.nodes.len() as u32;
        self.nodes.push(n(K_NULL, 0, 0));
        self.fill(i, v);
        i
    }

    /// Adds an object of `entries` (in their order); returns its first entry and count.
    pub fn add_entries<'a>(&mut self, entries: impl IntoIterator<Item = (&'a str, &'a Value)>) -> (u32, u32) {
        let entries: Vec<(&str, &Value)> = entries.into_iter().collect();
        let (start, count) = (self.entries.len() as u32, entries.len() as u32);
        self.entries.extend(entries.iter().map(|_| e(0, 0, 0)));
        for (j, (k, v)) in entries.into_iter().enumerate() {
            let (key, key_len) = self.intern(k);
            let node = self.add(v);
            self.entries[start as usize + j] = e(key, key_len, node);
        }
        (start, count)
    }

    fn fill(&mut self, i: u32, v: &Value) {
        let split = |bits: u64| ((bits & 0xffff_ffff) as u32, (bits >> 32) as u32);
        let node = match v {
            Value::Null => n(K_NULL, 0, 0),
            Value::Bool(b) => n(K_BOOL, u32::from(*b), 0),
            Value::Number(x) => {
                let (kind, bits) = if let Some(u) = x.as_u64() {
                    (K_POS_INT, u)
                } else if let Some(s) = x.as_i64() {
                    (K_NEG_INT, s as u64)
                } else {
                    (K_FLOAT, x.as_f64().unwrap_or(0.0).to_bits())
                };
                let (a, b) = split(bits);
                n(kind, a, b)
            }
            Value::String(s) => {
                let (a, b) = self.intern(s);
                n(K_STRING, a, b)
            }
            Value::Array(items) => {
                let start = self.nodes.len() as u32;
                self.nodes.extend(items.iter().map(|_| n(K_NULL, 0, 0)));
                for (j, x) in items.iter().enumerate() {
                    self.fill(start + j as u32, x);
                }
                n(K_ARRAY, start, items.len() as u32)
            }
            Value::Object(m) => {
                let (start, len) = self.add_entries(m.iter().map(|(k, x)| (k.as_str(), x)));
                n(K_OBJECT, start, len)
            }
        };
        self.nodes[i as usize] = node;
    }

    /// The tables as Rust items: `static NODES`, `static ENTRIES`, `static TEXT` and
    /// `pub static TABLES` (which `use crate::static_value::{e, n, Entry, Node, Tables}` needs).
    pub fn source(&self) -> String {
        let mut out = String::new();
        out.push_str("pub static TABLES: Tables = Tables { nodes: &NODES, entries: &ENTRIES, text: TEXT };\n\n");
        out.push_str(&format!("static NODES: [Node; {}] = [\n", self.nodes.len()));
        for row in self.nodes.chunks(8) {
            let cells: Vec<String> = row.iter().map(|x| format!("n({}, {}, {})", x.kind, x.a, x.b)).collect();
            out.push_str(&format!("    {},\n", cells.join(", ")));
        }
        out.push_str("];\n\n");
        out.push_str(&format!("static ENTRIES: [Entry; {}] = [\n", self.entries.len()));
        for row in self.entries.chunks(8) {
            let cells: Vec<String> = row.iter().map(|x| format!("e({}, {}, {})", x.key, x.key_len, x.node)).collect();
            out.push_str(&format!("    {},\n", cells.join(", ")));
        }
        out.push_str("];\n\n");
        out.push_str(&format!("static TEXT: &str = {:?};\n", self.text));
        out
    }

    /// The tables themselves (leaked: for tests of the builder).
    #[cfg(test)]
    fn leak(self) -> &'static Tables {
        let t = Tables { nodes: self.nodes.leak(), entries: self.entries.leak(), text: self.text.leak() };
        Box::leak(Box::new(t))
    }
}

/// `v` in tables of its own, leaked (for tests of the walkers).
#[cfg(test)]
pub(crate) fn leaked(v: &Value) -> SValue {
    let mut b = TableBuilder::default();
    let i = b.add(v);
    b.leak().value(i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn table(v: &Value) -> SValue {
        leaked(v)
    }

    #[test]
    fn reads_like_a_value() {
        let v = json!({"type": "object", "enum": [1, -2, 0.5, 1e300], "x": null, "closed": false, "t": true});
        let s = table(&v);
        assert_eq!(s.get("type").and_then(SValue::as_str), Some("object"));
        assert!(s.get("none").is_none());
        assert!(s.get("closed").is_some_and(SValue::is_false));
        assert!(s.get("t").is_some_and(SValue::is_true));
        assert!(s.get("x").is_some_and(SValue::is_null));
        assert_eq!(s.as_object().map(|m| m.keys().collect::<Vec<_>>()), Some(vec!["type", "enum", "x", "closed", "t"]));
        let e = s.get("enum").and_then(SValue::as_array).expect("enum");
        assert_eq!(e.iter().map(SValue::as_f64).collect::<Vec<_>>(), vec![Some(1.0), Some(-2.0), Some(0.5), Some(1e300)]);
        assert_eq!(s.to_value(), v);
        assert!(s == v);
        assert!(s.get("type").expect("type") == "object");
        assert_eq!(format!("{s:?}"), v.to_string());
    }

    /// Equality is serde_json's: `1` is not `1.0`, keys compare in any order.
    #[test]
    fn equality_is_serde_jsons() {
        let one = table(&json!(1));
        assert!(one == json!(1));
        assert!(one != json!(1.0));
        assert!(one != json!("1"));
        assert!(table(&json!(-3)) == json!(-3));
        let s = table(&json!({"a": [1, "x"], "b": {"c": null}}));
        assert!(s == json!({"b": {"c": null}, "a": [1, "x"]}));
        assert!(s != json!({"a": [1, "x"]}));
        assert!(s != json!({"a": [1, "y"], "b": {"c": null}}));
        assert!(s != json!({"a": [1], "b": {"c": null}}));
    }

    /// Each node is its own: equal contents at two places are two handles (the walkers' caches
    /// key by handle), and strings are stored once.
    #[test]
    fn nodes_are_distinct_and_strings_shared() {
        let mut b = TableBuilder::default();
        let v = json!({"p": {"type": "string"}, "q": {"type": "string"}});
        let i = b.add(&v);
        assert_eq!(b.text, "ptypestringq");
        let s = b.leak().value(i);
        let (p, q) = (s.get("p").expect("p"), s.get("q").expect("q"));
        assert!(p != q && p == s.get("p").expect("p"));
        assert!(p == json!({"type": "string"}) && q == json!({"type": "string"}));
    }

    #[test]
    fn sorted_entries_are_found_by_halves() {
        let mut b = TableBuilder::default();
        let values: Vec<Value> = (0..20).map(|i| json!({"n": i, "inner": {"a": [i]}})).collect();
        let names: Vec<String> = (0..20).map(|i| format!("d{i:02}")).collect();
        let (start, len) = b.add_entries(names.iter().map(String::as_str).zip(&values));
        let defs = b.leak().object(start, len);
        for (name, v) in names.iter().zip(&values) {
            assert!(defs.get_sorted(name).is_some_and(|d| d == *v), "{name}");
        }
        assert!(defs.get_sorted("d20").is_none() && defs.get_sorted("a").is_none() && defs.get_sorted("").is_none());
        assert_eq!(defs.len(), 20);
    }

    /// The source holds the tables as they were built.
    #[test]
    fn source_writes_the_tables() {
        let mut b = TableBuilder::default();
        b.add(&json!({"k": ["s", 2, -1, 0.5, true, null]}));
        let src = b.source();
        assert!(src.contains("static NODES: [Node; 8] = [\n    n(7, 0, 1), n(6, 2, 6), n(5, 1, 1), n(2, 2, 0), n(3, 4294967295, 4294967295), n(4, 0, 1071644672), n(1, 1, 0), n(0, 0, 0),\n];"), "{src}");
        assert!(src.contains("static ENTRIES: [Entry; 1] = [\n    e(0, 1, 1),\n];"), "{src}");
        assert!(src.contains("static TEXT: &str = \"ks\";"), "{src}");
    }
}
