// `npm run local`: the whole deployed stack on one machine, no AWS account. See docs/local-stack.md.
// The stack itself is local/stack/start-local-stack.ts; this is its command line.
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createLogger } from "../../lib/log.ts";
import { describeLocalStack } from "../stack/describe-local-stack.ts";
import { removeEnvFile, writeEnvFiles } from "../stack/env-files.ts";
import { LOCAL_STACK_HELP, parseLocalStackArgs } from "../stack/local-stack-args.ts";
import { startLocalStack } from "../stack/start-local-stack.ts";

// The repository root (local/bin/ is two levels down): .local-stack/ sits there, as docs/local-stack.md says.
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

async function main(): Promise<number> {
  const args = parseLocalStackArgs();
  if (args.kind === "help") {
    console.log(LOCAL_STACK_HELP);
    return 0;
  }
  if (args.kind === "refused") {
    console.error(args.message);
    return 2;
  }
  const logger = createLogger();
  const stack = await startLocalStack({
    port: args.port,
    ...(args.databaseUrl === undefined ? {} : { databaseUrl: args.databaseUrl }),
    ...(args.demoDatabase === undefined ? {} : { demoDatabase: args.demoDatabase }),
    logger,
    accessLog: (line) => process.stdout.write(`${line}\n`),
  });
  const files = await writeEnvFiles(join(ROOT, ".local-stack"), stack);
  console.log(describeLocalStack(stack, files.envFile, files.environmentsFile));
  // Measured from process start: what a user waits for (module loading included).
  const seconds = (ms: number) => (ms / 1000).toFixed(1);
  console.log(
    `Ready in ${seconds(performance.now())} s (modules ${seconds(performance.now() - stack.startup.totalMs)} s, database ${seconds(stack.startup.databaseMs)} s, servers ${seconds(stack.startup.totalMs - stack.startup.databaseMs)} s).`,
  );

  await new Promise<void>((resolveStop) => {
    let stopping = false;
    const stop = (signal: string) => {
      // Ctrl-C reaches npm, tsx and this process alike, and tsx relays it again: act on the first one.
      if (stopping) return;
      stopping = true;
      console.log(`\n${signal}: stopping the local stack...`);
      setTimeout(() => {
        console.error("Still not stopped after 10 s: exiting anyway.");
        process.exit(1);
      }, 10_000).unref();
      resolveStop();
    };
    process.on("SIGINT", () => stop("SIGINT"));
    process.on("SIGTERM", () => stop("SIGTERM"));
  });
  await stack.close();
  await removeEnvFile(files);
  console.log("Stopped.");
  return 0;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // Exit explicitly: the SDK clients' keep-alive sockets would otherwise hold the process open.
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
