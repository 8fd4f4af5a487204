// A purchase request: its lines; submitted for approval; then the suppliers' quotations side by
// side (at least three, the cheapest marked, a reason when fewer), the choice of a supplier for
// review, and the purchase orders made from it once the choice is approved.
import { useOne } from "@refinedev/core";
import { Button, Card, DatePicker, Form, Input, InputNumber, Modal, Space, Table, Tag, type ButtonProps } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useCallback, useEffect, useState } from "react";
import { useNavigate, useParams } from "react-router";
import { may } from "../../api/access";
import { call } from "../../api/http";
import type { components } from "../../api/schema/purchasing";
import * as session from "../../api/session";
import { SearchSelect } from "../../components/SearchSelect";
import { useAction } from "../../components/useAction";
import { formatMoney, formatNumber } from "../../format";
import { useI18n } from "../../i18n";

type Request = components["schemas"]["RequestDetail"];
type Line = components["schemas"]["RequestLineView"];
type Comparison = components["schemas"]["Comparison"];
type Supplier = components["schemas"]["Supplier"];
type SupplierTotal = components["schemas"]["SupplierTotal"];

export default function RequestShow() {
  const { t, lang } = useI18n();
  const { id = "" } = useParams();
  const run = useAction();
  const navigate = useNavigate();
  const [form] = Form.useForm();
  const [quoting, setQuoting] = useState(false);
  const [choosing, setChoosing] = useState<SupplierTotal | null>(null);
  const [reason, setReason] = useState("");
  const [comparison, setComparison] = useState<Comparison | null>(null);
  const roles = session.person()?.roles ?? [];
  const refresh = [{ resource: "purchase-requests", service: "purchasing" as const }];
  const { result: request, query } = useOne<Request>({
    resource: "purchase-requests",
    id,
    dataProviderName: "purchasing",
  });
  const status = request?.status;
  const compare = useCallback(() => {
    call<Comparison>("purchasing", `/api/v1/purchase-requests/${id}/quotations/comparison`)
      .then(setComparison)
      .catch(() => setComparison(null));
  }, [id]);
  useEffect(() => {
    if (status === "approved" || status === "ordered") compare();
  }, [status, compare]);
  if (!request) return <Card loading={query.isLoading} />;
  const can = (method: string, template: string) => may(roles, "purchasing", method, template);
  const base = `/api/v1/purchase-requests/${id}`;
  const selection = comparison?.selection ?? request.selection ?? null;

  const record = async (values: {
    supplier_id: string;
    quoted_on: Dayjs;
    lead_time_days: number;
    reference?: string;
    lines: Record<string, string>;
  }) => {
    const body = {
      supplier_id: values.supplier_id,
      quoted_on: values.quoted_on.format("YYYY-MM-DD"),
      lead_time_days: values.lead_time_days,
      reference: values.reference || null,
      lines: request.lines
        .filter((l) => values.lines?.[l.id])
        .map((l) => ({ request_line_id: l.id, unit_price: String(values.lines[l.id]), tax_rate_pct: "10" })),
    };
    if (await run("purchasing", `${base}/quotations`, body, { form, refresh })) {
      setQuoting(false);
      compare();
    }
  };
  /** Sends the choice for review; with fewer quotations than required, a reason is asked first. */
  const choose = async (s: SupplierTotal, reason: string | null = null) => {
    if (comparison && !comparison.enough_quotations && reason === null) {
      setChoosing(s);
      return;
    }
    const body = { chosen_quotation_id: s.quotation_id, fewer_quotes_reason: reason };
    if (await run("purchasing", `${base}/selection`, body, { refresh })) {
      setChoosing(null);
      compare();
    }
  };
  const makeOrders = async () => {
    const made = await run<{ orders: { id: string }[] }>("purchasing", `${base}/orders`, {}, { refresh });
    const first = made?.orders[0];
    if (first) navigate(`/purchasing/orders/${first.id}`);
  };

  return (
    <Card title={`${t("doc.purchase_request")} ${request.number}`} extra={<Tag data-testid="request-status">{request.status}</Tag>}>
      <Space style={{ marginBottom: 12 }}>
        {request.status === "draft" && can("POST", "/api/v1/purchase-requests/{id}/submit") && (
          <Button type="primary" data-testid="request-submit" onClick={() => run("purchasing", `${base}/submit`, {}, { refresh })}>
            {t("action.submit")}
          </Button>
        )}
        {request.status === "approved" && !selection && can("POST", "/api/v1/purchase-requests/{id}/quotations") && (
          <Button data-testid="record-quotation" onClick={() => setQuoting(true)}>
            {t("action.recordQuotation")}
          </Button>
        )}
        {selection?.status === "approved" && request.status === "approved" && can("POST", "/api/v1/purchase-requests/{id}/orders") && (
          <Button type="primary" data-testid="make-orders" onClick={makeOrders}>
            {t("action.makeOrders")}
          </Button>
        )}
      </Space>
      <Table<Line>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={request.lines}
        columns={[
          { title: "#", dataIndex: "line_no" },
          { title: t("field.item"), render: (_, l) => `${l.sku ?? ""} ${l.name ?? ""}` },
          { title: t("field.quantity"), align: "right", render: (_, l) => formatNumber(l.quantity, 2, lang) },
        ]}
      />
      {comparison && comparison.suppliers.length > 0 && (
        <Table<SupplierTotal>
          rowKey="quotation_id"
          size="small"
          style={{ marginTop: 16 }}
          title={() => `${t("field.quotations")} (${comparison.quotations}/${comparison.min_quotations})`}
          data-testid="comparison"
          pagination={false}
          dataSource={comparison.suppliers}
          columns={[
            { title: t("field.supplier"), render: (_, s) => `${s.supplier_code} · ${s.supplier_name}` },
            { title: t("field.leadTime"), dataIndex: "lead_time_days", align: "right" },
            { title: t("field.total"), align: "right", render: (_, s) => formatMoney(s.total, s.currency, lang) },
            {
              render: (_, s) => (
                <Space>
                  {s.cheapest && <Tag color="green">{t("field.cheapest")}</Tag>}
                  {s.chosen && <Tag color="blue">{selection?.status}</Tag>}
                  {!selection && can("POST", "/api/v1/purchase-requests/{id}/selection") && (
                    <Button data-testid={`choose-${s.supplier_code}`} onClick={() => choose(s)}>
                      {t("action.choose")}
                    </Button>
                  )}
                </Space>
              ),
            },
          ]}
        />
      )}
      <Modal
        open={choosing !== null}
        title={`${t("action.choose")}: ${choosing?.supplier_name ?? ""}`}
        onCancel={() => setChoosing(null)}
        onOk={() => choosing && reason.trim() && choose(choosing, reason.trim())}
        okText={t("action.choose")}
        okButtonProps={{ disabled: !reason.trim() }}
      >
        <p>
          {t("field.quotations")}: {comparison?.quotations ?? 0}/{comparison?.min_quotations ?? 3}
        </p>
        <Input.TextArea
          placeholder={t("field.reason")}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          maxLength={1000}
          data-testid="fewer-reason"
        />
      </Modal>
      <Modal
        open={quoting}
        destroyOnHidden
        title={t("action.recordQuotation")}
        onCancel={() => setQuoting(false)}
        onOk={() => form.submit()}
        okText={t("action.save")}
        okButtonProps={{ "data-testid": "dialog-save" } as ButtonProps}
      >
        <Form form={form} layout="vertical" preserve={false} onFinish={record} initialValues={{ quoted_on: dayjs(), lead_time_days: 7 }}>
          <Form.Item name="supplier_id" label={t("field.supplier")} rules={[{ required: true }]}>
            <SearchSelect<Supplier>
              service="purchasing"
              path="/api/v1/suppliers"
              testId="quotation-supplier"
              toOption={(s) => ({ value: s.id, label: `${s.code} · ${s.name}` })}
              onChange={(v) => form.setFieldValue("supplier_id", v)}
            />
          </Form.Item>
          <Space>
            <Form.Item name="quoted_on" label={t("field.date")}>
              <DatePicker />
            </Form.Item>
            <Form.Item name="lead_time_days" label={t("field.leadTime")}>
              <InputNumber min={0} />
            </Form.Item>
          </Space>
          {request.lines.map((l) => (
            <Form.Item key={l.id} name={["lines", l.id]} label={`${t("field.price")}: ${l.sku ?? ""} ${l.name ?? ""}`}>
              <InputNumber<string> stringMode min="0" style={{ width: 200 }} data-testid={`quote-${l.line_no}`} />
            </Form.Item>
          ))}
          <Form.Item name="reference" label={t("field.reference")}>
            <Input />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
