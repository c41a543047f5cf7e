// The whole path of a person's referral, in French and again in English: the public "need
// help" page; a coordinator's intake (what is needed now, where, how to reach the person
// safely); the quick screen, attached to the case; the services matching the need; the
// person's consent to be referred there; the referral; the receiving organization's queue,
// where it is accepted, started and completed with an outcome; and the sender, who sees the
// outcome and the need met. axe-core on every kind of page.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { axeViolations, BACKEND, openPage, referralStatus as status, serverAndBrowser, signIn } from "./harness.mjs";

const TEXT = {
  fr: {
    helpNow: "Besoin d’aide maintenant ?",
    nav: "Dossiers",
    intake: "Nouvel accueil",
    domain: "Hébergement à court terme",
    urgency: "Urgence",
    now: "Maintenant",
    city: "Où (ville ou municipalité)",
    gender: "Genre",
    woman: "Femme",
    channel: "Moyen sûr",
    text: "Texto",
    noMessage: "ne jamais laisser de message",
    alias: "Nom d’emprunt",
    open: "Ouvrir le dossier",
    quickScreen: "Faire le repérage rapide",
    skip: "Passer cette question",
    review: "Vérifier les réponses",
    finish: "Afficher le résultat",
    attachCase: "Dossier",
    attach: "Joindre le repérage",
    findServices: "Trouver des services",
    service: "Hébergement d’urgence pour femmes",
    consentFirst: "Recueillir d’abord le consentement",
    contact: "Coordonnées",
    notes: "Notes",
    recordConsent: "Inscrire le consentement",
    refer: "Référer",
    sent: "Envoyée",
    queue: "Références reçues",
    accept: "Accepter",
    accepted: "Acceptée",
    start: "Commencer le service",
    complete: "Terminer",
    completed: "Terminée",
    served: "Personne servie",
    met: "Comblé",
    desk: "Coordination",
    inbox: "Boîte de réception",
    waits: "Une référence attend votre réponse",
  },
  en: {
    helpNow: "Need help now?",
    nav: "Cases",
    intake: "New intake",
    domain: "Health",
    urgency: "Urgency",
    now: "Now",
    city: "Where (town or city)",
    gender: "Gender",
    woman: "Woman",
    channel: "Safe channel",
    text: "Text message",
    noMessage: "never leave a message",
    alias: "Alias",
    open: "Open the case",
    quickScreen: "Run the quick screen",
    skip: "Skip this question",
    review: "Review the answers",
    finish: "Show the result",
    attachCase: "Case",
    attach: "Attach the screening",
    findServices: "Find services",
    service: "Health care for people without coverage",
    consentFirst: "First record the consent",
    contact: "Contact details",
    notes: "Notes",
    recordConsent: "Record the consent",
    refer: "Refer",
    sent: "Sent",
    queue: "Referrals received",
    accept: "Accept",
    accepted: "Accepted",
    start: "Start the service",
    complete: "Complete",
    completed: "Completed",
    served: "Person served",
    met: "Met",
    desk: "Coordination desk",
    inbox: "Inbox",
    waits: "A referral waits for your answer",
  },
};

// The coordinator takes both intakes (the second sign-in passes the next TOTP step); each
// language's referral goes to another partner: the shelter, then the clinic.
const LATER = { fr: 0, en: 30 };
const RECEIVER = { fr: "intervenante.plateau", en: "intervenant.clinique" };

const live = serverAndBrowser();

for (const lang of ["fr", "en"]) {
  const t = TEXT[lang];
  const alias = `Exemple — Accueil navigateur ${lang}`;

  describe(`${BACKEND} ${lang} referrals`, () => {
    test("from the public page to a referral whose outcome comes back to the sender", async () => {
      // The public page says where to get help now.
      const visitor = await openPage(live.browser, live.server.base);
      await visitor.page.goto(`${live.server.base}/?lang=${lang}`);
      await visitor.page.getByRole("heading", { name: t.helpNow }).waitFor();
      assert.deepEqual(await axeViolations(visitor.page), []);
      await visitor.context.close();

      // The coordinator takes the intake.
      const sender = await openPage(live.browser, live.server.base);
      const page = sender.page;
      await signIn(page, live.server.base, "coordinator", lang, LATER[lang]);
      await page.getByRole("link", { name: t.nav, exact: true }).click();
      await page.getByRole("link", { name: t.intake }).click();
      await page.waitForURL("**/intake");
      assert.deepEqual(await axeViolations(page), []);
      await page.getByRole("checkbox", { name: t.domain, exact: true }).check();
      await page.getByLabel(t.urgency, { exact: true }).selectOption({ label: t.now });
      await page.getByLabel(t.city, { exact: true }).fill("Montréal");
      await page.getByLabel(t.gender, { exact: true }).selectOption({ label: t.woman });
      await page.getByLabel(t.channel, { exact: true }).selectOption({ label: t.text });
      await page.getByRole("checkbox", { name: t.noMessage }).check();
      await page.getByLabel(t.alias, { exact: true }).fill(alias);
      await page.getByRole("button", { name: t.open }).click();
      await page.waitForURL(/\/cases\/[0-9a-f-]{36}#needs$/);
      const caseUrl = page.url().replace(/#.*$/, "");
      const caseId = caseUrl.split("/").pop();
      assert.ok((await page.locator("#contact-safety").textContent()).includes(t.noMessage));
      assert.deepEqual(await axeViolations(page), []);

      // The desk lists the new intake and its urgent need, which no referral answers yet.
      await page.getByRole("link", { name: t.desk, exact: true }).click();
      await page.waitForURL("**/desk");
      assert.ok((await page.locator("#urgent + ul").textContent()).includes(alias));
      assert.deepEqual(await axeViolations(page), []);
      await page.goto(caseUrl);

      // The quick screen, one click away, attached to the case.
      await page.getByRole("button", { name: t.quickScreen }).click();
      await page.waitForURL(/\/screening\/[0-9a-f-]{36}$/);
      for (let i = 0; i < 20; i++) {
        if ((await page.locator('input[name="question"]').count()) === 0) break;
        const before = await page.locator('input[name="question"]').getAttribute("value");
        await page.getByRole("button", { name: t.skip }).click();
        await page.waitForFunction(
          (previous) => document.querySelector('input[name="question"]')?.value !== previous,
          before,
        );
      }
      await page.getByRole("heading", { name: t.review }).waitFor();
      await page.getByRole("button", { name: t.finish }).click();
      await page.waitForURL(/\/result$/);
      await page.getByLabel(t.attachCase, { exact: true }).selectOption({ value: caseId });
      await page.getByRole("button", { name: t.attach }).click();
      await page.waitForURL(`${caseUrl}#screenings`);
      assert.equal(await page.locator("ul.screenings li").count(), 1);

      // The services matching the need; the person first agrees to be referred there.
      const findServices = async () => {
        await page.getByRole("link", { name: t.findServices }).first().click();
        await page.waitForURL(/\/matches\?domain=/);
      };
      await findServices();
      assert.deepEqual(await axeViolations(page), []);
      const match = () => page.locator("li.match", { hasText: t.service }).first();
      await match().getByRole("link", { name: new RegExp(t.consentFirst) }).click();
      await page.waitForURL(/consent_for=/);
      await page.getByRole("checkbox", { name: t.contact, exact: true }).check();
      await page.getByRole("checkbox", { name: t.notes, exact: true }).check();
      assert.deepEqual(await axeViolations(page), []);
      await page.getByRole("button", { name: t.recordConsent }).click();
      await page.waitForURL(/#consents$/);
      await findServices();
      await match().getByRole("button", { name: new RegExp(`^${t.refer}`) }).click();
      await page.waitForURL(/\/referrals\/[0-9a-f-]{36}$/);
      const referralUrl = page.url();
      assert.equal(await status(page), t.sent);
      assert.deepEqual(await axeViolations(page), []);

      // The receiving organization: its queue, then its answers.
      const receiver = await openPage(live.browser, live.server.base);
      const other = receiver.page;
      await signIn(other, live.server.base, RECEIVER[lang], lang);
      // Its inbox says a referral waits, naming no one.
      await other.getByRole("link", { name: t.inbox, exact: true }).click();
      await other.waitForURL("**/inbox");
      assert.ok(await other.getByRole("link", { name: t.waits }).first().isVisible());
      assert.deepEqual(await axeViolations(other), []);
      await other.getByRole("link", { name: t.queue }).click();
      await other.waitForURL("**/referrals");
      assert.deepEqual(await axeViolations(other), []);
      await other.getByRole("link", { name: new RegExp(alias) }).click();
      await other.waitForURL(referralUrl);
      assert.ok((await other.locator("#contact-safety").textContent()).includes(t.noMessage));
      assert.deepEqual(await axeViolations(other), []);
      await other.getByRole("button", { name: t.accept, exact: true }).click();
      await other.waitForURL(referralUrl);
      assert.equal(await status(other), t.accepted);
      await other.getByRole("button", { name: t.start }).click();
      await other.waitForURL(referralUrl);
      await other.getByRole("button", { name: t.complete, exact: true }).click();
      await other.waitForURL(referralUrl);
      assert.equal(await status(other), t.completed);
      assert.deepEqual(receiver.problems, []);
      await receiver.context.close();

      // The sender sees the outcome, and the need met.
      await page.goto(referralUrl);
      assert.equal(await status(page), t.completed);
      assert.equal(await page.locator("#referral-outcome").textContent(), t.served);
      await page.goto(caseUrl);
      assert.ok((await page.locator("ul.needs").textContent()).includes(t.met));
      assert.deepEqual(sender.problems, []);
      await sender.context.close();
    });
  });
}
