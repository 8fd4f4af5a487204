// A new purchase request: the items wanted, how many and by when.
import { Button, Card, DatePicker, Form, Input, InputNumber, Table } from "antd";
import type { Dayjs } from "dayjs";
import { useNavigate } from "react-router";
import type { components } from "../../api/schema/purchasing";
import { SearchSelect } from "../../components/SearchSelect";
import { useAction } from "../../components/useAction";
import { useI18n } from "../../i18n";

type Item = components["schemas"]["CatalogueItem"];
type Line = { item_id?: string; quantity?: string; needed_by?: Dayjs };

export default function RequestCreate() {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const run = useAction();
  const navigate = useNavigate();
  const save = async (values: { note?: string; lines: Line[] }) => {
    const body = {
      note: values.note || null,
      lines: values.lines.map((l) => ({
        item_id: l.item_id,
        quantity: String(l.quantity ?? "0"),
        needed_by: l.needed_by ? l.needed_by.format("YYYY-MM-DD") : null,
      })),
    };
    const created = await run<{ id: string }>("purchasing", "/api/v1/purchase-requests", body, {
      form,
      refresh: [{ resource: "purchase-requests", service: "purchasing" }],
    });
    if (created) navigate(`/purchasing/requests/${created.id}`);
  };
  return (
    <Card title={t("menu.newRequest")}>
      <Form form={form} layout="vertical" onFinish={save} initialValues={{ lines: [{}] }}>
        <Form.List name="lines">
          {(fields, { add, remove }) => (
            <>
              <Table
                size="small"
                rowKey="key"
                pagination={false}
                dataSource={fields}
                columns={[
                  {
                    title: t("field.item"),
                    render: (_, f) => (
                      <Form.Item name={[f.name, "item_id"]} rules={[{ required: true }]} noStyle>
                        <SearchSelect<Item>
                          service="purchasing"
                          path="/api/v1/catalogue/items"
                          testId={`request-line-${f.name}-item`}
                          toOption={(i) => ({ value: i.item_id, label: `${i.sku} · ${i.name}` })}
                          onChange={(v) => form.setFieldValue(["lines", f.name, "item_id"], v)}
                        />
                      </Form.Item>
                    ),
                  },
                  {
                    title: t("field.quantity"),
                    render: (_, f) => (
                      <Form.Item name={[f.name, "quantity"]} rules={[{ required: true }]} noStyle>
                        <InputNumber<string> stringMode min="0" data-testid={`request-line-${f.name}-quantity`} />
                      </Form.Item>
                    ),
                  },
                  {
                    title: t("field.neededBy"),
                    render: (_, f) => (
                      <Form.Item name={[f.name, "needed_by"]} noStyle>
                        <DatePicker />
                      </Form.Item>
                    ),
                  },
                  { render: (_, f) => <Button onClick={() => remove(f.name)}>×</Button> },
                ]}
              />
              <Button onClick={() => add({})} style={{ marginTop: 8 }}>
                {t("action.addLine")}
              </Button>
            </>
          )}
        </Form.List>
        <Form.Item name="note" label={t("field.reason")} style={{ marginTop: 12 }}>
          <Input.TextArea maxLength={1000} />
        </Form.Item>
        <Button type="primary" htmlType="submit" data-testid="request-save">
          {t("action.save")}
        </Button>
      </Form>
    </Card>
  );
}
