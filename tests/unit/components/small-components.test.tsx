import { AccessBanner } from '../../../components/AccessBanner.tsx';
import { CompanionBox } from '../../../components/CompanionBox.tsx';
import { FindingsList } from '../../../components/FindingsList.tsx';
import { formatDuration, formatExpires, formatMaxAge, filterCookies } from '../../../components/format.ts';
import { SignatureBadge, signatureText } from '../../../components/SignatureBadge.tsx';
import { resolveTheme } from '../../../components/theme.ts';
import { Timeline } from '../../../components/Timeline.tsx';
import { Popup } from '../../../components/Popup.tsx';
import { CookieDetails } from '../../../components/CookieDetails.tsx';
import { CookieTable } from '../../../components/CookieTable.tsx';
import { escapeText } from '../../../components/escape.ts';
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
    [{ state: 'unverified', keyName: 'APP_KEY', family: 'laravel', encrypted: true } as const, 'Unverified — add the APP_KEY in Options to decrypt'],
    [{ state: 'unverified', keyName: 'cookie_secret', family: 'tornado' } as const, 'Unverified — add the cookie_secret in Options to verify'],
    [
      { state: 'verified', keyIndex: 0, keyLabel: 'prod', keyFamily: 'rails', decrypted: true } as const,
      'Decrypted with Ruby on Rails key 0 (prod, secret_key_base)',
    ],
    [{ state: 'verified', keyIndex: 0, keyFamily: 'django' } as const, 'Verified with key 0 (SECRET_KEY)'],
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
    // One time format in the table and the timeline.
    expect(items[1]!.textContent).toBe('2026-01-01 10:05:00 UTC key rotated sessionid — login: new session key');
    expect(items[1]!.title).toBe('localhost');
    m.unmount();
  });
});

describe('Timeline bursts', () => {
  it('merges repeated events of one cookie into one row: "key rotated ×500 in 1.2 s"', () => {
    const t0 = Date.UTC(2026, 0, 1, 10, 0, 0);
    const burst = Array.from({ length: 500 }, (_, i) => event({ id: `r${i}`, at: t0 + Math.round((i * 1200) / 499), kind: 'rotated' }));
    const m = mount(<Timeline entries={[event({ id: 'c', at: t0 - 60_000, kind: 'created' }), ...burst, event({ id: 'x', at: t0 + 1300, kind: 'rotated', cookie: 'other' })]} />);
    const items = [...m.container.querySelectorAll('li')];
    expect(items.map((i) => [i.dataset.kind, i.dataset.count])).toEqual([
      ['rotated', '1'],
      ['rotated', '500'],
      ['created', '1'],
    ]);
    expect(items[1]!.textContent).toContain('key rotated ×500 in 1.2 s');
    expect($(m.container, 'h3').textContent).toContain('502 events');
    m.unmount();
  });

  it('keeps events far apart as separate rows', () => {
    const t0 = Date.UTC(2026, 0, 1, 10, 0, 0);
    const m = mount(<Timeline entries={[event({ id: 'a', at: t0, kind: 'rotated' }), event({ id: 'b', at: t0 + 10_000, kind: 'rotated' })]} />);
    expect(m.container.querySelectorAll('li')).toHaveLength(2);
    m.unmount();
  });
});

describe('escaping untrusted text', () => {
  it.each([
    ['bidi override', 'abc\u202Etxt.exe', 'abc\\u{202e}txt.exe'],
    ['C1 control', 'a\u0085b\u009bc', 'a\\x85b\\x9bc'],
    ['C0 control and DEL', 'a\u0001b\u007f', 'a\\x01b\\x7f'],
    ['isolates', '\u2066x\u2069', '\\u{2066}x\\u{2069}'],
    ['plain text', 'sessionid=abc', 'sessionid=abc'],
  ])('%s', (_what, input, shown) => {
    expect(escapeText(input)).toBe(shown);
  });

  it('shows control, bidi and C1 characters escaped in the table, details, findings and tree', () => {
    const evil = 'x\u202Eevil\u0085';
    const m = mount(
      <CookieDetails
        cookie={cookie({ name: evil, value: evil, domain: 'localhost', path: `/${evil}` })}
        decoded={{ status: 'ok', result: { format: 'django-signed', data: { [evil]: evil }, signature: { state: 'none' } } }}
        findings={[finding({ cookie: evil, rule: 'httponly-missing', message: `Cookie "${evil}" has no HttpOnly` })]}
        now={0}
      />,
    );
    const text = m.container.textContent ?? '';
    expect(text).not.toMatch(/[\u202e\u0085]/);
    expect(text).toContain('x\\u{202e}evil\\x85');
    const t = mount(<CookieTable rows={[cookie({ name: evil, value: evil })]} selectedId={null} onSelect={() => undefined} now={0} />);
    expect(t.container.textContent).not.toMatch(/[\u202e\u0085]/);
    t.unmount();
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

  it('shows every attribute in the details pane, Domain and Path apart', () => {
    const m = mount(
      <CookieDetails
        cookie={cookie({ name: 'sessionid', domain: '.example.com', path: '/app', httpOnly: false, secure: true, sameSite: 'none', partition: 'https://top.example', size: 41 })}
        decoded={{ status: 'loading' }}
        findings={[]}
        now={0}
      />,
    );
    const fact = (id: string) => $(m.container, `[data-testid="fact-${id}"]`).textContent;
    expect(fact('domain')).toBe('.example.com (and its subdomains)');
    expect(fact('path')).toBe('/app');
    expect(fact('httponly')).toBe('no — page scripts can read it');
    expect(fact('secure')).toBe('yes');
    expect(fact('samesite')).toBe('None');
    expect(fact('partition')).toBe('https://top.example');
    expect(fact('size')).toMatch(/^\d+ bytes$/);
    expect(fact('priority')).toContain('Medium');
    m.unmount();
    const one = mount(<CookieDetails cookie={{ ...cookie({ name: 'a', value: '' }), size: 1, priority: 'high' }} decoded={{ status: 'loading' }} findings={[]} now={0} />);
    expect($(one.container, '[data-testid="fact-size"]').textContent).toBe('1 byte');
    expect($(one.container, '[data-testid="fact-priority"]').textContent).toBe('High');
    expect($(one.container, '[data-testid="fact-samesite"]').textContent).toBe('Lax');
    one.unmount();
  });

  it('"add the SECRET_KEY" is a link to the Keys section of Options', () => {
    let opened = 0;
    const m = mount(
      <CookieDetails
        cookie={cookie({ name: 'sessionid' })}
        decoded={{ status: 'ok', result: { format: 'django-signed', data: {}, signature: { state: 'unverified' } } }}
        findings={[]}
        onAddKey={() => opened++}
        now={0}
      />,
    );
    const link = $(m.container, '[data-testid="add-key"]') as HTMLAnchorElement;
    expect(link.tagName).toBe('A');
    expect(link.textContent).toBe('add the SECRET_KEY');
    click(link);
    expect(opened).toBe(1);
    m.unmount();
  });

  it('names the framework’s setting and opens Options at its key family', () => {
    const families: (string | undefined)[] = [];
    const m = mount(
      <CookieDetails
        cookie={cookie({ name: '_app_session' })}
        decoded={{ status: 'ok', result: { format: 'rails-encrypted', keyName: 'secret_key_base', data: null, signature: { state: 'unverified', keyName: 'secret_key_base', family: 'rails', encrypted: true } } }}
        findings={[]}
        onAddKey={(f) => families.push(f)}
        now={0}
      />,
    );
    const link = $(m.container, '[data-testid="add-key"]') as HTMLAnchorElement;
    expect(link.textContent).toBe('add the secret_key_base');
    expect($(m.container, '[data-testid="signature"]').textContent).toBe('Unverified — add the secret_key_base in Options to decrypt');
    click(link);
    expect(families).toEqual(['rails']);
    m.unmount();
  });

  it('disables Copy JSON until there is decoded data', () => {
    const m = mount(<CookieDetails cookie={cookie({ name: 'x' })} decoded={{ status: 'loading' }} findings={[]} now={0} />);
    expect(button(m.container, 'Copy JSON').disabled).toBe(true);
    expect(m.container.textContent).toContain('Decoding…');
    m.unmount();
  });
});
