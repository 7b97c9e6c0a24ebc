import { keccak256, toHex, type Hex } from "viem";
import { z } from "zod";
import { canonicalJson } from "../credential/disclosure.js";
import { ValidationError } from "../credential/errors.js";
import { scanJson } from "../credential/json-shape.js";
import { toFieldIssues } from "../credential/schema.js";
import { ECTS } from "../credential/v3/vocabulary.js";

/**
 * A pathway (format `credstack-pathway/1`): what an awarding institution publishes to say which
 * micro-credentials stack into a larger qualification. Shaped like Credential Engine's CTDL
 * pathways (docs/research/stacking-brief.md §1, §6): components (`ceterms:hasPart`) that stand in
 * for achievements (`proxyFor`) or are open slots, a tree of conditions (`ComponentCondition`:
 * `requiredNumber` of `targetComponent`s and nested `hasCondition`s, so AND, OR and n-of nest), and
 * rules for what CTDL leaves to constraints (total credits, level, outcomes, institutions, recency,
 * order). Credits are ECTS only (`creditUnit`: the ELM URI): no silent mixing of units.
 */
export const PATHWAY_FORMAT = "credstack-pathway/1";

const uri = z.string().url();
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "an issuer account");
const ects = z.number().nonnegative().max(10_000);
const componentId = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, "a local id: a letter, then letters, digits, _ or -");

const componentSchema = z
  .object({
    id: componentId,
    /** CTDL sub-class: an achievement's credential or course, a competency, or an open slot (`BasicComponent`). */
    type: z.enum(["CredentialComponent", "CourseComponent", "CompetencyComponent", "BasicComponent"]),
    name: z.string().min(1).max(200),
    /** The achievement (its OB 3.0 `id`) that fills the component; absent for an open slot. */
    proxyFor: uri.optional(),
    /**
     * The issuer accounts that award `proxyFor` (required with it): an achievement id is only a URI,
     * which any accredited issuer could also put in its credentials.
     */
    awardedBy: z.array(address).min(1).optional(),
    /** Credits a credential may count for here (ECTS): at least `min`, at most `max` (more is capped). */
    creditValue: z.object({ min: ects.optional(), max: ects.optional() }).strict().optional(),
    /** Lowest EQF level a credential filling the component may have. */
    minEqfLevel: z.number().int().min(1).max(8).optional(),
    /** Lowest grade, where the credential discloses one on a scale it describes (numeric, or a listed value). */
    minGrade: z.string().min(1).max(50).optional(),
    /** Components whose credential must be awarded before this one's (with `rules.order: "required"`). */
    precededBy: z.array(componentId).optional(),
    /** A recognition decision for this component (a credential aligned `ext:RecognizedFor` to it) may fill it. */
    acceptRecognition: z.boolean().optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if ((c.type === "BasicComponent") === (c.proxyFor !== undefined)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["proxyFor"], message: "an open slot (BasicComponent) names no achievement; every other component names one" });
    }
    if ((c.proxyFor !== undefined) !== (c.awardedBy !== undefined)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["awardedBy"], message: "a component naming an achievement names the issuer accounts that award it (and only then)" });
    }
    if (c.creditValue?.min !== undefined && c.creditValue.max !== undefined && c.creditValue.min > c.creditValue.max) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["creditValue"], message: "min is above max" });
    }
  });

export type PathwayComponent = z.infer<typeof componentSchema>;

/** A CTDL `ComponentCondition`: `requiredNumber` of its targets and nested conditions must be met. */
export interface ComponentCondition {
  name?: string;
  requiredNumber: number;
  targetComponent?: string[];
  hasCondition?: ComponentCondition[];
}

const conditionSchema: z.ZodType<ComponentCondition> = z.lazy(() =>
  z
    .object({
      name: z.string().max(200).optional(),
      requiredNumber: z.number().int().min(1),
      targetComponent: z.array(componentId).optional(),
      hasCondition: z.array(conditionSchema).optional(),
    })
    .strict()
    .superRefine((c, ctx) => {
      const n = (c.targetComponent?.length ?? 0) + (c.hasCondition?.length ?? 0);
      if (c.requiredNumber > n) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["requiredNumber"], message: `${c.requiredNumber} required of ${n}` });
      if (new Set(c.targetComponent).size !== (c.targetComponent?.length ?? 0)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["targetComponent"], message: "a component is named twice" });
      }
    }),
);

export const pathwaySchema = z
  .object({
    format: z.literal(PATHWAY_FORMAT),
    type: z.literal("Pathway"),
    id: uri,
    version: z.string().regex(/^\d+\.\d+\.\d+$/, "a semantic version such as 1.0.0"),
    name: z.string().min(3).max(200),
    description: z.string().max(4000).optional(),
    /** The institution that awards the stacked qualification (`ceterms:ownedBy`). */
    awardingBody: z.object({ id: z.string().min(1), name: z.string().min(2).max(200), url: uri.optional() }).strict(),
    /** The stacked achievement (`ceterms:hasDestinationComponent`). */
    destination: z.object({ achievementId: uri, name: z.string().min(3).max(200), eqfLevel: z.number().int().min(1).max(8) }).strict(),
    /** ECTS only: the European Learning Model concept of the credit system. */
    creditUnit: z.literal(ECTS.uri),
    components: z.array(componentSchema).min(1).max(256),
    condition: conditionSchema,
    rules: z
      .object({
        totalCredits: z.object({ min: ects.positive() }).strict().optional(),
        /** At least `minCredits` of the counted credits at EQF `eqfLevel` or above. */
        levelShare: z.object({ eqfLevel: z.number().int().min(1).max(8), minCredits: ects.positive() }).strict().optional(),
        /** ESCO skill URIs each counted component set must cover (by its achievements' alignments). */
        outcomes: z.array(uri).max(100).optional(),
        issuers: z
          .object({ allow: z.array(address).min(1).optional(), minDistinct: z.number().int().min(1).max(256).optional() })
          .strict()
          .optional(),
        /** Every counted credential awarded within `maxAgeDays` of the evaluation. */
        window: z.object({ maxAgeDays: z.number().int().positive().max(36_500) }).strict().optional(),
        /** The issuer accounts whose recognition decisions this pathway accepts (needed by `acceptRecognition`). */
        recognizers: z.array(address).min(1).optional(),
        order: z.enum(["none", "required"]).optional(),
        /** A credential counted for this pathway's award on chain is locked against every other exclusive pathway. */
        exclusive: z.boolean().optional(),
      })
      .strict()
      .default({}),
  })
  .strict()
  .superRefine((p, ctx) => {
    const ids = new Set<string>();
    p.components.forEach((c, i) => {
      if (ids.has(c.id)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["components", i, "id"], message: `component ${c.id} twice` });
      ids.add(c.id);
    });
    const refer = (id: string, path: (string | number)[]) => {
      if (!ids.has(id)) ctx.addIssue({ code: z.ZodIssueCode.custom, path, message: `no component ${id}` });
    };
    p.components.forEach((c, i) => c.precededBy?.forEach((id, k) => refer(id, ["components", i, "precededBy", k])));
    const walk = (c: ComponentCondition, path: (string | number)[]) => {
      c.targetComponent?.forEach((id, k) => refer(id, [...path, "targetComponent", k]));
      c.hasCondition?.forEach((d, k) => walk(d, [...path, "hasCondition", k]));
    };
    walk(p.condition, ["condition"]);
    // Prerequisite order must be a partial order: no component preceded, even indirectly, by itself.
    const before = new Map(p.components.map((c) => [c.id, c.precededBy ?? []]));
    const state = new Map<string, "visiting" | "done">();
    const cyclic = (id: string): boolean => {
      if (state.get(id) === "done") return false;
      if (state.get(id) === "visiting") return true;
      state.set(id, "visiting");
      const found = (before.get(id) ?? []).some(cyclic);
      state.set(id, "done");
      return found;
    };
    p.components.forEach((c, i) => {
      if (cyclic(c.id)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["components", i, "precededBy"], message: `${c.id} is preceded, directly or not, by itself` });
    });
    if (p.components.some((c) => c.acceptRecognition) && !p.rules.recognizers) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["rules", "recognizers"], message: "components accept recognition: name the issuers whose recognitions count" });
    }
  });

export type Pathway = z.infer<typeof pathwaySchema>;

/**
 * Validates a pathway definition; throws a {@link ValidationError} naming every bad field.
 *
 * @example
 * const pathway = parsePathway(JSON.parse(readFileSync("pathway.json", "utf8")), "pathway.json");
 * pathwayDigest(pathway); // what the awarding institution registers on chain
 */
export function parsePathway(input: unknown, source = "pathway"): Pathway {
  // Bounded before zod recurses into it: a condition tree nests a few levels, not hundreds.
  const depth = scanJson(JSON.stringify(input) ?? "null", { maxDepth: MAX_PATHWAY_DEPTH, maxValues: 100_000 });
  if (depth.exceeded) throw new ValidationError(source, [{ field: "(root)", message: `nests deeper than ${MAX_PATHWAY_DEPTH} levels or holds more than 100,000 values` }]);
  const result = pathwaySchema.safeParse(input);
  if (!result.success) throw new ValidationError(source, toFieldIssues(result.error));
  return result.data;
}

/** Deepest nesting a pathway document may have (conditions nest inside conditions). */
export const MAX_PATHWAY_DEPTH = 32;

/** `keccak256` of the RFC 8785 JSON of the pathway: the digest a student and a verifier compare with the one registered. */
export function pathwayDigest(pathway: Pathway): Hex {
  return keccak256(toHex(canonicalJson(pathway)));
}

/** `keccak256(UTF-8(id ‖ "@" ‖ version))`: a pathway version's id on chain. */
export function pathwayIdOf(pathway: Pick<Pathway, "id" | "version">): Hex {
  return keccak256(toHex(`${pathway.id}@${pathway.version}`));
}
