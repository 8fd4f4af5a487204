//! The answers to purchasing's settlement: the warehouse's count of an arrival
//! (`warehouse.inbound.confirmed`) and finance's payment (`finance.payment.made`). Redeliveries
//! are dropped by the inbox; a second answer for the same arrival or payment request changes
//! nothing either.

use crate::app::{arrivals, payments};
use diesel::PgConnection;
use erp_bus::{Envelope, HandlerError};
use erp_contracts::finance::PaymentMade;
use erp_contracts::warehouse::InboundConfirmed;

/// The warehouse counted an arrival in.
pub fn inbound_confirmed(conn: &mut PgConnection, env: &Envelope, e: InboundConfirmed) -> Result<(), HandlerError> {
    arrivals::inbound_confirmed(conn, env.id, &e)?;
    Ok(())
}

/// Finance paid a payment request.
pub fn payment_made(conn: &mut PgConnection, env: &Envelope, e: PaymentMade) -> Result<(), HandlerError> {
    payments::payment_made(conn, env.id, &e)?;
    Ok(())
}
