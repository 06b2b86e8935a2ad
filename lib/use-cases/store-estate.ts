import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import type { EstateDocument } from "../estate/types.ts";
import { buildEstateFiles, formatEstateFileName } from "../output/estate-files.ts";
import { contentTypeOf, type ReportFormat } from "../output/file-name.ts";
import { signWhenAsked } from "../output/manifest.ts";
import { openReportStream } from "../output/report-files.ts";
import type { Signer } from "../shared/signature.ts";
import type { ReportStore } from "../store/report-store.ts";
import type { LinkDocument } from "./generate-report.ts";

/** The answer of an estate run: a report's link document with the estate's digest, and who failed. */
export interface EstateLink extends Omit<LinkDocument, "checksum"> {
  /** SHA-256 of estate.json (`verify` checks it). */
  digest: string;
  as_of: string;
  environments: number;
  environments_reported: number;
  /** The environments that could not be read, with why (no secret). */
  failed: { environment: string; error: string }[];
}

export interface StoreEstateOptions {
  readonly store: ReportStore;
  readonly format: ReportFormat;
  /** Folder of the estate object, empty or ending with "/". */
  readonly prefix: string;
  readonly urlTtlSeconds: number;
  /** Kong's own bytes of the Admin API environments' reports (the tar keeps them as Kong wrote them). */
  readonly responses?: ReadonlyMap<string, Uint8Array>;
  /** Signs the tar's manifest (manifest.sig), as the report functions sign theirs: AWS KMS on Lambda. */
  readonly signer?: Signer;
  readonly signal?: AbortSignal;
}

/** Writes the estate (estate.json, or the estate tar) under `prefix` and answers its presigned link. */
export async function storeEstate(estate: EstateDocument, options: StoreEstateOptions): Promise<EstateLink> {
  const generatedAt = new Date(estate.generated_at);
  const fileName = formatEstateFileName(options.format, generatedAt, estate.time_zone);
  const key = `${options.prefix}${fileName.replace(/\.(json|tar)$/, `-${randomBytes(6).toString("hex")}.$1`)}`;
  const built = buildEstateFiles(
    estate,
    options.format,
    options.responses === undefined ? {} : { responses: options.responses },
  );
  const files = await signWhenAsked(built, options.format, options.signer, options.signal);
  // Held whole (an estate is a few MB at most): its size is the link document's `bytes`.
  const body = Buffer.concat(await openReportStream(files, options.format, generatedAt).toArray());
  const signal = options.signal === undefined ? {} : { signal: options.signal };
  const stored = await options.store.upload(
    {
      key,
      body: Readable.from([body]),
      contentType: contentTypeOf(options.format),
      fileName,
      metadata: {
        digest: estate.digest,
        "reporting-month": estate.as_of,
        "generated-at": estate.generated_at,
      },
    },
    signal,
  );
  const link = await options.store.presign(stored.key, { expiresInSeconds: options.urlTtlSeconds, fileName });
  return {
    url: link.url,
    expires_at: link.expiresAt.toISOString(),
    bucket: stored.bucket,
    key: stored.key,
    format: options.format,
    bytes: body.byteLength,
    digest: estate.digest,
    as_of: estate.as_of,
    generated_at: estate.generated_at,
    environments: estate.totals.environments,
    environments_reported: estate.totals.environments_reported,
    failed: estate.environments.flatMap((entry) =>
      entry.status === "failed" ? [{ environment: entry.environment, error: entry.error }] : [],
    ),
  };
}
