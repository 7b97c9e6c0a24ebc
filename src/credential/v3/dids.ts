/** `did:key:…` or `did:web:…`: the DID methods a v3 issuer may sign with (a light module: the verifier imports it). */
export const SIGNING_DID = /^did:(key:z[1-9A-HJ-NP-Za-km-z]+|web:[A-Za-z0-9.%-]+(:[A-Za-z0-9._%-]+)*)$/;
