import { createPublicClient, http } from "viem";
import { verifyPresentation, createReplayStore } from "../../../present/verify.js";
(globalThis as any).credstack = { verifyPresentation, createReplayStore, createPublicClient, http };
