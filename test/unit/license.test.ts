import { describe, expect, it } from "vitest";
import { BadParameterError } from "#lib/errors.ts";
import {
  KEYRING_PREFIX,
  parseConfiguredLicense,
  readLicensePayload,
  UNLICENSED,
} from "#lib/report/license.ts";

const document = {
  license: {
    payload: {
      customer: "Example",
      license_key: "TEST_KEY_000",
      license_expiration_date: "2099-12-31",
    },
    signature: "abc",
    version: "1",
  },
};

describe("Function: readLicensePayload", () => {
  it("copies only the two report fields", () => {
    expect(readLicensePayload(JSON.stringify(document))).toEqual({
      license_key: "TEST_KEY_000",
      license_expiration_date: "2099-12-31",
    });
  });

  it("keeps a JSON null and leaves out a missing field, as Kong does", () => {
    const text = JSON.stringify({ license: { payload: { license_key: null } } });
    expect(readLicensePayload(text)).toEqual({ license_key: null });
  });

  it.each(["not json", "{}", '{"license":{}}', "[1]", "null"])("rejects %j", (text) => {
    expect(readLicensePayload(text)).toBeUndefined();
  });
});

describe("Function: parseConfiguredLicense", () => {
  it("accepts JSON and base64 JSON (as KONG_LICENSE_DATA does)", () => {
    const json = JSON.stringify(document);
    expect(parseConfiguredLicense(json).license_key).toBe("TEST_KEY_000");
    expect(parseConfiguredLicense(Buffer.from(json).toString("base64")).license_key).toBe("TEST_KEY_000");
  });

  it("refuses anything else without echoing the input", () => {
    expect(() => parseConfiguredLicense("SECRET-ISH-TEXT", "KONG_LICENSE")).toThrow(
      /KONG_LICENSE is not a Kong license/,
    );
    try {
      parseConfiguredLicense("SECRET-ISH-TEXT");
    } catch (error) {
      expect((error as Error).message).not.toContain("SECRET-ISH-TEXT");
    }
  });
});

describe("Constants: UNLICENSED and KEYRING_PREFIX", () => {
  it("is Kong's built-in payload, with the unpadded date (reference §2.3)", () => {
    expect(UNLICENSED).toEqual({ license_key: "UNLICENSED", license_expiration_date: "2017-7-20" });
  });

  it("recognises keyring-encrypted payloads by Kong's prefix $ke$1$", () => {
    expect(KEYRING_PREFIX).toBe("$ke$1$");
  });
});

describe("Function: readLicensePayload, odd payloads", () => {
  it("rejects a null payload", () => {
    expect(readLicensePayload('{"license":{"payload":null}}')).toBeUndefined();
  });

  it("copies the fields as strings (reference §2.2)", () => {
    const text = JSON.stringify({
      license: { payload: { license_key: 12345, license_expiration_date: true } },
    });
    expect(readLicensePayload(text)).toEqual({ license_key: "12345", license_expiration_date: "true" });
  });
});

describe("Function: parseConfiguredLicense, the refusal", () => {
  it("names the license parameter by default, with the whole message", () => {
    const error = (() => {
      try {
        parseConfiguredLicense("{}");
      } catch (caught) {
        return caught as BadParameterError;
      }
    })();
    expect(error).toBeInstanceOf(BadParameterError);
    expect(error?.parameter).toBe("license");
    expect(error?.message).toBe(
      'The configured license is not a Kong license: expected the license JSON {"license":{"payload":{…},"signature":…}} or its base64 form.',
    );
  });

  it("accepts surrounding whitespace and newlines around JSON or base64", () => {
    const json = JSON.stringify(document);
    expect(parseConfiguredLicense(`\n  ${json}\n`).license_expiration_date).toBe("2099-12-31");
    expect(parseConfiguredLicense(`${Buffer.from(json).toString("base64")}\n`).license_expiration_date).toBe(
      "2099-12-31",
    );
  });
});
