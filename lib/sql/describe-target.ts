// Apart from pg-sql-port.ts so that describing a target never loads the pg driver.

/** host:port/database of a connection URL, never its password. */
export function describeTarget(connectionString: string | undefined): string {
  if (connectionString === undefined) return "the database";
  try {
    const url = new URL(connectionString);
    const database = url.pathname.replace(/^\//, "") || "(default database)";
    return `${url.hostname}:${url.port || "5432"}/${database} as ${decodeURIComponent(url.username) || "(default user)"}`;
  } catch {
    return "the database";
  }
}
