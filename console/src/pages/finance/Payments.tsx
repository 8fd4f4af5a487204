// Supplier payments approved in purchasing and waiting for the finance manager: paid here (the
// posting, the payment and the event commit together).
import { Button, Card, DatePicker, Form, Input, Modal, Tag, type ButtonProps } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useState } from "react";
import { may } from "../../api/access";
import type { components } from "../../api/schema/finance";
import * as session from "../../api/session";
import { KeysetTable } from "../../components/KeysetTable";
import { useAction } from "../../components/useAction";
import { formatMoney } from "../../format";
import { useI18n } from "../../i18n";

type Payment = components["schemas"]["Payment"];

export default function Payments() {
  const { t, lang } = useI18n();
  const run = useAction();
  const [form] = Form.useForm();
  const [paying, setPaying] = useState<Payment | null>(null);
  const canPay = may(session.person()?.roles ?? [], "finance", "POST", "/api/v1/payments/{id}/pay");
  const pay = async (values: { paid_on: Dayjs; reference?: string }) => {
    if (!paying) return;
    const body = { paid_on: values.paid_on.format("YYYY-MM-DD"), reference: values.reference || null };
    if (await run("finance", `/api/v1/payments/${paying.id}/pay`, body, { form, refresh: [{ resource: "payments", service: "finance" }] })) {
      setPaying(null);
    }
  };
  return (
    <Card title={t("menu.payments")}>
      <KeysetTable<Payment>
        service="finance"
        resource="payments"
        path="/api/v1/payments"
        testId="payments"
        columns={[
          { title: t("field.number"), dataIndex: "number" },
          { title: t("field.supplier"), dataIndex: "supplier_name" },
          { title: t("doc.purchase_order"), dataIndex: "order_number" },
          { title: t("field.amount"), align: "right", render: (_, p) => formatMoney(p.amount, p.currency, lang) },
          { title: t("field.status"), dataIndex: "status", render: (s: string) => <Tag>{s}</Tag> },
          {
            render: (_, p) =>
              p.status === "awaiting" && canPay ? (
                <Button data-testid={`pay-${p.number}`} onClick={() => setPaying(p)}>
                  {t("action.pay")}
                </Button>
              ) : null,
          },
        ]}
      />
      <Modal
        open={paying !== null}
        destroyOnHidden
        title={`${t("action.pay")} ${paying?.number ?? ""}`}
        onCancel={() => setPaying(null)}
        onOk={() => form.submit()}
        okText={t("action.pay")}
        okButtonProps={{ "data-testid": "dialog-save" } as ButtonProps}
      >
        <Form form={form} layout="vertical" preserve={false} onFinish={pay} initialValues={{ paid_on: dayjs() }}>
          <Form.Item name="paid_on" label={t("field.date")} rules={[{ required: true }]}>
            <DatePicker />
          </Form.Item>
          <Form.Item name="reference" label={t("field.reference")}>
            <Input data-testid="pay-reference" />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
