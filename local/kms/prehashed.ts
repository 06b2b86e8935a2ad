import { constants, createHash, type KeyObject, privateEncrypt, randomBytes } from "node:crypto";

/**
 * Signatures over a digest computed elsewhere, as KMS's `Sign` with `MessageType: DIGEST` makes
 * them. node:crypto hashes the message itself and has no prehashed ECDSA or RSA-PSS, so this local
 * endpoint does the last step by hand: ECDSA on P-256 (SEC 1, 4.1.3) with BigInt arithmetic, and
 * EMSA-PSS (RFC 8017, 9.1.1) before a raw RSA operation. Loopback emulation only, never shipped;
 * every signature it makes is checked by node:crypto's verify in the tests.
 */

// P-256 (SEC 2, 2.4.2).
const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const A = P - 3n;
const G: Point = {
  x: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
  y: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
};

interface Point {
  readonly x: bigint;
  readonly y: bigint;
}

/** ECDSA P-256 over a 32-byte digest: a DER SEQUENCE { r, s }, as KMS and OpenSSL write it. */
export function signDigestEcdsaP256(key: KeyObject, digest: Buffer): Buffer {
  const jwk = key.export({ format: "jwk" });
  if (jwk.d === undefined) throw new Error("an EC private key is needed");
  const d = toBigInt(Buffer.from(jwk.d, "base64url"));
  const z = toBigInt(digest);
  for (;;) {
    const k = (toBigInt(randomBytes(40)) % (N - 1n)) + 1n;
    const point = multiply(G, k);
    if (point === undefined) continue;
    const r = point.x % N;
    const s = (inverse(k, N) * (z + r * d)) % N;
    if (r !== 0n && s !== 0n) return encodeDerSignature(r, s);
  }
}

/** RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt over a 32-byte digest. */
export function signDigestRsaPss(key: KeyObject, digest: Buffer): Buffer {
  const modulusBits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  const emBits = modulusBits - 1;
  const emLength = Math.ceil(emBits / 8);
  const salt = randomBytes(32);
  const h = createHash("sha256")
    .update(Buffer.concat([Buffer.alloc(8), digest, salt]))
    .digest();
  const db = Buffer.concat([Buffer.alloc(emLength - salt.length - h.length - 2), Buffer.from([1]), salt]);
  const mask = mgf1(h, db.length);
  const maskedDb = Buffer.from(db.map((byte, index) => byte ^ (mask[index] ?? 0)));
  maskedDb[0] = (maskedDb[0] ?? 0) & (0xff >> (8 * emLength - emBits));
  const em = Buffer.concat([maskedDb, h, Buffer.from([0xbc])]);
  const padded = Buffer.concat([Buffer.alloc(Math.ceil(modulusBits / 8) - em.length), em]);
  return privateEncrypt({ key, padding: constants.RSA_NO_PADDING }, padded);
}

function mgf1(seed: Buffer, length: number): Buffer {
  const blocks: Buffer[] = [];
  for (let counter = 0; blocks.length * 32 < length; counter += 1) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    blocks.push(
      createHash("sha256")
        .update(Buffer.concat([seed, c]))
        .digest(),
    );
  }
  return Buffer.concat(blocks).subarray(0, length);
}

function multiply(point: Point, scalar: bigint): Point | undefined {
  let result: Point | undefined;
  let addend: Point | undefined = point;
  for (let k = scalar; k > 0n; k >>= 1n) {
    if ((k & 1n) === 1n) result = add(result, addend);
    addend = add(addend, addend);
  }
  return result;
}

function add(a: Point | undefined, b: Point | undefined): Point | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (a.x === b.x && (a.y + b.y) % P === 0n) return undefined;
  const slope =
    a.x === b.x && a.y === b.y
      ? ((3n * a.x * a.x + A) * inverse(2n * a.y, P)) % P
      : (((b.y - a.y + P) % P) * inverse((b.x - a.x + P) % P, P)) % P;
  const x = (slope * slope - a.x - b.x + 2n * P) % P;
  const y = (slope * ((a.x - x + P) % P) - a.y + P) % P;
  return { x, y };
}

/** a⁻¹ mod m for a prime m (Fermat). */
function inverse(a: bigint, m: bigint): bigint {
  let result = 1n;
  let base = ((a % m) + m) % m;
  for (let e = m - 2n; e > 0n; e >>= 1n) {
    if ((e & 1n) === 1n) result = (result * base) % m;
    base = (base * base) % m;
  }
  return result;
}

function toBigInt(bytes: Buffer): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString("hex")}`);
}

function encodeDerSignature(r: bigint, s: bigint): Buffer {
  const integer = (value: bigint) => {
    let hex = value.toString(16);
    if (hex.length % 2 === 1) hex = `0${hex}`;
    let bytes = Buffer.from(hex, "hex");
    if ((bytes[0] ?? 0) >= 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
    return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
  };
  const body = Buffer.concat([integer(r), integer(s)]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}
