//! Hostile inputs (issue 8): each ends in a clear error with a stable code, never a panic, a
//! hang or unbounded memory. Generated here rather than committed (some are megabytes).
//! The CLI-level ones (non-UTF-8 bytes, a `${file()}` directory or 1 GB file, files over the
//! size limit) are in `crates/cfgen-cli/tests/cli.rs`.

use cfgen_core::{BuildOptions, MemoryHost};

fn codes_of(src: &str, host: &MemoryHost) -> Vec<&'static str> {
    let out = cfgen_core::build(src, "serverless.yml", &BuildOptions::default(), host);
    assert!(out.template.is_none(), "hostile input built a template");
    let errors: Vec<&'static str> = out.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.code.id).collect();
    assert!(!errors.is_empty(), "no error reported");
    errors
}

fn first(src: &str) -> &'static str {
    codes_of(src, &MemoryHost::default())[0]
}

const SERVICE: &str = "service: hostile\nprovider:\n  name: aws\n";

#[test]
fn alias_bomb() {
    let mut src = String::from(SERVICE);
    src.push_str("custom:\n  a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let p = i - 1;
        src.push_str(&format!("  a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
    }
    assert_eq!(first(&src), "CFG104");
}

#[test]
fn deep_nesting() {
    assert_eq!(first(&format!("{SERVICE}custom: {}", "[".repeat(100_000))), "CFG101");
    let block: String = (0..100_000).map(|i| format!("{}- \n", "  ".repeat(i.min(2000)))).collect();
    let code = first(&format!("{SERVICE}custom:\n{block}"));
    assert!(code == "CFG104" || code == "CFG101", "{code}");
}

#[test]
fn huge_scalar() {
    let src = format!("{SERVICE}custom:\n  x: \"{}\"\n", "a".repeat(20_000_000));
    assert_eq!(first(&src), "CFG104");
}

#[test]
fn empty_list_tabs_duplicates_garbage() {
    assert_eq!(first(""), "CFG105");
    assert_eq!(first("- a\n- b\n"), "CFG108");
    assert_eq!(first("service: x\nprovider:\n\tname: aws\n"), "CFG101");
    assert_eq!(first("service: a\nservice: b\n"), "CFG102");
    let garbage: String = (0u32..2000).filter_map(|i| char::from_u32(i * 7919 % 0x2FFF)).collect();
    let _ = codes_of(&garbage, &MemoryHost::default());
}

#[test]
fn variable_cycles_and_depth() {
    assert_eq!(first(&format!("{SERVICE}custom:\n  a: ${{self:custom.b}}\n  b: ${{self:custom.a}}\n")), "CFG303");
    let nested = format!("{SERVICE}custom:\n  v: {}x{}\n", "${self:custom.".repeat(200), "}".repeat(200));
    let code = first(&nested);
    assert!(code == "CFG309" || code == "CFG307", "{code}");
}

#[test]
fn file_variable_that_includes_itself() {
    let mut host = MemoryHost::default();
    host.files.insert("self.yml".into(), b"x: ${file(./self.yml)}\n".to_vec());
    let src = format!("{SERVICE}custom:\n  f: ${{file(./self.yml)}}\n");
    let codes = codes_of(&src, &host);
    assert!(codes.iter().any(|c| *c == "CFG309" || *c == "CFG303"), "{codes:?}");
}
