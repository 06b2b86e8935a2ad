import { describe, expect, it } from "vitest";
import { parseConfiguredLicense, readLicensePayload } from "#lib/report/license.ts";

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
