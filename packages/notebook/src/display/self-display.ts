/**
 * Values that show themselves: a widget is not a MIME bundle but a model in the frontend, displayed
 * by messages of its own (a `display_data` with the widget-view MIME type, and for the classic
 * notebook's widget protocol a `display` comm message). When such a value is a cell's last
 * expression, the workbook kernel calls its display method instead of sending an `execute_result`.
 */

/** The method key (`Symbol.for('asl-workbook-notebook.display')`). */
export const SELF_DISPLAY: unique symbol = Symbol.for('asl-workbook-notebook.display') as never;

/** A value that displays itself in the notebook. */
export interface SelfDisplaying {
  [SELF_DISPLAY](): void | Promise<void>;
}

export function isSelfDisplaying(x: unknown): x is SelfDisplaying {
  return x !== null && typeof x === 'object' && typeof (x as Record<symbol, unknown>)[SELF_DISPLAY] === 'function';
}
