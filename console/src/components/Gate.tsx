// A page the person's roles do not open shows why instead of an empty screen.
import { Button, Result } from "antd";
import type { ReactNode } from "react";
import { useNavigate } from "react-router";
import { may } from "../api/access";
import type { Service } from "../api/http";
import * as session from "../api/session";
import { useI18n } from "../i18n";

export default function Gate(props: { service: Service; method: string; path: string; children: ReactNode }) {
  const roles = session.person()?.roles ?? [];
  if (!may(roles, props.service, props.method, props.path)) return <Forbidden />;
  return <>{props.children}</>;
}

function Home() {
  const { t } = useI18n();
  const navigate = useNavigate();
  return (
    <Button type="primary" onClick={() => navigate("/")}>
      {t("back.home")}
    </Button>
  );
}

export function Forbidden() {
  const { t } = useI18n();
  return <Result status="403" title="403" subTitle={t("error.forbidden")} extra={<Home />} />;
}

export function NotFound() {
  const { t } = useI18n();
  return <Result status="404" title="404" subTitle={t("error.notFound")} extra={<Home />} />;
}
