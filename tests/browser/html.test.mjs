// Every page, as the Nu HTML Checker (vnu-jar, the W3C validator, run on Java) reads it: the
// pages a visitor reaches from the home page, and those a coordinator reaches once signed in,
// in French and in English. Found by following the site's own links (GET only, same site,
// never signing out), up to a bound; 0 errors expected.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BACKEND, openPage, serverAndBrowser, signIn } from "./harness.mjs";

const require = createRequire(import.meta.url);
const VNU = require.resolve("vnu-jar/build/dist/vnu.jar");
const MOST_PAGES = 80;
// Links that act or leave HTML: a GET never changes anything here, but these answer files.
const SKIP = [/\/documents\//, /\/export/, /\.csv/, /\.json/, /\/static\//, /\/api\//, /\/hsds\//, /\/logout/];

const live = serverAndBrowser();

/** The same-site HTML pages reachable from `start` with the context's cookies. */
async function crawl(request, start) {
  const origin = new URL(live.server.base).origin;
  const seen = new Set();
  const pages = [];
  const queue = [...start];
  while (queue.length > 0 && pages.length < MOST_PAGES) {
    const url = new URL(queue.shift(), live.server.base);
    url.hash = "";
    const key = url.pathname + url.search;
    if (url.origin !== origin || seen.has(key) || SKIP.some((re) => re.test(key))) continue;
    seen.add(key);
    const response = await request.get(url.toString(), { maxRedirects: 0 });
    const type = response.headers()["content-type"] ?? "";
    if (response.status() !== 200 || !type.startsWith("text/html")) continue;
    const html = await response.text();
    pages.push({ key, html });
    for (const match of html.matchAll(/<a\s[^>]*href="([^"#]+)[^"]*"/g)) {
      queue.push(match[1].replaceAll("&amp;", "&"));
    }
  }
  return pages;
}

/** The checker's errors for these pages, one line each. */
async function validate(pages) {
  const dir = await mkdtemp(join(tmpdir(), "mosaique-vnu-"));
  try {
    const files = [];
    for (const [i, page] of pages.entries()) {
      const file = join(dir, `${String(i).padStart(3, "0")}.html`);
      await writeFile(file, page.html);
      files.push(file);
    }
    const checked = spawnSync("java", ["-jar", VNU, "--format", "json", "--exit-zero-always", ...files], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    // vnu writes its JSON report on standard error.
    assert.equal(checked.status, 0, `the checker did not run: ${checked.error ?? checked.stderr}`);
    const report = JSON.parse(checked.stderr);
    return (report.messages ?? [])
      .filter((m) => m.type === "error" || m.subType === "fatal")
      .map((m) => {
        const index = Number(m.url.split("/").pop().slice(0, 3));
        return `${pages[index].key}:${m.lastLine}: ${m.message}`;
      });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

for (const lang of ["fr", "en"]) {
  describe(`${BACKEND} ${lang} HTML`, () => {
    test("a visitor's pages have no HTML error", async (t) => {
      const visitor = await openPage(live.browser, live.server.base);
      const pages = await crawl(visitor.context.request, [`/?lang=${lang}`, `/services?lang=${lang}`, `/login?lang=${lang}`]);
      assert.ok(pages.length >= 5, `only ${pages.length} pages found`);
      t.diagnostic(`${pages.length} pages checked`);
      assert.deepEqual(await validate(pages), []);
      await visitor.context.close();
    });

    test("a coordinator's pages have no HTML error", async (t) => {
      const coordinator = await openPage(live.browser, live.server.base);
      await signIn(coordinator.page, live.server.base, "coordinator", lang, lang === "fr" ? 0 : 30);
      // The coalition workspace's pages first: they sit deep behind the workspace's links.
      const coalitions = await (await coordinator.context.request.get(`${live.server.base}/api/v1/coalitions`)).json();
      const cqtp = coalitions.items.find((c) => c.slug === "cqtp").id;
      const workspace = ["trainings", "trainings/cascade", "groups", "mandates", "glossary", "health", "actions", "library", "campaigns", "practices", "funding"].map((p) => `/coalitions/${cqtp}/${p}`);
      const start = [...workspace, "/account", "/cases", "/intake", "/desk", "/inbox", "/referrals", "/agreements", "/coalitions", "/services", "/screening"];
      const pages = await crawl(coordinator.context.request, start.map((p) => `${p}?lang=${lang}`));
      assert.ok(pages.length >= 15, `only ${pages.length} pages found`);
      t.diagnostic(`${pages.length} pages checked`);
      assert.deepEqual(await validate(pages), []);
      await coordinator.context.close();
    });
  });
}
