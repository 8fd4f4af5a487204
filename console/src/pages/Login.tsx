// The login page is the first screen anyone loads: it keeps to light components (no form
// library, no select) so that the initial JavaScript stays small (docs/console.md, "Bundle").
import { useLogin } from "@refinedev/core";
import { Alert, Button, Card, Input, Segmented } from "antd";
import { useState, type FormEvent } from "react";
import type { Lang } from "../format";
import { LANG_NAMES, LANGS, useI18n } from "../i18n";
import type { MessageKey } from "../i18n/messages";

export function Login() {
  const { t, lang, setLang } = useI18n();
  const { mutate: login, isPending } = useLogin<{ code: string; password: string }>();
  const [code, setCode] = useState("");
  const [password, setPassword] = useState("");
  const [failure, setFailure] = useState<MessageKey | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!code.trim() || !password) return;
    login(
      { code: code.trim(), password },
      { onSuccess: (r) => setFailure(r.success ? null : ((r.error?.message as MessageKey) ?? "login.failed")) },
    );
  };
  return (
    <div style={{ display: "flex", justifyContent: "center", paddingTop: "12vh" }}>
      <Card title={t("login.title")} style={{ width: 380 }}>
        <Segmented<Lang>
          data-testid="language"
          value={lang}
          onChange={setLang}
          options={LANGS.map((l) => ({ value: l, label: LANG_NAMES[l] }))}
          style={{ marginBottom: 16 }}
        />
        {failure && <Alert type="error" title={t(failure)} style={{ marginBottom: 12 }} showIcon />}
        <form onSubmit={submit}>
          <label htmlFor="login-code" style={{ display: "block", marginBottom: 4 }}>
            {t("login.code")}
          </label>
          <Input id="login-code" autoComplete="username" autoFocus value={code} onChange={(e) => setCode(e.target.value)} />
          <label htmlFor="login-password" style={{ display: "block", margin: "12px 0 4px" }}>
            {t("login.password")}
          </label>
          <Input.Password
            id="login-password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
          <Button type="primary" htmlType="submit" block loading={isPending} style={{ marginTop: 16 }}>
            {t("login.submit")}
          </Button>
        </form>
      </Card>
    </div>
  );
}
