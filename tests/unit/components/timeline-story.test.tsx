/** The timeline's story: the request and the data diff of each event, the before/after on click, and the exports. */
import { describe, expect, it, vi } from 'vitest';
import { buildReport, markdownText, reportFileName, reportJson, reportMarkdown } from '../../../components/report.ts';
import { Timeline } from '../../../components/Timeline.tsx';
import type { PanelSnapshot, TimelineEntry } from '../../../components/view-model.ts';
import { event, finding } from './fixtures.ts';
import { $, click, mount } from './helpers.ts';

const LOGIN: TimelineEntry = event({
  id: 'login',
  at: Date.UTC(2026, 0, 1, 10, 0, 0),
  kind: 'rotated',
  detail: 'login: user 1',
  request: { method: 'POST', url: 'http://localhost:8000/login?…', status: 302 },
  diff: {
    entries: [
      { key: '_auth_user_hash', change: 'added', after: '••••', masked: true },
      { key: '_auth_user_id', change: 'added', after: '"1"' },
      { key: 'cart', change: 'changed', before: '[1]', after: '[1,2]' },
      { key: 'theme', change: 'removed', before: '"dark"' },
    ],
    more: 0,
  },
});

describe('Timeline events with their story', () => {
  it('shows the request and the keys that changed; a click opens the before/after and a second closes it', () => {
    const m = mount(<Timeline entries={[event({ id: 'c', at: LOGIN.at - 1000 }), LOGIN]} />);
    const li = $(m.container, 'li[data-kind="rotated"]');
    expect($(li, '[data-testid="tl-request"]').textContent).toBe('POST /login?… → 302');
    expect($(li, '[data-testid="tl-request"]').title).toBe('http://localhost:8000/login?…');
    expect([...li.querySelectorAll('.tl-key')].map((k) => k.textContent)).toEqual(['+_auth_user_hash', '+_auth_user_id', '~cart', '−theme']);
    const toggle = $(li, 'button.tl-event');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const rows = [...li.querySelectorAll('[data-testid="tl-changes"] tbody tr')].map((r) => [...r.children].map((c) => c.textContent));
    expect(rows).toEqual([
      ['_auth_user_hash', '(absent)', '••••'],
      ['_auth_user_id', '(absent)', '"1"'],
      ['cart', '[1]', '[1,2]'],
      ['theme', '"dark"', '(absent)'],
    ]);
    expect($(li, '[data-testid="tl-details"]').textContent).toContain('Request: POST http://localhost:8000/login?… → status 302');
    expect(li.querySelector('[data-testid="tl-details"]')?.id).toBe(toggle.getAttribute('aria-controls'));
    click(toggle);
    expect(li.querySelector('[data-testid="tl-details"]')).toBeNull();
    m.unmount();
  });

  it('says so when there is no request or data to show (an opaque key set by a script)', () => {
    const m = mount(<Timeline entries={[event({ id: 'o', kind: 'created' })]} />);
    click($(m.container, 'button.tl-event'));
    expect($(m.container, '[data-testid="tl-details"]').textContent).toContain('No request seen');
    expect($(m.container, '[data-testid="tl-details"]').textContent).toContain('opaque session key');
    m.unmount();
  });

  it('shows session text as text, escaped, never as HTML', () => {
    const xss = event({ id: 'x', diff: { entries: [{ key: '<img src=x onerror=alert(1)>', change: 'added', after: '"\u202Eevil"' }], more: 2 } });
    const m = mount(<Timeline entries={[xss]} />);
    click($(m.container, 'button.tl-event'));
    expect(m.container.querySelector('img')).toBeNull();
    expect(m.container.textContent).toContain('+<img src=x onerror=alert(1)>');
    expect(m.container.textContent).toContain('"\\u{202e}evil"');
    expect(m.container.textContent).toContain('+2 more');
    m.unmount();
  });

  it('offers the exports only when it is given a handler', () => {
    const onExport = vi.fn();
    const m = mount(<Timeline entries={[]} onExport={onExport} />);
    click($(m.container, '[data-testid="export-json"]'));
    click($(m.container, '[data-testid="export-markdown"]'));
    expect(onExport.mock.calls).toEqual([['json'], ['markdown']]);
    m.unmount();
    const bare = mount(<Timeline entries={[]} />);
    expect(bare.container.querySelector('[data-testid="export-json"]')).toBeNull();
    bare.unmount();
  });
});

const VIEW: Pick<PanelSnapshot, 'access' | 'findings' | 'timeline'> = {
  access: { origin: 'http://localhost:8000', pattern: 'http://localhost/*', granted: true },
  findings: [finding({ cookie: 'sessionid', rule: 'secure-missing', severity: 'medium', message: 'no Secure', fix: 'SESSION_COOKIE_SECURE = True' })],
  timeline: [LOGIN, event({ id: 'first', at: LOGIN.at - 5000, kind: 'created', detail: 'session created' })],
};

describe('exports', () => {
  it('JSON: the site, its findings and its timeline oldest first, with the request and the diff', () => {
    const json = JSON.parse(reportJson(buildReport(VIEW, Date.UTC(2026, 0, 2)))) as ReturnType<typeof buildReport>;
    expect(json).toMatchObject({ tool: 'session-lens', version: 1, site: 'http://localhost:8000', exportedAt: '2026-01-02T00:00:00.000Z' });
    expect(json.findings.map((f) => f.rule)).toEqual(['secure-missing']);
    expect(json.timeline.map((e) => e.id)).toEqual(['first', 'login']);
    expect(json.timeline[1]).toMatchObject({ time: '2026-01-01T10:00:00.000Z', request: LOGIN.request, diff: LOGIN.diff });
  });

  it('Markdown: a findings table and a timeline table', () => {
    const md = reportMarkdown(buildReport(VIEW, Date.UTC(2026, 0, 2)));
    expect(md.split('\n')[0]).toBe('# Session Lens report: http\\:\\/\\/localhost\\:8000');
    expect(md).toContain('## Findings (1)');
    expect(md).toContain('| medium | sessionid (localhost\\/) | secure\\-missing | no Secure | SESSION\\_COOKIE\\_SECURE \\= True |');
    expect(md).toContain('| 2026-01-01T10:00:00.000Z | rotated | sessionid | login\\: user 1 | POST http\\:\\/\\/localhost\\:8000\\/login\\?… → 302 |');
    expect(md).toContain('+\\_auth\\_user\\_id \\"1\\"<br>~cart \\[1\\] → \\[1\\,2\\]<br>−theme \\(was \\"dark\\"\\)');
  });

  it.each([
    ['a|b', 'a\\|b'],
    ['<img src=x onerror=alert(1)>', '\\<img src\\=x onerror\\=alert\\(1\\)\\>'],
    ['[x](javascript:alert(1))', '\\[x\\]\\(javascript\\:alert\\(1\\)\\)'],
    ['`code` *em* _u_ ~s~ # h', '\\`code\\` \\*em\\* \\_u\\_ \\~s\\~ \\# h'],
    ['&amp; ![i](u)', '\\&amp\\; \\!\\[i\\]\\(u\\)'],
    ['line\nbreak\u202E', 'line\\\\x0abreak\\\\u\\{202e\\}'],
  ])('markdownText(%j) is inert', (input, out) => {
    expect(markdownText(input)).toBe(out);
  });

  it('a cookie value cannot break out of its table cell or row', () => {
    const hostile = { ...VIEW, findings: [finding({ cookie: 'a|b\n| x | y |', rule: 'secure-missing', message: '<script>', fix: '' })], timeline: [] };
    const md = reportMarkdown(buildReport(hostile, 0));
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| ---') && !l.startsWith('| Severity'));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.split(/(?<!\\)\|/).length - 2).toBe(5); // five cells, every other pipe escaped
    expect(md).not.toContain('<script>');
  });

  it('names the file after the site and the time', () => {
    expect(reportFileName('http://localhost:8000', 0, 'json')).toBe('session-lens-localhost-8000-1970-01-01T00-00-00Z.json');
    expect(reportFileName(null, 0, 'markdown')).toBe('session-lens-site-1970-01-01T00-00-00Z.md');
  });
});
