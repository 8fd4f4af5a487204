//! The warehouse's answers to crm's outbound requests (`warehouse.outbound.confirmed`); what
//! they change is in `app::outbound::confirmed`. Redeliveries are dropped by the inbox.

use crate::app::outbound::confirmed;
use diesel::PgConnection;
use erp_bus::{Envelope, HandlerError};
use erp_contracts::warehouse::OutboundConfirmed;

pub use confirmed::SOURCE_KIND;

pub fn outbound_confirmed(conn: &mut PgConnection, env: &Envelope, e: OutboundConfirmed) -> Result<(), HandlerError> {
    Ok(confirmed::outbound_confirmed(conn, env.id, &e)?)
}
