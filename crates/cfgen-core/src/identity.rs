//! Maps keyed by the identity (address) of a schema node. The validator and the CloudFormation
//! check look each node's keywords up once per build and keep what they learnt here: the same
//! few schema nodes describe every function, event and resource of a service.

use crate::static_value::SValue;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A map from a node's address to what was learnt of it. The nodes live in static schema
/// tables, so an address names one node for the whole build. The compiler may store equal
/// nodes once, though: the same address can be a node of two schemas, and what a `$ref` in
/// it means depends on the schema. The CloudFormation check, whose tables hold a schema per
/// type, keys by the type's schema too (`K = (*const Schema, *const SValue)`); the validator
/// walks one schema.
pub type ByIdentity<V, K = *const SValue> = HashMap<K, V, BuildHasherDefault<PtrHasher>>;

/// Hashes an address (the only key [`ByIdentity`] has) with one multiplication, where the
/// default SipHash costs more than the lookup it serves.
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
        let nodes = [SValue::Null, SValue::Bool(true), SValue::Bool(false)];
        let mut m: ByIdentity<usize> = ByIdentity::default();
        for (i, n) in nodes.iter().enumerate() {
            m.insert(std::ptr::from_ref(n), i);
        }
        assert_eq!(m.len(), 3);
        for (i, n) in nodes.iter().enumerate() {
            assert_eq!(m.get(&std::ptr::from_ref(n)), Some(&i));
        }
        // Equal values at other addresses are other keys.
        assert_eq!(m.get(&std::ptr::from_ref(&SValue::Null)), None);
    }
}
