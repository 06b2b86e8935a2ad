import { RDSDataClient } from "@aws-sdk/client-rds-data";
import { SFNClient } from "@aws-sdk/client-sfn";
import { SSMClient } from "@aws-sdk/client-ssm";
import { fromTemporaryCredentials } from "@aws-sdk/credential-providers";

/** A function the SDK calls for (and to refresh) credentials. */
export type CredentialProvider = ReturnType<typeof fromTemporaryCredentials>;

export interface RdsDataClientOptions {
  /** A Data API endpoint other than AWS's (the local endpoint); the SDK also reads AWS_ENDPOINT_URL_RDS_DATA. */
  readonly endpoint?: string;
  /** Default: the SDK's (AWS_REGION, the profile). */
  readonly region?: string;
  /** Default: the SDK's credential chain. */
  readonly credentials?:
    | {
        readonly accessKeyId: string;
        readonly secretAccessKey: string;
        readonly sessionToken?: string;
      }
    | CredentialProvider;
}

/**
 * The RDS Data API client, built once per process. The SDK makes one attempt per call: the SQL
 * port owns every retry (resuming cluster, throttling, 5xx), so two retry layers never multiply.
 */
export function createRdsDataClient(options: RdsDataClientOptions = {}): RDSDataClient {
  return new RDSDataClient({
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.credentials === undefined
      ? {}
      : {
          credentials:
            typeof options.credentials === "function" ? options.credentials : { ...options.credentials },
        }),
    maxAttempts: 1,
    // A Data API call ends at 45 s on the service side; the socket waits a little longer than that.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 50_000 },
  });
}

export interface AssumedRoleOptions {
  readonly roleArn: string;
  readonly externalId?: string;
  /** STS region (the cluster's). STS's endpoint follows the SDK's rules (AWS_ENDPOINT_URL_STS too). */
  readonly region?: string;
}

/**
 * Credentials of a role in another account, from STS AssumeRole through the SDK's own provider:
 * fetched on first use from the default chain's identity, refreshed before they expire.
 */
export function createAssumedRoleCredentials(options: AssumedRoleOptions): CredentialProvider {
  return fromTemporaryCredentials({
    params: {
      RoleArn: options.roleArn,
      RoleSessionName: "kong-license-report",
      ...(options.externalId === undefined ? {} : { ExternalId: options.externalId }),
    },
    ...(options.region === undefined ? {} : { clientConfig: { region: options.region } }),
  });
}

/** The SSM client (environments file in Parameter Store): the SDK's region and credentials. */
export function createSsmClient(): SSMClient {
  return new SSMClient({});
}

/** The Step Functions client (the estate's state machine): the SDK's region and credentials. */
export function createSfnClient(): SFNClient {
  return new SFNClient({});
}
