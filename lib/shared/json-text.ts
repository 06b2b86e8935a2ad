/**
 * JSON read from a file a person gives (a report, an estate, an environments file, rules, a license,
 * a contract): a UTF-8 byte-order mark is accepted (Windows editors write one), and a file too large
 * or nested too deep is refused with a message instead of exhausting memory or the stack.
 */

/** 256 MiB: a report of 10,000 workspaces is a few MB; KONG_LICENSE_REPORT_MAX_FILE_MB changes it. */
export const DEFAULT_MAX_FILE_BYTES = 256 * 1024 * 1024;
/** Reports nest 6 levels, estates 9: 64 leaves room and stays far below any stack limit. */
export const MAX_JSON_DEPTH = 64;

const BOM = "\uFEFF";

/** The largest file the CLI reads, from KONG_LICENSE_REPORT_MAX_FILE_MB (whole MiB, 1 to 4096). */
export function readMaxFileBytes(env: Readonly<Record<string, string | undefined>>): number {
  const text = env.KONG_LICENSE_REPORT_MAX_FILE_MB?.trim();
  if (text === undefined || text === "") return DEFAULT_MAX_FILE_BYTES;
  const mib = /^\d{1,4}$/.test(text) ? Number(text) : Number.NaN;
  if (!(mib >= 1 && mib <= 4096)) {
    throw new RangeError(
      `KONG_LICENSE_REPORT_MAX_FILE_MB "${text}" is invalid: expected whole MiB from 1 to 4096 (default 256).`,
    );
  }
  return mib * 1024 * 1024;
}

/** The text without a leading byte-order mark. */
export function stripBom(text: string): string {
  return text.startsWith(BOM) ? text.slice(BOM.length) : text;
}

/**
 * Why `text` cannot be parsed safely ("nests … levels deep"), or undefined: arrays and objects are
 * counted without recursion, outside strings.
 */
export function findJsonDepthProblem(text: string, maxDepth = MAX_JSON_DEPTH): string | undefined {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === 0x5c)
        index += 1; // a backslash escapes the next character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x7b || char === 0x5b) {
      depth += 1;
      if (depth > maxDepth) return `nests arrays and objects more than ${maxDepth} levels deep`;
    } else if (char === 0x7d || char === 0x5d) depth -= 1;
  }
  return undefined;
}

/**
 * Parses JSON text given by a person: the BOM removed, the depth checked first. Throws what
 * `refuse(reason)` makes; the reason completes a sentence about the file ("is not valid JSON (…)",
 * "nests … levels deep") and never quotes the text itself.
 */
export function parseJsonText(text: string, refuse: (reason: string, cause?: unknown) => Error): unknown {
  const body = stripBom(text);
  const tooDeep = findJsonDepthProblem(body);
  if (tooDeep !== undefined) throw refuse(tooDeep);
  try {
    return JSON.parse(body);
  } catch (error) {
    throw refuse(`is not valid JSON (${describeSyntaxError((error as Error).message)})`, error);
  }
}

/**
 * V8's message without the quoted piece of the input it may carry ("Unexpected token 's',
 * "secret-password" is not valid JSON"): a file can hold a password, and the text is the file's own.
 */
function describeSyntaxError(message: string): string {
  const withoutInput = message.replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, "");
  // The unexpected token is one character of the input: a control character is shown as "?".
  return [...withoutInput].map((char) => (isControl(char) ? "?" : char)).join("");
}

function isControl(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return code < 0x20 || (code >= 0x7f && code < 0xa0);
}
