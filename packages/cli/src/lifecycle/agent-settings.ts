import { KeystrokeError } from "@keystroke/core";

function integerFromEnv(env: NodeJS.ProcessEnv, name: string, min: number, max: number): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new KeystrokeError("invalid_input", `Invalid ${name} "${raw}": expected an integer from ${min} to ${max}`, {
      details: { problems: [{ path: name, message: `expected an integer from ${min} to ${max}` }] },
    });
  }
  return value;
}

/**
 * The agent runtime's settings from the environment: `KEYSTROKE_MODEL_TIMEOUT_MS` (a model call
 * that takes longer fails the session; default 120000) and `KEYSTROKE_MODEL_RETRIES` (retries of
 * a model request that failed with 429 or 5xx; default 2).
 */
export function agentSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): {
  stepTimeoutMs?: number;
  maxRetries?: number;
} {
  const stepTimeoutMs = integerFromEnv(env, "KEYSTROKE_MODEL_TIMEOUT_MS", 100, 3_600_000);
  const maxRetries = integerFromEnv(env, "KEYSTROKE_MODEL_RETRIES", 0, 10);
  return {
    ...(stepTimeoutMs !== undefined ? { stepTimeoutMs } : {}),
    ...(maxRetries !== undefined ? { maxRetries } : {}),
  };
}
