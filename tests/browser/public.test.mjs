// The public face in a real browser, in French and in English: every public page shows the
// help numbers and a quick exit reachable first by keyboard, leaves no trace (no cookie, no
// storage, no request to another host), passes axe-core, and weighs at most 30 KB in at
// most 4 requests on a first visit. The quick exit is tried by button, by Esc twice and
// without JavaScript. Page weights are printed as `weight:` lines for BENCHMARKS.md.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { axeViolations, BACKEND, openPage, serverAndBrowser, signIn } from "./harness.mjs";

const EXIT = "https://www.google.ca/";
const NEUTRAL = "<!doctype html><html lang=en><title>Neutral</title><p>neutral</p></html>";

const TEXT = {
  fr: {
    help: "Besoin d’aide maintenant ?", exit: /Quitter ce site/, whoDoesWhat: "Qui fait quoi", signs: "Reconnaître les signes", training: "Services directs",
    contact: "Écrire à la coalition", topic: "Sujet", topicValue: "Demande de formation", message: "Votre message", send: "Envoyer le message",
    sent: "Merci, votre message a été transmis à la coalition.", notForReports: "Ce formulaire n’est pas fait pour signaler une situation.", inbox: "Messages reçus", handled: "Marquer comme traité",
  },
  en: {
    help: "Need help now?", exit: /Leave this site/, whoDoesWhat: "Who does what", signs: "Recognize the signs", training: "Direct services",
    contact: "Write to the coalition", topic: "Topic", topicValue: "Training request", message: "Your message", send: "Send the message",
    sent: "Thank you, your message was passed on to the coalition.", notForReports: "This form is not for reporting a situation.", inbox: "Messages", handled: "Mark as handled",
  },
};

const live = serverAndBrowser();

/** The public pages, one of each kind: the service and organization pages found in the directory. */
async function publicPages(page, base, lang) {
  await page.goto(`${base}/services?lang=${lang}`);
  const service = await page.locator("#results h2 a").first().getAttribute("href");
  const organization = await page.locator("#results .org-line a").first().getAttribute("href");
  return ["/", "/services", "/organizations", "/signs", "/safety", "/coalition", "/contact", "/login", service.split("?")[0], organization.split("?")[0]];
}

/** A context whose quick-exit destination answers locally (tests reach no other host). */
async function exitContext(browser, options = {}) {
  const context = await browser.newContext(options);
  await context.route(`${EXIT}**`, (route) => route.fulfill({ contentType: "text/html", body: NEUTRAL }));
  return context;
}

for (const lang of ["fr", "en"]) {
  const t = TEXT[lang];
  const locale = lang === "fr" ? "fr-CA" : "en-CA";

  describe(`${BACKEND} ${lang}`, () => {
    test("every public page: help numbers, quick exit first, accessible, and no trace left", async () => {
      const { page, context, problems } = await openPage(live.browser, live.server.base, { locale });
      const paths = await publicPages(page, live.server.base, lang);
      for (const path of paths) {
        await page.goto(`${live.server.base}${path}`);
        assert.equal(await page.getAttribute("html", "lang"), lang, path);
        assert.ok(await page.getByText(t.help).first().isVisible(), `${path}: help`);
        assert.ok(await page.locator('a[href="tel:911"]').first().isVisible(), `${path}: 911`);
        assert.ok(await page.locator('a[href="tel:+18339001010"]').first().isVisible(), `${path}: hotline`);
        // The quick exit is the first thing the keyboard reaches, with a visible focus.
        await page.keyboard.press("Tab");
        const focused = await page.evaluate(() => {
          const el = document.activeElement;
          const style = getComputedStyle(el);
          return { exit: el.matches("[data-quick-exit]"), outline: style.outlineStyle, width: style.outlineWidth };
        });
        assert.ok(focused.exit, `${path}: quick exit first in the tab order`);
        assert.notEqual(focused.outline, "none", `${path}: visible focus`);
        assert.deepEqual(await axeViolations(page), [], path);
        // Nothing kept in the browser: every link carries the language instead.
        const stored = await page.evaluate(() => [document.cookie, localStorage.length, sessionStorage.length]);
        assert.deepEqual(stored, ["", 0, 0], path);
      }
      // Following the site's own links keeps the language without a cookie.
      await page.goto(`${live.server.base}/?lang=${lang}`);
      await page.getByRole("navigation", { name: /principale|Main/i }).getByRole("link", { name: t.signs }).click();
      await page.waitForURL(`**/signs?lang=${lang}`);
      assert.deepEqual(await context.cookies(), [], "no cookie at all");
      assert.deepEqual(problems, []);
      await context.close();
    });

    test("each public page weighs at most 30 KB in at most 4 requests on a first visit", async () => {
      const { page, context } = await openPage(live.browser, live.server.base, { locale });
      const paths = await publicPages(page, live.server.base, lang);
      await context.close();
      for (const path of paths) {
        // A fresh context: an empty cache, as on a first visit.
        const fresh = await live.browser.newContext({ locale });
        const visit = await fresh.newPage();
        const requests = [];
        visit.on("requestfinished", (request) => requests.push(request));
        await visit.goto(`${live.server.base}${path}`, { waitUntil: "load" });
        let bytes = 0;
        for (const request of requests) {
          const sizes = await request.sizes();
          bytes += sizes.responseBodySize + sizes.responseHeadersSize;
        }
        console.log(`weight: ${BACKEND} ${lang} ${path.replace(/[0-9a-f-]{36}/, "{id}")} ${bytes} bytes in ${requests.length} requests`);
        assert.ok(requests.length <= 4, `${path}: ${requests.length} requests`);
        assert.ok(bytes <= 30 * 1024, `${path}: ${bytes} bytes`);
        await fresh.close();
      }
    });

    test("quick exit by button replaces the page, so Back does not return to it", async () => {
      const context = await exitContext(live.browser, { locale });
      const page = await context.newPage();
      await page.goto(`${live.server.base}/?lang=${lang}`);
      await page.goto(`${live.server.base}/signs?lang=${lang}`);
      await page.getByRole("link", { name: t.exit }).click();
      await page.waitForURL(EXIT);
      await page.goBack();
      assert.ok(!page.url().includes("/signs"), `Back returned to ${page.url()}`);
      await context.close();
    });

    test("quick exit by Esc pressed twice", async () => {
      const context = await exitContext(live.browser, { locale });
      const page = await context.newPage();
      await page.goto(`${live.server.base}/safety?lang=${lang}`);
      await page.keyboard.press("Escape");
      assert.ok(page.url().includes("/safety"), "one Esc is not enough");
      await page.keyboard.press("Escape");
      await page.waitForURL(EXIT);
      await context.close();
    });

    test("quick exit without JavaScript is a plain link", async () => {
      const context = await exitContext(live.browser, { locale, javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto(`${live.server.base}/coalition?lang=${lang}`);
      await page.getByRole("link", { name: t.exit }).click();
      await page.waitForURL(EXIT);
      await context.close();
    });

    test("the coalition's page leads from a mandate to the members that hold it", async () => {
      const { page, context, problems } = await openPage(live.browser, live.server.base, { locale });
      await page.goto(`${live.server.base}/coalition?lang=${lang}`);
      await page.getByRole("heading", { name: t.whoDoesWhat }).waitFor();
      const row = page.getByRole("row", { name: new RegExp(`^${t.training}`) });
      const count = Number((await row.getByRole("link").textContent()).match(/\d+/)[0]);
      assert.ok(count > 0);
      await row.getByRole("link").click();
      await page.waitForURL(`**/organizations?mandate=direct_services&lang=${lang}`);
      assert.equal(await page.locator("#mandate").inputValue(), "direct_services");
      assert.match(await page.locator("#results-count").textContent(), new RegExp(`^${count} `));
      assert.deepEqual(await axeViolations(page), []);
      assert.deepEqual(problems, []);
      await context.close();
    });
    test("contact form: it says what it is not for, sends, and the coalition's administrator reads it", async () => {
      const { page, context, problems } = await openPage(live.browser, live.server.base, { locale });
      await page.goto(`${live.server.base}/?lang=${lang}`);
      await page.getByRole("link", { name: t.contact }).click();
      await page.getByText(t.notForReports).waitFor();
      assert.deepEqual(await axeViolations(page), []);
      const words = `Formation ${lang} ${Date.now()}`;
      await page.getByLabel(t.topic).selectOption({ label: t.topicValue });
      await page.getByLabel(t.message).fill(words);
      await page.getByRole("button", { name: t.send }).click();
      await page.getByRole("status").filter({ hasText: t.sent }).waitFor();
      assert.deepEqual(await context.cookies(), [], "sending leaves no cookie");
      assert.deepEqual(problems, []);
      await context.close();

      const admin = await openPage(live.browser, live.server.base, { locale });
      await signIn(admin.page, live.server.base, "coalition_admin", lang, lang === "fr" ? 0 : 30);
      await admin.page.getByRole("link", { name: t.inbox, exact: true }).click();
      const message = admin.page.getByRole("article").filter({ hasText: words });
      await message.waitFor();
      assert.deepEqual(await axeViolations(admin.page), []);
      await message.getByRole("button", { name: t.handled }).click();
      await admin.page.getByRole("article").filter({ hasText: words }).getByRole("button", { name: t.handled }).waitFor({ state: "detached" });
      assert.deepEqual(admin.problems, []);
      await admin.context.close();
    });
    test("what a screen reader meets first: the quick exit, then the way to the content, then help", async () => {
      const { page, context } = await openPage(live.browser, live.server.base, { locale });
      await page.goto(`${live.server.base}/?lang=${lang}`);
      // Chromium's accessibility tree, as assistive technology reads it (docs/accessibility.md).
      const tree = await page.locator("body").ariaSnapshot();
      const lines = tree.split("\n").map((line) => line.trim());
      console.log(`aria: ${lang}\n${lines.slice(0, 14).join("\n")}`);
      assert.match(lines[0], new RegExp(`^- navigation "${lang === "fr" ? "Sortie rapide" : "Quick exit"}"`));
      assert.match(lines[1], new RegExp(`^- link "${lang === "fr" ? "Quitter ce site" : "Leave this site"}`));
      const banner = lines.findIndex((line) => line.startsWith("- banner"));
      assert.ok(banner > 1, "the banner follows the quick exit");
      assert.match(lines[banner + 1], new RegExp(`^- link "${lang === "fr" ? "Aller au contenu" : "Skip to content"}"`));
      assert.ok(lines.slice(banner, banner + 8).some((line) => line.includes(t.help)), "help comes before the site's name");
      await context.close();
    });
    test("a live search, then Back, leaves nothing in the browser's storage", async () => {
      const { page, context, problems } = await openPage(live.browser, live.server.base, { locale });
      await page.goto(`${live.server.base}/services?lang=${lang}`);
      const search = page.locator("#q");
      await search.fill("hebergement");
      await page.waitForURL(/q=hebergement/);
      await search.fill("logement");
      await page.waitForURL(/q=logement/);
      await page.goBack();
      await page.waitForURL(/q=hebergement/);
      // htmx restores the earlier results (a request of its own), then says so: wait for
      // them, then for the storage to be empty — a key that stays fails here.
      await page.waitForFunction(() => document.querySelector("#q")?.value === "hebergement");
      await page.waitForFunction(() => localStorage.length === 0 && sessionStorage.length === 0, null, { timeout: 5_000 });
      assert.deepEqual(await context.cookies(), []);
      assert.deepEqual(problems, []);
      await context.close();
    });
  });
}
