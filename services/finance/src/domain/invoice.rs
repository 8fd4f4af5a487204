//! Sales invoice amounts: how much of an order line may be invoiced, and the net and tax of an
//! invoiced quantity. The last invoice of a line takes what is left of the line's net and tax,
//! so the invoices of an order add up to the order exactly, whatever the rounding on the way.

use erp_money::Currency;
use rust_decimal::Decimal;

/// An order line as invoicing sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct LineState {
    pub quantity: Decimal,
    pub net: Decimal,
    pub tax: Decimal,
    pub delivered: Decimal,
    pub invoiced: Decimal,
    pub invoiced_net: Decimal,
    pub invoiced_tax: Decimal,
}

impl LineState {
    /// Delivered and not invoiced yet.
    pub fn invoiceable(&self) -> Decimal {
        (self.delivered.min(self.quantity) - self.invoiced).max(Decimal::ZERO)
    }
}

/// Why a quantity cannot be invoiced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    NotPositive,
    TooPrecise,
    AboveInvoiceable(Decimal),
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::NotPositive => write!(f, "must be greater than zero"),
            Refusal::TooPrecise => write!(f, "must have at most 4 decimal places"),
            Refusal::AboveInvoiceable(max) => {
                write!(f, "is more than delivered and not yet invoiced ({})", max.normalize())
            }
        }
    }
}

/// Net and tax of invoicing `quantity` of `line` in `currency`: proportional to the line and
/// rounded half up, or, when this invoice completes the line, what is left of it.
pub fn amounts(line: &LineState, quantity: Decimal, currency: Currency) -> Result<(Decimal, Decimal), Refusal> {
    if quantity <= Decimal::ZERO {
        return Err(Refusal::NotPositive);
    }
    if quantity.normalize().scale() > 4 {
        return Err(Refusal::TooPrecise);
    }
    let open = line.invoiceable();
    if quantity > open {
        return Err(Refusal::AboveInvoiceable(open));
    }
    if line.invoiced + quantity >= line.quantity {
        return Ok((line.net - line.invoiced_net, line.tax - line.invoiced_tax));
    }
    let share = |amount: Decimal| erp_money::round(amount * quantity / line.quantity, currency);
    Ok((share(line.net), share(line.tax)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    fn line(quantity: Decimal, net: Decimal, tax: Decimal, delivered: Decimal) -> LineState {
        LineState {
            quantity,
            net,
            tax,
            delivered,
            invoiced: Decimal::ZERO,
            invoiced_net: Decimal::ZERO,
            invoiced_tax: Decimal::ZERO,
        }
    }

    #[test]
    fn proportional_then_the_rest() {
        // 3 × 333,333 VND at 10 %: 999,999 net, 99,999.9 → 100,000 tax on the order.
        let mut l = line(dec!(3), dec!(999999), dec!(100000), dec!(3));
        let (n1, t1) = amounts(&l, dec!(1), Currency::Vnd).unwrap();
        assert_eq!((n1, t1), (dec!(333333), dec!(33333)));
        l.invoiced = dec!(1);
        l.invoiced_net = n1;
        l.invoiced_tax = t1;
        let (n2, t2) = amounts(&l, dec!(2), Currency::Vnd).unwrap();
        assert_eq!((n2, t2), (dec!(666666), dec!(66667)));
        assert_eq!(n1 + n2, l.net);
        assert_eq!(t1 + t2, l.tax);
    }

    #[test]
    fn cny_keeps_cents() {
        let l = line(dec!(3), dec!(100.00), dec!(13.00), dec!(3));
        assert_eq!(amounts(&l, dec!(1), Currency::Cny).unwrap(), (dec!(33.33), dec!(4.33)));
    }

    #[test]
    fn never_beyond_delivered() {
        let mut l = line(dec!(10), dec!(1000), dec!(100), dec!(4));
        assert_eq!(
            amounts(&l, dec!(5), Currency::Vnd),
            Err(Refusal::AboveInvoiceable(dec!(4)))
        );
        l.invoiced = dec!(4);
        assert_eq!(
            amounts(&l, dec!(1), Currency::Vnd),
            Err(Refusal::AboveInvoiceable(dec!(0)))
        );
        assert_eq!(amounts(&l, dec!(0), Currency::Vnd), Err(Refusal::NotPositive));
        assert_eq!(amounts(&l, dec!(-1), Currency::Vnd), Err(Refusal::NotPositive));
        assert_eq!(amounts(&l, dec!(0.00001), Currency::Vnd), Err(Refusal::TooPrecise));
    }

    proptest! {
        /// However a line is split into invoices, they add up to the line.
        #[test]
        fn invoices_add_up_to_the_line(
            qty in 1u32..500,
            price in 1u64..100_000_000,
            cuts in proptest::collection::vec(1u32..50, 1..8),
            cny in any::<bool>(),
        ) {
            let cur = if cny { Currency::Cny } else { Currency::Vnd };
            let quantity = Decimal::from(qty);
            let net = erp_money::round(quantity * Decimal::from(price) / dec!(7), cur);
            let tax = erp_money::round(net * dec!(0.1), cur);
            let mut l = line(quantity, net, tax, quantity);
            for c in cuts {
                let q = Decimal::from(c).min(l.invoiceable());
                if q.is_zero() { break; }
                let (n, t) = amounts(&l, q, cur).unwrap();
                prop_assert!(n >= Decimal::ZERO && t >= Decimal::ZERO);
                l.invoiced += q; l.invoiced_net += n; l.invoiced_tax += t;
            }
            let rest = l.invoiceable();
            if !rest.is_zero() {
                let (n, t) = amounts(&l, rest, cur).unwrap();
                l.invoiced += rest; l.invoiced_net += n; l.invoiced_tax += t;
            }
            prop_assert_eq!(l.invoiced_net, net);
            prop_assert_eq!(l.invoiced_tax, tax);
        }
    }
}
