import type { ComponentChildren } from 'preact';

/** Props of {@link Field}. */
export interface FieldProps {
  label: string;
  /** Id of the control, so the label and the errors point at it. */
  id: string;
  /** Validation messages for this field (shown as text, announced). */
  errors?: readonly string[] | undefined;
  hint?: string;
  children: ComponentChildren;
}

/**
 * A labelled form control with its hint and errors.
 *
 * @example
 * <Field id="max-age" label="Max age (s)" errors={errs.get('maxAge')}><input id="max-age" /></Field>
 */
export function Field({ label, id, errors, hint, children }: FieldProps) {
  return (
    <div class={`opt-field${errors?.length ? ' invalid' : ''}`}>
      <label for={id}>{label}</label>
      {children}
      {hint ? <small class="muted" id={`${id}-hint`}>{hint}</small> : null}
      {errors?.length ? (
        <ul class="opt-errors" role="alert" id={`${id}-errors`} data-field={id}>
          {errors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
