/**
 * The Slack Web API calls the gateway makes, through @slack/web-api's WebClient with the bot
 * token: who the bot is (`auth.test`), channel and user names for History, the reaction that
 * says "working on it", and the answer. Lookups are cached and never fail a conversation: without
 * a name, History shows the id. Errors are logged by their message only, never with the token.
 */
import { type Logger, LogLevel, WebClient } from "@slack/web-api";
import type { SlackGateway } from "./slack-settings.js";

/** Where the gateway reports what went wrong; it never receives a secret. */
export type SlackLog = (message: string) => void;

/** Channel facts the gateway shows: its name, or that it is a direct message. */
export interface SlackChannel {
  id: string;
  name?: string;
  direct: boolean;
}

const CACHE_LIMIT = 1_000;

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

function quietLogger(log: SlackLog): Logger {
  let level = LogLevel.ERROR;
  return {
    debug: () => {},
    info: () => {},
    warn: () => {},
    error: (...message: unknown[]) => log(`Slack Web API: ${message.map(String).join(" ")}`),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

/**
 * @example
 * const slack = new SlackApi(gateway, (message) => app.log.warn(message));
 * await slack.post("C123", "1700000000.000100", ["Hello"]);
 */
export class SlackApi {
  private readonly client: WebClient;
  private botUser: Promise<string | undefined> | undefined;
  private readonly channels = new Map<string, Promise<SlackChannel>>();
  private readonly users = new Map<string, Promise<string | undefined>>();

  constructor(
    gateway: Pick<SlackGateway, "botToken" | "apiUrl">,
    private readonly log: SlackLog,
  ) {
    this.client = new WebClient(gateway.botToken, {
      slackApiUrl: gateway.apiUrl,
      logger: quietLogger(log),
      // A few quick retries, not the client's default of ten over half an hour.
      retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2_000 },
      timeout: 15_000,
      allowAbsoluteUrls: false,
    });
  }

  /** The bot's own user id (`auth.test`), to recognise its messages and mentions; undefined if Slack would not say. */
  botUserId(): Promise<string | undefined> {
    this.botUser ??= this.client.auth.test().then(
      (answer) => answer.user_id,
      (error: unknown) => {
        this.log(`Slack auth.test failed: ${reason(error)}`);
        this.botUser = undefined;
        return undefined;
      },
    );
    return this.botUser;
  }

  /** The channel's name (`conversations.info`), cached. */
  channel(id: string): Promise<SlackChannel> {
    return cached(this.channels, id, () =>
      this.client.conversations.info({ channel: id }).then(
        ({ channel }) => ({
          id,
          direct: channel?.is_im === true,
          ...(channel?.name ? { name: channel.name } : {}),
        }),
        (error: unknown) => {
          this.log(`Slack conversations.info failed: ${reason(error)}`);
          this.channels.delete(id);
          return { id, direct: id.startsWith("D") };
        },
      ),
    );
  }

  /** The user's display name (`users.info`), cached; undefined when unknown. */
  userName(id: string): Promise<string | undefined> {
    return cached(this.users, id, () =>
      this.client.users.info({ user: id }).then(
        ({ user }) => user?.profile?.display_name || user?.real_name || user?.name || undefined,
        (error: unknown) => {
          this.log(`Slack users.info failed: ${reason(error)}`);
          this.users.delete(id);
          return undefined;
        },
      ),
    );
  }

  /** Posts each text as a message in the thread, in order. Throws when Slack refuses one. */
  async post(channel: string, threadTs: string, texts: readonly string[]): Promise<void> {
    for (const text of texts) await this.client.chat.postMessage({ channel, thread_ts: threadTs, text });
  }

  /** Adds (or with `remove`, takes back) a reaction on a message; a failure is logged, not thrown. */
  async react(channel: string, ts: string, name: string, remove = false): Promise<void> {
    try {
      if (remove) await this.client.reactions.remove({ channel, timestamp: ts, name });
      else await this.client.reactions.add({ channel, timestamp: ts, name });
    } catch (error) {
      this.log(`Slack reactions.${remove ? "remove" : "add"} failed: ${reason(error)}`);
    }
  }
}

function cached<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  const hit = cache.get(key);
  if (hit) return hit;
  if (cache.size >= CACHE_LIMIT) cache.clear();
  const loading = load();
  cache.set(key, loading);
  return loading;
}
