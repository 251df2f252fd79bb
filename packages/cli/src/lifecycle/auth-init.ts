/**
 * The headless first start of a team server: `KEYSTROKE_INIT_ORG`, `KEYSTROKE_INIT_USER_EMAIL`,
 * `KEYSTROKE_INIT_USER_PASSWORD` and, optionally, `KEYSTROKE_INIT_API_KEY` create the first
 * organization, its Owner and a key — once, on an empty server. The email and password name the
 * Owner; with either of them, all three are needed.
 */

import { KeystrokeError } from "@keystroke/core";
import type { AuthInit } from "@keystroke/server";

const REQUIRED = ["KEYSTROKE_INIT_ORG", "KEYSTROKE_INIT_USER_EMAIL", "KEYSTROKE_INIT_USER_PASSWORD"] as const;

export function initFromEnv(env: NodeJS.ProcessEnv = process.env): { init?: AuthInit } {
  // The organization alone (a default in a compose file, say) asks for nothing: the Owner makes the start.
  if (!env.KEYSTROKE_INIT_USER_EMAIL && !env.KEYSTROKE_INIT_USER_PASSWORD) return {};
  const missing = REQUIRED.filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new KeystrokeError("invalid_input", `The first start needs ${missing.join(" and ")} too`, {
      hint: `Set ${REQUIRED.join(", ")} together (KEYSTROKE_INIT_API_KEY is optional)`,
      details: {
        problems: missing.map((name) => ({ path: name, message: "required with the other KEYSTROKE_INIT_ variables" })),
      },
    });
  }
  return {
    init: {
      organization: env.KEYSTROKE_INIT_ORG as string,
      email: env.KEYSTROKE_INIT_USER_EMAIL as string,
      password: env.KEYSTROKE_INIT_USER_PASSWORD as string,
      ...(env.KEYSTROKE_INIT_API_KEY ? { apiKey: env.KEYSTROKE_INIT_API_KEY } : {}),
    },
  };
}
