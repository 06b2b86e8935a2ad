import { mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readBoundedFile } from "#lib/shared/bounded-file.ts";

const refuse = (reason: string) => new Error(reason);

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "klr-bounded-"));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("Function: readBoundedFile", () => {
  it("reads a file up to the limit, byte for byte", async () => {
    const path = join(folder, "exact.bin");
    const bytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => i % 256));
    await writeFile(path, bytes);
    expect(await readBoundedFile(path, 3000, refuse)).toEqual(bytes);
  });

  it("refuses one byte more, by its size, naming the limit and the variable that raises it", async () => {
    const path = join(folder, "over.bin");
    await writeFile(path, Buffer.alloc(3001));
    await expect(readBoundedFile(path, 3000, refuse)).rejects.toThrow(
      "it is 3001 bytes, more than the 3000 bytes a file may have (KONG_LICENSE_REPORT_MAX_FILE_MB raises the limit)",
    );
  });

  it("refuses a 5 GiB sparse file without reading it (Node's readFile cannot even hold it)", async () => {
    const path = join(folder, "sparse.bin");
    const handle = await open(path, "w");
    await handle.truncate(5 * 1024 ** 3);
    await handle.close();
    await expect(readBoundedFile(path, 256 * 1024 ** 2, refuse)).rejects.toThrow(
      "it is 5.0 GiB, more than the 256 MiB a file may have",
    );
  });

  it("cuts a device whose size the file system does not know at the limit (/dev/zero never ends)", async () => {
    await expect(readBoundedFile("/dev/zero", 2 * 1024 ** 2 + 5, refuse)).rejects.toThrow(
      "it holds more than the 2.0 MiB a file may have",
    );
  });

  it.each([
    ["a missing file", "missing.json", "no such file"],
    ["a folder", ".", "it is a folder"],
    ["a path through a file", "exact.bin/inside.json", "ENOTDIR"],
  ])("says why it cannot read %s", async (_case, name, reason) => {
    await expect(readBoundedFile(join(folder, name), 10, refuse)).rejects.toThrow(reason);
  });
});
