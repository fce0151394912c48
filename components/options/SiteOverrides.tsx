import { Field } from './Field.tsx';
import type { SiteForm } from './policy-form.ts';

/** Props of {@link SiteOverrides}. */
export interface SiteOverridesProps {
  sites: readonly SiteForm[];
  /** Validation messages by field path (`sites[0].host`, `sites[1].rules.secure-flag` …). */
  errs: ReadonlyMap<string, readonly string[]>;
  onChange: (sites: SiteForm[]) => void;
}

const EMPTY_SITE: SiteForm = { host: '', maxAge: '', localExemption: 'inherit', sessionCookieNames: '', rulesOff: '' };

const text = (e: Event) => (e.currentTarget as HTMLInputElement).value;

/** The messages for a site's rules: the list's own, then each rule's, prefixed with its id. */
function ruleErrors(errs: ReadonlyMap<string, readonly string[]>, i: number): string[] {
  const prefix = `sites[${i}].rules.`;
  const own = errs.get(`sites[${i}].rules`) ?? [];
  const each = [...errs.entries()].filter(([k]) => k.startsWith(prefix)).flatMap(([k, v]) => v.map((m) => `${k.slice(prefix.length)}: ${m}`));
  return [...own, ...each];
}

/**
 * The per-site overrides of the policy form: one fieldset per site, with add and remove.
 *
 * @example
 * <SiteOverrides sites={form.sites} errs={errs} onChange={(sites) => set({ sites })} />
 */
export function SiteOverrides({ sites, errs, onChange }: SiteOverridesProps) {
  const setSite = (i: number, patch: Partial<SiteForm>) => onChange(sites.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  return (
    <>
      {sites.length === 0 ? <p class="muted">None: the policy above applies everywhere.</p> : null}
      {sites.map((s, i) => (
        <fieldset class="opt-site" key={i}>
          <legend>Site {i + 1}</legend>
          <Field id={`site-${i}-host`} label="Host" hint="example.com, or *.example.com for its subdomains too" errors={errs.get(`sites[${i}].host`)}>
            <input id={`site-${i}-host`} value={s.host} onInput={(e) => setSite(i, { host: text(e) })} />
          </Field>
          <Field id={`site-${i}-max-age`} label="Longest session lifetime (seconds)" errors={errs.get(`sites[${i}].maxAge`)}>
            <input id={`site-${i}-max-age`} placeholder="inherit" value={s.maxAge} onInput={(e) => setSite(i, { maxAge: text(e) })} />
          </Field>
          <Field id={`site-${i}-local`} label="Local exemption" errors={errs.get(`sites[${i}].localExemption`)}>
            <select
              id={`site-${i}-local`}
              value={s.localExemption}
              onChange={(e) => setSite(i, { localExemption: text(e) as SiteForm['localExemption'] })}
            >
              <option value="inherit">inherit</option>
              <option value="yes">yes</option>
              <option value="no">no</option>
            </select>
          </Field>
          <Field id={`site-${i}-names`} label="Session cookie names" errors={errs.get(`sites[${i}].sessionCookieNames`)}>
            <input id={`site-${i}-names`} placeholder="inherit" value={s.sessionCookieNames} onInput={(e) => setSite(i, { sessionCookieNames: text(e) })} />
          </Field>
          <Field id={`site-${i}-off`} label="Rules off here" hint="Rule ids, comma separated" errors={ruleErrors(errs, i)}>
            <input id={`site-${i}-off`} value={s.rulesOff} onInput={(e) => setSite(i, { rulesOff: text(e) })} />
          </Field>
          <button type="button" onClick={() => onChange(sites.filter((_, j) => j !== i))}>
            Remove site {i + 1}
          </button>
        </fieldset>
      ))}
      <button type="button" onClick={() => onChange([...sites, { ...EMPTY_SITE }])}>
        Add a site override
      </button>
    </>
  );
}
