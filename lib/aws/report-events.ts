import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandOutput,
} from "@aws-sdk/client-eventbridge";
import { toMessageClause } from "./sdk-message-clause.ts";

/** The event's source and detail-type: rules match on them (infra/monitoring.yml, docs/monitoring.md). */
export const EVENT_SOURCE = "kong-license-report";
export const EVENT_DETAIL_TYPE = "License Report Generated";

/** The detail of `License Report Generated`: enough to route, alert or fetch without opening the report. */
export interface ReportGeneratedDetail {
  cluster: string | null;
  cluster_segment: string;
  as_of: string;
  bucket: string;
  key: string;
  checksum: string;
  generated_at: string;
  trigger: string;
  /** details.usage.units: Kong's contract units; null for a report read without details. */
  units: Readonly<Record<string, number | null>> | null;
  license: { expires: string | null; days_to_expiry: number | null } | null;
  contract: { name: string; lines: Array<{ unit: string; status: string; percent: number | null }> } | null;
}

/** An EventBridge client: the SDK's region, credentials and endpoint rules (AWS_ENDPOINT_URL_EVENTBRIDGE). */
export function createEventBridgeClient(): EventBridgeClient {
  return new EventBridgeClient({});
}

/**
 * Puts one `License Report Generated` event on `eventBus` (a name or an ARN). PutEvents answers 200
 * even when the entry was refused: a FailedEntryCount is an error too.
 */
export async function putReportEvent(
  client: EventBridgeClient,
  eventBus: string,
  detail: ReportGeneratedDetail,
  options: { readonly signal?: AbortSignal } = {},
): Promise<void> {
  let answer: PutEventsCommandOutput;
  try {
    answer = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: eventBus,
            Source: EVENT_SOURCE,
            DetailType: EVENT_DETAIL_TYPE,
            Detail: JSON.stringify(detail),
            Time: new Date(detail.generated_at),
          },
        ],
      }),
      options.signal === undefined ? {} : { abortSignal: options.signal },
    );
  } catch (error) {
    throw new Error(`PutEvents to ${eventBus} failed: ${describe(error)}`, { cause: error });
  }
  const failed = answer as {
    FailedEntryCount?: number;
    Entries?: Array<{ ErrorCode?: string; ErrorMessage?: string }>;
  };
  if ((failed.FailedEntryCount ?? 0) > 0) {
    const entry = failed.Entries?.[0];
    throw new Error(
      `PutEvents to ${eventBus} refused the event: ${[entry?.ErrorCode ?? "unknown", toMessageClause(entry?.ErrorMessage ?? "")].filter((part) => part !== "").join(": ")}`,
    );
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, 200);
  const message = toMessageClause(error.message);
  return message === "" ? error.name : `${error.name}: ${message}`;
}
