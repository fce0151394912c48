import { fakeBrowser } from 'wxt/testing/fake-browser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startService, type BackgroundHandle } from '../../../lib/background/index.ts';
import { createBrowserPlatform } from '../../../lib/browser/index.ts';
import { createBrowserClient, createRuntimeTransport, requestHostPermission } from '../../../lib/browser/runtime-transport.ts';
import { installFakePlatform, type FakePlatform } from './fake-platform.ts';

let platform: FakePlatform;
let bg: BackgroundHandle;

beforeEach(async () => {
  platform = installFakePlatform();
  bg = startService(createBrowserPlatform(), { badgeDelay: 1 });
  await bg.ready;
});

afterEach(async () => {
  await bg.idle();
  bg.stop();
});

describe('runtime transport', () => {
  it('carries requests over runtime messaging to the background', async () => {
    const res = await createRuntimeTransport().request({ type: 'timeline/get', site: 'http://localhost:8000' });
    expect(res).toEqual({ ok: true, data: { site: 'http://localhost:8000', events: [] } });
    expect(await createBrowserClient().getSettings()).toMatchObject({ sessionCookieNames: ['sessionid'] });
  });

  it('asks for host access in the page, and says when the page cannot', async () => {
    platform.permissions.answer = false;
    expect(await requestHostPermission('https://a.test/*')).toBe(false);
    platform.permissions.answer = true;
    expect(await requestHostPermission('https://a.test/*')).toBe(true);
    expect(platform.permissions.origins.has('https://a.test/*')).toBe(true);
    const saved = fakeBrowser.permissions;
    (fakeBrowser as unknown as { permissions?: unknown }).permissions = undefined; // a Firefox DevTools panel
    try {
      expect(await requestHostPermission('https://b.test/*')).toBeUndefined();
    } finally {
      (fakeBrowser as unknown as { permissions?: unknown }).permissions = saved;
    }
  });
});
