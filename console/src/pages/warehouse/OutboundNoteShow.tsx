// An outbound note waiting for the keeper: what leaves, line by line (what is still open by
// default), confirmed all lines or none; a shortage names the lines it concerns.
import { useOne } from "@refinedev/core";
import { Button, Card, Descriptions, Form, InputNumber, Table, Tag } from "antd";
import { useNavigate, useParams } from "react-router";
import type { components } from "../../api/schema/warehouse";
import { useAction } from "../../components/useAction";
import { format, parse } from "../../decimal";
import { formatNumber } from "../../format";
import { useI18n } from "../../i18n";

type Note = components["schemas"]["OutboundNoteDetail"];
type Line = components["schemas"]["OutboundLine"];

const open = (l: Line) => format(parse(l.requested) - parse(l.issued) - parse(l.cancelled), 4);

export default function OutboundNoteShow() {
  const { t, lang } = useI18n();
  const { id = "" } = useParams();
  const [form] = Form.useForm();
  const run = useAction();
  const navigate = useNavigate();
  const { result: note, query } = useOne<Note>({
    resource: "outbound-notes",
    id,
    dataProviderName: "warehouse",
    meta: { path: "/api/v1/outbound-notes" },
  });
  if (!note) return <Card loading={query.isLoading} />;
  const confirmable = note.status === "open" || note.status === "partially_issued";
  const confirm = async (values: { lines: { quantity?: string }[] }) => {
    const lines = note.lines
      .map((l, i) => ({ line_id: l.id, quantity: String(values.lines?.[i]?.quantity ?? "0") }))
      .filter((l) => parse(l.quantity) > 0n);
    const done = await run("warehouse", `/api/v1/outbound-notes/${id}/confirm`, { lines }, {
      form,
      refresh: [{ resource: "outbound-notes", service: "warehouse" }],
    });
    if (done) navigate("/warehouse/outbound");
  };
  return (
    <Card title={`${t("menu.outbound")} ${note.number}`} extra={<Tag data-testid="note-status">{note.status}</Tag>}>
      <Descriptions size="small" column={3}>
        <Descriptions.Item label={t("field.source")}>{note.source_number}</Descriptions.Item>
        <Descriptions.Item label={t("field.party")}>{note.party}</Descriptions.Item>
      </Descriptions>
      <Form
        form={form}
        onFinish={confirm}
        initialValues={{ lines: note.lines.map((l) => ({ quantity: open(l) })) }}
      >
        <Table<Line>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={note.lines}
          data-testid="note-lines"
          columns={[
            { title: "#", dataIndex: "line_no" },
            { title: t("field.item"), render: (_, l) => (l.sku ? `${l.sku} · ${l.name ?? ""}` : l.item_id) },
            { title: t("field.requested"), align: "right", render: (_, l) => formatNumber(l.requested, 2, lang) },
            { title: t("field.issued"), align: "right", render: (_, l) => formatNumber(l.issued, 2, lang) },
            {
              title: t("field.toIssue"),
              render: (_, l, i) => (
                <Form.Item name={["lines", i, "quantity"]} style={{ margin: 0 }}>
                  <InputNumber<string> stringMode min="0" max={open(l)} disabled={!confirmable} />
                </Form.Item>
              ),
            },
          ]}
        />
        {confirmable && (
          <Button type="primary" htmlType="submit" style={{ marginTop: 12 }} data-testid="note-confirm">
            {t("action.confirm")}
          </Button>
        )}
      </Form>
    </Card>
  );
}
