import { startBackground } from '../lib/browser/index.ts';

export default defineBackground({
  // Chrome: a module service worker; Firefox: an event page. Listeners register synchronously
  // inside startBackground, so the event that wakes the worker is not lost.
  main() {
    startBackground();
  },
});
