import { defineConfig } from "keystroke/config";

export default defineConfig({
  organization: "acme",
  project: "starter",
});
