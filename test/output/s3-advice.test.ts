import { describe, expect, it } from "vitest";
import { adviseOnS3Failure } from "#lib/aws/s3-advice.ts";

/** An error as the SDK throws it: a name, a message, an HTTP status; or a socket error with its code. */
const sdkError = (name: string, status?: number, message = name) =>
  Object.assign(new Error(message), {
    name,
    ...(status === undefined ? {} : { $metadata: { httpStatusCode: status } }),
  });

// S3's failures a local server cannot all produce (a region redirect, missing credentials): their
// shapes as the SDK throws them, to pin that each gets the advice that fits it and no other.
describe("Function: adviseOnS3Failure", () => {
  it.each([
    [sdkError("NoSuchBucket", 404), "Check the bucket's name: it does not exist."],
    [sdkError("NoSuchKey", 404), "The object is gone: the bucket's lifecycle rules may have expired it."],
    [
      sdkError("PermanentRedirect", 301),
      "The bucket is in another region: set AWS_REGION to the bucket's region.",
    ],
    [
      sdkError("AuthorizationHeaderMalformed", 400),
      "The bucket is in another region: set AWS_REGION to the bucket's region.",
    ],
    [
      sdkError("CredentialsProviderError", undefined, "Could not load credentials from any providers"),
      "No AWS credentials were found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run with a role.",
    ],
    [
      sdkError("Error", undefined, "Region is missing"),
      "No AWS region is set: set AWS_REGION to the bucket's region.",
    ],
    [
      sdkError("AccessDenied", 403),
      "Check that the credentials in use are valid and may use s3:ListBucket on this bucket and prefix.",
    ],
    [
      sdkError("SignatureDoesNotMatch", 403),
      "Check that the credentials in use are valid and may use s3:ListBucket on this bucket and prefix.",
    ],
    [
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }),
      "S3 could not be reached: check the network (or AWS_ENDPOINT_URL_S3, when set), then retry.",
    ],
    [
      Object.assign(new Error("getaddrinfo ENOTFOUND s3.nowhere-1.amazonaws.com"), {
        code: "ENOTFOUND",
        hostname: "s3.nowhere-1.amazonaws.com",
      }),
      'S3 has no address for region "nowhere-1": check AWS_REGION (the bucket\'s region), then the network.',
    ],
    [
      // Virtual-hosted style, the host named only in the message.
      Object.assign(new Error("getaddrinfo ENOTFOUND reports.s3.eu-west-9.amazonaws.com"), {
        code: "ENOTFOUND",
      }),
      'S3 has no address for region "eu-west-9": check AWS_REGION (the bucket\'s region), then the network.',
    ],
    [
      // Another host (AWS_ENDPOINT_URL_S3) that does not resolve says nothing of a region.
      Object.assign(new Error("getaddrinfo ENOTFOUND minio.internal"), {
        code: "ENOTFOUND",
        hostname: "minio.internal",
      }),
      "S3 could not be reached: check the network (or AWS_ENDPOINT_URL_S3, when set), then retry.",
    ],
    [sdkError("InternalError", 500), "Retry; if it fails again, S3's answer above says why."],
  ])("%s → %s", (error, advice) => {
    expect(adviseOnS3Failure(error, "s3:ListBucket")).toBe(advice);
  });

  it("never says the bucket may not exist for a region, credential or network failure", () => {
    for (const error of [
      sdkError("PermanentRedirect", 301),
      sdkError("CredentialsProviderError"),
      Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" }),
    ]) {
      expect(adviseOnS3Failure(error, "s3:PutObject")).not.toMatch(/bucket exists|bucket's name/);
    }
  });
});
