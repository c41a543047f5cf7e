// Browser-test harness: starts `mosaique serve --demo` on a free port with a temporary
// database (SQLite file or a fresh PostgreSQL database) and launches Debian's Chromium.
import { spawn, execFileSync } from "node:child_process";
import { mkdtemp, rm, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
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
    if (message.type() === "error") problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("request", (request) => {
    const url = request.url();
    if (!url.startsWith(base) && !url.startsWith("data:")) problems.push(`external request: ${url}`);
  });
  return { page, context, problems };
}

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
