// Generates src/api/schema/<service>.ts from the committed openapi/<service>.json, so that an
// API change the console does not follow fails its type check (docs/console.md).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const out = join(here, "..", "src", "api", "schema");
mkdirSync(out, { recursive: true });
// Who may call each operation (the documents' `x-access`, from the same declaration the
// services enforce): menus and buttons follow it.
const access = {};
for (const service of ["hr", "crm", "purchasing", "warehouse", "production", "finance"]) {
  const doc = JSON.parse(readFileSync(join(root, "openapi", `${service}.json`), "utf8"));
  const ast = await openapiTS(doc);
  writeFileSync(join(out, `${service}.ts`), `// Generated from openapi/${service}.json; do not edit.\n${astToString(ast)}`);
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (op["x-access"]) access[`${service} ${method.toUpperCase()} ${path}`] = op["x-access"];
    }
  }
}
writeFileSync(
  join(out, "access.ts"),
  "// Generated from openapi/*.json (x-access); do not edit.\n" +
    "export type Access = { kind: \"public\" | \"authenticated\" | \"approver\" | \"roles\"; roles: string[] };\n" +
    `export const access: Record<string, Access> = ${JSON.stringify(access)} as Record<string, Access>;\n`,
);
