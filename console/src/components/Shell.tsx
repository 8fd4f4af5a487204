// The frame around every page: the menu (only what the person's roles open), the language
// switch and signing out.
import { useLogout } from "@refinedev/core";
import { App as AntApp, Button, Layout, Menu, Select, Space, Typography } from "antd";
import type { ReactNode } from "react";
import { useLocation, useNavigate } from "react-router";
import { may } from "../api/access";
import type { Service } from "../api/http";
import * as session from "../api/session";
import type { Lang } from "../format";
import { LANG_NAMES, LANGS, useI18n } from "../i18n";
import type { MessageKey } from "../i18n/messages";
import { LISTS } from "../pages/listDefs";

type Entry = { key: string; label: MessageKey; service: Service; path: string };
type Area = { key: string; label: MessageKey; entries: Entry[] };

const AREAS: Area[] = [
  { key: "sales", label: "menu.sales", entries: [] },
  { key: "warehouse", label: "menu.warehouse", entries: [] },
  { key: "purchasing", label: "menu.purchasing", entries: [] },
  {
    key: "finance",
    label: "menu.finance",
    entries: [
      {
        key: "/finance/receivables",
        label: "menu.receivables",
        service: "finance",
        path: "/api/v1/reports/receivables-aging",
      },
      { key: "/finance/payments", label: "menu.payments", service: "finance", path: "/api/v1/payments" },
    ],
  },
  { key: "people", label: "menu.people", entries: [] },
];


/** Each area's menu: its own pages, then its declared lists. */
const MENU: Area[] = AREAS.map((area) => ({
  ...area,
  entries: [
    ...area.entries,
    ...LISTS.filter((l) => l.route.startsWith(`/${area.key}/`)).map((l) => ({
      key: l.route,
      label: l.title,
      service: l.service,
      path: l.path,
    })),
  ],
}));

export default function Shell({ children }: { children: ReactNode }) {
  const { t, lang, setLang } = useI18n();
  const navigate = useNavigate();
  const location = useLocation();
  const { mutate: logout } = useLogout();
  const me = session.person();
  const roles = me?.roles ?? [];
  const items = [
    { key: "/", label: t("menu.home") },
    ...MENU.map((area) => ({
      key: area.key,
      label: t(area.label),
      children: area.entries
        .filter((e) => may(roles, e.service, "GET", e.path))
        .map((e) => ({ key: e.key, label: t(e.label) })),
    })).filter((area) => area.children.length > 0),
  ];
  return (
    <AntApp>
    <Layout style={{ minHeight: "100vh" }}>
      <Layout.Sider width={220} theme="light" breakpoint="lg" collapsedWidth={0}>
        <Typography.Title level={5} style={{ padding: "12px 16px", margin: 0 }}>
          {t("app.title")}
        </Typography.Title>
        <Menu
          mode="inline"
          data-testid="menu"
          selectedKeys={[location.pathname]}
          defaultOpenKeys={MENU.map((a) => a.key)}
          items={items}
          onClick={(e) => navigate(e.key)}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header style={{ background: "#fff", padding: "0 16px", display: "flex", justifyContent: "flex-end" }}>
          <Space>
            <Select<Lang>
              data-testid="language"
              aria-label={t("language")}
              value={lang}
              onChange={setLang}
              options={LANGS.map((l) => ({ value: l, label: LANG_NAMES[l] }))}
              style={{ width: 130 }}
            />
            <Typography.Text data-testid="person">{me?.name}</Typography.Text>
            <Button onClick={() => logout()}>{t("logout")}</Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 16 }}>{children}</Layout.Content>
      </Layout>
    </Layout>
    </AntApp>
  );
}

