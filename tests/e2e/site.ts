/** The real Django fixture site for e2e tests (tests/support/django.ts), one per test. */
import type { Page } from '@playwright/test';
import { startDjango, type DjangoEngine, type DjangoServer } from '../support/django.ts';

/** The engines the e2e suite runs under; `cache` uses the real Redis. */
export const ENGINES: { engine: DjangoEngine; cache?: string }[] = [
  { engine: 'signed_cookies' },
  { engine: 'db' },
  { engine: 'cache', cache: 'redis://127.0.0.1:6379/7' },
];

/** Starts the fixture site, runs `fn`, always stops it. */
export async function withDjango<T>(
  opts: { engine: DjangoEngine; cache?: string; env?: Record<string, string> },
  fn: (dj: DjangoServer) => Promise<T>,
): Promise<T> {
  const dj = await startDjango(opts);
  try {
    return await fn(dj);
  } finally {
    await dj.stop();
  }
}

/** `/set?key=K&value=V` with V as JSON. */
export function setPath(key: string, value: unknown): string {
  return `/set?key=${encodeURIComponent(key)}&value=${encodeURIComponent(JSON.stringify(value))}`;
}

/**
 * Logs in the way a real login form does: a form POST to /login (Django answers 302 to /), waits
 * for the redirect to land.
 */
export async function postLogin(page: Page, origin: string, user = 'alice'): Promise<void> {
  await page.evaluate((name) => {
    const form = document.createElement('form');
    form.method = 'post';
    form.action = '/login';
    const input = document.createElement('input');
    input.name = 'user';
    input.value = name;
    form.append(input);
    document.body.append(form);
    form.submit();
  }, user);
  await page.waitForURL(`${origin}/`);
}
