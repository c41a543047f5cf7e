// Services an import could not place in any domain: a coalition administrator finds them from
// the organizations list, checks the suggestion, gives one its domain, and sees it classified,
// in French and in English, with axe-core on each page.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { axeViolations, BACKEND, openPage, serverAndBrowser, signIn } from "./harness.mjs";

const TEXT = {
  fr: {
    link: /Services importés à classer \(\d\)/,
    title: "Services à classer",
    submit: /^Classer /,
    domain: "Besoins matériels",
    done: "Service classé",
  },
  en: {
    link: /Imported services to classify \(\d\)/,
    title: "Services to classify",
    submit: /^Classify /,
    domain: "Material needs",
    done: "Service classified",
  },
};

// The same administrator in both languages: the English sign-in uses the next TOTP step.
const LATER = { fr: 0, en: 30 };

const live = serverAndBrowser();

for (const lang of ["fr", "en"]) {
  const t = TEXT[lang];

  describe(`${BACKEND} ${lang} services to classify`, () => {
    test("a coalition administrator classifies a service an import could not place", async () => {
      const { page, context, problems } = await openPage(live.browser, live.server.base);
      await signIn(page, live.server.base, "coalition_admin", lang, LATER[lang]);
      await page.goto(`${live.server.base}/admin/organizations`);
      await page.getByRole("link", { name: t.link }).click();
      await page.getByRole("heading", { name: t.title, level: 1 }).waitFor();
      assert.deepEqual(await axeViolations(page), []);
      const before = await page.getByRole("button", { name: t.submit }).count();
      assert.ok(before >= 1, "a service waits");
      // The first waiting service, with its suggested domain or, without one, "material needs".
      const form = page.locator("form").filter({ has: page.getByRole("button", { name: t.submit }) }).first();
      const domain = form.getByLabel(t.domain);
      if ((await form.locator("input[type=checkbox]:checked").count()) === 0) await domain.check();
      await form.getByRole("button", { name: t.submit }).click();
      await page.waitForURL(/classified=1$/);
      assert.ok(await page.getByRole("status").filter({ hasText: t.done }).isVisible());
      assert.equal(await page.getByRole("button", { name: t.submit }).count(), before - 1);
      assert.deepEqual(await axeViolations(page), []);
      assert.deepEqual(problems, []);
      await context.close();
    });
  });
}
