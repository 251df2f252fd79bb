/**
 * The order a run's conversation reads in, in both stores: by the time each message was said
 * (`at_ms`), then by `ord`, the place it took among the run's events, then by `idx`, the order
 * messages were first added (which names a message and its full-text entry, and never changes).
 *
 * A message is added once, by its id; the same message.added event arriving again is dropped, but
 * when it says the message was said earlier (the system prompt and tool calls of a first turn,
 * first seen as the history a later turn's model call re-sent, then delivered with their own turn
 * after it), the message moves to that time, and takes its place among the events of the batch
 * that moved it: after the new events that came before it in that batch, before those after it.
 *
 * @example
 * const moves = new MessageMoves();
 * addedOrd(12)      // 12 × 1024: the message added by event 12
 * moves.next(12)    // 12 × 1024 + 1: a message moved right after event 12
 */

import { decodeIntegerPosition } from "@keystroke/core";

/**
 * Where a page of messages starts: after `[at_ms, ord, idx]`, or after the message `[idx]` names
 * (the cursor of a version before time order, for the rest of its place to be looked up).
 */
export function messagesCursor(cursor: string): [number, number, number] | [number] {
  return decodeIntegerPosition(cursor, "messagesCursor", [3, 1]) as [number, number, number] | [number];
}

/** Room for this many moved messages between two events that add messages. */
const ORD_PER_EVENT = 1024;

/** The `ord` of the message added by event `seq`. */
export const addedOrd = (seq: number): number => seq * ORD_PER_EVENT;

/** The `ord`s of messages one batch moves to an earlier time. */
export class MessageMoves {
  private afterSeq = -1;
  private moved = 0;

  /** The `ord` of a message moved while the run's last event is `lastSeq`. */
  next(lastSeq: number): number {
    if (lastSeq !== this.afterSeq) {
      this.afterSeq = lastSeq;
      this.moved = 0;
    }
    // Past the room, moved messages share an ord and keep the order they were first added in.
    this.moved = Math.min(this.moved + 1, ORD_PER_EVENT - 1);
    return lastSeq * ORD_PER_EVENT + this.moved;
  }
}
