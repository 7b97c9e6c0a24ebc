import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

/**
 * Real headless Chromium for the end-to-end tests: Debian's `chromium` (`.ci/run` installs it when
 * missing; elsewhere `apt-get install -y chromium`, or set CHROMIUM_PATH) driven by playwright-core.
 * The flags keep it off the network this machine does not have (background services, updates, sync).
 */

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-default-apps",
];

/** Where the tests save their screenshots (gitignored): test/artifacts/screenshots. */
export const SCREENSHOTS_DIR = path.resolve("test/artifacts/screenshots");

/** The viewport widths every key screen is captured at: a phone and a laptop. */
export const WIDTHS = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 900 } } as const;

function requireChromium(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `No Chromium at ${CHROMIUM_PATH}: install Debian's (apt-get install -y chromium) or set CHROMIUM_PATH.`
    );
  }
}

/** A browser with a fresh, throwaway profile per context (`browser.newContext()`). */
export async function launchBrowser(): Promise<Browser> {
  requireChromium();
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS, headless: true });
}

/** A browser profile on disk (IndexedDB survives reloads within it), removed by `close()`. */
export async function launchProfile(viewport: { width: number; height: number } = WIDTHS.desktop): Promise<{
  context: BrowserContext;
  dir: string;
  close: () => Promise<void>;
}> {
  requireChromium();
  const dir = await mkdtemp(path.join(os.tmpdir(), "credstack-profile-"));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM_PATH,
    args: ARGS,
    headless: true,
    viewport,
    acceptDownloads: true,
  });
  return {
    context,
    dir,
    close: async () => {
      await context.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Collects the page's uncaught errors and console errors, so a test can assert there were none. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !/favicon/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  return errors;
}

/**
 * Saves a screenshot of the page at both widths as `<name>-390.png` and `<name>-1280.png` under
 * {@link SCREENSHOTS_DIR}, restoring the viewport after; returns the paths.
 */
export async function screenshotBoth(page: Page, name: string): Promise<string[]> {
  await mkdir(SCREENSHOTS_DIR, { recursive: true });
  const before = page.viewportSize();
  const files: string[] = [];
  for (const size of [WIDTHS.phone, WIDTHS.desktop]) {
    await page.setViewportSize(size);
    const file = path.join(SCREENSHOTS_DIR, `${name}-${size.width}.png`);
    await page.screenshot({ path: file, fullPage: true });
    files.push(file);
  }
  if (before) await page.setViewportSize(before);
  return files;
}
