// The console in a real browser against the real system: signing in and out, the language
// switch, and a role that must not see a menu (docs/console.md, "Tests").
import { expect, test, type Page } from "@playwright/test";

const ADMIN = process.env.CONSOLE_ADMIN_CODE ?? "admin";
const PASSWORD = process.env.CONSOLE_ADMIN_PASSWORD ?? "admin123";
const SHOTS = process.env.CONSOLE_SCREENSHOTS ?? "test-results/screens";

async function shot(page: Page, name: string) {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

async function signIn(page: Page, code: string, password: string) {
  await page.getByLabel(/Mã nhân viên|Employee code|员工编号/).fill(code);
  await page.getByLabel(/Mật khẩu|Password|密码/).fill(password);
  await page.getByRole("button", { name: /Đăng nhập|Sign in|登录/ }).click();
}

async function chooseLanguage(page: Page, name: string) {
  await page.getByTestId("language").getByText(name, { exact: true }).click();
}

test("signing in, the language switch, menus by role and the way back after signing out", async ({ page }) => {
  // Vietnamese by default, on the login page the first visit lands on.
  await page.goto("/");
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByText("Đăng nhập").first()).toBeVisible();
  await shot(page, "login-vi");

  // English, remembered across a reload; then Chinese.
  await chooseLanguage(page, "English");
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await chooseLanguage(page, "中文");
  await expect(page.getByRole("button", { name: /登\s*录/ })).toBeVisible();
  await shot(page, "login-zh");
  await chooseLanguage(page, "Tiếng Việt");

  // A wrong password says so and stays on the page.
  await signIn(page, ADMIN, "not-the-password");
  await expect(page.getByText("Sai mã nhân viên hoặc mật khẩu")).toBeVisible();

  // The first admin (hr_admin) sees People, not Sales.
  await signIn(page, ADMIN, PASSWORD);
  await expect(page.getByText("Chờ tôi duyệt")).toBeVisible();
  const menu = page.getByTestId("menu");
  await expect(menu.getByText("Nhân viên")).toBeVisible();
  await expect(menu.getByText("Bán hàng")).toHaveCount(0);
  await shot(page, "home-vi");

  // Typing the URL of a page the role does not open shows 403, not a blank page.
  await page.goto("/sales/customers");
  await expect(page.getByText("Bạn không có quyền xem trang này")).toBeVisible();
  await page.goto("/no/such/page");
  await expect(page.getByText("Không tìm thấy trang")).toBeVisible();

  // The employee list, searched.
  await menu.getByText("Nhân viên").click();
  await expect(page.getByTestId("employees").getByText(ADMIN, { exact: true })).toBeVisible();
  await shot(page, "employees-vi");

  // Signing out; the page asked for afterwards comes back after signing in again.
  await page.getByRole("button", { name: "Đăng xuất" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/people/employees");
  await expect(page).toHaveURL(/\/login\?to=%2Fpeople%2Femployees/);
  await signIn(page, ADMIN, PASSWORD);
  await expect(page).toHaveURL(/\/people\/employees$/);
  await expect(page.getByTestId("employees").getByText(ADMIN, { exact: true })).toBeVisible();
});
