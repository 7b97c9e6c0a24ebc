import { readFile } from "node:fs/promises";
import { parseVerificationRequest, VerificationRequestError, type VerificationRequest } from "../present/request.js";
import { requirePath } from "./context.js";
import { UsageError } from "./output.js";

/** A verification request from a file or its link; a malformed one is a usage error naming the member. */
export async function readRequest(value: string): Promise<VerificationRequest> {
  let text = value;
  if (!value.startsWith("credstack-request:")) {
    await requirePath(value, "file", "The request file");
    text = await readFile(value, "utf8");
  }
  try {
    return parseVerificationRequest(text);
  } catch (error) {
    if (!(error instanceof VerificationRequestError)) throw error;
    throw new UsageError(`The verification request is malformed: ${error.shortMessage}`, { details: error.details ?? "", cause: error });
  }
}

