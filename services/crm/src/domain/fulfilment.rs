//! Order fulfilment's documents (DOMAIN.md §1): the receipt's and the shipment's states with
//! their tables of moves, the outbound request's state as the warehouse reports it, how
//! confirmed money pays the payment plan, and the scales quantities and money are shown at.

use erp_problem::AppError;
use rust_decimal::Decimal;

/// Quantities have at most four decimal places (kg, m, pieces).
pub const QUANTITY_SCALE: u32 = 4;

erp_db::states! {
    /// Money received on an order: finance confirms it arrived or rejects it.
    pub enum ReceiptStatus: "receipt" {
        /// Waiting for finance.
        Recorded = "recorded",
        Confirmed = "confirmed",
        Rejected = "rejected",
    }
}

erp_db::states! {
    /// An outbound request, as the warehouse last reported on its note.
    pub enum OutboundStatus: "outbound request" {
        Open = "open",
        PartiallyIssued = "partially_issued",
        Issued = "issued",
        Cancelled = "cancelled",
    }
}

erp_db::states! {
    /// Goods on their way to the customer, then signed for.
    pub enum ShipmentStatus: "shipment" {
        Shipped = "shipped",
        Delivered = "delivered",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiptAction {
    /// The money arrived (the approval of the receipt).
    Confirm,
    /// It did not.
    Reject,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShipmentAction {
    /// The customer signed the delivery note.
    Deliver,
}

impl ReceiptStatus {
    /// The whole table: only recorded money is decided, once.
    pub fn transition(self, action: ReceiptAction) -> Result<Self, AppError> {
        use ReceiptAction as A;
        use ReceiptStatus as S;
        match (self, action) {
            (S::Recorded, A::Confirm) => Ok(S::Confirmed),
            (S::Recorded, A::Reject) => Ok(S::Rejected),
            (from, _) => Err(AppError::wrong_state(format!("the receipt is already {from}"))),
        }
    }

    /// Counted against the order total: everything not rejected.
    pub const COUNTED: [ReceiptStatus; 2] = [ReceiptStatus::Recorded, ReceiptStatus::Confirmed];
}

impl ShipmentStatus {
    /// The whole table: a shipment is delivered once.
    pub fn transition(self, action: ShipmentAction) -> Result<Self, AppError> {
        match (self, action) {
            (ShipmentStatus::Shipped, ShipmentAction::Deliver) => Ok(ShipmentStatus::Delivered),
            (from, _) => Err(AppError::wrong_state(format!("the shipment is already {from}"))),
        }
    }
}

impl OutboundStatus {
    /// A final report of the warehouse: what is still open on the request will not be issued.
    pub fn closes_the_rest(self) -> bool {
        matches!(self, OutboundStatus::Cancelled | OutboundStatus::Issued)
    }
}

/// The JSON form of a quantity: always four places.
pub fn quantity(q: Decimal) -> Decimal {
    let mut q = q;
    q.rescale(QUANTITY_SCALE);
    q
}

/// Money as stored (two places), so computed sums look like the stored amounts.
pub fn money(d: Decimal) -> Decimal {
    let mut d = d;
    d.rescale(2);
    d
}

/// Why a requested quantity is refused, if it is: positive, at most four places.
pub fn quantity_problem(q: Decimal) -> Option<String> {
    if q <= Decimal::ZERO {
        Some("must be greater than zero".to_owned())
    } else if q.normalize().scale() > QUANTITY_SCALE {
        Some(format!("must have at most {QUANTITY_SCALE} decimal places"))
    } else {
        None
    }
}

/// What confirmed money `paid` covers of each instalment (in due-date order), oldest first.
pub fn allocate(paid: Decimal, instalments: &[Decimal]) -> Vec<Decimal> {
    let mut left = paid;
    instalments
        .iter()
        .map(|amount| {
            let covered = left.min(*amount).max(Decimal::ZERO);
            left -= covered;
            covered
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn receipt_table() {
        use ReceiptAction as A;
        use ReceiptStatus as S;
        assert_eq!(S::Recorded.transition(A::Confirm).unwrap(), S::Confirmed);
        assert_eq!(S::Recorded.transition(A::Reject).unwrap(), S::Rejected);
        assert!(S::Confirmed.transition(A::Reject).is_err(), "deciding twice");
        assert!(S::Rejected.transition(A::Confirm).is_err());
        for s in S::ALL {
            assert_eq!(S::parse(s.as_str()).unwrap(), *s);
        }
    }

    #[test]
    fn shipment_table() {
        assert_eq!(
            ShipmentStatus::Shipped.transition(ShipmentAction::Deliver).unwrap(),
            ShipmentStatus::Delivered
        );
        let e = ShipmentStatus::Delivered
            .transition(ShipmentAction::Deliver)
            .unwrap_err();
        assert_eq!(e.to_problem().status, 409);
    }

    #[test]
    fn final_reports_close_the_rest() {
        assert!(OutboundStatus::Cancelled.closes_the_rest());
        assert!(OutboundStatus::Issued.closes_the_rest());
        assert!(!OutboundStatus::PartiallyIssued.closes_the_rest());
        assert!(!OutboundStatus::Open.closes_the_rest());
    }

    #[test]
    fn money_pays_the_oldest_instalment_first() {
        assert_eq!(
            allocate(dec!(1500), &[dec!(1000), dec!(1000), dec!(500)]),
            vec![dec!(1000), dec!(500), dec!(0)]
        );
        assert_eq!(allocate(dec!(0), &[dec!(10)]), vec![dec!(0)]);
        assert_eq!(allocate(dec!(99), &[]), Vec::<Decimal>::new());
    }

    #[test]
    fn quantities() {
        assert!(quantity_problem(dec!(0)).is_some());
        assert!(quantity_problem(dec!(1.00001)).is_some());
        assert!(quantity_problem(dec!(1.2500)).is_none());
        assert_eq!(quantity(dec!(2)).to_string(), "2.0000");
        assert_eq!(money(dec!(2)).to_string(), "2.00");
    }
}
