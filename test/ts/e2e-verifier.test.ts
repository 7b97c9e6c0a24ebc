import { expect } from "chai";
import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { recordFromVerifiableCredential } from "../../src/batch/v3/credential.js";
import { revokeCredentials } from "../../src/chain/actions/index.js";
import {
  createChallenge,
  createPresentation,
  importHolderKey,
  parseVerificationRequest,
  type Disclosure,
} from "../../src/present/index.js";
import { startWebServer, type WebServer } from "../../src/web/server.js";
import { launchBrowser, screenshotBoth, watchErrors, WIDTHS } from "./helpers/browser.js";
import { devKey } from "./helpers/fixtures.js";
import { ROLE, addr } from "./helpers/two-institutions.js";
import { webFixture, type WebFixture } from "./helpers/web-fixture.js";

/**
 * The verifier page (#13) in real Chromium against a real hardhat node: requests made on the page, presentations
 * made in Node with the holder's key and pasted, credentials picked as files, tampering, replays, revocation, an
 * unreachable node; no page errors; screenshots at 390 and 1280 px (test/artifacts/screenshots/verifier-*).
 */
describe("e2e: the verifier page in Chromium (#13)", function () {
  this.timeout(600_000);
  let f: WebFixture;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let vc: Record<string, unknown>;
  let credentialFile: string;
  const GRADE = "8.5";
  const STUDENT = "S4242";
  const holder = () => importHolderKey({ privateKey: devKey(ROLE.holder) });

  before(async () => {
    f = await webFixture();
    browser = await launchBrowser();
    credentialFile = await f.issueTo({ holder: addr(ROLE.holder), grade: GRADE, studentId: STUDENT });
    vc = JSON.parse(await readFile(credentialFile, "utf8"));
  });
  after(async () => {
    await browser?.close();
    await f?.stopAll();
  });

  const open = async (url = f.verifierUrl) => {
    context = await browser.newContext({ viewport: WIDTHS.desktop });
    page = await context.newPage();
    errors = watchErrors(page);
    await page.goto(url);
    await page.waitForSelector("#app[data-ready]");
  };
  beforeEach(async () => open());
  afterEach(async () => {
    await context?.close();
  });
  const noErrors = () => expect(errors, errors.join("\n")).to.deep.equal([]);

  /** Makes a request on the page; returns what the page shows. */
  const createRequest = async (params: { ask?: string[]; minutes?: number } = {}) => {
    for (const field of params.ask ?? []) await page.check(`#ask-${field}`);
    if (params.minutes) await page.fill("#request-minutes", String(params.minutes));
    await page.click("#create-request");
    await page.waitForSelector("#request-output:not([hidden]) #request-challenge");
    return {
      challenge: (await page.textContent("#request-challenge"))!,
      domain: (await page.textContent("#request-domain-shown"))!,
      link: await page.inputValue("#request-link"),
    };
  };

  const present = (challenge: string, domain: string, disclose: Disclosure = { hide: ["grade"] }, credential = vc) =>
    createPresentation({
      credentials: [credential],
      disclose,
      challenge,
      domain,
      expiresAt: new Date(Date.now() + 10 * 60_000),
      holder: holder(),
    });

  /** Pastes `text`, presses Verify and waits for this run's result. */
  const verify = async (text: string) => {
    const run = Number(await page.getAttribute("#verify-result", "data-run"));
    await page.fill("#verify-input", text);
    await page.click("#verify-button");
    return result(run);
  };
  const result = async (run: number) => {
    await page.waitForSelector(`#verify-result[data-run="${run + 1}"][data-status]`);
    return {
      status: await page.getAttribute("#verify-result", "data-status"),
      headline: (await page.textContent("#verify-headline"))!,
      code: (await page.locator("#verify-reason-code").count()) ? await page.textContent("#verify-reason-code") : null,
    };
  };
  /** Screenshots at 390 and 1280 px, after checking that nothing scrolls sideways at either width. */
  const screens = async (name: string) => {
    for (const size of [WIDTHS.phone, WIDTHS.desktop]) {
      await page.setViewportSize(size);
      expect(await page.evaluate(NO_SIDEWAYS_SCROLL), `${name}: no horizontal scroll at ${size.width} px`).to.equal(
        true
      );
    }
    await screenshotBoth(page, name);
  };
  const codeOf = async (check: string, card = 0) =>
    page.getAttribute(`.credential[data-index="${card}"] li.check[data-check="${check}"]`, "data-code");
  const presentationCode = (check: string) =>
    page.getAttribute(`#result-panel section li.check[data-check="${check}"]`, "data-code");

  it("creates a request (link, QR code, challenge, domain), kept across a reload", async () => {
    const shown = await createRequest({ ask: ["name", "grade"], minutes: 15 });
    const request = parseVerificationRequest(shown.link);
    expect(request.challenge).to.equal(shown.challenge);
    expect(request.domain).to.equal(shown.domain).and.to.equal(new URL(f.verifierUrl).origin);
    expect(request.disclose).to.deep.equal(["name", "grade"]);
    expect(Buffer.from(request.challenge, "base64url")).to.have.length(16); // 128 bits
    expect(Date.parse(request.expiresAt) - Date.now()).to.be.within(14 * 60_000, 15 * 60_000);
    expect(await page.locator("#request-qr svg.qr").count()).to.equal(1);
    expect(await page.getAttribute("#request-qr svg", "aria-label")).to.match(/QR code/);
    expect(await page.isHidden("#expected")).to.equal(true); // requests exist: matched automatically
    // The file `credstack present --request` reads: the same request.
    const [saved] = await Promise.all([page.waitForEvent("download"), page.click("#download-request")]);
    expect(parseVerificationRequest(await readFile((await saved.path())!, "utf8"))).to.deep.equal(request);
    await screens("verifier-request");

    await page.reload();
    await page.waitForSelector("#app[data-ready]");
    expect(await page.textContent("#request-challenge")).to.equal(shown.challenge);
    expect(
      await page.locator(`#pending-requests li[data-challenge="${shown.challenge}"][data-state="open"]`).count()
    ).to.equal(1);
    // Forgotten: no request left, so the page asks for the expected challenge and domain instead.
    await page.click(`#pending-requests li[data-challenge="${shown.challenge}"] button:text("Forget")`);
    expect(await page.locator("#pending-requests li").count()).to.equal(0);
    expect(await page.isHidden("#request-output")).to.equal(true);
    expect(await page.isVisible("#expected-challenge")).to.equal(true);
    noErrors();
  });

  it("a presentation answering the page's request, grade hidden: VALID; holder and presentation ✔; grade shown hidden", async () => {
    const { challenge, domain } = await createRequest({ ask: ["name"] });
    const vp = await present(challenge, domain, { hide: ["grade"] });
    await page.reload(); // the request survives: the presentation is matched to it from sessionStorage
    await page.waitForSelector("#app[data-ready]");
    const r = await verify(JSON.stringify(vp, null, 2));
    expect(r.status, r.headline).to.equal("VALID");
    expect(r.headline).to.match(/✔\s*Valid presentation/);
    expect(await presentationCode("presentation")).to.equal("CS-PRESENTATION-VALID");
    expect(await presentationCode("holder")).to.equal("CS-HOLDER-VALID");
    expect(await page.getAttribute('#result-panel section li.check[data-check="holder"]', "class")).to.include(
      "status-valid"
    );
    const codes = await page.$$eval('.credential[data-index="0"] li.check', (els) =>
      els.map((e) => e.getAttribute("data-code"))
    );
    expect(codes).to.deep.equal([
      "CS-FORMAT-VALID",
      "CS-INTEGRITY-VALID",
      "CS-INCLUSION-VALID",
      "CS-ANCHOR-VALID",
      "CS-ACCREDITATION-VALID",
      "CS-STATUS-VALID",
      "CS-VALIDITY-VALID",
    ]);
    // The disclosed fields: grade hidden, name revealed (hashed; comparable), no grade value anywhere on the page.
    const grade = page.locator('#disclosed li[data-name="grade"]');
    expect(await grade.getAttribute("data-hidden")).to.equal("true");
    expect(await grade.getAttribute("data-field")).to.equal("/credentialSubject/result/0");
    expect(await grade.textContent()).to.include("hidden (not disclosed)");
    expect(await page.getAttribute('#disclosed li[data-name="name"]', "data-hidden")).to.equal("false");
    expect(await page.textContent("#verify-result")).to.not.include(GRADE);
    await page.fill("#compare-0-name", `Learner ${STUDENT}`);
    await page.click('#disclosed li[data-name="name"] button');
    expect(await page.textContent('#disclosed li[data-name="name"] output')).to.match(/✔ matches/);
    await page.fill("#compare-0-name", "Someone Else");
    await page.click('#disclosed li[data-name="name"] button');
    expect(await page.textContent('#disclosed li[data-name="name"] output')).to.match(/does not match/);
    expect(await page.textContent(".credential .issuer-name")).to.include("Universiteit van Amsterdam");
    expect(await page.textContent(".credential .issuer-address")).to.equal(addr(ROLE.uva));
    expect(await page.getAttribute(".credential [data-accredited]", "data-accredited")).to.equal("VALID");
    expect(await page.textContent('[data-note="fulfilled"]')).to.match(/Everything your request asked for/);
    expect(await page.textContent("#announcer")).to.match(/Valid presentation/);
    expect(await page.getAttribute(`#pending-requests li[data-challenge="${challenge}"]`, "data-state")).to.equal(
      "answered"
    );
    await screens("verifier-valid");
    noErrors();
  });

  it("a tampered presentation (a revealed grade changed) is INVALID with the reason code shown", async () => {
    const { challenge, domain } = await createRequest({ ask: ["grade"] });
    const vp = structuredClone(await present(challenge, domain, { hide: ["name", "studentId"] }));
    (vp.verifiableCredential[0]!.credentialSubject as { result: { value: string }[] }).result[0]!.value = "10";
    const r = await verify(JSON.stringify(vp));
    expect(r.status).to.equal("INVALID");
    expect(r.headline).to.match(/✘\s*Invalid presentation/);
    expect(r.code).to.equal("CS-INTEGRITY-DISCLOSED-MISMATCH"); // the cause first; the signature fails because of it
    expect(r.headline).to.match(/a revealed value was altered/);
    expect(await presentationCode("holder")).to.equal("CS-HOLDER-SIGNATURE-INVALID");
    expect(await codeOf("integrity")).to.equal("CS-INTEGRITY-DISCLOSED-MISMATCH");
    expect(await page.textContent(".credential .disclosure")).to.match(/These values are claims/);
    await screens("verifier-invalid");

    // The forgery spent nothing: the genuine answer to the same request is still accepted once.
    expect((await verify(JSON.stringify(await present(challenge, domain, { hide: ["name"] })))).status).to.equal(
      "VALID"
    );
    noErrors();
  });

  it("an answer to another challenge is refused (CHALLENGE-MISMATCH); the same presentation twice is REPLAYED, after a reload too", async () => {
    const { challenge, domain } = await createRequest();
    const foreign = await verify(JSON.stringify(await present(createChallenge(), domain)));
    expect(foreign.status).to.equal("INVALID");
    expect(foreign.code).to.equal("CS-PRESENTATION-CHALLENGE-MISMATCH");
    expect(await page.textContent("#verify-result")).to.match(/did not issue/);
    const other = await verify(JSON.stringify(await present(challenge, "https://elsewhere.example")));
    expect(other.code).to.equal("CS-PRESENTATION-DOMAIN-MISMATCH");

    const vp = JSON.stringify(await present(challenge, domain));
    expect((await verify(vp)).status).to.equal("VALID");
    const again = await verify(vp);
    expect(again.status).to.equal("INVALID");
    expect(again.code).to.equal("CS-PRESENTATION-REPLAYED");
    await page.reload();
    await page.waitForSelector("#app[data-ready]");
    expect((await verify(vp)).code).to.equal("CS-PRESENTATION-REPLAYED");
    noErrors();
  });

  it("an answer to a request of the page that has expired is refused (CS-PRESENTATION-EXPIRED)", async () => {
    const { challenge, domain } = await createRequest({ minutes: 1 });
    await page.evaluate(() => {
      const list = JSON.parse(sessionStorage.getItem("credstack.verifier.requests")!);
      list[0].request.expiresAt = new Date(Date.now() - 60_000).toISOString();
      sessionStorage.setItem("credstack.verifier.requests", JSON.stringify(list));
    });
    await page.reload();
    await page.waitForSelector("#app[data-ready]");
    expect(await page.getAttribute(`#pending-requests li[data-challenge="${challenge}"]`, "data-state")).to.equal(
      "expired"
    );
    const r = await verify(JSON.stringify(await present(challenge, domain)));
    expect(r.status).to.equal("INVALID");
    expect(r.code).to.equal("CS-PRESENTATION-EXPIRED");
    noErrors();
  });

  it("with no request on the page, asks for the expected challenge and domain, then verifies against them", async () => {
    expect(await page.isVisible("#expected")).to.equal(true);
    expect(await page.isVisible("#expected-challenge")).to.equal(true);
    const challenge = createChallenge();
    const vp = JSON.stringify(await present(challenge, "https://admissions.example"));
    await page.fill("#verify-input", vp);
    await page.click("#verify-button");
    expect(await page.textContent("#verify-error")).to.match(/enter the challenge and the domain/);
    expect(await page.evaluate(FOCUSED)).to.equal("expected-challenge");
    await page.fill("#expected-challenge", challenge);
    await page.fill("#expected-domain", "https://admissions.example");
    const run = Number(await page.getAttribute("#verify-result", "data-run"));
    await page.click("#verify-button");
    expect((await result(run)).status).to.equal("VALID");
    noErrors();
  });

  it("a credential file picked: the seven checks VALID, every field revealed with the grade", async () => {
    const run = Number(await page.getAttribute("#verify-result", "data-run"));
    await page.setInputFiles("#verify-file", credentialFile);
    const r = await result(run);
    expect(r.status, r.headline).to.equal("VALID");
    expect(r.headline).to.match(/Valid credential from Universiteit van Amsterdam/);
    // A file proves what was issued, not who hands it over: the headline says it is no presentation.
    expect(r.headline).to.match(/Not a presentation: nothing shows that whoever gave it to you is its holder/);
    expect(await page.getAttribute("#verify-result", "data-kind")).to.equal("credentials");
    const checks = await page.$$eval(".credential li.check", (els) =>
      els.map((e) => [e.getAttribute("data-check"), e.getAttribute("data-code")])
    );
    expect(checks.map((c) => c[0])).to.deep.equal([
      "format",
      "integrity",
      "inclusion",
      "anchored",
      "accredited",
      "status",
      "validity",
    ]);
    expect(checks.every((c) => /-VALID$/.test(c[1]!))).to.equal(true);
    expect(await page.textContent('#disclosed li[data-name="grade"]')).to.include(`${GRADE} (Dutch grading scale`);
    expect(await page.locator('#disclosed li[data-hidden="true"]').count()).to.equal(0);
    noErrors();
  });

  it("a revoked credential is INVALID (CS-STATUS-REVOKED); a JSON array of credentials is checked one by one", async () => {
    const file = await f.issueTo({ holder: addr(ROLE.holder), grade: "7" });
    const revoked = JSON.parse(await readFile(file, "utf8"));
    const { proof } = recordFromVerifiableCredential(revoked);
    await revokeCredentials(f.wallet(ROLE.uva), {
      registry: f.registry,
      root: proof.root,
      indices: [proof.index],
      reason: 2,
    });
    const r = await verify(JSON.stringify(revoked));
    expect(r.status).to.equal("INVALID");
    expect(r.code).to.equal("CS-STATUS-REVOKED");
    expect(r.headline).to.match(/✘\s*Invalid credential/);
    expect(await codeOf("status")).to.equal("CS-STATUS-REVOKED");
    const both = await verify(JSON.stringify([vc, revoked]));
    expect(both.status).to.equal("INVALID");
    expect(await page.getAttribute('.credential[data-index="0"]', "data-status")).to.equal("VALID");
    expect(await page.getAttribute('.credential[data-index="1"]', "data-status")).to.equal("INVALID");
    expect((await verify("{ not json")).code).to.equal("CS-FORMAT-MALFORMED-JSON");
    noErrors();
  });

  it('an unreachable node: ERROR "could not be checked", never invalid (credential and presentation)', async () => {
    const dead = await deadServer(f);
    try {
      await context.close();
      await open(`${dead.url}/verifier/`);
      const credential = await verify(JSON.stringify(vc));
      expect(credential.status, credential.headline).to.equal("ERROR");
      expect(credential.headline).to.match(/!\s*Could not be checked/);
      expect(credential.headline).to.match(/says nothing against the credential/);
      expect(credential.headline).to.not.match(/Could not check:/);
      expect(await page.locator("li.check.status-invalid").count()).to.equal(0);
      expect(await codeOf("anchored")).to.equal("CS-RPC-UNREACHABLE");
      const { challenge, domain } = await createRequest();
      const vp = JSON.stringify(await present(challenge, domain));
      const presented = await verify(vp);
      expect(presented.status).to.equal("ERROR");
      expect(presented.headline).to.match(/says nothing against the presentation/);
      expect(await presentationCode("holder")).to.equal("CS-HOLDER-VALID");
      expect(await page.locator("li.check.status-invalid").count()).to.equal(0);
      await screens("verifier-error");
      // Nothing was decided, so the challenge is not spent: the same presentation can be checked again.
      expect((await verify(vp)).status).to.equal("ERROR");
      expect(await presentationCode("presentation")).to.equal("CS-PRESENTATION-VALID");
      // The browser logs each refused connection; nothing else may go wrong.
      expect(errors.filter((e) => !/ERR_CONNECTION_REFUSED/.test(e))).to.deep.equal([]);
    } finally {
      await dead.stop();
    }
  });

  it("is usable by keyboard and labelled: every control named, headings in order, the trust setting shown", async () => {
    // Keyboard only: Tab from the domain field to the Create button, Enter.
    await page.focus("#request-domain");
    for (let i = 0; i < 12 && (await page.evaluate(FOCUSED)) !== "create-request"; i++)
      await page.keyboard.press("Tab");
    expect(await page.evaluate(FOCUSED)).to.equal("create-request");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#request-challenge");
    expect(await page.textContent("#announcer")).to.match(/Request created/);
    const unlabelled = await page.evaluate(UNLABELLED_CONTROLS);
    expect(unlabelled).to.deep.equal([]);
    const levels = await page.$$eval("h1, h2, h3, h4, h5, h6", (hs) => hs.map((x) => Number(x.tagName[1])));
    expect(levels[0]).to.equal(1);
    for (let i = 1; i < levels.length; i++) expect(levels[i]! - levels[i - 1]!, `heading ${i}`).to.be.at.most(1);
    expect(await page.textContent("#trust-registry")).to.equal(`eip155:${f.chainId}:${f.registry}`);
    expect(await page.textContent("#trust-rpc")).to.equal(f.node.url);
    expect(await page.textContent("#trust-source")).to.equal("test fixture");
    noErrors();
  });
});

/** Page-side expressions (the tests' TypeScript has no DOM types). */
const FOCUSED = "document.activeElement?.id";
/** Controls without a name: no label, no aria-label, a button without text. */
const UNLABELLED_CONTROLS = `[...document.querySelectorAll("input, textarea, select, button")]
  .filter((el) => !(el.labels?.length || el.getAttribute("aria-label") || (el.tagName === "BUTTON" && el.textContent.trim())))
  .map((el) => el.outerHTML.slice(0, 80))`;
const NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth";

/** The pages served against an RPC URL where nothing listens (a port taken and freed). */
async function deadServer(f: WebFixture): Promise<WebServer> {
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  return startWebServer({
    config: {
      rpcUrl: `http://127.0.0.1:${port}`,
      chainId: f.chainId,
      registry: f.registry,
      trustSource: "dead node",
      pathways: [],
    },
    bundle: f.server.bundle,
  });
}
