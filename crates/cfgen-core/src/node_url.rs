//! Node's legacy `url.parse` (Node 20, `lib/url.js`), for the parts Serverless v3 reads from
//! it: the protocol, host name and path of a `cloudFront` event's `origin` string.
//!
//! Ported step by step, quirks included: surrounding white space is trimmed and backslashes
//! before the first `?`/`#` become `/`; a string that is only a path takes a fast path with no
//! escaping; the host ends at the first character RFC 2396 never allows in one (`<`, `%`, a
//! space, ...) or at a `:` that does not start a port, and the rest moves into the path; the
//! path's spaces, quotes, `<>`, `\^`{|}` are %-escaped. Node throws for a host name with `[` or
//! `]` outside IPv6 brackets and for a user part whose %-escapes are not UTF-8; so does this,
//! as [`UrlError`]. What it does not port is IDNA (UTS #46 mapping and Punycode) for host names
//! outside printable ASCII: those are [`UrlError::Unsupported`], never a guess.

/// The parts of a parsed URL an origin uses. `None` is Node's `null`.
#[derive(Debug, PartialEq, Eq)]
pub struct Parsed {
    /// Lower-cased, with its `:` (`s3:`).
    pub protocol: Option<String>,
    /// `None` when the string has no host part; `Some("")` when it has an empty one.
    pub hostname: Option<String>,
    pub pathname: Option<String>,
    /// The character Node ended the host at, when that was not a `/`, `?` or `#` (a `<`, a
    /// space, a second `:`, ...): what followed it moved into the path.
    pub host_cut: Option<char>,
}

/// Why Node's `url.parse` throws, or why cfgen does not follow it.
#[derive(Debug, PartialEq, Eq)]
pub enum UrlError {
    /// `ERR_INVALID_URL` ("Invalid URL").
    Invalid,
    /// `URIError: URI malformed` from the user part's `decodeURIComponent`.
    UriMalformed,
    /// A host name outside printable ASCII, which Node converts with IDNA.
    Unsupported(String),
}

/// JavaScript's `\s`.
fn js_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}' | '\u{feff}'
    )
}

const SLASHED: [&str; 7] = ["http:", "https:", "ftp:", "gopher:", "file:", "ws:", "wss:"];

/// `simplePathPattern`: `^(\/\/?(?!\/)[^?\s]*)(\?[^\s]*)?$`, giving the path.
fn simple_path(rest: &[char]) -> Option<String> {
    let slashes = match rest {
        ['/', '/', '/', ..] => return None,
        ['/', '/', ..] => 2,
        ['/', ..] => 1,
        _ => return None,
    };
    let end = rest[slashes..].iter().position(|&c| c == '?' || js_space(c)).map_or(rest.len(), |p| p + slashes);
    if end < rest.len() && (rest[end] != '?' || rest[end..].iter().any(|&c| js_space(c))) {
        return None;
    }
    Some(rest[..end].iter().collect())
}

/// `hostPattern`: `^\/\/[^@/]+@[^@/]+`.
fn host_pattern(rest: &[char]) -> bool {
    let Some(after) = rest.strip_prefix(&['/', '/']) else { return false };
    let Some(at) = after.iter().position(|&c| c == '@' || c == '/') else { return false };
    at > 0 && after[at] == '@' && after.get(at + 1).is_some_and(|&c| c != '@' && c != '/')
}

/// `decodeURIComponent` succeeds: every `%` starts two hex digits, and the escaped bytes
/// are UTF-8, each character's bytes all escaped.
fn decodes(s: &[char]) -> bool {
    let hex = |i: usize| -> Option<u8> {
        let h = s.get(i + 1..i + 3)?;
        let t: String = h.iter().collect();
        if t.chars().all(|c| c.is_ascii_hexdigit()) {
            u8::from_str_radix(&t, 16).ok()
        } else {
            None
        }
    };
    let mut i = 0;
    while i < s.len() {
        if s[i] != '%' {
            i += 1;
            continue;
        }
        let Some(b) = hex(i) else { return false };
        i += 3;
        if b < 0x80 {
            continue;
        }
        let n = b.leading_ones() as usize;
        if !(2..=4).contains(&n) {
            return false;
        }
        let mut bytes = vec![b];
        for _ in 1..n {
            if s.get(i) != Some(&'%') {
                return false;
            }
            let Some(c) = hex(i) else { return false };
            bytes.push(c);
            i += 3;
        }
        if std::str::from_utf8(&bytes).is_err() {
            return false;
        }
    }
    true
}

/// `autoEscapeStr`.
fn auto_escape(rest: &[char]) -> String {
    let mut out = String::with_capacity(rest.len());
    for &c in rest {
        match c {
            '\t' => out.push_str("%09"),
            '\n' => out.push_str("%0A"),
            '\r' => out.push_str("%0D"),
            ' ' => out.push_str("%20"),
            '"' => out.push_str("%22"),
            '\'' => out.push_str("%27"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '\\' => out.push_str("%5C"),
            '^' => out.push_str("%5E"),
            '`' => out.push_str("%60"),
            '{' => out.push_str("%7B"),
            '|' => out.push_str("%7C"),
            '}' => out.push_str("%7D"),
            c => out.push(c),
        }
    }
    out
}

/// `url.parse(url)`.
pub fn parse(url: &str) -> Result<Parsed, UrlError> {
    let chars: Vec<char> = url.chars().collect();
    // Trim, and turn backslashes before the first `?` or `#` into slashes.
    let is_ws = |c: char| (c as u32) < 33 || c == '\u{a0}' || c == '\u{feff}';
    let (mut has_hash, mut has_at, mut split, mut in_ws) = (false, false, false, false);
    let (mut start, mut end): (Option<usize>, Option<usize>) = (None, None);
    let mut rest: Vec<char> = Vec::new();
    let mut last = 0;
    for (i, &c) in chars.iter().enumerate() {
        let ws = is_ws(c);
        if start.is_none() {
            if ws {
                continue;
            }
            start = Some(i);
            last = i;
        } else if in_ws {
            if !ws {
                end = None;
                in_ws = false;
            }
        } else if ws {
            end = Some(i);
            in_ws = true;
        }
        if !split {
            match c {
                '@' => has_at = true,
                '#' => {
                    has_hash = true;
                    split = true;
                }
                '?' => split = true,
                '\\' => {
                    rest.extend_from_slice(&chars[last..i]);
                    rest.push('/');
                    last = i + 1;
                }
                _ => {}
            }
        } else if !has_hash && c == '#' {
            has_hash = true;
        }
    }
    if let Some(start) = start {
        if last == start {
            rest = chars[start..end.unwrap_or(chars.len())].to_vec();
        } else if let Some(end) = end {
            if last < end {
                rest.extend_from_slice(&chars[last..end]);
            }
        } else if last < chars.len() {
            rest.extend_from_slice(&chars[last..]);
        }
    }
    if !has_hash && !has_at {
        if let Some(pathname) = simple_path(&rest) {
            return Ok(Parsed { protocol: None, hostname: None, pathname: Some(pathname), host_cut: None });
        }
    }

    // `protocolPattern`: `^[a-z0-9.+-]+:` (any case).
    let proto_len = rest.iter().take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-')).count();
    let (proto, lower_proto) = if proto_len > 0 && rest.get(proto_len) == Some(&':') {
        let p: String = rest[..=proto_len].iter().collect();
        rest.drain(..=proto_len);
        let lower = p.to_ascii_lowercase();
        (Some(p), Some(lower))
    } else {
        (None, None)
    };
    let hostless = lower_proto.as_deref() == Some("javascript:");
    let mut slashes = false;
    if proto.is_some() || host_pattern(&rest) {
        slashes = rest.starts_with(&['/', '/']);
        if slashes && !hostless {
            rest.drain(..2);
        }
    }

    let mut hostname = None;
    let mut host_cut = None;
    if !hostless && (slashes || proto.as_deref().is_some_and(|p| !SLASHED.contains(&p))) {
        // The host ends at the first `/`, `?` or `#`; characters never allowed in a host end
        // it earlier, unless an `@` comes after them (they were the user part). Tabs and line
        // breaks are dropped on the way.
        let (mut host_end, mut at_sign, mut non_host) = (None, None, None);
        let mut kept: Vec<char> = Vec::with_capacity(rest.len());
        let mut stop = rest.len();
        for (j, &c) in rest.iter().enumerate() {
            let i = kept.len();
            match c {
                '\t' | '\n' | '\r' => continue,
                ' ' | '"' | '%' | '\'' | ';' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}' => {
                    non_host.get_or_insert(i);
                }
                '#' | '/' | '?' => {
                    non_host.get_or_insert(i);
                    host_end = Some(i);
                }
                '@' => {
                    at_sign = Some(i);
                    non_host = None;
                }
                _ => {}
            }
            kept.push(c);
            if host_end.is_some() {
                stop = j + 1;
                break;
            }
        }
        kept.extend_from_slice(&rest[stop..]);
        rest = kept;
        let mut from = 0;
        if let Some(at) = at_sign {
            if !decodes(&rest[..at]) {
                return Err(UrlError::UriMalformed);
            }
            from = at + 1;
        }
        let mut host: Vec<char> = match non_host {
            None => std::mem::take(&mut rest)[from..].to_vec(),
            Some(n) => {
                let h = rest[from..n].to_vec();
                if !matches!(rest[n], '/' | '?' | '#') {
                    host_cut = Some(rest[n]);
                }
                rest.drain(..n);
                h
            }
        };
        // `parseHost`: a trailing `:digits` is the port.
        if let Some(colon) = host.iter().rposition(|&c| c == ':') {
            if host[colon + 1..].iter().all(char::is_ascii_digit) {
                host.truncate(colon);
            }
        }
        let ipv6 = host.first() == Some(&'[') && host.last() == Some(&']');
        if !ipv6 {
            // `getHostname`: a `:` left in the host ends it; the rest goes to the path.
            if let Some(i) = host.iter().position(|&c| matches!(c, '/' | '\\' | '#' | '?' | ':')) {
                host_cut.get_or_insert(host[i]);
                let mut moved = vec!['/'];
                moved.extend_from_slice(&host[i..]);
                moved.append(&mut rest);
                rest = moved;
                host.truncate(i);
            }
        }
        let mut name: String = if host.iter().map(|c| c.len_utf16()).sum::<usize>() > 255 {
            String::new()
        } else {
            host.iter().collect::<String>().to_lowercase()
        };
        if !name.is_empty() {
            if ipv6 {
                if name
                    .chars()
                    .any(|c| matches!(c, '\0' | '\t' | '\n' | '\r' | ' ' | '#' | '%' | '/' | '<' | '>' | '?' | '@' | '\\' | '^' | '|'))
                {
                    return Err(UrlError::Invalid);
                }
            } else {
                if name.chars().any(|c| !c.is_ascii_graphic()) {
                    return Err(UrlError::Unsupported(name));
                }
                if name.chars().any(|c| matches!(c, '#' | '%' | '/' | ':' | '<' | '>' | '?' | '@' | '[' | '\\' | ']' | '^' | '|')) {
                    return Err(UrlError::Invalid);
                }
            }
        }
        if ipv6 {
            name = name[1..name.len() - 1].to_string();
            if rest.first() != Some(&'/') {
                rest.insert(0, '/');
            }
        }
        hostname = Some(name);
    }

    let rest = if hostless { rest.iter().collect::<String>() } else { auto_escape(&rest) };
    // The path ends at the first `?` before any `#`, or at the `#`.
    let first = rest.find(['?', '#']);
    let mut pathname = match first {
        None if !rest.is_empty() => Some(rest),
        Some(i) if i > 0 => Some(rest[..i].to_string()),
        _ => None,
    };
    if lower_proto.as_deref().is_some_and(|p| SLASHED.contains(&p))
        && hostname.as_deref().is_some_and(|h| !h.is_empty())
        && pathname.is_none()
    {
        pathname = Some("/".into());
    }
    Ok(Parsed { protocol: lower_proto, hostname, pathname, host_cut })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(url: &str) -> (Option<String>, Option<String>, Option<String>) {
        let p = parse(url).unwrap();
        (p.protocol, p.hostname, p.pathname)
    }

    fn some(s: &str) -> Option<String> {
        Some(s.to_string())
    }

    /// Each expectation is what Node 20.20's `url.parse` printed for the same string.
    #[test]
    fn what_node_parses() {
        assert_eq!(
            parts("http://<your-bucket>.s3-website.<your-region>.amazonaws.com"),
            (some("http:"), some(""), some("%3Cyour-bucket%3E.s3-website.%3Cyour-region%3E.amazonaws.com"))
        );
        assert_eq!(parts("http://a b.com/x y"), (some("http:"), some("a"), some("%20b.com/x%20y")));
        assert_eq!(parts("http://a{b}.com/p|q"), (some("http:"), some("a"), some("%7Bb%7D.com/p%7Cq")));
        assert_eq!(parts("http://a\\b.com/c\\d"), (some("http:"), some("a"), some("/b.com/c/d")));
        assert_eq!(parts("s3://Bucket.S3.amazonaws.com/Path%20x"), (some("s3:"), some("bucket.s3.amazonaws.com"), some("/Path%20x")));
        assert_eq!(parts("http://ab.com:8080/x?q=1#h"), (some("http:"), some("ab.com"), some("/x")));
        assert_eq!(parts("http://user:pw@ab.com/x"), (some("http:"), some("ab.com"), some("/x")));
        assert_eq!(parts("http://a:b:80/x"), (some("http:"), some("a"), some("/:b/x")));
        assert_eq!(parts("http://:80/x"), (some("http:"), some(""), some("/x")));
        assert_eq!(parts("HTTP://A.com"), (some("http:"), some("a.com"), some("/")));
        assert_eq!(parts("http:a.com/x"), (some("http:"), None, some("a.com/x")));
        assert_eq!(parts("foo.com/bar"), (None, None, some("foo.com/bar")));
        assert_eq!(parts("//a.com/b"), (None, None, some("//a.com/b")));
        assert_eq!(parts("/a b"), (None, None, some("/a%20b")));
        assert_eq!(parts("/a\u{3000}b"), (None, None, some("/a\u{3000}b")));
        assert_eq!(parts("123:x"), (some("123:"), some("x"), None));
        assert_eq!(parts(&format!("http://{}/x", "a".repeat(256))), (some("http:"), some(""), some("/x")));
        assert_eq!(parts("http://a\tb.com/x\ty"), (some("http:"), some("ab.com"), some("/x%09y")));
        assert_eq!(parts(" \\\\a.com\\b?c\\d "), (None, None, some("//a.com/b")));
        assert_eq!(parts("http://[::1]:80/x"), (some("http:"), some("::1"), some("/x")));
        assert_eq!(parts("http://a#b"), (some("http:"), some("a"), some("/")));
        assert_eq!(parts("http://xn--b-zfa.com"), (some("http:"), some("xn--b-zfa.com"), some("/")));
        assert_eq!(parse("http://a[b.com/x"), Err(UrlError::Invalid));
        assert_eq!(parse("http://[a b]/x"), Err(UrlError::Invalid));
        assert_eq!(parse("http://%zz@a.com"), Err(UrlError::UriMalformed));
        assert!(matches!(parse("http://\u{c4}B.com"), Err(UrlError::Unsupported(_))));
    }

    #[test]
    fn where_the_host_was_cut() {
        assert_eq!(parse("http://<b>.com").unwrap().host_cut, Some('<'));
        assert_eq!(parse("http://a:b/x").unwrap().host_cut, Some(':'));
        assert_eq!(parse("http://a.com:80/x").unwrap().host_cut, None);
        assert_eq!(parse("http://u<@a.com/x").unwrap().host_cut, None);
    }

    #[test]
    fn user_parts_that_decode() {
        let d = |s: &str| decodes(&s.chars().collect::<Vec<_>>());
        assert!(d("a%20b%C3%A9"));
        assert!(!d("%C3"));
        assert!(!d("%C3\u{e9}"));
        assert!(!d("%ED%A0%80"));
        assert!(!d("%2"));
    }
}
