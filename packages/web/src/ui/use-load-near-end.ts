import { useEffect } from "react";

/**
 * Pages a virtual list in as it scrolls: calls `load` once the last row drawn (`lastIndex`) is
 * within `margin` rows of the `count` loaded, while `canLoad` says another page may be asked for.
 *
 * @example
 * useLoadNearEnd(virtualizer.getVirtualItems().at(-1)?.index, rows.length, hasMore, loadMore, 50);
 */
export function useLoadNearEnd(
  lastIndex: number | undefined,
  count: number,
  canLoad: boolean,
  load: () => void,
  margin: number,
): void {
  useEffect(() => {
    if (canLoad && lastIndex !== undefined && lastIndex >= count - margin) load();
  }, [canLoad, lastIndex, count, load, margin]);
}
