import { expect } from "chai";
import fc from "fast-check";
import { bytesToHex, getAddress, hashTypedData, keccak256, stringToBytes, zeroAddress } from "viem";
import { keccakReady } from "../../src/credential/keccak.js";
import type { DerivedProofData } from "../../src/present/derived-proof.js";
import { comparePointers, fromBase64url, jcs, toBase64url } from "../../src/present/fields.js";
import { presentationDigest } from "../../src/present/presentation-digest.js";
import { PRESENTATION_TYPES, presentationDomain, presentationMessage } from "../../src/present/presentation.js";

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

  it("comparePointers orders by UTF-8 bytes, as encoding both does, lone surrogates included", () => {
    const utf8 = new TextEncoder();
    const reference = (a: string, b: string) => {
      const [x, y] = [utf8.encode(a), utf8.encode(b)];
      for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
      return x.length - y.length;
    };
    const unit = fc.constantFrom("a", "b", "/", "~", "\u007f", "\u00e9", "\u0800", "\ud7ff", "\ud800", "\udbff", "\udc00", "\udfff", "\ue000", "\uffff");
    const pointer = fc.string({ unit, maxLength: 6 });
    fc.assert(
      fc.property(pointer, pointer, (a, b) => {
        expect(Math.sign(comparePointers(a, b))).to.equal(Math.sign(reference(a, b)));
      }),
      { numRuns: 20_000 },
    );
  });
});

describe("presentations: the EIP-712 digest (#13)", () => {
  before(() => keccakReady); // the WebAssembly keccak, as a verifier uses it

  it("presentationDigest is viem's hashTypedData of the presentation types, on random messages and chains", () => {
    const hex32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => bytesToHex(b));
    const message = fc.record({
      holder: fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => getAddress(bytesToHex(b))),
      challenge: fc.string({ unit: "grapheme", maxLength: 80 }),
      domain: fc.string({ maxLength: 80 }),
      expires: fc.string({ maxLength: 40 }),
      credentials: fc.array(fc.record({ content: hex32, hidden: fc.array(hex32, { maxLength: 6 }) }), { minLength: 1, maxLength: 4 }),
    });
    const chainId = fc.oneof(fc.constantFrom(1, 31337, 11155111), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }));
    fc.assert(
      fc.property(message, chainId, (m, id) => {
        const expected = hashTypedData({ domain: presentationDomain(id), types: PRESENTATION_TYPES, primaryType: "Presentation", message: m });
        expect(presentationDigest({ chainId: id, message: m })).to.equal(expected);
      }),
      { numRuns: 1_000 },
    );
  });

  it("presentationMessage's content hash is keccak256 of the credential's JCS form", () => {
    const vc = { "@context": ["https://www.w3.org/ns/credentials/v2"], name: "é ✓ \u{1F600}", proof: [] } as Record<string, unknown>;
    const hidden = [keccak256(stringToBytes("hidden"))];
    const proofs = [{ hidden } as DerivedProofData];
    const m = presentationMessage({ holder: zeroAddress, challenge: "c", domain: "d", expires: "e", credentials: [vc], proofs });
    expect(m.credentials).to.deep.equal([{ content: keccak256(stringToBytes(jcs(vc))), hidden }]);
  });
});
