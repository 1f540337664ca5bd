//! Variable resolution: a config holding the input in several places, with files the input
//! can reference (`${file(./a.yml)}` reads the input itself).
#![no_main]
use cfgen_core::{BuildOptions, MemoryHost};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let quoted = text.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
    let src = format!(
        "service: fz\nprovider:\n  name: aws\n  stage: ${{opt:stage, 'dev'}}\ncustom:\n  raw: \"{quoted}\"\n  again: ${{self:custom.raw}}\n  file: ${{file(./a.yml)}}\nfunctions:\n  f:\n    handler: h.main\n    environment:\n      X: \"{quoted}\"\n"
    );
    let mut host = MemoryHost::default();
    host.files.insert("a.yml".into(), data.to_vec());
    host.env.insert("HOME".into(), "/root".into());
    let _ = cfgen_core::resolve(&src, "serverless.yml", &BuildOptions::default(), &host);
});
