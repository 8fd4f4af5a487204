// A list as the API pages it: the first page, then "more" with the previous page's
// next_cursor; searched with `q` (Vietnamese with or without diacritics, and Chinese, are
// matched by the services).
import { useInfiniteList } from "@refinedev/core";
import { Button, Input, Space, Table, type TableColumnsType } from "antd";
import { useState } from "react";
import type { Service } from "../api/http";
import { useI18n } from "../i18n";

export function KeysetTable<T extends object>(props: {
  service: Service;
  resource: string;
  path: string;
  columns: TableColumnsType<T>;
  searchable?: boolean;
  testId: string;
  onOpen?: (row: T) => void;
  /** The row's key when it has no `id`. */
  rowKey?: (row: T) => string;
  /** Rows to show in warning colours (e.g. stock below its minimum). */
  warn?: (row: T) => boolean;
}) {
  const { t } = useI18n();
  const [q, setQ] = useState("");
  const { result, query } = useInfiniteList<T>({
    resource: props.resource,
    dataProviderName: props.service,
    meta: { path: props.path },
    filters: q ? [{ field: "q", operator: "eq", value: q }] : [],
    pagination: { pageSize: 50 },
  });
  const rows = result.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      {props.searchable && (
        <Input.Search
          placeholder={t("search")}
          allowClear
          onSearch={setQ}
          style={{ maxWidth: 360 }}
          data-testid={`${props.testId}-search`}
        />
      )}
      <Table<T>
        rowKey={props.rowKey ?? ((row: T) => String((row as { id?: unknown }).id))}
        size="small"
        data-testid={props.testId}
        loading={query.isLoading}
        dataSource={rows}
        columns={props.columns}
        pagination={false}
        onRow={(row) => ({
          onClick: () => props.onOpen?.(row),
          style: {
            ...(props.onOpen ? { cursor: "pointer" } : {}),
            ...(props.warn?.(row) ? { background: "#fff1f0" } : {}),
          },
        })}
      />
      {result.hasNextPage && (
        <Button onClick={() => query.fetchNextPage()} loading={query.isFetchingNextPage}>
          …
        </Button>
      )}
    </Space>
  );
}
