//! What warehouse consumes: requests that become notes, through the same application
//! functions as a note made by hand. What it publishes is enqueued by the application
//! functions where things change (items, stock, notes, approvals).

use crate::app::notes::{self, NewNote, NoteLine};
use crate::domain::InboundKind;
use diesel::PgConnection;
use erp_bus::{Envelope, EventMeta, HandlerError, Subscriptions};
use erp_contracts::warehouse::SourceRef;
use erp_contracts::{crm, production, purchasing};

pub fn subscriptions() -> Subscriptions {
    erp_directory::subscriptions()
        .on::<crm::OutboundRequested, _>(outbound_requested)
        .on::<purchasing::InboundRequested, _>(purchase_arrived)
        .on::<production::ReceiptRequested, _>(production_receipt)
}

/// An event naming an unknown item or warehouse is retried and then parked like any failure:
/// once the catalogue or the warehouses are fixed, replaying the dead letter creates the note.
fn outbound_requested(conn: &mut PgConnection, env: &Envelope, e: crm::OutboundRequested) -> Result<(), HandlerError> {
    let new = NewNote {
        source: SourceRef {
            kind: "crm.outbound_request".into(),
            id: e.request_id,
            number: Some(e.order_number.clone()),
        },
        warehouse_id: e.warehouse_id,
        party: e.customer_name.clone(),
        note: None,
        requested_by: env.actor.clone(),
        lines: e
            .lines
            .iter()
            .map(|l| NoteLine {
                source_line_id: Some(l.line_id),
                item_id: l.item_id,
                quantity: l.quantity,
                unit_cost: None,
            })
            .collect(),
    };
    let note = notes::create_outbound(conn, &new)?;
    erp_bus::flow::begin(
        conn,
        &EventMeta::caused_by(crate::NAME, env),
        (notes::OUTBOUND_NOTE, note.id),
    )?;
    Ok(())
}

fn purchase_arrived(
    conn: &mut PgConnection,
    env: &Envelope,
    e: purchasing::InboundRequested,
) -> Result<(), HandlerError> {
    let new = NewNote {
        source: SourceRef {
            kind: "purchasing.inbound_request".into(),
            id: e.request_id,
            number: Some(e.purchase_order_number.clone()),
        },
        warehouse_id: e.warehouse_id,
        party: e.supplier_name.clone(),
        note: None,
        requested_by: env.actor.clone(),
        lines: e
            .lines
            .iter()
            .map(|l| NoteLine {
                source_line_id: Some(l.line_id),
                item_id: l.item_id,
                quantity: l.quantity,
                unit_cost: Some(l.unit_cost),
            })
            .collect(),
    };
    let note = notes::create_inbound(conn, InboundKind::Purchase, &new)?;
    erp_bus::flow::begin(
        conn,
        &EventMeta::caused_by(crate::NAME, env),
        (notes::INBOUND_NOTE, note.id),
    )?;
    Ok(())
}

fn production_receipt(
    conn: &mut PgConnection,
    env: &Envelope,
    e: production::ReceiptRequested,
) -> Result<(), HandlerError> {
    let new = NewNote {
        source: SourceRef {
            kind: "production.receipt_request".into(),
            id: e.request_id,
            number: Some(e.production_order_number.clone()),
        },
        warehouse_id: e.warehouse_id,
        party: None,
        note: None,
        requested_by: env.actor.clone(),
        lines: e
            .lines
            .iter()
            .map(|l| NoteLine {
                source_line_id: Some(l.line_id),
                item_id: l.item_id,
                quantity: l.quantity,
                unit_cost: l.unit_cost,
            })
            .collect(),
    };
    let note = notes::create_inbound(conn, InboundKind::Production, &new)?;
    erp_bus::flow::begin(
        conn,
        &EventMeta::caused_by(crate::NAME, env),
        (notes::INBOUND_NOTE, note.id),
    )?;
    Ok(())
}
