// Shared cases in French and in English: a lead opens a case, puts two partner organizations'
// caseworkers on its team and records the person's consent; the partner sees exactly the
// categories consented to; the consent is withdrawn and, on the next page, they no longer
// do; the phone is changed and a document added by form; a second opening of the same
// person is warned of; steps of the plan are seen in their category (a task, not an immigration permit); a
// team member's emergency access opens only once a privacy officer approves it; a police
// liaison without consent sees no case at all. axe-core on every kind of page.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { axeViolations, BACKEND, openPage, serverAndBrowser, signIn } from "./harness.mjs";

const TEXT = {
  fr: {
    nav: "Dossiers",
    alias: "Nom d’emprunt",
    name: "Nom",
    phone: "Téléphone",
    open: "Ouvrir le dossier",
    memberEmail: "Courriel du membre",
    addMember: "Ajouter à l’équipe",
    recordTitle: "Inscrire un consentement",
    contact: "Coordonnées",
    notes: "Notes",
    record: "Inscrire le consentement",
    note: "Note",
    addNote: "Ajouter la note",
    withdraw: "Inscrire le retrait",
    notShared: "Non communiqué à votre organisme.",
    noCase: "Vous ne faites partie de l’équipe d’aucun dossier.",
    notFound: "Page introuvable",
    stepKind: "Type",
    stepTitle: "Intitulé",
    stepStatus: "État",
    stepOn: "Date (prévue, de l’audience ou de la demande)",
    stepExpires: "Fin de validité (permis ou ordonnance)",
    addStep: "Ajouter la démarche",
    addStepSummary: "Ajouter une démarche",
    permit: "Permis de séjour temporaire (victime de traite)",
    task: "Tâche",
    granted: "Réalisé ou accordé",
    renew: "Renouvellement : expire dans",
    immigration: "Démarches d’immigration",
    emergencyAsk: "Demander un accès d’urgence",
    emergencyReason: "Motif",
    emergencySubmit: "Demander l’accès",
    approve: "Approuver",
    // What emergency access opens, and what it shows once open (Rose's phone; her note).
    change: "Modifier",
    save: "Enregistrer",
    newPhone: "514-555-0166",
    addDocumentSummary: "Ajouter un document",
    documentCategory: "Catégorie",
    documentFile: "Fichier",
    addDocument: "Ajouter le document",
    duplicate: "Ce dossier existe peut-être déjà dans votre organisme.",
    termLabel: "Libellé de la coalition (français)",
    termWords: "Travail forcé (agriculture)",
    emergencyCategory: "Coordonnées",
    emergencyShows: "514-555-0142",
  },
  en: {
    nav: "Cases",
    alias: "Alias",
    name: "Name",
    phone: "Phone",
    open: "Open the case",
    memberEmail: "Member's email",
    addMember: "Add to the team",
    recordTitle: "Record a consent",
    contact: "Contact details",
    notes: "Notes",
    record: "Record the consent",
    note: "Note",
    addNote: "Add the note",
    withdraw: "Record the withdrawal",
    notShared: "Not disclosed to your organization.",
    noCase: "You are not on the team of any case.",
    notFound: "Page not found",
    stepKind: "Kind",
    stepTitle: "Title",
    stepStatus: "Status",
    stepOn: "Date (due, hearing or application)",
    stepExpires: "Valid until (permit or order)",
    addStep: "Add the step",
    addStepSummary: "Add a step",
    permit: "Temporary resident permit (victim of trafficking)",
    task: "Task",
    granted: "Done or granted",
    renew: "Renewal: expires in",
    immigration: "Immigration steps",
    emergencyAsk: "Ask for emergency access",
    emergencyReason: "Reason",
    emergencySubmit: "Ask for access",
    approve: "Approve",
    change: "Change",
    save: "Save",
    newPhone: "514-555-0199",
    addDocumentSummary: "Add a document",
    documentCategory: "Category",
    documentFile: "File",
    addDocument: "Add the document",
    duplicate: "This case may already exist in your organization.",
    termLabel: "The coalition's label (English)",
    termWords: "Forced labour (farms)",
    emergencyCategory: "Notes",
    emergencyShows: "First meeting at the intake line",
  },
};

// One lead and one partner per language: a TOTP step serves only once.
const LEAD = { fr: "caseworker", en: "coordinator" };
const PARTNER = { fr: "intervenante.plateau", en: "intervenant.clinique" };
const PARTNER_ORG = { fr: "Exemple — Maison des femmes du Plateau", en: "Example — Neighbourhood Health Clinic" };
// A third organization on the team, whom no consent covers.
const THIRD = { fr: "intervenant.clinique", en: "intervenante.plateau" };
const THIRD_ORG = { fr: "Exemple — Clinique de santé du Quartier", en: "Example — Plateau Women's House" };

const live = serverAndBrowser();

for (const lang of ["fr", "en"]) {
  const t = TEXT[lang];
  const alias = `Exemple — Navigateur ${lang}`;
  const name = `Nom Navigateur ${lang.toUpperCase()}`;
  const phone = lang === "fr" ? "514-555-0177" : "514-555-0188";

  describe(`${BACKEND} ${lang} cases`, () => {
    test("consent decides what a partner sees, and its withdrawal takes effect at once", async () => {
      const lead = await openPage(live.browser, live.server.base);
      await signIn(lead.page, live.server.base, LEAD[lang], lang);
      await lead.page.getByRole("link", { name: t.nav, exact: true }).click();
      await lead.page.waitForURL("**/cases");
      assert.deepEqual(await axeViolations(lead.page), []);

      // Open a case with a name and a phone number.
      await lead.page.getByLabel(t.alias, { exact: true }).fill(alias);
      await lead.page.getByLabel(t.name, { exact: true }).fill(name);
      await lead.page.getByLabel(t.phone, { exact: true }).fill(phone);
      await lead.page.getByRole("button", { name: t.open }).click();
      await lead.page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
      const caseUrl = lead.page.url();
      assert.deepEqual(await axeViolations(lead.page), []);

      // The partner joins the team; the person consents to share contact details and notes.
      await lead.page.getByLabel(t.memberEmail).fill(`${PARTNER[lang]}@demo.mosaique.ca`);
      await lead.page.getByRole("button", { name: t.addMember }).click();
      await lead.page.waitForURL(`${caseUrl}#team`);
      await lead.page.getByLabel(t.memberEmail).fill(`${THIRD[lang]}@demo.mosaique.ca`);
      await lead.page.getByRole("button", { name: t.addMember }).click();
      await lead.page.waitForURL(`${caseUrl}#team`);
      // A team from three organizations: the lead's and two partners.
      const team = await lead.page.locator("ul.team").textContent();
      assert.ok(team.includes(PARTNER_ORG[lang]) && team.includes(THIRD_ORG[lang]), team);
      await lead.page.getByText(t.recordTitle).click();
      await lead.page.getByRole("checkbox", { name: PARTNER_ORG[lang], exact: true }).check();
      await lead.page.getByRole("checkbox", { name: t.contact, exact: true }).check();
      await lead.page.getByRole("checkbox", { name: t.notes, exact: true }).check();
      assert.deepEqual(await axeViolations(lead.page), []);
      await lead.page.getByRole("button", { name: t.record }).click();
      await lead.page.waitForURL(`${caseUrl}#consents`);
      await lead.page.getByLabel(t.note, { exact: true }).fill(`Note ${lang} pour l’équipe`);
      await lead.page.getByRole("button", { name: t.addNote }).click();
      await lead.page.waitForURL(`${caseUrl}#notes`);

      // Two steps: a granted permit that ends in a month (immigration), and a task (notes).
      const day = (offset) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
      const addStep = async (kind, title, fields = {}) => {
        const form = lead.page.locator('form[action$="/steps"]');
        await form.getByLabel(t.stepKind, { exact: true }).selectOption({ label: kind });
        await form.getByLabel(t.stepTitle, { exact: true }).fill(title);
        if (fields.status) await form.getByLabel(t.stepStatus, { exact: true }).selectOption({ label: fields.status });
        if (fields.on) await form.getByLabel(t.stepOn, { exact: true }).fill(fields.on);
        if (fields.expires) await form.getByLabel(t.stepExpires, { exact: true }).fill(fields.expires);
        await form.getByRole("button", { name: t.addStep }).click();
        await lead.page.waitForURL(`${caseUrl}#steps`);
      };
      const permitTitle = `PST ${lang} navigateur`;
      const taskTitle = `Tâche ${lang} navigateur`;
      await addStep(t.permit, permitTitle, { status: t.granted, on: day(-100), expires: day(30) });
      // The add form is folded once the case has steps.
      await lead.page.getByText(t.addStepSummary, { exact: true }).click();
      await addStep(t.task, taskTitle, { on: day(7) });
      let leadMain = await lead.page.locator("main").textContent();
      assert.ok(leadMain.includes(permitTitle) && leadMain.includes(taskTitle), leadMain);
      assert.ok(leadMain.includes(t.renew), "the renewal reminder");
      assert.ok(leadMain.includes(t.immigration));
      assert.deepEqual(await axeViolations(lead.page), []);

      // The phone changes (the contact part's form), and a document joins the notes.
      const contact = lead.page.locator("section.case-part", { has: lead.page.locator('form[action$="/details/contact"]') });
      await contact.getByText(t.change, { exact: true }).click();
      await contact.getByLabel(t.phone, { exact: true }).fill(t.newPhone);
      await contact.getByRole("button", { name: t.save }).click();
      await lead.page.waitForURL(`${caseUrl}#person`);
      await lead.page.getByText(t.addDocumentSummary, { exact: true }).click();
      const upload = lead.page.locator('form[action$="/documents"]');
      await upload.getByLabel(t.documentCategory, { exact: true }).selectOption({ label: t.notes });
      const documentName = `compte-rendu-${lang}.txt`;
      await upload.getByLabel(t.documentFile, { exact: true }).setInputFiles({
        name: documentName,
        mimeType: "text/plain",
        buffer: Buffer.from("Rencontre : rien à signaler."),
      });
      await upload.getByRole("button", { name: t.addDocument }).click();
      await lead.page.waitForURL(`${caseUrl}#documents`);
      leadMain = await lead.page.locator("main").textContent();
      assert.ok(leadMain.includes(t.newPhone) && leadMain.includes(documentName), leadMain);
      assert.deepEqual(await axeViolations(lead.page), []);

      // The partner sees the phone and the note, not the name.
      const partner = await openPage(live.browser, live.server.base);
      await signIn(partner.page, live.server.base, PARTNER[lang], lang);
      await partner.page.goto(caseUrl);
      assert.deepEqual(await axeViolations(partner.page), []);
      let main = await partner.page.locator("main").textContent();
      assert.ok(main.includes(t.newPhone) && main.includes(`Note ${lang}`), main);
      assert.ok(main.includes(documentName), "the document, under notes");
      assert.ok(!main.includes(name), "the name is not disclosed");
      assert.ok(main.includes(t.notShared));
      // The task (notes) but not the permit (immigration, not consented).
      assert.ok(main.includes(taskTitle), main);
      assert.ok(!main.includes(permitTitle) && !main.includes(t.immigration), main);

      // The person withdraws: the lead records it, and the partner's next page has neither.
      await lead.page.getByRole("button", { name: t.withdraw }).click();
      await lead.page.waitForURL(`${caseUrl}#consents`);
      await partner.page.reload();
      main = await partner.page.locator("main").textContent();
      assert.ok(!main.includes(t.newPhone) && !main.includes(`Note ${lang}`), main);
      assert.ok(!main.includes(documentName));
      assert.ok(!main.includes(name) && !main.includes(taskTitle));

      // Opening the same person again: the lead is warned before anything is written.
      await lead.page.goto(`${live.server.base}/cases`);
      await lead.page.getByLabel(t.alias, { exact: true }).fill(alias);
      await lead.page.getByRole("button", { name: t.open }).click();
      await lead.page.getByText(t.duplicate).waitFor();
      assert.deepEqual(await axeViolations(lead.page), []);

      assert.deepEqual(lead.problems, []);
      assert.deepEqual(partner.problems, []);
      await lead.context.close();
      await partner.context.close();
    });

    test("break-glass: emergency access opens once a privacy officer approves", async () => {
      // The legal clinic's worker is on Rose's team without this category: they ask.
      const later = lang === "fr" ? 0 : 30;
      const worker = await openPage(live.browser, live.server.base);
      await signIn(worker.page, live.server.base, "intervenante.juridique", lang, later);
      await worker.page.getByRole("link", { name: t.nav, exact: true }).click();
      await worker.page.waitForURL("**/cases");
      await worker.page.locator("tr", { hasText: "Exemple — Rose" }).getByRole("link").click();
      await worker.page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
      const caseUrl = worker.page.url();
      let main = await worker.page.locator("main").textContent();
      assert.ok(!main.includes(t.emergencyShows), "not disclosed before");
      await worker.page.getByText(t.emergencyAsk, { exact: true }).click();
      const form = worker.page.locator('form[action$="/emergency"]');
      await form.getByLabel(t.emergencyReason, { exact: true }).fill(`Navigateur ${lang} : la personne ne répond plus`);
      await form.getByRole("checkbox", { name: t.emergencyCategory, exact: true }).check();
      assert.deepEqual(await axeViolations(worker.page), []);
      await form.getByRole("button", { name: t.emergencySubmit }).click();
      await worker.page.waitForURL(`${caseUrl}#emergency`);
      // Asking opens nothing: a second person decides.
      main = await worker.page.locator("main").textContent();
      assert.ok(!main.includes(t.emergencyShows), "not before approval");

      const officer = await openPage(live.browser, live.server.base);
      await signIn(officer.page, live.server.base, "privacy_officer", lang, later);
      await officer.page.goto(`${live.server.base}/privacy`);
      assert.deepEqual(await axeViolations(officer.page), []);
      const approve = officer.page.getByRole("button", { name: new RegExp(`^${t.approve} `) });
      await approve.click();
      // Decided: the request leaves the desk's list of those waiting.
      await approve.waitFor({ state: "detached" });

      await worker.page.reload();
      main = await worker.page.locator("main").textContent();
      assert.ok(main.includes(t.emergencyShows), main);
      assert.deepEqual(worker.problems, []);
      assert.deepEqual(officer.problems, []);
      await worker.context.close();
      await officer.context.close();
    });

    test("a coalition admin words a case vocabulary's value", async () => {
      const admin = await openPage(live.browser, live.server.base);
      await signIn(admin.page, live.server.base, "coalition_admin", lang, lang === "fr" ? 0 : 30);
      await admin.page.goto(`${live.server.base}/admin/vocabularies`);
      assert.deepEqual(await axeViolations(admin.page), []);
      const form = admin.page.locator("form", { has: admin.page.locator('input[name="key"][value="forced_labour"]') });
      await form.getByLabel(t.termLabel, { exact: true }).fill(t.termWords);
      const back = admin.page.waitForResponse((r) => r.url().endsWith("/admin/vocabularies") && r.request().method() === "GET");
      await form.getByRole("button").click();
      await back;
      // Read back from a fresh page: the label was stored, not just typed.
      await admin.page.goto(`${live.server.base}/admin/vocabularies`);
      const saved = admin.page.locator("form", { has: admin.page.locator('input[name="key"][value="forced_labour"]') });
      assert.equal(await saved.getByLabel(t.termLabel, { exact: true }).inputValue(), t.termWords);
      assert.deepEqual(admin.problems, []);
      await admin.context.close();
    });

    test("a police liaison without consent sees no case", async () => {
      const police = await openPage(live.browser, live.server.base);
      await signIn(police.page, live.server.base, "police_liaison", lang, lang === "fr" ? 0 : 30);
      await police.page.getByRole("link", { name: t.nav, exact: true }).click();
      await police.page.waitForURL("**/cases");
      const main = await police.page.locator("main").textContent();
      assert.ok(main.includes(t.noCase), main);
      assert.deepEqual(await axeViolations(police.page), []);
      // A case's address answers as a page that does not exist.
      const cases = await fetch(`${live.server.base}/api/v1/cases`).then((r) => r.status);
      assert.equal(cases, 401, "the API asks who is asking");
      const demo = await police.page.request.get(`${live.server.base}/api/v1/cases`);
      assert.equal((await demo.json()).items.length, 0);
      await police.context.close();
    });
  });
}
