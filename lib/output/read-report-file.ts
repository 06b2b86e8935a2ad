import { type ReportDocument, toReportDocument } from "../diff/report-document.ts";
import { InvalidReportFileError } from "../errors.ts";
import { isEstateDocument } from "../estate/verify-estate.ts";
import { parseReportJson } from "../report/verify-report.ts";
import { describeTooLarge, readBoundedFile } from "../shared/bounded-file.ts";
import { isRecord } from "../shared/is-record.ts";
import { DEFAULT_MAX_FILE_BYTES } from "../shared/json-text.ts";
import { checkManifest, type ManifestCheck } from "./manifest.ts";
import { isTar, readTarFiles } from "./read-tar.ts";
import {
  DETAILS_JSON,
  ESTATE_JSON,
  ESTATE_TAR_LAYOUT,
  REPORT_TAR_LAYOUT,
  RESPONSE_JSON,
  readEnvironmentPath,
} from "./tar-layouts.ts";

/** Reads a file's bytes (or text, as UTF-8); injected by tests and by the history (S3 objects). */
export type ReadFile = (path: string) => Promise<string | Uint8Array>;

export interface ReadOptions {
  /** Default: the file system, the size checked before reading. */
  readonly read?: ReadFile;
  /** Largest file accepted (KONG_LICENSE_REPORT_MAX_FILE_MB); default 256 MiB. */
  readonly maxBytes?: number;
}

/** A report as read from a JSON file or a report tar, with what covers the files beside it. */
export interface ReportReading {
  readonly document: ReportDocument;
  /** A tar's files and their check against its manifest; absent for a JSON file. */
  readonly tar?: { readonly files: ReadonlyMap<string, Buffer>; readonly manifest: ManifestCheck };
}

/** An estate as read from estate.json or an estate tar. */
export interface EstateReading {
  readonly estate: Record<string, unknown>;
  /** Beside the estate in a tar: each environment's files (response.json, details.json), parsed. */
  readonly environments: ReadonlyMap<string, ReadonlyMap<string, unknown>>;
  readonly tar?: { readonly files: ReadonlyMap<string, Buffer>; readonly manifest: ManifestCheck };
}

export type DocumentReading =
  | ({ readonly kind: "report" } & ReportReading)
  | ({ readonly kind: "estate" } & EstateReading);

/**
 * Reads a report or an estate: a JSON file, or a tar read strictly (exactly what `tar -x` yields,
 * see read-tar.ts). The file's size is checked before it is read; JSON is parsed with a BOM
 * accepted and its depth capped. Anything else is refused with InvalidReportFileError (exit 2).
 */
export async function readDocumentFile(path: string, options: ReadOptions = {}): Promise<DocumentReading> {
  const bytes = await readBytes(path, options);
  if (!isTar(bytes)) {
    if (looksLikeTar(bytes, path)) {
      throw new InvalidReportFileError(
        `${path} is not a complete tar archive (${bytes.length} bytes, less than one tar header): it was probably cut short while downloading. Download it again.`,
      );
    }
    const value = parseReportJson(bytes.toString("utf8"), path);
    if (isEstateDocument(value)) return { kind: "estate", estate: value, environments: new Map() };
    return { kind: "report", document: withDetailsVerified(toReportDocument(value, path), false) };
  }
  const { layout, files } = await readTarFiles(bytes, path, [ESTATE_TAR_LAYOUT, REPORT_TAR_LAYOUT]);
  if (layout === ESTATE_TAR_LAYOUT) return readEstateTar(path, files);
  return readReportTar(path, files);
}

/**
 * Reads one report (for diff, `generate --previous` and the history). An estate is refused by name:
 * it holds one report per environment, and which one is meant is the user's to say.
 */
export async function readReportFile(path: string, options: ReadOptions = {}): Promise<ReportReading> {
  const reading = await readDocumentFile(path, options);
  if (reading.kind === "report") return reading;
  const names = environmentNames(reading.estate);
  const how =
    reading.tar === undefined
      ? "give one environment's report, e.g. environments/<name>/response.json from the estate tar"
      : `extract the environment you mean and give that file, e.g. tar -xf ${path} environments/<name>/response.json`;
  throw new InvalidReportFileError(
    `${path} is an estate (${ESTATE_JSON} and one report per environment), not one report: ${how}${names.length === 0 ? "" : ` (environments: ${names.join(", ")})`}.`,
  );
}

/** Problems between a report and the files beside it (manifest, details), and whether its details are covered. */
export interface CompanionCheck {
  /** Each a sentence: a file that differs from the manifest, details of another report. */
  readonly problems: readonly string[];
  /** true: a manifest covers the details and they are of this report; false: nothing covers them; null: no details. */
  readonly detailsVerified: boolean | null;
}

/**
 * Checks what the report's checksum does not cover: a tar's files against its manifest (bound to
 * the report by its checksum), and the details, which must carry the report's checksum. A JSON
 * report's inline details are covered by nothing: they are never "verified".
 */
export function checkCompanions(reading: ReportReading): CompanionCheck {
  const { document } = reading;
  const checksum = typeof document.content.checksum === "string" ? document.content.checksum : undefined;
  const problems: string[] = [...(reading.tar?.manifest.problems ?? [])];
  const detailsChecksum = document.details?.checksum;
  if (document.details !== undefined && checksum !== undefined && detailsChecksum !== checksum) {
    const where = reading.tar === undefined ? "its details are" : `${DETAILS_JSON} is`;
    problems.push(
      `${where} of another report (checksum ${typeof detailsChecksum === "string" ? detailsChecksum : "(none)"}, this report's is ${checksum})`,
    );
  }
  const detailsVerified =
    document.details === undefined
      ? null
      : reading.tar?.manifest.manifest !== undefined && problems.length === 0;
  return { problems, detailsVerified };
}

function readReportTar(path: string, files: ReadonlyMap<string, Buffer>): { kind: "report" } & ReportReading {
  const response = files.get(RESPONSE_JSON) as Buffer;
  const details = files.get(DETAILS_JSON);
  const content = parseReportJson(response.toString("utf8"), `${path} (${RESPONSE_JSON})`);
  const document = toReportDocument(
    content,
    path,
    details === undefined
      ? undefined
      : parseReportJson(details.toString("utf8"), `${path} (${DETAILS_JSON})`),
  );
  const checksum = isRecord(content) && typeof content.checksum === "string" ? content.checksum : undefined;
  const reading: ReportReading = {
    document,
    tar: { files, manifest: checkManifest(files, { kind: "report", checksum }) },
  };
  return {
    kind: "report",
    ...reading,
    document: withDetailsVerified(document, checkCompanions(reading).detailsVerified === true),
  };
}

function readEstateTar(path: string, files: ReadonlyMap<string, Buffer>): { kind: "estate" } & EstateReading {
  const estate = parseReportJson(
    (files.get(ESTATE_JSON) as Buffer).toString("utf8"),
    `${path} (${ESTATE_JSON})`,
  );
  if (!isEstateDocument(estate)) {
    throw new InvalidReportFileError(`${path}: ${ESTATE_JSON} is not an estate document.`);
  }
  const environments = new Map<string, Map<string, unknown>>();
  for (const [name, content] of files) {
    const place = readEnvironmentPath(name);
    if (place === undefined || !place.file.endsWith(".json")) continue;
    const folder = environments.get(place.environment) ?? new Map<string, unknown>();
    folder.set(place.file, parseReportJson(content.toString("utf8"), `${path} (${name})`));
    environments.set(place.environment, folder);
  }
  const digest = typeof estate.digest === "string" ? estate.digest : undefined;
  return {
    kind: "estate",
    estate,
    environments,
    tar: { files, manifest: checkManifest(files, { kind: "estate", checksum: digest }) },
  };
}

async function readBytes(path: string, options: ReadOptions): Promise<Buffer> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  const refuse = (reason: string, cause?: unknown) =>
    new InvalidReportFileError(`Cannot read ${path}: ${reason}.`, { cause });
  if (options.read === undefined) return readBoundedFile(path, maxBytes, refuse);
  let data: string | Uint8Array;
  try {
    data = await options.read(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : (code ?? "unreadable");
    throw refuse(why, error);
  }
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : Buffer.from(data);
  if (bytes.length > maxBytes) throw refuse(describeTooLarge(bytes.length, maxBytes));
  return bytes;
}

/** A `.tar` name, or a header cut before its 512 bytes: not JSON, so no JSON parse error. */
function looksLikeTar(bytes: Buffer, path: string): boolean {
  if (path.toLowerCase().endsWith(".tar")) return true;
  return bytes.length > 262 && bytes.subarray(257, 262).toString("latin1") === "ustar";
}

function withDetailsVerified(document: ReportDocument, detailsVerified: boolean): ReportDocument {
  return document.details === undefined ? document : { ...document, detailsVerified };
}

function environmentNames(estate: Record<string, unknown>): string[] {
  const entries = Array.isArray(estate.environments) ? (estate.environments as unknown[]) : [];
  return entries.flatMap((entry) =>
    isRecord(entry) && entry.status === "ok" && typeof entry.environment === "string"
      ? [entry.environment]
      : [],
  );
}
