// The screening interview in French and in English, with the keyboard alone: start a
// tool, answer, skip, go back, finish later and resume, review, then the printable result
// whose next step (matching services) is one click away, and whose suggestion of the full
// assessment starts it; a full assessment's result with what the person asks for. axe-core on
// every kind of page.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { axeViolations, BACKEND, openPage, serverAndBrowser, signIn } from "./harness.mjs";

const TEXT = {
  fr: {
    nav: "Repérage",
    start: "Commencer : Repérage rapide",
    skip: "Passer cette question",
    back: "Question précédente",
    later: "Finir plus tard",
    resume: "Reprendre",
    review: "Vérifier les réponses",
    finish: "Afficher le résultat",
    result: "Résultat du repérage",
    band: "Niveau de préoccupation : 2 sur 3",
    services: "Voir les services correspondants",
    print: "Imprimer",
    notProof: "Un résultat positif ne prouve pas",
    followUp: "Commencer l’outil plus complet",
    changes: "Ce qui a changé dans cette version",
    askedFor: "Ce que la personne demande",
    yes: "Oui",
    no: "Non",
  },
  en: {
    nav: "Screening",
    start: "Start: Quick screen",
    skip: "Skip this question",
    back: "Previous question",
    later: "Finish later",
    resume: "Resume",
    review: "Review the answers",
    finish: "Show the result",
    result: "Screening result",
    band: "Level of concern: 2 of 3",
    services: "See matching services",
    print: "Print",
    notProof: "A positive result does not prove",
    followUp: "Start the fuller tool",
    changes: "What changed in this version",
    askedFor: "What the person asks for",
    yes: "Yes",
    no: "No",
  },
};

// One screening role per language: a TOTP step serves only once.
const ROLE = { fr: "caseworker", en: "police_liaison" };

const live = serverAndBrowser();

/** Presses Tab until the focused element matches, as a keyboard user would. */
async function tabTo(page, predicate, arg = null, limit = 80) {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate(predicate, arg)) return;
  }
  throw new Error("not reachable with the keyboard");
}

const questionKey = (page) => page.locator('input[name="question"]').getAttribute("value");

/** Answers the current question with the keyboard: yes, no, or skip. */
async function answer(page, choice) {
  const before = await questionKey(page);
  if (choice === "skip") {
    await tabTo(page, () => document.activeElement?.getAttribute("formnovalidate") !== null && document.activeElement?.tagName === "BUTTON");
    await page.keyboard.press("Enter");
  } else {
    await tabTo(page, () => document.activeElement?.getAttribute("name") === "value");
    // The group's first radio is "yes"; the arrow key moves to and selects "no".
    await page.keyboard.press(choice === "yes" ? "Space" : "ArrowRight");
    await page.keyboard.press("Enter");
  }
  await page.waitForFunction(
    (previous) => document.querySelector('input[name="question"]')?.value !== previous,
    before,
  );
}

for (const lang of ["fr", "en"]) {
  const t = TEXT[lang];

  describe(`${BACKEND} ${lang} screening`, () => {
    test("an anonymous quick screen, with the keyboard alone, to a printable result", async () => {
      const { page, context, problems } = await openPage(live.browser, live.server.base);
      await signIn(page, live.server.base, ROLE[lang], lang);
      await page.getByRole("link", { name: t.nav }).click();
      await page.waitForURL("**/screening");
      assert.deepEqual(await axeViolations(page), []);
      // Each tool says what changed in its version.
      assert.ok(await page.getByText(t.changes).first().isVisible());
      await tabTo(page, (name) => document.activeElement?.getAttribute("aria-label") === name, t.start);
      await page.keyboard.press("Enter");
      await page.waitForURL(/\/screening\/[0-9a-f-]{36}$/);
      const interview = page.url();
      assert.deepEqual(await axeViolations(page), []);
      assert.ok(await page.locator("progress").isVisible());

      // danger_now: skip; safe place tonight: no; then stop and resume later.
      assert.equal(await questionKey(page), "danger_now");
      await answer(page, "skip");
      await answer(page, "no");
      await page.getByRole("link", { name: t.later }).click();
      await page.waitForURL("**/screening");
      await page.getByRole("link", { name: new RegExp(t.resume) }).first().click();
      await page.waitForURL(interview);
      assert.equal(await questionKey(page), "watched");

      // Back shows the earlier answer, still checked.
      await page.getByRole("link", { name: t.back }).click();
      assert.equal(await questionKey(page), "safe_place_tonight");
      assert.ok(await page.getByRole("radio", { name: t.no, exact: true }).isChecked());
      await answer(page, "no");

      const plan = { watched: "no", minor: "no", documents: "yes", debt: "yes" };
      for (let i = 0; i < 16; i++) {
        if ((await page.locator('input[name="question"]').count()) === 0) break;
        const key = await questionKey(page);
        await answer(page, plan[key] ?? "skip");
      }
      await page.getByRole("heading", { name: t.review }).waitFor();
      assert.deepEqual(await axeViolations(page), []);
      await tabTo(page, (name) => document.activeElement?.textContent?.trim() === name, t.finish);
      await page.keyboard.press("Enter");
      await page.waitForURL(/\/result$/);
      await page.getByRole("heading", { name: t.result, level: 1 }).waitFor();
      assert.deepEqual(await axeViolations(page), []);
      const main = await page.locator("main").textContent();
      assert.ok(main.includes(t.band), main);
      assert.ok(main.includes(t.notProof));
      assert.ok(await page.getByRole("button", { name: t.print }).isVisible(), "print button shown with JavaScript");
      const services = page.getByRole("link", { name: t.services });
      assert.match(await services.getAttribute("href"), /domain=legal_aid/);
      // The quick screen suggests the full assessment, which starts at its first question.
      await page.getByRole("button", { name: t.followUp }).click();
      await page.waitForURL(/\/screening\/[0-9a-f-]{36}$/);
      assert.notEqual(page.url(), interview);
      assert.equal(await questionKey(page), "danger_now");
      assert.match(await page.locator("main").textContent(), /Évaluation approfondie|Full assessment/);

      // A full assessment's result lists what the person asks for apart from the indicators.
      const made = await page.request.post(`${live.server.base}/api/v1/screenings`, {
        data: { instrument: "evaluation-approfondie", version: 3, answers: { danger_now: "no", minor: "no", need_work: "yes" } },
      });
      assert.equal(made.status(), 201);
      const { id } = await made.json();
      await page.goto(`${live.server.base}/screening/${id}/result`);
      await page.getByRole("heading", { name: t.askedFor }).waitFor();
      assert.deepEqual(await axeViolations(page), []);
      assert.deepEqual(problems, []);
      await context.close();
    });
  });
}
