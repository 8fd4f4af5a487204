// A command from a screen: the call, then the answer people understand — a 422's field errors
// beside their fields (returned to the form), a 409 as "the document changed" with the
// server's reason, a 503 as "try again"; never a blank page.
import { useInvalidate } from "@refinedev/core";
import { App, type FormInstance } from "antd";
import { ApiError, call, type Service } from "../api/http";
import { useI18n } from "../i18n";

export function useAction() {
  const { message } = App.useApp();
  const { t } = useI18n();
  const invalidate = useInvalidate();
  return async function run<T>(
    service: Service,
    path: string,
    body: unknown,
    options: { form?: FormInstance; refresh?: { resource: string; service: Service }[] } = {},
  ): Promise<T | null> {
    try {
      const answer = await call<T>(service, path, { method: "POST", body });
      message.success(t("done"));
      for (const r of options.refresh ?? []) {
        await invalidate({ resource: r.resource, dataProviderName: r.service, invalidates: ["all"] });
      }
      return answer;
    } catch (e) {
      if (!(e instanceof ApiError)) {
        message.error(t("error.retry"));
      } else if (options.form && Object.keys(e.fields).length > 0) {
        // A 422's invalid fields, or a 409's lines (a shortage names them), beside the fields.
        options.form.setFields(
          Object.entries(e.fields).map(([field, error]) => ({ name: fieldPath(field), errors: [error] })),
        );
        message.error(Object.values(e.fields).join("; "));
      } else if (e.status === 409) {
        message.warning(`${t("error.conflict")}: ${e.message}`);
      } else if (e.status >= 500) {
        message.error(t("error.retry"));
      } else {
        message.error(Object.values(e.fields).join("; ") || e.message);
      }
      return null;
    }
  };
}

/** `lines[2].quantity` as the form's name path `["lines", 2, "quantity"]`. */
export function fieldPath(field: string): (string | number)[] {
  return field.split(/[.[\]]/).filter((p) => p !== "").map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}
