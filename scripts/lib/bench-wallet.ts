import { launchBrowser } from "../../test/ts/helpers/browser.js";
import { webFixture } from "../../test/ts/helpers/web-fixture.js";

/** What {@link benchWallet} measured (milliseconds, medians). */
export interface WalletBenchResult {
  runs: number;
  /** Navigation start → the wallet's `credstack-ready` mark (key state known, credentials listed), fresh profile and cache. */
  coldMs: number;
  /** The same after a reload (scripts from the HTTP cache). */
  warmMs: number;
  /** The browser's floor on the same server: navigation start → load of a page with no script (`/config.json`). */
  floorMs: number;
  /** Bytes of script the wallet page loads first, and with the chunks it loads later (the SDK). */
  walletBytes: number;
  walletTotalBytes: number;
  buildMs: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Time to interactive of the wallet page in headless Chromium (issue #13: ≤ 1 s on this machine), served by
 * `startWebServer` against a real `hardhat node`: `runs` cold loads (each in a new browser context: empty cache
 * and storage) and as many reloads, with the browser's floor on the same server beside them.
 */
export async function benchWallet(runs: number): Promise<WalletBenchResult> {
  const f = await webFixture();
  const browser = await launchBrowser();
  try {
    const readyAt = async (page: import("playwright-core").Page) => {
      await page.waitForSelector("body[data-ready='true']", { timeout: 60_000 }); // no string predicate: the CSP forbids eval
      return page.evaluate(() => performance.getEntriesByName("credstack-ready")[0]?.startTime ?? performance.now());
    };
    const cold: number[] = [];
    const warm: number[] = [];
    const floor: number[] = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(f.walletUrl, { waitUntil: "commit" });
      cold.push(await readyAt(page));
      await page.reload({ waitUntil: "commit" });
      warm.push(await readyAt(page));
      await page.goto(`${f.server.url}/config.json`, { waitUntil: "load" });
      floor.push(
        await page.evaluate(
          () =>
            (performance.getEntriesByType("navigation" as never)[0] as unknown as { loadEventEnd: number }).loadEventEnd
        )
      );
      await context.close();
    }
    return {
      runs,
      coldMs: Math.round(median(cold)),
      warmMs: Math.round(median(warm)),
      floorMs: Math.round(median(floor)),
      walletBytes: f.server.bundle.pageBytes.wallet,
      walletTotalBytes: f.server.bundle.pageTotalBytes.wallet,
      buildMs: f.server.bundle.buildMs,
    };
  } finally {
    await browser.close();
    await f.stopAll();
  }
}
