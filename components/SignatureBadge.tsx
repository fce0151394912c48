import type { JSX } from 'preact';
import { KEY_FAMILY_INFO, KEY_FAMILIES, type KeyFamily } from '../lib/protocol/index.ts';
import { escapeText } from './escape.ts';
import type { SignatureView } from './view-model.ts';

export interface SignatureBadgeProps {
  signature: SignatureView;
  /**
   * Opens the Keys section of Options (at the key family to add, when known): makes "add the
   * SECRET_KEY" (`secret_key_base`, `APP_KEY` …) a link.
   */
  onAddKey?: (family?: KeyFamily) => void;
}

const isFamily = (f: string | undefined): f is KeyFamily => (KEY_FAMILIES as readonly string[]).includes(f ?? '');

/** The signature state in words: unverified / verified or decrypted with key n and salt / bad / expired. */
export function SignatureBadge({ signature, onAddKey }: SignatureBadgeProps): JSX.Element {
  if (signature.state === 'unverified' && onAddKey) {
    const family = isFamily(signature.family) ? signature.family : undefined;
    return (
      <span class={`badge sig-${signature.state}`} data-testid="signature" data-state={signature.state}>
        Unverified —{' '}
        <a
          href="#keys"
          data-testid="add-key"
          data-family={family}
          onClick={(e) => {
            e.preventDefault();
            onAddKey(family);
          }}
        >
          add the {signature.keyName ?? 'SECRET_KEY'}
        </a>{' '}
        in Options to {signature.encrypted ? 'decrypt' : 'verify'}
      </span>
    );
  }
  return (
    <span class={`badge sig-${signature.state}`} data-testid="signature" data-state={signature.state} data-decrypted={signature.state === 'verified' && signature.decrypted ? '' : undefined}>
      {escapeText(signatureText(signature))}
    </span>
  );
}

/** The role of the key that verified: its family's setting for the first key, else a fallback. */
function keyRole(s: Extract<SignatureView, { state: 'verified' }>): string {
  if (s.keyIndex !== 0) return 'fallback';
  return isFamily(s.keyFamily) ? KEY_FAMILY_INFO[s.keyFamily].setting : 'SECRET_KEY';
}

/** The text of {@link SignatureBadge}, also used in titles and copies. */
export function signatureText(s: SignatureView): string {
  switch (s.state) {
    case 'none':
      return 'No signature';
    case 'unverified':
      return `Unverified — add the ${s.keyName ?? 'SECRET_KEY'} in Options to ${s.encrypted ? 'decrypt' : 'verify'}`;
    case 'verified': {
      const family = isFamily(s.keyFamily) && s.keyFamily !== 'django' ? `${KEY_FAMILY_INFO[s.keyFamily].label} ` : '';
      const parts = [`${s.decrypted ? 'Decrypted' : 'Verified'} with ${family}key ${s.keyIndex} (${s.keyLabel ? `${s.keyLabel}, ` : ''}${keyRole(s)})`];
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
