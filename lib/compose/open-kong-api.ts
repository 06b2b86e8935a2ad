import { readFile } from "node:fs/promises";
import type { ApiSource, OpenApiPorts, TokenSource } from "../collector/api-sources.ts";
import { ApiAccessError } from "../errors.ts";
import { createAdminApiReader } from "../kong-api/admin-api.ts";
import { createKonnectReader } from "../kong-api/konnect.ts";

/** Reads a token kept in SSM or Secrets Manager (the AWS adapter, lib/aws/secret-reference.ts). */
export type ReadSecretReference = (
  reference: Exclude<TokenSource, { kind: "literal" }>,
  signal?: AbortSignal,
) => Promise<string>;

export interface KongApiOptions {
  /**
   * Resolves `{"ssm": …}` and `{"secretsmanager": …}` tokens: the estate functions pass the AWS
   * adapter; the CLI passes none (its bundle carries no SSM client): such a token fails its
   * environment, saying to give it from a variable there.
   */
  readonly readSecret?: ReadSecretReference;
  /** Per request; default 30 s. */
  readonly timeoutMs?: number;
}

/**
 * How the CLI and the estate functions reach Kong's Admin API and Konnect: the token resolved (the
 * value itself, or an SSM / Secrets Manager reference read now), the CA file read, the reader built.
 * The token lives only inside the reader's HTTP client.
 */
export function createKongApiPorts(options: KongApiOptions = {}): OpenApiPorts {
  const timeout = options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs };
  return {
    async adminApi(source, signal) {
      const token =
        source.token === undefined ? undefined : await resolveToken(source.token, options.readSecret, signal);
      return createAdminApiReader({
        url: source.url,
        ...(token === undefined ? {} : { token }),
        ...(await readTls(source)),
        ...timeout,
      });
    },
    async konnect(source, signal) {
      return createKonnectReader({
        url: source.url,
        token: await resolveToken(source.token, options.readSecret, signal),
        ...(await readTls(source)),
        ...timeout,
      });
    },
  };
}

async function resolveToken(
  token: TokenSource,
  readSecret: ReadSecretReference | undefined,
  signal?: AbortSignal,
): Promise<string> {
  if (token.kind === "literal") return token.value;
  if (readSecret === undefined) {
    const named = token.kind === "ssm" ? `{"ssm": "${token.name}"}` : `{"secretsmanager": "${token.id}"}`;
    throw new ApiAccessError(
      `admin_token ${named} is read by the estate functions on AWS; the CLI reads a token from the file or an ESTATE_SECRET_… variable ("admin_token": "\${ESTATE_SECRET_…}").`,
    );
  }
  return readSecret(token, signal);
}

async function readTls(source: ApiSource): Promise<{ ca?: string; insecure?: boolean }> {
  if (source.insecure === true) return { insecure: true };
  if (source.caFile === undefined) return {};
  try {
    return { ca: await readFile(source.caFile, "utf8") };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new ApiAccessError(`Cannot read the CA file ${source.caFile} (${code}).`, { cause: error });
  }
}
