// One sales order with its lines; 1,000 lines stay usable (the table renders only what is on
// screen).
import { useOne } from "@refinedev/core";
import { Card, Descriptions, Table, Tag } from "antd";
import { useParams } from "react-router";
import type { components } from "../../api/schema/crm";
import { formatDate, formatMoney, formatNumber } from "../../format";
import { useI18n } from "../../i18n";

type OrderDetail = components["schemas"]["OrderDetail"];
type OrderLine = components["schemas"]["OrderLine"];

export default function OrderShow() {
  const { t, lang } = useI18n();
  const { id = "" } = useParams();
  const { result: order, query } = useOne<OrderDetail>({ resource: "orders", id, dataProviderName: "crm" });
  if (!order) return <Card loading={query.isLoading} />;
  const money = (v: unknown) => formatMoney(String(v), order.currency, lang);
  return (
    <Card title={`${t("doc.sales_order")} ${order.number}`} extra={<Tag>{order.status}</Tag>}>
      <Descriptions size="small" column={3}>
        <Descriptions.Item label={t("field.date")}>{formatDate(order.order_date, lang)}</Descriptions.Item>
        <Descriptions.Item label={t("field.net")}>{money(order.net)}</Descriptions.Item>
        <Descriptions.Item label={t("field.tax")}>{money(order.tax)}</Descriptions.Item>
        <Descriptions.Item label={t("field.total")}>
          <b data-testid="order-total">{money(order.total)}</b>
        </Descriptions.Item>
        <Descriptions.Item label={t("field.words")} span={2}>
          {order.total_in_words}
        </Descriptions.Item>
      </Descriptions>
      <Table<OrderLine>
        rowKey="id"
        size="small"
        data-testid="order-lines"
        dataSource={order.lines}
        pagination={false}
        virtual
        scroll={{ y: 600, x: 900 }}
        columns={[
          { title: "#", dataIndex: "line_no", width: 60 },
          { title: t("field.item"), dataIndex: "description", width: 280 },
          { title: t("field.quantity"), align: "right", width: 110, render: (_, l) => formatNumber(String(l.quantity), 2, lang) },
          { title: t("field.price"), align: "right", width: 140, render: (_, l) => money(l.unit_price) },
          { title: t("field.net"), align: "right", width: 150, render: (_, l) => money(l.net) },
          { title: t("field.total"), align: "right", width: 150, render: (_, l) => money(l.total) },
        ]}
      />
    </Card>
  );
}
