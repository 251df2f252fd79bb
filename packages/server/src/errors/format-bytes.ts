const KIB = 1024;
const MIB = 1024 * 1024;

/**
 * A byte count as people read it, with the exact figure beside it.
 *
 * @example
 * formatBytes(16 * 1024 * 1024); // "16 MiB (16777216 bytes)"
 */
export function formatBytes(bytes: number): string {
  const round = (n: number) => Number(n.toFixed(2)).toString();
  if (bytes >= MIB) return `${round(bytes / MIB)} MiB (${bytes} bytes)`;
  if (bytes >= KIB) return `${round(bytes / KIB)} KiB (${bytes} bytes)`;
  return `${bytes} bytes`;
}
