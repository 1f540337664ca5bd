//! Maps keyed by the identity of a schema node. The validator and the CloudFormation
//! check look each node's keywords up once per build and keep what they learnt here: the same
//! few schema nodes describe every function, event and resource of a service.

use crate::static_value::SValue;
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
