// What waits for me: the approvals each service's inbox holds for the signed-in person, with
// approve and reject (a reason is required to reject).
import { useInvalidate, useList } from "@refinedev/core";
import { App, Button, Card, Input, Modal, Space, Table, Tag, type ButtonProps } from "antd";
import { useState } from "react";
import { ApiError, call, type Service } from "../api/http";
import type { components } from "../api/schema/crm";
import { formatDateTime, formatMoney } from "../format";
import { useI18n } from "../i18n";
import type { MessageKey } from "../i18n/messages";

type Approval = components["schemas"]["ApprovalDetail"];

/** Where each document type is decided: its service and the approve/reject paths. */
const DECISIONS: Record<string, { service: Service; base: string; approve: string; reject: string }> = {
  quotation: { service: "crm", base: "/api/v1/quotations", approve: "approve", reject: "reject" },
  sales_order: { service: "crm", base: "/api/v1/orders", approve: "approve", reject: "reject" },
  order_change: { service: "crm", base: "/api/v1/change-requests", approve: "approve", reject: "reject" },
  receipt: { service: "crm", base: "/api/v1/receipts", approve: "confirm", reject: "reject" },
  purchase_request: { service: "purchasing", base: "/api/v1/purchase-requests", approve: "approve", reject: "reject" },
  supplier_selection: {
    service: "purchasing",
    base: "/api/v1/purchase-requests",
    approve: "selection/approve",
    reject: "selection/reject",
  },
  purchase_order: { service: "purchasing", base: "/api/v1/purchase-orders", approve: "approve", reject: "reject" },
  payment_request: { service: "purchasing", base: "/api/v1/payment-requests", approve: "approve", reject: "reject" },
  supplier_invoice: { service: "purchasing", base: "/api/v1/supplier-invoices", approve: "accept", reject: "reject" },
  stock_count: { service: "warehouse", base: "/api/v1/stock-counts", approve: "approve", reject: "reject" },
  direct_entry: { service: "finance", base: "/api/v1/direct-entries", approve: "approve", reject: "reject" },
};

const INBOXES: Service[] = ["crm", "purchasing", "warehouse", "finance"];

/** Every service's inbox for the signed-in person, in one list (newest first). */
function useInbox(): { rows: Approval[]; loading: boolean } {
  const lists = INBOXES.map((service) =>
    // INBOXES is fixed, so the hooks run in the same order on every render.
    // eslint-disable-next-line react-hooks/rules-of-hooks
    useList<Approval>({
      resource: "approvals",
      dataProviderName: service,
      filters: [{ field: "mine", operator: "eq", value: "true" }],
      pagination: { pageSize: 100 },
    }),
  );
  const rows = lists
    .flatMap((l) => l.result.data)
    .sort((a, b) => b.created_at.localeCompare(a.created_at));
  return { rows, loading: lists.some((l) => l.query.isLoading) };
}

export default function Home() {
  const { t, lang } = useI18n();
  const { rows, loading } = useInbox();
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const [deciding, setDeciding] = useState<{ approval: Approval; approve: boolean } | null>(null);
  const [comment, setComment] = useState("");
  const [error, setError] = useState<string | null>(null);
  const decide = async () => {
    if (!deciding) return;
    const { approval, approve } = deciding;
    const where = DECISIONS[approval.document_type];
    if (!where) return;
    if (!approve && !comment.trim()) {
      setError(t("approval.comment.required"));
      return;
    }
    try {
      await call(where.service, `${where.base}/${approval.document_id}/${approve ? where.approve : where.reject}`, {
        method: "POST",
        body: { comment: comment.trim() || null },
      });
      setDeciding(null);
      setComment("");
      setError(null);
      await invalidate({ resource: "approvals", dataProviderName: where.service, invalidates: ["list"] });
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) message.warning(t("error.conflict"));
      setError(e instanceof ApiError ? (e.fields.comment ?? e.message) : t("error.retry"));
    }
  };
  return (
    <Card title={t("home.approvals")}>
      <Table<Approval>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={rows}
        pagination={false}
        locale={{ emptyText: t("home.nothing") }}
        data-testid="inbox"
        columns={[
          {
            title: t("approval.document"),
            dataIndex: "document_type",
            render: (v: string) => <Tag>{t(`doc.${v}` as MessageKey) ?? v}</Tag>,
          },
          { title: t("approval.number"), dataIndex: "document_number" },
          {
            title: t("approval.total"),
            align: "right",
            render: (_, a) => formatMoney(String(a.facts.total), a.facts.currency, lang),
          },
          { title: t("approval.submitted"), dataIndex: "created_at", render: (v: string) => formatDateTime(v, lang) },
          {
            render: (_, a) => (
              <Space>
                <Button type="primary" onClick={() => setDeciding({ approval: a, approve: true })}>
                  {t("approval.approve")}
                </Button>
                <Button danger onClick={() => setDeciding({ approval: a, approve: false })}>
                  {t("approval.reject")}
                </Button>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={deciding !== null}
        title={deciding ? `${t(deciding.approve ? "approval.approve" : "approval.reject")} ${deciding.approval.document_number}` : ""}
        onOk={decide}
        onCancel={() => {
          setDeciding(null);
          setError(null);
        }}
        okText={t(deciding?.approve === false ? "approval.reject" : "approval.approve")}
        okButtonProps={{ danger: deciding?.approve === false, "data-testid": "decision-ok" } as ButtonProps}
      >
        <Input.TextArea
          placeholder={t("approval.comment")}
          value={comment}
          onChange={(e) => setComment(e.target.value)}
          maxLength={2000}
          status={error ? "error" : undefined}
          data-testid="decision-comment"
        />
        {error && <div style={{ color: "#cf1322", marginTop: 4 }}>{error}</div>}
      </Modal>
    </Card>
  );
}
