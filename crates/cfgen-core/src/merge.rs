//! lodash's `_.merge` and `_.union`, and Serverless' null stripping, on JSON values.
//!
//! `_.merge(dst, src)`: objects merge key by key (new keys appended, existing keys keep their
//! place), arrays merge **index by index**, scalars (and `null`) replace. Serverless merges
//! `resources:` into the generated template this way, so `DependsOn: [X]` over
//! `["ALogGroup"]` gives `["X"]`, and `Timeout: null` deletes a generated property once nulls
//! are stripped.

use serde_json::{Map, Value};
use std::borrow::Cow;

/// `_.merge(dst, src)`.
pub fn merge(dst: &mut Value, src: &Value) {
    match src {
        Value::Object(s) => {
            if !dst.is_object() && !dst.is_array() {
                *dst = Value::Object(Map::new());
            }
            match dst {
                Value::Object(d) => merge_object(d, s),
                Value::Array(d) => {
                    // lodash merges an object's index-like keys into an array; other keys have
                    // no place in JSON output.
                    for (k, v) in s {
                        if let Ok(i) = k.parse::<usize>() {
                            merge_index(d, i, v);
                        }
                    }
                }
                _ => {}
            }
        }
        Value::Array(s) => {
            if !dst.is_array() {
                *dst = Value::Array(Vec::new());
            }
            if let Value::Array(d) = dst {
                for (i, v) in s.iter().enumerate() {
                    merge_index(d, i, v);
                }
            }
        }
        scalar => *dst = scalar.clone(),
    }
}

/// Merge `src`'s keys into `dst`.
pub fn merge_object(dst: &mut Map<String, Value>, src: &Map<String, Value>) {
    for (k, v) in src {
        match dst.get_mut(k) {
            Some(existing) => merge(existing, v),
            None => {
                let mut fresh = match v {
                    Value::Object(_) => Value::Object(Map::new()),
                    Value::Array(_) => Value::Array(Vec::new()),
                    _ => Value::Null,
                };
                merge(&mut fresh, v);
                dst.insert(k.clone(), fresh);
            }
        }
    }
}

/// [`merge`] of a value the caller gives away: what `dst` lacks is moved in rather than copied
/// (the same result; a method's integration and responses are kilobytes of request templates).
pub fn merge_owned(dst: &mut Value, src: Value) {
    match src {
        Value::Object(s) => {
            if !dst.is_object() && !dst.is_array() {
                *dst = Value::Object(Map::new());
            }
            match dst {
                Value::Object(d) => merge_object_owned(d, s),
                Value::Array(d) => {
                    for (k, v) in s {
                        if let Ok(i) = k.parse::<usize>() {
                            grow_to(d, i);
                            merge_owned(&mut d[i], v);
                        }
                    }
                }
                _ => {}
            }
        }
        Value::Array(s) => {
            if !dst.is_array() {
                *dst = Value::Array(Vec::new());
            }
            if let Value::Array(d) = dst {
                for (i, v) in s.into_iter().enumerate() {
                    grow_to(d, i);
                    merge_owned(&mut d[i], v);
                }
            }
        }
        scalar => *dst = scalar,
    }
}

/// [`merge_object`] of a map the caller gives away.
pub fn merge_object_owned(dst: &mut Map<String, Value>, src: Map<String, Value>) {
    for (k, v) in src {
        merge_entry(dst, k, v);
    }
}

/// `_.merge(dst, {key: value})`: a resource or output merged into what the template has under
/// its id, or added. A borrowed key is copied only when it is added.
pub fn merge_entry<'k>(dst: &mut Map<String, Value>, key: impl Into<Cow<'k, str>>, value: Value) {
    let key = key.into();
    match dst.get_mut(key.as_ref()) {
        Some(existing) => merge_owned(existing, value),
        None => {
            dst.insert(key.into_owned(), value);
        }
    }
}

fn grow_to(d: &mut Vec<Value>, i: usize) {
    while d.len() <= i {
        // A hole in a JavaScript array prints as null.
        d.push(Value::Null);
    }
}

fn merge_index(d: &mut Vec<Value>, i: usize, v: &Value) {
    grow_to(d, i);
    merge(&mut d[i], v);
}

/// Serverless' `stripNullPropsFromTemplateResources`: delete every `null` object property
/// inside each resource's `Properties` (nulls inside arrays stay: `delete` leaves a hole that
/// prints as null), and drop a `Properties` key whose value is falsy.
pub fn strip_null_props(resources: &mut Map<String, Value>) {
    for (_, res) in resources.iter_mut() {
        let Value::Object(r) = res else { continue };
        let falsy = match r.get("Properties") {
            Some(p) => !cfgen_model::coerce::truthy(p),
            None => false,
        };
        if falsy {
            r.shift_remove("Properties");
        } else if let Some(p) = r.get_mut("Properties") {
            strip_nulls(p);
        }
    }
}

fn strip_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if m.values().any(Value::is_null) {
                m.retain(|_, x| !x.is_null());
            }
            for (_, x) in m.iter_mut() {
                strip_nulls(x);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn arrays_merge_by_index() {
        let mut d = json!({"DependsOn": ["ALogGroup", "B"], "P": {"a": 1}});
        merge(&mut d, &json!({"DependsOn": ["X"], "P": {"b": 2}, "New": null}));
        assert_eq!(d, json!({"DependsOn": ["X", "B"], "P": {"a": 1, "b": 2}, "New": null}));
    }

    /// `merge_owned` gives `merge`'s result on every pairing of shapes: objects into objects,
    /// arrays and index-keyed objects into arrays, scalars and nulls over containers and back.
    #[test]
    fn merge_owned_is_merge() {
        let values = [
            json!({"DependsOn": ["ALogGroup", "B"], "P": {"a": 1, "n": {"x": [1, {"y": 2}]}}, "S": "s"}),
            json!({"DependsOn": ["X"], "P": {"b": 2, "n": {"x": [null, {"z": 3}, 4]}}, "New": null, "S": {"o": 1}}),
            json!(["a", {"b": 1}, [2]]),
            json!({"0": "zero", "2": {"c": 3}, "k": "ignored by arrays"}),
            json!([null, [1, 2, 3], {"b": {"d": 4}}, "tail"]),
            json!("scalar"),
            json!(7),
            json!(null),
            json!({}),
            json!([]),
        ];
        for dst in &values {
            for src in &values {
                let mut by_ref = dst.clone();
                merge(&mut by_ref, src);
                let mut owned = dst.clone();
                merge_owned(&mut owned, src.clone());
                assert_eq!(owned, by_ref, "{dst} <- {src}");
                assert_eq!(owned.to_string(), by_ref.to_string(), "key order of {dst} <- {src}");
            }
        }
    }

    #[test]
    fn nulls_are_stripped_from_properties_only() {
        let mut r = json!({"A": {"Type": "T", "Properties": {"Timeout": null, "L": [null, {"x": null}]}, "Metadata": null}, "B": {"Type": "T", "Properties": null}});
        strip_null_props(r.as_object_mut().unwrap());
        assert_eq!(r, json!({"A": {"Type": "T", "Properties": {"L": [null, {}]}, "Metadata": null}, "B": {"Type": "T"}}));
    }
}
