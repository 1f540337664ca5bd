//! Helpers over JSON values.
//!
//! * [`at`] / [`at_mut`]: walking into a value by a fixed path, `Value::pointer` without its
//!   cost. serde_json's pointer splits its text and unescapes every segment into a new
//!   `String`; the hot paths of a build (the execution role's statements for each function,
//!   the checks' look-ups in each resource) took about 2 % of a 200-function build in those
//!   allocations.
//! * [`uniq`] / [`union`]: lodash's `_.uniqWith(_, _.isEqual)` and `_.union`, in time linear in
//!   the items (hashed), since their lists come from the user and may be long.

use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};

/// The value at `path` under `v`: each segment an object key, or an array index.
pub fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, seg| match v {
        Value::Object(m) => m.get(*seg),
        Value::Array(a) => a.get(seg.parse::<usize>().ok()?),
        _ => None,
    })
}

/// [`at`], mutable.
pub fn at_mut<'a>(v: &'a mut Value, path: &[&str]) -> Option<&'a mut Value> {
    path.iter().try_fold(v, |v, seg| match v {
        Value::Object(m) => m.get_mut(*seg),
        Value::Array(a) => a.get_mut(seg.parse::<usize>().ok()?),
        _ => None,
    })
}

/// The items in order, each kept at its first occurrence; equal as `Value`s are (objects
/// regardless of key order, `0.0` equal to `-0.0`).
pub fn uniq(items: impl IntoIterator<Item = Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    let mut seen: HashMap<u64, Vec<usize>> = HashMap::new();
    for item in items {
        let bucket = seen.entry(hash(&item)).or_default();
        if !bucket.iter().any(|&i| out[i] == item) {
            bucket.push(out.len());
            out.push(item);
        }
    }
    out
}

/// lodash `_.union` of strings: the items in order, each kept at its first occurrence.
pub fn union<'a>(items: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut seen: HashSet<&str> = HashSet::new();
    items.into_iter().filter(|s| seen.insert(s)).map(str::to_string).collect()
}

/// Lists merged one at a time, oldest first, each as `_.union(next, merged)` (how v3 and its
/// plugins merge the CORS settings of the events on one path), computed as one union of the
/// lists newest first: linear, where merging one at a time re-reads the merged list per list.
pub fn union_newest_first<'a>(oldest_first: impl DoubleEndedIterator<Item = &'a [String]>) -> Vec<String> {
    union(oldest_first.rev().flatten().map(String::as_str))
}

/// About the heap `v` takes as a `serde_json::Value` tree (its strings, each array's slots,
/// each object's entries and index), for [`crate::compile::MAX_TEMPLATE_HEAP`]: a walk, no
/// allocation. A small object costs far more than its JSON text: a `{"Key": .., "Value": ..}`
/// tag is about 30 bytes of text and 250 bytes of heap.
pub fn heap_estimate(v: &Value) -> usize {
    match v {
        Value::String(s) if s.is_empty() => 0,
        Value::String(s) => s.len() + 16,
        Value::Array(a) => 16 + a.iter().map(|x| 32 + heap_estimate(x)).sum::<usize>(),
        Value::Object(o) => 64 + o.iter().map(|(k, x)| 80 + k.len() + heap_estimate(x)).sum::<usize>(),
        _ => 0,
    }
}

/// A hash consistent with `Value`'s equality.
fn hash(v: &Value) -> u64 {
    fn feed(v: &Value, h: &mut DefaultHasher) {
        match v {
            Value::Null => 0u8.hash(h),
            Value::Bool(b) => (1u8, b).hash(h),
            Value::Number(n) => {
                2u8.hash(h);
                if let Some(u) = n.as_u64() {
                    (0u8, u).hash(h);
                } else if let Some(i) = n.as_i64() {
                    (1u8, i).hash(h);
                } else {
                    let f = n.as_f64().unwrap_or(0.0);
                    (2u8, if f == 0.0 { 0 } else { f.to_bits() }).hash(h);
                }
            }
            Value::String(s) => (3u8, s).hash(h),
            Value::Array(a) => {
                (4u8, a.len()).hash(h);
                a.iter().for_each(|x| feed(x, h));
            }
            Value::Object(m) => {
                // Key order does not make objects unequal: combine the entries' hashes with a
                // sum, which ignores their order.
                let sum = m.iter().fold(0u64, |acc, (k, x)| {
                    let mut e = DefaultHasher::new();
                    k.hash(&mut e);
                    feed(x, &mut e);
                    acc.wrapping_add(e.finish())
                });
                (5u8, m.len(), sum).hash(h);
            }
        }
    }
    let mut h = DefaultHasher::new();
    feed(v, &mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn walks_keys_and_indices_as_pointer_does() {
        let mut v = json!({"Properties": {"Policies": [{"PolicyDocument": {"Statement": [1]}}], "a/b": 2}});
        for path in [
            &["Properties", "Policies", "0", "PolicyDocument", "Statement"][..],
            &["Properties", "a/b"],
            &["Properties", "Policies", "1"],
            &["x"],
            &[],
        ] {
            let pointer: String = path.iter().map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1"))).collect();
            assert_eq!(at(&v, path), v.pointer(&pointer), "{path:?}");
        }
        if let Some(Value::Array(st)) = at_mut(&mut v, &["Properties", "Policies", "0", "PolicyDocument", "Statement"]) {
            st.push(json!(2));
        }
        assert_eq!(v.pointer("/Properties/Policies/0/PolicyDocument/Statement"), Some(&json!([1, 2])));
    }

    #[test]
    fn uniq_keeps_first_occurrences_as_value_equality_does() {
        let items = vec![
            json!("a"),
            json!({"x": 1, "y": [2, {"z": null}]}),
            json!("a"),
            json!({"y": [2, {"z": null}], "x": 1}),
            json!(1),
            json!(1.0),
            json!(0.0),
            json!(-0.0),
            json!(-1),
            json!("1"),
            json!([1, 2]),
            json!([2, 1]),
            json!(null),
            json!(false),
            json!(null),
        ];
        let mut slow: Vec<Value> = Vec::new();
        for x in &items {
            if !slow.contains(x) {
                slow.push(x.clone());
            }
        }
        assert_eq!(uniq(items), slow);
        assert_eq!(slow.len(), 11);
    }

    #[test]
    fn union_keeps_first_occurrences() {
        assert_eq!(union(["b", "a", "b", "c", "a"]), ["b", "a", "c"]);
    }
}
