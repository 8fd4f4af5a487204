// Procure to pay through the screens as five people: the purchaser asks for 20 valves; the
// purchasing manager approves; the purchaser records three quotations and chooses the cheapest;
// project control approves the choice; the purchase order is made, submitted and approved; the
// deposit is asked for, approved and paid by the finance manager; the goods arrive and the keeper
// counts them in; the supplier's invoice matches.
import { expect, test, type Page } from "@playwright/test";
import { approveFromHome, buyingFloor, choose, input, login, signIn, signOut } from "./setup";

const ADMIN = process.env.CONSOLE_ADMIN_CODE ?? "admin";
const ADMIN_PASSWORD = process.env.CONSOLE_ADMIN_PASSWORD ?? "admin123";
const SHOTS = process.env.CONSOLE_SCREENSHOTS ?? "test-results/screens";

/** Signs in as `code` and approves the document `kind` (its label) numbered `number`. */
async function approveAs(page: Page, code: string, kind: string, number: string) {
  await signIn(page, code);
  await approveFromHome(page, new RegExp(`${kind}.*${number}`));
  await signOut(page);
}

test("procure to pay through the screens as five people", async ({ page, request }) => {
  test.setTimeout(120_000);
  const admin = await login(request, ADMIN, ADMIN_PASSWORD);
  const floor = await buyingFloor(request, admin);

  // ① The purchaser asks for 20 valves.
  await signIn(page, "MH01");
  await page.goto("/purchasing/requests/new");
  await choose(page, "request-line-0-item", floor.sku);
  await input(page, "request-line-0-quantity").fill("20");
  await page.getByTestId("request-save").click();
  await expect(page.getByTestId("request-status")).toHaveText("draft");
  const requestUrl = page.url();
  const requestNumber = (await page.locator(".ant-card-head-title").first().innerText()).split(" ").pop() ?? "";
  await page.getByTestId("request-submit").click();
  await expect(page.getByTestId("request-status")).toHaveText("pending_approval");
  await signOut(page);

  // ② The purchasing manager approves it.
  await approveAs(page, "MH00", "Đề nghị mua hàng", requestNumber);

  // ③ Three quotations; the cheapest is marked and chosen.
  await signIn(page, "MH01");
  await page.goto(requestUrl);
  for (const [code, price] of [
    ["NCC-VAN-01", "480000"],
    ["NCC-VAN-02", "455000"],
    ["NCC-VAN-03", "470000"],
  ] as const) {
    await page.getByTestId("record-quotation").click();
    await choose(page, "quotation-supplier", code);
    await input(page, "quote-1").fill(price);
    await page.getByTestId("dialog-save").click();
    await expect(page.getByTestId("comparison").getByText(code)).toBeVisible();
  }
  const cheapest = page.getByTestId("comparison").getByRole("row", { name: /NCC-VAN-02/ });
  await expect(cheapest.getByText("Rẻ nhất")).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/comparison-vi.png`, fullPage: true });
  await page.getByTestId("choose-NCC-VAN-02").click();
  await expect(cheapest.getByText("pending_review")).toBeVisible();
  await signOut(page);

  // ④ Project control approves the choice.
  await approveAs(page, "KS01", "Chọn nhà cung cấp", requestNumber);

  // ⑤ The purchase order: 20 × 455 000 + 10 % = 10 010 000 ₫, submitted and approved.
  await signIn(page, "MH01");
  await page.goto(requestUrl);
  await page.getByTestId("make-orders").click();
  await expect(page.getByTestId("po-total")).toHaveText("10.010.000\u00a0₫");
  const orderUrl = page.url();
  const orderNumber = (await page.locator(".ant-card-head-title").first().innerText()).split(" ").pop() ?? "";
  await page.getByTestId("po-submit").click();
  await expect(page.getByTestId("po-status")).toHaveText("pending_approval");
  await signOut(page);
  await approveAs(page, "MH00", "Đơn mua hàng", orderNumber);

  // ⑥ The deposit: asked for by the purchaser, approved and paid by the finance manager.
  await signIn(page, "MH01");
  await page.goto(orderUrl);
  await page.getByTestId("po-payment").click();
  await input(page, "payment-amount").fill("3003000");
  await page.getByTestId("dialog-save").click();
  const deposit = page.getByTestId("po-payments").getByRole("row", { name: /deposit/ });
  await expect(deposit).toContainText("requested");
  const paymentNumber = (await deposit.locator("td").first().innerText()).trim();
  await signOut(page);
  await approveAs(page, "TC01", "Đề nghị thanh toán", paymentNumber);
  await signIn(page, "TC01");
  await page.goto("/finance/payments");
  await expect(async () => {
    // Finance learns of the approved request from purchasing's event.
    await page.reload();
    await page.getByTestId(`pay-${paymentNumber}`).click({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await input(page, "pay-reference").fill("UNC 000123 Vietcombank");
  await page.getByTestId("dialog-save").click();
  await expect(page.getByTestId("payments").getByRole("row", { name: new RegExp(paymentNumber) })).toContainText("paid");
  await signOut(page);

  // ⑦ The goods arrive; the keeper counts all 20 in.
  await signIn(page, "MH01");
  await page.goto(orderUrl);
  await page.getByTestId("po-arrival").click();
  await signOut(page);
  await signIn(page, "KHO1");
  await page.goto("/warehouse/inbound");
  const note = page.getByTestId("inbound").getByRole("row", { name: new RegExp(orderNumber) });
  await expect(async () => {
    await page.reload();
    await expect(note).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await note.click();
  await page.getByTestId("note-confirm").click();
  await expect(page).toHaveURL(/\/warehouse\/inbound$/);
  await signOut(page);

  // ⑧ The supplier's invoice matches the order and what was received.
  await signIn(page, "MH01");
  await page.goto(orderUrl);
  await expect(async () => {
    // Purchasing learns what was received from the warehouse's event.
    await page.reload();
    await page.getByTestId("po-invoice").click({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await input(page, "invoice-number").fill("0000457");
  await page.getByTestId("dialog-save").click();
  await expect(page.getByText("Đã lưu")).toBeVisible();
  await expect(page.getByTestId("po-invoice")).toHaveCount(0);
  await page.screenshot({ path: `${SHOTS}/purchase-order-vi.png`, fullPage: true });
});
