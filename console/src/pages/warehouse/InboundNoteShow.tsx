// An inbound note waiting for the keeper: what was counted per line (what was expected by
// default); a difference needs a word on why.
import { useOne } from "@refinedev/core";
import { Button, Card, Descriptions, Form, Input, InputNumber, Table, Tag } from "antd";
import { useNavigate, useParams } from "react-router";
import type { components } from "../../api/schema/warehouse";
import { useAction } from "../../components/useAction";
import { formatNumber } from "../../format";
import { useI18n } from "../../i18n";

type Note = components["schemas"]["InboundNoteDetail"];
type Line = components["schemas"]["InboundLine"];

export default function InboundNoteShow() {
  const { t, lang } = useI18n();
  const { id = "" } = useParams();
  const [form] = Form.useForm();
  const run = useAction();
  const navigate = useNavigate();
  const { result: note, query } = useOne<Note>({
    resource: "inbound-notes",
    id,
    dataProviderName: "warehouse",
  });
  if (!note) return <Card loading={query.isLoading} />;
  const confirmable = note.status === "open";
  const confirm = async (values: { lines: { received?: string; discrepancy?: string }[] }) => {
    const lines = note.lines.map((l, i) => ({
      line_id: l.id,
      received: String(values.lines?.[i]?.received ?? "0"),
      discrepancy: values.lines?.[i]?.discrepancy || null,
    }));
    const done = await run("warehouse", `/api/v1/inbound-notes/${id}/confirm`, { lines }, {
      form,
      refresh: [{ resource: "inbound-notes", service: "warehouse" }],
    });
    if (done) navigate("/warehouse/inbound");
  };
  return (
    <Card title={`${t("menu.inbound")} ${note.number}`} extra={<Tag data-testid="note-status">{note.status}</Tag>}>
      <Descriptions size="small" column={3}>
        <Descriptions.Item label={t("field.source")}>{note.source_number}</Descriptions.Item>
        <Descriptions.Item label={t("field.party")}>{note.party}</Descriptions.Item>
      </Descriptions>
      <Form form={form} onFinish={confirm} initialValues={{ lines: note.lines.map((l) => ({ received: l.expected })) }}>
        <Table<Line>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={note.lines}
          data-testid="note-lines"
          columns={[
            { title: "#", dataIndex: "line_no" },
            { title: t("field.item"), render: (_, l) => (l.sku ? `${l.sku} · ${l.name ?? ""}` : l.item_id) },
            { title: t("field.expected"), align: "right", render: (_, l) => formatNumber(l.expected, 2, lang) },
            {
              title: t("field.received"),
              render: (_, _l, i) => (
                <Form.Item name={["lines", i, "received"]} style={{ margin: 0 }}>
                  <InputNumber<string> stringMode min="0" disabled={!confirmable} />
                </Form.Item>
              ),
            },
            {
              title: t("field.reason"),
              render: (_, _l, i) => (
                <Form.Item name={["lines", i, "discrepancy"]} style={{ margin: 0 }}>
                  <Input disabled={!confirmable} />
                </Form.Item>
              ),
            },
          ]}
        />
        {confirmable && (
          <Button type="primary" htmlType="submit" style={{ marginTop: 12 }} data-testid="note-confirm">
            {t("action.confirmReceipt")}
          </Button>
        )}
      </Form>
    </Card>
  );
}
