// What the browser tests share: the master data they start from, made over the API through the
// proxy (as an integrator would: people in hr, the warehouse's store, items and stock, crm's
// price, suppliers), and the steps every person takes in the screens (signing in and out,
// approving from the home page).
import { expect, type APIRequestContext, type Page } from "@playwright/test";

export const PASSWORD = "Mật-khẩu-2026";

type Json = Record<string, unknown>;

export async function api(request: APIRequestContext, token: string | null, method: string, path: string, body?: Json) {
  const res = await request.fetch(path, {
    method,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    data: body,
  });
  const text = await res.text();
  return { status: res.status(), body: text ? (JSON.parse(text) as Json) : {} };
}

export async function login(request: APIRequestContext, code: string, password: string): Promise<string> {
  const r = await api(request, null, "POST", "/api/hr/api/v1/auth/login", { code, password });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.access_token as string;
}

async function created(request: APIRequestContext, token: string, path: string, body: Json): Promise<string> {
  const r = await api(request, token, "POST", path, body);
  expect(r.status, `${path}: ${JSON.stringify(r.body)}`).toBe(201);
  return r.body.id as string;
}

/** Polls until `check` holds (events travel between services). */
export async function until(what: string, check: () => Promise<boolean>) {
  await expect.poll(check, { message: what, timeout: 30_000, intervals: [100, 250, 500] }).toBe(true);
}

/** Hires employees with the shared password. */
function hirer(request: APIRequestContext, admin: string) {
  return (code: string, name: string, roles: string[], department: string, manager?: string) =>
    created(request, admin, "/api/hr/api/v1/employees", {
      code,
      name,
      roles,
      department_id: department,
      manager_id: manager ?? null,
      password: PASSWORD,
    });
}

/** Waits until each service knows each employee (from hr's events). */
async function knownEverywhere(request: APIRequestContext, token: string, services: string[], employees: string[]) {
  for (const svc of services) {
    for (const who of employees) {
      await until(`${svc} knows ${who}`, async () => {
        return (await api(request, token, "GET", `/api/${svc}/api/v1/directory/employees/${who}`)).status === 200;
      });
    }
  }
}

export type Floor = { item: string; sku: string; price: number };

/** Hires a sales manager and a salesperson reporting to them, a warehouse keeper and a finance
 * manager (codes QL01, NV01, KHO01, KT01); opens a store with 10 of one item at 100 000 VND. */
export async function salesFloor(request: APIRequestContext, admin: string): Promise<Floor> {
  const sales = await created(request, admin, "/api/hr/api/v1/departments", { code: "KD", name: "Phòng Kinh Doanh" });
  const office = await created(request, admin, "/api/hr/api/v1/departments", { code: "TC", name: "Phòng Tài chính - Kho" });
  const hire = hirer(request, admin);
  const manager = await hire("QL01", "Trần Thị Bình", ["sales_manager"], sales);
  const seller = await hire("NV01", "Nguyễn Văn An", ["sales"], sales, manager);
  await hire("KHO01", "Phạm Văn Kho", ["warehouse_keeper"], office);
  await hire("KT01", "Lê Thu Hà", ["finance_manager"], office);
  const keeper = await login(request, "KHO01", PASSWORD);
  const boss = await login(request, "QL01", PASSWORD);
  await knownEverywhere(request, keeper, ["crm", "warehouse", "finance"], [manager, seller]);
  const store = await created(request, keeper, "/api/warehouse/api/v1/warehouses", {
    code: "HN",
    name: "Kho Hà Nội",
    is_default: true,
  });
  const sku = "ONG-PVC-27";
  const item = await created(request, keeper, "/api/warehouse/api/v1/items", {
    sku,
    name: "Ống nhựa PVC Ø27",
    unit: "cây",
    kind: "product",
    standard_cost: "60000",
  });
  await created(request, keeper, "/api/warehouse/api/v1/stock/adjustments", {
    warehouse_id: store,
    reason: "tồn đầu kỳ",
    lines: [{ item_id: item, quantity: "10" }],
  });
  await until("crm's catalogue has the item", async () => {
    const r = await api(request, boss, "GET", `/api/crm/api/v1/catalogue/items?q=${sku}`);
    return JSON.stringify(r.body).includes(item);
  });
  const price = await api(request, boss, "PUT", `/api/crm/api/v1/price-list/${item}/VND`, {
    list_price: "100000",
    floor_price: "90000",
  });
  expect(price.status, JSON.stringify(price.body)).toBe(200);
  return { item, sku, price: 100000 };
}

export type Buying = { item: string; sku: string; suppliers: string[] };

/** Hires a purchasing manager (MH00), a purchaser (MH01), a project controller (KS01), a
 * finance manager (TC01) and a keeper (KHO1); opens a store with an item and no stock, and
 * three suppliers (NCC-VAN-01..03). */
export async function buyingFloor(request: APIRequestContext, admin: string): Promise<Buying> {
  const buying = await created(request, admin, "/api/hr/api/v1/departments", { code: "MH", name: "Phòng Mua Hàng" });
  const office = await created(request, admin, "/api/hr/api/v1/departments", { code: "VP", name: "Văn phòng" });
  const hire = hirer(request, admin);
  const head = await hire("MH00", "Đỗ Văn Hùng", ["purchasing_manager"], buying);
  const buyer = await hire("MH01", "Phạm Thị Mai", ["purchaser"], buying, head);
  const controller = await hire("KS01", "Lý Minh Châu", ["project_controller"], office);
  const chief = await hire("TC01", "Hoàng Thu Trang", ["finance_manager"], office);
  await hire("KHO1", "Vũ Đức Thắng", ["warehouse_keeper"], office);
  const keeper = await login(request, "KHO1", PASSWORD);
  const purchaser = await login(request, "MH01", PASSWORD);
  await knownEverywhere(request, keeper, ["purchasing", "warehouse", "finance"], [head, buyer, controller, chief]);
  await created(request, keeper, "/api/warehouse/api/v1/warehouses", { code: "HCM", name: "Kho Thủ Đức", is_default: true });
  const sku = "VAN-DN100";
  const item = await created(request, keeper, "/api/warehouse/api/v1/items", {
    sku,
    name: "Van cổng DN100",
    unit: "cái",
    kind: "product",
    standard_cost: "450000",
  });
  await until("purchasing's catalogue has the item", async () => {
    const r = await api(request, purchaser, "GET", `/api/purchasing/api/v1/catalogue/items?q=${sku}`);
    return JSON.stringify(r.body).includes(item);
  });
  const suppliers: string[] = [];
  for (const [code, name] of [
    ["NCC-VAN-01", "Công ty TNHH Van Tân Thành"],
    ["NCC-VAN-02", "Công ty CP Thiết bị nước Sài Gòn"],
    ["NCC-VAN-03", "上海阀门有限公司"],
  ] as const) {
    suppliers.push(
      await created(request, purchaser, "/api/purchasing/api/v1/suppliers", {
        code,
        name,
        currency: "VND",
        tax_number: "0301234567",
        bank_name: "Vietcombank",
        bank_account: `00710001${suppliers.length}`,
        payment_terms: "30% đặt cọc, 70% sau khi nhận hàng",
        payment_days: 30,
      }),
    );
  }
  return { item, sku, suppliers };
}

/** The input of a field, whether the test id sits on the input or on its wrapper. */
export function input(page: Page, testId: string) {
  return page.locator(`input[data-testid="${testId}"], [data-testid="${testId}"] input`).first();
}

export async function signIn(page: Page, code: string) {
  await page.goto("/login");
  await page.getByLabel("Mã nhân viên").fill(code);
  await page.getByLabel("Mật khẩu").fill(PASSWORD);
  await page.getByRole("button", { name: "Đăng nhập" }).click();
  await expect(page.getByText("Chờ tôi duyệt")).toBeVisible();
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Đăng xuất" }).click();
  await expect(page).toHaveURL(/\/login/);
}

/** Approves, from the home page, the waiting document whose row matches `row`. */
export async function approveFromHome(page: Page, row: RegExp) {
  const found = page.getByTestId("inbox").getByRole("row", { name: row });
  await expect(found).toBeVisible();
  await found.getByRole("button", { name: "Duyệt" }).click();
  await page.getByTestId("decision-comment").fill("đồng ý");
  await page.getByTestId("decision-ok").click();
  await expect(page.getByTestId("inbox").getByRole("row", { name: row })).toHaveCount(0);
}

/** Picks the option of a searching select whose label contains `text`. */
export async function choose(page: Page, testId: string, text: string) {
  await page.getByTestId(testId).click();
  await page.keyboard.type(text);
  await page.getByTitle(new RegExp(text)).first().click();
}
