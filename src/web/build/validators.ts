import standaloneModule from "ajv/dist/standalone/index.js";
import { compileClrSchema } from "../../credential/clr-schema.js";
import { generateValidatorCode } from "../../credential/ob3-schema.js";
import type { ValidatorName } from "../../credential/precompiled-validators.js";
import { compileProfileSchema } from "../../credential/v3/facts.js";

const standaloneCode = standaloneModule as unknown as typeof standaloneModule.default;

/**
 * The standalone (CommonJS) code ajv generates for each validator the shared modules use, from the same schemas and
 * options as in Node: what the browser bundle runs instead of compiling at run time (no `new Function`, so no
 * 'unsafe-eval'). The OB 3.0 code is the pinned code of its Node cache (`generateValidatorCode`).
 */
export function validatorSources(): Record<ValidatorName, string> {
  const standalone = ({ ajv, validate }: ReturnType<typeof compileClrSchema>) => standaloneCode(ajv, validate);
  return {
    ob3: generateValidatorCode(),
    clr: standalone(compileClrSchema()),
    "v3-profile": standalone(compileProfileSchema(false)),
    "v3-derived-profile": standalone(compileProfileSchema(true)),
  };
}
