#!/usr/bin/env node
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { startFakeKongAdminApi } from "../kong-admin-api.ts";
import {
  DISCRETE_RULES,
  DR_TOKEN,
  drNode,
  KONNECT_TOKEN,
  konnectOrganisation,
  PROD_TOKEN,
  prodNode,
} from "../kong-api-sample.ts";
import { startFakeKonnect } from "../konnect-api.ts";
import { makeTestCertificates } from "../test-certificates.ts";

const HELP = `Usage: npx tsx local/bin/kong-api-fakes.ts --out DIR

Starts fakes of Kong's Admin API (two clusters: "prod", a hybrid control plane with three
workspaces; "dr", a DB-less node) and of Konnect (four control planes, one of them a group), over
TLS with a test CA, on 127.0.0.1. Writes into DIR: envs.json (a KLCR envs.json naming them, tokens
inline as KLCR files hold them), ca.pem, and prod.json / dr.json (the report bytes each fake serves).
Runs until stopped (Ctrl-C). Run the estate with NODE_EXTRA_CA_CERTS=DIR/ca.pem so Node trusts the CA.
`;

const { values } = parseArgs({ options: { out: { type: "string" }, help: { type: "boolean", short: "h" } } });
if (values.help === true || values.out === undefined) {
  process.stdout.write(HELP);
  process.exit(values.help === true ? 0 : 2);
}
const out = resolve(values.out);
mkdirSync(out, { recursive: true });
const certificates = makeTestCertificates();
const tls = { key: certificates.key, cert: certificates.cert };
const prod = await startFakeKongAdminApi(prodNode(), tls);
const dr = await startFakeKongAdminApi(drNode(), tls);
const konnect = await startFakeKonnect(konnectOrganisation(), tls);
writeFileSync(join(out, "ca.pem"), readFileSync(certificates.caFile));
rmSync(certificates.folder, { recursive: true, force: true });
writeFileSync(join(out, "prod.json"), prodNode().report);
writeFileSync(join(out, "dr.json"), drNode().report);
writeFileSync(
  join(out, "envs.json"),
  `${JSON.stringify(
    {
      environments: [
        { environment: "prod", admin_api: prod.url, admin_token: PROD_TOKEN, deployment: "enterprise" },
        { environment: "dr", admin_api: dr.url, admin_token: DR_TOKEN, deployment: "enterprise" },
        {
          environment: "konnect-us",
          admin_api: konnect.url,
          admin_token: KONNECT_TOKEN,
          deployment: "konnect",
        },
      ],
      discrete: DISCRETE_RULES,
    },
    null,
    2,
  )}\n`,
);
process.stdout.write(
  `prod (Admin API)  ${prod.url}\ndr (Admin API)    ${dr.url}\nKonnect           ${konnect.url}\nWrote ${out}/envs.json, ca.pem, prod.json, dr.json. Ctrl-C to stop.\n`,
);
const stop = async () => {
  await Promise.all([prod.close(), dr.close(), konnect.close()]);
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
