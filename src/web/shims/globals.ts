/**
 * Globals Node provides and shared modules use without importing (injected into the browser bundle by
 * esbuild's `inject`): `Buffer` (the `buffer` package, the browser Buffer every bundler uses, with Node's base64url: ./buffer.ts).
 */
export { Buffer } from "./buffer.js";
