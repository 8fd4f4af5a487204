import { Button, Card, Tag } from "antd";
import { may } from "../../api/access";
import * as session from "../../api/session";
import { useNavigate } from "react-router";
import type { components } from "../../api/schema/crm";
import { KeysetTable } from "../../components/KeysetTable";
import { formatMoney } from "../../format";
import { useI18n } from "../../i18n";

type Customer = components["schemas"]["Customer"];

export default function Customers() {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  return (
    <Card
      title={t("menu.customers")}
      extra={
        may(session.person()?.roles ?? [], "crm", "POST", "/api/v1/customers") && (
          <Button type="primary" data-testid="new" onClick={() => navigate("/sales/customers/new")}>
            {t("menu.newCustomer")}
          </Button>
        )
      }
    >
      <KeysetTable<Customer>
        service="crm"
        resource="customers"
        path="/api/v1/customers"
        testId="customers"
        searchable
        columns={[
          { title: t("field.code"), dataIndex: "code" },
          { title: t("field.name"), dataIndex: "name" },
          { title: t("field.grade"), dataIndex: "grade", render: (g: string) => <Tag>{g}</Tag> },
          {
            title: t("field.credit"),
            align: "right",
            render: (_, c) => formatMoney(String(c.credit_limit), c.currency, lang),
          },
        ]}
      />
    </Card>
  );
}
