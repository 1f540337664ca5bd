//! The whole pipeline on arbitrary serverless.yml text: a template or at least one error.
#![no_main]
use cfgen_core::{BuildOptions, MemoryHost};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut host = MemoryHost::default();
    host.files.insert("handler.js".into(), b"exports.main = async () => 1;\n".to_vec());
    let out = cfgen_core::build(text, "serverless.yml", &BuildOptions::default(), &host);
    let errors = out.diagnostics.iter().any(|d| d.is_error());
    assert!(out.template.is_some() != errors, "a template xor an error");
});
