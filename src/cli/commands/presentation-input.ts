import type { VerifyInput } from "../../verify/index.js";

/** Whether a read file holds a W3C VerifiablePresentation (rather than a credential). */
export function isPresentationInput(input: VerifyInput): boolean {
  try {
    const raw = (input as { input?: unknown }).input;
    const text = typeof raw === "string" ? raw : raw instanceof Uint8Array ? Buffer.from(raw).toString("utf8") : "";
    const type = (JSON.parse(text) as { type?: unknown }).type;
    return Array.isArray(type) && type.includes("VerifiablePresentation");
  } catch {
    return false;
  }
}

