import { describe, expect, it } from "vitest";
import { selectEntitlements } from "#lib/usage/license-entitlements.ts";

// A license document as Kong stores it in `licenses.payload` and takes from KONG_LICENSE_DATA: the
// payload's counts are strings ("3"), its other entitlements plain text (reference §5).
const licenseOf = (payload: Record<string, unknown>) =>
  JSON.stringify({ license: { payload, signature: "FAKE-SIGNATURE", version: "1" } });

const FULL = licenseOf({
  admin_seats: "2",
  customer: "Example Corp (FAKE TEST LICENSE)",
  dataplanes: "3",
  license_creation_date: "2025-02-14",
  license_expiration_date: "2026-02-14",
  license_key: "FAKE-TEST-LICENSE-KEY",
  product_subscription: "Kong Enterprise Edition",
  support_plan: "Platinum",
});
const FULL_ENTITLEMENTS = {
  customer: "Example Corp (FAKE TEST LICENSE)",
  product_subscription: "Kong Enterprise Edition",
  support_plan: "Platinum",
  dataplanes: 3,
  admin_seats: 2,
};

/** Kong's built-in payload when no license is active (counters/sales/init.lua). */
const UNLICENSED = {
  customer: "UNLICENSED",
  product_subscription: "UNLICENSED",
  support_plan: "UNLICENSED",
  dataplanes: 0,
  admin_seats: 0,
};

describe("Function: selectEntitlements", () => {
  it("reads a configured license as JSON or in its base64 form (as KONG_LICENSE_DATA allows)", () => {
    expect(selectEntitlements("configured", FULL, [])).toStrictEqual(FULL_ENTITLEMENTS);
    expect(selectEntitlements("configured", Buffer.from(FULL).toString("base64"), [])).toStrictEqual(
      FULL_ENTITLEMENTS,
    );
    // A byte-order mark and a final newline, as an editor saves the file.
    expect(selectEntitlements("configured", `\uFEFF${FULL}\n`, [])).toStrictEqual(FULL_ENTITLEMENTS);
  });

  it("gives nothing for entitlements an older license does not carry", () => {
    const old = licenseOf({ license_key: "K", license_expiration_date: "2026-02-14" });

    expect(selectEntitlements("configured", old, [])).toStrictEqual({
      customer: null,
      product_subscription: null,
      support_plan: null,
      dataplanes: null,
      admin_seats: null,
    });
  });

  it("reads counts as whole numbers only, from a string or a JSON number", () => {
    const counts = (dataplanes: unknown, admin_seats: unknown) => {
      const { dataplanes: d, admin_seats: a } = selectEntitlements(
        "configured",
        licenseOf({ dataplanes, admin_seats }),
        [],
      );
      return [d, a];
    };

    expect(counts(" 10 ", 5)).toStrictEqual([10, 5]); // spaces around a string count; a JSON number
    expect(counts("0", 0)).toStrictEqual([0, 0]);
    expect(counts("-1", -1)).toStrictEqual([null, null]); // no negative counts
    expect(counts("1.5", 2.5)).toStrictEqual([null, null]); // no fractions
    expect(counts("unlimited", true)).toStrictEqual([null, null]);
    // 15 digits is the longest count read; 16 could lose precision.
    expect(counts("999999999999999", 2 ** 53)).toStrictEqual([999_999_999_999_999, null]);
    expect(counts("1000000000000000", null)).toStrictEqual([null, null]);
  });

  it("shows a numeric customer, subscription or plan as text, and anything else as nothing", () => {
    const entitlements = selectEntitlements(
      "configured",
      licenseOf({ customer: 4711, product_subscription: ["Kong"], support_plan: null }),
      [],
    );

    expect(entitlements).toMatchObject({ customer: "4711", product_subscription: null, support_plan: null });
  });

  it("takes the first readable row of `licenses`, as Kong does", () => {
    const other = licenseOf({ customer: "Second Row Corp", dataplanes: "9" });

    expect(
      selectEntitlements("licenses", undefined, ["not json", '{"license": {}}', FULL, other]),
    ).toStrictEqual(FULL_ENTITLEMENTS);
  });

  it("falls back to Kong's UNLICENSED payload when no license can be read", () => {
    expect(selectEntitlements("unlicensed", undefined, [FULL])).toStrictEqual(UNLICENSED);
    expect(selectEntitlements("licenses", undefined, ["not json", '{"license": null}'])).toStrictEqual(
      UNLICENSED,
    );
    expect(selectEntitlements("licenses", undefined, [])).toStrictEqual(UNLICENSED);
    // Configured without a text (the report said so, the caller has none) or a text that is not a license.
    expect(selectEntitlements("configured", undefined, [FULL])).toStrictEqual(UNLICENSED);
    expect(selectEntitlements("configured", "not a license", [])).toStrictEqual(UNLICENSED);
    // A payload that is not an object has no entitlements. The row is still the one the report read its
    // license from (the first readable row), so a later row's entitlements are not shown beside it.
    expect(selectEntitlements("configured", '{"license": {"payload": ["K"]}}', [])).toStrictEqual(UNLICENSED);
    expect(
      selectEntitlements("licenses", undefined, ['{"license": {"payload": ["K"]}}', FULL]),
    ).toStrictEqual(UNLICENSED);
  });
});
