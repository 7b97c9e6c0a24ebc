import type { ValidateFunction } from "ajv";

/** The JSON Schema validators credstack builds with ajv, by name. */
export const VALIDATOR_NAMES = ["ob3", "clr", "v3-profile", "v3-derived-profile"] as const;
export type ValidatorName = (typeof VALIDATOR_NAMES)[number];

/**
 * A validator compiled ahead of time, or undefined. In Node, always undefined: each module compiles its schema on
 * first use (the OB 3.0 one from its pinned cache). The browser bundle replaces this module with the validators ajv
 * generated at build time from the same schemas and options (src/web/build/validators.ts), so that the pages never
 * evaluate code at run time and their Content-Security-Policy needs no 'unsafe-eval'.
 */
export function precompiledValidator(_name: ValidatorName): ValidateFunction | undefined {
  return undefined;
}
