/** One synthetic Kong estate: how many rows of each kind the generator writes. */
export interface BenchSize {
  readonly name: SizeName;
  readonly workspaces: number;
  readonly services: number;
  readonly routes: number;
  readonly plugins: number;
  readonly consumers: number;
  /** Kong nodes writing `license_data` (and registered as hybrid data planes). */
  readonly nodes: number;
  /** Calendar months of `license_data` per node, ending with the month of generation. */
  readonly months: number;
}

export type SizeName = "S" | "M" | "L";

export const SIZES: Readonly<Record<SizeName, BenchSize>> = {
  S: {
    name: "S",
    workspaces: 10,
    services: 1_000,
    routes: 5_000,
    plugins: 10_000,
    consumers: 2_000,
    nodes: 4,
    months: 12,
  },
  M: {
    name: "M",
    workspaces: 200,
    services: 10_000,
    routes: 50_000,
    plugins: 200_000,
    consumers: 20_000,
    nodes: 10,
    months: 24,
  },
  L: {
    name: "L",
    workspaces: 1_000,
    services: 50_000,
    routes: 250_000,
    plugins: 1_000_000,
    consumers: 100_000,
    nodes: 20,
    months: 36,
  },
};

export function parseSizes(text: string): SizeName[] {
  const names = text
    .split(",")
    .map((name) => name.trim().toUpperCase())
    .filter((name) => name !== "");
  for (const name of names) {
    if (!(name in SIZES)) throw new Error(`Unknown size "${name}": use S, M and/or L (e.g. --sizes S,M,L).`);
  }
  return [...new Set(names)] as SizeName[];
}

/** The database holding one size, e.g. `kong_bench_l`. */
export function benchDatabaseName(size: SizeName): string {
  return `kong_bench_${size.toLowerCase()}`;
}

/** `adminUrl` with its database replaced. */
export function withDatabase(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}
