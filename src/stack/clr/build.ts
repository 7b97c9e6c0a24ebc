import { randomUUID } from "node:crypto";
import { getAddress, type Address } from "viem";
import { CLR_CREDENTIAL_SCHEMA_ID } from "../../credential/clr-schema.js";
import { CredstackError } from "../../credential/errors.js";
import {
  CLR_V2_CONTEXT_URL, CREDSTACK_V3_CONTEXT_URL, OB_EXTENSIONS_CONTEXT_URL, OB_V3_CONTEXT_URL, VC_V2_CONTEXT_URL,
} from "../../credential/jsonld.js";
import { ALIGNMENT_TYPES } from "../../credential/v3/achievement.js";
import { ECTS, eqfLevelConcept } from "../../credential/v3/vocabulary.js";
import type { VerifyInput } from "../../verify/offline.js";
import { componentFactsOf } from "../component-facts.js";
import type { PathwayEvaluation } from "../evaluate.js";
import { pathwayDigest, type Pathway } from "../pathway.js";
import { CLR_TYPE, COMPONENT_ASSOCIATION } from "./facts.js";

/** The `@context` of a stacked credential: VC 2.0, CLR 2.0.1, OB 3.0.3 (the schema's order), OB extensions, credstack v3. */
export const CLR_CONTEXTS = [VC_V2_CONTEXT_URL, CLR_V2_CONTEXT_URL, OB_V3_CONTEXT_URL, OB_EXTENSIONS_CONTEXT_URL, CREDSTACK_V3_CONTEXT_URL] as const;

/** A stacked credential cannot be built: the evaluation is not met, of another pathway, or a component is unfit. */
export class StackedCredentialError extends CredstackError {
  override name = "StackedCredentialError";
  constructor(shortMessage: string, readonly code: string, readonly field: string) {
    super(shortMessage, { details: `${field}: ${code}` });
  }
}

/** The awarding institution, as the stacked credential names it (its `issuer` Profile). */
export interface AwardingIssuer {
  /** The issuer account that anchors the batch (its did:pkh is the credential's `issuer.id`). */
  account: Address;
  /** The name the issuer is accredited under. */
  name: string;
  /** ISO 3166-1 alpha-2 country code. */
  country: string;
  /** ISO 3166-2 subdivision (`ES-CT`) when the accreditation names one; default the country. */
  region?: string;
  url?: string;
}

/** What {@link buildStackedCredential} takes. */
export interface StackedCredentialInput {
  pathway: Pathway;
  /** `evaluatePathway(pathway, credentials, …)`: must be met, complete, and of this pathway. */
  evaluation: PathwayEvaluation;
  /** The credentials given to `evaluatePathway`, in the same order (the evaluation names them by index). */
  credentials: readonly VerifyInput[];
  issuer: AwardingIssuer;
  /** Issuing date (default now, whole seconds). */
  validFrom?: Date;
  validUntil?: Date;
  /** The credential's id (default a random `urn:uuid:`). */
  id?: string;
}

type Json = Record<string, unknown>;
const isoSeconds = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

/** A credential input as a plain object (JSON text, bytes, a parsed object, or any of those with a source name). */
export function credentialObject(input: VerifyInput): Json | undefined {
  const raw = input !== null && typeof input === "object" && "input" in input && "source" in input ? (input as { input: unknown }).input : input;
  try {
    const value = typeof raw === "string" ? JSON.parse(raw) : raw instanceof Uint8Array ? JSON.parse(Buffer.from(raw).toString("utf8")) : raw;
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Builds the stacked credential of a met pathway evaluation: a 1EdTech CLR 2.0 `ClrCredential`
 * (docs/spec.md §12) whose subject is the holder, embedding the component credentials the
 * evaluation counted, as issued (their proofs included); listing the destination achievement
 * (EQF level of the pathway, `creditsAvailable` = the ECTS counted) and each component's
 * achievement; and linking each component achievement to the destination with an `isChildOf`
 * `Association`. The document has no proof yet: {@link buildClrBatch} batches it. Throws
 * {@link StackedCredentialError}: not met (`CS-STACK-NOT-MET`), incomplete, another pathway, or a
 * component that is not a v3 credential of the holder (`CS-STACK-WRONG-HOLDER`).
 *
 * @example
 * const evaluation = await evaluatePathway(pathway, files, { client, registry });
 * const clr = buildStackedCredential({ pathway, evaluation, credentials: files, issuer: { account, name, country: "NL" } });
 * const batch = buildClrBatch({ credentials: [clr], issuer: account, target: { chainId, registry } });
 */
export function buildStackedCredential(input: StackedCredentialInput): Json {
  const { pathway, evaluation, credentials, issuer } = input;
  if (evaluation.pathway.digest !== pathwayDigest(pathway)) {
    throw new StackedCredentialError(`The evaluation is of pathway ${evaluation.pathway.id} ${evaluation.pathway.version}, not of ${pathway.id} ${pathway.version}.`, "CS-STACK-PATHWAY-MISMATCH", "evaluation.pathway");
  }
  if (evaluation.incomplete) throw new StackedCredentialError("Some credentials could not be checked: evaluate again once the chain answers.", "CS-STACK-COMPONENT-UNCHECKED", "evaluation");
  if (!evaluation.met || !evaluation.holder) {
    const unmet = evaluation.rules.filter((r) => !r.met).map((r) => `${r.rule} (${r.code})`);
    throw new StackedCredentialError(`The pathway is not met${unmet.length ? `: ${unmet.join(", ")}` : ""}; no stacked credential is issued.`, "CS-STACK-NOT-MET", "evaluation.met");
  }
  const holder = evaluation.holder;
  const filled = evaluation.components.filter((c) => c.filledBy !== undefined);
  const components = filled.map((c) => {
    const field = `credentials[${c.filledBy}]`;
    const vc = c.filledBy! < credentials.length ? credentialObject(credentials[c.filledBy!]!) : undefined;
    const facts = vc && componentFactsOf(vc);
    if (!vc || !facts) throw new StackedCredentialError(`The credential filling ${c.name} is not a format v3 credential.`, "CS-STACK-COMPONENT-UNSUPPORTED", field);
    if (facts.holder !== holder) {
      throw new StackedCredentialError(`The credential filling ${c.name} is bound to ${facts.holder}; the award is for ${holder}.`, "CS-STACK-WRONG-HOLDER", `${field}.credentialSubject.id`);
    }
    return { vc, subject: vc.credentialSubject as Json, credits: c.credits ?? 0 };
  });
  if (components.length === 0) throw new StackedCredentialError("The evaluation counts no component.", "CS-STACK-NOT-MET", "evaluation.components");

  const account = getAddress(issuer.account);
  const subjectId = String(components[0]!.subject.id); // the holder's did:pkh, as the components write it
  const chainId = Number(subjectId.split(":")[3]);
  const url = issuer.url ?? pathway.awardingBody.url;
  const profile = {
    id: `did:pkh:eip155:${chainId}:${account}`,
    type: ["Profile"],
    name: issuer.name,
    ...(url ? { url } : {}),
    address: { type: ["Address"], addressCountryCode: issuer.country, addressRegion: issuer.region ?? issuer.country },
  };
  const centi = components.reduce((sum, c) => sum + Math.round(c.credits * 100), 0);
  const eqf = eqfLevelConcept(pathway.destination.eqfLevel);
  const destination = {
    id: pathway.destination.achievementId,
    type: ["Achievement"],
    achievementType: "Certificate",
    name: pathway.destination.name,
    description: `Awarded for completing the pathway ${pathway.name} (${pathway.id}, version ${pathway.version}) with ${components.length} stacked credentials.`,
    criteria: { id: pathway.id, narrative: `Pathway ${pathway.id} version ${pathway.version} (digest ${evaluation.pathway.digest}), every rule met.` },
    creditsAvailable: centi / 100,
    creator: profile,
    alignment: [
      { type: ["Alignment"], targetName: eqf.label, targetUrl: eqf.uri, targetFramework: "European Qualifications Framework", targetType: ALIGNMENT_TYPES.eqf, targetCode: String(pathway.destination.eqfLevel) },
      { type: ["Alignment"], targetName: ECTS.label, targetUrl: ECTS.uri, targetDescription: `creditsAvailable is in ECTS credits counted by the pathway (${centi / 100})`, targetFramework: "European Learning Model", targetType: ALIGNMENT_TYPES.creditSystem },
    ],
  };
  const achievements = new Map<string, unknown>();
  for (const c of components) {
    const a = c.subject.achievement as Json;
    if (!achievements.has(String(a.id))) achievements.set(String(a.id), a);
  }
  const identifiers = new Map<string, unknown>();
  for (const c of components) for (const x of (c.subject.identifier as unknown[] | undefined) ?? []) identifiers.set(JSON.stringify(x), x);
  return {
    "@context": [...CLR_CONTEXTS],
    id: input.id ?? `urn:uuid:${randomUUID()}`,
    type: ["VerifiableCredential", CLR_TYPE],
    issuer: profile,
    validFrom: isoSeconds(input.validFrom ?? new Date()),
    ...(input.validUntil ? { validUntil: isoSeconds(input.validUntil) } : {}),
    name: pathway.destination.name,
    credentialSubject: {
      id: subjectId,
      type: ["ClrSubject"],
      ...(identifiers.size ? { identifier: [...identifiers.values()] } : {}),
      achievement: [destination, ...achievements.values()],
      association: [...achievements.keys()].map((id) => ({ type: "Association", associationType: COMPONENT_ASSOCIATION, sourceId: id, targetId: destination.id })),
      verifiableCredential: components.map((c) => c.vc),
    },
    credentialSchema: [{ id: CLR_CREDENTIAL_SCHEMA_ID, type: "1EdTechJsonSchemaValidator2019" }],
  };
}
