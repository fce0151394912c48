/**
 * The wire's decoded values as the panel's views: exact JSON revived, the signature state with
 * the key that verified (and its family), or the setting whose key to add.
 */
import { isSessionObject, parseExactJson, type SessionValue } from '../lib/codec/index.ts';
import { KEY_FAMILY_INFO, isEncryptedFormat, keyFamiliesFor, type DecodeView } from '../lib/protocol/index.ts';
import type { DecodedView, SignatureView } from './view-model.ts';

/** A wire decode result as the panel's view. */
export function toDecoded(d: DecodeView): DecodedView {
  const details = d.details ? reviveJson(d.details) : undefined;
  return {
    ...(d.cookie !== undefined ? { cookie: d.cookie } : {}),
    ...('others' in d && d.others?.length ? { others: d.others.map(toDecoded) } : {}),
    format: d.format,
    ...(d.framework !== undefined ? { framework: d.framework } : {}),
    ...(d.keyName !== undefined ? { keyName: d.keyName } : {}),
    data: reviveJson(d.json),
    signature: toSignature(d),
    timestamp: d.timestamp,
    compressed: d.compressed,
    serializer: d.serializer,
    details: isSessionObject(details) ? details : undefined,
  };
}

function toSignature(d: DecodeView): SignatureView {
  switch (d.signature) {
    case 'verified':
      return {
        state: 'verified',
        keyIndex: d.keyIndex ?? 0,
        keyLabel: d.keyLabel,
        salt: d.salt,
        algorithm: d.algorithm,
        ...(d.keyFamily !== undefined ? { keyFamily: d.keyFamily } : {}),
        ...(d.decrypted ? { decrypted: true } : {}),
      };
    case 'bad':
      return { state: 'bad', message: d.error?.message ?? 'Signature does not match' };
    case 'expired':
      return { state: 'expired', message: d.error?.message ?? 'Signature has expired' };
    case 'unverified':
      return unverifiedSignature(d);
    case 'none':
      return { state: 'none' };
  }
}

/** "Unverified": which setting's key to add, under which family, to verify or decrypt. */
function unverifiedSignature(d: DecodeView): SignatureView {
  const family = keyFamiliesFor(d.format)[0];
  const keyName = d.keyName ?? (family ? KEY_FAMILY_INFO[family].setting : undefined);
  return {
    state: 'unverified',
    ...(keyName !== undefined ? { keyName } : {}),
    ...(family !== undefined ? { family } : {}),
    ...(isEncryptedFormat(d.format) ? { encrypted: true } : {}),
  };
}

/** The codec's exact JSON text back as session values (bigints, floats, tuples, key order kept). */
export function reviveJson(text: string): SessionValue {
  return parseExactJson(text);
}
