import { expect } from "chai";
import fc from "fast-check";
import { fromBase64url, toBase64url } from "../../src/present/fields.js";

/** The reference reading of base64url: decode with atob, then accept only what re-encodes to the same text. */
function referenceFromBase64url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  let binary: string;
  try {
    binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  } catch {
    return undefined;
  }
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return toBase64url(bytes) === text ? bytes : undefined;
}

/** The fast paths of src/present's encodings agree with their plain definitions. */
describe("presentations: encodings (#13)", () => {
  it("fromBase64url accepts exactly the canonical base64url of some bytes, as decoding and re-encoding does", () => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const near = fc.string({ unit: fc.constantFrom(...alphabet, "=", "+", "/", " ", "é", "\u{1F600}"), maxLength: 24 });
    const canonical = fc.uint8Array({ maxLength: 64 }).map((b) => toBase64url(b));
    fc.assert(
      fc.property(fc.oneof(near, canonical, canonical.map((t) => t.slice(0, -1))), (text) => {
        expect(fromBase64url(text)).to.deep.equal(referenceFromBase64url(text));
      }),
      { numRuns: 5_000 },
    );
    expect(fromBase64url("")).to.deep.equal(new Uint8Array());
    expect(fromBase64url("AQ")).to.deep.equal(Uint8Array.of(1));
    expect(fromBase64url("AR")).to.equal(undefined); // unused bits set: not canonical
    expect(fromBase64url("AQ==")).to.equal(undefined); // padding
    expect(fromBase64url("AQIDB")).to.equal(undefined); // 4k + 1 characters
  });
});
