//! Maps keyed by the identity of a schema node. The validator and the CloudFormation
//! check look each node's keywords up once per build and keep what they learnt here: the same
//! few schema nodes describe every function, event and resource of a service. Also the cache
//! both keep of which keys match a schema's key patterns ([`KeyMatches`]).

use crate::static_value::SValue;
use regex_lite::Regex;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A map from a schema node ([`SValue`], a handle: which tables, which node) to what was
/// learnt of it. Each node of the static tables belongs to one schema (the generator shares
/// none), so a node names one place of one schema for the whole build.
pub type ByIdentity<V> = HashMap<SValue, V, BuildHasherDefault<PtrHasher>>;

/// Hashes a node handle (its tables' address and its index, the only key [`ByIdentity`] has)
/// with a multiplication per word, where the default SipHash costs more than the lookup it
/// serves.
#[derive(Default)]
pub struct PtrHasher(u64);

impl Hasher for PtrHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(*b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_usize(&mut self, n: usize) {
        self.0 = (self.0 ^ n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29);
    }
}

/// Whether keys match the key patterns of a schema (`propertyNames`, `patternProperties`):
/// each pattern compiled once (one that does not compile takes every key) and each key matched
/// once per build, as every function repeats the same variable names and a regex-lite match
/// costs about 2,000 instructions.
#[derive(Default)]
pub struct KeyMatches(HashMap<&'static str, (Option<Regex>, HashMap<String, bool>)>);

impl KeyMatches {
    pub fn matches(&mut self, pattern: &'static str, key: &str) -> bool {
        let (re, seen) = self.0.entry(pattern).or_insert_with(|| (Regex::new(pattern).ok(), HashMap::new()));
        match seen.get(key) {
            Some(m) => *m,
            None => *seen.entry(key.to_string()).or_insert_with(|| re.as_ref().is_none_or(|re| re.is_match(key))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_nodes_are_distinct_keys() {
        let list = crate::static_value::leaked(&serde_json::json!([null, true, null]));
        let nodes: Vec<SValue> = list.as_array().expect("a list").iter().collect();
        let mut m: ByIdentity<usize> = ByIdentity::default();
        for (i, n) in nodes.iter().enumerate() {
            m.insert(*n, i);
        }
        // Equal values at two places are two keys.
        assert_eq!(m.len(), 3);
        for (i, n) in nodes.iter().enumerate() {
            assert_eq!(m.get(n), Some(&i));
        }
        assert_eq!(m.get(&list), None);
    }
}
