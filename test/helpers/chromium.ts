import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { inflateSync } from "node:zlib";

const run = promisify(execFile);

/** Debian's `chromium` package; CHROMIUM_PATH overrides it. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

// No network, no profile state, nothing phoning home: the page must render on its own.
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--hide-scrollbars",
  "--host-resolver-rules=MAP * ~NOTFOUND",
];

async function withProfile<T>(use: (profile: string) => Promise<T>): Promise<T> {
  const profile = await mkdtemp(join(tmpdir(), "chromium-profile-"));
  try {
    return await use(profile);
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

/** The DOM Chromium builds from an HTML file, serialised after parsing (`--dump-dom`). */
export function dumpDom(htmlPath: string): Promise<string> {
  return withProfile(async (profile) => {
    const { stdout } = await run(
      CHROMIUM,
      [...FLAGS, `--user-data-dir=${profile}`, "--dump-dom", pathToFileURL(htmlPath).href],
      { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
    );
    return stdout;
  });
}

/** A PNG screenshot of an HTML file at the given window size. */
export function screenshot(
  htmlPath: string,
  pngPath: string,
  width: number,
  height: number,
): Promise<Buffer> {
  return withProfile(async (profile) => {
    await run(
      CHROMIUM,
      [
        ...FLAGS,
        `--user-data-dir=${profile}`,
        `--window-size=${width},${height}`,
        `--screenshot=${pngPath}`,
        pathToFileURL(htmlPath).href,
      ],
      { timeout: 60_000 },
    );
    return readFile(pngPath);
  });
}

/** Text a reader gets from a serialised DOM: tags removed, entities decoded, whitespace collapsed. */
export function visibleText(dom: string): string {
  return dom
    .replace(/<style[\s\S]*?<\/style>/gi, " ")
    .replace(/<[^>]+>/g, " ")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&nbsp;", " ")
    .replaceAll("&amp;", "&")
    .replace(/\s+/g, " ")
    .trim();
}

export interface DecodedPng {
  readonly width: number;
  readonly height: number;
  /** RGBA, 4 bytes per pixel, row by row. */
  readonly pixels: Uint8Array;
}

/** Decodes the 8-bit RGB/RGBA, non-interlaced PNGs that Chromium writes. */
export function decodePng(png: Buffer): DecodedPng {
  if (!png.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10])))
    throw new Error("not a PNG");
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString("latin1", offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const [depth, colorType, , , interlace] = [data[8], data[9], data[10], data[11], data[12]];
      if (depth !== 8 || interlace !== 0 || (colorType !== 2 && colorType !== 6)) {
        throw new Error(`unsupported PNG (depth ${depth}, color type ${colorType}, interlace ${interlace})`);
      }
      channels = colorType === 6 ? 4 : 3;
    } else if (type === "IDAT") {
      idat.push(data);
    }
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const out = new Uint8Array(width * height * 4);
  let previous = new Uint8Array(stride);
  for (let y = 0; y < height; y += 1) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const current = new Uint8Array(stride);
    for (let i = 0; i < stride; i += 1) {
      const a = i >= channels ? (current[i - channels] as number) : 0;
      const b = previous[i] as number;
      const c = i >= channels ? (previous[i - channels] as number) : 0;
      const x = line[i] as number;
      let value: number;
      if (filter === 0) value = x;
      else if (filter === 1) value = x + a;
      else if (filter === 2) value = x + b;
      else if (filter === 3) value = x + ((a + b) >> 1);
      else {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        value = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
      }
      current[i] = value & 0xff;
    }
    for (let px = 0; px < width; px += 1) {
      out.set(
        [
          current[px * channels] as number,
          current[px * channels + 1] as number,
          current[px * channels + 2] as number,
          channels === 4 ? (current[px * channels + 3] as number) : 255,
        ],
        (y * width + px) * 4,
      );
    }
    previous = current;
  }
  return { width, height, pixels: out };
}

/** How many pixels have exactly this colour (`#rrggbb`). */
export function countColor(image: DecodedPng, hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  let count = 0;
  for (let i = 0; i < image.pixels.length; i += 4) {
    if (image.pixels[i] === r && image.pixels[i + 1] === g && image.pixels[i + 2] === b) count += 1;
  }
  return count;
}
