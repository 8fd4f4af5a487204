//! The warehouse service: the item master, warehouses, stock balances and the immutable stock
//! ledger, outbound and inbound notes, transfers, adjustments, stock counts and min/max alerts.
//! Stock never goes below zero, however many confirmations arrive at once.

pub mod api;
pub mod app;
pub mod db;
pub mod domain;
pub mod events;

use erp_server::ServiceDef;

pub const NAME: &str = "warehouse";

pub fn service() -> ServiceDef {
    ServiceDef {
        name: NAME,
        description: "Items, warehouses, stock balances and the stock ledger, inbound and outbound notes, transfers, adjustments and stock counts.",
        migrations: || vec![erp_directory::MIGRATIONS, erp_approval::MIGRATIONS, db::MIGRATIONS],
        routes: api::routes,
        doors: api::doors::doors,
        subscriptions: events::subscriptions,
        init: Some(seed_authority_matrix),
        jobs: &[],
    }
}

/// The default authority matrix, written when warehouse's document types have no rules yet.
fn seed_authority_matrix(
    conn: &mut diesel::PgConnection,
    _config: &erp_config::Config,
) -> Result<(), erp_problem::AppError> {
    erp_approval::seed_rules(conn, &app::approvals::default_rules())?;
    Ok(())
}
