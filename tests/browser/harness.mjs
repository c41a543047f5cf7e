// Browser-test harness: starts `mosaique serve --demo` on a free port with a temporary
// database (SQLite file or a fresh PostgreSQL database) and launches Debian's Chromium.
import { spawn, execFileSync } from "node:child_process";
import { mkdtemp, rm, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash, createHmac, randomBytes } from "node:crypto";
import { after, before } from "node:test";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
export const BACKEND = process.env.MOSAIQUE_BROWSER_DB ?? "sqlite";
const BIN = process.env.MOSAIQUE_BIN ?? new URL("../../target/debug/mosaique", import.meta.url).pathname;
const PG_ADMIN = process.env.MOSAIQUE_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

function pgUrl(database) {
  const url = new URL(PG_ADMIN);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Starts a demo server; resolves once /readyz answers 200. */
export async function startServer() {
  const dir = await mkdtemp(join(tmpdir(), "mosaique-browser-"));
  let databaseUrl = `sqlite://${join(dir, "mosaique.db")}`;
  let pgDatabase = null;
  if (BACKEND === "postgres") {
    pgDatabase = `mosaique_b_${randomBytes(6).toString("hex")}`;
    execFileSync("psql", [PG_ADMIN, "-q", "-c", `CREATE DATABASE ${pgDatabase}`]);
    databaseUrl = pgUrl(pgDatabase);
  }
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("MOSAIQUE_")));
  const child = spawn(
    BIN,
    ["serve", "--demo", "--bind", "127.0.0.1:0", "--database-url", databaseUrl, "--key-file", join(dir, "mosaique.key")],
    { cwd: dir, env: { ...env, MOSAIQUE_SEARCH_REFRESH_MS: "200", MOSAIQUE_LOG_LEVEL: "warn" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const base = await new Promise((resolve, reject) => {
    let stdout = "";
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stdout}\n${stderr}`)), 30_000);
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      const match = stdout.match(/http:\/\/127\.0\.0\.1:\d+/);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    child.on("exit", (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
  for (let i = 0; i < 100; i++) {
    const response = await fetch(`${base}/readyz`).catch(() => null);
    if (response?.status === 200) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    /** Runs a `mosaique` admin command against this server's database and key. */
    admin(args) {
      return execFileSync(BIN, [...args, "--database-url", databaseUrl, "--key-file", join(dir, "mosaique.key")], {
        cwd: dir,
        env: { ...env, MOSAIQUE_PUBLIC_URL: base },
        encoding: "utf8",
      });
    },
    async stop() {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
      if (pgDatabase) execFileSync("psql", [PG_ADMIN, "-q", "-c", `DROP DATABASE IF EXISTS ${pgDatabase} WITH (FORCE)`]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    // Playwright gives each launch a fresh, empty profile directory.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/**
 * A page that records console errors (CSP violations among them) and any request that
 * leaves the server under test: no third-party host may ever be contacted.
 */
export async function openPage(browser, base, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const problems = [];
  page.on("console", (message) => {
    // A page answered with 401 or 422 on purpose logs "Failed to load resource"; failed
    // sub-resources are caught below instead.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
      problems.push(`console: ${message.text()}`);
    }
  });
  page.on("response", (response) => {
    const type = response.request().resourceType();
    if (type !== "document" && response.status() >= 400) problems.push(`${response.status()} for ${response.url()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(base) && !url.startsWith("data:")) problems.push(`external request: ${url}`);
  });
  return { page, context, problems };
}

/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s) for a secret given as bytes. */
export function totp(secret, unixSeconds = Math.floor(Date.now() / 1000)) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixSeconds / 30)));
  const mac = createHmac("sha1", secret).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, "0");
}

export function base32Decode(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const out = [];
  for (const char of text.replace(/[\s=]/g, "").toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

/** The fixed TOTP secret of a demo account (see crates/store/src/demo_accounts.rs). */
export function demoSecret(role) {
  return createHash("sha256").update(`mosaique-demo-totp:${role}`).digest().subarray(0, 20);
}

export const DEMO_PASSWORD = "Mosaique-Demo-2026!";

let axeSource;
/** Runs axe-core (WCAG 2.1 A and AA plus best practices); returns the violations. */
export async function axeViolations(page) {
  axeSource ??= await readFile(require.resolve("axe-core/axe.min.js"), "utf8");
  // evaluate() is not subject to the page's CSP, which forbids inline scripts.
  await page.evaluate(axeSource);
  const results = await page.evaluate(() =>
    window.axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] }),
  );
  return results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
}

const SIGN_IN_LABELS = {
  fr: { email: "Adresse courriel", password: "Mot de passe", signIn: "Se connecter", code: "Code de vérification", verify: "Valider" },
  en: { email: "Email address", password: "Password", signIn: "Sign in", code: "Verification code", verify: "Verify" },
};

/**
 * Signs a demo account in through the pages (password, then its second factor). `role` is
 * the address before the @. A TOTP step serves once: a second sign-in of the same account
 * within 30 s passes `later = 30` (the next step is accepted).
 */
export async function signIn(page, base, role, lang, later = 0) {
  const t = SIGN_IN_LABELS[lang];
  await page.goto(`${base}/login?lang=${lang}`);
  await page.getByLabel(t.email).fill(`${role}@demo.mosaique.ca`);
  await page.getByLabel(t.password).fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: t.signIn }).click();
  await page.waitForURL("**/login/totp");
  await page.getByLabel(t.code).fill(totp(demoSecret(role), Math.floor(Date.now() / 1000) + later));
  await page.getByRole("button", { name: t.verify }).click();
  await page.waitForURL("**/account");
}

/** The status a referral's page shows. */
export const referralStatus = (page) => page.locator("#referral-status").textContent();

/**
 * A demo server and Chromium for one test file: started before its tests, stopped after.
 * `live.server` and `live.browser` are set once the tests run.
 */
export function serverAndBrowser() {
  const live = { server: null, browser: null };
  before(async () => {
    live.server = await startServer();
    live.browser = await launchBrowser();
  });
  after(async () => {
    await live.browser?.close();
    await live.server?.stop();
  });
  return live;
}
