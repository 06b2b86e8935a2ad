import { createSfnClient, createSsmClient } from "../aws/clients.ts";
import { createDatabaseSecretReader } from "../aws/database-secret.ts";
import { type EnvironmentsText, readEnvironmentsText } from "../aws/environments-source.ts";
import { createS3Client, createS3ReportStore } from "../aws/s3-report-store.ts";
import { readSecretReference } from "../aws/secret-reference.ts";
import { type StartedExecution, startStateMachine } from "../aws/state-machine.ts";
import type { EstateRunConfig } from "../config/estate.ts";
import type { StorageConfig } from "../config/storage.ts";
import { BadParameterError } from "../errors.ts";
import type { OpenApiPorts, OpenEnvironmentPort } from "../estate/collect-estate.ts";
import { lazily } from "../shared/lazily.ts";
import type { Signer } from "../shared/signature.ts";
import type { ReportStore } from "../store/report-store.ts";
import { createConfiguredSigner } from "./configured-signer.ts";
import { openDatabasePort } from "./open-database-port.ts";
import { createKongApiPorts } from "./open-kong-api.ts";

/** The ports of the estate functions, built once per Lambda container (clients on first use). */
export interface EstateRuntime {
  readonly store: ReportStore;
  /** The environments file from its S3 object or SSM parameter. */
  readEnvironments(options?: { readonly signal?: AbortSignal }): Promise<EnvironmentsText>;
  /** Opens an environment's database: the Data API (cross-account through role_arn) or PostgreSQL. */
  readonly openPort: OpenEnvironmentPort;
  /** Reaches Kong's Admin API and Konnect; a token reference is read from SSM (or Secrets Manager through it). */
  readonly openApi: OpenApiPorts;
  /** Starts the estate state machine; answers the execution's ARN and start time. */
  startExecution(input: Record<string, unknown>): Promise<StartedExecution>;
  /** Signs an estate tar's manifest with the deployment's KMS key (REPORT_SIGNING_KEY_ID), when set. */
  readonly signer?: Signer;
}

export function createEstateRuntime(storage: StorageConfig, estate: EstateRunConfig): EstateRuntime {
  const s3 = lazily(() =>
    createS3Client(storage.s3Endpoint === undefined ? {} : { endpoint: storage.s3Endpoint }),
  );
  const ssm = lazily(createSsmClient);
  const sfn = lazily(createSfnClient);
  // The environments' secrets, each read once per container (a collector may run many environments).
  const secrets = createDatabaseSecretReader();
  const store = createS3ReportStore({
    client: s3(),
    bucket: storage.bucket,
    ...(storage.kmsKeyId === undefined ? {} : { kmsKeyId: storage.kmsKeyId }),
  });
  const signer = createConfiguredSigner(estate.signing);
  return {
    store,
    ...(signer === undefined ? {} : { signer }),
    readEnvironments: (options = {}) => readEnvironmentsText(estate.environments, { s3, ssm }, options),
    openApi: createKongApiPorts({
      readSecret: (reference, signal) =>
        readSecretReference(reference, ssm, signal === undefined ? {} : { signal }),
    }),
    async openPort(source) {
      if (source.kind === "demo") {
        throw new BadParameterError(
          "demo",
          'The embedded demo database only runs in the CLI (kong-license-report estate); on AWS give each environment a "data_api" (or a reachable "database_url").',
        );
      }
      return openDatabasePort(source, { secrets });
    },
    async startExecution(input) {
      if (estate.stateMachineArn === undefined) {
        throw new Error("ESTATE_STATE_MACHINE_ARN is not set: this function cannot start the state machine.");
      }
      return startStateMachine(sfn(), estate.stateMachineArn, input);
    },
  };
}
