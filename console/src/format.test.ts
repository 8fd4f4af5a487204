import { describe, expect, it } from "vitest";
import { lineAmounts, round } from "./decimal";
import { companyZone, formatDate, formatDateTime, formatMoney, scaleOf } from "./format";
import cases from "../../libs/money/line_cases.json";

describe("rounding as the server does (half away from zero)", () => {
  it.each([
    ["1.005", 2, "1.01"],
    ["-1.005", 2, "-1.01"],
    ["12345.5", 0, "12346"],
    ["12345.4999", 0, "12345"],
    ["42", 2, "42.00"],
    ["-0.4", 0, "0"],
    ["999999999999.995", 2, "1000000000000.00"],
  ])("%s at %i places is %s", (value, scale, expected) => {
    expect(round(value, scale)).toBe(expected);
  });
});

describe("line amounts as libs/money's line_totals", () => {
  // The same table libs/money's own test checks the server's pricing against.
  it.each(cases)("$quantity × $unit_price less $discount_pct % plus $tax_rate_pct % in $currency", (c) => {
    const a = lineAmounts(c.quantity, c.unit_price, c.discount_pct, c.tax_rate_pct, scaleOf(c.currency));
    expect(a).toEqual({ gross: c.gross, discount: c.discount, net: c.net, tax: c.tax, total: c.total });
  });
});

describe("money in the person's language", () => {
  it("writes VND without decimals", () => {
    expect(formatMoney("11000000", "VND", "vi")).toBe("11.000.000\u00a0₫");
    expect(formatMoney("1234567.5", "VND", "en")).toBe("₫1,234,568");
  });
  it("writes CNY with two places", () => {
    expect(formatMoney("1234.5", "CNY", "zh")).toBe("¥1,234.50");
    expect(formatMoney("-0.005", "CNY", "en")).toBe("-CN¥0.01");
  });
});

describe("dates in the company's zone", () => {
  it("names the zone of an offset", () => {
    expect(companyZone("+07:00")).toBe("Etc/GMT-7");
    expect(companyZone("+08:00")).toBe("Etc/GMT-8");
  });
  it("shows 23:30 UTC on 30 November as 1 December in Hanoi", () => {
    expect(formatDateTime("2026-11-30T23:30:00Z", "vi", "Etc/GMT-7")).toContain("01/12/2026");
  });
  it("keeps a calendar day as it is", () => {
    expect(formatDate("2026-12-01", "vi")).toBe("01/12/2026");
  });
});
