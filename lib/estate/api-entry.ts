import type { ApiSource, TokenSource } from "../collector/api-sources.ts";
import { compileTypeFilter } from "../collector/collect-konnect.ts";
import { BadParameterError } from "../errors.ts";
import { isRecord } from "../shared/is-record.ts";
import { type Fail, quoteAll } from "./entry-fields.ts";
import { expandSecretReferences, type ReferenceSource, refuseReferences } from "./expand-references.ts";

// KLCR's own entries: `admin_api` + `admin_token` with `deployment` "enterprise" (Kong's Admin API) or
// "konnect" (a regional API base and a personal access token), `control_plane_id` and
// `control_plane_type_filter` with KLCR's meaning. A KLCR envs.json runs as it is.

/** KLCR's keys and ours for an API entry (TLS). */
export const API_ENTRY_KEYS = [
  "admin_api",
  "admin_token",
  "deployment",
  "control_plane_id",
  "control_plane_type_filter",
  "ca_file",
  "insecure",
] as const;

export type Deployment = "enterprise" | "konnect";

const CONTROL_PLANE_ID = /^[A-Za-z0-9-]{1,64}$/;
const SSM_NAME = /^[A-Za-z0-9_.\-/]{1,2048}$/;
const SECRET_ID = /^[A-Za-z0-9/_+=.@:-]{1,2048}$/;
const TOKEN_FORMS =
  '"admin_token": "<token>" (or an ESTATE_SECRET_… reference), {"ssm": "/parameter/name"} or {"secretsmanager": "<secret name or ARN>", "json_key"?: "<key>"}';

/** KLCR's `deployment`: "enterprise" (the default) or "konnect"; anything else is refused, as KLCR does. */
export function readDeployment(raw: Record<string, unknown>, at: Fail): Deployment {
  const value = raw.deployment;
  if (value === undefined || value === "enterprise") return "enterprise";
  if (value === "konnect") return "konnect";
  return at(
    `"deployment" ${JSON.stringify(value)} is not one of KLCR's: "enterprise" (Kong Gateway Enterprise, through its database or its Admin API) or "konnect".`,
  );
}

/**
 * The entry's API source, for an entry with no database source (or `deployment: "konnect"`):
 * `admin_api` (required) and its token. The token's literal value and every expanded one go to `secrets`.
 */
export function readApiSource(
  raw: Record<string, unknown>,
  deployment: Deployment,
  references: ReferenceSource,
  secrets: string[],
  at: Fail,
): ApiSource {
  const url = readApiUrl(raw.admin_api, deployment, at);
  const token = readToken(raw.admin_token, references, secrets, at);
  const tls = readTls(raw, at);
  if (deployment === "enterprise") {
    for (const key of ["control_plane_id", "control_plane_type_filter"]) {
      if (raw[key] !== undefined) at(`"${key}" applies to "deployment": "konnect" only.`);
    }
    return { kind: "admin-api", url, ...(token === undefined ? {} : { token }), ...tls };
  }
  if (token === undefined) {
    return at(
      '"deployment": "konnect" needs "admin_token": a Konnect personal or system access token (kpat_…, spat_…).',
    );
  }
  const controlPlaneId = raw.control_plane_id;
  if (
    controlPlaneId !== undefined &&
    (typeof controlPlaneId !== "string" || !CONTROL_PLANE_ID.test(controlPlaneId))
  ) {
    at('"control_plane_id" must be a Konnect control plane id (letters, digits and "-", e.g. a UUID).');
  }
  const typeFilter = raw.control_plane_type_filter;
  if (typeFilter !== undefined) {
    if (typeof typeFilter !== "string" || typeFilter === "") {
      at('"control_plane_type_filter" must be a regular expression, e.g. "CONTROL_PLANE$|K8S".');
    }
    try {
      compileTypeFilter(typeFilter as string);
    } catch (error) {
      at(error instanceof BadParameterError ? error.message : String(error));
    }
  }
  return {
    kind: "konnect",
    url,
    token,
    ...(controlPlaneId === undefined ? {} : { controlPlaneId: controlPlaneId as string }),
    ...(typeFilter === undefined ? {} : { typeFilter: typeFilter as string }),
    ...tls,
  };
}

/**
 * An entry with a database source may still carry KLCR's `admin_api` and `admin_token` (kept for
 * klcr.json, not used to read); the token is a secret all the same, and API-only keys are refused.
 */
export function checkUnusedApiKeys(
  raw: Record<string, unknown>,
  references: ReferenceSource,
  secrets: string[],
  at: Fail,
): void {
  if (raw.admin_token !== undefined) readToken(raw.admin_token, references, secrets, at);
  if (raw.admin_api !== undefined) readApiUrl(raw.admin_api, "enterprise", at);
  const apiOnly = ["control_plane_id", "control_plane_type_filter", "ca_file", "insecure"].filter(
    (key) => raw[key] !== undefined,
  );
  if (apiOnly.length > 0) {
    at(
      `${quoteAll(apiOnly)} apply to an entry read through "admin_api" (no "database_url", "data_api" or "demo").`,
    );
  }
}

function readApiUrl(value: unknown, deployment: Deployment, at: Fail): string {
  const example =
    deployment === "konnect" ? "https://us.api.konghq.com/v2" : "https://kong-admin.example.com:8001";
  if (value === undefined) {
    return at(
      deployment === "konnect"
        ? `"deployment": "konnect" needs "admin_api": Konnect's regional API base, e.g. ${example}.`
        : `no source: give one of "database_url", "data_api", "demo": true, or KLCR's "admin_api" (with "admin_token") to read Kong's Admin API.`,
    );
  }
  if (typeof value !== "string" || value.trim() === "")
    return at(`"admin_api" must be a URL, e.g. ${example}.`);
  refuseReferences(value, "admin_api", at);
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "https:" && url.protocol !== "http:") || url.hostname === "") {
    return at(`"admin_api" ${JSON.stringify(value.slice(0, 200))} is not an http(s) URL, e.g. ${example}.`);
  }
  if (url.username !== "" || url.password !== "") {
    return at(
      '"admin_api" holds credentials (user:password@): put the token in "admin_token", never in the URL.',
    );
  }
  if (url.search !== "" || url.hash !== "")
    return at(`"admin_api" must have no query or fragment, e.g. ${example}.`);
  return value.replace(/\/+$/, "");
}

function readToken(
  value: unknown,
  references: ReferenceSource,
  secrets: string[],
  at: Fail,
): TokenSource | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string") {
    if (value === "") return at(`"admin_token" is empty; give ${TOKEN_FORMS}.`);
    // KLCR files hold the token inline: a secret all the same, never echoed.
    secrets.push(value);
    const expanded = expandSecretReferences(value, "admin_token", references, secrets, at);
    return { kind: "literal", value: expanded };
  }
  if (!isRecord(value)) return at(`"admin_token" must be ${TOKEN_FORMS}.`);
  const keys = Object.keys(value);
  if (keys.length === 1 && typeof value.ssm === "string") {
    if (!SSM_NAME.test(value.ssm))
      at('"admin_token.ssm" must be a Parameter Store name, e.g. /kong/prod/admin-token.');
    return { kind: "ssm", name: value.ssm };
  }
  const extra = keys.filter((key) => key !== "secretsmanager" && key !== "json_key");
  if (typeof value.secretsmanager === "string" && extra.length === 0) {
    if (!SECRET_ID.test(value.secretsmanager)) {
      at('"admin_token.secretsmanager" must be a Secrets Manager secret name or ARN.');
    }
    const jsonKey = value.json_key;
    if (jsonKey !== undefined && (typeof jsonKey !== "string" || jsonKey === "")) {
      at('"admin_token.json_key" must be the key of the token in the secret\'s JSON, e.g. "token".');
    }
    return {
      kind: "secretsmanager",
      id: value.secretsmanager,
      ...(jsonKey === undefined ? {} : { jsonKey: jsonKey as string }),
    };
  }
  return at(`"admin_token" must be ${TOKEN_FORMS}.`);
}

function readTls(raw: Record<string, unknown>, at: Fail): { caFile?: string; insecure?: boolean } {
  const caFile = raw.ca_file;
  const insecure = raw.insecure;
  if (caFile !== undefined && (typeof caFile !== "string" || caFile.trim() === "")) {
    at('"ca_file" must be the path of a PEM file of the CA that signs the API\'s certificate.');
  }
  if (typeof caFile === "string") refuseReferences(caFile, "ca_file", at);
  if (insecure !== undefined && insecure !== true && insecure !== false) {
    at('"insecure" must be true (no TLS verification, KLCR\'s -k) or false.');
  }
  if (insecure === true && caFile !== undefined) {
    at(
      '"ca_file" and "insecure": true exclude each other: verify against the CA file, or (knowingly) not at all.',
    );
  }
  return {
    ...(caFile === undefined ? {} : { caFile: caFile as string }),
    ...(insecure === true ? { insecure: true } : {}),
  };
}
