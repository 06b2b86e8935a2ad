/** Secrets this short are redacted only where they stand alone, so ordinary words around them survive. */
const SHORT_SECRET = 8;

/**
 * Removes every secret of the environment from a message (longest first, so parts never leak). A
 * short secret ("kong") is replaced only where it is not part of a longer word or name, so
 * "kong_prod", "kong-db" and "kong.internal" stay readable while the password itself is gone.
 */
export function redactSecrets(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const secret of [...new Set(secrets)].sort((a, b) => b.length - a.length)) {
    if (secret === "") continue;
    out = secret.length >= SHORT_SECRET ? out.split(secret).join("***") : replaceStandalone(out, secret);
  }
  // Any URL credentials the message still carries (e.g. from a driver).
  return out.replace(/(postgres(?:ql)?:\/\/[^:@/\s]*):[^@/\s]*@/g, "$1:***@");
}

// What makes a secret part of a longer word or name: a letter, a digit, "_" or "-", or a "." between
// such characters (kong.internal).
const WORD = /[\p{L}\p{N}_-]/u;

function replaceStandalone(text: string, secret: string): string {
  let out = "";
  let from = 0;
  for (let at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, at + secret.length)) {
    const end = at + secret.length;
    const joinedBefore =
      WORD.test(text[at - 1] ?? "") || (text[at - 1] === "." && WORD.test(text[at - 2] ?? ""));
    const joinedAfter = WORD.test(text[end] ?? "") || (text[end] === "." && WORD.test(text[end + 1] ?? ""));
    if (joinedBefore || joinedAfter) continue;
    out += `${text.slice(from, at)}***`;
    from = end;
  }
  return out + text.slice(from);
}
