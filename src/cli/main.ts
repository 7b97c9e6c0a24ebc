import { readFileSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { EXIT, Output, exitCodeOf } from "./output.js";
import type { GlobalOptions } from "./context.js";

/**
 * `credstack`: thin commands over the SDK (src/chain, src/batch). Global options work before or
 * after the command. Exit codes: 0 success, 1 rejected or invalid, 2 usage or environment error.
 */

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };

const HELP_FOOTER = `
Environment:
  CREDSTACK_PRIVATE_KEY        signing key (hex), for commands that send transactions
  CREDSTACK_KEYSTORE_PASSWORD  password of the --keystore file
  CREDSTACK_HOME               where the local deployment record lives (default ~/.credstack)
  CREDSTACK_TRUST              registries a verifier trusts: eip155:<chainId>:<address>, comma-separated
  CREDSTACK_TRUST_FILE         trust file (default ~/.config/credstack/trust.json)
  CREDSTACK_DEBUG=1            print stack traces of errors

Exit codes: 0 success · 1 rejected or invalid (bad batch, transaction refused) ·
            2 usage or environment error (bad arguments, missing key, RPC unreachable, wrong chain)`;

/** Commander: a repeatable option's values. */
const collect = (value: string, previous: string[]) => [...previous, value];

type Action<O> = (options: O, globals: GlobalOptions, out: Output, command: Command) => Promise<number | void>;

/** Wraps a command implementation: global options, output, exit code. */
function run<O>(load: () => Promise<Action<O>>) {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const globals = command.optsWithGlobals() as GlobalOptions & O;
    const options = { ...globals, args: command.processedArgs } as O;
    const out = new Output(Boolean(globals.json));
    const action = await load();
    const code = await action(options, globals, out, command);
    process.exitCode = code ?? EXIT.ok;
  };
}

export function program(): Command {
  const cli = new Command("credstack")
    .description("Issue, anchor, revoke and verify blockchain-anchored micro-credentials (credstack batches).")
    .version(pkg.version)
    .option("--rpc <url>", "JSON-RPC URL of the chain (default: the local deployment's, see `chain start`)")
    .option("--registry <address>", "registry address (default: the batch's, or the local deployment's)")
    .option("--keystore <file>", "encrypted JSON keystore holding the signing key (password: CREDSTACK_KEYSTORE_PASSWORD)")
    .option("--json", "print one JSON document on stdout (errors too)")
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError("(add --help for usage)")
    .exitOverride()
    .addHelpText("after", HELP_FOOTER);

  // ------------------------------------------------------------------ chain
  const chain = cli.command("chain").description("local development chain");
  chain
    .command("start")
    .description("start a local hardhat node, deploy the registry, record the deployment; runs until Ctrl-C")
    .option("--port <port>", "port on 127.0.0.1", "8545")
    .action(run(async () => (await import("./commands/chain.js")).chainStart));

  // ------------------------------------------------------------------ issuer
  const issuer = cli.command("issuer").description("accreditation of issuers and their operator keys");
  issuer
    .command("accredit")
    .description("accredit an issuer (signed by an accreditor key)")
    .requiredOption("--issuer <address>", "the issuer's address (its governance key)")
    .requiredOption("--name <name>", "the institution's name")
    .requiredOption("--country <code>", "ISO 3166 country (or region) code, e.g. NL or ES-CT")
    .option("--max-eqf <level>", "highest EQF level the issuer may award (1-8)", "8")
    .option("--from <date>", "start of the validity window (default: now)")
    .option("--until <date>", "end of the validity window (default: 5 years from the start)")
    .action(run(async () => (await import("./commands/issuer.js")).accredit));
  issuer
    .command("status <address>")
    .description("an issuer's accreditation now, accreditor, profile digest, operator keys, revocation delay")
    .action(run(async () => (await import("./commands/issuer.js")).status));
  issuer
    .command("revocation-delay <hours>")
    .description("how long an operator key's revocations stay cancellable before they are final (signed by the issuer's key)")
    .action(run(async () => (await import("./commands/issuer.js")).revocationDelay));
  const operator = issuer.command("operator").description("operator keys of the issuer whose key signs");
  operator
    .command("consent")
    .description("sign, with the operator key itself, its consent to operate for an issuer (EIP-712; nothing is sent)")
    .requiredOption("--issuer <address>", "the issuer the key will operate for")
    .option("--valid-for <hours>", "how long the consent can be used", "168")
    .option("--out <file>", "write the consent document to this file")
    .action(run(async () => (await import("./commands/issuer.js")).operatorConsent));
  operator
    .command("add <address>")
    .description("add an operator key with its consent (signed by the issuer's key); keys are single-use")
    .requiredOption("--consent <file>", "the key's consent document (`issuer operator consent`)")
    .action(run(async () => (await import("./commands/issuer.js")).operatorAdd));
  operator
    .command("compromised <address>")
    .description("declare an operator key compromised since a time (signed by the issuer's key): removes it, voids what it did since")
    .requiredOption("--since <date>", "from when the key is no longer trusted (ISO 8601)")
    .action(run(async () => (await import("./commands/issuer.js")).operatorCompromised));
  operator
    .command("remove <address>")
    .description("remove an operator key (signed by the issuer's key); what it anchored stays valid")
    .action(run(async () => (await import("./commands/issuer.js")).operatorRemove));

  const signingKey = issuer.command("signing-key").description("Ed25519 keys that sign exported v3 credentials (eddsa-rdfc-2022)");
  signingKey
    .command("create")
    .description("create a signing key file (0600); its DID goes into issuer.id (batch build --issuer-did)")
    .requiredOption("--out <file>", "the key file to create (must not exist)")
    .option("--did <did:web:…>", "the issuer's did:web DID (default: the key's own did:key)")
    .action(run(async () => (await import("./commands/signing-key.js")).create));
  signingKey
    .command("did-document <file>")
    .description("the DID document (public key only) a did:web issuer publishes at /.well-known/did.json")
    .option("--out <file>", "write it to this file (default: stdout)")
    .action(run(async () => (await import("./commands/signing-key.js")).didDocument));

  // ------------------------------------------------------------------ batch
  const batch = cli.command("batch").description("build, anchor and inspect credential batches");
  batch
    .command("build")
    .description("build a batch directory from a course and a learners CSV, or from JSON Lines credentials")
    .option("--achievement <course.json>", "the course (achievement) JSON, with every EU element")
    .option("--learners <learners.csv>", "learners CSV: id,name,wallet,date[,grade]")
    .option("--credentials <file.jsonl>", "JSON Lines of full OB 3.0 credentials, instead of the two above")
    .requiredOption("--out <dir>", "the batch directory to create (must not exist)")
    .addOption(new Option("--layout <layout>", "files: one file per credential; shards: JSON Lines shards").choices(["auto", "files", "shards"]).default("auto"))
    .option("--chain-id <id>", "chain the batch is for (default: the --rpc node's, or the local deployment's)")
    .addOption(new Option("--format <n>", "credential format: 3 (bare VC 2.0 / OB 3.0 with a Merkle proof; default) or 2 (frozen); --credentials: default the first line's").choices(["2", "3"]))
    .option("--issuer-did <did>", "v3: the issuer's did:key or did:web in issuer.id, to sign exported credentials (default: its did:pkh)")
    .action(run(async () => (await import("./commands/batch.js")).build));
  batch
    .command("anchor <dir>")
    .description("verify a batch and anchor its root (idempotent: an anchor on chain is recorded, never sent twice)")
    .option("--confirmations <n>", "blocks to wait for before recording the anchor", "1")
    .option("--timeout <seconds>", "how long to wait for the receipt")
    .option("--from-block <n>", "first block to search for an earlier anchoring (default: the deployment block)")
    .option("--skip-check", "do not re-verify every credential (the manifest is still validated)")
    .action(run(async () => (await import("./commands/batch.js")).anchor));
  batch
    .command("status <dir>")
    .description("the batch's manifest, its record on chain, revocations, and the issuer's accreditation")
    .option("--from-block <n>", "first block to search for the anchoring event (default: the deployment block)")
    .action(run(async () => (await import("./commands/batch.js")).status));
  batch
    .command("extract <dir>")
    .description("extract one learner's credential (v3: the bare VC with its Merkle proof) from a batch")
    .option("--learner <id>", "by learner (student) id")
    .option("--holder <address>", "by holder wallet address")
    .option("--index <n>", "by index in the batch")
    .option("--out <file>", "write it to this file (default: stdout)")
    .option("--sign <key-file>", "v3: add the issuer's eddsa-rdfc-2022 signature (key from `issuer signing-key create`)")
    .action(run(async () => (await import("./commands/batch.js")).extract));

  // ------------------------------------------------------------------ pathway
  const pathway = cli.command("pathway").description("pathway definitions on the stacking registry");
  pathway
    .command("publish <file>")
    .description("register a pathway's on-chain rules and definition digest (signed by the awarding issuer's own key)")
    .option("--stacking <address>", "the stacking registry (default: the local deployment's)")
    .action(run(async () => (await import("./commands/pathway.js")).publish));

  // ------------------------------------------------------------------ stack
  const stack = cli.command("stack").description("pathways: stack micro-credentials into a larger qualification");
  stack
    .command("check <files...>")
    .description("verify the credentials and evaluate a pathway: each rule met or not, with its reason code")
    .requiredOption("--pathway <file>", "the pathway definition (credstack-pathway/1 JSON)")
    .option("--holder <address>", "the learner the award is for (default: the first valid credential's holder)")
    .option("--at <time>", "evaluation time: ISO 8601 or unix seconds (default: now)")
    .option("--trust <caip10>", "trust this registry, eip155:<chainId>:<address> (with --rpc)", collect, [])
    .option("--accreditor <address>", "trust only issuers accredited by this accreditor (repeatable)", collect, [])
    .action(run(async () => (await import("./commands/stack.js")).check));
  stack
    .command("issue <files...>")
    .description("evaluate a pathway and, when met, build the stacked credential (CLR 2.0) as a batch directory of the awarding issuer")
    .requiredOption("--pathway <file>", "the pathway definition (credstack-pathway/1 JSON)")
    .requiredOption("--out <dir>", "the batch directory to create (then: batch anchor, batch extract)")
    .requiredOption("--issuer <address>", "the awarding issuer's account (anchors the batch)")
    .option("--issuer-name <name>", "the name the issuer is accredited under (default: from its counted credential, else the pathway's)")
    .option("--country <code>", "the issuer's ISO 3166-1 country (default: from its counted credential)")
    .option("--region <code>", "the issuer's ISO 3166-2 region, when accredited under one (e.g. ES-CT)")
    .option("--holder <address>", "the learner the award is for (default: the first valid credential's holder)")
    .option("--at <time>", "evaluation time: ISO 8601 or unix seconds (default: now)")
    .option("--trust <caip10>", "trust this registry, eip155:<chainId>:<address> (with --rpc)", collect, [])
    .option("--accreditor <address>", "trust only issuers accredited by this accreditor (repeatable)", collect, [])
    .action(run(async () => (await import("./commands/stack-issue.js")).issue));
  stack
    .command("claim [files...]")
    .description("claim a registered pathway on chain with the holder's credentials (signed by the holder's key), or --sign it for a relayer")
    .option("--pathway <file|id>", "the pathway file (evaluated first, digest checked) or its registered id (0x…)")
    .option("--issuer <address>", "the awarding issuer, when several registered the id")
    .option("--stacking <address>", "the stacking registry (default: the local deployment's)")
    .option("--sign", "sign the claim (EIP-712) instead of sending it; write it with --out for a relayer")
    .option("--out <file>", "with --sign: the signed claim file to create")
    .option("--valid-for <hours>", "how long a signed claim can be submitted (at most 720)", "168")
    .option("--relay <file>", "send a claim a holder signed, from the signing key (which pays the gas)")
    .option("--at <time>", "verification time: ISO 8601 or unix seconds (default: now)")
    .option("--trust <caip10>", "trust this registry, eip155:<chainId>:<address> (with --rpc)", collect, [])
    .option("--accreditor <address>", "trust only issuers accredited by this accreditor (repeatable)", collect, [])
    .addHelpText("after", "\nExit codes: 0 awarded (or signed) · 1 not met, a component refused, already awarded · 2 usage, RPC or registration error")
    .action(run(async () => (await import("./commands/stack-claim.js")).claim));

  // ------------------------------------------------------------------ holder, present
  const holder = cli.command("holder").description("the student's side: holder keys");
  holder
    .command("key")
    .description("holder keys (secp256k1), kept encrypted in a scrypt JSON keystore")
    .command("create")
    .description("create a holder key; password from CREDSTACK_KEYSTORE_PASSWORD; prints its address")
    .requiredOption("--out <file>", "the keystore file to create (mode 0600)")
    .action(run(async () => (await import("./commands/present.js")).keyCreate));
  cli
    .command("present")
    .description("present credentials to a verifier: reveal only the fields you choose, bound to its challenge and domain")
    .requiredOption("--key <keystore>", "the holder keystore (password: CREDSTACK_KEYSTORE_PASSWORD)")
    .requiredOption("--credential <file>", "a credential to present (repeatable)", collect, [])
    .option("--disclose <fields>", "optional fields to reveal, comma-separated: name, studentId, grade, schema or JSON pointers (default: what the request asks, else none)")
    .option("--request <file|link>", "the verifier's request (its challenge, domain and the fields it asks for)")
    .option("--challenge <c>", "the verifier's challenge (≥ 128 bits), without --request")
    .option("--domain <d>", "the verifier's domain or id, without --request")
    .option("--valid-for <minutes>", "how long the presentation is valid", "10")
    .requiredOption("--out <file>", "the presentation file to create")
    .action(run(async () => (await import("./commands/present.js")).present));

  cli
    .command("request")
    .description("the verifier's side: verification requests for presentations")
    .command("create")
    .description("a request with a fresh single-use challenge, printed as a link to hand to the holder")
    .requiredOption("--domain <d>", "your domain or id (the holder's signature binds it)")
    .option("--ask <fields>", "optional fields you ask to see, comma-separated (name, studentId, grade, schema or pointers)")
    .option("--achievement <id>", "an achievement id you want presented (repeatable)", collect, [])
    .option("--response-uri <url>", "where the holder sends the presentation (https)")
    .option("--valid-for <minutes>", "how long the request holds", "10")
    .option("--out <file>", "keep the request in this file (then: verify --request <file>)")
    .action(run(async () => (await import("./commands/present.js")).requestCreate));

  // ------------------------------------------------------------------ wallet
  const wallet = cli.command("wallet").description("the student's wallet and the verifier page, in a browser");
  wallet
    .command("serve")
    .description("serve the wallet (/wallet/) and the verifier page (/verifier/) on 127.0.0.1, until Ctrl-C")
    .option("--port <port>", "port on 127.0.0.1 (0: any free port)", "6342")
    .option("--trust <caip10>", "the registry the pages trust, eip155:<chainId>:<address> (with --rpc)", collect, [])
    .option("--accreditor <address>", "trust only issuers accredited by this accreditor (repeatable)", collect, [])
    .option("--pathway <file>", "a pathway definition the wallet shows progress toward (repeatable)", collect, [])
    .option("--stacking <address>", "the stacking registry (default: the local deployment's)")
    .addHelpText(
      "after",
      "\nTrust as for `credstack verify` (one registry). The browser reads the chain through that registry's RPC URL;\n" +
        "keys and credentials stay in the browser (IndexedDB), never on this server.",
    )
    .action(run(async () => (await import("./commands/wallet.js")).serve));

  // ------------------------------------------------------------------ verify
  cli
    .command("verify <files...>")
    .description("verify credential files: format, integrity, inclusion, anchor, accreditation, revocation, validity")
    .option("--offline", "check format, integrity, inclusion and validity only (nothing on chain)")
    .option("--at <time>", "verification time for the validity window: ISO 8601 or unix seconds (default: now)")
    .option("--trust <caip10>", "trust this registry, eip155:<chainId>:<address> (repeatable; with --rpc)", collect, [])
    .option("--accreditor <address>", "trust only issuers accredited by this accreditor (repeatable)", collect, [])
    .option("--did-document <file>", "the DID document of a did:web issuer, to check its signatures offline (repeatable)", collect, [])
    .option("--request <file>", "for presentations: the request you issued (its challenge and domain)")
    .option("--challenge <c>", "for presentations: the challenge you issued (single use)")
    .option("--domain <d>", "for presentations: your domain or id, as in your request")
    .addHelpText(
      "after",
      "\nTrust: --trust, else CREDSTACK_TRUST, else ~/.config/credstack/trust.json (CREDSTACK_TRUST_FILE), else --rpc with --registry,\n" +
        "else the local development deployment in CREDSTACK_HOME (default ~/.credstack), only on this machine. Never the working directory.\n" +
        "A credential naming another registry or chain is invalid.\n" +
        "Exit codes: 0 every credential valid · 1 any invalid · 2 any could not be checked (node unreachable, unreadable file) or usage error",
    )
    .action(run(async () => (await import("./commands/verify.js")).verify));

  // ------------------------------------------------------------------ revoke
  cli
    .command("revoke [credentials...]")
    .description(
      "revoke credentials (one transaction per batch) or, with --batch, a whole batch: final from the issuer's key, pending from an operator key",
    )
    .option("--batch <dir>", "revoke the whole batch of this directory")
    .option("--reason <code>", "reason code or name recorded on chain (docs/formats.md), e.g. 4 or superseded", "0")
    .option("--cancel", "cancel pending revocations instead (the issuer's own key only)")
    .action(run(async () => (await import("./commands/revoke.js")).revoke));

  return cli;
}

/** Runs the CLI on `argv` (without node and script) and exits with its code. */
export async function main(argv: string[]): Promise<void> {
  const cli = program();
  const json = argv.includes("--json");
  let code: number;
  try {
    await cli.parseAsync(argv, { from: "user" });
    code = Number(process.exitCode ?? EXIT.ok);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed the message (or the help / version).
      code = error.exitCode === 0 ? EXIT.ok : EXIT.environment;
      if (code !== EXIT.ok && json) await new Output(true).error(Object.assign(new Error(error.message.replace(/^error: /, "")), { name: "UsageError" }), code);
    } else {
      code = exitCodeOf(error);
      await new Output(json).error(error, code);
    }
  }
  // Pending sockets (keep-alive) or a stopped node must not keep the process alive.
  process.exit(code);
}
