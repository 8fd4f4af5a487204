//! What warehouse consumes (requests that become notes) and publishes (item changes; the
//! stock events are published where stock moves).

use crate::db::Item;
use crate::db::notes::{self, NewNote, NoteLine};
use diesel::PgConnection;
use erp_bus::{Envelope, EventMeta, HandlerError, Subscriptions};
use erp_contracts::warehouse::{ItemChanged, SourceRef};
use erp_contracts::{crm, production, purchasing};
use erp_problem::AppError;

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
    notes::create_outbound(conn, &new)?;
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
    notes::create_inbound(conn, "purchase", &new)?;
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
    notes::create_inbound(conn, "production", &new)?;
    Ok(())
}

pub fn publish_item_changed(conn: &mut PgConnection, meta: &EventMeta, item: &Item) -> Result<(), AppError> {
    erp_bus::enqueue(
        conn,
        meta,
        &ItemChanged {
            item_id: item.id,
            sku: item.sku.clone(),
            name: item.name.clone(),
            specification: item.specification.clone(),
            unit: item.unit.clone(),
            kind: item.kind.clone(),
            category: item.category.clone(),
            min_stock: item.min_stock,
            max_stock: item.max_stock,
            standard_cost: item.standard_cost,
            active: item.active,
            revision: item.version,
            changed_at: item.updated_at,
        },
    )?;
    Ok(())
}
