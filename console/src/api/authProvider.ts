// Signing in and out with hr; a 401 that a refresh cannot cure sends the person to the login
// page with the page they were on (`?to=`).
import type { AuthProvider } from "@refinedev/core";
import { ApiError, call } from "./http";
import * as session from "./session";

export const authProvider: AuthProvider = {
  async login({ code, password }: { code: string; password: string }) {
    try {
      const answer = await call<session.SessionAnswer>("hr", "/api/v1/auth/login", {
        method: "POST",
        body: { code, password },
      });
      session.start(answer);
      const to = new URLSearchParams(window.location.search).get("to");
      return { success: true, redirectTo: to && to.startsWith("/") && !to.startsWith("//") ? to : "/" };
    } catch (e) {
      const status = e instanceof ApiError ? e.status : 0;
      return {
        success: false,
        error: { name: String(status), message: status === 429 ? "login.locked" : "login.failed" },
      };
    }
  },
  async logout() {
    const token = session.refreshToken();
    if (token) {
      await call("hr", "/api/v1/auth/logout", { method: "POST", body: { refresh_token: token } }).catch(() => undefined);
    }
    session.end();
    return { success: true, redirectTo: "/login" };
  },
  async check() {
    if (session.refreshToken()) return { authenticated: true };
    const here = window.location.pathname + window.location.search;
    return { authenticated: false, redirectTo: here === "/" ? "/login" : `/login?to=${encodeURIComponent(here)}` };
  },
  async onError(error: unknown) {
    if (error instanceof ApiError && error.status === 401) {
      session.end();
      return { logout: true };
    }
    return {};
  },
  async getIdentity() {
    return session.person();
  },
  async getPermissions() {
    return session.person()?.roles ?? [];
  },
};
