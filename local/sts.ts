import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { listen } from "./listen.ts";

/**
 * A local STS endpoint: AssumeRole in the service's awsQuery protocol (form-encoded `POST /`, XML
 * answers and `<ErrorResponse>` faults), so the SDK's own `fromTemporaryCredentials` can be pointed at
 * it (`AWS_ENDPOINT_URL_STS`). It answers every role with the same temporary credentials, or refuses
 * roles it was told to, as STS does when the role's trust policy does not name the caller. It checks
 * neither signature nor caller: loopback use only.
 */
export interface StsServerOptions {
  /** The temporary credentials every AssumeRole answers. */
  readonly credentials: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken: string;
  };
  /** Default 127.0.0.1. */
  readonly host?: string;
}

export interface AssumeRoleCall {
  /** The form parameters (Action, Version, RoleArn, RoleSessionName, ExternalId…). */
  readonly params: Readonly<Record<string, string>>;
  readonly authorization: string;
}

export interface StsServer {
  /** http://host:port, for AWS_ENDPOINT_URL_STS. */
  readonly url: string;
  /** Every call received, in order. */
  readonly calls: AssumeRoleCall[];
  /** AssumeRole of this role answers AccessDenied (403), as when its trust policy does not allow the caller. */
  refuse(roleArn: string): void;
  close(): Promise<void>;
}

const escapeXml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Starts the endpoint on a free port; resolves once it listens. */
export async function startStsServer(options: StsServerOptions): Promise<StsServer> {
  const calls: AssumeRoleCall[] = [];
  const refused = new Set<string>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
      calls.push({ params, authorization: String(request.headers.authorization ?? "") });
      const roleArn = params.RoleArn ?? "";
      const requestId = randomUUID();
      if (params.Action !== "AssumeRole" || refused.has(roleArn)) {
        const [status, code, message] =
          params.Action === "AssumeRole"
            ? [
                403,
                "AccessDenied",
                `User: arn:aws:sts::000000000000:assumed-role/local/local is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
              ]
            : [
                400,
                "InvalidAction",
                `Could not find operation ${params.Action ?? ""} for version 2011-06-15`,
              ];
        response.writeHead(status, { "content-type": "text/xml" });
        response.end(
          `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
        );
        return;
      }
      const expiration = new Date(Date.now() + 3_600_000).toISOString();
      const session = params.RoleSessionName ?? "";
      response.writeHead(200, { "content-type": "text/xml" });
      response.end(`<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>${options.credentials.accessKeyId}</AccessKeyId><SecretAccessKey>${options.credentials.secretAccessKey}</SecretAccessKey>
      <SessionToken>${options.credentials.sessionToken}</SessionToken><Expiration>${expiration}</Expiration>
    </Credentials>
    <AssumedRoleUser><AssumedRoleId>AROAEXAMPLE:${escapeXml(session)}</AssumedRoleId><Arn>${escapeXml(roleArn)}</Arn></AssumedRoleUser>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>
</AssumeRoleResponse>`);
    });
  });
  const host = options.host ?? "127.0.0.1";
  const port = await listen(server, host);
  return {
    url: `http://${host}:${port}`,
    calls,
    refuse: (roleArn) => refused.add(roleArn),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
