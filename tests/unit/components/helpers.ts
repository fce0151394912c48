/** Tiny DOM helpers for component tests (Preact + happy-dom, no extra libraries). */
import { render, type VNode } from 'preact';
import { act } from 'preact/test-utils';

export interface Mounted {
  container: HTMLElement;
  unmount(): void;
}

/** Renders a vnode into a fresh container attached to the document. */
export function mount(vnode: VNode): Mounted {
  const container = document.createElement('div');
  document.body.appendChild(container);
  act(() => {
    render(vnode, container);
  });
  return {
    container,
    unmount() {
      act(() => render(null, container));
      container.remove();
    },
  };
}

/** Lets pending promises and effects settle. */
export async function flush(times = 3): Promise<void> {
  for (let i = 0; i < times; i++) {
    await act(async () => {
      await new Promise((r) => setTimeout(r, 0));
    });
  }
}

/** Dispatches a key press on an element inside act(). */
export function press(el: Element, key: string): void {
  act(() => {
    el.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
  });
}

/** Clicks an element inside act(). */
export function click(el: Element): void {
  act(() => {
    (el as HTMLElement).click();
  });
}

/** Types a value into an input or textarea inside act(). */
export function type(el: Element, value: string): void {
  act(() => {
    (el as HTMLInputElement).value = value;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

/** The first element matching a selector, or a thrown error naming it. */
export function $(root: ParentNode, selector: string): HTMLElement {
  const el = root.querySelector<HTMLElement>(selector);
  if (!el) throw new Error(`No element matches ${selector}`);
  return el;
}

/** Finds a button by its visible text. */
export function button(root: ParentNode, text: string | RegExp): HTMLButtonElement {
  const all = [...root.querySelectorAll('button')];
  const b = all.find((x) => (typeof text === 'string' ? x.textContent?.trim() === text : text.test(x.textContent ?? '')));
  if (!b) throw new Error(`No button ${String(text)} among: ${all.map((x) => x.textContent).join(' | ')}`);
  return b;
}
