/**
 * What to do about a failed S3 call, from the failure itself: the advice names what exists where the
 * message appears (a bucket name, a region, credentials, the network), never a cause it cannot have.
 * The store is used by the Lambdas and the CLI alike, so the advice speaks of "the credentials in
 * use", not of a function.
 */
export function adviseOnS3Failure(
  error: unknown,
  permission: "s3:PutObject" | "s3:ListBucket" | "s3:GetObject",
): string {
  const name = error instanceof Error ? error.name : "";
  const code = error instanceof Error ? String((error as { code?: unknown }).code ?? "") : "";
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  if (name === "NoSuchBucket") return "Check the bucket's name: it does not exist.";
  if (name === "NoSuchKey") return "The object is gone: the bucket's lifecycle rules may have expired it.";
  if (name === "PermanentRedirect" || name === "AuthorizationHeaderMalformed" || status === 301) {
    return "The bucket is in another region: set AWS_REGION to the bucket's region.";
  }
  if (name === "CredentialsProviderError" || /credential/i.test(name)) {
    return "No AWS credentials were found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run with a role.";
  }
  if (/region is missing/i.test(error instanceof Error ? error.message : "")) {
    return "No AWS region is set: set AWS_REGION to the bucket's region.";
  }
  if (
    name === "AccessDenied" ||
    name === "InvalidAccessKeyId" ||
    name === "SignatureDoesNotMatch" ||
    name === "ExpiredToken" ||
    status === 403
  ) {
    return `Check that the credentials in use are valid and may use ${permission} on this bucket and prefix.`;
  }
  // AWS's own S3 host for a region that does not exist does not resolve: the region is the likely cause.
  const region = code === "ENOTFOUND" ? readS3Region(error as Error) : undefined;
  if (region !== undefined) {
    return `S3 has no address for region "${region}": check AWS_REGION (the bucket's region), then the network.`;
  }
  if (
    /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EPIPE|ECONNABORTED)$/.test(code) ||
    name === "TimeoutError"
  ) {
    return "S3 could not be reached: check the network (or AWS_ENDPOINT_URL_S3, when set), then retry.";
  }
  return "Retry; if it fails again, S3's answer above says why.";
}

/** The region in the host name of AWS's own S3 endpoint that failed to resolve (s3.<region>.amazonaws.com). */
function readS3Region(error: Error): string | undefined {
  const host = (error as { hostname?: unknown }).hostname;
  const text = typeof host === "string" ? host : error.message;
  return /(?:^|[\s.])s3[.-](?:dualstack\.)?([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\b/.exec(text)?.[1];
}
