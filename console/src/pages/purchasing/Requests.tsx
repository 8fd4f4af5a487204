import { Button, Card, Tag } from "antd";
import { useNavigate } from "react-router";
import { may } from "../../api/access";
import type { components } from "../../api/schema/purchasing";
import * as session from "../../api/session";
import { KeysetTable } from "../../components/KeysetTable";
import { formatDateTime } from "../../format";
import { useI18n } from "../../i18n";

type PurchaseRequest = components["schemas"]["PurchaseRequest"];

export default function Requests() {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  return (
    <Card
      title={t("menu.requests")}
      extra={
        may(session.person()?.roles ?? [], "purchasing", "POST", "/api/v1/purchase-requests") && (
          <Button type="primary" data-testid="new" onClick={() => navigate("/purchasing/requests/new")}>
            {t("menu.newRequest")}
          </Button>
        )
      }
    >
      <KeysetTable<PurchaseRequest>
        service="purchasing"
        resource="purchase-requests"
        path="/api/v1/purchase-requests"
        testId="requests"
        onOpen={(r) => navigate(`/purchasing/requests/${r.id}`)}
        columns={[
          { title: t("field.number"), dataIndex: "number" },
          { title: t("field.source"), dataIndex: "source" },
          { title: t("field.status"), dataIndex: "status", render: (s: string) => <Tag>{s}</Tag> },
          { title: t("field.date"), dataIndex: "created_at", render: (d: string) => formatDateTime(d, lang) },
        ]}
      />
    </Card>
  );
}
