import { BadParameterError } from "../errors.ts";
import { REPORT_FORMATS, type ReportFormat } from "../output/file-name.ts";
import type { GenerateValues } from "./generate-table.ts";
import { optional, readChoice, readS3Prefix, readUrlTtl } from "./option-values.ts";

/** What generate writes and where: a file, stdout or S3, and how much of the details. */
export interface OutputOptions {
  readonly format: ReportFormat;
  /** A file path, or "-" for stdout. */
  readonly out: string | undefined;
  readonly includeDetails: boolean;
  readonly details: boolean;
  readonly discreteRulesFile?: string;
  readonly listDiscreteServices: boolean;
  readonly s3?: { readonly bucket: string; readonly prefix: string; readonly urlTtlSeconds: number };
  /** `--signing-key FILE`: a PEM private key that signs the tar's manifest. */
  readonly signingKeyFile?: string;
}

/** The output options, refusing the combinations that contradict each other. */
export function readOutputOptions(values: GenerateValues): OutputOptions {
  const format = readChoice(values.format, "--format", REPORT_FORMATS, "json");
  if (values["include-details"] === true && format !== "json") {
    throw new BadParameterError(
      "--include-details",
      "--include-details applies to --format json; a tar always holds details.json.",
    );
  }
  if (values["include-details"] === true && values["no-details"] === true) {
    throw new BadParameterError(
      "--no-details",
      "--include-details and --no-details contradict each other: --include-details adds the details document, --no-details skips collecting it. Give one.",
    );
  }
  if (values["signing-key"] !== undefined && format !== "tar") {
    throw new BadParameterError(
      "--signing-key",
      "--signing-key signs a tar's manifest.json: use --format tar (a JSON report has no place for a signature).",
    );
  }
  if (values["s3-bucket"] !== undefined && values.out !== undefined) {
    throw new BadParameterError(
      "--out",
      "--out and --s3-bucket exclude each other: write to a file or upload to S3.",
    );
  }
  return {
    format,
    out: values.out ?? (values["s3-bucket"] === undefined && format === "json" ? "-" : undefined),
    includeDetails: values["include-details"] === true,
    details: values["no-details"] !== true,
    listDiscreteServices: values["list-discrete-services"] === true,
    ...optional("discreteRulesFile", values["discrete-rules"]),
    ...optional("s3", readS3(values)),
    ...optional("signingKeyFile", values["signing-key"]),
  };
}

function readS3(values: GenerateValues): OutputOptions["s3"] | undefined {
  const bucket = values["s3-bucket"];
  const prefix = values["s3-prefix"];
  if (bucket === undefined) {
    if (prefix !== undefined || values["url-ttl"] !== undefined) {
      throw new BadParameterError(
        prefix === undefined ? "--url-ttl" : "--s3-prefix",
        "--s3-prefix and --url-ttl need --s3-bucket.",
      );
    }
    return undefined;
  }
  return { bucket, prefix: readS3Prefix(prefix), urlTtlSeconds: readUrlTtl(values["url-ttl"]) };
}
