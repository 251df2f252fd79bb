import { formatFullTime, formatRelative, formatUntil } from "../format/format";

/** A fire time relative to `now` ("3 min ago", "in 2 h"), the full time in its tooltip; `none` when absent. */
export function FireTime({ iso, now, none }: { iso: string | null; now: number; none: string }) {
  if (iso === null) return <span className="muted">{none}</span>;
  const past = Date.parse(iso) <= now;
  return (
    <time dateTime={iso} title={formatFullTime(iso)}>
      {past ? formatRelative(iso, now) : formatUntil(iso, now)}
    </time>
  );
}
