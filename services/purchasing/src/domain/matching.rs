//! Settlement rules, free of I/O: how much may still arrive on an order line (the over-receipt
//! tolerance), the three-way match of a supplier invoice line against the order (price, tax
//! rate) and what was received (quantity), and when an order is settled and may close.

use rust_decimal::{Decimal, RoundingStrategy};

/// Quantities have at most four decimal places (kg, m, pieces).
pub const QUANTITY_SCALE: u32 = 4;

/// How far receipts and invoices may stray from the order before someone must look, in percent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tolerances {
    /// More may arrive than ordered, up to this share of the ordered quantity.
    pub over_receipt_pct: Decimal,
    /// An invoiced quantity may exceed what was received and not yet invoiced by this share.
    pub invoice_quantity_pct: Decimal,
    /// An invoiced unit price may differ from the order's by this share, either way.
    pub invoice_price_pct: Decimal,
}

impl Default for Tolerances {
    fn default() -> Self {
        Self {
            over_receipt_pct: Decimal::from(5),
            invoice_quantity_pct: Decimal::ZERO,
            invoice_price_pct: Decimal::ONE,
        }
    }
}

/// A quantity as shown to people: four places.
pub fn quantity(q: Decimal) -> Decimal {
    let mut q = q;
    q.rescale(QUANTITY_SCALE);
    q
}

/// A percentage as shown to people: `5`, `0.5`, `12.25`.
pub fn pct(p: Decimal) -> Decimal {
    p.normalize()
}

fn share(base: Decimal, pct: Decimal) -> Decimal {
    base * pct / Decimal::ONE_HUNDRED
}

/// The most that may ever be announced on a line ordered `ordered`: the order plus the
/// over-receipt tolerance, at the quantity scale (rounded down, never above the tolerance).
pub fn receipt_ceiling(ordered: Decimal, over_receipt_pct: Decimal) -> Decimal {
    (ordered + share(ordered, over_receipt_pct)).round_dp_with_strategy(QUANTITY_SCALE, RoundingStrategy::ToZero)
}

/// What may still be announced on a line: the ceiling less what was announced so far.
pub fn receipt_room(ordered: Decimal, arrived: Decimal, over_receipt_pct: Decimal) -> Decimal {
    (receipt_ceiling(ordered, over_receipt_pct) - arrived).max(Decimal::ZERO)
}

/// The message of an announcement beyond the tolerance, naming the line and what is left.
pub fn over_receipt_message(
    line_no: i32,
    ordered: Decimal,
    arrived: Decimal,
    wanted: Decimal,
    over_receipt_pct: Decimal,
) -> String {
    format!(
        "over-receipt beyond the {} % tolerance: line {} ordered {}, {} already announced, so at most {} more may arrive, not {}",
        pct(over_receipt_pct),
        line_no,
        quantity(ordered),
        quantity(arrived),
        quantity(receipt_room(ordered, arrived, over_receipt_pct)),
        quantity(wanted)
    )
}

/// One invoice line with what it is matched against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceLineCheck {
    pub line_no: i32,
    /// The purchase order line's unit price and tax rate.
    pub order_price: Decimal,
    pub order_tax_rate: Decimal,
    /// Confirmed by the warehouse, and already invoiced on earlier invoices.
    pub received: Decimal,
    pub invoiced: Decimal,
    /// As on the invoice.
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub tax_rate: Decimal,
}

impl InvoiceLineCheck {
    /// Received and not yet invoiced.
    pub fn open_quantity(&self) -> Decimal {
        (self.received - self.invoiced).max(Decimal::ZERO)
    }
}

/// The differences of one invoice line, each a plain sentence naming the line; empty when it
/// matches within the tolerances.
pub fn check_line(l: &InvoiceLineCheck, tol: &Tolerances) -> Vec<String> {
    let mut out = Vec::new();
    let open = l.open_quantity();
    let allowed = open + share(open, tol.invoice_quantity_pct);
    if l.quantity > allowed {
        let sentence = if open.is_zero() {
            format!(
                "line {}: {} invoiced, but nothing received is left to invoice ({} received, {} invoiced before)",
                l.line_no,
                quantity(l.quantity),
                quantity(l.received),
                quantity(l.invoiced)
            )
        } else {
            format!(
                "line {}: {} invoiced, but only {} was received and not yet invoiced ({} too many)",
                l.line_no,
                quantity(l.quantity),
                quantity(open),
                quantity(l.quantity - open)
            )
        };
        out.push(sentence);
    }
    if l.unit_price != l.order_price {
        if l.order_price.is_zero() {
            out.push(format!(
                "line {}: unit price {} invoiced where the order has {}",
                l.line_no,
                quantity(l.unit_price),
                quantity(l.order_price)
            ));
        } else {
            let diff_pct = (l.unit_price - l.order_price) * Decimal::ONE_HUNDRED / l.order_price;
            if diff_pct.abs() > tol.invoice_price_pct {
                out.push(format!(
                    "line {}: unit price {} is {} % {} the order's {} (tolerance {} %)",
                    l.line_no,
                    quantity(l.unit_price),
                    erp_money::round_dp_half_up(diff_pct.abs(), 2),
                    if diff_pct > Decimal::ZERO { "above" } else { "below" },
                    quantity(l.order_price),
                    pct(tol.invoice_price_pct)
                ));
            }
        }
    }
    if l.tax_rate != l.order_tax_rate {
        out.push(format!(
            "line {}: tax rate {} % differs from the order's {} %",
            l.line_no,
            pct(l.tax_rate),
            pct(l.order_tax_rate)
        ));
    }
    out
}

/// The three-way match of a whole invoice: every difference of every line, in line order.
/// An empty list means the invoice is matched.
pub fn three_way(lines: &[InvoiceLineCheck], tol: &Tolerances) -> Vec<String> {
    lines.iter().flat_map(|l| check_line(l, tol)).collect()
}

/// Where an order stands, for closing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    /// Per line: ordered, received, invoiced.
    pub lines: Vec<(Decimal, Decimal, Decimal)>,
    /// Invoices blocked and not yet accepted or rejected.
    pub blocked_invoices: usize,
    /// The totals of the invoices that count (matched or accepted).
    pub invoiced_total: Decimal,
    /// Payment requests waiting for finance's approval or for the money.
    pub open_payment_requests: usize,
    /// What finance paid.
    pub paid: Decimal,
}

impl Settlement {
    pub fn fully_received(&self) -> bool {
        !self.lines.is_empty() && self.lines.iter().all(|(ordered, received, _)| received >= ordered)
    }

    pub fn fully_invoiced(&self) -> bool {
        !self.lines.is_empty()
            && self
                .lines
                .iter()
                .all(|(ordered, received, invoiced)| invoiced >= received && invoiced >= ordered)
    }

    pub fn fully_paid(&self) -> bool {
        self.open_payment_requests == 0 && self.paid >= self.invoiced_total
    }

    /// Received, invoiced and paid in full, nothing waiting: the order may close.
    pub fn is_settled(&self) -> bool {
        self.fully_received() && self.fully_invoiced() && self.blocked_invoices == 0 && self.fully_paid()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn line(quantity: Decimal, unit_price: Decimal) -> InvoiceLineCheck {
        InvoiceLineCheck {
            line_no: 1,
            order_price: dec!(100),
            order_tax_rate: dec!(10),
            received: dec!(10),
            invoiced: dec!(0),
            quantity,
            unit_price,
            tax_rate: dec!(10),
        }
    }

    #[test]
    fn five_percent_over_receipt_is_allowed_and_no_more() {
        let tol = Tolerances::default();
        assert_eq!(receipt_ceiling(dec!(10), tol.over_receipt_pct), dec!(10.5));
        assert_eq!(receipt_room(dec!(10), dec!(8), tol.over_receipt_pct), dec!(2.5));
        assert_eq!(receipt_room(dec!(10), dec!(11), tol.over_receipt_pct), dec!(0));
        // 3 × 1.05 = 3.15; 0.3333 × 1.05 = 0.349965 → 0.3499 (rounded down, never above).
        assert_eq!(receipt_ceiling(dec!(0.3333), dec!(5)), dec!(0.3499));
        assert_eq!(receipt_ceiling(dec!(10), dec!(0)), dec!(10));
        let m = over_receipt_message(2, dec!(10), dec!(8), dec!(3), tol.over_receipt_pct);
        assert!(m.starts_with("over-receipt beyond the 5 % tolerance"), "{m}");
        assert!(
            m.contains("line 2") && m.contains("2.5000") && m.contains("3.0000"),
            "{m}"
        );
    }

    #[test]
    fn a_line_within_the_tolerances_matches() {
        let tol = Tolerances::default();
        assert!(check_line(&line(dec!(10), dec!(100)), &tol).is_empty());
        assert!(check_line(&line(dec!(4), dec!(101)), &tol).is_empty(), "1 % is within");
        assert!(check_line(&line(dec!(4), dec!(99)), &tol).is_empty());
        assert!(three_way(&[line(dec!(10), dec!(100.5))], &tol).is_empty());
    }

    #[test]
    fn more_invoiced_than_received_and_not_yet_invoiced_is_named() {
        let tol = Tolerances::default();
        let mut l = line(dec!(6), dec!(100));
        l.invoiced = dec!(5);
        let r = check_line(&l, &tol);
        assert_eq!(
            r,
            vec!["line 1: 6.0000 invoiced, but only 5.0000 was received and not yet invoiced (1.0000 too many)"]
        );
        l.received = dec!(0);
        l.invoiced = dec!(0);
        let r = check_line(&l, &tol);
        assert_eq!(r.len(), 1);
        assert!(r[0].contains("nothing received is left to invoice"), "{r:?}");
        // A quantity tolerance lets a little more through.
        let loose = Tolerances {
            invoice_quantity_pct: dec!(10),
            ..tol
        };
        assert!(check_line(&line(dec!(11), dec!(100)), &loose).is_empty());
        assert!(!check_line(&line(dec!(11.01), dec!(100)), &loose).is_empty());
    }

    #[test]
    fn prices_beyond_the_tolerance_either_way_are_named() {
        let tol = Tolerances::default();
        let r = check_line(&line(dec!(10), dec!(101.5)), &tol);
        assert_eq!(
            r,
            vec!["line 1: unit price 101.5000 is 1.50 % above the order's 100.0000 (tolerance 1 %)"]
        );
        let r = check_line(&line(dec!(10), dec!(90)), &tol);
        assert_eq!(
            r,
            vec!["line 1: unit price 90.0000 is 10.00 % below the order's 100.0000 (tolerance 1 %)"]
        );
        let mut free = line(dec!(10), dec!(1));
        free.order_price = dec!(0);
        assert_eq!(check_line(&free, &tol).len(), 1);
    }

    #[test]
    fn every_difference_of_every_line_is_listed() {
        let tol = Tolerances::default();
        let mut a = line(dec!(12), dec!(110));
        a.tax_rate = dec!(8);
        let mut b = line(dec!(1), dec!(100));
        b.line_no = 2;
        let r = three_way(&[a, b], &tol);
        assert_eq!(r.len(), 3, "{r:?}");
        assert!(r[0].starts_with("line 1: 12.0000 invoiced"));
        assert!(r[1].starts_with("line 1: unit price 110.0000 is 10.00 % above"));
        assert_eq!(r[2], "line 1: tax rate 8 % differs from the order's 10 %");
    }

    #[test]
    fn an_order_is_settled_only_when_received_invoiced_and_paid() {
        let mut s = Settlement {
            lines: vec![(dec!(10), dec!(10), dec!(10)), (dec!(5), dec!(5.2), dec!(5.2))],
            blocked_invoices: 0,
            invoiced_total: dec!(1650.00),
            open_payment_requests: 0,
            paid: dec!(1650.00),
        };
        assert!(s.is_settled());
        s.paid = dec!(1649.99);
        assert!(!s.is_settled(), "not fully paid");
        s.paid = dec!(1650);
        s.open_payment_requests = 1;
        assert!(!s.is_settled(), "a payment request still waits");
        s.open_payment_requests = 0;
        s.blocked_invoices = 1;
        assert!(!s.is_settled(), "an invoice is blocked");
        s.blocked_invoices = 0;
        s.lines[1] = (dec!(5), dec!(4), dec!(4));
        assert!(!s.fully_received() && !s.is_settled());
        s.lines[1] = (dec!(5), dec!(5.2), dec!(5));
        assert!(s.fully_received() && !s.fully_invoiced());
        s.lines.clear();
        assert!(!s.is_settled(), "an order without lines never settles");
    }
}
