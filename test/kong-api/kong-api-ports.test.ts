import { createServer, type ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKongApiPorts } from "#lib/compose/open-kong-api.ts";
import { ApiAccessError } from "#lib/errors.ts";
import { listen } from "../../local/listen.ts";

// The CLI's and the estate functions' way to Kong's Admin API and Konnect: the per-request limit
// given is the one that applies (an Admin API that accepts the connection and never answers), and a
// Konnect token kept in Secrets Manager is named, never read, where no secret reader exists (the CLI).

const TOKEN = "kpat_never-in-a-message-0815";

describe("createKongApiPorts", () => {
  const server = createServer((_request, response) => {
    // Accepts, never answers: only the client's own limit ends the request.
    held.push(response);
  });
  const held: ServerResponse[] = [];
  let url: string;

  beforeAll(async () => {
    url = `http://127.0.0.1:${await listen(server, "127.0.0.1")}`;
  });
  afterAll(async () => {
    for (const response of held) response.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("ends a request to an Admin API that never answers after the limit given, not the 30 s default", async () => {
    // Prepare
    const ports = createKongApiPorts({ timeoutMs: 500 });
    const reader = await ports.adminApi({
      kind: "admin-api",
      url,
      token: { kind: "literal", value: TOKEN },
    });
    const started = performance.now();

    // Act
    const error = await reader.readReport().then(
      () => undefined,
      (caught: unknown) => caught as Error,
    );

    // Assess: the message says the limit in seconds and never carries the token.
    expect(error).toBeInstanceOf(ApiAccessError);
    expect(error?.message).toMatch(/: unreachable, no answer within 0\.5 s\.$/);
    expect(error?.message).not.toContain(TOKEN);
    expect(performance.now() - started).toBeLessThan(20_000);
  });

  it("names a Konnect token kept in Secrets Manager that this runtime cannot read", async () => {
    // Act: the CLI's ports (no secret reader).
    const requestsBefore = held.length;
    const error = await createKongApiPorts()
      .konnect({
        kind: "konnect",
        url: `${url}/v2`,
        token: {
          kind: "secretsmanager",
          id: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:konnect-Ab12Cd",
        },
      })
      .then(
        () => undefined,
        (caught: unknown) => caught as Error,
      );

    // Assess
    expect(error).toBeInstanceOf(ApiAccessError);
    expect(error?.message).toBe(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: ${…} is the environments file's own syntax.
      'admin_token {"secretsmanager": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:konnect-Ab12Cd"} is read by the estate functions on AWS; the CLI reads a token from the file or an ESTATE_SECRET_… variable ("admin_token": "${ESTATE_SECRET_…}").',
    );
    // Nothing was sent to Konnect without its token.
    expect(held).toHaveLength(requestsBefore);
  });
});
