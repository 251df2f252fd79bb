import { KeystrokeError } from "@keystroke/core";

/** A failed listen (port taken, no such address) as an error that says what to do. */
export function listenError(thrown: unknown, host: string, port: number): unknown {
  const code = (thrown as { code?: unknown } | null)?.code;
  if (code === "EADDRINUSE") {
    return new KeystrokeError("conflict", `Port ${port} on ${host} is already in use`, {
      hint: "Stop the other server, or pick another port with --port (0 picks a free one)",
      cause: thrown,
    });
  }
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") {
    return new KeystrokeError("invalid_input", `Cannot listen on host ${host}`, {
      hint: "Use an address of this machine, such as 127.0.0.1 or 0.0.0.0",
      cause: thrown,
    });
  }
  return thrown;
}
