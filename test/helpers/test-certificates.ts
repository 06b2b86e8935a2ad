import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

/**
 * A throwaway certificate authority and a server certificate it signed, made with the openssl
 * command (node:crypto cannot sign X.509): the CA a test trusts, the server's certificate for
 * `localhost` only (so 127.0.0.1 is a wrong host name for verify-full), and a second CA that signed
 * nothing the server holds. P-256 keys, valid two days.
 */
export interface TestCertificates {
  /** PEM of the CA that signed the server certificate. */
  readonly caFile: string;
  /** PEM of an unrelated CA. */
  readonly otherCaFile: string;
  readonly serverCertFile: string;
  readonly serverKeyFile: string;
  /** The one DNS name in the server certificate. */
  readonly serverName: string;
}

const run = promisify(execFile);

/** Why the certificates cannot be made here (no openssl), or undefined. */
export async function opensslBlocker(): Promise<string | undefined> {
  try {
    await run("openssl", ["version"]);
    return undefined;
  } catch {
    return "the openssl command is not on PATH";
  }
}

/** Writes the CAs and the server's key and certificate into `folder` (readable by everyone). */
export async function createTestCertificates(folder: string): Promise<TestCertificates> {
  const path = (name: string) => join(folder, name);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  const ca = (name: string, cn: string) =>
    run("openssl", [
      "req",
      "-x509",
      ...ec,
      "-keyout",
      path(`${name}.key`),
      "-out",
      path(`${name}.pem`),
      "-days",
      "2",
      "-subj",
      `/CN=${cn}`,
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ]);
  await ca("ca", "kong-license-report test CA");
  await ca("other-ca", "kong-license-report unrelated CA");
  await run("openssl", [
    "req",
    ...ec,
    "-keyout",
    path("server.key"),
    "-out",
    path("server.csr"),
    "-subj",
    "/CN=localhost",
  ]);
  await writeFile(
    path("server.ext"),
    "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n",
  );
  await run("openssl", [
    "x509",
    "-req",
    "-in",
    path("server.csr"),
    "-CA",
    path("ca.pem"),
    "-CAkey",
    path("ca.key"),
    "-CAcreateserial",
    "-out",
    path("server.crt"),
    "-days",
    "2",
    "-extfile",
    path("server.ext"),
  ]);
  await run("chmod", ["a+r", path("server.key"), path("server.crt"), path("ca.pem"), path("other-ca.pem")]);
  return {
    caFile: path("ca.pem"),
    otherCaFile: path("other-ca.pem"),
    serverCertFile: path("server.crt"),
    serverKeyFile: path("server.key"),
    serverName: "localhost",
  };
}
