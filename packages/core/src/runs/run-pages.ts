/** Which page to read: the cursor of the previous page's `nextCursor`, and how many items. */
export interface PageRequest {
  cursor?: string | undefined;
  limit?: number | undefined;
}
