/** Runs `fn` with `globalThis.fetch` replaced by one that records the call and throws: proof that nothing is fetched. */
export async function withoutNetwork<T>(fn: () => Promise<T>): Promise<{ result: T; fetches: string[] }> {
  const original = globalThis.fetch;
  const fetches: string[] = [];
  globalThis.fetch = (async (input: unknown) => {
    fetches.push(String(input));
    throw new Error("network access in a test");
  }) as typeof fetch;
  try {
    return { result: await fn(), fetches };
  } finally {
    globalThis.fetch = original;
  }
}
