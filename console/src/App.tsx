import { Refine, Authenticated } from "@refinedev/core";
import routerProvider from "@refinedev/react-router";
import { ConfigProvider } from "antd";
import enUS from "antd/locale/en_US";
import viVN from "antd/locale/vi_VN";
import zhCN from "antd/locale/zh_CN";
import { lazy, Suspense, type ReactNode } from "react";
import { BrowserRouter, Outlet, Route, Routes } from "react-router";
import { authProvider } from "./api/authProvider";
import { dataProvider } from "./api/dataProvider";
import { I18nProvider, useI18n } from "./i18n";
import { Login } from "./pages/Login";

// Each area is its own chunk, loaded when first opened (docs/console.md, "Bundle").
const Shell = lazy(() => import("./components/Shell"));
const Home = lazy(() => import("./pages/Home"));
const Gate = lazy(() => import("./components/Gate"));
const NotFound = lazy(() => import("./components/Gate").then((m) => ({ default: m.NotFound })));
const Customers = lazy(() => import("./pages/sales/Customers"));
const Orders = lazy(() => import("./pages/sales/Orders"));
const OrderShow = lazy(() => import("./pages/sales/OrderShow"));
const OutboundNotes = lazy(() => import("./pages/warehouse/OutboundNotes"));
const Employees = lazy(() => import("./pages/people/Employees"));

const providers = {
  default: dataProvider("crm"),
  hr: dataProvider("hr"),
  crm: dataProvider("crm"),
  purchasing: dataProvider("purchasing"),
  warehouse: dataProvider("warehouse"),
  production: dataProvider("production"),
  finance: dataProvider("finance"),
};

const antdLocales = { vi: viVN, zh: zhCN, en: enUS };

function Lazy({ children }: { children: ReactNode }) {
  return <Suspense fallback={null}>{children}</Suspense>;
}

function Routed() {
  const { lang } = useI18n();
  return (
    <ConfigProvider locale={antdLocales[lang]} componentSize="small">
        <Refine
          dataProvider={providers}
          authProvider={authProvider}
          routerProvider={routerProvider}
          options={{ disableTelemetry: true, syncWithLocation: false }}
        >
          <Routes>
            <Route path="/login" element={<Login />} />
            <Route
              element={
                <Authenticated key="app" redirectOnFail="/login" appendCurrentPathToQuery loading={null}>
                  <Lazy>
                    <Shell>
                      <Lazy>
                        <Outlet />
                      </Lazy>
                    </Shell>
                  </Lazy>
                </Authenticated>
              }
            >
              <Route index element={<Home />} />
              <Route
                path="/sales/customers"
                element={
                  <Gate service="crm" method="GET" path="/api/v1/customers">
                    <Lazy>
                      <Customers />
                    </Lazy>
                  </Gate>
                }
              />
              <Route
                path="/sales/orders"
                element={
                  <Gate service="crm" method="GET" path="/api/v1/orders">
                    <Lazy>
                      <Orders />
                    </Lazy>
                  </Gate>
                }
              />
              <Route
                path="/sales/orders/:id"
                element={
                  <Gate service="crm" method="GET" path="/api/v1/orders/{id}">
                    <Lazy>
                      <OrderShow />
                    </Lazy>
                  </Gate>
                }
              />
              <Route
                path="/warehouse/outbound"
                element={
                  <Gate service="warehouse" method="GET" path="/api/v1/outbound-notes">
                    <Lazy>
                      <OutboundNotes />
                    </Lazy>
                  </Gate>
                }
              />
              <Route
                path="/people/employees"
                element={
                  <Gate service="hr" method="GET" path="/api/v1/employees">
                    <Lazy>
                      <Employees />
                    </Lazy>
                  </Gate>
                }
              />
              <Route path="*" element={<NotFound />} />
            </Route>
          </Routes>
        </Refine>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <BrowserRouter>
      <I18nProvider>
        <Routed />
      </I18nProvider>
    </BrowserRouter>
  );
}
