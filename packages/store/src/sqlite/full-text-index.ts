/**
 * Moves queued message text into the FTS5 index in one statement per kind of change, so the
 * index gets one segment per flush instead of one per append (see migrations.ts).
 */
import type Database from "better-sqlite3";

export class FullTextIndex {
  private readonly flushTx: () => void;

  constructor(db: Database.Database) {
    const removeReplaced = db.prepare(
      "DELETE FROM messages_fts WHERE rowid IN (SELECT fts_rowid FROM messages_fts_pending WHERE replaces = 1)",
    );
    const insert = db.prepare(
      "INSERT INTO messages_fts (rowid, text) SELECT fts_rowid, text FROM messages_fts_pending WHERE text != '' ORDER BY fts_rowid",
    );
    const clear = db.prepare("DELETE FROM messages_fts_pending");
    this.flushTx = db.transaction(() => {
      removeReplaced.run();
      insert.run();
      clear.run();
    });
  }

  /** Indexes every queued message; cheap when the queue is empty. */
  flush(): void {
    this.flushTx();
  }
}
