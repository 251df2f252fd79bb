/**
 * The OTLP settings `keystroke serve` and `keystroke dev` share: the receiver's body cap and the
 * backend this server's own runs are exported to.
 */
import { type Command, Option } from "commander";
import { z } from "zod";
import { integerFlag } from "../options/flag-schemas.js";

export const otlpFlags = {
  otlpMaxBody: integerFlag(1024, 1024 * 1024 * 1024).optional(),
  otlpExportUrl: z
    .url({ protocol: /^https?$/, error: "expected an http(s) URL such as http://localhost:4318" })
    .optional(),
};

/** Adds `--otlp-max-body` and `--otlp-export-url` (also read from KEYSTROKE_OTLP_MAX_BODY and KEYSTROKE_OTLP_EXPORT_URL). */
export function addOtlpOptions(command: Command): Command {
  return command
    .addOption(
      new Option("--otlp-max-body <bytes>", "largest OTLP body accepted, before or after gzip (default 8 MiB)").env(
        "KEYSTROKE_OTLP_MAX_BODY",
      ),
    )
    .addOption(
      new Option("--otlp-export-url <url>", "send this server's runs as OTLP to this backend").env(
        "KEYSTROKE_OTLP_EXPORT_URL",
      ),
    );
}

/** The server options for the parsed flags; export headers come from KEYSTROKE_OTLP_EXPORT_HEADERS. */
export function otlpServerOptions(
  flags: { otlpMaxBody?: number | undefined; otlpExportUrl?: string | undefined },
  parseHeaders: (value: string | undefined) => Record<string, string>,
) {
  return {
    otlp: { maxBodyBytes: flags.otlpMaxBody },
    otlpExport: flags.otlpExportUrl
      ? { url: flags.otlpExportUrl, headers: parseHeaders(process.env.KEYSTROKE_OTLP_EXPORT_HEADERS) }
      : undefined,
  };
}
