import { Card, Tag } from "antd";
import { useNavigate } from "react-router";
import type { components } from "../../api/schema/purchasing";
import { KeysetTable } from "../../components/KeysetTable";
import { formatDate, formatMoney } from "../../format";
import { useI18n } from "../../i18n";

type PurchaseOrder = components["schemas"]["PurchaseOrder"];

export default function Orders() {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  return (
    <Card title={t("menu.purchaseOrders")}>
      <KeysetTable<PurchaseOrder>
        service="purchasing"
        resource="purchase-orders"
        path="/api/v1/purchase-orders"
        testId="purchase-orders"
        onOpen={(o) => navigate(`/purchasing/orders/${o.id}`)}
        columns={[
          { title: t("field.number"), dataIndex: "number" },
          { title: t("field.date"), dataIndex: "order_date", render: (d: string) => formatDate(d, lang) },
          { title: t("field.status"), dataIndex: "status", render: (s: string) => <Tag>{s}</Tag> },
          { title: t("field.total"), align: "right", render: (_, o) => formatMoney(o.total, o.currency, lang) },
        ]}
      />
    </Card>
  );
}
