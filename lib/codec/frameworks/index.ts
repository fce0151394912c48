/**
 * lib/codec/frameworks: session cookies of web frameworks beyond Django — recognised by shape,
 * verified or decrypted with the framework's own key (WebCrypto only).
 */
export { detectFramework, frameworkDecoder, type FrameworkDecoder } from './detect.ts';
export { decodeRailsEncrypted, decodeRailsSigned } from './rails.ts';
export { decodeLaravel, laravelKey } from './laravel.ts';
export { decodeStarlette } from './starlette.ts';
export { decodeTornado } from './tornado.ts';
export { decodePhoenixSigned, decodePhoenixEncrypted } from './phoenix.ts';
export { decodeGorilla } from './gorilla.ts';
export { decodeIron } from './iron.ts';
export { decodeNextAuth } from './nextauth.ts';
export { decodeYii2 } from './yii2.ts';
export { pbkdf2, hkdf, aesGcmDecrypt, aesCbcDecrypt, aesCtrDecrypt } from './crypto.ts';
export { frameworkAuditSpec, type FrameworkAuditSpec, type AuditCheck, type KeyDerivation } from './audit-spec.ts';
