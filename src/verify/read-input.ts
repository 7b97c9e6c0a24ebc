import { open } from "node:fs/promises";
import { MAX_CREDENTIAL_BYTES } from "./offline-checks.js";

/**
 * Reads a credential file for verification without trusting its size: at most `maxBytes + 1`
 * bytes are read, so a huge file costs nothing and is reported as too large by the format check.
 * Throws only when the file cannot be read at all (missing, a directory, no permission).
 *
 * @example
 * const report = await verifyCredential({ source: file, input: await readCredentialInput(file) }, { client, registry });
 */
export async function readCredentialInput(file: string, maxBytes = MAX_CREDENTIAL_BYTES): Promise<Uint8Array> {
  const handle = await open(file, "r");
  try {
    // The size is a hint (the file may grow while read); never more than maxBytes + 1 bytes are read.
    const { size: hint } = await handle.stat();
    const buffer = Buffer.alloc(Math.min(hint, maxBytes) + 1);
    let size = 0;
    while (size < buffer.length) {
      const { bytesRead } = await handle.read(buffer, size, buffer.length - size, size);
      if (bytesRead === 0) break;
      size += bytesRead;
    }
    return buffer.subarray(0, size);
  } finally {
    await handle.close();
  }
}
