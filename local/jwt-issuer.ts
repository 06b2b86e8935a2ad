import { randomUUID } from "node:crypto";
import {
  type CryptoKey,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from "jose";

/**
 * A throwaway OIDC-style token issuer for the local stack: an RS256 key pair made at start-up signs
 * tokens, and `verify` checks them the way API Gateway's JWT authorizer does (signature and key id,
 * issuer, audience as `aud` or `client_id`, expiry and not-before).
 */
export interface LocalIssuer {
  readonly issuer: string;
  readonly audience: string;
  /** Signs a token for `subject` with extra claims (e.g. `cognito:groups`), valid for `ttlSeconds` (default 8 h). */
  sign(subject: string, claims?: Readonly<Record<string, unknown>>, ttlSeconds?: number): Promise<string>;
  /** The verified claims; rejects with the reason API Gateway would give. */
  verify(token: string): Promise<JWTPayload>;
  /** The public key set, as an issuer publishes it at its jwks_uri. */
  jwks(): Promise<{ keys: JWK[] }>;
}

export interface LocalIssuerOptions {
  readonly issuer: string;
  readonly audience: string;
}

/** Creates the issuer and its key pair (private key held in memory only). */
export async function createLocalIssuer(options: LocalIssuerOptions): Promise<LocalIssuer> {
  const { issuer, audience } = options;
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const kid = randomUUID();
  return {
    issuer,
    audience,
    // `claims` may replace the audience (tests of the audience check), never the issuer.
    sign: (subject, claims = {}, ttlSeconds = 8 * 3600) =>
      new SignJWT({ aud: audience, sub: subject, ...claims })
        .setProtectedHeader({ alg: "RS256", kid, typ: "JWT" })
        .setIssuer(issuer)
        .setIssuedAt()
        .setJti(randomUUID())
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(privateKey),
    verify: (token) => verifyLikeApiGateway(token, { issuer, audience, kid, publicKey }),
    jwks: async () => ({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" }] }),
  };
}

async function verifyLikeApiGateway(
  token: string,
  expected: { issuer: string; audience: string; kid: string; publicKey: CryptoKey },
): Promise<JWTPayload> {
  const { payload, protectedHeader } = await jwtVerify(token, expected.publicKey, {
    issuer: expected.issuer,
    algorithms: ["RS256"],
    requiredClaims: ["exp"],
  });
  if (protectedHeader.kid !== expected.kid) throw new Error("the token's kid is not in the issuer's key set");
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (!audiences.includes(expected.audience) && payload.client_id !== expected.audience) {
    throw new Error("the token's aud or client_id is not the configured audience");
  }
  return payload;
}
