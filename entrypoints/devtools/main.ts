/** The devtools_page: registers the "Sessions" panel, nothing else (the panel page does the work). */
function main(): void {
  void browser.devtools.panels.create('Sessions', '/icon/32.png', '/devtools-panel.html');
}

main();
