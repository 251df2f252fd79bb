import type { Me } from "../account/account-api";
import type { OrgRole } from "../account/roles";

/** What each Settings tab acts with: the active organization, the reader's role in it, the reader. */
export interface OrgContext {
  org: string;
  role: OrgRole;
  me: Me;
}
