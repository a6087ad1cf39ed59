import { freePort } from '@sightline/db';
import type { Page } from 'playwright-core';

/**
 * A port for the web server chosen before the services are built, so they can be told its origin
 * (SIGHTLINE_WEB_ORIGINS: CORS and socket.io accept only the web app's origin).
 * @example const web = await reserveWebOrigin(); buildApp({ config: load({}, { webOrigins: web.origin }) })
 */
export async function reserveWebOrigin(): Promise<{ port: number; origin: string }> {
  const port = await freePort();
  return { port, origin: `http://127.0.0.1:${port}` };
}

/** Opens `url` and logs in through the app's login form, as a person would; waits until it is done. */
export async function logIn(page: Page, url: string, user: { username: string; password?: string }): Promise<void> {
  await page.goto(url);
  await page.getByTestId('login-username').fill(user.username);
  await page.getByTestId('login-password').fill(user.password ?? `${user.username}-secret`);
  await page.getByTestId('login-submit').click();
  const done = page.getByTestId('session-user').or(page.getByTestId('login-error'));
  await done.first().waitFor({ timeout: 30_000 });
  if ((await page.getByTestId('session-user').count()) === 0) throw new Error(`login as ${user.username} at ${url} failed: ${await page.getByTestId('login-error').innerText()}`);
}
