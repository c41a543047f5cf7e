// Signing in (password then second factor), enrolling a new account (password, TOTP,
// recovery codes) and signing out, in French and in English, with axe-core on each page.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { axeViolations, BACKEND, base32Decode, DEMO_PASSWORD, demoSecret, openPage, serverAndBrowser, totp } from "./harness.mjs";

const TEXT = {
  fr: {
    email: "Adresse courriel",
    password: "Mot de passe",
    signIn: "Se connecter",
    code: "Code de vérification",
    verify: "Valider",
    account: "Mon compte",
    signOut: "Se déconnecter",
    newPassword: "Nouveau mot de passe",
    confirm: "Confirmez le mot de passe",
    save: "Enregistrer",
    appCode: "Code affiché par l’application",
    turnOn: "Activer",
    savedCodes: "J’ai conservé mes codes",
    wrong: "Courriel ou mot de passe incorrect.",
    throttled: "Trop de tentatives. Réessayez dans une minute.",
  },
  en: {
    email: "Email address",
    password: "Password",
    signIn: "Sign in",
    code: "Verification code",
    verify: "Verify",
    account: "My account",
    signOut: "Sign out",
    newPassword: "New password",
    confirm: "Confirm the password",
    save: "Save",
    appCode: "Code shown by the app",
    turnOn: "Turn on",
    savedCodes: "I have saved my codes",
    wrong: "Wrong email or password.",
    throttled: "Too many attempts. Try again in one minute.",
  },
};

// Each language signs in a different demo account: a TOTP step can serve only once.
const ROLE = { fr: "coordinator", en: "privacy_officer" };

// Accounts whose password is mistyped until the page asks to wait, one per language.
const MISTYPED = { fr: "analyst", en: "police_liaison" };

const live = serverAndBrowser();

for (const lang of ["fr", "en"]) {
  const t = TEXT[lang];

  describe(`${BACKEND} ${lang} sign-in`, () => {
    test("password, then second factor, then sign out", async () => {
      const { page, context, problems } = await openPage(live.browser, live.server.base);
      await page.goto(`${live.server.base}/login?lang=${lang}`);
      assert.deepEqual(await axeViolations(page), []);
      await page.getByLabel(t.email).fill(`${ROLE[lang]}@demo.mosaique.ca`);
      await page.getByLabel(t.password).fill("not the password");
      await page.getByRole("button", { name: t.signIn }).click();
      await page.getByRole("alert").filter({ hasText: t.wrong }).waitFor();

      await page.getByLabel(t.password).fill(DEMO_PASSWORD);
      await page.getByRole("button", { name: t.signIn }).click();
      await page.waitForURL("**/login/totp");
      assert.deepEqual(await axeViolations(page), []);
      await page.getByLabel(t.code).fill(totp(demoSecret(ROLE[lang])));
      await page.getByRole("button", { name: t.verify }).click();
      await page.waitForURL("**/account");
      await page.getByRole("heading", { name: t.account }).waitFor();
      assert.deepEqual(await axeViolations(page), []);

      await page.getByRole("button", { name: t.signOut }).click();
      await page.waitForURL(`${live.server.base}/?lang=${lang}`);
      assert.ok(await page.getByRole("link", { name: t.signIn }).isVisible());
      const me = await page.request.get(`${live.server.base}/api/v1/me`);
      assert.equal(me.status(), 401);
      assert.deepEqual(problems, []);
      await context.close();
    });

    test("after too many wrong passwords, the page says how long to wait", async () => {
      const { page, context, problems } = await openPage(live.browser, live.server.base);
      await page.goto(`${live.server.base}/login?lang=${lang}`);
      const email = `${MISTYPED[lang]}@demo.mosaique.ca`;
      const attempt = async (password) => {
        await page.getByLabel(t.email).fill(email);
        await page.getByLabel(t.password).fill(password);
        const [response] = await Promise.all([
          page.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/login"),
          page.getByRole("button", { name: t.signIn }).click(),
        ]);
        return response;
      };
      for (let i = 0; i < 5; i++) {
        assert.equal((await attempt("not the password")).status(), 401);
      }
      // The right password waits too, from this browser that never signed in.
      const paused = await attempt(DEMO_PASSWORD);
      assert.equal(paused.status(), 429);
      assert.ok(Number(paused.headers()["retry-after"]) > 0);
      await page.getByRole("alert").filter({ hasText: t.throttled }).waitFor();
      assert.deepEqual(await axeViolations(page), []);
      assert.deepEqual(problems, []);
      await context.close();
    });

    test("enrolment: password, authenticator, recovery codes", async () => {
      const email = `enrol-${lang}-${Date.now()}@exemple.org`;
      const output = live.server.admin(["user", "create", "--email", email, "--org", "exemple-organisme-membre", "--role", "caseworker"]);
      const link = output.match(/http:\/\/\S+\/enrol\/[0-9a-f]{64}/)[0];
      const { page, context, problems } = await openPage(live.browser, live.server.base);
      await page.goto(`${link}?lang=${lang}`);
      assert.deepEqual(await axeViolations(page), []);
      await page.getByLabel(t.newPassword).fill("password1234");
      await page.getByLabel(t.confirm).fill("password1234");
      await page.getByRole("button", { name: t.save }).click();
      await page.getByRole("alert").waitFor();
      const passphrase = "Trois chats bleus dansent la nuit";
      await page.getByLabel(t.newPassword).fill(passphrase);
      await page.getByLabel(t.confirm).fill(passphrase);
      await page.getByRole("button", { name: t.save }).click();
      await page.waitForURL("**/account/security/totp");
      assert.ok(await page.locator("figure.qr svg").isVisible(), "QR code shown");
      assert.deepEqual(await axeViolations(page), []);
      const secret = base32Decode(await page.locator("#totp-secret").textContent());
      await page.getByLabel(t.appCode).fill(totp(secret));
      await page.getByRole("button", { name: t.turnOn, exact: true }).click();
      await page.locator("#recovery-codes").waitFor();
      assert.equal(await page.locator("#recovery-codes li").count(), 10);
      assert.deepEqual(await axeViolations(page), []);
      await page.getByRole("link", { name: t.savedCodes }).click();
      await page.waitForURL("**/account");
      assert.match(await page.locator("main").textContent(), new RegExp(email));
      await page.getByRole("button", { name: t.signOut }).click();
      await page.waitForURL(`${live.server.base}/?lang=${lang}`);
      assert.deepEqual(problems, []);
      await context.close();
    });
  });
}
