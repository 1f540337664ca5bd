//! The YAML loader on arbitrary text: an error or a tree, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(node) = cfgen_syntax::yaml::load(text, cfgen_syntax::FileId(0)) {
            let _ = node.to_json();
        }
        let _ = cfgen_syntax::yaml::load_json(text, cfgen_syntax::FileId(0));
    }
});
