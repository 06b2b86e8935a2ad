import { describe, expect, it } from "vitest";
import { InvalidReportFileError } from "#lib/errors.ts";
import { ESTATE_TAR_LAYOUT } from "#lib/output/estate-files.ts";
import { readTarFiles } from "#lib/output/read-tar.ts";
import { REPORT_TAR_LAYOUT } from "#lib/output/report-files.ts";
import { packTar, type TarEntrySpec } from "../helpers/hostile-tar.ts";

const LAYOUTS = [ESTATE_TAR_LAYOUT, REPORT_TAR_LAYOUT];

async function read(entries: readonly TarEntrySpec[]) {
  return readTarFiles(await packTar(entries), "x.tar", LAYOUTS);
}

async function refusal(entries: readonly TarEntrySpec[]): Promise<string> {
  const error = await read(entries).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(InvalidReportFileError);
  expect((error as InvalidReportFileError).exitCode).toBe(2);
  return (error as Error).message;
}

describe("Function: readTarFiles (what tar -x yields, nothing else)", () => {
  it("reads the files of a report tar by name, in archive order", async () => {
    const { layout, files } = await read([
      { name: "response.json", content: "{}" },
      { name: "details.json", content: "[]" },
      { name: "manifest.json", content: "{}" },
    ]);
    expect(layout).toBe(REPORT_TAR_LAYOUT);
    expect([...files.keys()]).toEqual(["response.json", "details.json", "manifest.json"]);
    expect(files.get("details.json")?.toString()).toBe("[]");
  });

  it("reads an estate tar with each environment's folder", async () => {
    const { layout, files } = await read([
      { name: "estate.json", content: "{}" },
      { name: "environments/prod-eu.1/response.json", content: "{}" },
      { name: "environments/prod-eu.1/details.json", content: "{}" },
      { name: "estate.csv", content: "" },
    ]);
    expect(layout).toBe(ESTATE_TAR_LAYOUT);
    expect(files.size).toBe(4);
  });

  it("names every problem of one archive in one message, and what the tar may hold", async () => {
    const message = await refusal([
      { name: "response.json", content: "{}" },
      { name: "response.json", content: "{}" },
      { name: "./details.json", content: "{}" },
      { name: "a/../summary.html", content: "" },
      { name: "a/./report.csv", content: "" },
      { name: "a//report.csv", content: "" },
      { name: "C:/report.csv", content: "" },
      { name: "bell\u0007.csv", content: "" },
      { name: "environments/prod/response.json", content: "{}" },
      { name: "notes.txt", content: "" },
    ]);
    expect(message).toBe(
      [
        "x.tar is not a report tar as this tool writes it, so nothing in it was checked: ",
        '"response.json" appears 2 times (tar -x keeps the last one); ',
        '"./details.json" starts with ./ (the same file as without it); ',
        '"a/../summary.html" climbs out of the folder with ..; ',
        '"a/./report.csv" holds a . folder (the same file as without it); ',
        '"a//report.csv" holds an empty folder name (//, or a trailing /); ',
        '"C:/report.csv" is an absolute path; ',
        '"bell\\u0007.csv" holds a control character; ',
        '"environments/prod/response.json", "notes.txt" are not files of a report tar ',
        "(it holds response.json, details.json, summary.html, report.csv, ai-usage.csv, usage.csv, usage-by-tag.csv, manifest.json, manifest.sig).",
      ].join(""),
    );
  });

  it.each([
    ["directory", { name: "environments/", type: "directory" }],
    ["symlink", { name: "summary.html", type: "symlink", linkname: "/etc/passwd" }],
    ["link", { name: "details.json", type: "link", linkname: "response.json" }],
    ["fifo", { name: "report.csv", type: "fifo" }],
  ] as const)("refuses a %s entry, which extracts as something else than a file", async (type, entry) => {
    const message = await refusal([{ name: "response.json", content: "{}" }, entry]);
    expect(message).toContain(`${JSON.stringify(entry.name)} is a ${type}, not a file`);
  });

  it("refuses an estate tar's folder that is not an environment name, or a file not in it", async () => {
    const message = await refusal([
      { name: "estate.json", content: "{}" },
      { name: "environments/-x/response.json", content: "{}" },
      { name: "environments/prod/summary.html", content: "" },
      { name: "environments/prod/sub/response.json", content: "{}" },
      { name: "response.json", content: "{}" },
    ]);
    expect(message).toContain(
      '"environments/-x/response.json", "environments/prod/summary.html", "environments/prod/sub/response.json", "response.json" are not files of an estate tar',
    );
    expect(message).toContain("environments/<name>/response.json, environments/<name>/details.json");
  });

  it("refuses a tar with neither response.json nor estate.json, naming both", async () => {
    expect(await refusal([{ name: "./response.json", content: "{}" }])).toBe(
      'x.tar is a tar without estate.json or response.json (and "./response.json" starts with ./ (the same file as without it)): it is not a report or an estate this tool writes.',
    );
  });

  it("says a tar cut inside an entry was truncated", async () => {
    const whole = await packTar([{ name: "response.json", content: "x".repeat(2000) }]);
    await expect(readTarFiles(whole.subarray(0, 1024), "cut.tar", LAYOUTS)).rejects.toThrow(
      "cut.tar is a truncated tar archive (it ends after 1024 bytes, inside an entry)",
    );
  });
});
