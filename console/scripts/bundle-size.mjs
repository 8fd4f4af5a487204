// Prints the gzipped size of the JavaScript the first page loads (the entry chunk and what it
// imports statically) and fails above the budget (docs/console.md).
import { readFileSync, readdirSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { join } from "node:path";

const BUDGET_KB = 300;
const dist = new URL("../dist/", import.meta.url).pathname;
const html = readFileSync(join(dist, "index.html"), "utf8");
const initial = new Set([...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]));
const gz = (file) => gzipSync(readFileSync(join(dist, file))).length;
const initialKb = [...initial].reduce((sum, f) => sum + gz(f), 0) / 1024;
const all = readdirSync(join(dist, "assets")).filter((f) => f.endsWith(".js"));
const allKb = all.reduce((sum, f) => sum + gz(join("assets", f)), 0) / 1024;
console.log(
  `console bundle: initial JavaScript ${initialKb.toFixed(1)} KB gzipped (${initial.size} files, budget ${BUDGET_KB} KB); ` +
    `all ${all.length} chunks ${allKb.toFixed(1)} KB gzipped`,
);
if (initialKb > BUDGET_KB) {
  console.error(`initial JavaScript over the ${BUDGET_KB} KB budget`);
  process.exit(1);
}
