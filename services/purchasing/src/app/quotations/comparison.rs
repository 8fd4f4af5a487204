//! The quotations side by side: per request line each supplier's unit price, line net, lead
//! time and terms with the cheapest marked; per supplier the totals.

use crate::app::requests::visible;
use crate::db::quotations::{self as db, QuotationLineRow, QuotationRow, SelectionRow};
use crate::db::{requests as request_db, suppliers};
use crate::domain::quotations::{MIN_QUOTATIONS, cheapest_by_currency};
use chrono::NaiveDate;
use diesel::PgConnection;
use erp_auth::CurrentUser;
use erp_problem::AppError;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// One supplier's price for one request line.
#[derive(Debug, Clone)]
pub struct OfferView {
    pub quotation_id: Uuid,
    pub supplier_id: Uuid,
    pub supplier_name: String,
    pub currency: String,
    pub quantity: Decimal,
    pub unit_price: Decimal,
    pub tax_rate: Decimal,
    pub net: Decimal,
    pub tax: Decimal,
    pub lead_time_days: i32,
    pub terms: Option<String>,
    /// The lowest unit price of the line among the offers in the same currency.
    pub cheapest: bool,
}

#[derive(Debug, Clone)]
pub struct ComparisonLineView {
    pub request_line_id: Uuid,
    pub line_no: i32,
    pub item_id: Uuid,
    pub sku: Option<String>,
    pub name: Option<String>,
    pub unit: Option<String>,
    pub quantity: Decimal,
    /// Cheapest first.
    pub offers: Vec<OfferView>,
}

/// One supplier's quotation as a whole.
#[derive(Debug, Clone)]
pub struct SupplierTotalView {
    pub quotation_id: Uuid,
    pub supplier_id: Uuid,
    pub supplier_code: String,
    pub supplier_name: String,
    pub rating: Option<i32>,
    pub reference: Option<String>,
    pub quoted_on: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub currency: String,
    pub net: Decimal,
    pub tax: Decimal,
    pub total: Decimal,
    pub lead_time_days: i32,
    pub terms: Option<String>,
    pub lines_quoted: usize,
    pub covers_every_line: bool,
    pub cheapest: bool,
    pub chosen: bool,
}

#[derive(Debug, Clone)]
pub struct ComparisonView {
    pub request_id: Uuid,
    pub request_number: String,
    pub quotations: i64,
    pub min_quotations: i64,
    pub enough_quotations: bool,
    pub lines: Vec<ComparisonLineView>,
    pub suppliers: Vec<SupplierTotalView>,
    pub selection: Option<SelectionRow>,
}

/// The comparison of a request's quotations, for a caller who sees the request.
pub fn compare(c: &mut PgConnection, user: &CurrentUser, request_id: Uuid) -> Result<ComparisonView, AppError> {
    let r = visible(c, user, request_id, false)?;
    let request_lines = request_db::lines(c, r.id)?;
    let item_ids: Vec<Uuid> = request_lines.iter().map(|l| l.item_id).collect();
    let items = erp_catalogue::items_by_id(c, &item_ids)?;
    let quotations = db::of_request(c, r.id)?;
    let supplier_ids: Vec<Uuid> = quotations.iter().map(|q| q.supplier_id).collect();
    let supplier_rows = suppliers::by_id(c, &supplier_ids)?;
    let quotation_ids: Vec<Uuid> = quotations.iter().map(|q| q.id).collect();
    let all_lines = db::lines_of(c, &quotation_ids)?;
    let selection = db::selection(c, r.id)?;
    let by_id: HashMap<Uuid, &QuotationRow> = quotations.iter().map(|q| (q.id, q)).collect();
    let name_of = |supplier_id: Uuid| {
        supplier_rows
            .get(&supplier_id)
            .map(|s| s.name.clone())
            .unwrap_or_default()
    };

    let mut lines = Vec::with_capacity(request_lines.len());
    for rl in &request_lines {
        let quoted: Vec<(&QuotationLineRow, &QuotationRow)> = all_lines
            .iter()
            .filter(|l| l.request_line_id == rl.id)
            .filter_map(|l| by_id.get(&l.quotation_id).map(|q| (l, *q)))
            .collect();
        let min = cheapest_by_currency(quoted.iter().map(|(l, q)| (q.currency.as_str(), l.unit_price)));
        let mut offers: Vec<OfferView> = quoted
            .iter()
            .map(|(l, q)| OfferView {
                quotation_id: q.id,
                supplier_id: q.supplier_id,
                supplier_name: name_of(q.supplier_id),
                currency: q.currency.clone(),
                quantity: l.quantity,
                unit_price: l.unit_price,
                tax_rate: l.tax_rate,
                net: l.net,
                tax: l.tax,
                lead_time_days: q.lead_time_days,
                terms: q.terms.clone(),
                cheapest: min.get(&q.currency) == Some(&l.unit_price),
            })
            .collect();
        offers.sort_by(|a, b| {
            (a.currency.as_str(), a.unit_price, a.lead_time_days).cmp(&(
                b.currency.as_str(),
                b.unit_price,
                b.lead_time_days,
            ))
        });
        let item = items.get(&rl.item_id);
        lines.push(ComparisonLineView {
            request_line_id: rl.id,
            line_no: rl.line_no,
            item_id: rl.item_id,
            sku: item.map(|i| i.sku.clone()),
            name: item.map(|i| i.name.clone()),
            unit: item.map(|i| i.unit.clone()),
            quantity: rl.quantity,
            offers,
        });
    }

    let mut quoted_lines: BTreeMap<Uuid, usize> = BTreeMap::new();
    for l in &all_lines {
        *quoted_lines.entry(l.quotation_id).or_default() += 1;
    }
    let covers = |q: &QuotationRow| quoted_lines.get(&q.id).copied().unwrap_or(0) >= request_lines.len();
    let min_total = cheapest_by_currency(
        quotations
            .iter()
            .filter(|q| covers(q))
            .map(|q| (q.currency.as_str(), q.total)),
    );
    let suppliers = quotations
        .iter()
        .map(|q| {
            let s = supplier_rows.get(&q.supplier_id);
            SupplierTotalView {
                quotation_id: q.id,
                supplier_id: q.supplier_id,
                supplier_code: s.map(|s| s.code.clone()).unwrap_or_default(),
                supplier_name: s.map(|s| s.name.clone()).unwrap_or_default(),
                rating: s.and_then(|s| s.rating),
                reference: q.reference.clone(),
                quoted_on: q.quoted_on,
                valid_until: q.valid_until,
                currency: q.currency.clone(),
                net: q.net,
                tax: q.tax,
                total: q.total,
                lead_time_days: q.lead_time_days,
                terms: q.terms.clone(),
                lines_quoted: quoted_lines.get(&q.id).copied().unwrap_or(0),
                covers_every_line: covers(q),
                cheapest: covers(q) && min_total.get(&q.currency) == Some(&q.total),
                chosen: selection.as_ref().is_some_and(|s| s.chosen_quotation_id == q.id),
            }
        })
        .collect();
    let count = db::count_for_request(c, r.id)?;
    Ok(ComparisonView {
        request_id: r.id,
        request_number: r.number.clone(),
        quotations: count,
        min_quotations: MIN_QUOTATIONS,
        enough_quotations: count >= MIN_QUOTATIONS,
        lines,
        suppliers,
        selection,
    })
}
