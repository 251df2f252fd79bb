/**
 * `@opentelemetry/instrumentation-openai` around the `openai` client this suite imports, with
 * message content captured as log events, as an app turns it on. Its providers are set as
 * `registerInstrumentations` sets them, the meter's included: without one, the Responses API's
 * metrics throw inside the instrumentation before it records the answer.
 */
import { metrics } from "@opentelemetry/api";
import { OpenAIInstrumentation } from "@opentelemetry/instrumentation-openai";
import type { LoggerProvider } from "@opentelemetry/sdk-logs";
import type { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import OpenAI from "openai";

/** Instruments `openai` until the returned instrumentation is disabled. */
export function instrumentOpenAI(tracing: NodeTracerProvider, logging: LoggerProvider): OpenAIInstrumentation {
  const instrumentation = new OpenAIInstrumentation({ captureMessageContent: true, enabled: false });
  instrumentation.setTracerProvider(tracing);
  instrumentation.setLoggerProvider(logging);
  instrumentation.setMeterProvider(metrics.getMeterProvider());
  instrumentation.getModuleDefinitions()[0]?.patch?.({ OpenAI }, "6.30.1");
  instrumentation.enable();
  return instrumentation;
}
