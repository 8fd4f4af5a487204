import { useLogin } from "@refinedev/core";
import { Alert, Button, Card, Form, Input, Select } from "antd";
import { useState } from "react";
import type { Lang } from "../format";
import { LANG_NAMES, LANGS, useI18n } from "../i18n";
import type { MessageKey } from "../i18n/messages";

export function Login() {
  const { t, lang, setLang } = useI18n();
  const { mutate: login, isPending } = useLogin<{ code: string; password: string }>();
  const [failure, setFailure] = useState<MessageKey | null>(null);
  return (
    <div style={{ display: "flex", justifyContent: "center", paddingTop: "12vh" }}>
      <Card
        title={t("login.title")}
        style={{ width: 360 }}
        extra={
          <Select<Lang>
            data-testid="language"
            value={lang}
            onChange={setLang}
            options={LANGS.map((l) => ({ value: l, label: LANG_NAMES[l] }))}
            style={{ width: 120 }}
          />
        }
      >
        {failure && <Alert type="error" title={t(failure)} style={{ marginBottom: 12 }} showIcon />}
        <Form
          layout="vertical"
          onFinish={(values: { code: string; password: string }) =>
            login(values, {
              onSuccess: (r) => setFailure(r.success ? null : ((r.error?.message as MessageKey) ?? "login.failed")),
            })
          }
        >
          <Form.Item name="code" label={t("login.code")} rules={[{ required: true }]}>
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item name="password" label={t("login.password")} rules={[{ required: true }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={isPending}>
            {t("login.submit")}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
