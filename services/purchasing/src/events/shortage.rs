//! `warehouse.stock.shortage`: an outbound line lacked stock; it becomes one draft purchase
//! request (see `app::requests::from_shortage`). A redelivered envelope is dropped by the inbox,
//! and a shortage published again for the same note line (a new envelope) makes nothing new.

use crate::app::requests;
use diesel::PgConnection;
use erp_bus::{Envelope, HandlerError};
use erp_contracts::warehouse::StockShortage;

pub fn stock_shortage(conn: &mut PgConnection, env: &Envelope, e: StockShortage) -> Result<(), HandlerError> {
    if let Some(id) = requests::from_shortage(conn, env.id, &e)? {
        let meta = erp_bus::EventMeta::caused_by(crate::NAME, env);
        erp_bus::flow::begin(conn, &meta, (requests::DOCUMENT_TYPE, id))?;
    }
    Ok(())
}
