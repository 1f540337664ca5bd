//! Serverless v3's packaging, minus the IO: which files go into an artifact
//! (`lib/plugins/package/lib/package-service.js`) and the exact bytes of the zip it writes
//! (`zip-service.js` with archiver 5.3.2 / zip-stream 4.1.1 / compress-commons 4.1.2 on Node 20).
//!
//! * [`glob_match`] is micromatch 4 / picomatch 2 matching with `{ dot: true }`, as Serverless
//!   calls it, reimplemented for the syntax that occurs in `package.patterns`.
//! * [`select_files`] is `resolveFilePathsFromPatterns`: every file starts selected, then the
//!   excludes, includes and patterns are applied in order, the last matching one winning.
//! * [`default_excludes`] / [`serverless_excludes`] build the exclude list of `getExcludes`.
//! * [`build_zip`] writes the archive. Invariants: entries sorted with
//!   [`locale_compare`](crate::collate::locale_compare) (stable for ties), no directory
//!   entries, every timestamp the DOS epoch 1980-01-01 00:00, unix modes `0o100755` / `0o100644`,
//!   no extra fields, a data descriptor after every entry, and the DEFLATE stream produced by
//!   Node's zlib (Chromium zlib 1.3.1) at level 1 — archiver's effective level, because
//!   compress-commons defaults `zlib.level` to `Z_BEST_SPEED` when Serverless passes none. That
//!   compressor is reimplemented in this module (`deflate_fast` with Chromium's 4-byte hash), so
//!   the archive, and [`code_sha256`] of it, are byte-identical to Serverless'. Empty files are
//!   stored (method 0), as compress-commons does.
//!
//! The development dependencies that Serverless finds with `npm ls` come from
//! [`crate::devdeps`] and go last ([`select_files_with`]). Symbolic links are the host's to follow
//! (the CLI does, as globby's `follow: true`). Not modelled: the rare picomatch quirks listed on
//! [`glob_match`].

use std::cell::Cell;
use std::collections::HashSet;
use std::sync::OnceLock;

use crate::collate::locale_compare;

// ---------------------------------------------------------------------------------------------
// File selection
// ---------------------------------------------------------------------------------------------

/// The `defaultExcludes` of `package-service.js`, in order.
const DEFAULT_EXCLUDES: [&str; 7] =
    [".git/**", ".gitignore", ".DS_Store", "npm-debug.log", "yarn-*.log", ".serverless/**", ".serverless_plugins/**"];

/// The default exclude list Serverless uses for a service (`getExcludes` without any
/// `package.exclude`): the default excludes, the config file name, `plugins.localPath`, every
/// layer `path` as `<path>/**` (pass no layers when packaging a layer), and `.env*` when
/// `useDotenv` is on, de-duplicated like lodash's `_.union`.
///
/// Serverless puts `package.exclude` between `plugins.localPath` and the layer paths; use
/// [`serverless_excludes`] to get that exact order (it only matters for `!`-excludes).
pub fn default_excludes(config_file_name: &str, layer_paths: &[String], use_dotenv: bool, plugins_local_path: Option<&str>) -> Vec<String> {
    serverless_excludes(config_file_name, plugins_local_path, &[], layer_paths, use_dotenv, &[])
}

/// `getExcludes` exactly: `_.union(defaultExcludes, [configFile], [localPath], package.exclude,
/// layerPaths.map(p => p + '/**'), useDotenv ? ['.env*'] : [], functionOrLayerExclude)`.
pub fn serverless_excludes(
    config_file_name: &str,
    plugins_local_path: Option<&str>,
    package_exclude: &[String],
    layer_paths: &[String],
    use_dotenv: bool,
    extra_exclude: &[String],
) -> Vec<String> {
    let mut all: Vec<String> = DEFAULT_EXCLUDES.iter().map(|s| (*s).to_string()).collect();
    if !config_file_name.is_empty() {
        all.push(config_file_name.to_string());
    }
    if let Some(local) = plugins_local_path.filter(|p| !p.is_empty()) {
        all.push(local.to_string());
    }
    all.extend(package_exclude.iter().cloned());
    all.extend(layer_paths.iter().map(|p| format!("{p}/**")));
    if use_dotenv {
        all.push(".env*".to_string());
    }
    all.extend(extra_exclude.iter().cloned());
    crate::value::union(all.iter().map(String::as_str))
}

/// Serverless v3's selection (`resolveFilePathsFromPatterns` of package-service.js).
///
/// * `all_files`: every file under the service (or layer) directory, relative, `/`-separated
///   (what `globby('**', { dot: true, nodir: true })` lists).
/// * `excludes`: the exclude list (see [`serverless_excludes`]); `x` removes, `!x` adds back.
/// * `includes` then `patterns`: `package.include` and `package.patterns` (plus the function's or
///   layer's own, in Serverless' order `service include, service patterns, own include, own
///   patterns`); both behave the same: `!x` removes, `x` adds back. They are de-duplicated
///   together (lodash `_.union`), as Serverless does.
///
/// The listing step before it is emulated too (globby 11 over fast-glob 3), because it can hide
/// files for good: `['**', ...includes]` de-duplicated, one task per positive pattern that ignores
/// the negative patterns after it, with fast-glob's matching (`[!x]` negates there) and directory
/// pruning (a negative pattern ending in `/**` or with a static last segment also hides what is
/// below a matching directory, so `!node_modules` drops `node_modules/a.js` although micromatch
/// alone would not match it). A file that no task lists is never selected. A positive include
/// written `./x` lists its files a second time as `./path`, which no pattern matches any more.
///
/// Checked against Serverless' own `resolveFilePathsFromPatterns` (real globby and micromatch)
/// on thousands of random pattern lists.
///
/// Returns the selected paths in the order of `all_files`. Serverless fails with
/// `NO_MATCHED_FILES` when the result is empty; that is left to the caller. `Err` holds a
/// pattern too complex to parse or match within the limits ([`MATCH_STEPS`],
/// [`MAX_PATTERN_CHARS`], [`MAX_NESTING`]); micromatch's backtracking regular expression takes
/// minutes on some (`*a` fourteen times then `b`, against a name of 40 `a`s: 178 s in Node 20),
/// so cfgen reports them instead.
pub fn select_files(all_files: &[String], excludes: &[String], includes: &[String], patterns: &[String]) -> Result<Vec<String>, String> {
    select_files_with(all_files, excludes, includes, patterns, &[])
}

/// [`select_files`] with the development-dependency excludes
/// ([`dev_dependency_globs`](crate::devdeps::dev_dependency_globs)), which Serverless applies
/// after the includes, so that no include brings them back; an exclude equal to one of them
/// moves there.
pub fn select_files_with(
    all_files: &[String],
    excludes: &[String],
    includes: &[String],
    patterns: &[String],
    dev_excludes: &[String],
) -> Result<Vec<String>, String> {
    let excludes = crate::value::union(excludes.iter().map(String::as_str));
    let includes = crate::value::union(includes.iter().chain(patterns).map(String::as_str));
    let dev: HashSet<&str> = dev_excludes.iter().map(String::as_str).collect();

    // The micromatch passes: excludes turned around (`x` -> `!x`, `!x` -> `x`), then the
    // includes as they are; a pass starting with `!` removes what the rest matches.
    let mut passes: Vec<(bool, Glob)> = Vec::new();
    for pattern in excludes.iter().filter(|p| !dev.contains(p.as_str())) {
        match pattern.strip_prefix('!') {
            Some(rest) => match rest.strip_prefix('!') {
                Some(again) => passes.push((false, Glob::new(again))),
                None => passes.push((true, Glob::new(rest))),
            },
            None => passes.push((false, Glob::new(pattern))),
        }
    }
    for pattern in &includes {
        match pattern.strip_prefix('!') {
            Some(rest) => passes.push((false, Glob::new(rest))),
            None => passes.push((true, Glob::new(pattern))),
        }
    }
    for pattern in crate::value::union(dev_excludes.iter().map(String::as_str)) {
        passes.push((false, Glob::new(&pattern)));
    }

    // globby(['**', ...includes]): the patterns de-duplicated (so a later `**` is dropped), then
    // one fast-glob task per positive pattern, ignoring the negative patterns that follow it.
    let globby = crate::value::union(std::iter::once("**").chain(includes.iter().map(String::as_str)));
    let tasks: Vec<Task> = globby
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.starts_with('!'))
        .map(|(i, p)| Task {
            glob: Glob::fast_glob(p),
            dotted: p.starts_with("./"),
            base_depth: base_depth(p),
            ignore: globby[i..].iter().filter_map(|n| n.strip_prefix('!')).map(Ignore::new).collect(),
        })
        .collect();

    let globs =
        || passes.iter().map(|(_, g)| g).chain(tasks.iter().flat_map(|t| std::iter::once(&t.glob).chain(t.ignore.iter().map(|i| &i.glob))));
    let too_complex = || globs().find(|g| g.too_complex.get()).map(|g| g.literal.clone());
    if let Some(p) = too_complex() {
        return Err(p);
    }
    let selected = all_files
        .iter()
        .filter(|file| {
            let path: Vec<char> = file.chars().collect();
            let selected = tasks.iter().any(|task| task.lists(file, &path)) && {
                let mut state = true;
                for (keep, glob) in &passes {
                    if glob.matches_chars(file, &path) {
                        state = *keep;
                    }
                }
                state
            };
            // A positive include written `./x` makes globby list `./path` besides `path`; no
            // pattern matches that spelling (only one equal to it), and the zip step normalizes
            // it back to `path`, so such files are selected whatever the other patterns say.
            let forced = || {
                if !tasks.iter().any(|task| task.dotted && task.lists(file, &path)) {
                    return false;
                }
                let dotted = format!("./{file}");
                let mut state = true;
                for (keep, glob) in &passes {
                    if glob.literal == dotted {
                        state = *keep;
                    }
                }
                state
            };
            selected || forced()
        })
        .cloned()
        .collect();
    too_complex().map_or(Ok(selected), Err)
}

/// One fast-glob task of globby: a positive pattern, where its listing starts, and the negative
/// patterns it ignores.
struct Task {
    glob: Glob,
    dotted: bool,
    base_depth: usize,
    ignore: Vec<Ignore>,
}

/// A negative pattern as a fast-glob `ignore` entry.
struct Ignore {
    glob: Glob,
    /// fast-glob also applies it to directories (`isAffectDepthOfReadingPattern`).
    prunes_directories: bool,
}

impl Ignore {
    fn new(pattern: &str) -> Ignore {
        Ignore { glob: Glob::fast_glob(pattern), prunes_directories: affects_directories(pattern) }
    }
}

impl Task {
    /// Whether the task lists `file`: it matches, and neither the file nor a directory above it
    /// but below the task's base directory is ignored.
    fn lists(&self, file: &str, path: &[char]) -> bool {
        self.glob.matches_chars(file, path)
            && !self.ignore.iter().any(|ignore| {
                ignore.glob.matches_chars(file, path)
                    || (ignore.prunes_directories
                        // Each directory above the file (its text and its characters, sliced
                        // from the file's, not collected again per directory and pattern).
                        && file
                            .char_indices()
                            .enumerate()
                            .filter(|(_, (_, c))| *c == '/')
                            .skip(self.base_depth)
                            .any(|(ci, (bi, _))| ignore.glob.matches_chars(&file[..bi], &path[..ci])))
            })
    }
}

/// The number of leading static directory segments of a pattern (fast-glob's base directory,
/// from `glob-parent`), where listing starts.
fn base_depth(pattern: &str) -> usize {
    let pattern = pattern.strip_prefix("./").unwrap_or(pattern);
    let segments: Vec<&str> = pattern.split('/').collect();
    segments[..segments.len() - 1].iter().take_while(|s| !is_dynamic(s)).count()
}

/// fast-glob's `isAffectDepthOfReadingPattern`.
fn affects_directories(pattern: &str) -> bool {
    let base = pattern.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    pattern.ends_with("/**") || !is_dynamic(base)
}

/// fast-glob's `isDynamicPattern` (for one path segment).
fn is_dynamic(segment: &str) -> bool {
    if segment.is_empty() {
        return false;
    }
    let has_pair = |open: char, close: char| segment.find(open).is_some_and(|i| segment[i + 1..].contains(close));
    let brace_expansion = segment.find('{').is_some_and(|i| {
        segment[i + 1..].find('}').is_some_and(|j| segment[i..i + 1 + j].contains(',') || segment[i..i + 1 + j].contains(".."))
    });
    segment.contains(['\\', '*', '?'])
        || segment.starts_with('!')
        || has_pair('[', ']')
        || (has_pair('(', ')') && segment.contains('|'))
        || segment.contains(['@', '+']) && has_pair('(', ')')
        || brace_expansion
}

// ---------------------------------------------------------------------------------------------
// Glob matching (picomatch 2.3 semantics with `dot: true`)
// ---------------------------------------------------------------------------------------------

/// Whether `path` (relative, `/`-separated) matches the glob `pattern` with micromatch semantics
/// as Serverless uses them (`dot: true`).
///
/// Supported: `*` (within a segment), `**` as a whole segment (zero or more segments; `a/**` also
/// matches `a` itself unless the segment before ends in `*`; `**x` is a plain `*`), `?`, `[...]`
/// classes (`^` negation, which never matches `/`; `!` is a literal there, as micromatch has it;
/// ranges, POSIX classes, `\` escapes; a class without regex-special characters also matches its
/// own text, e.g. `[abc]` matches the path `[abc]`), `{a,b}` alternatives (nested, empty members;
/// `{a}` is literal) and `{x..y}` ranges (the class picomatch makes of them), plain `(a|b)` groups,
/// the extglobs `@()`, `?()`, `*()`, `+()` and `!()` (picomatch's lookahead form), `\` escapes, a
/// leading `./`, and a leading `!` (negation, `!!` cancels). Like picomatch, a pattern equal to the
/// path always matches, and the fast paths apply (`**.js` matches `.js` files at any depth; `*.*`
/// needs a character after the dot).
///
/// Checked against micromatch on 84 000 (pattern, path) pairs of random patterns per run. Known
/// differences, all in syntax nobody writes in `package.patterns`: picomatch's bugs with a POSIX
/// class right after a group or text (`test.[[:alpha:]]`), a `?` right after a group read as a
/// regex quantifier (`+(a)?`), `**` right after a group, a top-level `|` (picomatch makes it a
/// regex alternation when the pattern holds a `/`), and double quotes. A pattern with an
/// unclosed `{` matches nothing but the path equal to it, as in micromatch (whose regular
/// expression for it is `/$^/`).
pub fn glob_match(pattern: &str, path: &str) -> bool {
    Glob::new(pattern).matches(path)
}

/// A compiled glob pattern.
struct Glob {
    /// The pattern as written (picomatch matches a path equal to it, whatever it holds).
    literal: String,
    negated: bool,
    tokens: Vec<Tok>,
    /// The literal characters `tokens` start with, which a matching path starts with too:
    /// most paths fail a pattern like `dir/**` on its first characters, without the matcher.
    lead: Vec<char>,
    /// Set when the pattern could not be parsed, or a match not finished, within the step
    /// limits; it then matches nothing, and [`select_files`] reports it.
    too_complex: Cell<bool>,
}

/// The most steps one match of a glob against a path may take: the matcher backtracks, and a
/// few runs of stars or nested repetitions make it exponential in the path's length. A
/// pattern anyone writes takes a few hundred.
const MATCH_STEPS: u32 = 200_000;

/// The most steps parsing a pattern may take, per character: an unclosed `{`, `(` or extglob
/// is read again as a literal, and the failures are remembered, but nesting many of them
/// still costs more than a pattern anyone writes.
const PARSE_STEPS_PER_CHAR: usize = 64;

/// The longest pattern (in characters) and the deepest nesting of groups, braces and extglobs
/// parsed: both parser and matcher recurse, so these bound their stack. A path is at most 4,096
/// bytes on Linux; a pattern anyone writes is far shorter and nests a few levels.
const MAX_PATTERN_CHARS: usize = 1024;
const MAX_NESTING: usize = 32;

impl Glob {
    /// A pattern as micromatch matches it for Serverless (`{ dot: true }`).
    fn new(pattern: &str) -> Glob {
        Glob::with(pattern, false)
    }

    /// A pattern as fast-glob (inside globby) matches it: picomatch with `posix: true`, where
    /// `[!x]` is a negated class (micromatch alone reads it as the class of `!` and `x`).
    fn fast_glob(pattern: &str) -> Glob {
        Glob::with(pattern, true)
    }

    fn with(pattern: &str, posix: bool) -> Glob {
        let body = pattern.strip_prefix("./").unwrap_or(pattern);
        let (negated, body) = split_negation(body);
        let body = body.strip_prefix("./").unwrap_or(body);
        // picomatch only tries its fast paths on patterns that start with `.` or `*`.
        let fast = pattern.starts_with(['.', '*']);
        let tokens = compile(body, posix, fast);
        let too_complex = Cell::new(tokens.is_none());
        let tokens = tokens.unwrap_or_default();
        let lead = tokens.iter().map_while(|t| if let Tok::Lit(c) = t { Some(*c) } else { None }).collect();
        Glob { literal: pattern.to_string(), negated, tokens, lead, too_complex }
    }

    fn matches(&self, path: &str) -> bool {
        let chars: Vec<char> = path.chars().collect();
        self.matches_chars(path, &chars)
    }

    /// `path` and its characters (`chars`), split once by the caller.
    fn matches_chars(&self, path: &str, chars: &[char]) -> bool {
        if self.literal == path {
            return true;
        }
        if path.is_empty() || self.literal.is_empty() || self.too_complex.get() {
            return false;
        }
        if !chars.starts_with(&self.lead) {
            // What the matcher would find: its first tokens are these literals.
            return self.negated;
        }
        let steps = Cell::new(MATCH_STEPS);
        let matched = run(&self.tokens, chars, 0, &steps, &mut |end| end == chars.len());
        if steps.get() == 0 {
            self.too_complex.set(true);
            return false;
        }
        matched != self.negated
    }
}

/// picomatch's `negate()`: leading `!`s (not opening an extglob) toggle the negation.
fn split_negation(pattern: &str) -> (bool, &str) {
    let bytes = pattern.as_bytes();
    let mut count = 0;
    while count < bytes.len() && bytes[count] == b'!' && !(bytes.get(count + 1) == Some(&b'(') && bytes.get(count + 2) != Some(&b'?')) {
        count += 1;
    }
    (count % 2 == 1, &pattern[count..])
}

/// One element of a compiled glob.
#[derive(Debug, Clone)]
enum Tok {
    /// One literal character.
    Lit(char),
    /// `?`: one character other than `/`.
    One,
    /// `*`: any run of characters other than `/`.
    Star,
    /// A globstar: any run of characters, `/` included.
    Any,
    /// `[...]`: one character in (or, negated, not in) the set.
    Class { negated: bool, items: Vec<ClassItem> },
    /// Alternatives (`{a,b}`, `@(a|b)`, and the globstar forms).
    Alt(Vec<Vec<Tok>>),
    /// `*(..)`, `+(..)`, `?(..)`: the alternatives repeated `min..=max` times.
    Repeat { min: usize, max: Option<usize>, alts: Vec<Vec<Tok>> },
    /// `!(..)`: a negative lookahead on `look`, then `*` (or a globstar).
    NotAhead { look: Vec<Tok>, any: bool },
    /// `(?=.)`: at least one character follows.
    NonEmpty,
    /// `$`: the end of the path.
    End,
}

#[derive(Debug, Clone)]
enum ClassItem {
    Char(char),
    Range(char, char),
    Posix(fn(char) -> bool),
}

fn class_matches(negated: bool, items: &[ClassItem], c: char) -> bool {
    let hit = items.iter().any(|item| match item {
        ClassItem::Char(x) => *x == c,
        ClassItem::Range(a, b) => *a <= c && c <= *b,
        ClassItem::Posix(f) => f(c),
    });
    if negated {
        !hit && c != '/'
    } else {
        hit
    }
}

/// Continuation-passing backtracking matcher: matches `toks` at `path[i..]` and calls `k` with
/// every end position reached, until `k` accepts.
/// Each call takes one of `steps`; with none left it fails (the caller reports the pattern).
fn run(toks: &[Tok], path: &[char], i: usize, steps: &Cell<u32>, k: &mut dyn FnMut(usize) -> bool) -> bool {
    let Some(left) = steps.get().checked_sub(1) else { return false };
    steps.set(left);
    let Some((tok, rest)) = toks.split_first() else {
        return k(i);
    };
    match tok {
        Tok::Lit(c) => i < path.len() && path[i] == *c && run(rest, path, i + 1, steps, k),
        Tok::One => i < path.len() && path[i] != '/' && run(rest, path, i + 1, steps, k),
        Tok::Class { negated, items } => i < path.len() && class_matches(*negated, items, path[i]) && run(rest, path, i + 1, steps, k),
        Tok::Star => {
            let mut j = i;
            loop {
                if run(rest, path, j, steps, k) {
                    return true;
                }
                if j >= path.len() || path[j] == '/' {
                    return false;
                }
                j += 1;
            }
        }
        Tok::Any => (i..=path.len()).any(|j| run(rest, path, j, steps, k)),
        Tok::Alt(alts) => alts.iter().any(|alt| run(alt, path, i, steps, &mut |j| run(rest, path, j, steps, k))),
        Tok::Repeat { min, max, alts } => repeat(alts, *min, *max, 0, rest, path, i, steps, k),
        Tok::NotAhead { look, any } => {
            if run(look, path, i, steps, &mut |_| true) {
                return false;
            }
            let star = if *any { Tok::Any } else { Tok::Star };
            run(std::slice::from_ref(&star), path, i, steps, &mut |j| run(rest, path, j, steps, k))
        }
        Tok::NonEmpty => i < path.len() && run(rest, path, i, steps, k),
        Tok::End => i == path.len() && run(rest, path, i, steps, k),
    }
}

#[allow(clippy::too_many_arguments)]
fn repeat(
    alts: &[Vec<Tok>],
    min: usize,
    max: Option<usize>,
    done: usize,
    rest: &[Tok],
    path: &[char],
    i: usize,
    steps: &Cell<u32>,
    k: &mut dyn FnMut(usize) -> bool,
) -> bool {
    if done >= min && run(rest, path, i, steps, k) {
        return true;
    }
    if max.is_some_and(|m| done >= m) {
        return false;
    }
    alts.iter().any(|alt| {
        run(alt, path, i, steps, &mut |j| {
            // An empty repetition cannot make progress; it only counts towards `min`.
            (j > i || done < min) && repeat(alts, min, max, done + 1, rest, path, j, steps, k)
        })
    })
}

/// Compiles a glob body (negation and `./` already removed), trying the fast paths if `fast`;
/// `None` when it is longer than [`MAX_PATTERN_CHARS`], nests deeper than [`MAX_NESTING`] or
/// takes more than [`PARSE_STEPS_PER_CHAR`] steps a character to parse.
fn compile(body: &str, posix: bool, fast: bool) -> Option<Vec<Tok>> {
    if let Some(tokens) = fast.then(|| fastpath(body)).flatten() {
        return Some(tokens);
    }
    let chars: Vec<char> = body.chars().collect();
    if chars.len() > MAX_PATTERN_CHARS {
        return None;
    }
    let mut parser = Parser::new(&chars, posix);
    let tokens = parser.sequence(&[], true);
    if parser.steps == 0 {
        return None;
    }
    if parser.unclosed.iter().any(|(_, kind)| *kind == '{') {
        // micromatch (and fast-glob through it) turns a pattern with an unclosed `{` into a
        // regular expression that matches nothing (`/$^/`); only a path equal to the pattern
        // still matches (`Glob::matches_chars`).
        return Some(vec![Tok::Class { negated: false, items: Vec::new() }]);
    }
    Some(tokens)
}

/// picomatch's `parse.fastpaths` for bodies made of `*`, `.*`, `*.*`, `*/*`, `**`, `**/*`,
/// `**/*.*` or `**/.*` followed by `.word` extensions.
fn fastpath(body: &str) -> Option<Vec<Tok>> {
    if !(body.starts_with('.') || body.starts_with('*')) {
        return None;
    }
    let star_nonempty = || vec![Tok::NonEmpty, Tok::Star];
    let globstar_dir = || Tok::Alt(vec![vec![], vec![Tok::Any, Tok::Lit('/')]]);
    let base: Vec<Tok> = match body {
        "*" => star_nonempty(),
        ".*" => vec![Tok::Lit('.'), Tok::NonEmpty, Tok::Star],
        "*.*" => vec![Tok::Star, Tok::Lit('.'), Tok::NonEmpty, Tok::Star],
        "*/*" => vec![Tok::Star, Tok::Lit('/'), Tok::NonEmpty, Tok::Star],
        "**" => vec![Tok::Any],
        "**/*" => vec![globstar_dir(), Tok::NonEmpty, Tok::Star],
        "**/*.*" => vec![globstar_dir(), Tok::Star, Tok::Lit('.'), Tok::NonEmpty, Tok::Star],
        "**/.*" => vec![globstar_dir(), Tok::Lit('.'), Tok::NonEmpty, Tok::Star],
        _ => {
            let dot = body.rfind('.')?;
            let ext = &body[dot + 1..];
            if ext.is_empty() || !ext.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return None;
            }
            let mut tokens = fastpath(&body[..dot])?;
            tokens.push(Tok::Lit('.'));
            tokens.extend(ext.chars().map(Tok::Lit));
            return Some(tokens);
        }
    };
    Some(base)
}

/// Recursive-descent glob parser over the pattern's characters.
struct Parser<'a> {
    chars: &'a [char],
    pos: usize,
    /// picomatch's `posix` option: `[!x]` negates like `[^x]`.
    posix: bool,
    /// The openers (`{`, `(`, an extglob's operator) found unclosed, by position: parsing one
    /// depends only on where it starts, so a second attempt is read as the literal at once.
    unclosed: HashSet<(usize, char)>,
    /// Steps left ([`PARSE_STEPS_PER_CHAR`]); at 0 the parse stops, and the pattern is too
    /// complex.
    steps: usize,
    /// Groups, braces and extglobs open around the current position.
    depth: usize,
}

impl<'a> Parser<'a> {
    fn new(chars: &'a [char], posix: bool) -> Parser<'a> {
        Parser { chars, pos: 0, posix, unclosed: HashSet::new(), steps: PARSE_STEPS_PER_CHAR * chars.len() + 1000, depth: 0 }
    }

    /// [`Self::sequence`] one level deeper; past [`MAX_NESTING`] the parse stops (no steps left).
    fn nested(&mut self, stops: &[char]) -> Vec<Tok> {
        if self.depth >= MAX_NESTING {
            self.steps = 0;
            return Vec::new();
        }
        self.depth += 1;
        let inner = self.sequence(stops, false);
        self.depth -= 1;
        inner
    }

    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos + ahead).copied()
    }

    /// Parses until one of `stops` (not consumed) or the end. `top` is true outside groups.
    fn sequence(&mut self, stops: &[char], top: bool) -> Vec<Tok> {
        let start = self.pos;
        let mut out: Vec<Tok> = Vec::new();
        while let Some(c) = self.peek(0) {
            if stops.contains(&c) || self.steps == 0 {
                break;
            }
            self.steps -= 1;
            match c {
                '\\' => {
                    self.pos += 1;
                    match self.peek(0) {
                        Some(next) => {
                            out.push(Tok::Lit(next));
                            self.pos += 1;
                        }
                        None => out.push(Tok::Lit('\\')),
                    }
                }
                '?' if self.peek(1) == Some('(') => self.extglob(&mut out, '?'),
                '@' | '+' | '!' if self.peek(1) == Some('(') => self.extglob(&mut out, c),
                '?' => {
                    out.push(Tok::One);
                    self.pos += 1;
                }
                '*' => self.stars(&mut out, start, top),
                '[' => self.bracket(&mut out),
                '{' => self.brace(&mut out),
                '(' => self.group(&mut out),
                _ => {
                    out.push(Tok::Lit(c));
                    self.pos += 1;
                }
            }
        }
        out
    }

    /// A run of `*`: a globstar when it is exactly `**` filling a whole segment.
    fn stars(&mut self, out: &mut Vec<Tok>, seq_start: usize, top: bool) {
        let run_start = self.pos;
        while self.peek(0) == Some('*') {
            self.pos += 1;
        }
        let count = self.pos - run_start;
        if self.peek(0) == Some('(') && self.peek(1) != Some('?') {
            // The last star opens a `*(..)` extglob.
            if count > 1 {
                out.push(Tok::Star);
            }
            self.pos -= 1;
            self.extglob(out, '*');
            return;
        }
        let prev = if run_start == seq_start { None } else { Some(self.chars[run_start - 1]) };
        let at_segment_start = prev.is_none() || prev == Some('/');
        let next = self.peek(0);
        if count != 2 || !at_segment_start {
            out.push(Tok::Star);
            return;
        }
        if !top {
            // Inside braces or extglobs: a globstar unless text follows it directly.
            match next {
                None | Some('/' | ',' | '}' | '|' | ')') => out.push(Tok::Any),
                _ => out.push(Tok::Star),
            }
            return;
        }
        // Collapse `**/**/...` into one globstar.
        while self.peek(0) == Some('/')
            && self.peek(1) == Some('*')
            && self.peek(2) == Some('*')
            && matches!(self.peek(3), None | Some('/'))
        {
            self.pos += 3;
        }
        let next = self.peek(0);
        let bos = run_start == seq_start;
        // The slash before a `/**` (already emitted) and whether a `*` precedes that slash.
        let slash_not_first = !bos && run_start >= seq_start + 2;
        let after_star = slash_not_first && self.chars[run_start - 2] == '*';
        match next {
            None if bos => out.push(Tok::Any),
            None if slash_not_first && !after_star => {
                out.pop();
                out.push(Tok::Alt(vec![vec![Tok::Lit('/'), Tok::Any], vec![Tok::End]]));
            }
            Some('/') if slash_not_first => {
                self.pos += 1;
                out.pop();
                let mut alts = vec![vec![Tok::Lit('/'), Tok::Any, Tok::Lit('/')], vec![Tok::Lit('/')]];
                if self.peek(0).is_some() {
                    alts.push(vec![Tok::End]);
                }
                out.push(Tok::Alt(alts));
            }
            Some('/') if bos => {
                self.pos += 1;
                out.push(Tok::Alt(vec![vec![], vec![Tok::Lit('/')], vec![Tok::Any, Tok::Lit('/')]]));
            }
            None | Some('/' | '{') => out.push(Tok::Any),
            // Text after `**` turns the globstar back into a star.
            Some(_) => out.push(Tok::Star),
        }
    }

    /// `[...]` as picomatch builds it: a JS character class (`^` negates, `!` only with `posix`;
    /// a negated class never matches `/`), which also matches its own text literally when it
    /// holds no regex-special character. Without a `]` further on, `[` is literal.
    fn bracket(&mut self, out: &mut Vec<Tok>) {
        let open = self.pos;
        if !self.chars[open + 1..].contains(&']') {
            out.push(Tok::Lit('['));
            self.pos = open + 1;
            return;
        }
        let mut i = open + 1;
        let mut negated = false;
        if self.chars.get(i) == Some(&'^') || (self.posix && self.chars.get(i) == Some(&'!')) {
            negated = true;
            i += 1;
        }
        let mut items: Vec<ClassItem> = Vec::new();
        let first = i;
        loop {
            let Some(&c) = self.chars.get(i) else {
                out.push(Tok::Lit('['));
                self.pos = open + 1;
                return;
            };
            if c == ']' && i > first {
                break;
            }
            if c == '[' && self.chars.get(i + 1) == Some(&':') {
                if let Some(len) = self.chars[i + 2..].windows(2).position(|w| w == [':', ']']) {
                    let name: String = self.chars[i + 2..i + 2 + len].iter().collect();
                    if let Some(f) = posix_class(&name) {
                        items.push(ClassItem::Posix(f));
                        i += len + 4;
                        continue;
                    }
                }
            }
            let (lo, next) = if c == '\\' && i + 1 < self.chars.len() { (self.chars[i + 1], i + 2) } else { (c, i + 1) };
            if self.chars.get(next) == Some(&'-') && self.chars.get(next + 1).is_some_and(|&h| h != ']') {
                let (hi, after) = if self.chars[next + 1] == '\\' && next + 2 < self.chars.len() {
                    (self.chars[next + 2], next + 3)
                } else {
                    (self.chars[next + 1], next + 2)
                };
                items.push(ClassItem::Range(lo, hi));
                i = after;
            } else {
                items.push(ClassItem::Char(lo));
                i = next;
            }
        }
        let class = Tok::Class { negated, items };
        let content = &self.chars[open + 1..i];
        if negated || content.iter().any(|c| "-*+?.^${}(|)[]".contains(*c)) {
            out.push(class);
        } else {
            let literal: Vec<Tok> = self.chars[open..=i].iter().map(|&c| Tok::Lit(c)).collect();
            out.push(Tok::Alt(vec![literal, vec![class]]));
        }
        self.pos = i + 1;
    }

    /// `(a|b)` outside an extglob: a plain group. Unclosed, `(` is literal.
    fn group(&mut self, out: &mut Vec<Tok>) {
        let open = self.pos;
        self.pos += 1;
        if self.unclosed.contains(&(open, '(')) {
            out.push(Tok::Lit('('));
            return;
        }
        let mut alts: Vec<Vec<Tok>> = Vec::new();
        loop {
            alts.push(self.nested(&['|', ')']));
            match self.peek(0) {
                Some('|') => self.pos += 1,
                Some(')') => {
                    self.pos += 1;
                    out.push(Tok::Alt(alts));
                    return;
                }
                _ => {
                    self.unclosed.insert((open, '('));
                    self.pos = open + 1;
                    out.push(Tok::Lit('('));
                    return;
                }
            }
        }
    }

    /// `{a,b}` / `{x..y}`; without a comma or a range it stays literal.
    fn brace(&mut self, out: &mut Vec<Tok>) {
        let open = self.pos;
        self.pos += 1;
        if self.unclosed.contains(&(open, '{')) {
            out.push(Tok::Lit('{'));
            return;
        }
        let mut alts: Vec<Vec<Tok>> = Vec::new();
        loop {
            let alt = self.nested(&[',', '}']);
            alts.push(alt);
            match self.peek(0) {
                Some(',') => self.pos += 1,
                Some('}') => {
                    self.pos += 1;
                    break;
                }
                _ => {
                    // Unterminated: read on as a literal `{` (the pattern then matches nothing,
                    // see `compile`).
                    self.unclosed.insert((open, '{'));
                    self.pos = open + 1;
                    out.push(Tok::Lit('{'));
                    return;
                }
            }
        }
        if alts.len() > 1 {
            out.push(Tok::Alt(alts));
            return;
        }
        let inner: String = self.chars[open + 1..self.pos - 1].iter().collect();
        if let Some((lo, hi)) = inner.split_once("..") {
            // picomatch: `[${[lo, hi, ...].sort().join('-')}]`.
            let mut args: Vec<&str> = std::iter::once(lo).chain(hi.split("..")).collect();
            args.sort_unstable();
            let class: Vec<char> = format!("[{}]", args.join("-")).chars().collect();
            let mut sub = Parser::new(&class, self.posix);
            let before = out.len();
            sub.bracket(out);
            if sub.pos == class.len() && out.len() == before + 1 {
                return;
            }
            out.truncate(before);
        }
        // A single member: the braces are literal, their content is not.
        out.push(Tok::Lit('{'));
        out.extend(alts.into_iter().flatten());
        out.push(Tok::Lit('}'));
    }

    /// `@(a|b)`, `?(..)`, `*(..)`, `+(..)`, `!(..)`.
    fn extglob(&mut self, out: &mut Vec<Tok>, kind: char) {
        let open = self.pos;
        // Unterminated: the operator is a literal character.
        let unclosed = |out: &mut Vec<Tok>| {
            out.push(match kind {
                '*' => Tok::Star,
                '?' => Tok::One,
                c => Tok::Lit(c),
            })
        };
        if self.unclosed.contains(&(open, kind)) {
            self.pos = open + 1;
            unclosed(out);
            return;
        }
        self.pos += 2;
        let mut alts: Vec<Vec<Tok>> = Vec::new();
        loop {
            alts.push(self.nested(&['|', ')']));
            match self.peek(0) {
                Some('|') => self.pos += 1,
                Some(')') => {
                    self.pos += 1;
                    break;
                }
                _ => {
                    self.unclosed.insert((open, kind));
                    self.pos = open + 1;
                    unclosed(out);
                    return;
                }
            }
        }
        let tok = match kind {
            '@' => Tok::Alt(alts),
            '?' => Tok::Repeat { min: 0, max: Some(1), alts },
            '*' => Tok::Repeat { min: 0, max: None, alts },
            '+' => Tok::Repeat { min: 1, max: None, alts },
            _ => {
                let inner: String = self.chars[open + 2..self.pos - 1].iter().collect();
                let any = inner.chars().count() > 1 && inner.contains('/');
                let remaining = &self.chars[self.pos..];
                let mut look = vec![Tok::Alt(alts)];
                if any || remaining.is_empty() || remaining.iter().all(|&c| c == ')') {
                    look.push(Tok::End);
                }
                Tok::NotAhead { look, any }
            }
        };
        out.push(tok);
    }
}

fn posix_class(name: &str) -> Option<fn(char) -> bool> {
    Some(match name {
        "alnum" => |c: char| c.is_ascii_alphanumeric(),
        "alpha" => |c: char| c.is_ascii_alphabetic(),
        "ascii" => |c: char| c.is_ascii(),
        "blank" => |c: char| c == ' ' || c == '\t',
        "cntrl" => |c: char| c.is_ascii_control(),
        "digit" => |c: char| c.is_ascii_digit(),
        "graph" => |c: char| c.is_ascii_graphic(),
        "lower" => |c: char| c.is_ascii_lowercase(),
        "print" => |c: char| c.is_ascii_graphic() || c == ' ',
        "punct" => |c: char| c.is_ascii_punctuation(),
        "space" => |c: char| matches!(c, ' ' | '\t' | '\r' | '\n' | '\x0b' | '\x0c'),
        "upper" => |c: char| c.is_ascii_uppercase(),
        "word" => |c: char| c.is_ascii_alphanumeric() || c == '_',
        "xdigit" => |c: char| c.is_ascii_hexdigit(),
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------------
// Zip
// ---------------------------------------------------------------------------------------------

/// One file to put in a zip.
#[derive(Debug, Clone, Copy)]
pub struct ZipEntry<'a> {
    /// The entry name: a relative, `/`-separated path.
    pub path: &'a str,
    /// Whether the file has its owner-execute bit (`mode & 0o100`): mode `0o755`, else `0o644`.
    pub executable: bool,
    /// The file's content.
    pub data: &'a [u8],
}

/// MS-DOS date/time of `new Date(0)` clamped by compress-commons: 1980-01-01 00:00:00.
const DOS_EPOCH: u32 = 0x0021_0000;
/// "Version made by": unix (3) << 8 | zip spec 4.5.
const VERSION_MADE_BY: u16 = 0x032D;
/// "Version needed to extract" with a data descriptor.
const VERSION_NEEDED: u16 = 20;
const VERSION_ZIP64: u16 = 45;
const FLAG_DATA_DESCRIPTOR: u16 = 0x0008;
const FLAG_UTF8: u16 = 0x0800;
const S_IFREG: u32 = 0o100_000;
/// MS-DOS "archive" attribute, which compress-commons sets on files.
const DOS_ARCHIVE: u32 = 0x20;
const ZIP64_MAGIC: u64 = 0xFFFF_FFFF;

/// archiver's `sanitizePath` (also applied again by `ZipArchiveEntry.setName`): `\` becomes `/`,
/// repeated slashes collapse, a leading `word:` is dropped, then leading `../` and `/` go.
fn sanitize_name(path: &str) -> String {
    let mut name = String::with_capacity(path.len());
    for c in path.chars() {
        let c = if c == '\\' { '/' } else { c };
        if c == '/' && name.ends_with('/') {
            continue;
        }
        name.push(c);
    }
    for _ in 0..2 {
        let word = name.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'));
        if let Some(end) = word {
            if end > 0 && name[end..].starts_with(':') {
                name.drain(..=end);
            }
        }
        loop {
            if let Some(rest) = name.strip_prefix("../") {
                name = rest.to_string();
            } else if let Some(rest) = name.strip_prefix('/') {
                name = rest.to_string();
            } else {
                break;
            }
        }
    }
    name
}

/// The zip Serverless v3 writes for these files (see the module docs for the format).
/// Entries with an empty `path` after sanitizing are skipped (archiver rejects them).
pub fn build_zip(entries: &[ZipEntry]) -> Vec<u8> {
    build_zip_with(entries, &mut |_| {})
}

/// [`build_zip`], calling `progress` with the uncompressed bytes compressed so far after each
/// entry (the last call has the total).
pub fn build_zip_with(entries: &[ZipEntry], progress: &mut dyn FnMut(u64)) -> Vec<u8> {
    let contents: Vec<&[u8]> = entries.iter().map(|e| e.data).collect();
    let packed = pack_all(&mut Packer::default(), &contents, 1, progress);
    let entries: Vec<PackedEntry> =
        entries.iter().zip(&packed).map(|(e, p)| PackedEntry { path: e.path, executable: e.executable, packed: p }).collect();
    build_zip_packed(&entries)
}

/// A file's content as a zip stores it: checksummed and compressed once, then written into any
/// number of archives (a service packaged function by function puts the same files into each
/// function's zip). The bytes depend only on the content.
#[derive(Debug, Clone)]
pub struct Packed {
    /// The uncompressed size.
    pub size: u64,
    crc: u32,
    /// 8 (deflate), or 0 (stored) for an empty file, as compress-commons does.
    method: u16,
    body: Vec<u8>,
}

/// Compresses contents into [`Packed`] entries, reusing its buffers from one to the next.
#[derive(Default)]
pub struct Packer {
    scratch: DeflateScratch,
    /// Bytes checksummed so far: past [`CRC_TABLE_BYTES`], `crc32fast` pays for its start.
    checksummed: usize,
}

impl Packer {
    pub fn pack(&mut self, data: &[u8]) -> Packed {
        let (method, body) = if data.is_empty() { (0u16, Vec::new()) } else { (8u16, deflate_raw_with(data, &mut self.scratch)) };
        let crc = if self.checksummed + data.len() >= CRC_TABLE_BYTES { crc32fast::hash(data) } else { crc32_table(data) };
        self.checksummed += data.len();
        Packed { size: data.len() as u64, crc, method, body }
    }

    /// [`Packer::pack`] of each content in order, telling `packed` each one's size.
    fn pack_each(&mut self, contents: &[&[u8]], mut packed: impl FnMut(u64)) -> Vec<Packed> {
        contents
            .iter()
            .map(|d| {
                let p = self.pack(d);
                packed(p.size);
                p
            })
            .collect()
    }
}

/// Below this many bytes (1 MB) to compress, callers of [`pack_all`] should ask for one thread:
/// on two cores a second thread saved 15 % of a whole build at 1 MB of files, 30-35 % at
/// 2-4 MB, and nothing measurable at 0.25 MB, where its start and its own malloc arena cost
/// about what it saves (BENCHMARKS.md, ninth session).
pub const PARALLEL_MIN_BYTES: u64 = 1_000_000;

/// [`Packer::pack`] of each content, in order, on up to `workers` threads (the result is the
/// same for any number). `progress` gets the bytes compressed so far, on the calling thread,
/// and last the total.
pub fn pack_all(packer: &mut Packer, contents: &[&[u8]], workers: usize, progress: &mut dyn FnMut(u64)) -> Vec<Packed> {
    let total: u64 = contents.iter().map(|d| d.len() as u64).sum();
    let workers = workers.clamp(1, contents.len().max(1));
    if workers == 1 {
        let mut done = 0u64;
        return packer.pack_each(contents, |n| {
            done += n;
            progress(done);
        });
    }
    // Contiguous runs of about equal bytes, one per thread; the calling thread takes the first.
    let mut runs: Vec<&[&[u8]]> = Vec::with_capacity(workers);
    let (mut start, mut sum) = (0usize, 0u64);
    for (i, d) in contents.iter().enumerate() {
        sum += d.len() as u64;
        if sum * workers as u64 >= total * (runs.len() as u64 + 1) && runs.len() + 1 < workers {
            runs.push(&contents[start..=i]);
            start = i + 1;
        }
    }
    runs.push(&contents[start..]);
    let done = std::sync::atomic::AtomicU64::new(0);
    let add = |n: u64| done.fetch_add(n, std::sync::atomic::Ordering::Relaxed) + n;
    std::thread::scope(|scope| {
        let others: Vec<_> = runs[1..]
            .iter()
            .map(|run| {
                let add = &add;
                scope.spawn(move || {
                    Packer::default().pack_each(run, |n| {
                        add(n);
                    })
                })
            })
            .collect();
        let mut out = packer.pack_each(runs[0], |n| progress(add(n)));
        for handle in others {
            // A worker only compresses; it has nothing that panics on any input.
            out.extend(handle.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
        }
        progress(total);
        out
    })
}

/// One already-compressed file to put in a zip.
#[derive(Debug, Clone, Copy)]
pub struct PackedEntry<'a> {
    /// The entry name: a relative, `/`-separated path.
    pub path: &'a str,
    /// Whether the file has its owner-execute bit: mode `0o755`, else `0o644`.
    pub executable: bool,
    pub packed: &'a Packed,
}

/// [`build_zip`] of entries compressed beforehand: the same bytes.
pub fn build_zip_packed(entries: &[PackedEntry]) -> Vec<u8> {
    let mut order: Vec<&PackedEntry> = entries.iter().collect();
    order.sort_by(|a, b| locale_compare(a.path, b.path));

    struct Central {
        name: Vec<u8>,
        flags: u16,
        method: u16,
        crc: u32,
        csize: u64,
        size: u64,
        mode: u32,
        offset: u64,
    }

    let mut out: Vec<u8> = Vec::with_capacity(order.iter().map(|e| e.packed.body.len() + 2 * e.path.len() + 110).sum::<usize>() + 22);
    let mut central: Vec<Central> = Vec::with_capacity(order.len());
    for entry in order {
        let name = sanitize_name(entry.path);
        if name.is_empty() {
            continue;
        }
        let Packed { size, crc, method, ref body } = *entry.packed;
        let flags = FLAG_DATA_DESCRIPTOR | if name.is_ascii() { 0 } else { FLAG_UTF8 };
        let offset = out.len() as u64;
        // Local file header; CRC and sizes follow in the data descriptor.
        put32(&mut out, 0x0403_4b50);
        put16(&mut out, VERSION_NEEDED);
        put16(&mut out, flags);
        put16(&mut out, method);
        put32(&mut out, DOS_EPOCH);
        put32(&mut out, 0);
        put32(&mut out, 0);
        put32(&mut out, 0);
        put16(&mut out, name.len() as u16);
        put16(&mut out, 0);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(body);
        // Data descriptor.
        let csize = body.len() as u64;
        put32(&mut out, 0x0807_4b50);
        put32(&mut out, crc);
        if csize > ZIP64_MAGIC || size > ZIP64_MAGIC {
            put64(&mut out, csize);
            put64(&mut out, size);
        } else {
            put32(&mut out, csize as u32);
            put32(&mut out, size as u32);
        }
        let mode = if entry.executable { 0o755 } else { 0o644 };
        central.push(Central { name: name.into_bytes(), flags, method, crc, csize, size, mode, offset });
    }

    let central_offset = out.len() as u64;
    for e in &central {
        let zip64 = e.csize > ZIP64_MAGIC || e.size > ZIP64_MAGIC || e.offset > ZIP64_MAGIC;
        let mut extra: Vec<u8> = Vec::new();
        if zip64 {
            put16(&mut extra, 0x0001);
            put16(&mut extra, 24);
            put64(&mut extra, e.size);
            put64(&mut extra, e.csize);
            put64(&mut extra, e.offset);
        }
        put32(&mut out, 0x0201_4b50);
        put16(&mut out, VERSION_MADE_BY);
        put16(&mut out, if zip64 { VERSION_ZIP64 } else { VERSION_NEEDED });
        put16(&mut out, e.flags);
        put16(&mut out, e.method);
        put32(&mut out, DOS_EPOCH);
        put32(&mut out, e.crc);
        put32(&mut out, if zip64 { ZIP64_MAGIC as u32 } else { e.csize as u32 });
        put32(&mut out, if zip64 { ZIP64_MAGIC as u32 } else { e.size as u32 });
        put16(&mut out, e.name.len() as u16);
        put16(&mut out, extra.len() as u16);
        put16(&mut out, 0); // comment length
        put16(&mut out, 0); // disk number
        put16(&mut out, 0); // internal attributes
        put32(&mut out, ((S_IFREG | e.mode) << 16) | DOS_ARCHIVE);
        put32(&mut out, e.offset.min(ZIP64_MAGIC) as u32);
        out.extend_from_slice(&e.name);
        out.extend_from_slice(&extra);
    }
    let central_len = out.len() as u64 - central_offset;
    let count = central.len() as u64;

    let zip64 = count > 0xFFFF || central_len > ZIP64_MAGIC || central_offset > ZIP64_MAGIC;
    if zip64 {
        put32(&mut out, 0x0606_4b50);
        put64(&mut out, 44);
        put16(&mut out, VERSION_ZIP64);
        put16(&mut out, VERSION_ZIP64);
        put32(&mut out, 0);
        put32(&mut out, 0);
        put64(&mut out, count);
        put64(&mut out, count);
        put64(&mut out, central_len);
        put64(&mut out, central_offset);
        put32(&mut out, 0x0706_4b50);
        put32(&mut out, 0);
        put64(&mut out, central_offset + central_len);
        put32(&mut out, 1);
    }
    put32(&mut out, 0x0605_4b50);
    put16(&mut out, 0);
    put16(&mut out, 0);
    let records = if zip64 { 0xFFFF } else { count as u16 };
    put16(&mut out, records);
    put16(&mut out, records);
    put32(&mut out, if zip64 { ZIP64_MAGIC as u32 } else { central_len as u32 });
    put32(&mut out, if zip64 { ZIP64_MAGIC as u32 } else { central_offset as u32 });
    put16(&mut out, 0);
    out
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// The entries of a zip and their uncompressed sizes, read from its central directory (zip64
/// sizes too); `None` when the bytes are not a zip cfgen can read.
pub fn zip_listing(bytes: &[u8]) -> Option<Vec<(String, u64)>> {
    let u16_at = |i: usize| bytes.get(i..i + 2).map(|b| u16::from_le_bytes([b[0], b[1]]));
    let u32_at = |i: usize| bytes.get(i..i + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
    let u64_at = |i: usize| bytes.get(i..i + 8).map(|b| u64::from_le_bytes(b.try_into().unwrap_or([0; 8])));
    // The end of central directory record: in the last 64 KiB + 22 bytes.
    let min = bytes.len().saturating_sub(22 + 0xFFFF);
    let eocd = (min..=bytes.len().saturating_sub(22)).rev().find(|&i| u32_at(i) == Some(0x0605_4b50))?;
    let mut count = u64::from(u16_at(eocd + 10)?);
    let mut offset = u64::from(u32_at(eocd + 16)?);
    if count == 0xFFFF || offset == ZIP64_MAGIC {
        // The zip64 end of central directory, through its locator just before the EOCD.
        let locator = eocd.checked_sub(20)?;
        if u32_at(locator)? != 0x0706_4b50 {
            return None;
        }
        let z = usize::try_from(u64_at(locator + 8)?).ok()?;
        if u32_at(z)? != 0x0606_4b50 {
            return None;
        }
        count = u64_at(z + 32)?;
        offset = u64_at(z + 48)?;
    }
    let mut at = usize::try_from(offset).ok()?;
    let mut out = Vec::new();
    for _ in 0..count {
        if u32_at(at)? != 0x0201_4b50 {
            return None;
        }
        let mut size = u64::from(u32_at(at + 24)?);
        let name_len = usize::from(u16_at(at + 28)?);
        let extra_len = usize::from(u16_at(at + 30)?);
        let comment_len = usize::from(u16_at(at + 32)?);
        let name = String::from_utf8_lossy(bytes.get(at + 46..at + 46 + name_len)?).into_owned();
        if size == ZIP64_MAGIC {
            // The zip64 extra field: the uncompressed size comes first.
            let mut e = at + 46 + name_len;
            let end = e + extra_len;
            while e + 4 <= end {
                let (id, len) = (u16_at(e)?, usize::from(u16_at(e + 2)?));
                if id == 0x0001 {
                    size = u64_at(e + 4)?;
                    break;
                }
                e += 4 + len;
            }
        }
        if !name.ends_with('/') {
            out.push((name, size));
        }
        at += 46 + name_len + extra_len + comment_len;
    }
    Some(out)
}

/// base64(sha256(bytes)) — Lambda's `CodeSha256`.
pub fn code_sha256(bytes: &[u8]) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(bytes))
}

// ---------------------------------------------------------------------------------------------
// DEFLATE as Node 20's zlib (Chromium zlib 1.3.1) writes it: raw stream, level 1,
// windowBits 15, memLevel 8, default strategy, all input given at once with Z_FINISH.
// ---------------------------------------------------------------------------------------------

const W_SIZE: usize = 1 << 15;
const W_MASK: usize = W_SIZE - 1;
const WINDOW_SIZE: usize = 2 * W_SIZE;
/// Chromium allocates `2 * (w_size + 8)` window bytes (the hash reads 4 bytes at a time).
const WINDOW_ALLOC: usize = 2 * (W_SIZE + 8);
const HASH_BITS: u32 = 15;
const HASH_SIZE: usize = 1 << HASH_BITS;
const HASH_MASK: u32 = (HASH_SIZE - 1) as u32;
const MIN_MATCH: usize = 3;
const MAX_MATCH: usize = 258;
const MIN_LOOKAHEAD: usize = MAX_MATCH + MIN_MATCH + 1;
const MAX_DIST: usize = W_SIZE - MIN_LOOKAHEAD;
const WIN_INIT: usize = MAX_MATCH;
/// Level 1 of zlib's configuration table: `{good 4, lazy 4, nice 8, chain 4, deflate_fast}`.
const MAX_CHAIN: u32 = 4;
const NICE_MATCH: usize = 8;
const MAX_INSERT_LENGTH: usize = 4;
/// `lit_bufsize = 1 << (memLevel + 6)`; a block ends after `lit_bufsize - 1` symbols.
const SYM_END: usize = (1 << 14) - 1;

const LENGTH_CODES: usize = 29;
const LITERALS: usize = 256;
const L_CODES: usize = LITERALS + 1 + LENGTH_CODES;
const D_CODES: usize = 30;
const BL_CODES: usize = 19;
const HEAP_SIZE: usize = 2 * L_CODES + 1;
const MAX_BITS: usize = 15;
const MAX_BL_BITS: usize = 7;
const END_BLOCK: usize = 256;
const REP_3_6: usize = 16;
const REPZ_3_10: usize = 17;
const REPZ_11_138: usize = 18;

const EXTRA_LBITS: [u8; LENGTH_CODES] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const EXTRA_DBITS: [u8; D_CODES] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
const EXTRA_BLBITS: [u8; BL_CODES] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 3, 7];
const BL_ORDER: [u8; BL_CODES] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/// A Huffman tree node as zlib's `ct_data`: `fc` is the frequency, later the code; `dl` is the
/// parent ("dad"), later the bit length.
#[derive(Debug, Clone, Copy, Default)]
struct Ct {
    fc: u16,
    dl: u16,
}

/// The static tables of trees.c (`tr_static_init`).
struct Tables {
    static_ltree: [Ct; L_CODES + 2],
    static_dtree: [Ct; D_CODES],
    dist_code: [u8; 512],
    length_code: [u8; 256],
    base_length: [u8; LENGTH_CODES],
    base_dist: [u16; D_CODES],
}

fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut t = Tables {
            static_ltree: [Ct::default(); L_CODES + 2],
            static_dtree: [Ct::default(); D_CODES],
            dist_code: [0; 512],
            length_code: [0; 256],
            base_length: [0; LENGTH_CODES],
            base_dist: [0; D_CODES],
        };
        let mut length = 0usize;
        let mut code = 0usize;
        while code < LENGTH_CODES - 1 {
            t.base_length[code] = length as u8;
            for _ in 0..(1 << EXTRA_LBITS[code]) {
                t.length_code[length] = code as u8;
                length += 1;
            }
            code += 1;
        }
        // Length 258 has two codes; zlib uses the shorter one (285).
        t.length_code[length - 1] = code as u8;
        // Distances: codes 0..16 one by one, the rest in units of 128 (from index 256).
        let mut dist = 0usize;
        for (code, &extra) in EXTRA_DBITS.iter().enumerate() {
            if code == 16 {
                dist >>= 7;
            }
            if code < 16 {
                t.base_dist[code] = dist as u16;
                for _ in 0..(1 << extra) {
                    t.dist_code[dist] = code as u8;
                    dist += 1;
                }
            } else {
                t.base_dist[code] = (dist << 7) as u16;
                for _ in 0..(1 << (extra - 7)) {
                    t.dist_code[256 + dist] = code as u8;
                    dist += 1;
                }
            }
        }
        let mut bl_count = [0u16; MAX_BITS + 1];
        for (n, node) in t.static_ltree.iter_mut().enumerate() {
            let len = match n {
                0..=143 => 8,
                144..=255 => 9,
                256..=279 => 7,
                _ => 8,
            };
            node.dl = len;
            bl_count[len as usize] += 1;
        }
        gen_codes(&mut t.static_ltree, L_CODES + 1, &bl_count);
        for (n, node) in t.static_dtree.iter_mut().enumerate() {
            node.dl = 5;
            node.fc = bi_reverse(n as u32, 5) as u16;
        }
        t
    })
}

fn d_code(t: &Tables, dist: usize) -> usize {
    if dist < 256 {
        usize::from(t.dist_code[dist])
    } else {
        usize::from(t.dist_code[256 + (dist >> 7)])
    }
}

fn bi_reverse(code: u32, len: u32) -> u32 {
    code.reverse_bits() >> (32 - len)
}

/// `gen_codes`: assigns the canonical codes (bit-reversed) for the lengths in `tree[..].dl`.
fn gen_codes(tree: &mut [Ct], max_code: usize, bl_count: &[u16; MAX_BITS + 1]) {
    let mut next_code = [0u16; MAX_BITS + 1];
    let mut code: u32 = 0;
    for bits in 1..=MAX_BITS {
        code = (code + u32::from(bl_count[bits - 1])) << 1;
        next_code[bits] = code as u16;
    }
    for node in tree.iter_mut().take(max_code + 1) {
        let len = usize::from(node.dl);
        if len == 0 {
            continue;
        }
        node.fc = bi_reverse(u32::from(next_code[len]), len as u32) as u16;
        next_code[len] = next_code[len].wrapping_add(1);
    }
}

/// The static description of one tree kind (`static_tree_desc`).
struct StaticDesc {
    static_tree: Option<&'static [Ct]>,
    extra_bits: &'static [u8],
    extra_base: usize,
    elems: usize,
    max_length: usize,
}

/// The shared state `build_tree` works with (heap, depths, bit-length counts, block lengths).
struct TreeState {
    heap: [usize; HEAP_SIZE],
    heap_len: usize,
    heap_max: usize,
    depth: [u8; HEAP_SIZE],
    bl_count: [u16; MAX_BITS + 1],
    opt_len: u64,
    static_len: u64,
}

fn smaller(tree: &[Ct], n: usize, m: usize, depth: &[u8; HEAP_SIZE]) -> bool {
    tree[n].fc < tree[m].fc || (tree[n].fc == tree[m].fc && depth[n] <= depth[m])
}

impl TreeState {
    fn pqdownheap(&mut self, tree: &[Ct], mut k: usize) {
        let v = self.heap[k];
        let mut j = k << 1;
        while j <= self.heap_len {
            if j < self.heap_len && smaller(tree, self.heap[j + 1], self.heap[j], &self.depth) {
                j += 1;
            }
            if smaller(tree, v, self.heap[j], &self.depth) {
                break;
            }
            self.heap[k] = self.heap[j];
            k = j;
            j <<= 1;
        }
        self.heap[k] = v;
    }

    /// `gen_bitlen`: bit lengths from the tree, limited to `max_length`; updates the block sizes.
    fn gen_bitlen(&mut self, tree: &mut [Ct], max_code: usize, desc: &StaticDesc) {
        self.bl_count = [0; MAX_BITS + 1];
        tree[self.heap[self.heap_max]].dl = 0;
        let mut overflow: i32 = 0;
        let mut h = self.heap_max + 1;
        while h < HEAP_SIZE {
            let n = self.heap[h];
            let mut bits = usize::from(tree[usize::from(tree[n].dl)].dl) + 1;
            if bits > desc.max_length {
                bits = desc.max_length;
                overflow += 1;
            }
            tree[n].dl = bits as u16;
            h += 1;
            if n > max_code {
                continue;
            }
            self.bl_count[bits] += 1;
            let xbits = if n >= desc.extra_base { usize::from(desc.extra_bits[n - desc.extra_base]) } else { 0 };
            let f = u64::from(tree[n].fc);
            self.opt_len = self.opt_len.wrapping_add(f * (bits + xbits) as u64);
            if let Some(stree) = desc.static_tree {
                self.static_len = self.static_len.wrapping_add(f * (usize::from(stree[n].dl) + xbits) as u64);
            }
        }
        if overflow == 0 {
            return;
        }
        loop {
            let mut bits = desc.max_length - 1;
            while self.bl_count[bits] == 0 {
                bits -= 1;
            }
            self.bl_count[bits] -= 1;
            self.bl_count[bits + 1] += 2;
            self.bl_count[desc.max_length] -= 1;
            overflow -= 2;
            if overflow <= 0 {
                break;
            }
        }
        let mut h = HEAP_SIZE;
        for bits in (1..=desc.max_length).rev() {
            let mut n = self.bl_count[bits];
            while n != 0 {
                h -= 1;
                let m = self.heap[h];
                if m > max_code {
                    continue;
                }
                if usize::from(tree[m].dl) != bits {
                    let delta = (bits as u64).wrapping_sub(u64::from(tree[m].dl));
                    self.opt_len = self.opt_len.wrapping_add(delta.wrapping_mul(u64::from(tree[m].fc)));
                    tree[m].dl = bits as u16;
                }
                n -= 1;
            }
        }
    }

    /// `build_tree`: builds the Huffman tree for the frequencies in `tree`, sets the lengths and
    /// codes, and returns the largest code with a non-zero frequency (`max_code`).
    fn build_tree(&mut self, tree: &mut [Ct], desc: &StaticDesc) -> usize {
        let elems = desc.elems;
        let mut max_code: isize = -1;
        self.heap_len = 0;
        self.heap_max = HEAP_SIZE;
        for (n, node) in tree.iter_mut().enumerate().take(elems) {
            if node.fc != 0 {
                self.heap_len += 1;
                self.heap[self.heap_len] = n;
                max_code = n as isize;
                self.depth[n] = 0;
            } else {
                node.dl = 0;
            }
        }
        // At least two codes of non-zero frequency, so that the tree is valid.
        while self.heap_len < 2 {
            let node = if max_code < 2 {
                max_code += 1;
                max_code as usize
            } else {
                0
            };
            self.heap_len += 1;
            self.heap[self.heap_len] = node;
            tree[node].fc = 1;
            self.depth[node] = 0;
            self.opt_len = self.opt_len.wrapping_sub(1);
            if let Some(stree) = desc.static_tree {
                self.static_len = self.static_len.wrapping_sub(u64::from(stree[node].dl));
            }
        }
        let max_code = max_code as usize;
        for n in (1..=self.heap_len / 2).rev() {
            self.pqdownheap(tree, n);
        }
        let mut node = elems;
        loop {
            let n = self.heap[1];
            self.heap[1] = self.heap[self.heap_len];
            self.heap_len -= 1;
            self.pqdownheap(tree, 1);
            let m = self.heap[1];
            self.heap_max -= 1;
            self.heap[self.heap_max] = n;
            self.heap_max -= 1;
            self.heap[self.heap_max] = m;
            tree[node].fc = tree[n].fc.wrapping_add(tree[m].fc);
            self.depth[node] = self.depth[n].max(self.depth[m]) + 1;
            tree[n].dl = node as u16;
            tree[m].dl = node as u16;
            self.heap[1] = node;
            node += 1;
            self.pqdownheap(tree, 1);
            if self.heap_len < 2 {
                break;
            }
        }
        self.heap_max -= 1;
        self.heap[self.heap_max] = self.heap[1];
        self.gen_bitlen(tree, max_code, desc);
        gen_codes(tree, max_code, &self.bl_count);
        max_code
    }
}

/// Eight window bytes from `i`, little-endian (one bounds check, one load).
fn load8(w: &[u8], i: usize) -> u64 {
    let b = &w[i..i + 8];
    u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
}

/// How many bytes a [`Packer`] checksums through a table before it moves to `crc32fast`.
/// `crc32fast` picks its fastest code by asking the CPU on first use (std's feature detection,
/// a series of `cpuid` instructions, each of which traps to the hypervisor in a VM), which took
/// longer than checksumming all of a small service's files with a table; past 64 KiB its
/// carry-less multiplication is the faster by far (the table loop was 30 % of compressing a
/// 4 MB `node_modules`). Both give the same CRC.
const CRC_TABLE_BYTES: usize = 1 << 16;

/// The zip's CRC-32 (IEEE), a byte at a time through a table.
fn crc32_table(data: &[u8]) -> u32 {
    !data.iter().fold(!0u32, |c, &b| CRC_TABLE[usize::from(c as u8 ^ b)] ^ (c >> 8))
}

static CRC_TABLE: [u32; 256] = {
    let mut t = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut c = n as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            k += 1;
        }
        t[n] = c;
        n += 1;
    }
    t
};

/// LSB-first bit writer (zlib's `send_bits` / `bi_windup`).
struct Bits {
    out: Vec<u8>,
    buf: u64,
    count: u32,
}

impl Bits {
    /// Appends the low `len` bits of `value` (`len` at most 32). Whole 32-bit words go out at
    /// once; fewer than 32 bits wait in `buf`, so `count + len` stays below 64.
    fn send(&mut self, value: u32, len: u32) {
        self.buf |= u64::from(value) << self.count;
        self.count += len;
        if self.count >= 32 {
            self.out.extend_from_slice(&(self.buf as u32).to_le_bytes());
            self.buf >>= 32;
            self.count -= 32;
        }
    }

    fn send_code(&mut self, c: usize, tree: &[Ct]) {
        self.send(u32::from(tree[c].fc), u32::from(tree[c].dl));
    }

    /// Writes the waiting bits, the last byte padded with zeros.
    fn windup(&mut self) {
        let bytes = self.count.div_ceil(8) as usize;
        self.out.extend_from_slice(&self.buf.to_le_bytes()[..bytes]);
        self.buf = 0;
        self.count = 0;
    }
}

/// The compressor state (`deflate_state`, the parts level 1 uses).
struct Deflater<'a> {
    input: &'a [u8],
    in_pos: usize,
    window: Vec<u8>,
    prev: Vec<u16>,
    head: Vec<u16>,
    strstart: usize,
    block_start: isize,
    lookahead: usize,
    match_start: usize,
    match_length: usize,
    insert: usize,
    high_water: usize,
    dyn_ltree: [Ct; HEAP_SIZE],
    dyn_dtree: [Ct; 2 * D_CODES + 1],
    bl_tree: [Ct; 2 * BL_CODES + 1],
    trees: TreeState,
    /// The block's symbols: (distance, literal or length - 3); distance 0 = literal.
    syms: Vec<(u16, u8)>,
    bits: Bits,
}

/// The large buffers of a [`Deflater`], kept from one zip entry to the next: allocating them
/// afresh per entry made the kernel hand out (and fault in) new zeroed pages every time, a
/// quarter of a 200-function build. Each stream starts from zeroed buffers all the same.
#[derive(Default)]
struct DeflateScratch {
    window: Vec<u8>,
    prev: Vec<u16>,
    /// All zero between streams (each stream clears what it set, [`Deflater::clear_head`]).
    head: Vec<u16>,
    syms: Vec<(u16, u8)>,
}

/// `v` at `len` items at least, keeping what an earlier stream left in it. zlib clears only
/// `head` between streams: `prev` is read only at positions this stream inserted, and the
/// window bytes past the data that `longest_match` may read are zeroed as the stream goes
/// (`high_water`), so leftovers never change the output (a test compresses with a reused
/// and a fresh state and compares).
fn sized<T: Copy + Default>(mut v: Vec<T>, len: usize) -> Vec<T> {
    if v.len() < len {
        v.resize(len, T::default());
    }
    v
}

/// How much of the window and of `prev` a stream of `len` bytes can reach. Below `W_SIZE`
/// nothing slides: the window holds the input plus the `WIN_INIT` zeroed bytes past it that
/// `longest_match` may read, and `prev` one slot per position. Most files of a service are a
/// few KB, and filling the whole 64 KiB buffers faulted in 32 pages for nothing.
fn reach(len: usize) -> (usize, usize) {
    if len < W_SIZE {
        (len + WIN_INIT + MIN_MATCH + 1, len + 1)
    } else {
        (WINDOW_ALLOC, W_SIZE)
    }
}

/// Compresses `input` into a raw DEFLATE stream byte-identical to Node 20's
/// `zlib.deflateRawSync(input, { level: 1 })`.
#[cfg(test)]
fn deflate_raw(input: &[u8]) -> Vec<u8> {
    deflate_raw_with(input, &mut DeflateScratch::default())
}

/// [`deflate_raw`] with buffers reused from `scratch`.
fn deflate_raw_with(input: &[u8], scratch: &mut DeflateScratch) -> Vec<u8> {
    let mut syms = std::mem::take(&mut scratch.syms);
    syms.clear();
    syms.reserve(SYM_END);
    let mut d = Deflater {
        input,
        in_pos: 0,
        window: sized(std::mem::take(&mut scratch.window), reach(input.len()).0),
        prev: sized(std::mem::take(&mut scratch.prev), reach(input.len()).1),
        head: sized(std::mem::take(&mut scratch.head), HASH_SIZE),
        strstart: 0,
        block_start: 0,
        lookahead: 0,
        match_start: 0,
        match_length: MIN_MATCH - 1,
        insert: 0,
        high_water: 0,
        dyn_ltree: [Ct::default(); HEAP_SIZE],
        dyn_dtree: [Ct::default(); 2 * D_CODES + 1],
        bl_tree: [Ct::default(); 2 * BL_CODES + 1],
        trees: TreeState {
            heap: [0; HEAP_SIZE],
            heap_len: 0,
            heap_max: 0,
            depth: [0; HEAP_SIZE],
            bl_count: [0; MAX_BITS + 1],
            opt_len: 0,
            static_len: 0,
        },
        syms,
        bits: Bits { out: Vec::with_capacity(input.len() / 2 + 64), buf: 0, count: 0 },
    };
    d.init_block();
    d.deflate_fast();
    d.clear_head();
    *scratch = DeflateScratch { window: d.window, prev: d.prev, head: d.head, syms: d.syms };
    d.bits.out
}

impl Deflater<'_> {
    fn init_block(&mut self) {
        for node in &mut self.dyn_ltree[..L_CODES] {
            node.fc = 0;
        }
        for node in &mut self.dyn_dtree[..D_CODES] {
            node.fc = 0;
        }
        for node in &mut self.bl_tree[..BL_CODES] {
            node.fc = 0;
        }
        self.dyn_ltree[END_BLOCK].fc = 1;
        self.trees.opt_len = 0;
        self.trees.static_len = 0;
        self.syms.clear();
    }

    /// Chromium's hash of the 4 bytes at `pos` (the "ANZAC" multiplicative hash).
    #[inline]
    fn hash(&self, pos: usize) -> usize {
        let b = &self.window[pos..pos + 4];
        let value = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        ((value.wrapping_mul(66521).wrapping_add(66521) >> 16) & HASH_MASK) as usize
    }

    /// Chromium's `insert_string`.
    fn insert_string(&mut self, pos: usize) -> usize {
        let h = self.hash(pos);
        let ret = self.head[h];
        self.prev[pos & W_MASK] = ret;
        self.head[h] = pos as u16;
        usize::from(ret)
    }

    /// Leaves `head` all zero for the next stream, as zlib's `deflateReset` makes it. A stream
    /// that never slid set only the entries of the positions it inserted, a subset of
    /// `0..input.len()` whose window bytes are unchanged, so a short one clears just those:
    /// the files of a service are mostly a few KB, and clearing all 64 KiB for each was about
    /// a quarter of the time their zip took.
    fn clear_head(&mut self) {
        let len = self.input.len();
        if len < HASH_SIZE / 4 {
            for pos in 0..len {
                let h = self.hash(pos);
                self.head[h] = 0;
            }
        } else {
            self.head.fill(0);
        }
    }

    fn slide_hash(&mut self) {
        for p in self.head.iter_mut().chain(self.prev.iter_mut()) {
            *p = if usize::from(*p) >= W_SIZE { *p - W_SIZE as u16 } else { 0 };
        }
    }

    fn fill_window(&mut self) {
        loop {
            let mut more = WINDOW_SIZE - self.lookahead - self.strstart;
            if self.strstart >= W_SIZE + MAX_DIST {
                self.window.copy_within(W_SIZE..W_SIZE + (W_SIZE - more), 0);
                self.match_start = self.match_start.wrapping_sub(W_SIZE);
                self.strstart -= W_SIZE;
                self.block_start -= W_SIZE as isize;
                if self.insert > self.strstart {
                    self.insert = self.strstart;
                }
                self.slide_hash();
                more += W_SIZE;
            }
            if self.in_pos == self.input.len() {
                break;
            }
            let n = more.min(self.input.len() - self.in_pos);
            let at = self.strstart + self.lookahead;
            self.window[at..at + n].copy_from_slice(&self.input[self.in_pos..self.in_pos + n]);
            self.in_pos += n;
            self.lookahead += n;
            if self.lookahead + self.insert > MIN_MATCH {
                let mut pos = self.strstart - self.insert;
                while self.insert != 0 {
                    self.insert_string(pos);
                    pos += 1;
                    self.insert -= 1;
                    if self.lookahead + self.insert <= MIN_MATCH {
                        break;
                    }
                }
            }
            if !(self.lookahead < MIN_LOOKAHEAD && self.in_pos < self.input.len()) {
                break;
            }
        }
        // Zero the bytes past the data that `longest_match` may read (zlib's `high_water`).
        if self.high_water < WINDOW_SIZE {
            let curr = self.strstart + self.lookahead;
            if self.high_water < curr {
                let init = (WINDOW_SIZE - curr).min(WIN_INIT);
                self.window[curr..curr + init].fill(0);
                self.high_water = curr + init;
            } else if self.high_water < curr + WIN_INIT {
                let init = (curr + WIN_INIT - self.high_water).min(WINDOW_SIZE - self.high_water);
                self.window[self.high_water..self.high_water + init].fill(0);
                self.high_water += init;
            }
        }
    }

    /// `longest_match` for level 1 (`prev_length` is always `MIN_MATCH - 1` in `deflate_fast`).
    fn longest_match(&mut self, mut cur_match: usize) -> usize {
        let w = &self.window;
        let mut chain_length = MAX_CHAIN;
        let scan = self.strstart;
        let mut best_len = MIN_MATCH - 1;
        let nice_match = NICE_MATCH.min(self.lookahead);
        let limit = self.strstart.saturating_sub(MAX_DIST);
        let mut scan_end1 = w[scan + best_len - 1];
        let mut scan_end = w[scan + best_len];
        loop {
            let m = cur_match;
            // Bytes 0, 1 and the two ending the best match so far must match; Chromium's hash
            // does not imply byte 2, so it is checked too.
            if w[m + best_len] == scan_end
                && w[m + best_len - 1] == scan_end1
                && w[m] == w[scan]
                && w[m + 1] == w[scan + 1]
                && w[m + 2] == w[scan + 2]
            {
                // Eight bytes at a time, then the rest one by one: the first differing byte is
                // the lowest set byte of the XOR (little-endian loads).
                let mut len = 3;
                while len + 8 <= MAX_MATCH {
                    let diff = load8(w, scan + len) ^ load8(w, m + len);
                    if diff != 0 {
                        len += (diff.trailing_zeros() / 8) as usize;
                        break;
                    }
                    len += 8;
                }
                while len < MAX_MATCH && w[scan + len] == w[m + len] {
                    len += 1;
                }
                if len > best_len {
                    self.match_start = cur_match;
                    best_len = len;
                    if len >= nice_match {
                        break;
                    }
                    scan_end1 = w[scan + best_len - 1];
                    scan_end = w[scan + best_len];
                }
            }
            cur_match = usize::from(self.prev[cur_match & W_MASK]);
            if cur_match <= limit {
                break;
            }
            chain_length -= 1;
            if chain_length == 0 {
                break;
            }
        }
        best_len.min(self.lookahead)
    }

    fn tally_lit(&mut self, c: u8) -> bool {
        self.syms.push((0, c));
        self.dyn_ltree[usize::from(c)].fc += 1;
        self.syms.len() == SYM_END
    }

    fn tally_dist(&mut self, dist: usize, len_minus_3: usize) -> bool {
        let t = tables();
        self.syms.push((dist as u16, len_minus_3 as u8));
        self.dyn_ltree[usize::from(t.length_code[len_minus_3]) + LITERALS + 1].fc += 1;
        self.dyn_dtree[d_code(t, dist - 1)].fc += 1;
        self.syms.len() == SYM_END
    }

    /// `deflate_fast` run with `Z_FINISH` and all the input available.
    fn deflate_fast(&mut self) {
        loop {
            if self.lookahead < MIN_LOOKAHEAD {
                self.fill_window();
                if self.lookahead == 0 {
                    break;
                }
            }
            let mut hash_head = 0;
            if self.lookahead >= MIN_MATCH {
                hash_head = self.insert_string(self.strstart);
            }
            if hash_head != 0 && self.strstart - hash_head <= MAX_DIST {
                self.match_length = self.longest_match(hash_head);
            }
            let flush;
            if self.match_length >= MIN_MATCH {
                flush = self.tally_dist(self.strstart - self.match_start, self.match_length - MIN_MATCH);
                self.lookahead -= self.match_length;
                if self.match_length <= MAX_INSERT_LENGTH && self.lookahead >= MIN_MATCH {
                    self.match_length -= 1;
                    loop {
                        self.strstart += 1;
                        self.insert_string(self.strstart);
                        self.match_length -= 1;
                        if self.match_length == 0 {
                            break;
                        }
                    }
                    self.strstart += 1;
                } else {
                    self.strstart += self.match_length;
                    self.match_length = 0;
                }
            } else {
                flush = self.tally_lit(self.window[self.strstart]);
                self.lookahead -= 1;
                self.strstart += 1;
            }
            if flush {
                self.flush_block(false);
            }
        }
        self.insert = self.strstart.min(MIN_MATCH - 1);
        self.flush_block(true);
    }

    /// `FLUSH_BLOCK_ONLY`: the block from `block_start` to `strstart`.
    fn flush_block(&mut self, last: bool) {
        let stored = (self.block_start >= 0).then_some(self.block_start as usize);
        let stored_len = (self.strstart as isize - self.block_start) as usize;
        self.tr_flush_block(stored, stored_len, last);
        self.block_start = self.strstart as isize;
    }

    /// `_tr_flush_block`: emits the block as stored, fixed-Huffman or dynamic-Huffman, whichever
    /// zlib's size estimate picks.
    fn tr_flush_block(&mut self, stored: Option<usize>, stored_len: usize, last: bool) {
        let t = tables();
        let l_desc = StaticDesc {
            static_tree: Some(&t.static_ltree[..]),
            extra_bits: &EXTRA_LBITS,
            extra_base: LITERALS + 1,
            elems: L_CODES,
            max_length: MAX_BITS,
        };
        let d_desc = StaticDesc {
            static_tree: Some(&t.static_dtree[..]),
            extra_bits: &EXTRA_DBITS,
            extra_base: 0,
            elems: D_CODES,
            max_length: MAX_BITS,
        };
        let bl_desc = StaticDesc { static_tree: None, extra_bits: &EXTRA_BLBITS, extra_base: 0, elems: BL_CODES, max_length: MAX_BL_BITS };
        let l_max = self.trees.build_tree(&mut self.dyn_ltree, &l_desc);
        let d_max = self.trees.build_tree(&mut self.dyn_dtree, &d_desc);
        // build_bl_tree
        scan_tree(&mut self.bl_tree, &mut self.dyn_ltree, l_max);
        scan_tree(&mut self.bl_tree, &mut self.dyn_dtree, d_max);
        self.trees.build_tree(&mut self.bl_tree, &bl_desc);
        let mut max_blindex = BL_CODES - 1;
        while max_blindex >= 3 {
            if self.bl_tree[usize::from(BL_ORDER[max_blindex])].dl != 0 {
                break;
            }
            max_blindex -= 1;
        }
        self.trees.opt_len = self.trees.opt_len.wrapping_add(3 * (max_blindex as u64 + 1) + 5 + 5 + 4);

        let mut opt_lenb = self.trees.opt_len.wrapping_add(3 + 7) >> 3;
        let static_lenb = self.trees.static_len.wrapping_add(3 + 7) >> 3;
        if static_lenb <= opt_lenb {
            opt_lenb = static_lenb;
        }
        let last_bit = u32::from(last);
        match stored {
            Some(start) if stored_len as u64 + 4 <= opt_lenb => {
                self.bits.send(last_bit, 3);
                self.bits.windup();
                self.bits.out.extend_from_slice(&(stored_len as u16).to_le_bytes());
                self.bits.out.extend_from_slice(&(!(stored_len as u16)).to_le_bytes());
                self.bits.out.extend_from_slice(&self.window[start..start + stored_len]);
            }
            _ if static_lenb == opt_lenb => {
                self.bits.send((1 << 1) + last_bit, 3);
                compress_block(&mut self.bits, &self.syms, &t.static_ltree, &t.static_dtree);
            }
            _ => {
                self.bits.send((2 << 1) + last_bit, 3);
                // send_all_trees
                self.bits.send((l_max + 1 - 257) as u32, 5);
                self.bits.send(d_max as u32, 5);
                self.bits.send((max_blindex + 1 - 4) as u32, 4);
                for &rank in BL_ORDER.iter().take(max_blindex + 1) {
                    self.bits.send(u32::from(self.bl_tree[usize::from(rank)].dl), 3);
                }
                send_tree(&mut self.bits, &self.bl_tree, &self.dyn_ltree, l_max);
                send_tree(&mut self.bits, &self.bl_tree, &self.dyn_dtree, d_max);
                compress_block(&mut self.bits, &self.syms, &self.dyn_ltree, &self.dyn_dtree);
            }
        }
        self.init_block();
        if last {
            self.bits.windup();
        }
    }
}

/// `scan_tree`: counts the code-length codes needed to send `tree` (with its end guard).
fn scan_tree(bl_tree: &mut [Ct], tree: &mut [Ct], max_code: usize) {
    let mut prevlen: i32 = -1;
    let mut nextlen = i32::from(tree[0].dl);
    let mut count = 0;
    let (mut max_count, mut min_count) = if nextlen == 0 { (138, 3) } else { (7, 4) };
    tree[max_code + 1].dl = 0xffff;
    for n in 0..=max_code {
        let curlen = nextlen;
        nextlen = i32::from(tree[n + 1].dl);
        count += 1;
        if count < max_count && curlen == nextlen {
            continue;
        } else if count < min_count {
            bl_tree[curlen as usize].fc += count as u16;
        } else if curlen != 0 {
            if curlen != prevlen {
                bl_tree[curlen as usize].fc += 1;
            }
            bl_tree[REP_3_6].fc += 1;
        } else if count <= 10 {
            bl_tree[REPZ_3_10].fc += 1;
        } else {
            bl_tree[REPZ_11_138].fc += 1;
        }
        count = 0;
        prevlen = curlen;
        (max_count, min_count) = if nextlen == 0 {
            (138, 3)
        } else if curlen == nextlen {
            (6, 3)
        } else {
            (7, 4)
        };
    }
}

/// `send_tree`: sends `tree`'s code lengths with the code-length code.
fn send_tree(bits: &mut Bits, bl_tree: &[Ct], tree: &[Ct], max_code: usize) {
    let mut prevlen: i32 = -1;
    let mut nextlen = i32::from(tree[0].dl);
    let mut count: i32 = 0;
    let (mut max_count, mut min_count) = if nextlen == 0 { (138, 3) } else { (7, 4) };
    for n in 0..=max_code {
        let curlen = nextlen;
        nextlen = i32::from(tree[n + 1].dl);
        count += 1;
        if count < max_count && curlen == nextlen {
            continue;
        } else if count < min_count {
            while count > 0 {
                bits.send_code(curlen as usize, bl_tree);
                count -= 1;
            }
        } else if curlen != 0 {
            if curlen != prevlen {
                bits.send_code(curlen as usize, bl_tree);
                count -= 1;
            }
            bits.send_code(REP_3_6, bl_tree);
            bits.send((count - 3) as u32, 2);
        } else if count <= 10 {
            bits.send_code(REPZ_3_10, bl_tree);
            bits.send((count - 3) as u32, 3);
        } else {
            bits.send_code(REPZ_11_138, bl_tree);
            bits.send((count - 11) as u32, 7);
        }
        count = 0;
        prevlen = curlen;
        (max_count, min_count) = if nextlen == 0 {
            (138, 3)
        } else if curlen == nextlen {
            (6, 3)
        } else {
            (7, 4)
        };
    }
}

/// `compress_block`: the block's symbols with the given trees, then END_BLOCK.
fn compress_block(bits: &mut Bits, syms: &[(u16, u8)], ltree: &[Ct], dtree: &[Ct]) {
    let t = tables();
    for &(dist, lc) in syms {
        let lc = usize::from(lc);
        if dist == 0 {
            bits.send_code(lc, ltree);
        } else {
            let code = usize::from(t.length_code[lc]);
            bits.send_code(code + LITERALS + 1, ltree);
            let extra = u32::from(EXTRA_LBITS[code]);
            if extra != 0 {
                bits.send((lc - usize::from(t.base_length[code])) as u32, extra);
            }
            let dist = usize::from(dist) - 1;
            let code = d_code(t, dist);
            bits.send_code(code, dtree);
            let extra = u32::from(EXTRA_DBITS[code]);
            if extra != 0 {
                bits.send((dist - usize::from(t.base_dist[code])) as u32, extra);
            }
        }
    }
    bits.send_code(END_BLOCK, ltree);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_string()).collect()
    }

    fn sha256_hex(bytes: &[u8]) -> String {
        use sha2::Digest as _;
        sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn glob_match_agrees_with_micromatch() {
        // (pattern, path, micromatch([path], [pattern], { dot: true }).length > 0) from
        // micromatch 4.0.8 / picomatch 2.3.2 as Serverless 3.40.0 installs them.
        let cases: &[(&str, &str, bool)] = &[
            ("**", "a/.b/c", true),
            ("*", ".env", true),
            ("*", "a/b", false),
            ("*.js", "a.js", true),
            ("*.js", "a/b.js", false),
            ("**/*.js", "a.js", true),
            ("**/*.js", "a/b/c.js", true),
            ("**.js", "a/b/c.js", true),
            ("**x", "a/bx", false),
            ("a/**", "a", true),
            ("a/**", "a/b/c", true),
            ("a/**", "ab", false),
            ("*/**", "a", false),
            ("*/**", "a/b", true),
            ("a/**/b", "a/b", true),
            ("a/**/b", "a/x/y/b", true),
            ("a/**/b", "a/xb", false),
            ("**/a", "a", true),
            ("**/a", "x/y/a", true),
            ("**/a", "xa", false),
            ("a**", "a/b", false),
            ("a/**b", "a/x/yb", false),
            (".git/**", ".git/HEAD", true),
            (".git/**", "x/.git/HEAD", false),
            ("yarn-*.log", "yarn-error.log", true),
            (".env*", ".env.local", true),
            ("node_modules", "node_modules/a.js", false),
            ("dir/", "dir/a", false),
            ("?", "a", true),
            ("?", "/", false),
            ("a?c", "abc", true),
            ("[abc]", "b", true),
            ("[abc]", "[abc]", true),
            ("[!a]", "!", true),
            ("[!a]", "b", false),
            ("[^a]", "b", true),
            ("[^a]", "/", false),
            ("[a-c]x", "bx", true),
            ("[[:digit:]]", "7", true),
            ("{a,b}/c", "b/c", true),
            ("*.{js,ts}", "a.ts", true),
            ("x{,.js}", "x", true),
            ("x{a}", "x{a}", true),
            ("x{a}", "xa", false),
            ("{1..3}", "2", true),
            ("{1..3}", "4", false),
            ("@(a|b)", "b", true),
            ("*(a|b)c", "abac", true),
            ("+(a)", "aaa", true),
            ("?(a)b", "b", true),
            ("!(a)", "b", true),
            ("!(a)", "a", false),
            ("*.!(js)", "a.ts", true),
            ("*.!(js)", "a.js", false),
            ("a/!(b)/c", "a/bx/c", false),
            ("(a|b)", "b", true),
            ("\\*", "*", true),
            ("\\*", "a", false),
            ("./src/**", "src/a.js", true),
            ("!a", "a", false),
            ("!a", "b", true),
            ("!!a", "a", true),
            ("*.*", "a.", false),
            ("x/*.*", "x/a.", true),
            ("/a", "a", false),
            ("a|b", "a|b", true),
            ("a|b", "a", false),
        ];
        for &(pattern, path, expected) in cases {
            assert_eq!(glob_match(pattern, path), expected, "{pattern:?} vs {path:?}");
        }
    }

    /// The case `/tmp/zt2` run through the oracle (`serverless package`, v3.40.0): its zip held
    /// exactly `expected`.
    fn oracle_case() -> (Vec<String>, Vec<String>, Vec<String>) {
        let all = strings(&[
            ".cfg/conf.json",
            ".env",
            ".env.local",
            "README.markdown",
            "docs/drop.js",
            "docs/keep.txt",
            "index.js",
            "layer/nodejs/node_modules/dep/index.js",
            "layer/run.sh",
            "lib/a.js",
            "lib/empty.txt",
            "node_modules/drop/index.js",
            "node_modules/keep/index.js",
            "node_modules/keep/package.json",
            "notes.txt",
            "serverless.yml",
            "src/public.js",
            "src/secret.js",
        ]);
        let excludes = default_excludes("serverless.yml", &strings(&["layer"]), true, None);
        let patterns = strings(&[
            "!docs/**",
            "docs/keep.txt",
            "!**/*.txt",
            "lib/empty.txt",
            "!node_modules",
            "node_modules/keep/**",
            "!**/*.markdown",
            "./src/**",
            "!src/secret.js",
        ]);
        let selected = select_files(&all, &excludes, &[], &patterns).unwrap();
        (all, excludes, selected)
    }

    #[test]
    fn select_files_matches_serverless() {
        let (_, excludes, selected) = oracle_case();
        assert_eq!(
            excludes,
            strings(&[
                ".git/**",
                ".gitignore",
                ".DS_Store",
                "npm-debug.log",
                "yarn-*.log",
                ".serverless/**",
                ".serverless_plugins/**",
                "serverless.yml",
                "layer/**",
                ".env*",
            ])
        );
        assert_eq!(
            selected,
            strings(&[
                ".cfg/conf.json",
                "index.js",
                "lib/a.js",
                "lib/empty.txt",
                "node_modules/keep/index.js",
                "node_modules/keep/package.json",
                "src/public.js",
            ])
        );
    }

    #[test]
    fn select_files_globby_quirks() {
        // A tree run through Serverless' own `resolveFilePathsFromPatterns` (real globby,
        // fast-glob and micromatch), with the default excludes plus `exclude`.
        let all = strings(&[
            ".DS_Store",
            ".env",
            ".env.local",
            ".git/HEAD",
            ".git/refs/heads/main",
            ".gitignore",
            ".serverless/x.zip",
            "README.md",
            "a.js",
            "b.ts",
            "dir/a",
            "dir/sub/b",
            "docs/a.md",
            "layer/nodejs/x.js",
            "layer/y.txt",
            "lib/__pycache__/x.pyc",
            "lib/x.py",
            "lib/x.pyc",
            "node_modules/.bin/x",
            "node_modules/a/index.js",
            "node_modules/a/package.json",
            "node_modules/aws-sdk/index.js",
            "node_modules/b/lib/c.js",
            "npm-debug.log",
            "serverless.yml",
            "sp ace/f.js",
            "src/.DS_Store",
            "src/a.js",
            "src/b/.hidden",
            "src/b/c.js",
            "src/b/c.ts",
            "src/b/d/e/f.js",
            "tests/unit/a.test.js",
            "x.d.ts",
            "yarn-error.log",
        ]);
        let defaults = default_excludes("serverless.yml", &[], false, None);
        let cases: &[(&[&str], &[&str], &[&str])] = &[
            // `!!x` in exclude: Serverless strips one `!` per step, so `(node_modules)/**` is excluded.
            (
                &["!!(node_modules)/**"],
                &[],
                &[
                    ".env",
                    ".env.local",
                    "README.md",
                    "a.js",
                    "b.ts",
                    "dir/a",
                    "dir/sub/b",
                    "docs/a.md",
                    "layer/nodejs/x.js",
                    "layer/y.txt",
                    "lib/__pycache__/x.pyc",
                    "lib/x.py",
                    "lib/x.pyc",
                    "sp ace/f.js",
                    "src/.DS_Store",
                    "src/a.js",
                    "src/b/.hidden",
                    "src/b/c.js",
                    "src/b/c.ts",
                    "src/b/d/e/f.js",
                    "tests/unit/a.test.js",
                    "x.d.ts",
                ],
            ),
            // `!dir` prunes the directory in globby; `[!n]` is a negated class for fast-glob only.
            (
                &[],
                &["!dir", "[!n]*/**"],
                &[
                    ".env",
                    ".env.local",
                    "README.md",
                    "a.js",
                    "b.ts",
                    "dir/a",
                    "dir/sub/b",
                    "docs/a.md",
                    "layer/nodejs/x.js",
                    "layer/y.txt",
                    "lib/__pycache__/x.pyc",
                    "lib/x.py",
                    "lib/x.pyc",
                    "node_modules/.bin/x",
                    "node_modules/a/index.js",
                    "node_modules/a/package.json",
                    "node_modules/aws-sdk/index.js",
                    "node_modules/b/lib/c.js",
                    "sp ace/f.js",
                    "src/.DS_Store",
                    "src/a.js",
                    "src/b/.hidden",
                    "src/b/c.js",
                    "src/b/c.ts",
                    "src/b/d/e/f.js",
                    "tests/unit/a.test.js",
                    "x.d.ts",
                ],
            ),
            // globby drops the repeated `**`, so `!src/**` still hides `src`; the `**` pass re-adds
            // the default excludes.
            (
                &[],
                &["!src/**", "**"],
                &[
                    ".DS_Store",
                    ".env",
                    ".env.local",
                    ".git/HEAD",
                    ".git/refs/heads/main",
                    ".gitignore",
                    ".serverless/x.zip",
                    "README.md",
                    "a.js",
                    "b.ts",
                    "dir/a",
                    "dir/sub/b",
                    "docs/a.md",
                    "layer/nodejs/x.js",
                    "layer/y.txt",
                    "lib/__pycache__/x.pyc",
                    "lib/x.py",
                    "lib/x.pyc",
                    "node_modules/.bin/x",
                    "node_modules/a/index.js",
                    "node_modules/a/package.json",
                    "node_modules/aws-sdk/index.js",
                    "node_modules/b/lib/c.js",
                    "npm-debug.log",
                    "serverless.yml",
                    "sp ace/f.js",
                    "tests/unit/a.test.js",
                    "x.d.ts",
                    "yarn-error.log",
                ],
            ),
            // `!node_modules` hides the directory from the `**` listing; `node_modules/a/**` lists again.
            (
                &["lib/**"],
                &["!node_modules", "node_modules/a/**"],
                &[
                    ".env",
                    ".env.local",
                    "README.md",
                    "a.js",
                    "b.ts",
                    "dir/a",
                    "dir/sub/b",
                    "docs/a.md",
                    "layer/nodejs/x.js",
                    "layer/y.txt",
                    "node_modules/a/index.js",
                    "node_modules/a/package.json",
                    "sp ace/f.js",
                    "src/.DS_Store",
                    "src/a.js",
                    "src/b/.hidden",
                    "src/b/c.js",
                    "src/b/c.ts",
                    "src/b/d/e/f.js",
                    "tests/unit/a.test.js",
                    "x.d.ts",
                ],
            ),
        ];
        for &(exclude, include, expected) in cases {
            let mut excludes = defaults.clone();
            excludes.extend(strings(exclude));
            let mut got = select_files(&all, &excludes, &[], &strings(include)).unwrap();
            got.sort();
            assert_eq!(got, strings(expected), "exclude {exclude:?} include {include:?}");
        }
    }

    #[test]
    fn serverless_excludes_order_and_union() {
        let excludes = serverless_excludes(
            "serverless.yaml",
            Some(".plugins"),
            &strings(&["!.env", "tmp/**", ".git/**"]),
            &strings(&["layer", "./other"]),
            true,
            &strings(&["fn/**"]),
        );
        assert_eq!(
            excludes,
            strings(&[
                ".git/**",
                ".gitignore",
                ".DS_Store",
                "npm-debug.log",
                "yarn-*.log",
                ".serverless/**",
                ".serverless_plugins/**",
                "serverless.yaml",
                ".plugins",
                "!.env",
                "tmp/**",
                "layer/**",
                "./other/**",
                ".env*",
                "fn/**",
            ])
        );
    }

    #[test]
    fn build_zip_is_byte_identical_to_serverless() {
        // The files of the oracle case above, in any order; CodeSha256 of the oracle's zt.zip.
        let index =
            b"'use strict';\nmodule.exports.handler = async (event) => ({ statusCode: 200, body: JSON.stringify({ ok: true, event }) });\n";
        let files: [(&str, &[u8]); 7] = [
            ("src/public.js", b"p\n"),
            ("node_modules/keep/package.json", b"{\"name\":\"keep\"}\n"),
            ("index.js", index),
            ("lib/empty.txt", b""),
            (".cfg/conf.json", b"c\n"),
            ("node_modules/keep/index.js", b"k\n"),
            ("lib/a.js", b"export const a = 1; export const b = 1;\n"),
        ];
        let entries: Vec<ZipEntry> = files.iter().map(|(path, data)| ZipEntry { path, executable: false, data }).collect();
        let zip = build_zip(&entries);
        assert_eq!(zip.len(), 1064);
        assert_eq!(code_sha256(&zip), "gAa6uNKiJz85CrXgvC0NO31wDiCyn7ODWoQ2Hn/sz/c=");

        // The layer zip of the same run (paths relative to the layer, one executable file).
        let layer = [
            ZipEntry { path: "run.sh", executable: true, data: b"#!/bin/sh\necho layer\n" },
            ZipEntry { path: "nodejs/node_modules/dep/index.js", executable: false, data: b"module.exports = \"dep dep dep\";\n" },
        ];
        let zip = build_zip(&layer);
        assert_eq!(zip.len(), 333);
        assert_eq!(code_sha256(&zip), "TeEGntbHCxxSxK5eYEWTpDbe6FUCN2bFHIah501KAKs=");
    }

    #[test]
    fn build_zip_layout() {
        let zip = build_zip(&[
            ZipEntry { path: "b", executable: true, data: b"" },
            ZipEntry { path: "c:x/\u{e9}", executable: false, data: b"aaaaaaaa" },
        ]);
        // Sorted by the given paths ("b" < "c:x/é"); the name then loses its `c:` drive-like
        // prefix, as archiver does.
        // Local header of "b": version 20, data-descriptor flag, stored (empty), DOS 1980-01-01.
        assert_eq!(
            &zip[..30],
            b"PK\x03\x04\x14\x00\x08\x00\x00\x00\x00\x00\x21\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00"
        );
        assert_eq!(&zip[30..31], b"b");
        // Its data descriptor: CRC 0, sizes 0.
        assert_eq!(&zip[31..47], b"PK\x07\x08\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00");
        // The second entry: deflated, UTF-8 name flag.
        assert_eq!(&zip[47..57], b"PK\x03\x04\x14\x00\x08\x08\x08\x00");
        assert_eq!(&zip[77..81], "x/\u{e9}".as_bytes());
        // Central directory of "b": made by unix 4.5, mode 0100755 and the DOS archive bit.
        let cd = zip.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
        assert_eq!(&zip[cd + 4..cd + 6], &[0x2d, 0x03]);
        assert_eq!(&zip[cd + 38..cd + 42], &0x81ed_0020u32.to_le_bytes());
        // End of central directory: 2 entries, no comment.
        let end = zip.len() - 22;
        assert_eq!(&zip[end..end + 4], b"PK\x05\x06");
        assert_eq!(&zip[end + 8..end + 12], &[2, 0, 2, 0]);
        assert_eq!(&zip[end + 20..], &[0, 0]);
    }

    #[test]
    fn sanitize_name_like_archiver() {
        assert_eq!(sanitize_name("a\\b//c"), "a/b/c");
        assert_eq!(sanitize_name("../../x"), "x");
        assert_eq!(sanitize_name("/abs/x"), "abs/x");
        assert_eq!(sanitize_name("C:/x"), "x");
        assert_eq!(sanitize_name("a-b:c"), "a-b:c");
    }

    /// A deterministic mix of text (matches, window slides, several blocks), noise (stored
    /// blocks) and zeros (long matches), regenerated identically in Node for the expectation.
    fn deflate_sample() -> Vec<u8> {
        let words = [
            "serverless",
            "lambda",
            "handler",
            "module",
            "exports",
            "function",
            "return",
            "const",
            "await",
            "event",
            "{",
            "}",
            "(",
            ")",
            ";",
            "\n",
            "  ",
            "aws",
            "zip",
            "deflate",
            "window",
            "hash",
            "chain",
        ];
        let mut seed: u32 = 2024;
        let mut next = || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345) & 0x7fff_ffff;
            seed
        };
        let mut out: Vec<u8> = Vec::new();
        while out.len() < 200_000 {
            out.extend_from_slice(words[next() as usize % words.len()].as_bytes());
            out.push(b' ');
        }
        for _ in 0..40_000 {
            out.push((next() >> 16) as u8);
        }
        out.resize(out.len() + 70_000, 0);
        let start = out.len();
        while out.len() - start < 50_000 {
            out.extend_from_slice(words[next() as usize % words.len()].as_bytes());
        }
        out
    }

    #[test]
    fn deflate_matches_node_zlib_level_1() {
        // node: zlib.deflateRawSync(sample, { level: 1 }) -> 104487 bytes, sha256 04c776...
        let sample = deflate_sample();
        assert_eq!(sample.len(), 360_006);
        assert_eq!(sha256_hex(&sample), "2b0ec4f4ae2190d7e588aa962566c02bff8a6ce4172453b58550a5c23a452c11");
        let compressed = deflate_raw(&sample);
        assert_eq!(compressed.len(), 104_487);
        assert_eq!(sha256_hex(&compressed), "04c7761336435121f2cd9464db572dd4edb804f706ccab3d7a1fff8878f9c56a");
        let mut inflated = Vec::new();
        let mut decoder = flate2::read::DeflateDecoder::new(&compressed[..]);
        std::io::Read::read_to_end(&mut decoder, &mut inflated).unwrap();
        assert!(inflated == sample, "round trip");
    }

    #[test]
    fn deflate_small_inputs_round_trip() {
        for input in [&b"a"[..], b"aaaa", b"abcabcabcabc", b"hello hello hello world"] {
            let compressed = deflate_raw(input);
            let mut inflated = Vec::new();
            let mut decoder = flate2::read::DeflateDecoder::new(&compressed[..]);
            std::io::Read::read_to_end(&mut decoder, &mut inflated).unwrap();
            assert_eq!(inflated, input);
        }
        // node: zlib.deflateRawSync(Buffer.from('hello hello hello world'), { level: 1 })
        assert_eq!(deflate_raw(b"hello hello hello world"), NODE_HELLO);
    }

    /// A state reused across streams (what a zip does) compresses exactly as a fresh one: the
    /// buffers are not cleared between streams, so this guards what they keep.
    #[test]
    fn reused_deflate_state_gives_the_same_bytes() {
        let sample = deflate_sample();
        let mut inputs: Vec<&[u8]> = vec![&sample, b"hello hello hello world", &sample[..70_000], &sample[200_000..240_000]];
        inputs.extend([&sample[1000..1300], &sample[310_000..], b"abcabcabcabc", &sample[..33_000], &sample[5..5000]]);
        let mut scratch = DeflateScratch::default();
        for (i, input) in inputs.iter().enumerate() {
            let reused = deflate_raw_with(input, &mut scratch);
            assert!(reused == deflate_raw(input), "input {i} ({} bytes) differs with a reused state", input.len());
        }
        assert_eq!(deflate_raw_with(b"hello hello hello world", &mut scratch), NODE_HELLO);

        // Buffers sized by the stream that needs them: small first, then across the sizes
        // where the window and `prev` reach their full length (`reach`) and where the window
        // slides, so every stream grows them.
        let mut scratch = DeflateScratch::default();
        let mut sizes = vec![1, 3, 4, 262, 263, 4096];
        for edge in [W_SIZE - MIN_LOOKAHEAD, W_SIZE, WINDOW_SIZE - MIN_LOOKAHEAD, WINDOW_SIZE] {
            sizes.extend([edge - 1, edge, edge + 1, edge + WIN_INIT]);
        }
        sizes.extend([10, 150_000]);
        for (i, len) in sizes.into_iter().enumerate() {
            let input = &sample[i * 13..i * 13 + len];
            let reused = deflate_raw_with(input, &mut scratch);
            assert!(reused == deflate_raw(input), "{len} bytes differ with a reused state");
            let mut inflated = Vec::new();
            std::io::Read::read_to_end(&mut flate2::read::DeflateDecoder::new(&reused[..]), &mut inflated).unwrap();
            assert!(inflated == input, "{len} bytes do not round-trip");
        }
    }

    #[test]
    fn packed_zips_equal_zips_for_any_number_of_threads() {
        let contents: Vec<Vec<u8>> =
            (0..23usize).map(|i| (0..i * 97 + (i % 3) * 5000).map(|j| (j * 31 + j / 7 + i) as u8 % 61).collect()).collect();
        let names: Vec<String> = (0..contents.len()).map(|i| format!("dir{}/f{i}.js", i % 4)).collect();
        let entries: Vec<ZipEntry> =
            names.iter().zip(&contents).map(|(p, d)| ZipEntry { path: p, executable: p.len() % 2 == 0, data: d }).collect();
        let expected = build_zip(&entries);
        let slices: Vec<&[u8]> = contents.iter().map(Vec::as_slice).collect();
        let total: u64 = slices.iter().map(|d| d.len() as u64).sum();
        for workers in [1, 2, 3, 8, 100] {
            let mut seen = Vec::new();
            let packed = pack_all(&mut Packer::default(), &slices, workers, &mut |d| seen.push(d));
            assert_eq!(seen.last(), Some(&total), "{workers} workers: progress ends at the total");
            assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{workers} workers: progress only grows: {seen:?}");
            let packed_entries: Vec<PackedEntry> =
                entries.iter().zip(&packed).map(|(e, p)| PackedEntry { path: e.path, executable: e.executable, packed: p }).collect();
            assert!(build_zip_packed(&packed_entries) == expected, "{workers} workers: the same zip");
        }
        assert!(pack_all(&mut Packer::default(), &[], 4, &mut |_| {}).is_empty());
    }

    /// Patterns that make a backtracking parser or matcher exponential: unclosed openers are
    /// read as literals once (remembered by position: 30 unclosed braces were 2^30 parses
    /// before; a fuzz input with 19 took 1.6 s), and a match that runs out of steps makes the
    /// selection an error instead of a hang.
    #[test]
    fn patterns_too_complex_are_reported_not_run() {
        // (An unclosed `{` makes the pattern match nothing, as in micromatch: nothing excluded.)
        let braces = "{".repeat(30);
        let files = vec![format!("{braces}x.js"), "y.txt".into()];
        assert_eq!(select_files(&files, &[], &[], &[format!("!{braces}*.js")]), Ok(files.clone()));
        // Deeper than MAX_NESTING (each unclosed opener nests the rest), or longer than
        // MAX_PATTERN_CHARS: too complex, whatever it would match.
        let nested = format!("{}a*", "{(@(".repeat(20));
        assert_eq!(select_files(&["x".into()], &[], &[], std::slice::from_ref(&nested)), Err(nested.clone()));
        let long = "a".repeat(MAX_PATTERN_CHARS + 1);
        assert_eq!(select_files(&["x".into()], &[], &[], std::slice::from_ref(&long)), Err(long.clone()));
        let stars = format!("{}b", "*a".repeat(14));
        assert_eq!(select_files(&["a".repeat(80)], &[], &[], std::slice::from_ref(&stars)), Err(stars.clone()));
        assert!(!glob_match(&stars, &"a".repeat(80)));
    }

    /// micromatch's regular expression for a pattern with an unclosed `{` is `/$^/`: it matches
    /// only the path equal to it (node, micromatch 4: `mm.makeRe(p, { dot: true })`).
    #[test]
    fn an_unclosed_brace_matches_nothing_but_itself() {
        for (pattern, path) in [("{x*", "{xy"), ("a/{b", "a/{b"), ("{a,b}{", "a{"), ("*.{js,ts", "a.{js,ts"), ("{a,{b}", "a")] {
            assert_eq!(glob_match(pattern, path), pattern == path, "{pattern} against {path}");
        }
        // Escaped, in a class, or closed, a brace is not unclosed (`^(?:\{x[^/]*?\/?)$`, ...).
        for (pattern, path) in [("\\{x*", "{xy"), ("[{]x", "{x"), ("x{a,b}", "xb"), ("a{}b*", "a{}bc")] {
            assert!(glob_match(pattern, path), "{pattern} against {path}");
        }
    }

    #[test]
    fn small_entries_crc_as_crc32fast() {
        let sample = deflate_sample();
        for len in [0, 1, 2, 7, 64, 1000, (1 << 16) - 1, 1 << 16, 70_000] {
            for start in [0, 3] {
                let data = &sample[start..start + len];
                assert_eq!(crc32_table(data), crc32fast::hash(data), "{len} bytes from {start}");
            }
        }
    }

    const NODE_HELLO: &[u8] = &[203, 72, 205, 201, 201, 87, 200, 64, 34, 203, 243, 139, 114, 82, 0];

    #[test]
    fn code_sha256_is_base64_of_sha256() {
        assert_eq!(code_sha256(b""), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    }
}
