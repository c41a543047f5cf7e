// Editing an organization's details (constitution, mandates, contacts, areas served) and
// reading them on its public page, in French and in English, with axe-core on each page.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { axeViolations, BACKEND, openPage, serverAndBrowser, signIn } from "./harness.mjs";

const TEXT = {
  fr: {
    formal: "Constitution",
    formalOption: "Organisation formelle",
    mandate: "Orientation vers les services",
    website: "Site web",
    phone: "Téléphone",
    areas: "Territoire desservi",
    save: "Enregistrer",
    contacts: "Pour joindre l’organisme",
  },
  en: {
    formal: "Constitution",
    formalOption: "Formal organization",
    mandate: "Referrals to services",
    website: "Website",
    phone: "Phone",
    areas: "Area served",
    save: "Save",
    contacts: "How to reach them",
  },
};

// The member organization's admin in French, a coalition admin in English.
const EDITOR = { fr: "org_admin", en: "coalition_admin" };

const live = serverAndBrowser();

for (const lang of ["fr", "en"]) {
  const t = TEXT[lang];

  describe(`${BACKEND} ${lang} organizations`, () => {
    test("an organization's details are edited and shown on its page", async () => {
      const { page, context, problems } = await openPage(live.browser, live.server.base);
      await signIn(page, live.server.base, EDITOR[lang], lang);
      await page.goto(`${live.server.base}/admin/organizations/exemple-organisme-membre?lang=${lang}`);
      assert.deepEqual(await axeViolations(page), []);
      await page.getByLabel(t.formal).selectOption({ label: t.formalOption });
      await page.getByRole("checkbox", { name: t.mandate }).check();
      const site = `https://exemple.org/${lang}-${Date.now()}`;
      await page.getByLabel(t.website).fill(site);
      await page.getByLabel(t.phone, { exact: true }).fill("514-555-0142");
      // Open the areas (already open when the organization has some).
      const areas = page.locator("details", { has: page.locator("summary", { hasText: t.areas }) });
      if ((await areas.getAttribute("open")) === null) await areas.locator("summary").click();
      await page.getByRole("checkbox", { name: "Montréal", exact: true }).check();
      assert.deepEqual(await axeViolations(page), []);
      await page.getByRole("button", { name: t.save }).click();
      await page.waitForURL("**/organizations/exemple-organisme-membre");
      const main = page.locator("main");
      await main.getByRole("heading", { name: t.contacts }).waitFor();
      assert.equal(await main.getByRole("link", { name: site }).getAttribute("href"), site);
      const text = await main.textContent();
      assert.ok(text.includes(t.formalOption) && text.includes(t.mandate) && text.includes("Montréal"), text);
      assert.deepEqual(await axeViolations(page), []);
      assert.deepEqual(problems, []);
      await context.close();
    });
  });
}
