import router from "@20minutes/s3rver/lib/routes.js";

let installed = false;

/** The router's context as these handlers use it (s3rver has no types for it). */
interface WriteContext {
  readonly params: { bucket: string; key: string; queryMethod?: string };
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly store: { existsObject(bucket: string, key: string): Promise<boolean> };
  status: number;
  type: string;
  body: unknown;
}

/**
 * S3 conditional writes (user guide, "conditional writes"): PutObject and CompleteMultipartUpload
 * with `If-None-Match: *` fail with 412 PreconditionFailed when the key exists, and S3 accepts no
 * other value there (501). s3rver 4 ignores the header on writes (it honours it on GET only), so
 * this adds the check to its PUT and POST object routes, after its SigV4 check, which stays on.
 */
export function installConditionalWrites(): void {
  if (installed) return;
  installed = true;
  for (const method of ["PUT", "POST"] as const) {
    const layer = router.stack.find(
      (item) => item.path === "/:bucket/:key+" && item.methods.includes(method),
    );
    const original = layer?.stack.at(-1);
    if (layer === undefined || original === undefined)
      throw new Error(`s3rver's ${method} object route was not found`);
    layer.stack[layer.stack.length - 1] = async (ctx, next) => {
      const write = ctx as unknown as WriteContext;
      const query = write.params.queryMethod;
      // PutObject (PUT without a sub-resource) and CompleteMultipartUpload (POST ?uploadId).
      const conditional = method === "PUT" ? query === undefined : query === "uploadId";
      const condition = write.headers["if-none-match"];
      if (!conditional || condition === undefined) return original(ctx, next);
      if (condition !== "*")
        return refuse(write, 501, "NotImplemented", "If-None-Match on a write takes only *.");
      if (await write.store.existsObject(write.params.bucket, write.params.key)) {
        return refuse(
          write,
          412,
          "PreconditionFailed",
          "At least one of the pre-conditions you specified did not hold",
        );
      }
      return original(ctx, next);
    };
  }
}

function refuse(ctx: WriteContext, status: number, code: string, message: string): void {
  ctx.status = status;
  ctx.type = "application/xml";
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}
