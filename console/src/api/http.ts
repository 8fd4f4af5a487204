// Calls to the services through the proxy (/api/<service>/...): the bearer token, a quiet
// refresh when it ran out, and problem+json turned into an ApiError the screens show.
import * as session from "./session";

export type Service = "hr" | "crm" | "purchasing" | "warehouse" | "production" | "finance";

export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly detail?: string;
  /** Field errors of a 422, by field path (`lines[0].quantity`). */
  readonly fields: Record<string, string>;

  constructor(status: number, body: unknown) {
    const problem = (body ?? {}) as {
      type?: string;
      title?: string;
      detail?: string | null;
      errors?: { field: string; message: string }[];
    };
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.status = status;
    this.type = problem.type ?? "about:blank";
    this.detail = problem.detail ?? undefined;
    this.fields = Object.fromEntries((problem.errors ?? []).map((e) => [e.field, e.message]));
  }
}

let refreshing: Promise<boolean> | null = null;

/** Exchanges the refresh token for a new session, once for all callers waiting. */
export function refresh(): Promise<boolean> {
  refreshing ??= (async () => {
    const token = session.refreshToken();
    if (!token) return false;
    const res = await fetch("/api/hr/api/v1/auth/refresh", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ refresh_token: token }),
    }).catch(() => null);
    if (!res?.ok) {
      if (res && res.status < 500) session.end();
      return false;
    }
    session.start(await res.json());
    return true;
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export async function call<T>(
  service: Service,
  path: string,
  init: { method?: string; body?: unknown; query?: Query } = {},
): Promise<T> {
  const url = new URL(`/api/${service}${path}`, window.location.origin);
  for (const [k, v] of Object.entries(init.query ?? {})) {
    if (v !== undefined && v !== null && v !== "") url.searchParams.set(k, String(v));
  }
  const send = async () => {
    const headers: Record<string, string> = { accept: "application/json" };
    const token = session.access();
    if (token) headers.authorization = `Bearer ${token}`;
    if (init.body !== undefined) headers["content-type"] = "application/json";
    return fetch(url, {
      method: init.method ?? "GET",
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  };
  if (!session.access() && session.refreshToken()) await refresh();
  let res = await send();
  if (res.status === 401 && (await refresh())) res = await send();
  if (res.status === 401) session.end();
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = { title: text.slice(0, 200) };
  }
  if (!res.ok) throw new ApiError(res.status, body);
  return body as T;
}
