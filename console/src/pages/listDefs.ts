// The lists that show a document type as the API pages it, declared once each: the call behind
// it, its columns and how each value is written. Pure data (the entry chunk routes by it); the
// component that renders them is pages/lists.tsx, loaded when a list is first opened.
import type { Service } from "../api/http";
import { parse } from "../decimal";
import type { MessageKey } from "../i18n/messages";

export type Row = Record<string, unknown>;
export type Kind = "text" | "money" | "qty" | "date" | "moment" | "tag" | "tags";
type Column = [key: string, label: MessageKey, kind?: Kind];

export type ListDef = {
  route: string;
  title: MessageKey;
  service: Service;
  path: string;
  columns: Column[];
  searchable?: boolean;
  /** The field holding the amounts' currency, or the currency itself (`=VND`). */
  currency?: string;
  rowKey?: (row: Row) => string;
  warn?: (row: Row) => boolean;
  /** Where a row opens. */
  open?: (row: Row) => string;
  /** A "new" button: where it leads, and the call behind it that decides who sees it. */
  create?: { route: string; label: MessageKey; path: string };
};

const below = (row: Row) =>
  row.min_stock !== null && row.min_stock !== undefined && parse(String(row.on_hand)) < parse(String(row.min_stock));

export const LISTS: ListDef[] = [
  {
    route: "/sales/customers",
    title: "menu.customers",
    service: "crm",
    path: "/api/v1/customers",
    searchable: true,
    create: { route: "/sales/customers/new", label: "menu.newCustomer", path: "/api/v1/customers" },
    columns: [["code", "field.code"], ["name", "field.name"], ["grade", "field.grade", "tag"], ["credit_limit", "field.credit", "money"]],
  },
  {
    route: "/sales/orders",
    title: "menu.orders",
    service: "crm",
    path: "/api/v1/orders",
    open: (r) => `/sales/orders/${String(r.id)}`,
    create: { route: "/sales/orders/new", label: "menu.newOrder", path: "/api/v1/orders" },
    columns: [["number", "field.number"], ["order_date", "field.date", "date"], ["status", "field.status", "tag"], ["total", "field.total", "money"]],
  },
  {
    route: "/sales/quotations",
    title: "menu.quotations",
    service: "crm",
    path: "/api/v1/quotations",
    columns: [["number", "field.number"], ["status", "field.status", "tag"], ["total", "field.total", "money"], ["created_at", "field.date", "moment"]],
  },
  {
    route: "/sales/leads",
    title: "menu.leads",
    service: "crm",
    path: "/api/v1/leads",
    searchable: true,
    columns: [["contact_name", "field.name"], ["channel", "field.channel", "tag"], ["status", "field.status", "tag"], ["assigned_to_name", "field.assignedTo"]],
  },
  {
    route: "/sales/opportunities",
    title: "menu.opportunities",
    service: "crm",
    path: "/api/v1/opportunities",
    columns: [
      ["name", "field.name"],
      ["stage", "field.stage", "tag"],
      ["amount", "field.amount", "money"],
      ["probability", "field.probability"],
      ["expected_close_date", "field.closeDate", "date"],
    ],
  },
  {
    route: "/sales/receipts",
    title: "menu.receipts",
    service: "crm",
    path: "/api/v1/receipts",
    columns: [["number", "field.number"], ["order_number", "doc.sales_order"], ["amount", "field.amount", "money"], ["received_on", "field.date", "date"], ["status", "field.status", "tag"]],
  },
  {
    route: "/warehouse/outbound",
    title: "menu.outbound",
    service: "warehouse",
    path: "/api/v1/outbound-notes",
    open: (r) => `/warehouse/outbound/${String(r.id)}`,
    columns: [["number", "field.number"], ["source_number", "field.source"], ["party", "field.party"], ["status", "field.status", "tag"], ["created_at", "field.date", "moment"]],
  },
  {
    route: "/warehouse/inbound",
    title: "menu.inbound",
    service: "warehouse",
    path: "/api/v1/inbound-notes",
    open: (r) => `/warehouse/inbound/${String(r.id)}`,
    columns: [["number", "field.number"], ["source_number", "field.source"], ["party", "field.party"], ["status", "field.status", "tag"], ["created_at", "field.date", "moment"]],
  },
  {
    route: "/warehouse/items",
    title: "menu.items",
    service: "warehouse",
    path: "/api/v1/items",
    searchable: true,
    columns: [["sku", "field.sku"], ["name", "field.name"], ["unit", "field.unit"], ["kind", "field.kind", "tag"], ["min_stock", "field.minStock", "qty"]],
  },
  {
    route: "/warehouse/stock",
    title: "menu.stock",
    service: "warehouse",
    path: "/api/v1/stock",
    currency: "=VND",
    rowKey: (r) => `${String(r.item_id)}/${String(r.warehouse_id)}`,
    warn: below,
    columns: [
      ["sku", "field.sku"],
      ["name", "field.name"],
      ["warehouse_code", "field.warehouse"],
      ["on_hand", "field.onHand", "qty"],
      ["available", "field.available", "qty"],
      ["min_stock", "field.minStock", "qty"],
      ["avg_cost", "field.avgCost", "money"],
    ],
  },
  {
    route: "/warehouse/counts",
    title: "menu.counts",
    service: "warehouse",
    path: "/api/v1/stock-counts",
    columns: [["number", "field.number"], ["status", "field.status", "tag"], ["created_at", "field.date", "moment"]],
  },
  {
    route: "/purchasing/requests",
    title: "menu.requests",
    service: "purchasing",
    path: "/api/v1/purchase-requests",
    open: (r) => `/purchasing/requests/${String(r.id)}`,
    create: { route: "/purchasing/requests/new", label: "menu.newRequest", path: "/api/v1/purchase-requests" },
    columns: [["number", "field.number"], ["source", "field.source", "tag"], ["status", "field.status", "tag"], ["created_at", "field.date", "moment"]],
  },
  {
    route: "/purchasing/orders",
    title: "menu.purchaseOrders",
    service: "purchasing",
    path: "/api/v1/purchase-orders",
    open: (r) => `/purchasing/orders/${String(r.id)}`,
    columns: [["number", "field.number"], ["order_date", "field.date", "date"], ["status", "field.status", "tag"], ["total", "field.total", "money"]],
  },
  {
    route: "/purchasing/suppliers",
    title: "menu.suppliers",
    service: "purchasing",
    path: "/api/v1/suppliers",
    searchable: true,
    columns: [["code", "field.code"], ["name", "field.name"], ["currency", "field.currency"], ["payment_days", "field.paymentDays"], ["rating", "field.rating"]],
  },
  {
    route: "/purchasing/invoices",
    title: "menu.supplierInvoices",
    service: "purchasing",
    path: "/api/v1/supplier-invoices",
    columns: [["invoice_number", "field.invoiceNumber"], ["order_number", "doc.purchase_order"], ["net", "field.net", "money"], ["invoice_date", "field.date", "date"], ["status", "field.status", "tag"]],
  },
  {
    route: "/purchasing/payment-requests",
    title: "menu.paymentRequests",
    service: "purchasing",
    path: "/api/v1/payment-requests",
    columns: [["number", "field.number"], ["order_number", "doc.purchase_order"], ["kind", "field.kind", "tag"], ["amount", "field.amount", "money"], ["status", "field.status", "tag"]],
  },
  {
    route: "/finance/sales-invoices",
    title: "menu.salesInvoices",
    service: "finance",
    path: "/api/v1/sales-invoices",
    columns: [
      ["number", "field.number"],
      ["order_number", "doc.sales_order"],
      ["customer_name", "field.customer"],
      ["total", "field.total", "money"],
      ["issue_date", "field.date", "date"],
      ["due_date", "field.dueDate", "date"],
    ],
  },
  {
    route: "/finance/journal",
    title: "menu.journal",
    service: "finance",
    path: "/api/v1/journal",
    columns: [["number", "field.number"], ["entry_date", "field.date", "date"], ["memo", "field.memo"], ["source_kind", "field.source", "tag"]],
  },
  {
    route: "/finance/direct-entries",
    title: "menu.directEntries",
    service: "finance",
    path: "/api/v1/direct-entries",
    columns: [["number", "field.number"], ["kind", "field.kind", "tag"], ["amount", "field.amount", "money"], ["entry_date", "field.date", "date"], ["status", "field.status", "tag"]],
  },
  {
    route: "/finance/periods",
    title: "menu.periods",
    service: "finance",
    path: "/api/v1/periods",
    rowKey: (r) => String(r.period),
    columns: [["period", "field.period"], ["status", "field.status", "tag"], ["closed_at", "field.date", "moment"]],
  },
  {
    route: "/finance/accounts",
    title: "menu.accounts",
    service: "finance",
    path: "/api/v1/accounts",
    rowKey: (r) => String(r.code),
    columns: [["code", "field.code"], ["name", "field.name"], ["account_type", "field.type", "tag"]],
  },
  {
    route: "/people/employees",
    title: "menu.employees",
    service: "hr",
    path: "/api/v1/employees",
    searchable: true,
    columns: [["code", "field.code"], ["name", "field.name"], ["roles", "field.roles", "tags"]],
  },
  {
    route: "/people/departments",
    title: "menu.departments",
    service: "hr",
    path: "/api/v1/departments",
    columns: [["code", "field.code"], ["name", "field.name"]],
  },
  {
    route: "/people/api-keys",
    title: "menu.apiKeys",
    service: "hr",
    path: "/api/v1/api-keys",
    columns: [["name", "field.name"], ["prefix", "field.prefix"], ["roles", "field.roles", "tags"], ["revoked_at", "field.revokedAt", "moment"]],
  },
  {
    route: "/people/approval-rules",
    title: "menu.rules",
    service: "crm",
    path: "/api/v1/approval-rules",
    columns: [
      ["document_type", "field.documentType", "tag"],
      ["step", "field.step"],
      ["approver_role", "field.approverRole", "tag"],
      ["threshold", "field.threshold", "money"],
      ["active", "field.active"],
    ],
  },
];

