//! The currencies the ERP trades in (ISO 4217 codes).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A currency, serialized as its upper-case ISO 4217 code (`"VND"`, `"CNY"`, `"USD"`, `"EUR"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum Currency {
    /// Vietnamese đồng, no decimals.
    Vnd,
    /// Chinese yuan (renminbi), 2 decimals.
    Cny,
    /// US dollar, 2 decimals.
    Usd,
    /// Euro, 2 decimals.
    Eur,
}

/// The text given to [`Currency::parse`] is not a supported currency code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown currency code `{code}`: expected one of VND, CNY, USD, EUR")]
pub struct ParseCurrencyError {
    /// The text as given.
    pub code: String,
}

impl Currency {
    /// Every supported currency.
    pub const ALL: [Currency; 4] = [Currency::Vnd, Currency::Cny, Currency::Usd, Currency::Eur];

    /// Parses an ISO code, ignoring case and surrounding spaces: `"vnd"`, `"VND"`, `" Vnd "`.
    pub fn parse(code: &str) -> Result<Currency, ParseCurrencyError> {
        let trimmed = code.trim();
        Currency::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(trimmed))
            .ok_or_else(|| ParseCurrencyError { code: code.to_owned() })
    }

    /// The upper-case ISO 4217 code.
    pub const fn code(self) -> &'static str {
        match self {
            Currency::Vnd => "VND",
            Currency::Cny => "CNY",
            Currency::Usd => "USD",
            Currency::Eur => "EUR",
        }
    }

    /// Number of decimal places (minor-unit digits): 0 for VND, 2 for the others.
    pub const fn scale(self) -> u32 {
        match self {
            Currency::Vnd => 0,
            Currency::Cny | Currency::Usd | Currency::Eur => 2,
        }
    }

    /// What is wrong with `amount` as a payment in this currency (it must be positive, at the
    /// currency's scale and below 10^16), or `None` when it is fine.
    pub fn amount_problem(self, amount: rust_decimal::Decimal) -> Option<String> {
        if amount <= rust_decimal::Decimal::ZERO {
            Some("must be greater than zero".to_owned())
        } else if amount.normalize().scale() > self.scale() {
            Some(format!(
                "must have at most {} decimal places in {}",
                self.scale(),
                self.code()
            ))
        } else if amount >= rust_decimal::Decimal::from(10_000_000_000_000_000i64) {
            Some("is too large".to_owned())
        } else {
            None
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = ParseCurrencyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::parse(s)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn parses_case_insensitively() {
        assert_eq!(Currency::parse("vnd"), Ok(Currency::Vnd));
        assert_eq!(Currency::parse("Cny"), Ok(Currency::Cny));
        assert_eq!(Currency::parse(" USD "), Ok(Currency::Usd));
        assert_eq!("eur".parse::<Currency>(), Ok(Currency::Eur));
    }

    #[test]
    fn rejects_unknown_codes_with_a_clear_message() {
        let err = Currency::parse("xyz").unwrap_err();
        assert_eq!(err.code, "xyz");
        assert_eq!(
            err.to_string(),
            "unknown currency code `xyz`: expected one of VND, CNY, USD, EUR"
        );
        assert!(Currency::parse("").is_err());
        assert!(Currency::parse("VNDX").is_err());
    }

    #[test]
    fn scales() {
        assert_eq!(Currency::Vnd.scale(), 0);
        assert_eq!(Currency::Cny.scale(), 2);
        assert_eq!(Currency::Usd.scale(), 2);
        assert_eq!(Currency::Eur.scale(), 2);
    }

    #[test]
    fn serde_uses_upper_case_codes() {
        for c in Currency::ALL {
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.code()));
            assert_eq!(serde_json::from_str::<Currency>(&json).unwrap(), c);
            assert_eq!(c.to_string(), c.code());
        }
        assert!(serde_json::from_str::<Currency>("\"XYZ\"").is_err());
    }

    #[test]
    fn schema_is_a_string_enum() {
        use utoipa::PartialSchema;
        let json = serde_json::to_value(Currency::schema()).unwrap();
        assert_eq!(json["type"], "string");
        assert_eq!(json["enum"], serde_json::json!(["VND", "CNY", "USD", "EUR"]));
    }
}
