//! What every fuzz module shares: the case count, hostile string and JSON strategies, and the
//! round trip through stored canonical JSON.

use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::Value;
use slipway_domain::content::Content;
use slipway_domain::resource::ResourceKind;

/// The variable that sets how many cases each property runs.
pub const CASES_ENV: &str = "SLIPWAY_FUZZ_CASES";

/// Cases per property: `SLIPWAY_FUZZ_CASES`, or 256.
pub fn config() -> Config {
    let cases = match std::env::var(CASES_ENV) {
        Ok(text) if !text.trim().is_empty() => text
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{CASES_ENV} must be a positive number, not {text:?}")),
        _ => 256,
    };
    Config {
        cases,
        ..Config::default()
    }
}

/// Characters that have broken parsers elsewhere or that the text rules single out: controls,
/// line breaks, bidirectional and invisible format characters, noncharacters, the edges of the
/// code space, scripts written right to left, and the punctuation parsers split on.
pub const INTERESTING: &[char] = &[
    '\0',
    '\t',
    '\n',
    '\r',
    '\u{7}',
    '\u{1b}',
    '\u{7f}',
    '\u{85}',
    '\u{9f}',
    ' ',
    '\u{a0}',
    '\u{ad}',
    '\u{34f}',
    '\u{61c}',
    '\u{115f}',
    '\u{180e}',
    '\u{200b}',
    '\u{200c}',
    '\u{200d}',
    '\u{200e}',
    '\u{200f}',
    '\u{2028}',
    '\u{2029}',
    '\u{202a}',
    '\u{202b}',
    '\u{202c}',
    '\u{202d}',
    '\u{202e}',
    '\u{2060}',
    '\u{2064}',
    '\u{2066}',
    '\u{2069}',
    '\u{206f}',
    '\u{3000}',
    '\u{3164}',
    '\u{fdd0}',
    '\u{fe0f}',
    '\u{feff}',
    '\u{fffd}',
    '\u{fffe}',
    '\u{ffff}',
    '\u{e0001}',
    '\u{e0041}',
    '\u{10ffff}',
    'é',
    'ß',
    'ע',
    'ا',
    '日',
    '🚀',
    '{',
    '}',
    '-',
    '_',
    '.',
    '/',
    ':',
    '@',
    '#',
    '?',
    '[',
    ']',
    '%',
    '"',
    '\\',
];

/// One character: mostly plain ASCII, often an [`INTERESTING`] one, sometimes any at all.
pub fn hostile_char() -> impl Strategy<Value = char> {
    prop_oneof![
        5 => prop::char::range('a', 'z'),
        2 => prop::char::range(' ', '~'),
        3 => prop::sample::select(INTERESTING),
        1 => any::<char>(),
    ]
}

/// A string of up to `max` hostile characters.
pub fn hostile_string(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(hostile_char(), 0..=max).prop_map(String::from_iter)
}

/// Either a short hostile string or one long enough to cross a length limit of `limit`.
pub fn around_limit(limit: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        4 => hostile_string(limit / 4 + 4),
        1 => (limit.saturating_sub(2)..limit + 3, prop::sample::select(&['x', 'é', ' ', '🚀'][..]))
            .prop_map(|(n, c)| std::iter::repeat_n(c, n).collect()),
    ]
}

fn leaf(keys: &'static [&'static str]) -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-5i64..20).prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON numbers are finite", |f| f.is_finite())
            .prop_map(Value::from),
        (-3.0f64..3.0).prop_map(Value::from),
        hostile_string(12).prop_map(Value::String),
        prop::sample::select(keys).prop_map(|k| Value::String(k.to_owned())),
    ]
}

/// Arbitrary JSON whose object keys are mostly drawn from `keys` (the field names a parser
/// knows), so that random values get past the first "unknown field" and reach deeper rules.
pub fn json(keys: &'static [&'static str]) -> impl Strategy<Value = Value> {
    let key = prop_oneof![4 => prop::sample::select(keys).prop_map(str::to_owned), 1 => hostile_string(6)];
    leaf(keys).prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(key.clone(), inner, 0..7).prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Checks what every accepted content must satisfy: it is what parsing its stored canonical JSON
/// gives back, that JSON is already canonical, and its hash is the hash of those bytes.
pub fn assert_content_round_trips(content: &Content, kind: ResourceKind) -> Result<(), TestCaseError> {
    let canonical = content.canonical_json();
    let reread: Value = serde_json::from_str(&canonical).unwrap();
    prop_assert_eq!(slipway_domain::content::to_canonical_string(&reread), canonical.clone());
    let again = Content::parse(kind, reread);
    prop_assert_eq!(again.as_ref(), Ok(content));
    prop_assert_eq!(again.unwrap().hash(), content.hash());
    prop_assert_eq!(
        content.hash(),
        slipway_domain::resource::ContentHash::of_bytes(canonical.as_bytes())
    );
    let from_json = Content::parse(kind, content.to_json());
    prop_assert_eq!(from_json.as_ref(), Ok(content));
    prop_assert_eq!(content.kind(), kind);
    Ok(())
}

/// Values at and just past the limits parsers check, and wrong types.
fn edge_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(
            &[
                0i64,
                1,
                -1,
                2,
                3,
                4,
                5,
                10,
                11,
                32,
                33,
                64,
                65,
                100,
                101,
                128,
                129,
                10_000,
                10_001,
                600_000,
                600_001,
                1_000_000,
                1_000_001,
                4_294_967_295,
                4_294_967_296
            ][..]
        )
        .prop_map(Value::from),
        prop::sample::select(&[-2.0001f64, -2.0, 0.0, 1.0, 1.0001, 2.0, 2.0001][..]).prop_map(Value::from),
        prop::sample::select(
            &[
                "",
                " ",
                "a",
                " a",
                "a ",
                "openai",
                "https://x.example",
                "{{a}}",
                "{{",
                "r0"
            ][..]
        )
        .prop_map(|s| Value::String(s.to_owned())),
        (127usize..131).prop_map(|n| Value::String("m".repeat(n))),
        (1023usize..1026).prop_map(|n| Value::String("v".repeat(n))),
        hostile_string(8).prop_map(Value::String),
        Just(Value::Null),
        Just(Value::Bool(true)),
        Just(Value::Array(Vec::new())),
        Just(Value::Object(serde_json::Map::new())),
    ]
}

/// One change to a valid value: a node replaced, or a key removed from an object.
#[derive(Debug, Clone)]
pub enum Mutation {
    /// The node numbered `.0` (pre-order, modulo the number of nodes) becomes `.1`.
    Replace(usize, Value),
    /// The object numbered `.0` (among objects, modulo their number) loses its key `.1`
    /// (modulo its number of keys).
    RemoveKey(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (any::<usize>(), edge_value()).prop_map(|(at, value)| Mutation::Replace(at, value)),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(at, key)| Mutation::RemoveKey(at, key)),
    ]
}

/// One step from a node to a child.
#[derive(Debug, Clone)]
enum Step {
    Index(usize),
    Key(String),
}

/// The path to every node below the root, and whether it is an object (the root included, as
/// the empty path).
fn paths(value: &Value) -> Vec<(Vec<Step>, bool)> {
    let mut out = Vec::new();
    let mut stack: Vec<(Vec<Step>, &Value)> = vec![(Vec::new(), value)];
    while let Some((path, node)) = stack.pop() {
        match node {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let mut child = path.clone();
                    child.push(Step::Index(i));
                    stack.push((child, item));
                }
            }
            Value::Object(map) => {
                for (key, item) in map {
                    let mut child = path.clone();
                    child.push(Step::Key(key.clone()));
                    stack.push((child, item));
                }
            }
            _ => {}
        }
        out.push((path, node.is_object()));
    }
    out
}

fn at_path<'a>(value: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    let mut node = value;
    for step in path {
        node = match step {
            Step::Index(i) => node.get_mut(*i)?,
            Step::Key(k) => node.get_mut(k.as_str())?,
        };
    }
    Some(node)
}

/// Applies `mutation` to `value`.
pub fn mutate(value: &mut Value, mutation: Mutation) {
    let all = paths(value);
    match mutation {
        Mutation::Replace(at, replacement) => {
            let below_root: Vec<&Vec<Step>> = all.iter().map(|(p, _)| p).filter(|p| !p.is_empty()).collect();
            if !below_root.is_empty()
                && let Some(node) = at_path(value, below_root[at % below_root.len()])
            {
                *node = replacement;
            }
        }
        Mutation::RemoveKey(at, key) => {
            let objects: Vec<&Vec<Step>> = all.iter().filter(|(_, is_object)| *is_object).map(|(p, _)| p).collect();
            if !objects.is_empty()
                && let Some(Value::Object(map)) = at_path(value, objects[at % objects.len()])
                && let Some(name) = map.keys().nth(key % map.len().max(1)).cloned()
            {
                map.remove(&name);
            }
        }
    }
}

/// `valid` values with up to three [`Mutation`]s each: mostly just past a rule, sometimes
/// still valid.
pub fn mutated(valid: impl Strategy<Value = Value>) -> impl Strategy<Value = Value> {
    (valid, prop::collection::vec(mutation(), 0..=3)).prop_map(|(mut value, mutations)| {
        for m in mutations {
            mutate(&mut value, m);
        }
        value
    })
}
