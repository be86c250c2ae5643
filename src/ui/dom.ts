/** The one small DOM builder the panels and dialogs share. */

/** An element of `tag` with `className` (none when empty) and its children, text or nodes. */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.append(...children);
  return node;
}
