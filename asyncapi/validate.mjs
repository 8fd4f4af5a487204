// Parses an AsyncAPI document with the AsyncAPI parser and fails on any error-level finding.
import { readFile } from "node:fs/promises";
import { Parser, DiagnosticSeverity } from "@asyncapi/parser";

const file = process.argv[2] ?? "events.json";
const parser = new Parser();
const { document, diagnostics } = await parser.parse(await readFile(new URL(file, import.meta.url), "utf8"));
const errors = diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error);
for (const d of diagnostics) {
  const level = d.severity === DiagnosticSeverity.Error ? "error" : "note";
  console.log(`${level}: ${d.message} at ${d.path.join("/")}`);
}
if (!document || errors.length > 0) {
  console.error(`${file}: ${errors.length} error(s)`);
  process.exit(1);
}
console.log(`${file}: valid AsyncAPI ${document.version()}, ${document.channels().length} channels, ${document.messages().length} messages`);
