import { Card, Tag } from "antd";
import { useNavigate } from "react-router";
import type { components } from "../../api/schema/warehouse";
import { KeysetTable } from "../../components/KeysetTable";
import { formatDateTime } from "../../format";
import { useI18n } from "../../i18n";

type InboundNote = components["schemas"]["InboundNote"];

export default function InboundNotes() {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  return (
    <Card title={t("menu.inbound")}>
      <KeysetTable<InboundNote>
        service="warehouse"
        resource="inbound-notes"
        path="/api/v1/inbound-notes"
        testId="inbound-notes"
        onOpen={(n) => navigate(`/warehouse/inbound/${n.id}`)}
        columns={[
          { title: t("field.number"), dataIndex: "number" },
          { title: t("field.source"), dataIndex: "source_number" },
          { title: t("field.party"), dataIndex: "party" },
          { title: t("field.status"), dataIndex: "status", render: (s: string) => <Tag>{s}</Tag> },
          { title: t("field.date"), dataIndex: "created_at", render: (d: string) => formatDateTime(d, lang) },
        ]}
      />
    </Card>
  );
}
