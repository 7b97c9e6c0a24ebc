/** Stacking: pathways that combine micro-credentials, evaluated after every component is verified. */
export { STACK_CODES, type StackCode } from "./codes.js";
export { componentFactsOf, gradeReaches, type ComponentFacts } from "./component-facts.js";
export { evaluatePathway, type CredentialOutcome, type EvaluateOptions, type PathwayEvaluation, type RuleOutcome } from "./evaluate.js";
export { PATHWAY_FORMAT, parsePathway, pathwayDigest, pathwayIdOf, pathwaySchema, type ComponentCondition, type Pathway, type PathwayComponent } from "./pathway.js";
export { buildStackedCredential, CLR_CONTEXTS, StackedCredentialError, type AwardingIssuer, type StackedCredentialInput } from "./clr/build.js";
export { buildClrBatch, writeClrBatchDirectory, type ClrBatchInput } from "./clr/batch.js";
export { clrFacts, isClrCredential, parseClrDocument, type ClrDocument, type ClrFacts } from "./clr/facts.js";
export { onChainRulesOf, type OnChainPathway } from "./onchain-rules.js";
export { countedInputs, findRegisteredPathway, prepareStackClaim, StackClaimError, type StackClaimDraft } from "./claim.js";
