// Exact decimal arithmetic on the strings the API sends (money and quantities are never
// floats): a value is a BigInt of units at a fixed scale. Rounding is half away from zero,
// as the server's (rust_decimal's MidpointAwayFromZero).

const SCALE = 12;
const ONE = 10n ** BigInt(SCALE);

/** A decimal string ("-1234.5") as units of 10^-12; throws on anything else. */
export function parse(value: string): bigint {
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?\s*$/.exec(value);
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) throw new Error(`not a decimal: ${value}`);
  const fraction = (m[3] ?? "").padEnd(SCALE + 1, "0");
  let units = BigInt(m[2] || "0") * ONE + BigInt(fraction.slice(0, SCALE));
  if (Number(fraction[SCALE]) >= 5) units += 1n; // beyond 12 places: half up
  return m[1] === "-" ? -units : units;
}

/** Units rounded half away from zero to `scale` places, as a plain decimal string. */
export function format(units: bigint, scale: number): string {
  const step = 10n ** BigInt(SCALE - scale);
  const negative = units < 0n;
  let abs = negative ? -units : units;
  abs = ((abs + step / 2n) / step) * step;
  const whole = abs / ONE;
  const fraction = (abs % ONE).toString().padStart(SCALE, "0").slice(0, scale);
  const text = scale > 0 ? `${whole}.${fraction}` : `${whole}`;
  return negative && abs !== 0n ? `-${text}` : text;
}

export function round(value: string, scale: number): string {
  return format(parse(value), scale);
}

/** a × b at 12 places (what is beyond is rounded half up). */
export function mul(a: bigint, b: bigint): bigint {
  const p = a * b;
  const negative = p < 0n;
  const abs = negative ? -p : p;
  const q = (abs + ONE / 2n) / ONE;
  return negative ? -q : q;
}

/** The amounts of one line as the server computes them (libs/money's `line_totals`): each is
 * rounded half up at the currency's scale before the next is computed from it.
 * gross = round(quantity × unit price); discount = round(gross × discount % / 100);
 * net = gross − discount; tax = round(net × tax rate % / 100); total = net + tax. */
export function lineAmounts(
  quantity: string,
  unitPrice: string,
  discountPct: string,
  taxRatePct: string,
  scale: number,
): { gross: string; discount: string; net: string; tax: string; total: string } {
  const at = (units: bigint) => parse(format(units, scale));
  const gross = at(mul(parse(quantity), parse(unitPrice)));
  const discount = at(percentOf(gross, parse(discountPct)));
  const net = gross - discount;
  const tax = at(percentOf(net, parse(taxRatePct)));
  return {
    gross: format(gross, scale),
    discount: format(discount, scale),
    net: format(net, scale),
    tax: format(tax, scale),
    total: format(net + tax, scale),
  };
}

/** amount × pct / 100, exact at 12 places. */
function percentOf(amount: bigint, pct: bigint): bigint {
  return mul(amount, pct) / 100n;
}
