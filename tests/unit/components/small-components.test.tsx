import { AccessBanner } from '../../../components/AccessBanner.tsx';
import { CompanionBox } from '../../../components/CompanionBox.tsx';
import { FindingsList } from '../../../components/FindingsList.tsx';
import { formatDuration, formatExpires, formatMaxAge, filterCookies } from '../../../components/format.ts';
import { SignatureBadge, signatureText } from '../../../components/SignatureBadge.tsx';
import { resolveTheme } from '../../../components/theme.ts';
import { Timeline } from '../../../components/Timeline.tsx';
import { Popup } from '../../../components/Popup.tsx';
import { CookieDetails } from '../../../components/CookieDetails.tsx';
import { $, button, click, flush, mount } from './helpers.ts';
import { cookie, event, finding } from './fixtures.ts';

describe('SignatureBadge', () => {
  it.each([
    [{ state: 'none' } as const, 'No signature'],
    [{ state: 'unverified' } as const, 'Unverified — add the SECRET_KEY in Options to verify'],
    [
      { state: 'verified', keyIndex: 0, salt: 'django.contrib.sessions.backends.signed_cookies', algorithm: 'sha256' } as const,
      'Verified with key 0 (SECRET_KEY) · salt django.contrib.sessions.backends.signed_cookies · sha256',
    ],
    [{ state: 'verified', keyIndex: 1, keyLabel: 'old' } as const, 'Verified with key 1 (old, fallback)'],
    [{ state: 'bad', message: 'Signature "x" does not match' } as const, 'Bad signature: Signature "x" does not match'],
    [{ state: 'expired', message: 'Signature age 20 > 10 seconds' } as const, 'Expired: Signature age 20 > 10 seconds'],
  ])('%o → %s', (sig, text) => {
    expect(signatureText(sig)).toBe(text);
    const m = mount(<SignatureBadge signature={sig} />);
    expect($(m.container, '[data-testid="signature"]').dataset.state).toBe(sig.state);
    expect(m.container.textContent).toBe(text);
    m.unmount();
  });
});

describe('FindingsList', () => {
  it('lists findings most severe first with their fixes and marks dropped cookies', () => {
    const m = mount(
      <FindingsList
        showCookie
        findings={[
          finding({ cookie: 'a', rule: 'no-secure', severity: 'low' }),
          finding({ cookie: 'b', rule: 'samesite-none-insecure', severity: 'high', source: 'dropped' }),
          finding({ cookie: 'c', rule: 'x', severity: 'critical' }),
        ]}
      />,
    );
    const items = [...m.container.querySelectorAll('li')];
    expect(items.map((i) => i.dataset.rule)).toEqual(['x', 'samesite-none-insecure', 'no-secure']);
    expect(items[1]!.textContent).toContain('dropped by the browser');
    expect(items[1]!.textContent).toContain('Fix: samesite-none-insecure fix');
    expect(items[0]!.textContent).toContain('c');
    m.unmount();
  });

  it('says when there is nothing to report', () => {
    const m = mount(<FindingsList findings={[]} />);
    expect(m.container.textContent).toContain('No findings.');
    m.unmount();
  });
});

describe('Timeline', () => {
  it('shows events newest first in a live region', () => {
    const m = mount(
      <Timeline
        entries={[
          event({ id: '1', at: Date.UTC(2026, 0, 1, 10, 0, 0), kind: 'created' }),
          event({ id: '2', at: Date.UTC(2026, 0, 1, 10, 5, 0), kind: 'rotated', detail: 'login: new session key' }),
          event({ id: '3', at: Date.UTC(2026, 0, 1, 10, 9, 0), kind: 'removed' }),
        ]}
      />,
    );
    expect($(m.container, 'ol').getAttribute('role')).toBe('log');
    const items = [...m.container.querySelectorAll('li')];
    expect(items.map((i) => i.dataset.kind)).toEqual(['removed', 'rotated', 'created']);
    expect(items[1]!.textContent).toBe('10:05:00 key rotated sessionid — login: new session key');
    expect(items[1]!.title).toBe('localhost');
    m.unmount();
  });
});

describe('CompanionBox', () => {
  it('shows the connection state and the server-side data as text', () => {
    const up = mount(
      <CompanionBox
        companion={{
          status: 'up',
          session: { key: 'k', found: true, store: 'postgres', expireDate: '2026-02-01T00:00:00Z', data: { note: '<b>x</b>' } },
        }}
      />,
    );
    expect(up.container.textContent).toContain('connected');
    expect(up.container.textContent).toContain('Store postgres');
    expect(up.container.querySelector('b')).toBeNull();
    expect(up.container.textContent).toContain('"<b>x</b>"');
    up.unmount();
    let retried = 0;
    const down = mount(<CompanionBox companion={{ status: 'down', message: 'connect ECONNREFUSED' }} onRetry={() => retried++} />);
    expect(down.container.textContent).toContain('unreachable');
    click(button(down.container, 'Retry'));
    expect(retried).toBe(1);
    down.unmount();
    const off = mount(<CompanionBox companion={{ status: 'off' }} />);
    expect(off.container.textContent).toContain('not configured');
    off.unmount();
    const missing = mount(<CompanionBox companion={{ status: 'up', session: { key: 'k', found: false } }} />);
    expect(missing.container.textContent).toContain('No session with this key');
    missing.unmount();
  });
});

describe('AccessBanner', () => {
  it('offers a one-click grant only when access is missing', () => {
    let asked = 0;
    const m = mount(
      <AccessBanner access={{ origin: 'https://example.com', pattern: 'https://example.com/*', granted: false }} onGrant={() => asked++} />,
    );
    click(button(m.container, 'Grant access to https://example.com'));
    expect(asked).toBe(1);
    m.unmount();
    const ok = mount(<AccessBanner access={{ origin: 'http://localhost', pattern: 'http://localhost/*', granted: true }} onGrant={() => 0} />);
    expect(ok.container.textContent).toBe('');
    ok.unmount();
  });
});

describe('Popup', () => {
  it('summarises the site and opens the views', () => {
    const opened: string[] = [];
    const m = mount(
      <Popup
        theme="dark"
        site="http://localhost:8000"
        findingCount={3}
        sessionCount={1}
        granted
        onOpenPanel={() => opened.push('panel')}
        onOpenDecoder={() => opened.push('decoder')}
        onOpenOptions={() => opened.push('options')}
      />,
    );
    expect($(m.container, '[data-testid="popup"]').dataset.theme).toBe('dark');
    expect($(m.container, '[data-testid="popup-summary"]').textContent).toBe('1 session cookie · 3 findings');
    click(button(m.container, 'Open the Sessions view for this tab'));
    click(button(m.container, 'Paste and decode…'));
    click(button(m.container, 'Options'));
    expect(opened).toEqual(['panel', 'decoder', 'options']);
    m.unmount();
  });
});

describe('format helpers', () => {
  it('formats expiry, max-age and durations', () => {
    expect(formatExpires(null)).toBe('Session');
    expect(formatExpires(Date.UTC(2026, 11, 6, 0, 27, 48))).toBe('2026-12-06 00:27:48 UTC');
    expect(formatMaxAge(null, 0)).toBe('');
    expect(formatMaxAge(1000, 2000)).toBe('expired');
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(3 * 60_000)).toBe('3 min');
    expect(formatDuration(14 * 86_400_000)).toBe('14 d');
    expect(formatDuration(-120_000)).toBe('-2 min');
  });

  it('filters by words and is:session', () => {
    const rows = [cookie({ name: 'sessionid', isSession: true, value: 'abc' }), cookie({ name: 'csrftoken', value: 'zzz' })];
    expect(filterCookies(rows, '').length).toBe(2);
    expect(filterCookies(rows, 'CSRF').map((r) => r.name)).toEqual(['csrftoken']);
    expect(filterCookies(rows, 'is:session').map((r) => r.name)).toEqual(['sessionid']);
    expect(filterCookies(rows, 'abc localhost').map((r) => r.name)).toEqual(['sessionid']);
    expect(filterCookies(rows, 'nothing').length).toBe(0);
  });

  it('resolves the theme: ?theme, then DevTools, then the OS', () => {
    expect(resolveTheme({ param: 'dark', devtools: 'default' })).toBe('dark');
    expect(resolveTheme({ devtools: 'dark' })).toBe('dark');
    expect(resolveTheme({ devtools: 'default', prefersDark: true })).toBe('light');
    expect(resolveTheme({ prefersDark: true })).toBe('dark');
    expect(resolveTheme({})).toBe('light');
  });
});

describe('CookieDetails', () => {
  it('copies the raw value and the exact JSON', async () => {
    const copies: string[] = [];
    const m = mount(
      <CookieDetails
        cookie={cookie({ name: 'sessionid', value: 'raw<value>', isSession: true })}
        decoded={{ status: 'ok', result: { format: 'django-signed', data: { id: 12345678901234567890n }, signature: { state: 'unverified' } } }}
        findings={[]}
        now={0}
        copy={async (t) => {
          copies.push(t);
          return true;
        }}
      />,
    );
    click(button(m.container, 'Copy value'));
    await flush();
    click(button(m.container, 'Copy JSON'));
    await flush();
    expect(copies).toEqual(['raw<value>', '{\n  "id": 12345678901234567890\n}']);
    expect(m.container.textContent).toContain('JSON copied');
    m.unmount();
  });

  it('disables Copy JSON until there is decoded data', () => {
    const m = mount(<CookieDetails cookie={cookie({ name: 'x' })} decoded={{ status: 'loading' }} findings={[]} now={0} />);
    expect(button(m.container, 'Copy JSON').disabled).toBe(true);
    expect(m.container.textContent).toContain('Decoding…');
    m.unmount();
  });
});
