// Finding a service (live with htmx, and without JavaScript) and editing "Our services"
// (a new service, tonight's capacity), in French and in English, with axe-core on each page.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { axeViolations, BACKEND, openPage, serverAndBrowser, signIn } from "./harness.mjs";

const TEXT = {
  fr: {
    search: "Rechercher",
    housing: /^Hébergement à court terme/,
    substance: "Accepte les personnes qui consomment",
    status: "Sans égard au statut d’immigration",
    near: "Près de",
    count: /\d+ services?/,
    why: "Pourquoi ce résultat",
    manage: "Gérer nos services",
    addService: "Ajouter un service",
    nameFr: "Nom (français)",
    nameEn: "Nom (anglais)",
    save: "Enregistrer",
    available: "Disponibles ce soir",
    update: "Mettre à jour",
    beds: /2 lits disponibles/,
    health: "Santé",
    addLocation: "Ajouter un lieu",
    locationFr: "Nom du lieu (français)",
    locationEn: "Nom du lieu (anglais)",
    address: "Adresse",
    city: "Municipalité",
    saved: "Places mises à jour :",
    find: "Trouver un service par son nom",
    show: "Afficher",
    one: "Un service",
  },
  en: {
    search: "Search",
    housing: /^Short-term housing/,
    substance: "Accepts people who use substances",
    status: "Regardless of immigration status",
    near: "Near",
    count: /\d+ services?/,
    why: "Why this result",
    manage: "Manage our services",
    addService: "Add a service",
    nameFr: "Name (French)",
    nameEn: "Name (English)",
    save: "Save",
    available: "Available tonight",
    update: "Update",
    beds: /2 beds available/,
    health: "Health",
    addLocation: "Add a location",
    locationFr: "Location name (French)",
    locationEn: "Location name (English)",
    address: "Address",
    city: "Municipality",
    saved: "Places updated:",
    find: "Find a service by its name",
    show: "Show",
    one: "One service",
  },
};

// Editors: the member organization's admin in French, a coalition admin in English.
const EDITOR = { fr: "org_admin", en: "coalition_admin" };

const live = serverAndBrowser();

for (const lang of ["fr", "en"]) {
  const t = TEXT[lang];

  describe(`${BACKEND} ${lang} services`, () => {
    test("search narrows live with htmx and explains each result", async () => {
      const { page, context, problems } = await openPage(live.browser, live.server.base);
      await page.goto(`${live.server.base}/services?lang=${lang}`);
      assert.deepEqual(await axeViolations(page), []);
      const count = page.locator("#results-count");
      const before = await count.textContent();
      await page.getByRole("checkbox", { name: t.housing }).check();
      await page.getByRole("checkbox", { name: t.substance }).check();
      await page.getByRole("checkbox", { name: t.status }).check();
      await page.waitForFunction((old) => document.querySelector("#results-count").textContent !== old, before);
      await page.getByLabel(t.near).fill("Montréal");
      await page.getByRole("button", { name: lang === "fr" ? "Filtrer" : "Filter" }).click();
      await page.waitForURL(/near=Montr/);
      assert.match(await count.textContent(), t.count);
      assert.match(page.url(), /substance_use=true/);
      const first = page.locator(".service-cards .card").first();
      await first.getByText(t.why).click();
      assert.ok((await first.locator(".why li").count()) > 0);
      assert.deepEqual(await axeViolations(page), []);
      await first.locator("h2 a").click();
      await page.waitForURL(/\/services\/[0-9a-f-]{36}/);
      assert.deepEqual(await axeViolations(page), []);
      assert.deepEqual(problems, []);
      await context.close();
    });

    test("search works without JavaScript", async () => {
      const { page, context, problems } = await openPage(live.browser, live.server.base, { javaScriptEnabled: false });
      await page.goto(`${live.server.base}/services?lang=${lang}`);
      await page.getByLabel(t.search, { exact: true }).fill("hebergment");
      await page.getByRole("button", { name: lang === "fr" ? "Filtrer" : "Filter" }).click();
      await page.waitForURL(/q=hebergment/);
      assert.ok((await page.locator(".service-cards .card").count()) > 0, "one typo is forgiven");
      assert.deepEqual(problems, []);
      await context.close();
    });

    test("our services: add a service, update tonight's beds, add a location and move it", async () => {
      const { page, context, problems } = await openPage(live.browser, live.server.base);
      await signIn(page, live.server.base, EDITOR[lang], lang);
      await page.goto(`${live.server.base}/organizations/exemple-organisme-membre?lang=${lang}`);
      await page.getByRole("link", { name: t.manage }).click();
      await page.waitForURL("**/services");
      assert.deepEqual(await axeViolations(page), []);
      await page.getByRole("link", { name: t.addService }).click();
      assert.deepEqual(await axeViolations(page), []);
      const name = `Clinique ${lang} ${Date.now()}`;
      await page.getByLabel(t.nameFr).fill(name);
      await page.getByLabel(t.nameEn).fill(`Clinic ${lang} ${Date.now()}`);
      await page.getByRole("checkbox", { name: t.health, exact: true }).check();
      await page.getByRole("button", { name: t.save }).click();
      await page.waitForURL(/\/services\?saved=/);
      const card = page.locator(".card", { hasText: lang === "fr" ? name : "Clinic" }).first();
      await card.getByLabel(t.available).fill("2");
      await card.getByRole("button", { name: t.update }).click();
      await page.waitForURL(/updated=/);
      assert.match(await page.locator("main").textContent(), t.beds);
      assert.match(await page.getByRole("status").first().textContent(), new RegExp(t.saved));
      assert.deepEqual(await axeViolations(page), []);

      // A large organization finds a service by name, accents and case ignored.
      await page.getByLabel(t.find).fill(name.toUpperCase().replace("CLINIQUE", "clinique"));
      await page.getByRole("button", { name: t.show, exact: true }).click();
      await page.waitForURL(/[?&]q=/);
      assert.equal(await page.locator(".admin-services .card").count(), 1);
      assert.match(await page.locator("#svc-count").textContent(), new RegExp(t.one));
      assert.deepEqual(await axeViolations(page), []);
      await page.goto(`${live.server.base}/admin/organizations/exemple-organisme-membre/services?lang=${lang}`);

      // A location is added, then moved: its form comes back filled in.
      await page.getByRole("link", { name: t.addLocation }).click();
      const site = `Bureau ${lang} ${Date.now()}`;
      await page.getByLabel(t.locationFr).fill(site);
      await page.getByLabel(t.locationEn).fill(`Office ${lang}`);
      await page.getByLabel(t.address, { exact: true }).fill("10, rue de l’Essai");
      await page.getByLabel(t.city).fill("Laval");
      await page.getByRole("button", { name: t.save }).click();
      await page.waitForURL("**/exemple-organisme-membre/services");
      await page.getByRole("link", { name: new RegExp(site) }).click();
      await page.waitForURL(/\/locations\/[0-9a-f-]{36}$/);
      assert.equal(await page.getByLabel(t.address, { exact: true }).inputValue(), "10, rue de l’Essai");
      assert.deepEqual(await axeViolations(page), []);
      await page.getByLabel(t.address, { exact: true }).fill("20, avenue Nouvelle");
      await page.getByRole("button", { name: t.save }).click();
      await page.waitForURL("**/exemple-organisme-membre/services");
      await page.getByRole("link", { name: new RegExp(site) }).click();
      await page.waitForURL(/\/locations\/[0-9a-f-]{36}$/);
      assert.equal(await page.getByLabel(t.address, { exact: true }).inputValue(), "20, avenue Nouvelle");
      assert.deepEqual(problems, []);
      await context.close();
    });
  });
}
