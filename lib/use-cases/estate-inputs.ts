import { BadParameterError, ConfigError } from "../errors.ts";
import { parseEnvironmentsFile } from "../estate/environments-file.ts";
import type { EstateConfig } from "../estate/types.ts";
import type { ReportFormat } from "../output/file-name.ts";
import { parseAsOf } from "../report/reporting-month.ts";
import { parseFormat } from "./report-options.ts";

// What an estate run starts from, read at its edge: the caller's request and the deployment's
// environments file. Both the state machine's steps and the in-process run use them.

/** What a run was asked for: the state machine's input, or GET /license/estate's query. */
export interface EstateRequest {
  readonly format: ReportFormat;
  /** Reporting month `YYYY-MM`; default the current month in the time zone. */
  readonly asOf?: string;
  /** Keep every environment's details.json in the estate. */
  readonly includeDetails: boolean;
}

const REQUEST_KEYS = ["format", "as_of", "include_details"];

/**
 * Reads a state machine input: `{}` or `{"format": "tar", "as_of": "2026-10", "include_details": true}`.
 * Unknown keys and bad values are a BadParameterError naming them.
 */
export function readEstateRequest(input: unknown): EstateRequest {
  const value = input ?? {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new BadParameterError(
      "input",
      'The estate input must be a JSON object such as {"format": "tar", "as_of": "2026-10"}.',
    );
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!REQUEST_KEYS.includes(key)) {
      throw new BadParameterError(
        key,
        `Unknown estate input key "${key}". Allowed: format ("json" or "tar"), as_of ("YYYY-MM"), include_details (true or false).`,
      );
    }
  }
  const { format, as_of: asOf, include_details: includeDetails } = record;
  if (format !== undefined && typeof format !== "string") throw notText("format", 'use "json" or "tar"');
  if (asOf !== undefined && typeof asOf !== "string") throw notText("as_of", 'use "YYYY-MM"');
  if (includeDetails !== undefined && typeof includeDetails !== "boolean") {
    throw new BadParameterError("include_details", "include_details must be true or false.");
  }
  if (asOf !== undefined) parseAsOf(asOf, "as_of");
  return {
    format: format === undefined ? "tar" : parseFormat(format, "format"),
    ...(asOf === undefined ? {} : { asOf }),
    includeDetails: includeDetails === true,
  };
}

/** On AWS a secret comes from Secrets Manager or SSM, never from the function's own environment. */
const NO_REFERENCES_ON_AWS =
  'on AWS the environments file reads no environment variable (the function\'s own holds its AWS credentials). Give database credentials as a "data_api" or "postgres" secret_arn (or "postgres" IAM authentication), and an admin_token as a Secrets Manager or SSM reference (docs/estate.md).';

/**
 * Parses the deployment's environments file. A bad file is the deployment's fault, not the caller's:
 * its message (naming the entry) becomes a ConfigError on ESTATE_ENVIRONMENTS.
 */
export function parseConfiguredEnvironments(file: {
  readonly text: string;
  readonly fileName: string;
}): EstateConfig {
  try {
    return parseEnvironmentsFile(file.text, {
      fileName: file.fileName,
      references: { kind: "none", why: NO_REFERENCES_ON_AWS },
      parameter: "ESTATE_ENVIRONMENTS",
    });
  } catch (error) {
    if (error instanceof BadParameterError) throw new ConfigError("ESTATE_ENVIRONMENTS", error.message);
    throw error;
  }
}

function notText(parameter: string, hint: string): BadParameterError {
  return new BadParameterError(parameter, `${parameter} must be a string: ${hint}.`);
}
