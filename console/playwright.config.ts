// Browser tests against a running system behind the console's proxy (CONSOLE_URL), in
// Debian's chromium (Playwright's own browser download is not used). Started by the system
// test `tests/tests/system/console.rs`, which brings the system and the proxy up.
import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  retries: 0,
  workers: 1,
  reporter: [["list"]],
  outputDir: process.env.CONSOLE_ARTIFACTS ?? "test-results",
  use: {
    baseURL: process.env.CONSOLE_URL ?? "http://127.0.0.1:8080",
    launchOptions: { executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox"] },
    locale: "vi-VN",
    timezoneId: "Asia/Ho_Chi_Minh",
    viewport: { width: 1366, height: 800 },
  },
});
