import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { readFileSync } from "node:fs";
import { createPublicClient, createWalletClient, http, type Address } from "viem";
import { hardhat } from "viem/chains";
import {
  accreditIssuer, addOperator, signOperatorConsent, type RegistryReadClient, type RegistryWalletClient,
} from "../../../src/chain/actions/index.js";
import { deployRegistry } from "../../../src/chain/deploy.js";
import type { DeploymentRecord } from "../../../src/chain/deployments.js";
import { startLocalNode, type LocalNode } from "../../../src/chain/local-node.js";
import { issuerProfileDigest } from "../../../src/credential/issuer-profile.js";
import { parseAchievement, type Achievement, type Learner } from "../../../src/credential/schema.js";
import { devAccount } from "./fixtures.js";

/** Roles of the dev accounts in the two-institution fixtures. */
export const ROLE = { admin: 0, uva: 1, uvaOp: 2, ub: 3, ubOp: 4, holder: 5, other: 6 } as const;
export const addr = (role: number): Address => devAccount(role).address;

/** A real `hardhat node` with the registry and stacking registry deployed and two accredited institutions (UvA, UB), each with an operator key. */
export interface TwoInstitutions {
  node: LocalNode;
  tmp: string;
  deployment: DeploymentRecord & { stacking: Address };
  registry: Address;
  stacking: Address;
  chainId: number;
  client: RegistryReadClient;
  wallet: (role: number) => RegistryWalletClient;
  target: { chainId: number; registry: Address };
  stop: () => Promise<void>;
}

export async function twoInstitutions(): Promise<TwoInstitutions> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), "credstack-two-"));
  const node = await startLocalNode();
  const deployment = (await deployRegistry(node.url, { file: path.join(tmp, "deployment.json") })) as DeploymentRecord & { stacking: Address };
  const { registry, chainId } = deployment;
  const chain = { ...hardhat, id: chainId, rpcUrls: { default: { http: [node.url] } } };
  const client = createPublicClient({ chain, transport: http(node.url, { batch: true }) }) as RegistryReadClient;
  const wallet = (role: number) => createWalletClient({ account: devAccount(role), chain, transport: http(node.url) }) as RegistryWalletClient;
  const now = Math.floor(Date.now() / 1000);
  const institutions = [[ROLE.uva, ROLE.uvaOp, "Universiteit van Amsterdam (synthetic)", "NL"], [ROLE.ub, ROLE.ubOp, "Universitat de Barcelona (synthetic)", "ES-CT"]] as const;
  for (const [issuer, op, name, country] of institutions) {
    await accreditIssuer(wallet(ROLE.admin), {
      registry, issuer: addr(issuer), profileDigest: issuerProfileDigest({ name, country }), maxEqfLevel: 8,
      validFrom: now - 365 * 86_400, validUntil: now + 5 * 365 * 86_400,
    });
    const consent = await signOperatorConsent(devAccount(op), { registry, chainId, issuer: addr(issuer), deadline: now + 86_400 });
    await addOperator(wallet(issuer), { registry, consent });
  }
  return {
    node, tmp, deployment, registry, stacking: deployment.stacking, chainId, client, wallet, target: { chainId, registry },
    stop: async () => {
      await node.stop();
      await rm(tmp, { recursive: true, force: true });
    },
  };
}

/** A seed course awarded by `issuer`, with `change` applied to its JSON. */
export function seedCourse(name: string, issuer: Address, change: (raw: any) => void = () => undefined): Achievement { // eslint-disable-line @typescript-eslint/no-explicit-any
  const raw = JSON.parse(readFileSync(`seeds/courses/${name}.json`, "utf8"));
  raw.awardingBody = { ...raw.awardingBody, address: issuer };
  change(raw);
  return parseAchievement(raw);
}

export const learner = (id: string, wallet: Address, grade: string, date = "2026-06-30"): Learner => ({ id, name: `Learner ${id}`, wallet, grade, date });
