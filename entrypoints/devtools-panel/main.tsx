import { render } from 'preact';

const tabId = browser.devtools.inspectedWindow.tabId;
render(<p>Session Lens — inspecting tab {tabId}</p>, document.getElementById('app')!);
