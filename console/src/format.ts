// Money, quantities and dates as people read them, in their language (docs/console.md).
import { format as formatUnits, parse } from "./decimal";

export type Lang = "vi" | "zh" | "en";

const LOCALES: Record<Lang, string> = { vi: "vi-VN", zh: "zh-CN", en: "en-US" };

/** Decimal places of each currency (VND has none), as libs/money's `Currency::scale`. */
export const CURRENCY_SCALE: Record<string, number> = { VND: 0, CNY: 2, USD: 2, EUR: 2 };

export function scaleOf(currency: string): number {
  return CURRENCY_SCALE[currency] ?? 2;
}

/** The grouping and decimal marks and the currency's symbol placement in the language. */
function shape(lang: Lang, currency?: string) {
  const sample = new Intl.NumberFormat(LOCALES[lang], {
    ...(currency ? { style: "currency", currency, currencyDisplay: "symbol" } : {}),
    minimumFractionDigits: 1,
  }).formatToParts(11111.1);
  const group = sample.find((p) => p.type === "group")?.value ?? ",";
  const decimal = sample.find((p) => p.type === "decimal")?.value ?? ".";
  const first = sample.findIndex((p) => p.type === "integer");
  const prefix = sample
    .slice(0, first)
    .map((p) => p.value)
    .join("");
  const last = sample.findLastIndex((p) => p.type === "fraction");
  const suffix = sample
    .slice(last + 1)
    .map((p) => p.value)
    .join("");
  return { group, decimal, prefix, suffix };
}

/** A decimal string with `scale` places, grouped in the language's way. */
export function formatNumber(value: string, scale: number, lang: Lang): string {
  const { group, decimal } = shape(lang);
  return grouped(formatUnits(parse(value), scale), group, decimal);
}

/** An amount in its currency: rounded half up to the currency's places (VND without
 * decimals), grouped and marked as the language writes it. */
export function formatMoney(value: string, currency: string, lang: Lang): string {
  const { group, decimal, prefix, suffix } = shape(lang, currency);
  const text = formatUnits(parse(value), scaleOf(currency));
  const negative = text.startsWith("-");
  const body = grouped(negative ? text.slice(1) : text, group, decimal);
  return `${negative ? "-" : ""}${prefix}${body}${suffix}`;
}

function grouped(text: string, group: string, decimal: string): string {
  const negative = text.startsWith("-");
  const [whole = "0", fraction] = (negative ? text.slice(1) : text).split(".");
  const withGroups = whole.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  return `${negative ? "-" : ""}${withGroups}${fraction !== undefined ? decimal + fraction : ""}`;
}

/** The company's time zone from its UTC offset (`+07:00`), as the services date documents. */
export function companyZone(offset: string): string {
  const m = /^([+-])(\d{2}):00$/.exec(offset);
  if (!m) return "UTC";
  const hours = Number(m[2]);
  // The IANA "Etc/GMT" zones count the other way round: UTC+7 is Etc/GMT-7.
  return hours === 0 ? "UTC" : `Etc/GMT${m[1] === "+" ? "-" : "+"}${hours}`;
}

export const COMPANY_ZONE = companyZone(import.meta.env?.VITE_BUSINESS_UTC_OFFSET ?? "+07:00");

/** A moment (RFC 3339) as a date and time in the company's zone. */
export function formatDateTime(value: string, lang: Lang, zone = COMPANY_ZONE): string {
  return new Intl.DateTimeFormat(LOCALES[lang], {
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
    timeZone: zone,
  }).format(new Date(value));
}

/** A calendar day (`2026-11-02`), which is already the company's day. */
export function formatDate(value: string, lang: Lang): string {
  const [y, m, d] = value.split("-").map(Number);
  if (!y || !m || !d) return value;
  return new Intl.DateTimeFormat(LOCALES[lang], {
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    timeZone: "UTC",
  }).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
}
