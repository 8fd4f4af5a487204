// A select that searches the API as the person types (`q`), for customers, items and the like.
import { Select } from "antd";
import { useEffect, useState } from "react";
import { call, type Service } from "../api/http";

type Option = { value: string; label: string };

export function SearchSelect<T>(props: {
  service: Service;
  path: string;
  toOption: (row: T) => Option;
  value?: string;
  onChange?: (value: string, row: T | undefined) => void;
  placeholder?: string;
  testId?: string;
}) {
  const { service, path, toOption } = props;
  const [q, setQ] = useState("");
  const [rows, setRows] = useState<T[]>([]);
  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      call<{ items: T[] }>(service, path, { query: { q, limit: 20 } })
        .then((page) => live && setRows(page.items))
        .catch(() => live && setRows([]));
    }, 200);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [q, service, path]);
  return (
    <Select
      showSearch
      filterOption={false}
      onSearch={setQ}
      value={props.value}
      placeholder={props.placeholder}
      data-testid={props.testId}
      options={rows.map(toOption)}
      onChange={(v: string) => props.onChange?.(v, rows.find((r) => toOption(r).value === v))}
      style={{ minWidth: 220 }}
    />
  );
}
