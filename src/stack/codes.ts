/**
 * Stable reason codes of a pathway evaluation (never renumbered or reused), beside the
 * verifier's (`src/verify/codes.ts`): one per way a credential is refused as a component, and one
 * per rule that can be unmet.
 */
export const STACK_CODES = [
  "CS-STACK-MET",
  "CS-STACK-NOT-MET",
  // a credential refused as a component
  "CS-STACK-COMPONENT-INVALID", // it fails verification (the verifier's code is in the details)
  "CS-STACK-COMPONENT-REVOKED",
  "CS-STACK-COMPONENT-SUSPENDED",
  "CS-STACK-COMPONENT-EXPIRED",
  "CS-STACK-COMPONENT-UNCHECKED", // could not be checked (RPC down, …): ERROR, never INVALID
  "CS-STACK-COMPONENT-UNSUPPORTED", // not a format v3 credential
  "CS-STACK-WRONG-HOLDER",
  "CS-STACK-DUPLICATE-COMPONENT",
  "CS-STACK-ISSUER-NOT-ALLOWED",
  "CS-STACK-OUTSIDE-WINDOW",
  "CS-STACK-NOT-USED", // valid, but no component takes it
  "CS-STACK-RECOGNITION-NOT-ACCEPTED", // a recognition for this pathway by an issuer it does not list, or for a component that takes none
  "CS-STACK-COUNTED",
  // rules
  "CS-STACK-REQUIRED-MISSING", // a condition's required components are not all filled
  "CS-STACK-LEVEL-TOO-LOW",
  "CS-STACK-GRADE-TOO-LOW",
  "CS-STACK-GRADE-UNDISCLOSED",
  "CS-STACK-CREDITS-OUT-OF-BOUNDS",
  "CS-STACK-TOO-FEW-CREDITS",
  "CS-STACK-LEVEL-SHARE-TOO-LOW",
  "CS-STACK-OUTCOME-MISSING",
  "CS-STACK-TOO-FEW-INSTITUTIONS",
  "CS-STACK-ORDER-VIOLATED",
  "CS-STACK-RULE-MET",
  // claims on chain (the contract's own refusals keep their custom error names, see src/chain/stacking-revert-messages.ts)
  "CS-STACK-PATHWAY-NOT-REGISTERED",
  "CS-STACK-PATHWAY-DIGEST-MISMATCH",
  "CS-STACK-PATHWAY-RETIRED",
  "CS-STACK-ALREADY-AWARDED",
  "CS-STACK-CLAIM-REFUSED", // the contract refused the claim (its custom error is in the details)
  "CS-STACK-AWARDED",
] as const;

export type StackCode = (typeof STACK_CODES)[number];
