import type { Readable } from "node:stream";

/** SigV4 presigned URLs cannot live longer than 7 days. */
export const MAX_PRESIGN_SECONDS = 604_800;

/** One object to write: its key, streamed bytes and the headers stored with it. */
export interface ReportUpload {
  readonly key: string;
  readonly body: Readable;
  readonly contentType: string;
  /** Suggested download name, stored as Content-Disposition. */
  readonly fileName?: string;
  /** User metadata (lowercase ASCII keys and values), e.g. the report checksum. */
  readonly metadata: Readonly<Record<string, string>>;
  /** Write only if no object has the key (S3 `If-None-Match: *`): a retried schedule stores nothing twice. */
  readonly ifNoneMatch?: boolean;
}

export interface StoredReport {
  readonly bucket: string;
  readonly key: string;
  /** With `ifNoneMatch`: the key already held this object, which was left as it was. */
  readonly alreadyStored?: ObjectHead;
}

/** What is known of a stored object without reading it. */
export interface ObjectHead {
  readonly bytes: number;
  readonly metadata: Readonly<Record<string, string>>;
}

export interface PresignOptions {
  readonly expiresInSeconds: number;
  /** Download name the URL asks the browser or curl -OJ to use. */
  readonly fileName?: string;
}

export interface PresignedLink {
  readonly url: string;
  readonly expiresAt: Date;
  /** Set when the lifetime was cut short, e.g. by the signing credentials' own expiry. */
  readonly shortenedBy?: "credentials";
}

/** One page of keys under a prefix, in key order. */
export interface ListRequest {
  readonly prefix: string;
  /** Only keys after this one (S3's Marker): pages continue where the caller chooses. */
  readonly startAfter?: string;
  /** At most this many keys (S3 answers at most 1,000). */
  readonly maxKeys: number;
}

export interface StoredObject {
  readonly key: string;
  readonly bytes: number;
  /** When the object was written, as the listing tells it. */
  readonly lastModified?: Date;
}

export interface ListedObjects {
  readonly objects: readonly StoredObject[];
  /** More keys follow the last one. */
  readonly truncated: boolean;
}

/**
 * Where reports go. `upload` streams the body and either stores the whole object or leaves nothing
 * (a failed or aborted multipart upload is aborted, so no parts remain) and throws ReportUploadError.
 */
export interface ReportStore {
  readonly bucket: string;
  upload(object: ReportUpload, options?: { readonly signal?: AbortSignal }): Promise<StoredReport>;
  /** A time-limited GET URL for a stored key. */
  presign(key: string, options: PresignOptions): Promise<PresignedLink>;
  /** One listing call: keys under a prefix in key order (ReportStoreReadError on failure). */
  list(request: ListRequest, options?: { readonly signal?: AbortSignal }): Promise<ListedObjects>;
  /**
   * Size and metadata of an object, or undefined when there is none (ReportStoreReadError on
   * failure). Optional: a store without it never lets a retried schedule skip the database.
   */
  head?(key: string, options?: { readonly signal?: AbortSignal }): Promise<ObjectHead | undefined>;
  /** The bytes of a stored object, refused above `maxBytes` (ReportStoreReadError on failure). */
  read(
    key: string,
    options: { readonly maxBytes: number; readonly signal?: AbortSignal },
  ): Promise<Uint8Array>;
}
