import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A CA and a server certificate it signs for 127.0.0.1 and localhost, made with openssl for one test file. */
export interface TestCertificates {
  readonly folder: string;
  /** PEM of the CA (what --ca-file is given). */
  readonly caFile: string;
  readonly key: string;
  readonly cert: string;
}

/** Makes the certificates in a fresh temporary folder (the caller removes `folder`). */
export function makeTestCertificates(): TestCertificates {
  const folder = mkdtempSync(join(tmpdir(), "klr-tls-"));
  const path = (name: string) => join(folder, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
  openssl(
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "2",
    "-subj",
    "/CN=klr test CA",
    "-keyout",
    path("ca.key"),
    "-out",
    path("ca.pem"),
  );
  openssl(
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-subj",
    "/CN=127.0.0.1",
    "-keyout",
    path("server.key"),
    "-out",
    path("server.csr"),
  );
  writeFileSync(path("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  openssl(
    "x509",
    "-req",
    "-in",
    path("server.csr"),
    "-CA",
    path("ca.pem"),
    "-CAkey",
    path("ca.key"),
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    path("san.ext"),
    "-out",
    path("server.pem"),
  );
  return {
    folder,
    caFile: path("ca.pem"),
    key: readFileSync(path("server.key"), "utf8"),
    cert: readFileSync(path("server.pem"), "utf8"),
  };
}
