import { readFile } from "node:fs/promises";
import { createSsmClient } from "../aws/clients.ts";
import { readSecretReference } from "../aws/secret-reference.ts";
import type { ApiSource, OpenApiPorts, TokenSource } from "../collector/api-sources.ts";
import { ApiAccessError } from "../errors.ts";
import { createAdminApiReader } from "../kong-api/admin-api.ts";
import { createKonnectReader } from "../kong-api/konnect.ts";
import { lazily } from "../shared/lazily.ts";

/** The SSM client's factory, as the AWS adapter takes it. */
type SsmClientFactory = Parameters<typeof readSecretReference>[1];

export interface KongApiOptions {
  /** The SSM client that resolves `{"ssm": …}` and `{"secretsmanager": …}` tokens; default the SDK's. */
  readonly ssm?: SsmClientFactory;
  /** Per request; default 30 s. */
  readonly timeoutMs?: number;
}

/**
 * How the CLI and the estate functions reach Kong's Admin API and Konnect: the token resolved (the
 * value itself, or an SSM / Secrets Manager reference read now), the CA file read, the reader built.
 * The token lives only inside the reader's HTTP client.
 */
export function createKongApiPorts(options: KongApiOptions = {}): OpenApiPorts {
  const ssm = options.ssm ?? lazily(createSsmClient);
  const timeout = options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs };
  return {
    async adminApi(source, signal) {
      const token = source.token === undefined ? undefined : await resolveToken(source.token, ssm, signal);
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
        token: await resolveToken(source.token, ssm, signal),
        ...(await readTls(source)),
        ...timeout,
      });
    },
  };
}

function resolveToken(token: TokenSource, ssm: SsmClientFactory, signal?: AbortSignal): Promise<string> {
  if (token.kind === "literal") return Promise.resolve(token.value);
  return readSecretReference(token, ssm, signal === undefined ? {} : { signal });
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
