/**
 * The protocol's zod: zod/mini keeps the panel's bundle small; English messages for the errors
 * shown to developers. Every protocol file imports `z` from here, so the locale is set first.
 */
import * as z from 'zod/mini';
import { en } from 'zod/locales';

z.config(en());

export { z };
