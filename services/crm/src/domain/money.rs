//! Currencies crm accepts (from erp-money) and their decimal places (VND has none).

pub fn currency_scale(code: &str) -> Option<u32> {
    erp_money::Currency::parse(code).ok().map(|c| c.scale())
}
