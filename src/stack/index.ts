/** Stacking: pathways that combine micro-credentials, evaluated after every component is verified. */
export { STACK_CODES, type StackCode } from "./codes.js";
export { componentFactsOf, gradeReaches, type ComponentFacts } from "./component-facts.js";
export { evaluatePathway, type CredentialOutcome, type EvaluateOptions, type PathwayEvaluation, type RuleOutcome } from "./evaluate.js";
export { PATHWAY_FORMAT, parsePathway, pathwayDigest, pathwayIdOf, pathwaySchema, type ComponentCondition, type Pathway, type PathwayComponent } from "./pathway.js";
