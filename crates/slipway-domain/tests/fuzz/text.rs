//! Human text (names, descriptions, messages) and colors: each parser accepts exactly what its
//! length and character rules allow, an accepted value is already canonical (parsing it again
//! gives it back, and so does reading it back from storage), and a refused character is named by
//! its code point.

use proptest::prelude::*;
use slipway_domain::text::charset::{self, Lines};
use slipway_domain::text::{Color, Description, Message, Name};

use crate::support::{INTERESTING, around_limit, config, hostile_string};

fn allowed(s: &str, lines: Lines) -> bool {
    s.chars()
        .all(|c| charset::refusal(c, lines).is_none() && !MUST_REFUSE.contains(&c))
}

/// The text a multi-line parser keeps: `\r\n` as `\n`, trimmed.
fn kept(s: &str) -> String {
    s.replace("\r\n", "\n").trim().to_owned()
}

/// What issue 9 requires every human text to refuse, written out independently of the charset
/// module so that a rule dropped there fails here too: C0/C1 controls, bidirectional
/// embeddings, overrides, isolates and marks, zero-width and invisible format characters.
const MUST_REFUSE: &[char] = &[
    '\0', '\u{1}', '\u{7}', '\u{8}', '\u{b}', '\u{c}', '\r', '\u{1b}', '\u{1f}', '\u{7f}', '\u{80}', '\u{85}',
    '\u{9f}', '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}', '\u{200e}', '\u{200f}', '\u{61c}', '\u{200b}', '\u{200c}', '\u{200d}', '\u{2060}', '\u{2061}',
    '\u{2062}', '\u{2063}', '\u{2064}', '\u{feff}', '\u{180e}',
];

/// The refused characters for text of the given shape: [`MUST_REFUSE`] (and, in one-line text,
/// line feeds and tabs), and whatever else of [`INTERESTING`] the charset refuses.
fn refused_in(lines: Lines) -> Vec<char> {
    let mut refused: Vec<char> = MUST_REFUSE.to_vec();
    if lines == Lines::Single {
        refused.extend(['\n', '\t']);
    }
    refused.extend(
        INTERESTING
            .iter()
            .copied()
            .filter(|&c| charset::refusal(c, lines).is_some()),
    );
    refused
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn names_accept_exactly_one_line_of_allowed_text(s in around_limit(Name::MAX_CHARS)) {
        let trimmed = s.trim();
        let expected = !trimmed.is_empty()
            && trimmed.chars().count() <= Name::MAX_CHARS
            && allowed(trimmed, Lines::Single);
        match Name::parse(&s) {
            Ok(name) => {
                prop_assert!(expected, "{:?}", s);
                prop_assert_eq!(name.as_str(), trimmed);
                prop_assert_eq!(Name::parse(name.as_str()), Ok(name.clone()));
                prop_assert_eq!(Name::parse(&name.to_string()), Ok(name.clone()));
                prop_assert_eq!(Name::from_stored(name.as_str()), Ok(name));
            }
            Err(e) => {
                prop_assert!(!expected, "{:?}: {}", s, e);
                prop_assert_eq!(e.field(), "name");
                prop_assert!(!e.message().is_empty());
            }
        }
        // Reading back never refuses what parsing accepted, whatever else it accepts.
        if expected {
            prop_assert!(Name::from_stored(&s).is_ok());
        }
    }

    #[test]
    fn descriptions_accept_exactly_allowed_multi_line_text(s in around_limit(Description::MAX_CHARS)) {
        let kept = kept(&s);
        let expected = kept.chars().count() <= Description::MAX_CHARS && allowed(&kept, Lines::Multi);
        match Description::parse(&s) {
            Ok(description) => {
                prop_assert!(expected, "{:?}", s);
                prop_assert_eq!(description.as_str(), kept.as_str());
                prop_assert!(!description.as_str().contains('\r'));
                prop_assert_eq!(Description::parse(description.as_str()), Ok(description.clone()));
                prop_assert_eq!(Description::from_stored(description.as_str()), Ok(description));
            }
            Err(e) => {
                prop_assert!(!expected, "{:?}: {}", s, e);
                prop_assert_eq!(e.field(), "description");
            }
        }
    }

    #[test]
    fn messages_accept_exactly_allowed_multi_line_text(
        s in around_limit(Message::MAX_CHARS),
        field in prop::sample::select(&["message", "reason", "bypass_reason"][..]),
    ) {
        let kept = kept(&s);
        let expected = kept.chars().count() <= Message::MAX_CHARS && allowed(&kept, Lines::Multi);
        match Message::parse(field, &s) {
            Ok(message) => {
                prop_assert!(expected, "{:?}", s);
                prop_assert_eq!(message.as_str(), kept.as_str());
                prop_assert_eq!(Message::parse(field, message.as_str()), Ok(message.clone()));
                prop_assert_eq!(Message::from_stored(field, message.as_str()), Ok(message.clone()));
                let required = Message::parse_required(field, &s);
                prop_assert_eq!(required.is_ok(), !message.as_str().is_empty());
            }
            Err(e) => {
                prop_assert!(!expected, "{:?}: {}", s, e);
                prop_assert_eq!(e.field(), field);
                let required = Message::parse_required(field, &s).unwrap_err();
                prop_assert_eq!(required.field(), field);
            }
        }
    }

    #[test]
    fn a_refused_character_anywhere_is_named(
        before in "[A-Za-z0-9 ]{0,20}",
        after in "[A-Za-z0-9 ]{0,20}",
        pick in any::<prop::sample::Index>(),
        multi in any::<bool>(),
    ) {
        let lines = if multi { Lines::Multi } else { Lines::Single };
        let refused = refused_in(lines);
        let c = *pick.get(&refused);
        let text = format!("x{before}{c}{after}x");
        let code = format!("U+{:04X} (", u32::from(c));
        let e = if multi {
            Description::parse(&text).map(|_| ()).unwrap_err()
        } else {
            Name::parse(&text).map(|_| ()).unwrap_err()
        };
        prop_assert!(e.message().contains(&code), "{:?}: {}", text, e);
        prop_assert!(e.message().starts_with("must not contain U+"), "{}", e);
    }

    #[test]
    fn colors_accept_exactly_six_hex_digits(s in prop_oneof!["#[0-9a-fA-F]{5,7}", hostile_string(9)]) {
        let expected = s.len() == 7
            && s.starts_with('#')
            && s[1..].chars().all(|c| c.is_ascii_hexdigit());
        match Color::parse(&s) {
            Ok(color) => {
                prop_assert!(expected, "{:?}", s);
                prop_assert_eq!(color.to_string(), s.to_ascii_lowercase());
                prop_assert_eq!(Color::parse(&color.to_string()), Ok(color));
            }
            Err(e) => {
                prop_assert!(!expected, "{:?}", s);
                prop_assert_eq!(e.field(), "color");
            }
        }
    }

    #[test]
    fn every_color_round_trips(r in any::<u8>(), g in any::<u8>(), b in any::<u8>()) {
        let color = Color::rgb(r, g, b);
        prop_assert_eq!(Color::parse(&color.to_string()), Ok(color));
        prop_assert_eq!(Color::parse(&color.to_string().to_ascii_uppercase()), Ok(color));
    }
}
