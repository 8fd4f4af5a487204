//! Money helpers shared by the services: currencies, half-up rounding at the currency's scale,
//! line and document totals, and amounts in words (Chinese for CNY, Vietnamese for VND, English
//! for USD and EUR).
//!
//! Everything here is a pure function on [`rust_decimal::Decimal`]; nothing does I/O.

mod currency;
mod rounding;
mod totals;
mod words;

pub use currency::{Currency, ParseCurrencyError};
pub use rounding::{round, round_dp_half_up};
pub use totals::{
    DocumentTotals, LineInput, LineTotals, MAX_LINE_DECIMALS, TotalsError, document_totals, line_totals, margin_pct,
    sum_lines, validate_line, validate_lines,
};
pub use words::{MAX_AMOUNT, WordsError, to_words};
