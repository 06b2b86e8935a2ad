/**
 * UTF-8 byte order: how PostgreSQL's "C" collation sorts and how LuaJIT compares strings (memcmp).
 * JavaScript's default sort compares UTF-16 code units, which differs above U+D7FF.
 */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}
