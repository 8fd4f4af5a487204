import { Button, Card, Tag } from "antd";
import { may } from "../../api/access";
import * as session from "../../api/session";
import { useNavigate } from "react-router";
import type { components } from "../../api/schema/crm";
import { KeysetTable } from "../../components/KeysetTable";
import { formatDate, formatMoney } from "../../format";
import { useI18n } from "../../i18n";

type SalesOrder = components["schemas"]["SalesOrder"];

export default function Orders() {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  return (
    <Card
      title={t("menu.orders")}
      extra={
        may(session.person()?.roles ?? [], "crm", "POST", "/api/v1/orders") && (
          <Button type="primary" data-testid="new" onClick={() => navigate("/sales/orders/new")}>
            {t("menu.newOrder")}
          </Button>
        )
      }
    >
      <KeysetTable<SalesOrder>
        service="crm"
        resource="orders"
        path="/api/v1/orders"
        testId="orders"
        onOpen={(o) => navigate(`/sales/orders/${o.id}`)}
        columns={[
          { title: t("field.number"), dataIndex: "number" },
          { title: t("field.date"), dataIndex: "order_date", render: (d: string) => formatDate(d, lang) },
          { title: t("field.status"), dataIndex: "status", render: (s: string) => <Tag>{s}</Tag> },
          { title: t("field.total"), align: "right", render: (_, o) => formatMoney(String(o.total), o.currency, lang) },
        ]}
      />
    </Card>
  );
}
