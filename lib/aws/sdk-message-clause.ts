/**
 * An SDK error's message as a clause inside one of our sentences: its first line, without a final
 * period (the sentence goes on after it), at most 200 characters.
 */
export function toMessageClause(message: string): string {
  return message
    .replace(/\n[\s\S]*/, "")
    .replace(/\.+$/, "")
    .slice(0, 200);
}
