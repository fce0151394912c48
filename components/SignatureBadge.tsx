import type { JSX } from 'preact';
import { escapeText } from './escape.ts';
import type { SignatureView } from './view-model.ts';

export interface SignatureBadgeProps {
  signature: SignatureView;
  /** Opens the Keys section of Options: makes "add the SECRET_KEY" a link. */
  onAddKey?: () => void;
}

/** The signature state in words: unverified / verified with key n and salt / bad / expired. */
export function SignatureBadge({ signature, onAddKey }: SignatureBadgeProps): JSX.Element {
  if (signature.state === 'unverified' && onAddKey) {
    return (
      <span class={`badge sig-${signature.state}`} data-testid="signature" data-state={signature.state}>
        Unverified —{' '}
        <a
          href="#keys"
          data-testid="add-key"
          onClick={(e) => {
            e.preventDefault();
            onAddKey();
          }}
        >
          add the SECRET_KEY
        </a>{' '}
        in Options to verify
      </span>
    );
  }
  return (
    <span class={`badge sig-${signature.state}`} data-testid="signature" data-state={signature.state}>
      {escapeText(signatureText(signature))}
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
