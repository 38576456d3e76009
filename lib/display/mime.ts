/**
 * MIME bundles: the currency of Jupyter display. An object can describe how it wants to be shown
 * by implementing `[Symbol.for('Jupyter.display')]()` (the convention of Deno's kernel, also
 * honoured by the workbook's kernel); the workbook's own result objects do.
 */

/** A Jupyter MIME bundle: MIME type → data (`text/plain` should always be present). */
export interface MimeBundle {
  'text/plain'?: string;
  'text/html'?: string;
  [mime: string]: unknown;
}

/** The display-method key (`Symbol.for('Jupyter.display')`). */
export const JUPYTER_DISPLAY: unique symbol = Symbol.for('Jupyter.display') as never;

/** An object that renders itself as a MIME bundle. */
export interface Displayable {
  [JUPYTER_DISPLAY](): MimeBundle;
}

export function isDisplayable(x: unknown): x is Displayable {
  return (
    x !== null &&
    (typeof x === 'object' || typeof x === 'function') &&
    typeof (x as Record<symbol, unknown>)[JUPYTER_DISPLAY] === 'function'
  );
}

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
