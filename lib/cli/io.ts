/** What a CLI command may touch, injected so tests can run commands in-process. */
export interface CliIo {
  readonly stdout: (chunk: string | Uint8Array) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** stderr is a terminal: progress lines are shown there (never on stdout). */
  readonly stderrIsTTY?: boolean;
  /** Resolves when everything written to stdout has been flushed. */
  readonly flush?: () => Promise<void>;
}

/** A command's result: its process exit code. */
export type ExitCode = number;
