// A new sales order: the customer, the seller's name, and the lines with the item search, the
// price list's price by default, a warning below the floor price, and totals per line and in
// sum worked out as the server does (src/decimal.ts).
import { Alert, Button, Card, Form, Input, InputNumber, Space, Table, Typography } from "antd";
import { useState } from "react";
import { useNavigate } from "react-router";
import { call } from "../../api/http";
import type { components } from "../../api/schema/crm";
import { SearchSelect } from "../../components/SearchSelect";
import { useAction } from "../../components/useAction";
import { format, lineAmounts, parse } from "../../decimal";
import { formatMoney, scaleOf } from "../../format";
import { useI18n } from "../../i18n";

type Customer = components["schemas"]["Customer"];
type Item = components["schemas"]["CatalogueItem"];
type Price = components["schemas"]["Price"];
type Line = { item_id?: string; quantity?: string; unit_price?: string; discount_pct?: string; tax_rate_pct?: string };

const num = (v: unknown, fallback = "0") => (v === undefined || v === null || v === "" ? fallback : String(v));

export default function OrderCreate() {
  const { t, lang } = useI18n();
  const [form] = Form.useForm();
  const run = useAction();
  const navigate = useNavigate();
  const [currency, setCurrency] = useState("VND");
  const [floors, setFloors] = useState<Record<string, string>>({});
  const lines: Line[] = Form.useWatch("lines", form) ?? [];
  const scale = scaleOf(currency);
  const amounts = lines.map((l) => {
    try {
      return lineAmounts(num(l?.quantity), num(l?.unit_price), num(l?.discount_pct), num(l?.tax_rate_pct), scale);
    } catch {
      return null;
    }
  });
  const sum = (k: "net" | "tax" | "total") =>
    amounts.reduce((s, a) => s + (a ? parse(a[k]) : 0n), 0n);
  const money = (units: bigint) => formatMoney(format(units, 12), currency, lang);
  const belowFloor = lines.some((l) => {
    const floor = l?.item_id ? floors[l.item_id] : undefined;
    return floor !== undefined && l?.unit_price !== undefined && parse(num(l.unit_price)) < parse(floor);
  });

  const pickItem = async (index: number, itemId: string) => {
    const prices = await call<Price[]>("crm", "/api/v1/price-list", { query: { item_id: itemId, currency } }).catch(
      () => [],
    );
    const price = prices[0];
    if (price) setFloors((f) => ({ ...f, [itemId]: price.floor_price }));
    form.setFieldValue(["lines", index, "unit_price"], price?.list_price);
  };

  const save = async (values: { customer_id: string; seller: string; lines: Line[] }) => {
    const body = {
      customer_id: values.customer_id,
      seller: { name: values.seller },
      lines: values.lines.map((l) => ({
        item_id: l.item_id,
        quantity: num(l.quantity),
        unit_price: l.unit_price === undefined ? null : num(l.unit_price),
        discount_pct: num(l.discount_pct),
        tax_rate_pct: num(l.tax_rate_pct),
      })),
    };
    const created = await run<{ id: string }>("crm", "/api/v1/orders", body, {
      form,
      refresh: [{ resource: "orders", service: "crm" }],
    });
    if (created) navigate(`/sales/orders/${created.id}`);
  };

  return (
    <Card title={t("menu.newOrder")}>
      <Form form={form} layout="vertical" onFinish={save} initialValues={{ lines: [{ tax_rate_pct: "10" }] }}>
        <Space wrap>
          <Form.Item name="customer_id" label={t("field.customer")} rules={[{ required: true }]}>
            <SearchSelect<Customer>
              service="crm"
              path="/api/v1/customers"
              testId="order-customer"
              toOption={(c) => ({ value: c.id, label: `${c.code} · ${c.name}` })}
              onChange={(v, c) => {
                form.setFieldValue("customer_id", v);
                if (c) setCurrency(c.currency);
              }}
            />
          </Form.Item>
          <Form.Item name="seller" label={t("field.seller")} rules={[{ required: true }]}>
            <Input style={{ width: 320 }} data-testid="order-seller" />
          </Form.Item>
        </Space>
        <Typography.Title level={5}>{t("field.lines")}</Typography.Title>
        <Form.List name="lines">
          {(fields, { add, remove }) => (
            <>
              <Table
                size="small"
                pagination={false}
                dataSource={fields}
                rowKey="key"
                data-testid="order-lines-editor"
                columns={[
                  {
                    title: t("field.item"),
                    render: (_, f) => (
                      <Form.Item name={[f.name, "item_id"]} rules={[{ required: true }]} noStyle>
                        <SearchSelect<Item>
                          service="crm"
                          path="/api/v1/catalogue/items"
                          testId={`line-${f.name}-item`}
                          toOption={(i) => ({ value: i.item_id, label: `${i.sku} · ${i.name}` })}
                          onChange={(v) => {
                            form.setFieldValue(["lines", f.name, "item_id"], v);
                            void pickItem(f.name, v);
                          }}
                        />
                      </Form.Item>
                    ),
                  },
                  ...(["quantity", "unit_price", "discount_pct", "tax_rate_pct"] as const).map((k) => ({
                    title: t(
                      k === "quantity"
                        ? "field.quantity"
                        : k === "unit_price"
                          ? "field.price"
                          : k === "discount_pct"
                            ? "field.discount"
                            : "field.taxRate",
                    ),
                    render: (_: unknown, f: { name: number }) => (
                      <Form.Item name={[f.name, k]} noStyle rules={k === "quantity" ? [{ required: true }] : []}>
                        <InputNumber<string> stringMode min="0" style={{ width: 120 }} data-testid={`line-${f.name}-${k}`} />
                      </Form.Item>
                    ),
                  })),
                  {
                    title: t("field.total"),
                    align: "right" as const,
                    render: (_: unknown, f: { name: number }) => {
                      const a = amounts[f.name];
                      return a ? formatMoney(a.total, currency, lang) : "";
                    },
                  },
                  { render: (_: unknown, f: { name: number }) => <Button onClick={() => remove(f.name)}>×</Button> },
                ]}
              />
              <Button onClick={() => add({ tax_rate_pct: "10" })} style={{ marginTop: 8 }}>
                {t("action.addLine")}
              </Button>
            </>
          )}
        </Form.List>
        {belowFloor && <Alert type="warning" showIcon title={t("field.floorWarning")} style={{ marginTop: 12 }} />}
        <Space direction="vertical" style={{ marginTop: 12 }}>
          <span>
            {t("field.net")}: {money(sum("net"))} · {t("field.tax")}: {money(sum("tax"))} · {t("field.total")}:{" "}
            <b data-testid="order-sum">{money(sum("total"))}</b>
          </span>
          <Button type="primary" htmlType="submit" data-testid="order-save">
            {t("action.save")}
          </Button>
        </Space>
      </Form>
    </Card>
  );
}

