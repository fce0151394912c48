import type { JSX } from 'preact';
import type { SignatureView } from './view-model.ts';

export interface SignatureBadgeProps {
  signature: SignatureView;
}

/** The signature state in words: unverified / verified with key n and salt / bad / expired. */
export function SignatureBadge({ signature }: SignatureBadgeProps): JSX.Element {
  return (
    <span class={`badge sig-${signature.state}`} data-testid="signature" data-state={signature.state}>
      {signatureText(signature)}
    </span>
  );
}

/** The text of {@link SignatureBadge}, also used in titles and copies. */
export function signatureText(s: SignatureView): string {
  switch (s.state) {
    case 'none':
      return 'No signature';
    case 'unverified':
      return 'Unverified — add the SECRET_KEY in Options to verify';
    case 'verified': {
      const role = s.keyIndex === 0 ? 'SECRET_KEY' : 'fallback';
      const parts = [`Verified with key ${s.keyIndex} (${s.keyLabel ? `${s.keyLabel}, ` : ''}${role})`];
      if (s.salt) parts.push(`salt ${s.salt}`);
      if (s.algorithm) parts.push(s.algorithm);
      return parts.join(' · ');
    }
    case 'bad':
      return `Bad signature: ${s.message}`;
    case 'expired':
      return `Expired: ${s.message}`;
  }
}
