// The signed-in person and their tokens (docs/console.md, "Where tokens are kept"). The access
// token lives only in memory (15 minutes). The refresh token is kept in this tab's
// sessionStorage so that a reload does not sign the person out: never in localStorage (not
// shared with other tabs, gone when the tab closes), readable only by this origin's scripts,
// which the Content-Security-Policy limits to the console's own bundle.
import type { components } from "./schema/hr";

export type Employee = components["schemas"]["Employee"];
export type SessionAnswer = components["schemas"]["Session"];

const REFRESH_KEY = "erp.refresh";
const PERSON_KEY = "erp.person";

let accessToken: string | null = null;
let accessUntil = 0;
const listeners = new Set<() => void>();

export function onSignOut(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function start(answer: SessionAnswer): void {
  accessToken = answer.access_token;
  accessUntil = Date.now() + answer.expires_in * 1000;
  sessionStorage.setItem(REFRESH_KEY, answer.refresh_token);
  sessionStorage.setItem(PERSON_KEY, JSON.stringify(answer.employee));
}

export function end(): void {
  const wasIn = refreshToken() !== null;
  accessToken = null;
  accessUntil = 0;
  sessionStorage.removeItem(REFRESH_KEY);
  sessionStorage.removeItem(PERSON_KEY);
  if (wasIn) listeners.forEach((l) => l());
}

/** The access token while it has more than 30 s left. */
export function access(): string | null {
  return accessToken && Date.now() < accessUntil - 30_000 ? accessToken : null;
}

export function refreshToken(): string | null {
  return sessionStorage.getItem(REFRESH_KEY);
}

export function person(): Employee | null {
  const text = sessionStorage.getItem(PERSON_KEY);
  if (!text) return null;
  try {
    return JSON.parse(text) as Employee;
  } catch {
    return null;
  }
}
