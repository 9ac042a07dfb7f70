//! Human-written durations in settings and flags: `90s`, `5m`, `12h`, `7d`, `250ms`, or a bare
//! number of seconds.

use std::time::Duration;

/// Parses a duration such as `5s`, `250ms`, `10m`, `12h`, `7d` or `30` (seconds).
///
/// # Errors
/// A message naming the accepted forms, for any other text (negative, empty, unknown unit,
/// overflow).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let invalid = || format!("'{text}' is not a duration (use e.g. 250ms, 30s, 5m, 12h or 7d)");
    let value: u64 = number.parse().map_err(|_| invalid())?;
    let multiplier_ms: u64 = match unit.trim() {
        "ms" => 1,
        "" | "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return Err(invalid()),
    };
    value
        .checked_mul(multiplier_ms)
        .map(Duration::from_millis)
        .ok_or_else(invalid)
}

/// Reads an optional duration written as [`parse_duration`] reads it (a TOML string such as
/// `"30s"`), for settings read with serde.
///
/// # Errors
/// The parse error, which the TOML reader places at the value's line and column.
pub fn deserialize_opt<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Duration>, D::Error> {
    let text: Option<String> = serde::Deserialize::deserialize(deserializer)?;
    text.map(|t| parse_duration(&t).map_err(serde::de::Error::custom))
        .transpose()
}

/// Formats a duration the way [`parse_duration`] reads it (for logs and help texts).
pub fn format_duration(duration: Duration) -> String {
    let ms = duration.as_millis();
    if !ms.is_multiple_of(1_000) {
        format!("{ms}ms")
    } else {
        format!("{}s", ms / 1_000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_in_every_unit() {
        let cases = [
            ("250ms", Duration::from_millis(250)),
            ("30", Duration::from_secs(30)),
            ("30s", Duration::from_secs(30)),
            ("5m", Duration::from_secs(300)),
            ("12h", Duration::from_secs(43_200)),
            ("7d", Duration::from_secs(604_800)),
            (" 2 s ", Duration::from_secs(2)),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_duration(text), Ok(expected), "{text}");
        }
    }

    #[test]
    fn nonsense_is_refused() {
        for text in ["", "s", "-5s", "5x", "1.5h", "99999999999999999999d"] {
            assert!(parse_duration(text).is_err(), "{text}");
        }
    }

    #[test]
    fn formatting_round_trips() {
        for d in [Duration::from_millis(250), Duration::from_secs(5)] {
            assert_eq!(parse_duration(&format_duration(d)), Ok(d));
        }
    }
}
