// A purchase order: its lines with what arrived, was received and invoiced, and the next steps
// its state and the person's roles allow: submit, ask for a payment, announce an arrival,
// record the supplier's invoice (matched three ways by purchasing).
import { useList, useOne } from "@refinedev/core";
import { Button, Card, DatePicker, Descriptions, Form, Input, InputNumber, Modal, Select, Space, Table, Tag, type ButtonProps } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useState } from "react";
import { useParams } from "react-router";
import { may } from "../../api/access";
import type { components } from "../../api/schema/purchasing";
import * as session from "../../api/session";
import { useAction } from "../../components/useAction";
import { format, parse } from "../../decimal";
import { formatMoney, formatNumber } from "../../format";
import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/messages";

type Order = components["schemas"]["OrderDetail"];
type Line = components["schemas"]["OrderLine"];
type PaymentRequest = components["schemas"]["PaymentRequest"];

const OPEN = ["approved", "sent", "partially_received", "received"];
const rest = (a: string, b: string) => format(parse(a) - parse(b), 4);
type Dialog = null | "payment" | "invoice";

export default function OrderShow() {
  const { t, lang } = useI18n();
  const { id = "" } = useParams();
  const run = useAction();
  const [form] = Form.useForm();
  const [dialog, setDialog] = useState<Dialog>(null);
  const roles = session.person()?.roles ?? [];
  const can = (method: string, template: string) => may(roles, "purchasing", method, template);
  const base = `/api/v1/purchase-orders/${id}`;
  const refresh = [
    { resource: "purchase-orders", service: "purchasing" as const },
    { resource: "payment-requests", service: "purchasing" as const },
  ];
  const { result: order, query } = useOne<Order>({ resource: "purchase-orders", id, dataProviderName: "purchasing" });
  const { result: payments } = useList<PaymentRequest>({
    resource: "payment-requests",
    dataProviderName: "purchasing",
    meta: { path: `${base}/payment-requests` },
    pagination: { mode: "off" },
  });
  if (!order) return <Card loading={query.isLoading} />;
  const money = (v: string) => formatMoney(v, order.currency, lang);
  const open = OPEN.includes(order.status);
  const toArrive = order.lines.filter((l) => parse(l.quantity) > parse(l.arrived));

  const finish = async (values: { kind?: string; amount?: string; invoice_number?: string; invoice_date?: Dayjs }) => {
    if (dialog === "payment") {
      const body = { kind: values.kind, amount: String(values.amount ?? "0") };
      if (await run("purchasing", `${base}/payment-requests`, body, { form, refresh })) setDialog(null);
    } else if (dialog === "invoice") {
      const body = {
        invoice_number: values.invoice_number,
        invoice_date: (values.invoice_date ?? dayjs()).format("YYYY-MM-DD"),
        lines: order.lines
          .filter((l) => parse(l.received) > parse(l.invoiced))
          .map((l) => ({
            order_line_id: l.id,
            quantity: rest(l.received, l.invoiced),
            unit_price: l.unit_price,
            tax_rate_pct: l.tax_rate,
          })),
      };
      if (await run("purchasing", `${base}/invoices`, body, { form, refresh })) setDialog(null);
    }
  };

  return (
    <Card title={`${t("doc.purchase_order")} ${order.number}`} extra={<Tag data-testid="po-status">{order.status}</Tag>}>
      <Space wrap style={{ marginBottom: 12 }}>
        {order.status === "draft" && can("POST", "/api/v1/purchase-orders/{id}/submit") && (
          <Button type="primary" data-testid="po-submit" onClick={() => run("purchasing", `${base}/submit`, {}, { refresh })}>
            {t("action.submit")}
          </Button>
        )}
        {open && can("POST", "/api/v1/purchase-orders/{id}/payment-requests") && (
          <Button data-testid="po-payment" onClick={() => setDialog("payment")}>
            {t("action.requestPayment")}
          </Button>
        )}
        {open && toArrive.length > 0 && can("POST", "/api/v1/purchase-orders/{id}/arrivals") && (
          <Button
            data-testid="po-arrival"
            onClick={() =>
              run(
                "purchasing",
                `${base}/arrivals`,
                { lines: toArrive.map((l) => ({ order_line_id: l.id, quantity: rest(l.quantity, l.arrived) })) },
                { refresh },
              )
            }
          >
            {t("action.announceArrival")}
          </Button>
        )}
        {order.lines.some((l) => parse(l.received) > parse(l.invoiced)) && can("POST", "/api/v1/purchase-orders/{id}/invoices") && (
          <Button data-testid="po-invoice" onClick={() => setDialog("invoice")}>
            {t("action.recordInvoice")}
          </Button>
        )}
      </Space>
      <Descriptions size="small" column={3}>
        <Descriptions.Item label={t("field.supplier")}>{`${order.supplier_code} · ${order.supplier_name}`}</Descriptions.Item>
        <Descriptions.Item label={t("field.total")}>
          <b data-testid="po-total">{money(order.total)}</b>
        </Descriptions.Item>
      </Descriptions>
      <Table<Line>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={order.lines}
        columns={[
          { title: "#", dataIndex: "line_no" },
          { title: t("field.item"), dataIndex: "description" },
          { title: t("field.price"), align: "right", render: (_, l) => money(l.unit_price) },
          ...(["quantity", "arrived", "received", "invoiced"] as const).map((k) => ({
            title: t(`field.${k}` as MessageKey),
            align: "right" as const,
            render: (_: unknown, l: Line) => formatNumber(l[k], 2, lang),
          })),
        ]}
      />
      {payments.data.length > 0 && (
        <Table<PaymentRequest>
          rowKey="id"
          size="small"
          style={{ marginTop: 16 }}
          title={() => t("field.paymentRequests")}
          data-testid="po-payments"
          pagination={false}
          dataSource={payments.data}
          columns={[
            { title: t("field.number"), dataIndex: "number" },
            { title: t("field.kind"), dataIndex: "kind" },
            { title: t("field.amount"), align: "right", render: (_, p) => money(p.amount) },
            { title: t("field.status"), dataIndex: "status", render: (s: string) => <Tag>{s}</Tag> },
          ]}
        />
      )}
      <Modal
        open={dialog !== null}
        destroyOnHidden
        title={dialog === "payment" ? t("action.requestPayment") : t("action.recordInvoice")}
        onCancel={() => setDialog(null)}
        onOk={() => form.submit()}
        okText={t("action.save")}
        okButtonProps={{ "data-testid": "dialog-save" } as ButtonProps}
      >
        <Form form={form} layout="vertical" preserve={false} onFinish={finish} initialValues={{ kind: "deposit", invoice_date: dayjs() }}>
          {dialog === "payment" && (
            <>
              <Form.Item name="kind" label={t("field.kind")}>
                <Select options={["deposit", "part", "final"].map((v) => ({ value: v, label: v }))} data-testid="payment-kind" />
              </Form.Item>
              <Form.Item name="amount" label={t("field.amount")} rules={[{ required: true }]}>
                <InputNumber<string> stringMode min="0" style={{ width: 200 }} data-testid="payment-amount" />
              </Form.Item>
            </>
          )}
          {dialog === "invoice" && (
            <>
              <Form.Item name="invoice_number" label={t("field.invoiceNumber")} rules={[{ required: true }]}>
                <Input data-testid="invoice-number" />
              </Form.Item>
              <Form.Item name="invoice_date" label={t("field.date")}>
                <DatePicker />
              </Form.Item>
            </>
          )}
        </Form>
      </Modal>
    </Card>
  );
}
