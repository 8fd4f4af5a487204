// What the signed-in person may do, from the documents' `x-access` (the declaration the
// services enforce): a menu or button is offered only when the call behind it would pass.
import { access } from "./schema/access";
import type { Service } from "./http";

export function may(roles: readonly string[], service: Service, method: string, path: string): boolean {
  const door = access[`${service} ${method} ${path}`];
  if (!door) return false;
  switch (door.kind) {
    case "public":
    case "authenticated":
    case "approver":
      return true;
    case "roles":
      return door.roles.some((r) => roles.includes(r));
  }
}
