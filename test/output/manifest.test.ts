import { describe, expect, it } from "vitest";
import { appendManifest, checkManifest, computeManifestDigest, type Manifest } from "#lib/output/manifest.ts";
import { forgeManifest } from "../helpers/hostile-tar.ts";

const FILES = [
  { name: "response.json", content: Buffer.from('{"checksum": "abc"}\n') },
  { name: "details.json", content: Buffer.from("{}\n") },
  { name: "summary.html", content: Buffer.from("<!doctype html>\n") },
];

function tarOf(files: ReadonlyArray<{ name: string; content: Buffer }>): Map<string, Buffer> {
  return new Map(files.map((file) => [file.name, file.content]));
}

const EXPECTED = { kind: "report", checksum: "abc" } as const;

describe("Function: appendManifest", () => {
  it("writes the documented manifest last: the files' sizes and SHA-256, the checksum, its own digest", () => {
    const files = appendManifest(FILES, "report", "abc");
    expect(files.map((file) => file.name)).toEqual([
      "response.json",
      "details.json",
      "summary.html",
      "manifest.json",
    ]);
    // The same bytes as the test's own writer of the documented format (test/helpers/hostile-tar.ts).
    expect(files.at(-1)?.content.toString("utf8")).toBe(
      forgeManifest(
        FILES.map((file) => [file.name, file.content]),
        "report",
        "abc",
      ).toString("utf8"),
    );
    const manifest = JSON.parse(files.at(-1)?.content.toString("utf8") ?? "{}") as Manifest;
    expect(manifest.files[1]).toEqual({
      name: "details.json",
      bytes: 3,
      // printf '{}\n' | sha256sum
      sha256: "ca3d163bab055381827226140568f3bef7eaac187cebd76878e0b63e9e442356",
    });
    expect(manifest.digest).toBe(computeManifestDigest(manifest as unknown as Record<string, unknown>));
  });

  it("replaces a manifest already there instead of listing it", () => {
    const once = appendManifest(FILES, "report", "abc");
    expect(appendManifest(once, "report", "abc")).toEqual(once);
  });
});

describe("Function: checkManifest", () => {
  const good = () => tarOf(appendManifest(FILES, "report", "abc"));

  it("finds nothing wrong with the files it was written for", () => {
    const check = checkManifest(good(), EXPECTED);
    expect(check.problems).toEqual([]);
    expect(check.absent).toBeUndefined();
    expect(check.digest).toBe(check.manifest?.digest);
  });

  it("names a file whose bytes changed, with both sizes and digests", () => {
    const files = good();
    files.set("summary.html", Buffer.from("<!doctype html>\r\n"));
    expect(checkManifest(files, EXPECTED).problems).toEqual([
      expect.stringMatching(
        /^summary\.html does not match manifest\.json \(listed: 16 bytes, SHA-256 [0-9a-f]{64}; in the tar: 17 bytes, SHA-256 [0-9a-f]{64}\)$/,
      ),
    ]);
  });

  it("names a listed file that is missing, and a file the manifest does not list", () => {
    const files = good();
    files.delete("details.json");
    files.set("report.csv", Buffer.from("a\r\n"));
    expect(checkManifest(files, EXPECTED).problems).toEqual([
      "details.json is listed in manifest.json but missing from the tar",
      "report.csv is in the tar but not listed in manifest.json",
    ]);
  });

  it("names an edited manifest (its digest), another report's manifest and another kind's", () => {
    const files = good();
    const manifest = JSON.parse(files.get("manifest.json")?.toString("utf8") ?? "{}") as Manifest;
    files.set("manifest.json", Buffer.from(JSON.stringify({ ...manifest, checksum: "def" })));
    expect(checkManifest(files, EXPECTED).problems).toEqual([
      `manifest.json claims digest ${manifest.digest} but its content hashes to ${computeManifestDigest({ ...manifest, checksum: "def" })}`,
      "manifest.json is of the report with checksum def; the tar's report has abc",
    ]);
    expect(checkManifest(good(), { kind: "estate", checksum: "abc" }).problems).toEqual([
      "manifest.json is the manifest of a report, not of an estate",
    ]);
  });

  it("says a signed manifest lost its signature, and a signature without a signer", () => {
    const signed = tarOf(
      appendManifest(FILES, "report", "abc", { algorithm: "ECDSA_SHA_256", public_key_sha256: "00" }),
    );
    expect(checkManifest(signed, EXPECTED).problems).toEqual([
      "manifest.json says it is signed, but manifest.sig is missing",
    ]);
    const stray = good();
    stray.set("manifest.sig", Buffer.from("x"));
    expect(checkManifest(stray, EXPECTED).problems).toEqual([
      "manifest.sig is there, but manifest.json names no signer",
    ]);
  });

  it("reports a tar without a manifest as absent, naming what nothing covers", () => {
    expect(checkManifest(tarOf(FILES), EXPECTED)).toEqual({
      problems: [],
      absent:
        "it has no manifest.json, so nothing covers details.json, summary.html (a tar written before manifests, or one whose manifest was removed)",
    });
  });

  it.each([
    ["[]", "manifest.json is not a JSON object"],
    ['{"manifest_version": 2}', "manifest.json has manifest_version 2, expected 1"],
    ['{"manifest_version": 1, "kind": "page"}', 'manifest.json has no "kind" of "report" or "estate"'],
    [
      '{"manifest_version": 1, "kind": "report", "checksum": "a", "digest": "b", "files": [{"name": "x"}]}',
      "manifest.json files[0] is not { name, bytes, sha256 }",
    ],
    [
      '{"manifest_version": 1, "kind": "report", "checksum": "a", "digest": "b", "files": [], "signature": {"algorithm": "MD5"}}',
      'manifest.json "signature" is not { algorithm (ECDSA_SHA_256 or RSASSA_PSS_SHA_256), public_key_sha256, key_id? }',
    ],
    ["{", /^manifest\.json is not valid JSON \(.+\)$/],
  ])("refuses a manifest %s that is not one", (text, problem) => {
    const files = tarOf(FILES);
    files.set("manifest.json", Buffer.from(text));
    expect(checkManifest(files, EXPECTED).problems).toEqual([
      typeof problem === "string" ? problem : expect.stringMatching(problem),
    ]);
  });
});
