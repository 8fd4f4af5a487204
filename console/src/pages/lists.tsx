// A list declared in listDefs.ts: money in its currency, quantities, days and moments in the
// company's zone, states as tags.
import { Button, Card, Tag } from "antd";
import type { TableColumnsType } from "antd";
import { useNavigate } from "react-router";
import { may } from "../api/access";
import * as session from "../api/session";
import { KeysetTable } from "../components/KeysetTable";
import { formatDate, formatDateTime, formatMoney, formatNumber, type Lang } from "../format";
import { useI18n } from "../i18n";
import type { Kind, ListDef, Row } from "./listDefs";

function cell(value: unknown, kind: Kind, currency: string, lang: Lang) {
  if (value === null || value === undefined || value === "") return "";
  switch (kind) {
    case "money":
      return formatMoney(String(value), currency, lang);
    case "qty":
      return formatNumber(String(value), 2, lang);
    case "date":
      return formatDate(String(value), lang);
    case "moment":
      return formatDateTime(String(value), lang);
    case "tag":
      return <Tag>{String(value)}</Tag>;
    case "tags":
      return Array.isArray(value) ? value.map((v) => <Tag key={String(v)}>{String(v)}</Tag>) : "";
    default:
      return String(value);
  }
}

export default function ConfiguredList({ def }: { def: ListDef }) {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const currencyOf = (row: Row) =>
    def.currency?.startsWith("=") ? def.currency.slice(1) : String(row[def.currency ?? "currency"] ?? "VND");
  const columns: TableColumnsType<Row> = def.columns.map(([key, label, kind = "text"]) => ({
    title: t(label),
    key,
    align: kind === "money" || kind === "qty" ? "right" : undefined,
    render: (_: unknown, row: Row) => cell(row[key], kind, currencyOf(row), lang),
  }));
  return (
    <Card
      title={t(def.title)}
      extra={
        def.create &&
        may(session.person()?.roles ?? [], def.service, "POST", def.create.path) && (
          <Button type="primary" data-testid="new" onClick={() => navigate(def.create?.route ?? "/")}>
            {t(def.create.label)}
          </Button>
        )
      }
    >
      <KeysetTable<Row>
        service={def.service}
        resource={def.path.replace("/api/v1/", "")}
        path={def.path}
        testId={def.route.split("/").pop() ?? "list"}
        searchable={def.searchable}
        rowKey={def.rowKey}
        warn={def.warn}
        onOpen={def.open ? (row) => navigate(def.open?.(row) ?? "/") : undefined}
        columns={columns}
      />
    </Card>
  );
}

