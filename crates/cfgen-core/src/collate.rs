//! JavaScript's `String.prototype.localeCompare` as Node 20 runs it (full ICU, default locale,
//! which V8 maps to `en-US`, i.e. the CLDR root collation with default options).
//!
//! Serverless sorts with it in two places that reach the output bytes: the order of the entries
//! in its zip artifacts (`zip-service.js`) and `deepSortObjectByKey` in the Lambda version hash.
//!
//! For ASCII (what file paths and JSON keys hold in practice) the result is exact:
//!
//! * The control characters U+0000–U+0008, U+000E–U+001F and U+007F are completely ignorable:
//!   they are skipped at every level (`"a\u{1}b"` equals `"ab"`).
//! * Every other ASCII character has its own primary weight, in this order (alternate handling
//!   "non-ignorable": whitespace and punctuation are not skipped):
//!   `TAB LF VT FF CR SPACE _ - , ; : ! ? . ' " ( ) [ ] { } @ * / \ & # % ` ^ + < = > | ~ $`,
//!   then the digits `0`–`9`, then the letters, where a letter and its capital share a primary
//!   weight (case-insensitive first level).
//! * Strings are compared by their primary weights first (a proper prefix sorts first); on a tie
//!   by their case (tertiary level), position by position, lowercase before uppercase.
//!   The secondary level never differs for ASCII. Strings equal at all three levels compare
//!   `Equal` even when they differ (only possible through ignorable characters).
//!
//! Other characters are not collated as ICU does (ICU would, for example, sort `é` with `e`).
//! They get a primary weight after every ASCII character, ordered by code point, and a neutral
//! case, so the order stays total, deterministic and stable across runs.
//!
//! Invariant: `locale_compare` is a total preorder (antisymmetric and transitive), so it can be
//! given to `sort_by` directly.

use std::cmp::Ordering;

/// The non-ignorable ASCII characters in ascending primary order, as ICU root sorts them.
/// A lowercase letter and its capital are listed next to each other and share one weight.
const ASCII_ORDER: &[u8] = b"\t\n\x0b\x0c\r _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789\
aAbBcCdDeEfFgGhHiIjJkKlLmMnNoOpPqQrRsStTuUvVwWxXyYzZ";

/// Primary weight of each ASCII byte (0 = completely ignorable).
const PRIMARY: [u16; 128] = primary_table();

const fn primary_table() -> [u16; 128] {
    let mut table = [0u16; 128];
    let mut i = 0;
    let mut weight = 0u16;
    while i < ASCII_ORDER.len() {
        let c = ASCII_ORDER[i];
        // A capital letter shares the weight of the lowercase letter listed just before it.
        if !c.is_ascii_uppercase() {
            weight += 1;
        }
        table[c as usize] = weight;
        i += 1;
    }
    table
}

/// First primary weight given to non-ASCII characters (above every ASCII weight).
const NON_ASCII_BASE: u32 = 0x100;

/// The collation element of one character: `None` when it is completely ignorable, otherwise
/// its primary weight and whether it is uppercase (the only tertiary difference in ASCII).
fn element(c: char) -> Option<(u32, bool)> {
    if c.is_ascii() {
        match PRIMARY[c as usize] {
            0 => None,
            p => Some((u32::from(p), c.is_ascii_uppercase())),
        }
    } else {
        Some((NON_ASCII_BASE + u32::from(c), false))
    }
}

fn elements(s: &str) -> impl Iterator<Item = (u32, bool)> + '_ {
    s.chars().filter_map(element)
}

/// `a.localeCompare(b)` as Node 20 computes it (exact for ASCII; see the module docs).
pub fn locale_compare(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    // Level 1: primary weights, a proper prefix first.
    let primary = elements(a).map(|e| e.0).cmp(elements(b).map(|e| e.0));
    if primary != Ordering::Equal {
        return primary;
    }
    // Level 3: the same number of elements on both sides now; lowercase before uppercase.
    elements(a).map(|e| e.1).cmp(elements(b).map(|e| e.1))
}

#[cfg(test)]
mod tests {
    use super::locale_compare;
    use std::cmp::Ordering;

    fn sorted(items: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = items.iter().map(|s| (*s).to_string()).collect();
        v.sort_by(|a, b| locale_compare(a, b));
        v
    }

    #[test]
    fn documented_example_order() {
        let expected = "_x 1a a A a_b a-b ab alpha b B id Id ID x_ x1 X1 Zeta";
        let mut input: Vec<&str> = expected.split(' ').collect();
        input.reverse();
        assert_eq!(sorted(&input).join(" "), expected);
    }

    #[test]
    fn printable_ascii_order_matches_node() {
        // node -e 'const c=[];for(let i=32;i<127;i++)c.push(String.fromCharCode(i));
        //          console.log(c.sort((a,b)=>a.localeCompare(b)).join(""))'
        let expected = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789\
aAbBcCdDeEfFgGhHiIjJkKlLmMnNoOpPqQrRsStTuUvVwWxXyYzZ";
        let chars: Vec<String> = (32u8..127).rev().map(|b| char::from(b).to_string()).collect();
        let refs: Vec<&str> = chars.iter().map(String::as_str).collect();
        assert_eq!(sorted(&refs).concat(), expected);
    }

    #[test]
    fn file_paths_order_matches_node() {
        // The order `localeCompare` gives in Node 20.20.2 (ICU 78.2) for these paths.
        let expected = [
            "_a.js",
            "-a.js",
            ".env",
            ".hidden/conf",
            "a",
            "A",
            "a_b",
            "a-b",
            "a,b",
            "a;b",
            "a:b",
            "a!b",
            "a?b",
            "a.b",
            "a'b",
            "a\"b",
            "a(b",
            "a)b",
            "a[b",
            "a]b",
            "a{b",
            "a}b",
            "a@b",
            "a*b",
            "a/b",
            "a\\b",
            "a&b",
            "a#b",
            "a%b",
            "a`b",
            "a^b",
            "a+b",
            "a<b",
            "a=b",
            "a>b",
            "a|b",
            "a~b",
            "a$b",
            "a0",
            "a1",
            "ab",
            "aB",
            "Ab",
            "AB",
            "index_a.js",
            "index-a.js",
            "index.js",
            "Index.js",
            "index.json",
            "index1.js",
            "indexa.js",
            "lib-x/a.js",
            "lib.js",
            "lib/a.js",
            "lib/sub/b.js",
            "lib0/a.js",
            "libx/a.js",
            "node_modules/.bin/x",
            "node_modules/a-b/index.js",
            "node_modules/a/index.js",
            "node_modules/ab/index.js",
        ];
        let mut input: Vec<&str> = expected.to_vec();
        input.reverse();
        input.rotate_left(17);
        assert_eq!(sorted(&input), expected);
    }

    #[test]
    fn ignorable_controls_and_levels() {
        assert_eq!(locale_compare("a\u{1}b", "ab"), Ordering::Equal);
        assert_eq!(locale_compare("a b", "ab"), Ordering::Less);
        assert_eq!(locale_compare("A", "a"), Ordering::Greater);
        assert_eq!(locale_compare("aB", "Ab"), Ordering::Less);
        assert_eq!(locale_compare("ab", "A"), Ordering::Greater);
        assert_eq!(locale_compare("10", "9"), Ordering::Less);
        assert_eq!(locale_compare("", "\u{7f}"), Ordering::Equal);
    }

    #[test]
    fn non_ascii_is_total_and_after_ascii() {
        assert_eq!(locale_compare("z", "é"), Ordering::Less);
        assert_eq!(locale_compare("é", "ü"), Ordering::Less);
        assert_eq!(locale_compare("éa", "éA"), Ordering::Less);
        assert_eq!(locale_compare("é", "é"), Ordering::Equal);
    }
}
