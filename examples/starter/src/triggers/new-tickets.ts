import { readFile } from "node:fs/promises";
import { definePollSource } from "keystroke/trigger";
import { support } from "../agents/support.js";

interface Ticket {
  id: number;
  customer: string;
  message: string;
}

/**
 * Polls `feed/tickets.json` every 30 seconds for tickets with an id above the cursor. The cursor
 * starts on the tickets the starter ships, so only tickets you append start sessions.
 */
export const newTickets = definePollSource<Ticket, { cursor: number }>({
  slug: "new-tickets",
  name: "New tickets",
  description: "Tickets appended to feed/tickets.json, answered by the support agent",
  schedule: "30s",
  state: { cursor: 3 },
  async run({ state, setState }) {
    const feed = JSON.parse(await readFile(new URL("../../feed/tickets.json", import.meta.url), "utf8")) as Ticket[];
    const fresh = feed.filter((ticket) => ticket.id > (state?.cursor ?? 0)).sort((a, b) => a.id - b.id);
    const last = fresh.at(-1);
    if (last) setState({ cursor: last.id });
    return fresh;
  },
}).attach({ agent: support, prompt: (ticket) => `${ticket.customer} wrote: ${ticket.message}` });
