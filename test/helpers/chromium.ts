import { createReadStream, existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { pathToFileURL } from "node:url";
import { createBrotliDecompress, inflateSync } from "node:zlib";
import { extract } from "tar-stream";
import { requireFromTool } from "../../scripts/tool-packages.mjs";

/*
 * The browser comes from the npm registry, never from the system: @sparticuz/chromium ships a headless
 * Chromium (x64 Linux) inside the package, with its NSS libraries and a font. Both it and puppeteer-core
 * live in the tool package tools/browser/, installed by the first test that imports this file (not by
 * the root npm ci: the main job needs no browser). The browser is unpacked once into that folder's
 * node_modules/.cache (atomically, so parallel test workers never see half a file) and launched by
 * puppeteer-core with that exact path: no PATH lookup, no /usr/bin/chromium.
 */

/**
 * The parts of puppeteer-core and @sparticuz/chromium these helpers use. Written out because the
 * packages are outside the root's node_modules, where the type-check looks (it runs before any test
 * has installed them); the tests themselves exercise the real ones.
 */
export interface Page {
  setViewport(viewport: { width: number; height: number; deviceScaleFactor: number }): Promise<void>;
  goto(url: string, options: { waitUntil: "load" }): Promise<unknown>;
  content(): Promise<string>;
  screenshot(options: { type: "png" }): Promise<Uint8Array>;
  url(): string;
  evaluate<T>(script: string | (() => T)): Promise<T>;
  on(event: "request", listener: (request: { url(): string }) => void): void;
  on(
    event: "dialog",
    listener: (dialog: { type(): string; message(): string; dismiss(): Promise<void> }) => void,
  ): void;
}
export interface Browser {
  newPage(): Promise<Page>;
  close(): Promise<void>;
}
interface Puppeteer {
  launch(options: {
    executablePath: string;
    headless: "shell";
    args: string[];
    env: Record<string, string | undefined>;
  }): Promise<Browser>;
}
interface Chromium {
  readonly args: string[];
  executablePath(input: string): Promise<string>;
}

const browserTools = requireFromTool("browser");
const chromium = browserTools("@sparticuz/chromium") as Chromium;
const puppeteer = browserTools("puppeteer-core") as Puppeteer;
const packageRoot = join(dirname(browserTools.resolve("@sparticuz/chromium")), "..", "..");
const version = (JSON.parse(await readFile(join(packageRoot, "package.json"), "utf8")) as { version: string })
  .version;
const cacheRoot = join(packageRoot, "..", "..", ".cache", "kong-license-report");
/** Where the unpacked browser lives: one folder per package version. */
export const CHROMIUM_DIR = join(cacheRoot, `sparticuz-chromium-${version}`);

// No network, no profile state, nothing phoning home: the page must render on its own.
const FLAGS = [
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
  "--no-first-run",
  "--hide-scrollbars",
  "--host-resolver-rules=MAP * ~NOTFOUND",
];

let unpacking: Promise<string> | undefined;

/** The npm-provided Chromium executable, unpacked on first use (about 200 MB, 5-15 s once). */
export function chromiumExecutable(): Promise<string> {
  unpacking ??= unpackChromium().catch((error: unknown) => {
    unpacking = undefined;
    throw error;
  });
  return unpacking;
}

async function unpackChromium(): Promise<string> {
  const executable = join(CHROMIUM_DIR, "chromium");
  if (existsSync(executable)) return executable;
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error(
      `@sparticuz/chromium ${version} ships a Chromium for linux-x64 only; this is ${process.platform}-${process.arch}.`,
    );
  }
  await mkdir(cacheRoot, { recursive: true });
  const staging = await mkdtemp(join(cacheRoot, ".unpacking-"));
  try {
    // The package unpacks into os.tmpdir(), which it reads synchronously when called: point that at
    // the staging folder for the call only.
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = staging;
    let unpacked: Promise<string>;
    try {
      unpacked = chromium.executablePath(join(packageRoot, "bin"));
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
    }
    await unpacked;
    // Its NSS libraries (unpacked by the package only on Amazon Linux): no system library needed.
    await untarBrotli(join(packageRoot, "bin", "al2023.tar.br"), staging);
    await writeFile(
      join(staging, "fonts.conf"),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${join(CHROMIUM_DIR, "fonts", "fonts")}</dir>\n  <cachedir>${join(CHROMIUM_DIR, "fonts-cache")}</cachedir>\n</fontconfig>\n`,
    );
    await rename(staging, CHROMIUM_DIR).catch(async (error: unknown) => {
      // Another worker finished first: keep its copy.
      if (!existsSync(executable)) throw error;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return executable;
}

async function untarBrotli(archive: string, into: string): Promise<void> {
  const entries = extract();
  entries.on("entry", (header, stream, next) => {
    const path = join(into, header.name);
    if (header.type !== "file") {
      stream.resume();
      stream.on("end", next);
      return;
    }
    mkdir(dirname(path), { recursive: true })
      .then(() => readAll(stream))
      .then((bytes) => writeFile(path, bytes, { mode: header.mode ?? 0o644 }))
      .then(() => next(), next);
  });
  await pipeline(createReadStream(archive), createBrotliDecompress(), entries);
}

async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** Launches the npm-provided Chromium (headless shell), runs `use`, and always closes it. */
export async function withBrowser<T>(use: (browser: Browser) => Promise<T>): Promise<T> {
  const executablePath = await chromiumExecutable();
  const browser = await puppeteer.launch({
    executablePath,
    headless: "shell",
    args: [...chromium.args, ...FLAGS],
    env: {
      ...process.env,
      LD_LIBRARY_PATH: [join(CHROMIUM_DIR, "lib"), process.env.LD_LIBRARY_PATH]
        .filter((part) => part !== undefined && part !== "")
        .join(":"),
      FONTCONFIG_FILE: join(CHROMIUM_DIR, "fonts.conf"),
    },
  });
  try {
    return await use(browser);
  } finally {
    await browser.close();
  }
}

/** Opens an HTML file in a fresh page of the given viewport and hands the page to `use`. */
export function withPage<T>(
  htmlPath: string,
  viewport: { width: number; height: number },
  use: (page: Page) => Promise<T>,
): Promise<T> {
  return withBrowser(async (browser) => {
    const page = await browser.newPage();
    await page.setViewport({ ...viewport, deviceScaleFactor: 1 });
    await page.goto(pathToFileURL(htmlPath).href, { waitUntil: "load" });
    return use(page);
  });
}

/** What a page did on its own while it loaded: every request past its own file, and every dialog. */
export interface PageActivity {
  readonly requests: string[];
  readonly dialogs: string[];
}

/**
 * Opens an HTML file with a watch on what it does by itself (requests, dialogs such as alert()),
 * lets it run for `settleMs` (a meta refresh of 0 s, an onerror handler), then hands over the page.
 */
export function withWatchedPage<T>(
  htmlPath: string,
  use: (page: Page, activity: PageActivity) => Promise<T>,
  settleMs = 500,
): Promise<T> {
  return withBrowser(async (browser) => {
    const page = await browser.newPage();
    const url = pathToFileURL(htmlPath).href;
    const activity: PageActivity = { requests: [], dialogs: [] };
    page.on("request", (request) => {
      if (request.url() !== url) activity.requests.push(request.url());
    });
    page.on("dialog", (dialog) => {
      activity.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
    await page.setViewport({ width: 1200, height: 900, deviceScaleFactor: 1 });
    await page.goto(url, { waitUntil: "load" });
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    return use(page, activity);
  });
}

/** The DOM Chromium builds from an HTML file, serialised after parsing. */
export function dumpDom(htmlPath: string): Promise<string> {
  return withPage(htmlPath, { width: 1200, height: 900 }, (page) => page.content());
}

/** A PNG screenshot of an HTML file at the given viewport size (also written to `pngPath`). */
export function screenshot(
  htmlPath: string,
  pngPath: string,
  width: number,
  height: number,
): Promise<Buffer> {
  return withPage(htmlPath, { width, height }, async (page) => {
    const png = Buffer.from(await page.screenshot({ type: "png" }));
    await writeFile(pngPath, png);
    return png;
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
