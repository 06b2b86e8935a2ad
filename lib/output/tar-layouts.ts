import { MANIFEST_FILES } from "./manifest.ts";
import type { TarLayout } from "./read-tar.ts";

// What each kind of tar this tool writes holds, in one light module: the writers (report-files.ts,
// estate-files.ts) and the strict reader (read-tar.ts, used by verify, diff, --previous and the
// history) share it without the readers pulling in the page renderers.

/** Name of the report inside the tar, and of the single JSON file (as Kong's docs save it). */
export const RESPONSE_JSON = "response.json";
export const DETAILS_JSON = "details.json";
export const ESTATE_JSON = "estate.json";

/**
 * Every file a report tar holds besides its manifest, in the order written. `verify`, `diff`,
 * `--previous` and the history refuse a report tar holding any other name: when the tar gains a
 * file, add its name here (test/output/report-files.test.ts fails until it is).
 */
export const REPORT_TAR_FILES: readonly string[] = [
  RESPONSE_JSON,
  DETAILS_JSON,
  "summary.html",
  "report.csv",
  "ai-usage.csv",
  "usage.csv",
  "usage-by-tag.csv",
];

/** The files of an estate tar at its top level, besides its manifest: add a new one here. */
export const ESTATE_TAR_FILES: readonly string[] = [ESTATE_JSON, "summary.html", "estate.csv"];

/**
 * The files of each `environments/<name>/` folder of an estate tar: add a new one here. A Konnect
 * environment has no response.json (Konnect gives counts, not a report); details.json only with details.
 */
export const ESTATE_ENVIRONMENT_FILES: readonly string[] = [RESPONSE_JSON, DETAILS_JSON];

/** An environment's folder name, as the environments file allows it (1 to 63 characters). */
export const ENVIRONMENT_FOLDER = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** What a report tar may hold: the files above, then manifest.json and manifest.sig. */
export const REPORT_TAR_LAYOUT: TarLayout = {
  kind: "report",
  marker: RESPONSE_JSON,
  files: [...REPORT_TAR_FILES, ...MANIFEST_FILES],
};

/** What an estate tar may hold: its files, each environment's folder, and the manifest. */
export const ESTATE_TAR_LAYOUT: TarLayout = {
  kind: "estate",
  marker: ESTATE_JSON,
  files: [...ESTATE_TAR_FILES, ...MANIFEST_FILES],
  nested: ESTATE_ENVIRONMENT_FILES.map((file) => ({
    pattern: { test: (name: string) => readEnvironmentPath(name)?.file === file },
    shown: `environments/<name>/${file}`,
  })),
};

/** The environment a tar path belongs to and the file in its folder, or undefined. */
export function readEnvironmentPath(path: string): { environment: string; file: string } | undefined {
  const [top, environment, file, ...rest] = path.split("/");
  if (top !== "environments" || environment === undefined || file === undefined || rest.length > 0) {
    return undefined;
  }
  return ENVIRONMENT_FOLDER.test(environment) ? { environment, file } : undefined;
}
