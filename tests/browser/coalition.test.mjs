// The coalition's workspace: a coordinator schedules a meeting, records attendance, writes
// and approves the minutes, then takes a private calendar address and a calendar application
// (here, a plain request without the session) reads the meeting from it — in French and in
// English, with axe-core on each page.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { axeViolations, BACKEND, openPage, serverAndBrowser, signIn } from "./harness.mjs";

const TEXT = {
  fr: {
    coalition: "Coalition québécoise contre la traite des personnes",
    schedule: "Planifier une rencontre",
    title: "Titre",
    date: "Date",
    starts: "Début",
    ends: "Fin",
    agenda: "Ordre du jour",
    submit: "Planifier",
    present: "Présent",
    saveAttendance: "Enregistrer les présences",
    minutes: "Procès-verbal",
    approve: "Adopter le procès-verbal",
    approved: "Procès-verbal : adopté",
    renew: "Obtenir une nouvelle adresse de calendrier",
    address: "Adresse du calendrier",
    meeting: "Rencontre du comité formation",
    plan: "Plan d’action et suivi des décisions",
    action: "Exemple — Former 200 intervenantes et intervenants au repérage",
    status: "État",
    done: "Réalisée",
    note: "Note de suivi",
    save: "Enregistrer",
    history: "Historique",
    health: "Tableau de bord de la participation",
    active: "Membres actifs",
    trainings: "Formations et cascade",
    recordSession: "Consigner une séance donnée",
    program: "Programme",
    spotting: "Exemple — Repérage et intervention",
    hours: "Durée (heures)",
    hoursValue: "2,5",
    region: "Région",
    recordSubmit: "Consigner",
    cascade: "Voir la cascade de formation",
    rootTrainer: "Exemple — Formatrice de la coalition",
    level3: "Niveau 3",
    addMember: "Inscrire un organisme membre",
    memberOrg: "Organisme (identifiant du répertoire)",
    memberSubmit: "Inscrire",
    overlap: "chevauche une autre adhésion",
    newMember: ["chab-dai-canada", "Chab Dai Canada"],
    end: "Mettre fin",
    publicPlan: "Plan d’action",
    groups: "Comités de travail",
    group: "Exemple — Comité formation",
    decisionNew: "Consigner une décision à suivre",
    decisionTitle: "Ce qui a été décidé",
    decisionSubmit: "Consigner la décision",
    who: "Qui fait quoi",
    memberColumn: "Organisme membre",
    glossary: "Glossaire commun",
    glossaryNew: "Ajouter un terme",
    termFr: "Terme en français",
    termEn: "Terme en anglais",
    glossarySubmit: "Ajouter au glossaire",
    renewCertification: "Renouveler",
    publicAction: "Exemple — Former 200 intervenantes et intervenants au repérage",
    campaigns: "Campagnes de sensibilisation",
    campaignNew: "Consigner une campagne",
    general: "grand public",
    campaignStart: "Début",
    campaignSubmit: "Consigner la campagne",
    peopleLabel: "Personnes jointes",
    reachSubmit: "Consigner la portée",
    reached: "1500 personnes jointes",
    practices: "Pratiques prometteuses",
    practiceNew: "Partager une pratique",
    whatWorked: "Ce qui a marché",
    context: "Le contexte",
    contact: "Personne-ressource :",
    practiceSubmit: "Partager la pratique",
    funding: "Financement",
    markSubmitted: "Marquer remis",
    report: "Exemple — Rapport d’étape",
    submittedOn: "remis le",
    reminderGone: "en retard de 20 jours",
    bulletins: "Bulletins aux membres",
    bulletinNew: "Envoyer un bulletin",
    bulletinBody: "Texte",
    bulletinSubmit: "Envoyer le bulletin",
    bothTitles: "Donnez le titre en français et en anglais",
    unread: "non lu",
    library: "Bibliothèque de ressources",
    share: "Partager une ressource",
    titleFr: "Titre en français",
    titleEn: "Titre en anglais",
    frontLine: "intervenants de première ligne",
    safety: "plan de sécurité",
    file: "Ou un fichier (PDF, PNG, JPEG, WebP ou texte, 10 Mo au plus)",
    shareSubmit: "Partager",
    tooLarge: "10",
    hotline: "Exemple — Ligne d’urgence canadienne contre la traite des personnes",
    audience: "Public visé",
    police: "policiers",
    search: "Chercher",
    criminalCode: "Exemple — Code criminel (Lois du Canada)",
  },
  en: {
    coalition: "Québec Coalition Against Trafficking in Persons",
    schedule: "Schedule a meeting",
    title: "Title",
    date: "Date",
    starts: "Start",
    ends: "End",
    agenda: "Agenda",
    submit: "Schedule",
    present: "Present",
    saveAttendance: "Save attendance",
    minutes: "Minutes",
    approve: "Approve the minutes",
    approved: "Minutes: approved",
    renew: "Get a new calendar address",
    address: "Calendar address",
    meeting: "Training committee meeting",
    plan: "Action plan and decisions follow-up",
    action: "Exemple — Entente de collaboration avec le réseau de la santé",
    status: "Status",
    done: "Done",
    note: "Progress note",
    save: "Save",
    history: "History",
    health: "Participation dashboard",
    active: "Active members",
    trainings: "Trainings and cascade",
    recordSession: "Record a session given",
    program: "Program",
    spotting: "Exemple — Repérage et intervention",
    hours: "Length (hours)",
    hoursValue: "2.5",
    region: "Region",
    recordSubmit: "Record",
    cascade: "See the training cascade",
    rootTrainer: "Exemple — Formatrice de la coalition",
    level3: "Level 3",
    addMember: "Add a member organization",
    memberOrg: "Organization (directory identifier)",
    memberSubmit: "Add",
    overlap: "overlaps another membership",
    newMember: ["alliance-against-modern-slavery", "Alliance Against Modern Slavery"],
    end: "End",
    publicPlan: "Action plan",
    groups: "Working groups",
    group: "Exemple — Comité formation",
    decisionNew: "Record a decision to follow up",
    decisionTitle: "What was decided",
    decisionSubmit: "Record the decision",
    who: "Who does what",
    memberColumn: "Member organization",
    glossary: "Shared glossary",
    glossaryNew: "Add a term",
    termFr: "Term in French",
    termEn: "Term in English",
    glossarySubmit: "Add to the glossary",
    renewCertification: "Renew",
    publicAction: "Exemple — Former 200 intervenantes et intervenants au repérage",
    campaigns: "Awareness campaigns",
    campaignNew: "Record a campaign",
    general: "general public",
    campaignStart: "Start",
    campaignSubmit: "Record the campaign",
    peopleLabel: "People reached",
    reachSubmit: "Record the reach",
    reached: "1500 people reached",
    practices: "Promising practices",
    practiceNew: "Share a practice",
    whatWorked: "What worked",
    context: "The context",
    contact: "Contact person:",
    practiceSubmit: "Share the practice",
    funding: "Funding",
    markSubmitted: "Mark submitted",
    report: "Exemple — Bilan des formations",
    submittedOn: "submitted on",
    reminderGone: "in 10 days",
    bulletins: "Bulletins to members",
    bulletinNew: "Send a bulletin",
    bulletinBody: "Text",
    bulletinSubmit: "Send the bulletin",
    bothTitles: "Give the title in French and in English",
    unread: "unread",
    library: "Resource library",
    share: "Share a resource",
    titleFr: "Title in French",
    titleEn: "Title in English",
    frontLine: "front-line workers",
    safety: "safety planning",
    file: "Or a file (PDF, PNG, JPEG, WebP or text, 10 MB at most)",
    shareSubmit: "Share",
    tooLarge: "10",
    hotline: "Example — Canadian Human Trafficking Hotline",
    audience: "Audience",
    police: "police",
    search: "Search",
    criminalCode: "Example — Criminal Code (Justice Laws)",
  },
};

// The same coordinator in both languages: the English sign-in uses the next TOTP step.
const LATER = { fr: 0, en: 30 };

const live = serverAndBrowser();

for (const lang of ["fr", "en"]) {
  const t = TEXT[lang];

  describe(`${BACKEND} ${lang} coalition workspace`, () => {
    test("a coordinator runs a meeting and subscribes to the calendar", async () => {
      const { page, context, problems } = await openPage(live.browser, live.server.base);
      await signIn(page, live.server.base, "coordinator", lang, LATER[lang]);
      await page.goto(`${live.server.base}/coalitions`);
      await page.getByRole("link", { name: t.coalition, exact: true }).click();
      await page.getByRole("heading", { name: t.coalition, level: 1 }).waitFor();
      assert.deepEqual(await axeViolations(page), []);

      // Schedule: next month, second day, 13:00 to 15:00.
      const day = new Date();
      day.setUTCMonth(day.getUTCMonth() + 1, 2);
      const date = day.toISOString().slice(0, 10);
      await page.getByText(t.schedule, { exact: true }).click();
      await page.getByLabel(t.title, { exact: true }).fill(t.meeting);
      await page.getByLabel(t.date, { exact: true }).fill(date);
      await page.getByLabel(t.starts, { exact: true }).fill("13:00");
      await page.getByLabel(t.ends, { exact: true }).fill("15:00");
      await page.getByLabel(t.agenda, { exact: true }).fill("1. Bilan\n2. Prochaines sessions");
      await page.getByRole("button", { name: t.submit, exact: true }).click();
      await page.getByRole("heading", { name: t.meeting, level: 1 }).waitFor();
      assert.match(await page.locator("#meeting-when").textContent(), new RegExp(`${date} 13:00`));
      assert.deepEqual(await axeViolations(page), []);

      // Attendance: the first member organization was there.
      const first = page.locator("fieldset.presence").first();
      await first.getByLabel(t.present, { exact: true }).check();
      await page.getByRole("button", { name: t.saveAttendance }).click();
      await page.getByRole("heading", { name: t.meeting, level: 1 }).waitFor();
      assert.ok(await page.locator("fieldset.presence").first().getByLabel(t.present, { exact: true }).isChecked());

      // Minutes, approved: then they are shown, no longer a form.
      await page.getByLabel(t.minutes, { exact: true }).fill("Bilan présenté; sessions fixées.");
      await page.getByRole("button", { name: t.approve }).click();
      await page.locator("#minutes-status", { hasText: t.approved }).waitFor();
      assert.equal(await page.getByRole("button", { name: t.approve }).count(), 0);
      assert.ok(await page.getByText("Bilan présenté; sessions fixées.").isVisible());
      assert.deepEqual(await axeViolations(page), []);

      // A private calendar address, shown once; a calendar application reads the meeting.
      await page.getByRole("link", { name: t.coalition, exact: true }).click();
      await page.getByRole("button", { name: t.renew }).click();
      const address = await page.getByLabel(t.address).inputValue();
      assert.match(address, /\/calendar\/[0-9a-f]+\.ics$/);
      assert.deepEqual(await axeViolations(page), []);
      const path = new URL(address).pathname;
      const calendar = await fetch(`${live.server.base}${path}`);
      assert.equal(calendar.status, 200);
      assert.match(calendar.headers.get("content-type"), /^text\/calendar/);
      const text = (await calendar.text()).replace(/\r\n /g, "");
      assert.ok(text.includes(`SUMMARY:${t.meeting}`), text);

      // The action plan: an action under way is marked done, with a note, kept in its history.
      await page.getByRole("link", { name: t.plan }).click();
      assert.deepEqual(await axeViolations(page), []);
      await page.getByRole("link", { name: t.action }).click();
      await page.getByRole("heading", { name: t.action, level: 1 }).waitFor();
      await page.getByLabel(t.status, { exact: true }).selectOption({ label: t.done });
      await page.getByLabel(t.note).fill("Objectif atteint / goal met");
      await page.getByRole("button", { name: t.save, exact: true }).click();
      await page.locator("#action-status", { hasText: t.done }).waitFor();
      const history = page.locator("ol.history li").first();
      assert.match(await history.textContent(), /Objectif atteint \/ goal met/);
      assert.deepEqual(await axeViolations(page), []);

      // The participation dashboard, from the workspace.
      await page.getByRole("link", { name: t.coalition, exact: true }).click();
      await page.getByRole("link", { name: t.coalition, exact: true }).click();
      await page.getByRole("link", { name: t.health }).click();
      await page.getByRole("columnheader", { name: t.active }).waitFor();
      assert.deepEqual(await axeViolations(page), []);
      const workspace = page.url().replace(/\/health.*$/, "");

      // A working group's page, and one of its meetings' decisions made an action item.
      await page.goto(workspace);
      await page.getByRole("link", { name: t.groups, exact: true }).click();
      assert.deepEqual(await axeViolations(page), []);
      await page.getByRole("link", { name: t.group, exact: true }).click();
      await page.getByRole("heading", { name: t.group, level: 1 }).waitFor();
      assert.deepEqual(await axeViolations(page), []);
      await page.locator("ul.meetings a").first().click();
      await page.getByText(t.decisionNew, { exact: true }).click();
      const decision = `${t.decisionTitle} (${lang})`;
      await page.getByLabel(t.decisionTitle, { exact: true }).fill(decision);
      await page.getByRole("button", { name: t.decisionSubmit, exact: true }).click();
      await page.locator("#decisions ~ ul.actions a", { hasText: decision }).waitFor();
      assert.deepEqual(await axeViolations(page), []);

      // Who does what, and a term added to the shared glossary in both languages.
      await page.goto(workspace);
      await page.getByRole("link", { name: t.who, exact: true }).click();
      await page.getByRole("columnheader", { name: t.memberColumn }).first().waitFor();
      assert.deepEqual(await axeViolations(page), []);
      await page.goto(workspace);
      await page.getByRole("link", { name: t.glossary, exact: true }).click();
      await page.getByText(t.glossaryNew, { exact: true }).click();
      await page.getByLabel(t.termFr, { exact: true }).fill(`Servitude (${lang})`);
      await page.getByLabel(t.termEn, { exact: true }).fill(`Servitude, law (${lang})`);
      await page.locator("#gl-practice-fr").fill("Un état de dépendance imposé");
      await page.locator("#gl-practice-en").fill("A state of imposed dependence");
      await page.getByRole("button", { name: t.glossarySubmit, exact: true }).click();
      const term = lang === "fr" ? `Servitude (${lang})` : `Servitude, law (${lang})`;
      await page.locator("dl.glossary dt", { hasText: term }).waitFor();
      assert.deepEqual(await axeViolations(page), []);

      // A bulletin to the members: a title missing in English is refused, then it goes out.
      await page.goto(`${live.server.base}/coalitions`);
      await page.getByRole("link", { name: t.coalition, exact: true }).click();
      await page.getByRole("link", { name: t.bulletins, exact: true }).click();
      await page.getByText(t.bulletinNew, { exact: true }).click();
      const bulletinTitle = `Kiosques ${lang}`;
      await page.getByLabel(t.titleFr, { exact: true }).fill(bulletinTitle);
      await page.getByLabel(t.titleEn, { exact: true }).fill(" ");
      await page.getByLabel(t.bulletinBody, { exact: true }).fill("Trois bénévoles recherchés.");
      await page.getByRole("button", { name: t.bulletinSubmit, exact: true }).click();
      await page.getByRole("alert").filter({ hasText: t.bothTitles }).waitFor();
      assert.deepEqual(await axeViolations(page), []);
      await page.getByLabel(t.titleEn, { exact: true }).fill(bulletinTitle);
      await page.getByRole("button", { name: t.bulletinSubmit, exact: true }).click();
      await page.locator("ul.bulletins li", { hasText: bulletinTitle }).waitFor();
      assert.deepEqual(await axeViolations(page), []);
      assert.deepEqual(problems, []);
      await context.close();
    });

    test("a coalition administrator records a training session, sees the cascade and keeps the members", async () => {
      const { page, context, problems } = await openPage(live.browser, live.server.base);
      await signIn(page, live.server.base, "coalition_admin", lang, LATER[lang]);
      await page.goto(`${live.server.base}/coalitions`);
      await page.getByRole("link", { name: t.coalition, exact: true }).click();
      await page.getByRole("link", { name: t.trainings }).click();
      assert.deepEqual(await axeViolations(page), []);

      // Today's session by the coalition's trainer, in Montréal, five people of a member.
      await page.getByText(t.recordSession, { exact: true }).click();
      await page.getByLabel(t.program, { exact: true }).selectOption({ label: t.spotting });
      await page.getByLabel(t.hours, { exact: true }).fill(t.hoursValue);
      await page.getByLabel(t.region, { exact: true }).selectOption("06");
      await page.locator("fieldset input[type=number]").first().fill("5");
      await page.getByRole("button", { name: t.recordSubmit, exact: true }).click();
      const today = new Date().toLocaleDateString("en-CA", { timeZone: "America/Toronto" });
      const first = page.locator("table.sessions tbody tr").first();
      await first.waitFor();
      const row = await first.textContent();
      assert.ok(row.includes(today) && row.includes(t.spotting) && row.includes(t.hoursValue), row);
      assert.match(row, /Montréal/);
      assert.deepEqual(await axeViolations(page), []);

      // The cascade: three levels, the coalition's trainer at the top.
      await page.getByRole("link", { name: t.cascade }).click();
      await page.getByRole("rowheader", { name: t.level3, exact: true }).waitFor();
      const top = page.locator(".cascade > ul > li").first();
      assert.match(await top.textContent(), new RegExp(t.rootTrainer));
      assert.equal(await page.locator(".cascade ul ul ul > li").count() > 0, true);
      assert.deepEqual(await axeViolations(page), []);

      // A trainer's certification renewed from the trainings page.
      await page.goBack();
      const renewed = lang === "fr" ? "2031-12-31" : "2032-12-31";
      const firstTrainer = page.locator("table.trainers tbody tr").first();
      await firstTrainer.locator("input[type=date]").fill(renewed);
      await firstTrainer.getByRole("button", { name: t.renewCertification, exact: true }).click();
      await page.locator("table.trainers tbody tr", { hasText: renewed }).waitFor();
      assert.deepEqual(await axeViolations(page), []);

      // A campaign with the hotline as material, its reach recorded; then a practice shared.
      await page.goto(`${live.server.base}/coalitions`);
      await page.getByRole("link", { name: t.coalition, exact: true }).click();
      await page.getByRole("link", { name: t.campaigns, exact: true }).click();
      const campaignTitle = `Kiosque ${lang}`;
      await page.getByText(t.campaignNew, { exact: true }).click();
      await page.getByLabel(t.titleFr, { exact: true }).fill(campaignTitle);
      await page.getByLabel(t.titleEn, { exact: true }).fill(campaignTitle);
      await page.getByLabel(t.general, { exact: true }).check();
      await page.getByLabel(t.campaignStart, { exact: true }).fill("2024-09-01");
      await page.getByLabel(t.hotline, { exact: true }).check();
      await page.getByRole("button", { name: t.campaignSubmit, exact: true }).click();
      const section = page.locator("section.campaign", { hasText: campaignTitle });
      await section.getByRole("link", { name: t.hotline }).waitFor();
      await section.getByLabel(t.peopleLabel, { exact: true }).fill("1 500");
      await section.getByRole("button", { name: t.reachSubmit, exact: true }).click();
      await page.locator("section.campaign", { hasText: campaignTitle }).locator(".reach", { hasText: t.reached }).waitFor();
      assert.deepEqual(await axeViolations(page), []);
      await page.goBack();
      await page.goto(`${live.server.base}/coalitions`);
      await page.getByRole("link", { name: t.coalition, exact: true }).click();
      await page.getByRole("link", { name: t.practices, exact: true }).click();
      const practiceTitle = `Navigation ${lang}`;
      await page.getByText(t.practiceNew, { exact: true }).click();
      await page.getByLabel(t.titleFr, { exact: true }).fill(practiceTitle);
      await page.getByLabel(t.titleEn, { exact: true }).fill(practiceTitle);
      await page.getByLabel(t.safety, { exact: true }).check();
      await page.getByLabel(t.whatWorked, { exact: true }).fill("Une navigatrice accompagne chaque personne.");
      await page.getByLabel(t.context, { exact: true }).fill("Laval, 2025.");
      await page.getByLabel(t.contact, { exact: true }).fill("Coordination, 450 555-0100");
      await page.getByRole("button", { name: t.practiceSubmit, exact: true }).click();
      await page.getByRole("heading", { level: 2, name: practiceTitle }).waitFor();
      assert.deepEqual(await axeViolations(page), []);

      // The workspace reminds of a report; marked submitted, it is reminded no more.
      await page.goto(`${live.server.base}/coalitions`);
      await page.getByRole("link", { name: t.coalition, exact: true }).click();
      const reminders = page.locator("ul.reminders");
      await reminders.locator("li", { hasText: t.report }).filter({ hasText: t.reminderGone }).waitFor();
      await page.getByRole("link", { name: t.funding, exact: true }).click();
      const reportRow = page.locator("table.reports tr", { hasText: t.report });
      await reportRow.getByRole("button", { name: t.markSubmitted, exact: true }).click();
      await page.locator("table.reports tr", { hasText: t.report }).filter({ hasText: t.submittedOn }).waitFor();
      assert.deepEqual(await axeViolations(page), []);
      await page.goto(`${live.server.base}/coalitions`);
      await page.getByRole("link", { name: t.coalition, exact: true }).click();
      await page.getByRole("heading", { level: 2, name: t.funding === "Funding" ? "Reminders" : "Rappels" }).waitFor();
      assert.equal(await page.locator("ul.reminders li", { hasText: t.report }).count(), 0);

      // Members: a period that overlaps is refused in words; a new member is added, then
      // its membership ends today.
      await page.goto(`${live.server.base}/coalitions`);
      await page.getByRole("link", { name: t.coalition, exact: true }).click();
      const workspace = page.url();
      await page.getByText(t.addMember, { exact: true }).click();
      await page.getByLabel(t.memberOrg).fill("exemple-organisme-membre");
      await page.getByRole("button", { name: t.memberSubmit, exact: true }).click();
      await page.getByRole("alert").filter({ hasText: t.overlap }).waitFor();
      assert.deepEqual(await axeViolations(page), []);
      await page.goto(workspace);
      await page.getByText(t.addMember, { exact: true }).click();
      await page.getByLabel(t.memberOrg).fill(t.newMember[0]);
      await page.getByRole("button", { name: t.memberSubmit, exact: true }).click();
      const added = page.locator("table.members tr", { hasText: t.newMember[1] });
      await added.waitFor();
      assert.doesNotMatch(await added.textContent(), new RegExp(`${today}.*${today}`));
      await added.getByRole("button", { name: t.end, exact: true }).click();
      // Its period now ends today: joined and left on the same day.
      await page
        .locator("table.members tr", { hasText: t.newMember[1] })
        .filter({ hasText: new RegExp(`${today}.*${today}`) })
        .waitFor();
      assert.deepEqual(await axeViolations(page), []);

      // The plan's public summary, for anyone: no session, only what the coalition made public.
      const coalitionPath = new URL(workspace).pathname;
      const visitor = await openPage(live.browser, live.server.base);
      await visitor.page.goto(`${live.server.base}${coalitionPath}/plan?lang=${lang}`);
      await visitor.page.getByRole("heading", { level: 1, name: new RegExp(t.publicPlan) }).waitFor();
      assert.ok(await visitor.page.getByText(t.publicAction).isVisible());
      assert.equal(await visitor.page.getByText("Rencontres trimestrielles").count(), 0);
      assert.deepEqual(await axeViolations(visitor.page), []);
      assert.deepEqual(visitor.problems, []);
      await visitor.context.close();
      assert.deepEqual(problems, []);
      await context.close();
    });
    test("a member's administrator shares a document in the library; a visitor reads the public shelf", async () => {
      const { page, context, problems } = await openPage(live.browser, live.server.base);
      await signIn(page, live.server.base, "org_admin", lang, LATER[lang]);
      await page.goto(`${live.server.base}/coalitions`);
      await page.getByRole("link", { name: t.coalition, exact: true }).click();
      await page.getByRole("link", { name: t.library, exact: true }).click();
      await page.getByRole("heading", { level: 1, name: new RegExp(t.library) }).waitFor();
      const library = page.url();
      assert.deepEqual(await axeViolations(page), []);

      // A file too large is refused in words, and what was typed stays.
      const title = `Fiche de sécurité ${lang}`;
      const fill = async () => {
        await page.getByText(t.share, { exact: true }).click();
        await page.getByLabel(t.titleFr, { exact: true }).fill(title);
        await page.getByLabel(t.titleEn, { exact: true }).fill(`Safety sheet ${lang}`);
        await page.getByLabel(t.frontLine, { exact: true }).check();
        await page.getByLabel(t.safety, { exact: true }).check();
      };
      await fill();
      await page.getByLabel(t.file, { exact: true }).setInputFiles({
        name: "enorme.pdf",
        mimeType: "application/pdf",
        buffer: Buffer.concat([Buffer.from("%PDF-"), Buffer.alloc(11 * 1024 * 1024, 97)]),
      });
      await page.getByRole("button", { name: t.shareSubmit, exact: true }).click();
      await page.getByRole("alert").filter({ hasText: t.tooLarge }).waitFor();
      assert.equal(await page.getByLabel(t.titleFr, { exact: true }).inputValue(), title);
      assert.deepEqual(await axeViolations(page), []);

      // A plain-text sheet, for members: listed, shared by the member, opened as a download.
      await page.getByLabel(t.file, { exact: true }).setInputFiles({
        name: "fiche-securite.txt",
        mimeType: "text/plain",
        buffer: Buffer.from("1. Un endroit sûr.\n2. Un numéro à appeler : 1-833-900-1010.\n"),
      });
      await page.getByRole("button", { name: t.shareSubmit, exact: true }).click();
      // Listed under its title in the reader's language.
      const listed = lang === "fr" ? title : `Safety sheet ${lang}`;
      const item = page.locator("ul.library > li", { hasText: listed });
      await item.waitFor();
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        item.getByRole("link", { name: listed }).click(),
      ]);
      assert.equal(download.suggestedFilename(), "fiche-securite.txt");
      assert.deepEqual(await axeViolations(page), []);

      // The search by audience keeps what fits.
      await page.getByLabel(t.audience, { exact: true }).selectOption({ label: t.police });
      await page.getByRole("button", { name: t.search, exact: true }).click();
      await page.getByRole("link", { name: t.criminalCode }).waitFor();
      assert.equal(await page.locator("ul.library > li", { hasText: listed }).count(), 0);

      // A visitor without a session reads the public shelf only.
      const visitor = await openPage(live.browser, live.server.base);
      await visitor.page.goto(`${library}?lang=${lang}`);
      await visitor.page.getByRole("link", { name: t.hotline }).waitFor();
      assert.equal(await visitor.page.getByText(listed).count(), 0);
      assert.deepEqual(await axeViolations(visitor.page), []);
      assert.deepEqual(visitor.problems, []);
      await visitor.context.close();

      // The coordinator's bulletin waits in the member's inbox; opened, it is read.
      await page.goto(`${live.server.base}/inbox?lang=${lang}`);
      const bulletin = page.locator("ul.inbox li", { hasText: `Kiosques ${lang}` });
      await bulletin.filter({ hasText: t.unread }).waitFor();
      await bulletin.getByRole("link").click();
      await page.getByText("Trois bénévoles recherchés.").waitFor();
      assert.deepEqual(await axeViolations(page), []);
      await page.goto(`${live.server.base}/inbox?lang=${lang}`);
      assert.equal(await page.locator("ul.inbox li", { hasText: `Kiosques ${lang}` }).filter({ hasText: t.unread }).count(), 0);
      assert.deepEqual(problems, []);
      await context.close();
    });
  });
}
