//! The chart of accounts seeded on first start: a small trading company's set, with codes as in
//! the Vietnamese chart (Circular 200/2014/TT-BTC).
//!
//! Goods received but not yet invoiced by the supplier are carried on **3388** (other payables):
//! the warehouse's count credits it at received × unit cost, the supplier invoice debits it at
//! its net amount and moves the debt to 331.

/// Cash on hand.
pub const CASH: &str = "111";
/// Cash at bank.
pub const BANK: &str = "112";
/// Receivables from customers.
pub const RECEIVABLES: &str = "131";
/// Deductible input VAT on goods and services.
pub const INPUT_VAT: &str = "1331";
/// Shortages of stock awaiting resolution (found missing at a count or adjustment).
pub const SHORTAGE_PENDING: &str = "1381";
/// Merchandise inventory.
pub const INVENTORY: &str = "156";
/// Payables to suppliers.
pub const PAYABLES: &str = "331";
/// Output VAT.
pub const OUTPUT_VAT: &str = "33311";
/// Surpluses of stock awaiting resolution (found at a count or adjustment, opening stock).
pub const SURPLUS_PENDING: &str = "3381";
/// Goods received not invoiced (other payables).
pub const GRNI: &str = "3388";
/// Sales revenue.
pub const REVENUE: &str = "511";
/// Cost of goods sold.
pub const COGS: &str = "632";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedAccount {
    pub code: &'static str,
    pub name: &'static str,
    pub account_type: &'static str,
    pub normal_side: &'static str,
}

const fn acc(
    code: &'static str,
    name: &'static str,
    account_type: &'static str,
    normal_side: &'static str,
) -> SeedAccount {
    SeedAccount {
        code,
        name,
        account_type,
        normal_side,
    }
}

/// The accounts written on first start (those already present are left as they are).
pub const SEED: &[SeedAccount] = &[
    acc(CASH, "Tiền mặt (cash on hand)", "asset", "debit"),
    acc(BANK, "Tiền gửi ngân hàng (cash at bank)", "asset", "debit"),
    acc(RECEIVABLES, "Phải thu của khách hàng (receivables)", "asset", "debit"),
    acc(INPUT_VAT, "Thuế GTGT được khấu trừ (input VAT)", "asset", "debit"),
    acc(
        SHORTAGE_PENDING,
        "Tài sản thiếu chờ xử lý (shortages awaiting resolution)",
        "asset",
        "debit",
    ),
    acc("151", "Hàng mua đang đi đường (goods in transit)", "asset", "debit"),
    acc(INVENTORY, "Hàng hóa (inventory)", "asset", "debit"),
    acc(PAYABLES, "Phải trả cho người bán (payables)", "liability", "credit"),
    acc(OUTPUT_VAT, "Thuế GTGT đầu ra (output VAT)", "liability", "credit"),
    acc(
        "334",
        "Phải trả người lao động (salaries payable)",
        "liability",
        "credit",
    ),
    acc(
        SURPLUS_PENDING,
        "Tài sản thừa chờ giải quyết (surpluses awaiting resolution)",
        "liability",
        "credit",
    ),
    acc(
        GRNI,
        "Phải trả khác: hàng về chưa có hóa đơn (goods received not invoiced)",
        "liability",
        "credit",
    ),
    acc("411", "Vốn đầu tư của chủ sở hữu (owner's equity)", "equity", "credit"),
    acc(REVENUE, "Doanh thu bán hàng (sales revenue)", "revenue", "credit"),
    acc("711", "Thu nhập khác (other income)", "revenue", "credit"),
    acc(COGS, "Giá vốn hàng bán (cost of goods sold)", "expense", "debit"),
    acc("641", "Chi phí bán hàng (selling expenses)", "expense", "debit"),
    acc(
        "642",
        "Chi phí quản lý doanh nghiệp (administrative expenses)",
        "expense",
        "debit",
    ),
    acc("811", "Chi phí khác (other expenses)", "expense", "debit"),
];

pub const ACCOUNT_TYPES: [&str; 5] = ["asset", "liability", "equity", "revenue", "expense"];
pub const SIDES: [&str; 2] = ["debit", "credit"];

/// An account code: 3 to 8 digits (`111`, `1331`, `33311`).
pub fn valid_code(code: &str) -> bool {
    (3..=8).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_is_consistent() {
        let mut codes: Vec<&str> = SEED.iter().map(|a| a.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), SEED.len());
        for a in SEED {
            assert!(valid_code(a.code), "{}", a.code);
            assert!(ACCOUNT_TYPES.contains(&a.account_type));
            let debit_normal = matches!(a.account_type, "asset" | "expense");
            assert_eq!(a.normal_side == "debit", debit_normal, "{}", a.code);
        }
    }

    #[test]
    fn codes() {
        assert!(valid_code("111") && valid_code("33311"));
        assert!(!valid_code("11") && !valid_code("11a") && !valid_code("123456789"));
    }
}
