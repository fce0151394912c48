/**
 * Saves text as a file from a page (the panel, the options page): a Blob behind an `<a download>`
 * clicked once, no browser.* needed. The object URL is revoked once the click has been handled.
 *
 * @example
 * downloadText('report.md', 'text/markdown', text);
 */
export function downloadText(fileName: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
