import { describe, expect, it } from 'vitest';
import { generateToken, hostName, isAllowedHost, isAllowedOrigin, RateLimiter, tokenChecker } from '../../../lib/companion/security.ts';

describe('Host header (DNS rebinding)', () => {
  it.each([
    ['127.0.0.1:8399', true],
    ['127.0.0.1', true],
    ['127.1.2.3:80', true],
    ['localhost:8399', true],
    ['LOCALHOST.:8399', true],
    ['[::1]:8399', true],
    ['[::1]', true],
    [undefined, false],
    ['', false],
    ['evil.example:8399', false],
    ['localhost.evil.example', false],
    ['127.0.0.1.nip.io:8399', false],
    ['192.168.1.10:8399', false],
    ['0.0.0.0:8399', false],
    ['[::ffff:7f00:1]:8399', false],
    ['localhost:8399@evil', false],
    ['[::1]x', false],
  ])('%j → %s', (host, ok) => {
    expect(isAllowedHost(host, [])).toBe(ok);
  });

  it('accepts names given with --allow-host', () => {
    expect(isAllowedHost('devbox.lan:8399', ['devbox.lan'])).toBe(true);
    expect(isAllowedHost('other.lan:8399', ['devbox.lan'])).toBe(false);
  });

  it('hostName strips port and brackets', () => {
    expect(hostName('[::1]:1')).toBe('::1');
    expect(hostName('Example.COM:80')).toBe('example.com');
  });
});

describe('Origin (CORS)', () => {
  it.each([
    ['chrome-extension://abcdefghijklmnopabcdefghijklmnop', true],
    ['moz-extension://12345678-1234-5678-1234-567812345678', true],
    ['chrome-extension://not-an-id', false],
    ['https://evil.example', false],
    ['http://localhost:3000', false],
    ['null', false],
    ['file://', false],
  ])('%s → %s', (origin, ok) => {
    expect(isAllowedOrigin(origin, [])).toBe(ok);
  });

  it('accepts origins given on the command line', () => {
    expect(isAllowedOrigin('http://localhost:3000', ['http://localhost:3000'])).toBe(true);
  });
});

describe('bearer token', () => {
  const check = tokenChecker('correct-horse-battery-staple');
  it.each([
    ['Bearer correct-horse-battery-staple', true],
    ['bearer correct-horse-battery-staple', true],
    ['Bearer correct-horse-battery-stapl', false],
    ['Bearer correct-horse-battery-staple2', false],
    ['Basic correct-horse-battery-staple', false],
    ['correct-horse-battery-staple', false],
    ['Bearer ', false],
    ['', false],
    [undefined, false],
  ])('%j → %s', (header, ok) => {
    expect(check(header)).toBe(ok);
  });

  it('generates 256-bit url-safe tokens, different each time', () => {
    const a = generateToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateToken()).not.toBe(a);
  });
});

describe('RateLimiter', () => {
  it('allows a burst, refuses past it, refills with time, per client', () => {
    let t = 0;
    const l = new RateLimiter(10, 3, () => t);
    expect([l.take('a'), l.take('a'), l.take('a'), l.take('a')]).toEqual([true, true, true, false]);
    expect(l.take('b')).toBe(true);
    t += 100; // one token back at 10/s
    expect([l.take('a'), l.take('a')]).toEqual([true, false]);
    expect(l.exhausted('a')).toBe(true);
    t += 1000;
    expect(l.exhausted('a')).toBe(false);
  });

  it('keeps a bounded number of clients', () => {
    const l = new RateLimiter(1, 1, () => 0, 2);
    l.take('a');
    l.take('b');
    l.take('c'); // drops 'a'
    expect(l.take('a')).toBe(true);
  });
});
