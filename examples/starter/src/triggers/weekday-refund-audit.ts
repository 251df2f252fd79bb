import { defineCronSource } from "keystroke/trigger";
import { refundReview } from "../workflows/refund-review.js";

/** Weekday mornings at 9 in Paris: a refund review of a sample order (cheap on the demo models). */
export const weekdayRefundAudit = defineCronSource({
  slug: "weekday-refund-audit",
  name: "Weekday refund audit",
  description: "Reviews a sample refund request every weekday morning",
  schedule: "0 9 * * 1-5",
  timezone: "Europe/Paris",
  payload: { orderId: "A-1003", reason: "Morning audit: the parcel arrived damaged" },
}).attach({ workflow: refundReview });
