// The web shell in a real live.browser, in French and in English: home page, language switch,
// directory search (live with htmx and without JavaScript), organization page, keyboard use,
// accessibility (axe-core) and no request to any third-party host.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { axeViolations, BACKEND, openPage, serverAndBrowser } from "./harness.mjs";

const TEXT = {
  fr: {
    help: "Besoin d’aide maintenant ?",
    switchTo: "English",
    directory: "Répertoire",
    search: "Rechercher",
    coalitionsOnly: "Coalitions et instances de concertation seulement",
    oneResult: "1 organisme",
    skip: "Aller au contenu",
    notFound: "Page introuvable",
    print: "Imprimer cette page",
  },
  en: {
    help: "Need help now?",
    switchTo: "Français",
    directory: "Directory",
    search: "Search",
    coalitionsOnly: "Coalitions and coordination bodies only",
    oneResult: "1 organization",
    skip: "Skip to content",
    notFound: "Page not found",
    print: "Print this page",
  },
};

const live = serverAndBrowser();

for (const lang of ["fr", "en"]) {
  const t = TEXT[lang];
  const other = lang === "fr" ? "en" : "fr";

  describe(`${BACKEND} ${lang}`, () => {
    test("home page: language, help numbers, accessibility, no third-party request", async () => {
      const { page, context, problems } = await openPage(live.browser, live.server.base, { locale: lang === "fr" ? "fr-CA" : "en-CA" });
      await page.goto(`${live.server.base}/`);
      assert.equal(await page.getAttribute("html", "lang"), lang);
      await page.getByRole("heading", { name: t.help }).waitFor();
      assert.ok(await page.locator('#main a[href="tel:+18339001010"]').isVisible());
      assert.deepEqual(await axeViolations(page), []);
      assert.deepEqual(problems, []);
      await context.close();
    });

    test("language switch is kept across pages, in the links", async () => {
      const { page, context, problems } = await openPage(live.browser, live.server.base);
      await page.goto(`${live.server.base}/?lang=${lang}`);
      await page.getByRole("link", { name: t.switchTo, exact: true }).click();
      await page.waitForURL(`**/?lang=${other}`);
      assert.equal(await page.getAttribute("html", "lang"), other);
      await page.getByRole("link", { name: TEXT[other].directory, exact: true }).click();
      // Not signed in, the choice travels in the links, never in a cookie.
      await page.waitForURL(`**/organizations?lang=${other}`);
      assert.equal(await page.getAttribute("html", "lang"), other, "the choice sticks from page to page");
      assert.deepEqual(await context.cookies(), []);
      assert.deepEqual(problems, []);
      await context.close();
    });

    test("directory search updates live with htmx", async () => {
      const { page, context, problems } = await openPage(live.browser, live.server.base);
      await page.goto(`${live.server.base}/organizations?lang=${lang}`);
      assert.deepEqual(await axeViolations(page), []);
      // A full page load would wipe this marker; an htmx swap keeps it.
      await page.evaluate(() => (window.__sameDocument = true));
      await page.getByLabel(t.search).fill("coalition québécoise");
      await page.locator("#results-count").filter({ hasText: t.oneResult }).waitFor();
      assert.equal(await page.evaluate(() => window.__sameDocument), true, "results were swapped in place, not by a page load");
      assert.match(page.url(), /q=coalition(\+|%20)qu%C3%A9b%C3%A9coise/, "the URL follows the search");
      await page.locator("#results").getByRole("link", { name: /Coalition québécoise|Québec Coalition/ }).click();
      await page.getByRole("heading", { level: 1 }).waitFor();
      assert.ok(await page.getByRole("button", { name: t.print }).isVisible(), "print button shown with JavaScript");
      assert.deepEqual(await axeViolations(page), []);
      assert.deepEqual(problems, []);
      await context.close();
    });

    test("directory works without JavaScript", async () => {
      const { page, context, problems } = await openPage(live.browser, live.server.base, { javaScriptEnabled: false });
      await page.goto(`${live.server.base}/organizations?lang=${lang}`);
      await page.getByLabel(t.search).fill("coalition");
      await page.getByLabel(t.coalitionsOnly).check();
      await page.locator('select[name="province"]').selectOption("QC");
      await page.locator('form.filters button[type="submit"]').click();
      await page.waitForURL(/province=QC/);
      assert.equal(await page.locator("#results-count").textContent(), t.oneResult);
      assert.equal(await page.getAttribute("html", "lang"), lang);
      assert.deepEqual(problems, []);
      await context.close();
    });

    test("keyboard: the quick exit, then the skip link, which moves focus to the content", async () => {
      const { page, context } = await openPage(live.browser, live.server.base);
      await page.goto(`${live.server.base}/organizations?lang=${lang}`);
      await page.keyboard.press("Tab");
      assert.ok(await page.evaluate(() => document.activeElement?.matches("[data-quick-exit]")));
      await page.keyboard.press("Tab");
      const focused = await page.evaluate(() => document.activeElement?.textContent?.trim());
      assert.equal(focused, t.skip);
      await page.keyboard.press("Enter");
      assert.equal(await page.evaluate(() => document.activeElement?.id), "main");
      await context.close();
    });

    test("not-found page is translated and accessible", async () => {
      const { page, context } = await openPage(live.browser, live.server.base);
      const response = await page.goto(`${live.server.base}/no/such/page?lang=${lang}`);
      assert.equal(response.status(), 404);
      await page.getByRole("heading", { name: t.notFound }).waitFor();
      assert.deepEqual(await axeViolations(page), []);
      await context.close();
    });
  });
}
