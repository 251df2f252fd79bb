import type { FastifyRequest } from "fastify";
import { requestOrigin } from "../runs/request-origin.js";
import type { PromptOrigin } from "./agent-service.js";

/** Who prompted and from where: a CLI prompt or an API prompt. */
export function promptOrigin(request: FastifyRequest, slug: string): PromptOrigin {
  return requestOrigin(request, { cli: "CLI prompt", api: "API prompt", command: `keystroke agents prompt ${slug}` });
}
