import { Refine, Authenticated } from "@refinedev/core";
import routerProvider from "@refinedev/react-router";
import { ConfigProvider } from "antd";
import enUS from "antd/locale/en_US";
import viVN from "antd/locale/vi_VN";
import zhCN from "antd/locale/zh_CN";
import { lazy, Suspense, type ComponentType, type ReactNode } from "react";
import { BrowserRouter, Outlet, Route, Routes } from "react-router";
import { authProvider } from "./api/authProvider";
import { dataProvider } from "./api/dataProvider";
import type { Service } from "./api/http";
import { I18nProvider, useI18n } from "./i18n";
import { Login } from "./pages/Login";
import { LISTS } from "./pages/listDefs";

// Each area is its own chunk, loaded when first opened (docs/console.md, "Bundle").
const Shell = lazy(() => import("./components/Shell"));
const ConfiguredList = lazy(() => import("./pages/lists"));
const Home = lazy(() => import("./pages/Home"));
const Gate = lazy(() => import("./components/Gate"));
const NotFound = lazy(() => import("./components/Gate").then((m) => ({ default: m.NotFound })));

/** Each page: its route, and the call behind it that decides who may open it. */
const PAGES: [string, Service, string, ComponentType][] = [
  ["/sales/customers/new", "crm", "POST /api/v1/customers", lazy(() => import("./pages/sales/CustomerCreate"))],
  ["/sales/orders/new", "crm", "POST /api/v1/orders", lazy(() => import("./pages/sales/OrderCreate"))],
  ["/sales/orders/:id", "crm", "GET /api/v1/orders/{id}", lazy(() => import("./pages/sales/OrderShow"))],
  ["/warehouse/outbound/:id", "warehouse", "GET /api/v1/outbound-notes/{id}", lazy(() => import("./pages/warehouse/OutboundNoteShow"))],
  ["/warehouse/inbound/:id", "warehouse", "GET /api/v1/inbound-notes/{id}", lazy(() => import("./pages/warehouse/InboundNoteShow"))],
  ["/purchasing/requests/new", "purchasing", "POST /api/v1/purchase-requests", lazy(() => import("./pages/purchasing/RequestCreate"))],
  ["/purchasing/requests/:id", "purchasing", "GET /api/v1/purchase-requests/{id}", lazy(() => import("./pages/purchasing/RequestShow"))],
  ["/purchasing/orders/:id", "purchasing", "GET /api/v1/purchase-orders/{id}", lazy(() => import("./pages/purchasing/OrderShow"))],
  ["/finance/receivables", "finance", "GET /api/v1/reports/receivables-aging", lazy(() => import("./pages/finance/Receivables"))],
  ["/finance/payments", "finance", "GET /api/v1/payments", lazy(() => import("./pages/finance/Payments"))],
];

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
              {PAGES.map(([path, service, api, Page]) => (
                <Route
                  key={path}
                  path={path}
                  element={
                    <Gate service={service} method={api.split(" ")[0] ?? "GET"} path={api.split(" ")[1] ?? ""}>
                      <Page />
                    </Gate>
                  }
                />
              ))}
              {LISTS.map((def) => (
                <Route
                  key={def.route}
                  path={def.route}
                  element={
                    <Gate service={def.service} method="GET" path={def.path}>
                      <ConfiguredList def={def} />
                    </Gate>
                  }
                />
              ))}
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
