/** `keystroke/config`: the shape of `keystroke.config.ts`. */
export { defineConfig, type KeystrokeConfig, type ProviderConfig } from "./define-config.js";
export type { SlackGatewayConfig } from "./slack-gateway-config.js";
