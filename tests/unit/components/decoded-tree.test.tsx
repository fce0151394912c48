import { DecodedTree } from '../../../components/DecodedTree.tsx';
import { toJsonText } from '../../../components/format.ts';
import { parseExactJson, PyObject, type SessionValue } from '../../../lib/codec/index.ts';
import { $, button, click, mount } from './helpers.ts';

describe('DecodedTree', () => {
  it('renders HTML in session data as text, never as markup', () => {
    const evil = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>bold</b>';
    const data: SessionValue = { [`<i>${evil}</i>`]: evil, nested: { list: [evil] } };
    const m = mount(<DecodedTree value={data} />);
    expect(m.container.querySelector('img, script, b, i')).toBeNull();
    expect(m.container.textContent).toContain(JSON.stringify(evil));
    expect(m.container.textContent).toContain(`<i>${evil}</i>`);
    expect((globalThis as { __pwned?: number }).__pwned).toBeUndefined();
    m.unmount();
  });

  it('shows big integers exactly and Python objects by type', () => {
    const data: SessionValue = {
      big: 12345678901234567890n,
      when: new PyObject('datetime.datetime', { value: '2024-05-01T12:00:00+00:00' }),
      tags: new PyObject('set', { items: ['a', 'b'] }),
      ok: true,
      none: null,
      n: 1.5,
    };
    const m = mount(<DecodedTree value={data} />);
    const text = m.container.textContent ?? '';
    expect(text).toContain('big: 12345678901234567890');
    expect(text).toContain('when: datetime.datetime 2024-05-01T12:00:00+00:00');
    expect(text).toContain('tags: set');
    expect(text).toContain('"a"');
    expect(text).toContain('ok: true');
    expect(text).toContain('none: null');
    expect(text).toContain('n: 1.5');
    m.unmount();
  });

  it('shows Python types exactly: whole floats as floats, tuples as tuples, dict keys in Python order', () => {
    const data = parseExactJson('{"z":1,"10":"ten","f":1.0,"nz":-0.0,"one":{"$py":"tuple","items":[3.0]}}');
    const m = mount(<DecodedTree value={data} />);
    const keys = [...m.container.querySelectorAll('.tree-children > * .tree-key, .tree-children > .tree-leaf > .tree-key')].map((e) => e.textContent);
    expect(keys.slice(0, 5)).toEqual(['z', '10', 'f', 'nz', 'one']);
    const text = m.container.textContent ?? '';
    expect(text).toContain('f: 1.0');
    expect(text).toContain('nz: -0.0');
    expect(text).toContain('one: tuple(1)');
    expect(text).toContain('0: 3.0');
    expect(toJsonText(data, 0)).toBe('{"z":1,"10":"ten","f":1.0,"nz":-0.0,"one":{"$py":"tuple","items":[3.0]}}');
    m.unmount();
  });

  it('is collapsible: deep containers start closed, the summary toggles them', () => {
    const data: SessionValue = { a: { b: { c: { d: { e: 1 } } } } };
    const m = mount(<DecodedTree value={data} />);
    const details = [...m.container.querySelectorAll('details')];
    expect(details.map((d) => d.open)).toEqual([true, true, true, false, false]);
    expect($(m.container, 'summary').textContent).toBe('session: {1 key}');
    m.unmount();
  });

  it('pages very wide containers', () => {
    const big = Array.from({ length: 450 }, (_, i) => i);
    const m = mount(<DecodedTree value={{ big }} />);
    expect(m.container.querySelectorAll('.tree-leaf').length).toBe(200);
    click(button(m.container, /Show 200 more of 250/));
    expect(m.container.querySelectorAll('.tree-leaf').length).toBe(400);
    click(button(m.container, /Show 50 more of 50/));
    expect(m.container.querySelectorAll('.tree-leaf').length).toBe(450);
    m.unmount();
  });

  it('explains the keys Django gives a meaning to', () => {
    const m = mount(<DecodedTree value={{ _auth_user_id: '1' }} />);
    expect($(m.container, '.tree-leaf').title).toBe('The logged-in user id');
    m.unmount();
  });
});

describe('toJsonText', () => {
  it('writes bigints as digits and PyObjects as $py', () => {
    const v: SessionValue = { id: 12345678901234567890n, d: new PyObject('decimal.Decimal', { value: '1.10' }) };
    expect(toJsonText(v, 0)).toBe('{"id":12345678901234567890,"d":{"$py":"decimal.Decimal","value":"1.10"}}');
  });
});
