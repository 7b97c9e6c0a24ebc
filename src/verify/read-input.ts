import { open } from "node:fs/promises";
import { MAX_CREDENTIAL_BYTES } from "./offline-checks.js";

/**
 * Reads a credential file for verification without trusting its size: at most `maxBytes + 1`
 * bytes are read, so a huge file costs nothing and is reported as too large by the format check.
 * Throws only when the file cannot be read at all (missing, a directory, no permission).
 * {@link readCredentialFile} also gives the file's size, for the report.
 *
 * @example
 * const report = await verifyCredential({ source: file, input: await readCredentialInput(file) }, { client, registry });
 */
export async function readCredentialInput(file: string, maxBytes = MAX_CREDENTIAL_BYTES): Promise<Uint8Array> {
  return (await readCredentialFile(file, maxBytes)).input;
}

/**
 * {@link readCredentialInput} as an input to verify: the bytes read, the file's name, and its size on
 * disk (at least the bytes read), which a too-large report gives rather than the bytes read.
 *
 * @example
 * const [report] = await verifyCredentials([await readCredentialFile("huge.json")], { offline: true });
 * report.checks[0].details; // { size: 5242880, maxBytes: 1048576 }
 */
export async function readCredentialFile(
  file: string,
  maxBytes = MAX_CREDENTIAL_BYTES,
): Promise<{ source: string; input: Uint8Array; size: number }> {
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
    return { source: file, input: buffer.subarray(0, size), size: Math.max(hint, size) };
  } finally {
    await handle.close();
  }
}
