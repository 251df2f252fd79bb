/** Small helpers the benchmarks share: timing, percentiles and a printed table. */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export function ms(value: number): string {
  return value < 10 ? `${value.toFixed(2)} ms` : `${value.toFixed(1)} ms`;
}

export function rate(count: number, millis: number): number {
  return (count / millis) * 1000;
}

export function fmtRate(perSecond: number, unit: string): string {
  return `${Math.round(perSecond).toLocaleString("en-US")} ${unit}/s`;
}

export function time<T>(fn: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = fn();
  return { value, ms: performance.now() - start };
}

export async function timeAsync<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

export function heading(title: string): void {
  console.log(`\n## ${title}`);
}

export function table(rows: readonly (readonly string[])[]): void {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  rows.forEach((row, r) => {
    console.log(`| ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(" | ")} |`);
    if (r === 0) console.log(`| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`);
  });
}

export function progress(message: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r${message}\u001b[K`);
}

export function progressDone(): void {
  if (process.stderr.isTTY) process.stderr.write("\r\u001b[K");
}
