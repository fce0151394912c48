import type { JSX } from 'preact';
import { plural } from './format.ts';

export interface FilterBoxProps {
  value: string;
  onInput: (value: string) => void;
  /** Shown after the box: e.g. `12 / 40`. */
  shown: number;
  total: number;
}

/** The table filter. Words must all match name, domain, path or value; `is:session` keeps session cookies. */
export function FilterBox({ value, onInput, shown, total }: FilterBoxProps): JSX.Element {
  return (
    <label class="filter">
      <span class="sr-only">Filter cookies</span>
      <input
        type="search"
        placeholder="Filter (name, domain, value; is:session)"
        value={value}
        onInput={(e) => onInput((e.currentTarget as HTMLInputElement).value)}
        aria-label="Filter cookies"
        data-testid="filter"
      />
      <span class="muted count" aria-live="polite">
        {shown === total ? plural(total, 'cookie') : `${shown} / ${plural(total, 'cookie')}`}
      </span>
    </label>
  );
}
