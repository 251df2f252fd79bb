import { defineAgent } from "keystroke/agent";
import { searchDocs } from "../actions/search-docs.js";
import { starterModel } from "../model.js";

export const research = defineAgent({
  slug: "research",
  name: "Research",
  description: "Researches product questions (warranty, returns, shipping policy) in the documentation",
  systemPrompt: "You research questions about Acme products in the documentation and answer with what you found.",
  model: starterModel("research"),
  tools: [searchDocs],
});
