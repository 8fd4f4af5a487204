import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// In development the services run on their default ports (scripts/run); in production the
// proxy (nginx, docs/console.md) serves the build and routes /api/<service>/ the same way.
const ports: Record<string, number> = {
  crm: 8081,
  purchasing: 8082,
  warehouse: 8083,
  production: 8084,
  finance: 8085,
  hr: 8086,
};

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: Object.fromEntries(
      Object.entries(ports).map(([svc, port]) => [
        `/api/${svc}/`,
        { target: `http://127.0.0.1:${port}`, rewrite: (p: string) => p.replace(`/api/${svc}`, "") },
      ]),
    ),
  },
  build: {
    chunkSizeWarningLimit: 1500,
  },
  test: {
    include: ["src/**/*.test.ts"],
  },
});
