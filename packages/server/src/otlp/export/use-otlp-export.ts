import type { FastifyInstance } from "fastify";
import type { RunEventBus } from "../../events/run-event-bus.js";
import { OtlpExporter, type OtlpExportOptions } from "./otlp-exporter.js";

/**
 * Sends every run `bus` publishes to an OTLP backend, and what is still queued when `app` closes.
 *
 * @example
 * useOtlpExport(app, bus, { url: "http://localhost:4318/v1/traces" });
 */
export function useOtlpExport(app: FastifyInstance, bus: RunEventBus, options: OtlpExportOptions): void {
  const exporter = new OtlpExporter({
    ...options,
    onError: options.onError ?? ((error) => app.log.warn({ err: error }, "OTLP export failed")),
  });
  // A batch relayed from another replica is exported there: each run leaves once.
  const unsubscribe = bus.subscribeAll((batch) => {
    if (!batch.remote) exporter.publish(batch);
  });
  app.addHook("onClose", async () => {
    unsubscribe();
    await exporter.close();
  });
}
