/** Removes every secret of the environment from a message (longest first, so parts never leak). */
export function redactSecrets(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret !== "") out = out.split(secret).join("***");
  }
  // Any URL credentials the message still carries (e.g. from a driver).
  return out.replace(/(postgres(?:ql)?:\/\/[^:@/\s]*):[^@/\s]*@/g, "$1:***@");
}
