/**
 * Overlap of scheduled ticks: a tick that comes while the previous run of the same attachment is
 * still active is skipped (`overlap: "skip"`, the default) or waits its turn (`"queue"`, at most
 * QUEUE_LIMIT waiting; a queue lives in this process and is not kept across a restart). The run
 * an attachment started last is known here while it runs, and from the store after a restart.
 */
export const QUEUE_LIMIT = 100;

export class OverlapGate {
  private readonly active = new Map<string, { runId: string; done: Promise<void> }>();
  private readonly queues = new Map<string, (() => void)[]>();

  /** The run of `id` still active in this process, if any. */
  activeRun(id: string): string | undefined {
    return this.active.get(id)?.runId;
  }

  /** Remembers the run `id` just started until it is done; then the next queued tick goes. */
  track(id: string, runId: string, done: Promise<void>): void {
    const entry = { runId, done };
    this.active.set(id, entry);
    void done.then(() => {
      if (this.active.get(id) !== entry) return;
      this.active.delete(id);
      this.queues.get(id)?.shift()?.();
    });
  }

  /** Waits until the active run of `id` is done; false (and no wait) when the queue is full. */
  enqueue(id: string): Promise<void> | false {
    const queue = this.queues.get(id) ?? [];
    if (queue.length >= QUEUE_LIMIT) return false;
    this.queues.set(id, queue);
    return new Promise((resolve) => queue.push(resolve));
  }

  /** Lets every queued tick go at once (the server is stopping: they see that and start nothing). */
  clear(): void {
    for (const queue of this.queues.values()) for (const go of queue.splice(0)) go();
    this.queues.clear();
  }
}
