// A Refine data provider for one service, on the API's conventions (README, "API"): lists are
// keyset-paged (`limit`, `cursor`, `next_cursor`) and searched with `q`; records are read and
// written at `<resource path>/{id}`; errors are problem+json (ApiError). A resource names its
// path in `meta.path` (`/api/v1/customers`) or is `/api/v1/<name>`.
import type { BaseRecord, CrudFilter, DataProvider } from "@refinedev/core";
import { ApiError, call, type Query, type Service } from "./http";

type Page<T> = { items: T[]; next_cursor?: string | null; total?: number | null };

const pathOf = (resource: string, meta?: Record<string, unknown>) =>
  typeof meta?.path === "string" ? meta.path : `/api/v1/${resource}`;

function queryOf(filters: CrudFilter[] | undefined): Query {
  const q: Query = {};
  for (const f of filters ?? []) {
    if ("field" in f && (f.operator === "eq" || f.operator === "contains") && f.value !== undefined) {
      q[f.field] = f.value as string;
    }
  }
  return q;
}

export function dataProvider(service: Service): DataProvider {
  return {
    getApiUrl: () => `/api/${service}`,
    async getList<T extends BaseRecord>({ resource, pagination, filters, meta }: Parameters<DataProvider["getList"]>[0]) {
      const page = pagination?.currentPage;
      const answer = await call<Page<T> | T[]>(service, pathOf(resource, meta), {
        query: {
          ...queryOf(filters),
          limit: pagination?.mode === "off" ? undefined : (pagination?.pageSize ?? 50),
          // Infinite lists pass the previous page's next_cursor as the page.
          cursor: typeof page === "string" ? page : undefined,
        },
      });
      const items = Array.isArray(answer) ? answer : answer.items;
      const next = Array.isArray(answer) ? undefined : (answer.next_cursor ?? undefined);
      const total = Array.isArray(answer) ? items.length : (answer.total ?? items.length);
      return { data: items, total, cursor: { next } };
    },
    async getOne<T extends BaseRecord>({ resource, id, meta }: Parameters<DataProvider["getOne"]>[0]) {
      return { data: await call<T>(service, `${pathOf(resource, meta)}/${id}`) };
    },
    async create<T extends BaseRecord>({ resource, variables, meta }: Parameters<DataProvider["create"]>[0]) {
      return { data: await call<T>(service, pathOf(resource, meta), { method: "POST", body: variables }) };
    },
    async update<T extends BaseRecord>({ resource, id, variables, meta }: Parameters<DataProvider["update"]>[0]) {
      return {
        data: await call<T>(service, `${pathOf(resource, meta)}/${id}`, { method: "PUT", body: variables }),
      };
    },
    async deleteOne() {
      // Documents are cancelled or deactivated, never deleted.
      throw new ApiError(405, { title: "Records are not deleted" });
    },
    async custom<T extends BaseRecord>({ url, method, payload, query }: Parameters<NonNullable<DataProvider["custom"]>>[0]) {
      const data = await call<T>(service, url, {
        method: method.toUpperCase(),
        body: payload,
        query: query as Query | undefined,
      });
      return { data };
    },
  };
}
