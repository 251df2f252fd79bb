import { defineAction } from "keystroke/action";
import { z } from "zod";

const pages = [
  { title: "Warranty", text: "Every Acme product has a two-year warranty covering manufacturing defects." },
  { title: "Returns", text: "Unused products can be returned within 30 days for a full refund." },
  { title: "Shipping", text: "Orders ship within two business days; express shipping arrives the next day." },
];

export const searchDocs = defineAction({
  slug: "search-docs",
  name: "Search docs",
  description: "Searches the product documentation for warranty, returns and shipping policy pages",
  input: z.object({ query: z.string() }),
  output: z.object({ results: z.array(z.object({ title: z.string(), text: z.string() })) }),
  run: async ({ query }, { log }) => {
    const words = query
      .toLowerCase()
      .split(/\W+/)
      .filter((w) => w.length > 3);
    const results = pages.filter((page) => words.some((w) => `${page.title} ${page.text}`.toLowerCase().includes(w)));
    log("debug", `${results.length} pages match`, { query });
    return { results };
  },
});
