//! Who does what in purchasing: the role sets the handlers authorise with and the visibility
//! rules use.

use erp_auth::Role;

/// Who buys: purchasers, their manager, and the general manager.
pub const BUYERS: [Role; 3] = [Role::Purchaser, Role::PurchasingManager, Role::GeneralManager];

/// Who may ask for goods: buyers, and the employees with a buying need.
pub const REQUESTERS: [Role; 7] = [
    Role::Purchaser,
    Role::PurchasingManager,
    Role::GeneralManager,
    Role::WarehouseKeeper,
    Role::ProductionManager,
    Role::Technical,
    Role::ProjectManager,
];

/// Who sees every request (and its quotations and selection).
pub const REQUEST_SEE_ALL: [Role; 5] = [
    Role::Purchaser,
    Role::PurchasingManager,
    Role::GeneralManager,
    Role::ProjectController,
    Role::VicePresident,
];

/// Who reads purchase orders: buyers, leaders, finance, the warehouse and project control.
pub const ORDER_READERS: [Role; 8] = [
    Role::Purchaser,
    Role::PurchasingManager,
    Role::GeneralManager,
    Role::VicePresident,
    Role::FinanceManager,
    Role::Cashier,
    Role::WarehouseKeeper,
    Role::ProjectController,
];

/// Who sees the money side of purchase orders: buyers, finance and the vice president.
pub const SETTLEMENT_READERS: [Role; 6] = [
    Role::Purchaser,
    Role::PurchasingManager,
    Role::GeneralManager,
    Role::VicePresident,
    Role::FinanceManager,
    Role::Cashier,
];

/// Who sees arrivals: the money readers and the warehouse keepers.
pub const ARRIVAL_READERS: [Role; 7] = [
    Role::Purchaser,
    Role::PurchasingManager,
    Role::GeneralManager,
    Role::VicePresident,
    Role::FinanceManager,
    Role::Cashier,
    Role::WarehouseKeeper,
];

/// Who decides on payment requests (their step in the authority matrix by default).
pub const FINANCE_DECIDERS: [Role; 1] = [Role::FinanceManager];

/// Who settles an invoice's differences (their step in the authority matrix by default).
pub const INVOICE_DECIDERS: [Role; 1] = [Role::PurchasingManager];

/// Who changes the tolerances.
pub const TOLERANCE_EDITORS: [Role; 1] = [Role::GeneralManager];
