/**
 * Progress of a long read (following many pages) or a followed run on one stderr line, with
 * lines that stay above it (steps that finished). Silent unless stderr is a terminal, so pipes
 * and log files only ever see the result and errors.
 */

/** A progress line that a command updates while it works. */
export interface Progress {
  /** Replaces the progress line. */
  update(text: string): void;
  /** Clears the line, if one was drawn. */
  done(): void;
  /** Writes a line that stays (a step that finished), then draws the progress line again below it. */
  note(line: string): void;
}

/**
 * @example
 * const progress = createProgress();
 * progress.update("Read 1000 messages…");
 * progress.done();
 */
export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  let drawn = false;
  let last = "";
  if (!stream.isTTY) return { update() {}, done() {}, note() {} };
  return {
    update(text) {
      stream.write(`\r\x1b[2K${text}`);
      drawn = true;
      last = text;
    },
    note(line) {
      stream.write(`\r\x1b[2K${line}\n${drawn ? last : ""}`);
    },
    done() {
      if (drawn) stream.write("\r\x1b[2K");
      drawn = false;
    },
  };
}

/** `Read 1000 messages, 240 spans, 12 logs…` for a progress line. */
export function describeCounts(counts: Readonly<Record<string, number | undefined>>): string {
  const parts = Object.entries(counts).flatMap(([name, n]) => (n === undefined ? [] : [`${n} ${name}`]));
  return `Read ${parts.join(", ")}…`;
}
