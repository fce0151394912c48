browser.devtools.panels.create('Sessions', '/icon/32.png', '/devtools-panel.html');
