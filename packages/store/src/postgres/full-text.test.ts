import { describe, expect, it } from "vitest";
import { lexemes, toTsQuery, toTsVector } from "./full-text.js";

describe("full-text terms", () => {
  it("splits words like FTS5's unicode61: letters and digits, no case, no accents", () => {
    expect(lexemes("Bonjour, où est ma COMMANDE? gpt-5-mini a@b.c foo_bar")).toEqual([
      "bonjour",
      "ou",
      "est",
      "ma",
      "commande",
      "gpt",
      "5",
      "mini",
      "a",
      "b",
      "c",
      "foo",
      "bar",
    ]);
  });

  it("writes a tsvector literal with positions", () => {
    expect(toTsVector("refund the refund")).toBe("'refund':1,3 'the':2");
    expect(toTsVector("?!")).toBeNull();
  });

  it("turns the search syntax into a tsquery, never reading tsquery syntax from the input", () => {
    expect(toTsQuery("REFUND order")).toBe("'refund' & 'order'");
    expect(toTsQuery('"refund policy" subscr*')).toBe("('refund' <-> 'policy') & 'subscr':*");
    expect(toTsQuery("foo_bar*")).toBe("('foo' <-> 'bar':*)");
    expect(toTsQuery("refund (*: \" ' & | !")).toBe("'refund'");
    expect(toTsQuery("?!")).toBeUndefined();
  });
});
