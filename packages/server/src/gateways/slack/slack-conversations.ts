/**
 * What happens to a Slack delivery after it has been acknowledged: read the message, decide
 * whether the agent answers it, put a reaction on it while the agent works, prompt the agent in
 * the thread's session, post the answer (or a short failure line with the run id) in the thread,
 * and take the reaction back.
 *
 * Each message is answered once. Deliveries are remembered by `event_id` (Slack's retries), and
 * messages by channel and ts (one message can arrive as both `app_mention` and `message`), in
 * memory, bounded (see SeenKeys). A retry that arrives while the first delivery is still being
 * answered is dropped the same way, and prompts to one thread run one after the other (the
 * runtime queues them per session).
 */
import type { RunStore } from "@keystroke/store";
import type { AgentService } from "../../agents/agent-service.js";
import { SeenKeys } from "./seen-keys.js";
import { SlackApi, type SlackLog } from "./slack-api.js";
import { isForAgent } from "./slack-listen.js";
import { readSlackMessage, type SlackEnvelope, type SlackMessage } from "./slack-message.js";
import { slackOrigin } from "./slack-origin.js";
import { slackReplyTexts, slackStartFailureText } from "./slack-reply-text.js";
import type { SlackGateway } from "./slack-settings.js";

/** The reaction shown on a message while the agent works on it. */
export const WORKING_REACTION = "eyes";

/**
 * @example
 * const conversations = new SlackConversations({ agents, store }, log);
 * if (conversations.firstDelivery(envelope.event_id)) conversations.start(gateway, envelope, "acme/support");
 */
export class SlackConversations {
  private readonly seen = new SeenKeys();
  /** Sessions being answered now: a thread reply that comes before the run is stored still counts. */
  private readonly answering = new Map<string, number>();
  private readonly pending = new Set<Promise<void>>();
  private client: { key: string; api: SlackApi } | undefined;

  constructor(
    private readonly host: { agents: AgentService; store: RunStore },
    private readonly log: SlackLog,
  ) {}

  /** True the first time an `event_id` is delivered; false for Slack's retries of it. */
  firstDelivery(eventId: string | undefined): boolean {
    return eventId === undefined || this.seen.add(`event:${eventId}`);
  }

  /** Answers `envelope` with an agent of `project` (a run `project` value), in the background; failures are logged. */
  start(gateway: SlackGateway, envelope: SlackEnvelope, project: string): void {
    const task = this.answer(gateway, envelope, project)
      .catch((error: unknown) => this.log(`Slack gateway: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => this.pending.delete(task));
    this.pending.add(task);
  }

  /** Resolves once every message taken so far has been answered (or has failed). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private apiFor(gateway: SlackGateway): SlackApi {
    const key = `${gateway.apiUrl}\u0000${gateway.botToken}`;
    if (this.client?.key !== key) this.client = { key, api: new SlackApi(gateway, this.log) };
    return this.client.api;
  }

  private async answer(gateway: SlackGateway, envelope: SlackEnvelope, project: string): Promise<void> {
    const api = this.apiFor(gateway);
    const message = readSlackMessage(envelope, await api.botUserId());
    if ("ignored" in message) return;
    const channel = await api.channel(message.channel);
    const hasSession = async () =>
      this.answering.has(message.sessionId) ||
      (await this.host.store.getSession({ project, slug: gateway.agent, sessionId: message.sessionId })) !== undefined;
    if (!(await isForAgent(message, gateway, channel, hasSession))) return;
    if (!this.seen.add(`message:${message.channel}:${message.ts}`)) return;
    const origin = slackOrigin(message, channel, await api.userName(message.user), envelope);
    this.answering.set(message.sessionId, (this.answering.get(message.sessionId) ?? 0) + 1);
    await api.react(message.channel, message.ts, WORKING_REACTION);
    try {
      await api.post(message.channel, message.threadTs, await this.prompt(gateway, message, origin, project));
    } finally {
      await api.react(message.channel, message.ts, WORKING_REACTION, true);
      const left = (this.answering.get(message.sessionId) ?? 1) - 1;
      if (left > 0) this.answering.set(message.sessionId, left);
      else this.answering.delete(message.sessionId);
    }
  }

  private async prompt(
    gateway: SlackGateway,
    message: SlackMessage,
    origin: ReturnType<typeof slackOrigin>,
    project: string,
  ): Promise<string[]> {
    try {
      const result = await this.host.agents.prompt(
        gateway.agent,
        { message: message.text, sessionId: message.sessionId },
        origin,
        { project },
      );
      return slackReplyTexts(result);
    } catch (error) {
      this.log(`Slack gateway: the prompt did not start: ${error instanceof Error ? error.message : String(error)}`);
      return [slackStartFailureText(error)];
    }
  }
}
