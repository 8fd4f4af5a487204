// Every declared list opens for the general manager against the real system: the page renders
// its table (or the 403 page where the roles do not open it), and no call fails.
import { expect, test } from "@playwright/test";
import { LISTS } from "../src/pages/listDefs";
import { api, login, PASSWORD } from "./setup";

const ADMIN = process.env.CONSOLE_ADMIN_CODE ?? "admin";
const ADMIN_PASSWORD = process.env.CONSOLE_ADMIN_PASSWORD ?? "admin123";
const SHOTS = process.env.CONSOLE_SCREENSHOTS ?? "test-results/screens";

test("every list opens for the general manager", async ({ page, request }) => {
  test.setTimeout(120_000);
  const admin = await login(request, ADMIN, ADMIN_PASSWORD);
  const dept = await api(request, admin, "POST", "/api/hr/api/v1/departments", { code: "BGD", name: "Ban Giám đốc" });
  const gm = await api(request, admin, "POST", "/api/hr/api/v1/employees", {
    code: "GD01",
    name: "Đỗ Minh Quân",
    roles: ["general_manager"],
    department_id: dept.body.id,
    password: PASSWORD,
  });
  expect(gm.status, JSON.stringify(gm.body)).toBe(201);
  const failures: string[] = [];
  page.on("response", (r) => {
    if (r.url().includes("/api/") && r.status() >= 400 && r.status() !== 403) failures.push(`${r.status()} ${r.url()}`);
  });
  await page.goto("/login");
  await page.getByLabel("Mã nhân viên").fill("GD01");
  await page.getByLabel("Mật khẩu").fill(PASSWORD);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await expect(page.getByText("Chờ tôi duyệt")).toBeVisible();
  let opened = 0;
  for (const def of LISTS) {
    await page.goto(def.route);
    const table = page.getByTestId(def.route.split("/").pop() ?? "list");
    const forbidden = page.getByText("Bạn không có quyền xem trang này");
    await expect(table.or(forbidden)).toBeVisible();
    if (await table.isVisible()) {
      opened += 1;
      await expect(table.locator(".ant-spin-spinning")).toHaveCount(0);
    }
  }
  await page.goto("/warehouse/stock");
  await page.screenshot({ path: `${SHOTS}/stock-vi.png`, fullPage: true });
  expect(failures).toEqual([]);
  expect(opened).toBeGreaterThanOrEqual(12);
});
