// The signed-in person and their tokens (docs/console.md, "Where tokens are kept"): in this
// tab's sessionStorage, never in localStorage (not shared with other tabs, gone when the tab
// closes), readable only by this origin's scripts, which the Content-Security-Policy limits to
// the console's own bundle. The access token is kept there too: were it only in memory, every
// reload would rotate the refresh token, and a reload during that rotation would lose the new
// one and sign the person out.
import type { components } from "./schema/hr";

export type Employee = components["schemas"]["Employee"];
export type SessionAnswer = components["schemas"]["Session"];

const REFRESH_KEY = "erp.refresh";
const ACCESS_KEY = "erp.access";
const PERSON_KEY = "erp.person";
const listeners = new Set<() => void>();

export function onSignOut(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function start(answer: SessionAnswer): void {
  const until = Date.now() + answer.expires_in * 1000;
  sessionStorage.setItem(ACCESS_KEY, JSON.stringify({ token: answer.access_token, until }));
  sessionStorage.setItem(REFRESH_KEY, answer.refresh_token);
  sessionStorage.setItem(PERSON_KEY, JSON.stringify(answer.employee));
}

export function end(): void {
  const wasIn = refreshToken() !== null;
  sessionStorage.removeItem(ACCESS_KEY);
  sessionStorage.removeItem(REFRESH_KEY);
  sessionStorage.removeItem(PERSON_KEY);
  if (wasIn) listeners.forEach((l) => l());
}

/** The access token while it has more than 30 s left. */
export function access(): string | null {
  try {
    const kept = JSON.parse(sessionStorage.getItem(ACCESS_KEY) ?? "null") as { token: string; until: number } | null;
    return kept && Date.now() < kept.until - 30_000 ? kept.token : null;
  } catch {
    return null;
  }
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
