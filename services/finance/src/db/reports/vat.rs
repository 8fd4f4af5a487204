//! VAT: output tax on sales invoices against deductible input tax on supplier invoices.

use crate::domain::chart;
use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{Date, Nullable, Numeric, Text, Uuid as SqlUuid};
use erp_money::Currency;
use erp_problem::AppError;
use rust_decimal::Decimal;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// One invoice in the VAT report.
#[derive(Debug, Clone, QueryableByName, Serialize, ToSchema)]
pub struct VatDocument {
    #[diesel(sql_type = Text)]
    pub number: String,
    #[diesel(sql_type = Date)]
    pub date: NaiveDate,
    #[diesel(sql_type = SqlUuid)]
    pub party_id: Uuid,
    #[diesel(sql_type = Nullable<Text>)]
    pub party_name: Option<String>,
    #[diesel(sql_type = Numeric)]
    #[schema(value_type = String)]
    pub net: Decimal,
    #[diesel(sql_type = Numeric)]
    #[schema(value_type = String)]
    pub tax: Decimal,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VatReport {
    pub currency: Currency,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Net movement of output VAT (33311) in the period: credits less debits.
    #[schema(value_type = String)]
    pub output_vat: Decimal,
    /// Net movement of deductible input VAT (1331): debits less credits.
    #[schema(value_type = String)]
    pub input_vat: Decimal,
    /// Output less input: to pay when positive, to carry forward when negative.
    #[schema(value_type = String)]
    pub payable: Decimal,
    /// Sales invoices issued in the period (output VAT).
    pub sales: Vec<VatDocument>,
    /// Supplier invoices received in the period (input VAT).
    pub purchases: Vec<VatDocument>,
}

#[derive(QueryableByName)]
struct Movement {
    #[diesel(sql_type = Numeric)]
    output_vat: Decimal,
    #[diesel(sql_type = Numeric)]
    input_vat: Decimal,
}

pub fn vat(conn: &mut PgConnection, currency: Currency, from: NaiveDate, to: NaiveDate) -> Result<VatReport, AppError> {
    let m: Movement = diesel::sql_query(
        "SELECT coalesce(sum(l.credit - l.debit) FILTER (WHERE l.account_code = $4), 0) AS output_vat, \
                coalesce(sum(l.debit - l.credit) FILTER (WHERE l.account_code = $5), 0) AS input_vat \
         FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id \
         WHERE l.currency = $1 AND e.entry_date BETWEEN $2 AND $3",
    )
    .bind::<Text, _>(currency.code())
    .bind::<Date, _>(from)
    .bind::<Date, _>(to)
    .bind::<Text, _>(chart::OUTPUT_VAT)
    .bind::<Text, _>(chart::INPUT_VAT)
    .get_result(conn)?;
    let sales: Vec<VatDocument> = diesel::sql_query(
        "SELECT i.number, i.issue_date AS date, i.customer_id AS party_id, o.customer_name AS party_name, i.net, i.tax \
         FROM sales_invoices i JOIN sales_orders o ON o.order_id = i.order_id \
         WHERE i.currency = $1 AND i.issue_date BETWEEN $2 AND $3 ORDER BY i.number",
    )
    .bind::<Text, _>(currency.code())
    .bind::<Date, _>(from)
    .bind::<Date, _>(to)
    .load(conn)?;
    let purchases: Vec<VatDocument> = diesel::sql_query(
        "SELECT s.invoice_number AS number, s.invoice_date AS date, s.supplier_id AS party_id, \
                p.supplier_name AS party_name, s.net, s.tax \
         FROM supplier_invoices s LEFT JOIN purchase_orders p ON p.order_id = s.order_id \
         WHERE s.currency = $1 AND s.invoice_date BETWEEN $2 AND $3 ORDER BY s.invoice_date, s.invoice_number",
    )
    .bind::<Text, _>(currency.code())
    .bind::<Date, _>(from)
    .bind::<Date, _>(to)
    .load(conn)?;
    Ok(VatReport {
        currency,
        from,
        to,
        payable: m.output_vat - m.input_vat,
        output_vat: m.output_vat,
        input_vat: m.input_vat,
        sales,
        purchases,
    })
}
