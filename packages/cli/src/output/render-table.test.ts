import { describe, expect, it } from "vitest";
import { renderFields, renderTable } from "./render-table.js";

describe("renderTable", () => {
  it("pads columns, aligns numbers right and cuts long cells", () => {
    const rows = [
      { name: "Support agent", cost: "$0.0075" },
      { name: "x".repeat(60), cost: "$12.0000" },
    ];
    const table = renderTable(
      [
        { label: "Name", cell: (r: (typeof rows)[number]) => r.name },
        { label: "Total cost", cell: (r) => r.cost, align: "right" },
      ],
      rows,
    );
    expect(table.split("\n")).toEqual([
      `Name${" ".repeat(36)}  Total cost`,
      `Support agent${" ".repeat(27)}     $0.0075`,
      `${"x".repeat(39)}…    $12.0000`,
    ]);
  });

  it("keeps every row on one line", () => {
    const table = renderTable([{ label: "Text", cell: (r: string) => r }], ["two\nlines"]);
    expect(table).toBe("Text\ntwo lines");
  });
});

describe("renderFields", () => {
  it("aligns values after their labels", () => {
    expect(
      renderFields([
        ["Status", "Success"],
        ["Total cost", "$0.0075"],
      ]),
    ).toBe("Status:     Success\nTotal cost: $0.0075");
  });
});
