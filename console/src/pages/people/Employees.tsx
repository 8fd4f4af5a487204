import { Card, Tag } from "antd";
import type { components } from "../../api/schema/hr";
import { KeysetTable } from "../../components/KeysetTable";
import { useI18n } from "../../i18n";

type Employee = components["schemas"]["Employee"];

export default function Employees() {
  const { t } = useI18n();
  return (
    <Card title={t("menu.employees")}>
      <KeysetTable<Employee>
        service="hr"
        resource="employees"
        path="/api/v1/employees"
        testId="employees"
        searchable
        columns={[
          { title: t("field.code"), dataIndex: "code" },
          { title: t("field.name"), dataIndex: "name" },
          {
            title: t("field.roles"),
            dataIndex: "roles",
            render: (roles: string[]) => roles.map((r) => <Tag key={r}>{r}</Tag>),
          },
        ]}
      />
    </Card>
  );
}
