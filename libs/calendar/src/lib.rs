//! The company's calendar day. Documents are dated in the company's own time zone, not in UTC:
//! at 06:30 on 1 December in Hanoi (UTC+7) it is still 30 November in UTC, and an invoice, a
//! receipt or a stock issue dated by UTC would land in the wrong month and VAT period.
//!
//! The zone is a fixed offset from UTC, `BUSINESS_UTC_OFFSET` (`+07:00` unless set): Vietnam and
//! China keep no daylight-saving time. Every service of one company uses the same value.

use chrono::{DateTime, FixedOffset, NaiveDate, Offset as _, Utc};
use std::sync::OnceLock;

/// The offset when `BUSINESS_UTC_OFFSET` is not set: Vietnam (Indochina Time).
pub const DEFAULT_OFFSET: &str = "+07:00";

/// The environment variable holding the company's offset from UTC.
pub const OFFSET_VAR: &str = "BUSINESS_UTC_OFFSET";

static OFFSET: OnceLock<FixedOffset> = OnceLock::new();

/// Parses `+07:00`, `+0700`, `+07`, `-05:30`, `Z` or `UTC` (also `UTC+7`, `GMT+08:00`).
pub fn parse_offset(s: &str) -> Result<FixedOffset, String> {
    let invalid = || format!("{s:?} is not an offset from UTC such as +07:00 or +08:00");
    let trimmed = s.trim();
    let (named_utc, t) = match trimmed.strip_prefix("UTC").or_else(|| trimmed.strip_prefix("GMT")) {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    if (named_utc && t.is_empty()) || t == "Z" {
        return Ok(Utc.fix());
    }
    let (sign, rest) = match t.as_bytes().first() {
        Some(b'+') => (1, &t[1..]),
        Some(b'-') => (-1, &t[1..]),
        _ => return Err(invalid()),
    };
    let (hours, minutes) = match rest.split_once(':') {
        Some((h, m)) => (h, m),
        None if rest.len() == 4 => rest.split_at(2),
        None => (rest, "0"),
    };
    let digits = |x: &str| !x.is_empty() && x.len() <= 2 && x.bytes().all(|b| b.is_ascii_digit());
    if !digits(hours) || !digits(minutes) {
        return Err(invalid());
    }
    let (h, m): (i32, i32) = (
        hours.parse().map_err(|_| invalid())?,
        minutes.parse().map_err(|_| invalid())?,
    );
    // Real zones lie within -12:00 and +14:00.
    if m >= 60 || h * 60 + m > 14 * 60 {
        return Err(invalid());
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60)).ok_or_else(invalid)
}

/// Reads `BUSINESS_UTC_OFFSET` once for the whole process; a service calls it at start-up so
/// that a wrong value stops it there instead of dating documents wrongly.
pub fn init_from_env() -> Result<FixedOffset, String> {
    let configured = match std::env::var(OFFSET_VAR) {
        Ok(v) if !v.trim().is_empty() => parse_offset(&v).map_err(|e| format!("{OFFSET_VAR}: {e}"))?,
        _ => default_offset(),
    };
    Ok(*OFFSET.get_or_init(|| configured))
}

fn default_offset() -> FixedOffset {
    // Seven hours east is always a valid offset.
    FixedOffset::east_opt(7 * 3600).unwrap_or_else(|| Utc.fix())
}

/// The company's offset from UTC (from the environment, or the default when it is unset or
/// invalid and start-up did not check it).
pub fn offset() -> FixedOffset {
    *OFFSET.get_or_init(|| init_from_env().unwrap_or_else(|_| default_offset()))
}

/// The calendar day at `at` for a company `offset` from UTC.
pub fn date_in(offset: FixedOffset, at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&offset).date_naive()
}

/// The company's calendar day at `at`.
pub fn date_of(at: DateTime<Utc>) -> NaiveDate {
    date_in(offset(), at)
}

/// Today in the company's calendar.
pub fn today() -> NaiveDate {
    date_of(Utc::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn early_morning_in_hanoi_is_already_the_next_day_and_month() {
        let hanoi = parse_offset("+07:00").unwrap();
        // 06:30 on 1 December in Hanoi.
        assert_eq!(date_in(hanoi, at("2026-11-30T23:30:00Z")), day("2026-12-01"));
        assert_eq!(at("2026-11-30T23:30:00Z").date_naive(), day("2026-11-30"));
        // 23:59 on 30 November in Hanoi.
        assert_eq!(date_in(hanoi, at("2026-11-30T16:59:00Z")), day("2026-11-30"));
        assert_eq!(date_in(hanoi, at("2026-11-30T17:00:00Z")), day("2026-12-01"));
        let shanghai = parse_offset("+08:00").unwrap();
        assert_eq!(date_in(shanghai, at("2026-12-31T16:00:00Z")), day("2027-01-01"));
        assert_eq!(date_in(shanghai, at("2026-12-31T15:59:59Z")), day("2026-12-31"));
    }

    #[test]
    fn offsets_parse_in_the_usual_spellings() {
        for (text, secs) in [
            ("+07:00", 7 * 3600),
            ("+0700", 7 * 3600),
            ("+07", 7 * 3600),
            ("+8", 8 * 3600),
            ("UTC+7", 7 * 3600),
            ("GMT+08:00", 8 * 3600),
            ("-05:30", -(5 * 3600 + 1800)),
            ("Z", 0),
            ("UTC", 0),
            (" +07:00 ", 7 * 3600),
        ] {
            assert_eq!(parse_offset(text).unwrap().local_minus_utc(), secs, "{text}");
        }
        assert!(parse_offset("").is_err());
    }

    #[test]
    fn nonsense_offsets_are_refused_with_the_value_named() {
        for text in [
            "7",
            "Asia/Ho_Chi_Minh",
            "+25:00",
            "+07:60",
            "+07:0x",
            "+123",
            "++07",
            "+-7",
            "UTCX",
        ] {
            let e = parse_offset(text).unwrap_err();
            assert!(e.contains(text), "{text}: {e}");
        }
    }

    #[test]
    fn the_default_is_vietnam() {
        assert_eq!(default_offset(), parse_offset(DEFAULT_OFFSET).unwrap());
    }
}
