import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Address } from "viem";
import { buildBatch, manifestDigest } from "../../../src/batch/build.js";
import type { CredentialRecordV3 } from "../../../src/batch/format.js";
import { toVerifiableCredential } from "../../../src/batch/v3/credential.js";
import { anchorBatch } from "../../../src/chain/actions/index.js";
import type { Achievement } from "../../../src/credential/schema.js";
import { startWebServer, type WebServer } from "../../../src/web/server.js";
import { ROLE, addr, learner, seedCourse, twoInstitutions, type TwoInstitutions } from "./two-institutions.js";

/**
 * The end-to-end setting: a real `hardhat node` with two accredited institutions (./two-institutions.ts)
 * and the wallet and verifier pages served on 127.0.0.1 against it, trusting its registry.
 */
export interface WebFixture extends TwoInstitutions {
  server: WebServer;
  /** `http://127.0.0.1:<port>/wallet/` and `/verifier/`. */
  walletUrl: string;
  verifierUrl: string;
  /**
   * Issues and anchors one credential of `course` (default: the seed course, by UvA) to `holder` with
   * `grade`, writes it as a VC 2.0 JSON file under the fixture's temporary folder and returns the path.
   */
  issueTo: (params: {
    holder: Address;
    grade?: string;
    studentId?: string;
    course?: Achievement;
    issuer?: number;
  }) => Promise<string>;
  stopAll: () => Promise<void>;
}

export async function webFixture(params: { pathways?: unknown[] } = {}): Promise<WebFixture> {
  const f = await twoInstitutions();
  const server = await startWebServer({
    config: {
      rpcUrl: f.node.url,
      chainId: f.chainId,
      registry: f.registry,
      stacking: f.stacking,
      trustSource: "test fixture",
      pathways: params.pathways ?? [],
    },
  });
  let n = 0;
  const issueTo: WebFixture["issueTo"] = async ({ holder, grade = "8.5", studentId, course, issuer = ROLE.uva }) => {
    const operator = issuer === ROLE.uva ? ROLE.uvaOp : ROLE.ubOp;
    const achievement = course ?? seedCourse("smart-contract-security", addr(issuer));
    const batch = buildBatch(achievement, [learner(studentId ?? `S${1000 + n}`, holder, grade)], f.target);
    await anchorBatch(f.wallet(operator), {
      registry: f.registry,
      root: batch.manifest.root,
      leafCount: batch.manifest.leafCount,
      manifestDigest: manifestDigest(batch.manifest),
    });
    const dir = path.join(f.tmp, "credentials");
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, `credential-${++n}.json`);
    await writeFile(file, JSON.stringify(toVerifiableCredential(batch.credentials[0] as CredentialRecordV3), null, 2));
    return file;
  };
  return {
    ...f,
    server,
    issueTo,
    walletUrl: `${server.url}/wallet/`,
    verifierUrl: `${server.url}/verifier/`,
    stopAll: async () => {
      await server.stop();
      await f.stop();
    },
  };
}
