import { expect } from "chai";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Browser, BrowserContext, Download, Page } from "playwright-core";
import { buildBatch } from "../../src/batch/build.js";
import type { CredentialRecordV3 } from "../../src/batch/format.js";
import { toVerifiableCredential } from "../../src/batch/v3/credential.js";
import { revokeCredentials } from "../../src/chain/actions/index.js";
import { createVerificationRequest, requestLink } from "../../src/present/request.js";
import { createReplayStore, verifyPresentation } from "../../src/present/verify.js";
import { decryptWalletBackup, WALLET_BACKUP_FORMAT } from "../../src/present/wallet-backup.js";
import { verifyCredential } from "../../src/verify/verify-credentials.js";
import { launchBrowser, launchProfile, screenshotBoth, watchErrors, WIDTHS } from "./helpers/browser.js";
import { ROLE, addr, learner, seedCourse } from "./helpers/two-institutions.js";
import { webFixture, type WebFixture } from "./helpers/web-fixture.js";

/**
 * The student's wallet (#13) in real headless Chromium against a real hardhat node: key, import, cards and their
 * status, pathway progress, presenting with a hidden grade (verified in Node, and on the verifier page when it is
 * there), the share log, backup and restore in a fresh profile. Screenshots: test/artifacts/screenshots/wallet-*.
 */

/** The little of the page's `document` the wait predicates use (this file compiles without the DOM lib). */
type InPageDocument = { querySelectorAll(selector: string): { length: number }; querySelector(selector: string): unknown };

describe("wallet page (e2e: Chromium + hardhat node)", function () {
  this.timeout(600_000);
  const PASSWORD = "correct horse battery staple";
  const GRADE = "8.5";
  const DOMAIN = "admissions.example";
  const WAIT = { timeout: 120_000 };
  let f: WebFixture;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let address: string;
  const files: Record<string, string> = {};

  const card = (title: string) =>
    page.locator("article.credential-card", { has: page.locator("h3", { hasText: title }) });
  const waitReady = async (p: Page) => {
    await p.waitForSelector("body[data-ready='true']", WAIT);
    return p.evaluate(() => performance.getEntriesByName("credstack-ready")[0]?.startTime ?? Number.NaN);
  };
  /** Every card's status and the pathways are in. */
  const settled = (p: Page) =>
    p.waitForFunction(
      // A function, not a string: the page's CSP (no 'unsafe-eval') refuses string predicates.
      () => {
        const d = (globalThis as unknown as { document: InPageDocument }).document;
        return d.querySelectorAll("article.credential-card[data-status='checking']").length === 0 &&
          !d.querySelector("#pathways-panel [data-state='checking']");
      },
      undefined,
      WAIT,
    );
  const importFiles = async (...paths: string[]) => {
    await page.setInputFiles("#import-file", paths);
    await page.waitForFunction(
      (n) => (globalThis as unknown as { document: InPageDocument }).document.querySelectorAll("#import-messages li").length === n,
      paths.length,
      WAIT,
    );
  };
  const downloadOf = async (p: Page, selector: string): Promise<{ download: Download; text: string }> => {
    const [download] = await Promise.all([p.waitForEvent("download", WAIT), p.click(selector)]);
    return { download, text: await readFile((await download.path())!, "utf8") };
  };

  before(async () => {
    const seed = JSON.parse(await readFile("seeds/pathways/responsible-blockchain-engineering.json", "utf8"));
    // The seed pathway names the demo's Barcelona account; the fixture's Barcelona is dev account ROLE.ub.
    seed.components[1].awardedBy = [addr(ROLE.ub)];
    f = await webFixture({ pathways: [seed] });
    console.log(
      `      wallet bundle: ${f.server.bundle.pageBytes.wallet} bytes (built in ${f.server.bundle.buildMs} ms)`,
    );
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: WIDTHS.desktop, acceptDownloads: true });
    page = await context.newPage();
    errors = watchErrors(page);
  });
  after(async () => {
    await browser?.close();
    await f?.stopAll();
  });

  it("creates a key (password twice, strength hint) and shows its address and did:pkh", async () => {
    await page.goto(f.walletUrl);
    const tti = await waitReady(page);
    console.log(`      time to interactive (empty wallet): ${Math.round(tti)} ms`);
    await page.fill("#new-password", "short");
    expect(await page.textContent("#password-strength-words")).to.equal("too short");
    await page.fill("#new-password", PASSWORD);
    expect(await page.textContent("#password-strength-words")).to.equal("strong");
    await page.fill("#new-password-again", "something else entirely");
    await page.click("#create-key");
    expect(await page.textContent("#key-message")).to.match(/differ/);
    await page.fill("#new-password-again", PASSWORD);
    await screenshotBoth(page, "wallet-key");
    await page.click("#create-key");
    await page.waitForSelector("#key-state[data-state='unlocked']", WAIT);
    address = (await page.textContent("#holder-address"))!;
    expect(address).to.match(/^0x[0-9a-fA-F]{40}$/);
    expect(await page.textContent("#holder-did")).to.equal(`did:pkh:eip155:${f.chainId}:${address}`);
  });

  it("locks, refuses a wrong password, unlocks", async () => {
    await page.click("#lock-key");
    await page.waitForSelector("#unlock-password");
    await page.fill("#unlock-password", "not the password at all");
    await page.click("#unlock-key");
    await page.waitForSelector("#key-message[data-kind='error']", WAIT);
    expect(await page.textContent("#key-message")).to.match(/Wrong password/);
    await page.fill("#unlock-password", PASSWORD);
    await page.press("#unlock-password", "Enter");
    await page.waitForSelector("#key-state[data-state='unlocked']", WAIT);
  });

  it("imports an issued credential with the file picker: a card with title, issuer, ECTS, EQF and valid", async () => {
    files.scs = await f.issueTo({ holder: address as `0x${string}`, grade: GRADE });
    await importFiles(files.scs);
    expect(await page.getAttribute("#import-messages li", "data-kind")).to.equal("added");
    const scs = card("Smart Contract Security");
    await scs.locator("[data-status='valid']").waitFor(WAIT);
    expect(await scs.locator("[data-fact='issuer']").textContent()).to.equal("Universiteit van Amsterdam (synthetic)");
    expect(await scs.locator("[data-fact='country']").textContent()).to.equal("NL");
    expect(await scs.locator("[data-fact='ects']").textContent()).to.equal("5");
    expect(await scs.locator("[data-fact='eqf']").textContent()).to.equal("6");
    expect(await scs.locator("[data-fact='outcomes'] li").count()).to.equal(3);
    expect(await scs.locator(".status-label").textContent()).to.equal("valid");
    expect(await scs.locator("[data-trust]").getAttribute("data-trust")).to.equal("trusted");
    await settled(page);
    const pathway = page.locator("article.pathway").first();
    expect(await pathway.getAttribute("data-met")).to.equal("false");
    expect(await pathway.locator("[data-credits]").getAttribute("data-credits")).to.equal("5/9");
    expect(await pathway.locator("[data-rule='condition']").textContent()).to.match(
      /missing: Data Protection by Design/,
    );
  });

  it("a second institution's credential completes the pathway", async () => {
    const course = seedCourse("data-protection-by-design", addr(ROLE.ub));
    files.dpbd = await f.issueTo({ holder: address as `0x${string}`, grade: "Notable", course, issuer: ROLE.ub });
    await importFiles(files.dpbd);
    await card("Data Protection by Design").locator("[data-status='valid']").waitFor(WAIT);
    await settled(page);
    const pathway = page.locator("article.pathway").first();
    expect(await pathway.getAttribute("data-met")).to.equal("true");
    expect(await pathway.locator("[data-rule='totalCredits']").getAttribute("data-met")).to.equal("true");
    // The learning outcomes open from the keyboard.
    await card("Smart Contract Security").locator("summary").focus();
    await page.keyboard.press("Enter");
    expect(await card("Smart Contract Security").locator("[data-fact='outcomes']").isVisible()).to.equal(true);
    await screenshotBoth(page, "wallet-cards");
  });

  it("refuses a tampered file, a malformed one and a duplicate, naming the file and the reason; warns for another holder's", async () => {
    const original = JSON.parse(await readFile(files.scs!, "utf8"));
    original.credentialSubject.result[0].value = "10";
    const tampered = path.join(f.tmp, "tampered.json");
    await writeFile(tampered, JSON.stringify(original));
    const malformed = path.join(f.tmp, "malformed.json");
    await writeFile(malformed, JSON.stringify({ ...original, type: ["Diploma"] }));
    const crypto = seedCourse("smart-contract-security", addr(ROLE.uva), (raw) => {
      raw.title = "Applied Cryptography";
      raw.id = "https://credentials.univ-amsterdam.example/achievements/applied-cryptography";
    });
    files.other = await f.issueTo({ holder: addr(ROLE.other), grade: "7", course: crypto });
    await importFiles(tampered, malformed, files.scs!, files.other);
    const rows = await page.$$eval("#import-messages li", (lis) =>
      lis.map((li) => ({ kind: li.getAttribute("data-kind"), text: li.textContent })),
    );
    expect(rows[0]).to.include({ kind: "refused" });
    expect(rows[0]!.text).to.match(/tampered\.json: refused — Integrity check failed: .*\[CS-INTEGRITY-/);
    expect(rows[1]).to.include({ kind: "refused" });
    expect(rows[1]!.text).to.match(/malformed\.json: refused — field type/);
    expect(rows[2]).to.include({ kind: "refused" });
    expect(rows[2]!.text).to.match(/credential-1\.json: refused — already in your wallet/);
    expect(rows[3]).to.include({ kind: "warning" });
    expect(rows[3]!.text).to.contain(addr(ROLE.other));
    expect(await card("Applied Cryptography").locator("[data-warning='holder']").count()).to.equal(1);
    expect(await page.locator("article.credential-card").count()).to.equal(3);
  });

  it("shows a credential anchored on another registry as from an unknown issuer (a warning), and removes it", async () => {
    const course = seedCourse("smart-contract-security", addr(ROLE.uva), (raw) => {
      raw.title = "Blockchain Governance";
      raw.id = "https://credentials.univ-amsterdam.example/achievements/blockchain-governance";
    });
    const batch = buildBatch(course, [learner("S9", address as `0x${string}`, "8")], {
      chainId: f.chainId,
      registry: "0x000000000000000000000000000000000000dEaD",
    });
    const file = path.join(f.tmp, "elsewhere.json");
    await writeFile(file, JSON.stringify(toVerifiableCredential(batch.credentials[0] as CredentialRecordV3)));
    await importFiles(file);
    const elsewhere = card("Blockchain Governance");
    await elsewhere.locator("[data-status='untrusted']").waitFor(WAIT);
    expect(await elsewhere.locator(".status-label").textContent()).to.equal("unknown issuer");
    expect(await elsewhere.locator("[data-code]").getAttribute("data-code")).to.equal("CS-ANCHOR-WRONG-REGISTRY");
    expect(await elsewhere.locator("[data-trust]").getAttribute("data-trust")).to.equal("unknown");
    expect(await elsewhere.locator(".badge.state-invalid").count()).to.equal(0); // a warning, not a red cross
    page.once("dialog", (dialog) => void dialog.accept());
    await elsewhere.getByRole("button", { name: "Remove" }).click();
    await elsewhere.waitFor({ state: "detached", ...WAIT });
    expect(await page.locator("article.credential-card").count()).to.equal(3);
  });

  let presentation: string;
  let request: ReturnType<typeof createVerificationRequest>;

  it("answers a verification request with the grade hidden: the downloaded presentation verifies VALID in Node", async () => {
    request = createVerificationRequest({
      domain: DOMAIN,
      disclose: ["name"],
      achievements: ["https://credentials.univ-amsterdam.example/achievements/smart-contract-security"],
    });
    await page.fill("#request-input", requestLink(request));
    await page.click("#read-request");
    await page.waitForSelector("#request-summary", WAIT);
    await page.waitForSelector("#present-choices fieldset.fields", WAIT); // the requested achievement is pre-chosen
    expect(await page.textContent("#request-summary [data-request='domain']")).to.equal(DOMAIN);
    expect(await page.textContent("#request-summary [data-request='disclose']")).to.contain("name");
    const choice = page.locator(".choice", { has: page.locator("strong", { hasText: "Smart Contract Security" }) });
    expect(await choice.locator("input[type='checkbox']").first().isChecked()).to.equal(true);
    // The other holder's credential cannot be chosen.
    expect(await page.locator(".choice input[data-credential-id]:disabled").count()).to.equal(1);
    const fields = choice.locator("fieldset.fields");
    expect(await fields.locator("input[data-field='name']").isChecked()).to.equal(true); // asked for
    expect(await fields.locator("input[data-field='grade']").isChecked()).to.equal(false);
    expect(await fields.locator("input[data-always='true']:disabled").count()).to.be.greaterThan(0);
    await page.locator("#present").scrollIntoViewIfNeeded();
    await screenshotBoth(page, "wallet-present");
    await page.click("#create-presentation");
    await page.waitForSelector("#presentation-result .presentation", WAIT);
    const { download, text } = await downloadOf(page, "#download-presentation");
    expect(download.suggestedFilename()).to.match(/^presentation-admissions\.example-.*\.json$/);
    presentation = text;
    expect(text).not.to.contain(`"${GRADE}"`);
    const vp = JSON.parse(text);
    expect(vp.verifiableCredential).to.have.length(1);
    expect(vp.verifiableCredential[0].credentialSubject.result).to.equal(undefined);
    const report = await verifyPresentation(text, {
      challenge: request.challenge,
      domain: DOMAIN,
      replay: createReplayStore({ ttlMs: 600_000 }),
      client: f.client,
      registry: f.registry,
    });
    expect(report.status).to.equal("VALID");
    expect(report.checks.map((c) => c.code)).to.deep.equal(["CS-PRESENTATION-VALID", "CS-HOLDER-VALID"]);
    expect(report.holder).to.equal(address);
    expect(report.disclosed[0]!.revealed.some((p) => p.startsWith("/credentialSubject/result"))).to.equal(false);
    expect(await page.locator("#qr-note, #presentation-qr").count()).to.equal(1);
    await page.locator("#presentation-result").scrollIntoViewIfNeeded();
    await screenshotBoth(page, "wallet-result");
  });

  it("presents without a request (challenge and domain typed in); another tab of the wallet sees it logged", async () => {
    const other = await context.newPage();
    const otherErrors = watchErrors(other);
    await other.goto(f.walletUrl);
    await waitReady(other);
    const manual = createVerificationRequest({ domain: "employer.example" });
    await page.click("#manual-present summary");
    await page.fill("#manual-challenge", manual.challenge);
    await page.fill("#manual-domain", "employer.example");
    await page.click("#use-manual");
    await page.waitForSelector("#request-summary[data-via='manual']", WAIT);
    await page
      .locator(".choice", { has: page.locator("strong", { hasText: "Data Protection by Design" }) })
      .locator("input[data-credential-id]")
      .check();
    await page.click("#create-presentation");
    await page.waitForSelector("#presentation-result .presentation[data-domain='employer.example']", WAIT);
    const text = await page.inputValue("#presentation-json");
    const report = await verifyPresentation(text, {
      challenge: manual.challenge,
      domain: "employer.example",
      replay: createReplayStore({ ttlMs: 600_000 }),
      client: f.client,
      registry: f.registry,
    });
    expect(report.status).to.equal("VALID");
    // Nothing asked, nothing chosen: the grade is hidden (its scale's values, in the achievement, stay).
    expect(JSON.parse(text).verifiableCredential[0].credentialSubject.result).to.equal(undefined);
    await other.waitForSelector("#share-log > li.share[data-domain='employer.example']", WAIT);
    await settled(other);
    expect(otherErrors).to.deep.equal([]);
    await other.close();
  });

  it("lists both presentations in the share log, with the domain and the fields revealed and hidden", async () => {
    const entries = page.locator("#share-log > li.share");
    expect(await entries.count()).to.equal(2);
    const first = page.locator(`#share-log > li.share[data-domain='${DOMAIN}']`);
    expect(await first.getAttribute("data-via")).to.equal("request");
    expect(await first.locator("[data-revealed]").getAttribute("data-revealed")).to.equal("name");
    expect(await first.locator("[data-hidden]").getAttribute("data-hidden")).to.contain("grade");
    expect(await first.textContent()).to.contain("Smart Contract Security");
    await page.locator("#shared").scrollIntoViewIfNeeded();
    await screenshotBoth(page, "wallet-shared");
  });

  it("labels every control, keeps headings in order, has a live region", async () => {
    const unlabelled = (await page.evaluate(`[...document.querySelectorAll("input, textarea, select, button, meter, progress")]
      .filter((el) => el.type !== "hidden" && !el.hidden && el.getClientRects().length > 0)
      .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby")
        && !(el.tagName === "BUTTON" && el.textContent.trim()))
      .map((el) => el.outerHTML.slice(0, 120))`)) as string[];
    expect(unlabelled).to.deep.equal([]);
    const levels = (await page.evaluate(`[...document.querySelectorAll("h1, h2, h3, h4, h5, h6")]
      .filter((el) => el.getClientRects().length > 0).map((el) => Number(el.tagName[1]))`)) as number[];
    expect(levels[0]).to.equal(1);
    levels.forEach((level, i) => expect(level - (levels[i - 1] ?? 0), `heading ${i}`).to.be.at.most(1));
    expect(await page.locator("#announcer[aria-live='polite']").count()).to.equal(1);
  });

  it("the verifier page accepts the presentation, the grade hidden", async function () {
    const verifier = await context.newPage();
    const verifierErrors = watchErrors(verifier);
    await verifier.goto(f.verifierUrl);
    // The request button: `#create-request` as the verifier page was built (`#new-request` in the first contract).
    const create = await verifier.waitForSelector("#create-request, #new-request", { timeout: 10_000 }).catch(() => undefined);
    if (!create) {
      await verifier.close();
      this.skip();
    }
    await create!.click();
    await verifier.waitForSelector("#request-output:not([hidden]) #request-challenge, #request-challenge", WAIT);
    const link = await verifier.inputValue("#request-link");
    await page.fill("#request-input", link);
    await page.click("#read-request");
    await page.waitForSelector("#request-summary[data-via='request']", WAIT);
    const choice = page.locator(".choice", { has: page.locator("strong", { hasText: "Smart Contract Security" }) });
    if (!(await choice.locator("input[data-credential-id]").isChecked())) await choice.locator("input[data-credential-id]").check();
    const grade = choice.locator("input[data-field='grade']");
    if (await grade.isChecked()) await grade.uncheck();
    await page.click("#create-presentation");
    await page.waitForSelector("#presentation-result .presentation", WAIT);
    await verifier.fill("#verify-input", await page.inputValue("#presentation-json"));
    await verifier.click("#verify-button");
    await verifier.waitForSelector("#verify-result[data-status]", WAIT);
    expect(await verifier.getAttribute("#verify-result", "data-status")).to.equal("VALID");
    expect(await verifier.locator("#disclosed li[data-hidden='true']").count()).to.be.greaterThan(0);
    const shownGrade = verifier.locator('#disclosed li[data-name="grade"]');
    if ((await shownGrade.count()) > 0) expect(await shownGrade.getAttribute("data-hidden")).to.equal("true");
    expect(await verifier.locator("#verify-result").textContent()).not.to.contain(`${GRADE} (Dutch`);
    await verifier.locator("#verify-result").scrollIntoViewIfNeeded();
    await screenshotBoth(verifier, "wallet-to-verifier");
    expect(verifierErrors).to.deep.equal([]);
    await verifier.close();
  });

  it("shows a revoked credential as revoked, with the reason; the pathway is no longer met", async () => {
    const report = await verifyCredential(await readFile(files.scs!, "utf8"), {
      client: f.client,
      registry: f.registry,
    });
    const { root, index } = report.credential!;
    await revokeCredentials(f.wallet(ROLE.uva), { registry: f.registry, root, indices: [index], reason: 1 });
    await page.click("#check-again");
    const scs = card("Smart Contract Security");
    await scs.locator("[data-status='invalid']").waitFor(WAIT);
    expect(await scs.locator(".status-label").textContent()).to.equal("revoked");
    expect(await scs.locator(".status-reason").textContent()).to.match(/revoked by its issuer/);
    expect(await scs.locator("[data-code]").getAttribute("data-code")).to.equal("CS-STATUS-REVOKED");
    await settled(page);
    expect(await page.locator("article.pathway").first().getAttribute("data-met")).to.equal("false");
    // A revoked credential cannot be chosen for a presentation.
    const choice = page.locator(".choice", { has: page.locator("strong", { hasText: "Smart Contract Security" }) });
    expect(await choice.locator("input[data-credential-id]").isDisabled()).to.equal(true);
  });

  it("shows 'could not check' when the chain does not answer", async () => {
    const rpc = new URL(f.node.url).origin;
    const toRpc = (url: URL) => url.origin === rpc;
    const before = errors.length;
    await context.route(toRpc, (route) => route.abort("connectionrefused"));
    try {
      await page.click("#check-again");
      const dpbd = card("Data Protection by Design");
      await dpbd.locator("[data-status='error']").waitFor(WAIT);
      expect(await dpbd.locator(".status-label").textContent()).to.equal("could not check");
      expect(await dpbd.locator(".status-reason").textContent()).to.match(/Could not check/);
      await settled(page);
      expect(await page.locator("article.pathway [data-incomplete='true']").count()).to.equal(1);
      await screenshotBoth(page, "wallet-rpc-down");
    } finally {
      await context.unroute(toRpc);
    }
    // The refused connections are logged by the browser as failed loads: expected here, nothing else.
    const during = errors.splice(before);
    expect(during.filter((e) => !/Failed to load resource|ERR_CONNECTION_REFUSED|ERR_FAILED/.test(e))).to.deep.equal(
      [],
    );
    await page.click("#check-again");
    await card("Data Protection by Design").locator("[data-status='valid']").waitFor(WAIT);
  });

  let backupFile: string;

  it("backs up to one encrypted file (wrong password refused)", async () => {
    await page.locator("#backup").scrollIntoViewIfNeeded();
    await page.fill("#backup-password", "not the password at all");
    await page.click("#download-backup");
    await page.waitForSelector("#backup-message[data-kind='error']", WAIT);
    expect(await page.textContent("#backup-message")).to.match(/Wrong password/);
    await page.fill("#backup-password", PASSWORD);
    const { download, text } = await downloadOf(page, "#download-backup");
    expect(download.suggestedFilename()).to.match(/^credstack-wallet-backup-\d{4}-\d\d-\d\d\.json$/);
    backupFile = path.join(f.tmp, "backup.json");
    await writeFile(backupFile, text);
    const file = JSON.parse(text);
    expect(file.format).to.equal(WALLET_BACKUP_FORMAT);
    expect(text).not.to.contain(address.slice(2).toLowerCase());
    expect(text).not.to.contain("Smart Contract Security");
    const contents = await decryptWalletBackup({ text, password: PASSWORD });
    expect(contents.address).to.equal(address);
    expect(contents.credentials).to.have.length(3);
    expect(contents.shares.length).to.be.greaterThanOrEqual(2);
  });

  it("restores the backup in a fresh profile: a wrong password changes nothing; then the same key and credentials", async () => {
    const profile = await launchProfile(WIDTHS.phone);
    try {
      const fresh = await profile.context.newPage();
      const freshErrors = watchErrors(fresh);
      await fresh.goto(f.walletUrl);
      await waitReady(fresh);
      expect(await fresh.locator("#create-key-form").count()).to.equal(1);
      await fresh.setInputFiles("#restore-file", backupFile);
      await fresh.fill("#restore-password", "not the password at all");
      await fresh.click("#restore-button");
      await fresh.waitForSelector("#restore-message[data-kind='error']", WAIT);
      expect(await fresh.textContent("#restore-message")).to.match(
        /Wrong password for this backup.*Nothing was changed/,
      );
      expect(await fresh.locator("#create-key-form").count()).to.equal(1);
      expect(await fresh.locator("article.credential-card").count()).to.equal(0);
      await fresh.fill("#restore-password", PASSWORD);
      await fresh.click("#restore-button");
      await fresh.waitForSelector("#restore-message[data-kind='ok']", WAIT);
      expect(await fresh.textContent("#holder-address")).to.equal(address);
      const titles = await fresh.$$eval("article.credential-card h3", (hs) => hs.map((x) => x.textContent).sort());
      expect(titles).to.deep.equal(["Applied Cryptography", "Data Protection by Design", "Smart Contract Security"]);
      expect(await fresh.locator("#share-log > li.share").count()).to.be.greaterThanOrEqual(2);
      // It survives a reload (IndexedDB), and the restored key unlocks with the same password.
      await fresh.reload();
      const tti = await waitReady(fresh);
      await fresh.waitForSelector("body[data-checked='true']", WAIT);
      const checked = (await fresh.evaluate("performance.getEntriesByName('wallet-checked')[0].startTime")) as number;
      console.log(
        `      time to interactive (3 credentials, phone viewport): ${Math.round(
          tti,
        )} ms; statuses and pathway checked on chain: ${Math.round(checked)} ms`,
      );
      await fresh.fill("#unlock-password", PASSWORD);
      await fresh.click("#unlock-key");
      await fresh.waitForSelector("#key-state[data-state='unlocked']", WAIT);
      expect(await fresh.textContent("#holder-address")).to.equal(address);
      await settled(fresh);
      expect(freshErrors).to.deep.equal([]);
    } finally {
      await profile.close();
    }
  });

  it("raised no page errors", () => {
    expect(errors).to.deep.equal([]);
  });
});
