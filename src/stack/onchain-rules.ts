import { getAddress, zeroAddress, type Address, type Hex } from "viem";
import { achievementIdOf } from "../batch/leaf.js";
import type { OnChainPathwayLists, OnChainPathwayRules } from "../chain/actions/index.js";
import { compareHex } from "../chain/packed-credentials.js";
import { ValidationError } from "../credential/errors.js";
import { pathwayDigest, type ComponentCondition, type Pathway } from "./pathway.js";

const DAY = 86_400;

/** A pathway's on-chain rules and lists, and what of the definition only the SDK enforces. */
export interface OnChainPathway {
  rules: OnChainPathwayRules;
  lists: OnChainPathwayLists;
  /** Rules of the definition a contract cannot check from leaf fields (enforced by `evaluatePathway`). */
  offChainOnly: string[];
}

/**
 * Projects a pathway definition onto the stacking registry's rules (docs/spec.md §13.2): total
 * credits, the lowest EQF level every component requires, the listed achievements (each bound to
 * its issuer when one issuer awards it), the condition tree flattened into n-of groups, how many
 * unlisted components the open slots take (at least the required ones, at most all), the issuer
 * allow-list, distinct institutions, the window and exclusivity. Where the contract cannot check a
 * rule it is named in `offChainOnly`; where it is stricter (a recognition filling a named
 * component), a claim the SDK accepts may be refused on chain, never the reverse. The
 * definition's digest names the whole rule set. Throws {@link ValidationError} naming the field
 * when the condition tree is not an AND of n-of choices over named achievements (e.g. an OR of
 * ANDs), which the contract cannot express.
 *
 * @example
 * const { rules, lists } = onChainRulesOf(pathway);
 * await registerPathway(issuerWallet, { stacking, pathwayId: pathwayIdOf(pathway), rules, lists });
 */
export function onChainRulesOf(pathway: Pathway, source = "pathway"): OnChainPathway {
  const fail = (field: string, message: string): never => {
    throw new ValidationError(source, [{ field, message: `${message}: not expressible on chain` }]);
  };
  const named = pathway.components.filter((c) => c.proxyFor !== undefined);
  const ids = named.map((c) => achievementIdOf(c.proxyFor!));
  if (new Set(ids).size !== ids.length) fail("components", "two components name the same achievement");
  const bit = new Map(named.map((c, i) => [c.id, 1n << BigInt(i)]));

  const groups: OnChainPathwayLists["groups"] = [];
  let allOf = 0n;
  let requiredOpenSlots = 0;
  const flatten = (c: ComponentCondition, path: string, inAnd: boolean) => {
    const items = (c.targetComponent?.length ?? 0) + (c.hasCondition?.length ?? 0);
    const isAnd = c.requiredNumber === items;
    if (isAnd && inAnd) {
      // An AND inside an AND: its parts join the parent's.
      for (const id of c.targetComponent ?? []) {
        const b = bit.get(id);
        if (b === undefined) requiredOpenSlots++; // an open slot: at least this many unlisted components
        else allOf |= b;
      }
      (c.hasCondition ?? []).forEach((d, k) => flatten(d, `${path}.hasCondition[${k}]`, true));
      return;
    }
    if (c.hasCondition?.length) fail(path, "a choice among nested conditions");
    let members = 0n;
    for (const id of c.targetComponent ?? []) {
      const b = bit.get(id);
      if (b === undefined) fail(`${path}.targetComponent`, `a choice that an open slot (${id}) can satisfy`);
      members |= b!;
    }
    groups.push({ requiredNumber: c.requiredNumber, members });
  };
  flatten(pathway.condition, "condition", true);
  if (allOf !== 0n) groups.unshift({ requiredNumber: popcount(allOf), members: allOf });

  const rules = pathway.rules;
  // Recognisers are not added: off chain their credentials count only as recognitions, which the contract cannot tell apart.
  const allow = rules.issuers?.allow ?? [];
  const issuers = [...new Set(allow.map((a) => getAddress(a)))].sort(compareHex) as Address[];
  const levels = pathway.components.map((c) => c.minEqfLevel ?? 0);
  const minCreditsCenti = Math.round((rules.totalCredits?.min ?? 0) * 100);
  const openSlots = pathway.components.length - named.length;
  if (openSlots > 255) fail("components", "more than 255 open slots");
  if (minCreditsCenti === 0 && groups.length === 0 && requiredOpenSlots === 0) fail("rules.totalCredits", "neither credits nor required achievements");
  const offChainOnly = [
    ...(rules.levelShare ? ["levelShare"] : []),
    ...(rules.outcomes?.length ? ["outcomes"] : []),
    ...(rules.order === "required" ? ["order"] : []),
    ...(pathway.components.some((c) => c.minGrade !== undefined) ? ["minGrade"] : []),
    ...(pathway.components.some((c) => c.creditValue !== undefined) ? ["creditValue"] : []),
    ...(pathway.components.some((c) => (c.minEqfLevel ?? 0) > Math.min(...levels)) ? ["component minEqfLevel above the lowest"] : []),
    ...(named.some((c) => c.awardedBy!.length > 1) ? ["awardedBy with several issuers"] : []),
    ...(pathway.components.some((c) => c.acceptRecognition) || rules.recognizers
      ? ["recognition (on chain a recognition counts only in an open slot, from an allowed issuer)"]
      : []),
  ];
  return {
    rules: {
      definitionDigest: pathwayDigest(pathway),
      minCreditsCenti,
      minEqfLevel: Math.min(...levels),
      minDistinctIssuers: rules.issuers?.minDistinct ?? 0,
      maxAgeSeconds: (rules.window?.maxAgeDays ?? 0) * DAY,
      minUnlisted: requiredOpenSlots,
      maxUnlisted: openSlots,
      exclusive: rules.exclusive ?? false,
    },
    lists: {
      issuers,
      achievementIds: ids as Hex[],
      achievementIssuers: named.map((c) => (c.awardedBy!.length === 1 ? getAddress(c.awardedBy![0]!) : zeroAddress)),
      groups,
    },
    offChainOnly,
  };
}

function popcount(x: bigint): number {
  let n = 0;
  for (; x !== 0n; x &= x - 1n) n++;
  return n;
}
