import { keccak256, toHex, zeroAddress, zeroHash, type Address } from "viem";
import { getChainId, getCode, readContract } from "viem/actions";
import { credentialRegistryAbi } from "../abi.js";
import { RegistryNotDeployedError, WrongChainError } from "../errors.js";
import { toChainError } from "../to-chain-error.js";
import { readContext, transportUrl, type RegistryReadClient } from "./client.js";

const ACCREDITOR_ROLE = keccak256(toHex("ACCREDITOR_ROLE"));

const chainIds = new WeakMap<object, Promise<number>>();

/**
 * The chain id the client's node serves (`eth_chainId`), asked once per client; a failure is a
 * typed error (`RpcUnreachableError` …) and is not kept.
 *
 * @example
 * const chainId = await nodeChainId(publicClient); // 31337
 */
export function nodeChainId(client: RegistryReadClient): Promise<number> {
  let id = chainIds.get(client);
  if (!id) {
    id = getChainId(client).catch((error: unknown) => {
      chainIds.delete(client);
      throw toChainError(error, { functionName: "eth_chainId", url: transportUrl(client) });
    });
    chainIds.set(client, id);
  }
  return id;
}

/**
 * Checks that the client talks to the expected chain and that a credstack registry answers at
 * `registry`: throws `RpcUnreachableError`, `WrongChainError` (when `expectedChainId`, or else the
 * client's configured chain, differs from the node's) or `RegistryNotDeployedError` (no code at the
 * address, or a contract that does not answer `ACCREDITOR_ROLE()` and `batchOf(0, 0)` as the registry
 * does). Call it once when a session starts; the actions do not repeat the probe (writes do check
 * the chain and that code exists). Resolves to the node's chain id.
 *
 * @example
 * const { chainId } = await assertRegistry(publicClient, deployment.registry, deployment.chainId);
 */
export async function assertRegistry(
  client: RegistryReadClient,
  registry: Address,
  expectedChainId: number | undefined = client.chain?.id,
): Promise<{ chainId: number }> {
  const context = readContext(client, registry, "assertRegistry");
  const call = (functionName: "ACCREDITOR_ROLE" | "batchOf") =>
    readContract(client, {
      address: registry,
      abi: credentialRegistryAbi,
      functionName,
      args: functionName === "batchOf" ? [zeroAddress, zeroHash] : [],
    } as never) as Promise<unknown>;
  try {
    const [chainId, code, role, batch] = await Promise.allSettled([
      getChainId(client),
      getCode(client, { address: registry }),
      call("ACCREDITOR_ROLE"),
      call("batchOf"),
    ]);
    if (chainId.status === "rejected") throw chainId.reason;
    if (expectedChainId !== undefined && chainId.value !== expectedChainId) throw new WrongChainError(expectedChainId, chainId.value);
    if (code.status === "rejected") throw code.reason;
    if (!code.value || code.value === "0x") throw new RegistryNotDeployedError(registry, chainId.value, "no-code");
    const answers = role.status === "fulfilled" && role.value === ACCREDITOR_ROLE && batch.status === "fulfilled";
    if (!answers) {
      const cause = role.status === "rejected" ? role.reason : batch.status === "rejected" ? batch.reason : undefined;
      throw new RegistryNotDeployedError(registry, chainId.value, "not-a-registry", { cause });
    }
    return { chainId: chainId.value };
  } catch (err) {
    throw toChainError(err, { ...context, chainId: expectedChainId ?? context.chainId });
  }
}
