import { readReportFile } from "../output/read-report-file.ts";
import type { ReportStore } from "../store/report-store.ts";
import { checkReading } from "./cluster-history.ts";
import type { ListedReport } from "./list-reports.ts";

/** A stored report larger than this is not downloaded for its usage. */
const MAX_REPORT_BYTES = 64 * 1024 * 1024;

/** The usage a listed report holds, as `history --usage` shows it. */
export interface ListedUsage {
  /** details.usage.units as stored; absent from a report without usage (JSON without details, older versions). */
  units?: Record<string, number | null>;
  /** Each contract line's unit and status, when the report was held against a contract. */
  contract?: { name: string; lines: Array<{ unit: string; status: string; percent: number | null }> };
  /** Why the usage could not be shown (unreadable, or it does not verify). */
  error?: string;
}

/**
 * The usage of each listed report: one GetObject per report (the listing itself reads none), each
 * report verified against its checksum first. A report that cannot be read or does not verify says
 * why instead.
 */
export async function readListedUsage(
  store: ReportStore,
  reports: readonly ListedReport[],
  options: { readonly signal?: AbortSignal } = {},
): Promise<ListedUsage[]> {
  const results: ListedUsage[] = [];
  for (const listed of reports) {
    try {
      const bytes = await store.read(listed.key, { maxBytes: MAX_REPORT_BYTES, ...options });
      const reading = await readReportFile(listed.key, {
        read: async () => bytes,
        maxBytes: MAX_REPORT_BYTES,
      });
      const refused = checkReading(reading, listed.checksum);
      results.push(
        refused === undefined ? describeUsage(reading.document.details?.usage) : { error: refused },
      );
    } catch (error) {
      options.signal?.throwIfAborted();
      results.push({ error: `it could not be read (${(error as Error).message})` });
    }
  }
  return results;
}

function describeUsage(value: unknown): ListedUsage {
  const usage = record(value);
  const units = record(usage?.units);
  if (usage === undefined || units === undefined) return {};
  const contract = record(usage.contract);
  const lines = Array.isArray(contract?.lines) ? contract.lines.map(record) : [];
  return {
    units: Object.fromEntries(
      Object.entries(units).map(([unit, n]) => [unit, typeof n === "number" ? n : null]),
    ),
    ...(contract === undefined
      ? {}
      : {
          contract: {
            name: String(contract.name),
            lines: lines.map((line) => ({
              unit: String(line?.unit),
              status: String(line?.status),
              percent: typeof line?.percent === "number" ? line.percent : null,
            })),
          },
        }),
  };
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
