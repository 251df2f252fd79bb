/** `keystroke/config`: the shape of `keystroke.config.ts`. */
export { defineConfig, type KeystrokeConfig, type ProviderConfig } from "./define-config.js";
