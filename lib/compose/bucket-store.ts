import { createS3Client, createS3ReportStore } from "../aws/s3-report-store.ts";
import type { ReportStore } from "../store/report-store.ts";

/** A report store on one S3 bucket, as the CLI opens it (uploads, history); close it when done. */
export interface BucketStore {
  readonly store: ReportStore;
  /** Whether the SDK found a region (AWS_REGION or the profile's); a missing one fails every call. */
  hasRegion(): Promise<boolean>;
  close(): void;
}

/** Opens the store of `bucket` with the SDK's credentials, at `endpoint` when given (a local S3). */
export function openBucketStore(options: {
  readonly bucket: string;
  readonly endpoint?: string;
}): BucketStore {
  const client = createS3Client(options.endpoint === undefined ? {} : { endpoint: options.endpoint });
  return {
    store: createS3ReportStore({ client, bucket: options.bucket }),
    hasRegion: () =>
      client.config.region().then(
        (region) => region !== "",
        () => false,
      ),
    close: () => client.destroy(),
  };
}
