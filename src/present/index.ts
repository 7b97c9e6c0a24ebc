/**
 * Presentations (#13, docs/spec.md §14): holder keys, derived credentials disclosing chosen fields, W3C VC 2.0
 * presentations signed with EIP-712, and their verification. The keystore file module (Node) is apart:
 * `src/present/keystore-file.ts`; so is the verifier (`./verify.js`), which uses src/verify.
 */
export * from "./keys.js";
export * from "./derive.js";
export * from "./derived-proof.js";
export * from "./presentation.js";
export * from "./request.js";
