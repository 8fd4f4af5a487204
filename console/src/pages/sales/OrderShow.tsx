// One sales order: its lines with what was requested, issued, shipped and invoiced (1,000
// lines stay usable: the table renders only the rows on screen), and the next steps its state
// and the person's roles allow: submit, ask the warehouse, record money, ship, confirm the
// delivery, invoice.
import { useList, useOne } from "@refinedev/core";
import {
  Button,
  Card,
  DatePicker,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Table,
  Tag,
  type ButtonProps,
} from "antd";
import dayjs from "dayjs";
import { useState } from "react";
import { useParams } from "react-router";
import { may } from "../../api/access";
import type { Service } from "../../api/http";
import type { components } from "../../api/schema/crm";
import * as session from "../../api/session";
import { useAction } from "../../components/useAction";
import { format, parse } from "../../decimal";
import { formatDate, formatMoney, formatNumber } from "../../format";
import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/messages";

type OrderDetail = components["schemas"]["OrderDetail"];
type OrderLine = components["schemas"]["OrderLine"];
type Shipment = components["schemas"]["Shipment"];

const OPEN = ["approved", "in_fulfilment"];
const more = (a: unknown, b: unknown) => parse(String(a)) > parse(String(b));

type Dialog = null | "receipt" | "ship" | { deliver: Shipment };

export default function OrderShow() {
  const { t, lang } = useI18n();
  const { id = "" } = useParams();
  const run = useAction();
  const [form] = Form.useForm();
  const [dialog, setDialog] = useState<Dialog>(null);
  const roles = session.person()?.roles ?? [];
  const { result: order, query } = useOne<OrderDetail>({ resource: "orders", id, dataProviderName: "crm" });
  const { result: shipments } = useList<Shipment>({
    resource: "shipments",
    dataProviderName: "crm",
    meta: { path: `/api/v1/orders/${id}/shipments` },
    pagination: { mode: "off" },
  });
  if (!order) return <Card loading={query.isLoading} />;
  const money = (v: unknown) => formatMoney(String(v), order.currency, lang);
  const qty = (v: unknown) => formatNumber(String(v), 2, lang);
  const refresh = [
    { resource: "orders", service: "crm" as Service },
    { resource: "shipments", service: "crm" as Service },
  ];
  const act = (service: Service, method: string, path: string, template: string) =>
    may(roles, service, method, template) ? path : null;
  const lines = order.lines;
  const step = {
    submit: order.status === "draft" && act("crm", "POST", `/api/v1/orders/${id}/submit`, "/api/v1/orders/{id}/submit"),
    request:
      OPEN.includes(order.status) &&
      lines.some((l) => more(l.quantity, l.requested)) &&
      act("crm", "POST", `/api/v1/orders/${id}/outbound-requests`, "/api/v1/orders/{id}/outbound-requests"),
    receipt:
      OPEN.includes(order.status) &&
      act("crm", "POST", `/api/v1/orders/${id}/receipts`, "/api/v1/orders/{id}/receipts"),
    ship:
      OPEN.includes(order.status) &&
      lines.some((l) => more(l.issued, l.shipped)) &&
      act("crm", "POST", `/api/v1/orders/${id}/shipments`, "/api/v1/orders/{id}/shipments"),
    invoice:
      lines.some((l) => more(l.shipped, l.invoiced)) &&
      act("finance", "POST", "/api/v1/sales-invoices", "/api/v1/sales-invoices"),
  };
  const deliverable = may(roles, "crm", "POST", "/api/v1/shipments/{id}/deliver");

  const finish = async (values: Record<string, unknown>) => {
    if (dialog === "receipt" && step.receipt) {
      const body = { ...values, amount: String(values.amount), received_on: dayjs(values.received_on as string).format("YYYY-MM-DD") };
      if (await run("crm", step.receipt, body, { form, refresh })) setDialog(null);
    } else if (dialog === "ship" && step.ship) {
      const body = {
        carrier: values.carrier,
        lines: lines
          .filter((l) => more(l.issued, l.shipped))
          .map((l) => ({ order_line_id: l.id, quantity: subtract(l.issued, l.shipped) })),
      };
      if (await run("crm", step.ship, body, { form, refresh })) setDialog(null);
    } else if (dialog && typeof dialog === "object") {
      const body = { signed_delivery_note_ref: values.signed_delivery_note_ref, delivered_at: new Date().toISOString() };
      if (await run("crm", `/api/v1/shipments/${dialog.deliver.id}/deliver`, body, { form, refresh })) setDialog(null);
    }
  };

  return (
    <Card
      title={`${t("doc.sales_order")} ${order.number}`}
      extra={<Tag data-testid="order-status">{order.status}</Tag>}
    >
      <Space wrap style={{ marginBottom: 12 }}>
        {step.submit && (
          <Button type="primary" data-testid="order-submit" onClick={() => run("crm", step.submit as string, {}, { refresh })}>
            {t("action.submit")}
          </Button>
        )}
        {step.request && (
          <Button
            data-testid="order-request-outbound"
            onClick={() =>
              run(
                "crm",
                step.request as string,
                {
                  lines: lines
                    .filter((l) => more(l.quantity, l.requested))
                    .map((l) => ({ order_line_id: l.id, quantity: subtract(l.quantity, l.requested) })),
                },
                { refresh },
              )
            }
          >
            {t("action.requestOutbound")}
          </Button>
        )}
        {step.receipt && (
          <Button data-testid="order-receipt" onClick={() => setDialog("receipt")}>
            {t("action.recordReceipt")}
          </Button>
        )}
        {step.ship && (
          <Button data-testid="order-ship" onClick={() => setDialog("ship")}>
            {t("action.ship")}
          </Button>
        )}
        {step.invoice && (
          <Button
            data-testid="order-invoice"
            onClick={() => run("finance", step.invoice as string, { order_id: id }, { refresh })}
          >
            {t("action.invoice")}
          </Button>
        )}
      </Space>
      <Descriptions size="small" column={3}>
        <Descriptions.Item label={t("field.date")}>{formatDate(order.order_date, lang)}</Descriptions.Item>
        <Descriptions.Item label={t("field.net")}>{money(order.net)}</Descriptions.Item>
        <Descriptions.Item label={t("field.tax")}>{money(order.tax)}</Descriptions.Item>
        <Descriptions.Item label={t("field.total")}>
          <b data-testid="order-total">{money(order.total)}</b>
        </Descriptions.Item>
        <Descriptions.Item label={t("field.words")} span={2}>
          {order.total_in_words}
        </Descriptions.Item>
      </Descriptions>
      <Table<OrderLine>
        rowKey="id"
        size="small"
        data-testid="order-lines"
        dataSource={lines}
        pagination={false}
        virtual
        scroll={{ y: 500, x: 1200 }}
        columns={[
          { title: "#", dataIndex: "line_no", width: 50 },
          { title: t("field.item"), dataIndex: "description", width: 240 },
          { title: t("field.quantity"), align: "right", width: 100, render: (_, l) => qty(l.quantity) },
          { title: t("field.price"), align: "right", width: 130, render: (_, l) => money(l.unit_price) },
          { title: t("field.total"), align: "right", width: 140, render: (_, l) => money(l.total) },
          ...(["requested", "issued", "shipped", "invoiced"] as const).map((k) => ({
            title: t(`field.${k}` as MessageKey),
            align: "right" as const,
            width: 100,
            render: (_: unknown, l: OrderLine) => qty(l[k]),
          })),
        ]}
      />
      {shipments.data.length > 0 && (
        <Table<Shipment>
          rowKey="id"
          size="small"
          title={() => t("field.shipments")}
          data-testid="order-shipments"
          dataSource={shipments.data}
          pagination={false}
          columns={[
            { title: t("field.number"), dataIndex: "number" },
            { title: t("field.carrier"), dataIndex: "carrier" },
            { title: t("field.status"), dataIndex: "status", render: (s: string) => <Tag>{s}</Tag> },
            {
              render: (_, s) =>
                s.status === "shipped" && deliverable ? (
                  <Button data-testid={`deliver-${s.number}`} onClick={() => setDialog({ deliver: s })}>
                    {t("action.deliver")}
                  </Button>
                ) : null,
            },
          ]}
        />
      )}
      <Modal
        open={dialog !== null}
        destroyOnHidden
        title={
          dialog === "receipt" ? t("action.recordReceipt") : dialog === "ship" ? t("action.ship") : t("action.deliver")
        }
        onCancel={() => setDialog(null)}
        onOk={() => form.submit()}
        okText={t("action.save")}
        okButtonProps={{ "data-testid": "dialog-save" } as ButtonProps}
      >
        <Form
          form={form}
          layout="vertical"
          onFinish={finish}
          preserve={false}
          initialValues={{ method: "bank_transfer", received_on: dayjs() }}
        >
          {dialog === "receipt" && (
            <>
              <Form.Item name="amount" label={t("field.amount")} rules={[{ required: true }]}>
                <InputNumber<string> stringMode min="0" style={{ width: 200 }} data-testid="receipt-amount" />
              </Form.Item>
              <Form.Item name="received_on" label={t("field.date")} rules={[{ required: true }]}>
                <DatePicker />
              </Form.Item>
              <Form.Item name="method" label={t("field.method")}>
                <Select options={["bank_transfer", "cash", "cheque", "other"].map((v) => ({ value: v, label: v }))} />
              </Form.Item>
              <Form.Item name="reference" label={t("field.reference")}>
                <Input />
              </Form.Item>
            </>
          )}
          {dialog === "ship" && (
            <Form.Item name="carrier" label={t("field.carrier")} rules={[{ required: true }]}>
              <Input data-testid="ship-carrier" />
            </Form.Item>
          )}
          {dialog !== null && typeof dialog === "object" && (
            <Form.Item name="signed_delivery_note_ref" label={t("field.signedNote")} rules={[{ required: true }]}>
              <Input data-testid="deliver-note" />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </Card>
  );
}

/** a − b of two quantities, as the API takes them (4 places). */
function subtract(a: unknown, b: unknown): string {
  return format(parse(String(a)) - parse(String(b)), 4);
}
