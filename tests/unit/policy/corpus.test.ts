import { readFileSync } from 'node:fs';
import { evaluateSetCookieHeaders, getPreset } from '../../../lib/policy/index.ts';

interface CorpusCase {
  source: string;
  url: string;
  header: string;
  expected: [string, string][];
}
const corpus = JSON.parse(readFileSync(new URL('../../fixtures/set-cookie/corpus.json', import.meta.url), 'utf8')) as {
  now: string;
  cases: CorpusCase[];
};
const now = Date.parse(corpus.now);

describe('real-world Set-Cookie corpus under django-default', () => {
  it('has cases from Django, Express, Rails and PHP', () => {
    for (const fw of ['Django', 'Express', 'Rails', 'PHP']) {
      expect(corpus.cases.some((c) => c.source.includes(fw))).toBe(true);
    }
  });

  it.each(corpus.cases.map((c) => [c.source, c] as const))('%s', (_source, c) => {
    const r = evaluateSetCookieHeaders([c.header], { url: c.url, now, policy: getPreset('django-default') });
    expect(r.ignored).toEqual([]);
    expect(r.cookies).toHaveLength(1);
    const got = r.findings.map((f) => [f.rule, f.severity]).sort();
    expect(got).toEqual([...c.expected].sort());
    for (const f of r.findings) {
      expect(f.cookie).toBe(r.cookies[0]?.name);
      expect(f.message.length).toBeGreaterThan(10);
      expect(f.fix.length).toBeGreaterThan(5);
    }
  });
});
