// The referral forms the whole-path test does not walk, in French and again in English: the
// coalition administrator keeps a single point of entry (a member organization's caseworker
// may not take an intake), then opens several (she may); what services need to know; a need added, then
// marked met; a referral to a named worker, cancelled by the sender; another, declined by the
// receiving organization with a reason; and the case handed over to that organization's
// worker, who becomes its lead. axe-core on the pages that change.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { axeViolations, BACKEND, openPage, referralStatus as status, serverAndBrowser, signIn } from "./harness.mjs";

const RECEIVER = "intervenante.plateau";
const RECEIVER_NAME = "Démo Intervenante Plateau";

const TEXT = {
  fr: {
    toSeveral: "Ouvrir plusieurs portes d’entrée",
    toSingle: "Passer au guichet unique",
    several: "Accueil : plusieurs portes d’entrée",
    single: "Accueil : guichet unique",
    housing: "Hébergement à court terme",
    urgency: "Urgence",
    now: "Maintenant",
    city: "Où (ville ou municipalité)",
    gender: "Genre",
    woman: "Femme",
    alias: "Nom d’emprunt",
    open: "Ouvrir le dossier",
    situation: "Ce que les services doivent savoir",
    substance: "Consommation",
    no: "Non",
    addNeed: "Ajouter un besoin",
    legal: "Aide juridique",
    thisWeek: "Cette semaine",
    addNeedSubmit: "Ajouter le besoin",
    met: "Comblé",
    reopen: "Rouvrir",
    findServices: "Trouver des services",
    service: "Hébergement d’urgence pour femmes",
    consentFirst: "Recueillir d’abord le consentement",
    contact: "Coordonnées",
    notes: "Notes",
    recordConsent: "Inscrire le consentement",
    toWorker: "À une personne en particulier (courriel, facultatif)",
    refer: "Référer",
    sent: "Envoyée",
    note: "Précisions",
    cancel: "Annuler la référence",
    cancelled: "Annulée",
    declineReason: "Raison du refus",
    noPlace: "Plus de place",
    decline: "Refuser",
    declined: "Refusée",
    transfer: "Transférer le dossier",
    transferEmail: "Courriel de la nouvelle personne responsable",
    transferSubmit: "Transférer",
    leadWorker: "Intervenant·e responsable",
  },
  en: {
    toSeveral: "Open several points of entry",
    toSingle: "Switch to a single point of entry",
    several: "Intake: several points of entry",
    single: "Intake: a single point of entry",
    housing: "Short-term housing",
    urgency: "Urgency",
    now: "Now",
    city: "Where (town or city)",
    gender: "Gender",
    woman: "Woman",
    alias: "Alias",
    open: "Open the case",
    situation: "What services need to know",
    substance: "Substance use",
    no: "No",
    addNeed: "Add a need",
    legal: "Legal aid",
    thisWeek: "This week",
    addNeedSubmit: "Add the need",
    met: "Met",
    reopen: "Reopen",
    findServices: "Find services",
    service: "Emergency shelter for women",
    consentFirst: "First record the consent",
    contact: "Contact details",
    notes: "Notes",
    recordConsent: "Record the consent",
    toWorker: "To a named worker (e-mail, optional)",
    refer: "Refer",
    sent: "Sent",
    note: "Note",
    cancel: "Cancel the referral",
    cancelled: "Cancelled",
    declineReason: "Reason for declining",
    noPlace: "No place left",
    decline: "Decline",
    declined: "Declined",
    transfer: "Hand the case over",
    transferEmail: "The new lead worker's email",
    transferSubmit: "Hand over",
    leadWorker: "Lead worker",
  },
};

// Each account signs in once per language; the second language passes the next TOTP step.
const LATER = { fr: 0, en: 30 };

const live = serverAndBrowser();

for (const lang of ["fr", "en"]) {
  const t = TEXT[lang];
  const alias = `Exemple — Formulaires ${lang}`;

  describe(`${BACKEND} ${lang} referral forms`, () => {
    test("entry points, situation, needs, a named worker, cancel, decline, hand-over", async () => {
      // The coalition keeps a single point of entry: a member organization's caseworker
      // may not take an intake; then it opens several, and she may.
      const adminSide = await openPage(live.browser, live.server.base);
      const admin = adminSide.page;
      await signIn(admin, live.server.base, "coalition_admin", lang, LATER[lang]);
      await admin.goto(`${live.server.base}/agreements`);
      await admin.getByRole("button", { name: t.toSingle }).click();
      await admin.waitForURL("**/agreements");
      assert.ok((await admin.locator("#entry-model").textContent()).startsWith(t.single));
      const leadSide = await openPage(live.browser, live.server.base);
      const page = leadSide.page;
      await signIn(page, live.server.base, "caseworker", lang, LATER[lang]);
      assert.equal((await page.goto(`${live.server.base}/intake`)).status(), 403);
      await admin.getByRole("button", { name: t.toSeveral }).click();
      await admin.waitForURL("**/agreements");
      assert.ok((await admin.locator("#entry-model").textContent()).startsWith(t.several));
      assert.deepEqual(await axeViolations(admin), []);
      assert.deepEqual(adminSide.problems, []);
      await adminSide.context.close();

      await page.goto(`${live.server.base}/intake`);
      await page.getByRole("checkbox", { name: t.housing, exact: true }).check();
      await page.getByLabel(t.urgency, { exact: true }).selectOption({ label: t.now });
      await page.getByLabel(t.city, { exact: true }).fill("Montréal");
      await page.getByLabel(t.gender, { exact: true }).selectOption({ label: t.woman });
      await page.getByLabel(t.alias, { exact: true }).fill(alias);
      await page.getByRole("button", { name: t.open }).click();
      await page.waitForURL(/\/cases\/[0-9a-f-]{36}#needs$/);
      const caseUrl = page.url().replace(/#.*$/, "");

      // What services need to know.
      await page.getByText(t.situation, { exact: true }).click();
      await page.locator("#situation-substance").selectOption({ label: t.no });
      await page.locator('form[action$="/situation"]').getByRole("button").click();
      await page.waitForURL(`${caseUrl}#needs`);
      const situation = await page.locator("#situation").textContent();
      assert.ok(situation.includes(t.substance) && situation.includes(t.no), situation);
      assert.deepEqual(await axeViolations(page), []);

      // A need added, then met (and it could be reopened).
      await page.getByText(t.addNeed, { exact: true }).click();
      // Labelled fields, found by their ids: other forms of the page have a domain too.
      await page.locator("#need-domain").selectOption({ label: t.legal });
      await page.locator("#need-urgency").selectOption({ label: t.thisWeek });
      await page.locator("#need-note").fill("Conseils sur le statut");
      await page.getByRole("button", { name: t.addNeedSubmit }).click();
      await page.waitForURL(`${caseUrl}#needs`);
      const legalNeed = () => page.locator("li.need", { hasText: t.legal });
      assert.ok((await legalNeed().textContent()).includes("Conseils sur le statut"));
      await legalNeed().getByRole("button", { name: t.met, exact: true }).click();
      await page.waitForURL(`${caseUrl}#needs`);
      await legalNeed().getByRole("button", { name: t.reopen }).waitFor();

      // The person agrees to be referred to the shelter; the referral names its worker.
      const findServices = async () => {
        await page.goto(caseUrl);
        await page.getByRole("link", { name: t.findServices }).first().click();
        await page.waitForURL(/\/matches\?domain=/);
      };
      const match = () => page.locator("li.match", { hasText: t.service }).first();
      await findServices();
      await match().getByRole("link", { name: new RegExp(t.consentFirst) }).click();
      await page.waitForURL(/consent_for=/);
      await page.getByRole("checkbox", { name: t.contact, exact: true }).check();
      await page.getByRole("checkbox", { name: t.notes, exact: true }).check();
      await page.getByRole("button", { name: t.recordConsent }).click();
      await page.waitForURL(/#consents$/);
      await findServices();
      await match().getByLabel(t.toWorker).fill(`${RECEIVER}@demo.mosaique.ca`);
      assert.deepEqual(await axeViolations(page), []);
      await match().getByRole("button", { name: new RegExp(`^${t.refer}`) }).click();
      await page.waitForURL(/\/referrals\/[0-9a-f-]{36}$/);
      assert.equal(await status(page), t.sent);
      assert.ok((await page.locator("main").textContent()).includes(RECEIVER_NAME));

      // The sender cancels it, with a note; the need is open again.
      const cancelForm = page.locator("form.referral-move", { has: page.getByRole("button", { name: t.cancel }) });
      await cancelForm.getByLabel(t.note, { exact: true }).fill("Mauvais service");
      await cancelForm.getByRole("button", { name: t.cancel }).click();
      await page.waitForURL(/\/referrals\/[0-9a-f-]{36}$/);
      assert.equal(await status(page), t.cancelled);

      // Referred again, to the intake queue this time; the shelter declines with a reason.
      await findServices();
      await match().getByRole("button", { name: new RegExp(`^${t.refer}`) }).click();
      await page.waitForURL(/\/referrals\/[0-9a-f-]{36}$/);
      const referralUrl = page.url();
      const receiverSide = await openPage(live.browser, live.server.base);
      const other = receiverSide.page;
      await signIn(other, live.server.base, RECEIVER, lang, LATER[lang]);
      await other.goto(referralUrl);
      const declineForm = other.locator("form.referral-move", { has: other.getByRole("button", { name: t.decline, exact: true }) });
      await declineForm.getByLabel(t.declineReason).selectOption({ label: t.noPlace });
      await declineForm.getByLabel(t.note, { exact: true }).fill("Complet ce soir");
      await declineForm.getByRole("button", { name: t.decline, exact: true }).click();
      await other.waitForURL(referralUrl);
      assert.equal(await status(other), t.declined);
      assert.ok((await other.locator("main").textContent()).includes(t.noPlace));
      assert.deepEqual(await axeViolations(other), []);

      // The lead hands the case over to the shelter's worker (the consent names the shelter).
      await page.goto(caseUrl);
      await page.getByText(t.transfer, { exact: true }).click();
      await page.getByLabel(t.transferEmail).fill(`${RECEIVER}@demo.mosaique.ca`);
      await page.getByRole("button", { name: t.transferSubmit, exact: true }).click();
      await page.waitForLoadState();
      await other.goto(caseUrl);
      const lead = other.locator("ul.team li", { hasText: RECEIVER_NAME });
      assert.ok((await lead.textContent()).includes(t.leadWorker));
      assert.deepEqual(receiverSide.problems, []);
      await receiverSide.context.close();
      assert.deepEqual(leadSide.problems, []);
      await leadSide.context.close();

    });
  });
}
