//! Which business flow a document belongs to, so that one `correlation_id` follows a quotation
//! through its order, outbound note, shipment, invoice and receipts, and a purchase request
//! through its orders, arrivals, invoices and payments (docs/architecture.md, "One flow, one
//! correlation"). A document is named by its type (the name its approval requests use) and id.

use crate::EventMeta;
use crate::schema::document_flows as flows;
use diesel::prelude::*;
use erp_problem::AppError;
use uuid::Uuid;

/// A document: its type name (`quotation`, `outbound_note`) and id.
pub type Document<'a> = (&'a str, Uuid);

/// A new document starts in the flow `meta` is in: a new flow for one made by hand, the
/// event's flow (and the event as its cause) for one an event asked for. Recording it twice
/// keeps the first.
pub fn begin(conn: &mut PgConnection, meta: &EventMeta, document: Document<'_>) -> Result<(), AppError> {
    diesel::insert_into(flows::table)
        .values((
            flows::document_type.eq(document.0),
            flows::document_id.eq(document.1),
            flows::correlation_id.eq(meta.correlation_id),
            flows::causation_id.eq(meta.causation_id),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    Ok(())
}

/// A new document made from `parent` (an order from its quotation) joins the parent's flow;
/// returns the metadata to publish its events with.
pub fn derive(
    conn: &mut PgConnection,
    meta: &EventMeta,
    document: Document<'_>,
    parent: Document<'_>,
) -> Result<EventMeta, AppError> {
    let meta = resume(conn, meta, parent)?;
    begin(conn, &meta, document)?;
    Ok(meta)
}

/// A new document made from `parent` joins the parent's flow, when the parent has one (one
/// recorded before flows were kept leaves the document to start its own at its first event).
pub fn inherit(conn: &mut PgConnection, document: Document<'_>, parent: Document<'_>) -> Result<(), AppError> {
    diesel::insert_into(flows::table)
        .values(
            flows::table
                .filter(flows::document_type.eq(parent.0))
                .filter(flows::document_id.eq(parent.1))
                .select((
                    document.0.into_sql::<diesel::sql_types::Text>(),
                    document.1.into_sql::<diesel::sql_types::Uuid>(),
                    flows::correlation_id,
                    flows::causation_id,
                )),
        )
        .into_columns((
            flows::document_type,
            flows::document_id,
            flows::correlation_id,
            flows::causation_id,
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    Ok(())
}

/// A command on an existing document continues its flow: the metadata to publish with. A
/// document recorded before flows were kept starts one now, with `meta`'s.
pub fn resume(conn: &mut PgConnection, meta: &EventMeta, document: Document<'_>) -> Result<EventMeta, AppError> {
    let found: Option<(Uuid, Option<Uuid>)> = flows::table
        .find((document.0, document.1))
        .select((flows::correlation_id, flows::causation_id))
        .first(conn)
        .optional()?;
    match found {
        Some((correlation_id, causation_id)) => Ok(meta.in_flow(correlation_id, causation_id)),
        None => {
            begin(conn, meta, document)?;
            Ok(meta.clone())
        }
    }
}
