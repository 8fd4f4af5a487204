// What customers owe, by days past due, per customer (finance's receivables aging).
import { Card, Select, Table } from "antd";
import { useEffect, useState } from "react";
import { call } from "../../api/http";
import type { components } from "../../api/schema/finance";
import { formatMoney } from "../../format";
import { useI18n } from "../../i18n";
import type { MessageKey } from "../../i18n/messages";

type Aging = components["schemas"]["AgingReport"];
type Row = components["schemas"]["AgingRow"];

const BUCKETS: [keyof Row, MessageKey | string][] = [
  ["not_due", "field.notDue"],
  ["days_0_30", "0–30"],
  ["days_31_60", "31–60"],
  ["days_61_90", "61–90"],
  ["over_90", "> 90"],
  ["total", "field.total"],
];

export default function Receivables() {
  const { t, lang } = useI18n();
  const [currency, setCurrency] = useState("VND");
  const [report, setReport] = useState<Aging | null>(null);
  useEffect(() => {
    let live = true;
    call<Aging>("finance", "/api/v1/reports/receivables-aging", { query: { currency } })
      .then((r) => live && setReport(r))
      .catch(() => live && setReport(null));
    return () => {
      live = false;
    };
  }, [currency]);
  const label = (k: string) => (k.startsWith("field.") ? t(k as MessageKey) : k);
  return (
    <Card
      title={t("menu.receivables")}
      extra={
        <Select
          value={currency}
          onChange={setCurrency}
          options={["VND", "CNY", "USD", "EUR"].map((c) => ({ value: c, label: c }))}
        />
      }
    >
      <Table<Row>
        rowKey="party_id"
        size="small"
        loading={report === null}
        data-testid="receivables"
        dataSource={report?.rows ?? []}
        pagination={false}
        columns={[
          { title: t("field.customer"), render: (_, r) => r.party_name ?? r.party_id },
          ...BUCKETS.map(([k, l]) => ({
            title: label(l),
            align: "right" as const,
            render: (_: unknown, r: Row) => formatMoney(String(r[k]), currency, lang),
          })),
        ]}
      />
    </Card>
  );
}
