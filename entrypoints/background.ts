export default defineBackground(() => {
  // Wiring only: the cookie watcher and message router are registered here (see lib/browser).
});
