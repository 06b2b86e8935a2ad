// Minimal types for @20minutes/s3rver 4 (it ships none): what the test helpers use.
declare module "@20minutes/s3rver" {
  import type { AddressInfo } from "node:net";

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
    configureBuckets?: Array<{ name: string; configs?: Array<string | Buffer> }>;
  }

  interface FilesystemStore {
    getResourcePath(bucket: string, key: string | undefined, resource: string): string;
    listObjects(bucket: string, options: { prefix?: string }): Promise<{ objects: Array<{ key: string }> }>;
  }

  export default class S3rver {
    constructor(options?: S3rverOptions);
    readonly store: FilesystemStore;
    run(): Promise<AddressInfo | string | null>;
    close(): Promise<void>;
    reset(): void;
  }
}

declare module "@20minutes/s3rver/lib/routes.js" {
  interface KoaContext {
    params: Record<string, string>;
    path: string;
    query: Record<string, string | string[] | undefined>;
    status: number;
    type: string;
    body: unknown;
    store: { getResourcePath(bucket: string | undefined, key: string | undefined, resource: string): string };
  }
  type Middleware = (ctx: KoaContext, next: () => Promise<void>) => unknown;
  interface Layer {
    path: string;
    methods: string[];
    stack: Middleware[];
  }
  const router: { stack: Layer[] };
  export default router;
}
