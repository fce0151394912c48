import { startService } from '../lib/background/index.ts';
import { createBrowserPlatform } from '../lib/browser/index.ts';

export default defineBackground({
  // Chrome: a module service worker; Firefox: an event page. Listeners register synchronously
  // inside startService, so the event that wakes the worker is not lost.
  main() {
    startService(createBrowserPlatform());
  },
});
