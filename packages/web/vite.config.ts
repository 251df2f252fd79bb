import react from "@vitejs/plugin-react";
import { defaultClientConditions, defineConfig } from "vite";

/** The History page: built to dist/, which the server serves at `/`. `npm run dev` proxies the API. */
export default defineConfig({
  plugins: [react()],
  resolve: { conditions: ["@keystroke/source", ...defaultClientConditions] },
  build: { outDir: "dist", emptyOutDir: true, target: "es2022", sourcemap: false },
  server: { proxy: { "/api": process.env.KEYSTROKE_URL ?? "http://127.0.0.1:3400" } },
});
