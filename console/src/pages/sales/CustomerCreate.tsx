import { Button, Card, Form, Input, Select } from "antd";
import { useNavigate } from "react-router";
import { useAction } from "../../components/useAction";
import { useI18n } from "../../i18n";

export default function CustomerCreate() {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const run = useAction();
  const navigate = useNavigate();
  const save = async (values: Record<string, unknown>) => {
    const created = await run<{ id: string }>("crm", "/api/v1/customers", values, {
      form,
      refresh: [{ resource: "customers", service: "crm" }],
    });
    if (created) navigate("/sales/customers");
  };
  return (
    <Card title={t("menu.newCustomer")}>
      <Form
        form={form}
        layout="vertical"
        style={{ maxWidth: 560 }}
        initialValues={{ kind: "company", currency: "VND", payment_terms: "prepayment" }}
        onFinish={save}
      >
        <Form.Item name="code" label={t("field.code")} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item name="name" label={t("field.name")} rules={[{ required: true }]}>
          <Input />
        </Form.Item>
        <Form.Item name="kind" label={t("field.kind")}>
          <Select options={["company", "person"].map((v) => ({ value: v, label: v }))} />
        </Form.Item>
        <Form.Item name="currency" label={t("field.currency")}>
          <Select options={["VND", "CNY", "USD", "EUR"].map((v) => ({ value: v, label: v }))} />
        </Form.Item>
        <Form.Item name="payment_terms" label={t("field.paymentTerms")}>
          <Select
            options={["prepayment", "cash_on_delivery", "net_days", "monthly_settlement"].map((v) => ({
              value: v,
              label: v,
            }))}
          />
        </Form.Item>
        <Form.Item name="tax_number" label={t("field.taxNumber")}>
          <Input />
        </Form.Item>
        <Form.Item name="phone" label={t("field.phone")}>
          <Input />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t("action.save")}
        </Button>
      </Form>
    </Card>
  );
}
