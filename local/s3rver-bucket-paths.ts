import router from "@20minutes/s3rver/lib/routes.js";

let installed = false;

/**
 * s3rver 4 signs a bucket-level request (ListObjectsV2: GET /bucket/?list-type=2) over the canonical
 * URI "/bucket", while the SDK, like S3 itself, signs the path it sends, "/bucket/". Every such
 * request then fails with SignatureDoesNotMatch. This lets its SigV4 check see the trailing slash
 * the request really has (the check itself stays on), then restores the bucket name for the routes.
 */
export function installBucketPathSignatureFix(): void {
  if (installed) return;
  installed = true;
  const layer = router.stack.find((item) => item.path === "/:bucket?/:key*");
  const authenticate = layer?.stack.at(-1);
  if (layer === undefined || authenticate === undefined)
    throw new Error("s3rver's authentication route was not found");
  layer.stack[layer.stack.length - 1] = (ctx, next) => {
    const bucket = ctx.params.bucket;
    const bucketLevel =
      typeof bucket === "string" && bucket !== "" && !ctx.params.key && ctx.path === `/${bucket}/`;
    if (!bucketLevel) return authenticate(ctx, next);
    ctx.params.bucket = `${bucket}/`;
    return authenticate(ctx, () => {
      ctx.params.bucket = bucket;
      return next();
    });
  };
}
