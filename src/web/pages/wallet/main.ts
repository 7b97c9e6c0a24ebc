import { verifyPresentation, createReplayStore } from "../../../present/verify.js";
import { deriveCredential } from "../../../present/derive.js";
import { createHolderKey } from "../../../present/keys.js";
(globalThis as any).credstack = { verifyPresentation, createReplayStore, deriveCredential, createHolderKey };
