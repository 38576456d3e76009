/**
 * The book's index page: one entry per executed chapter, with its status and time.
 */
import { escapeHtml } from 'asl-workbook';

export interface ChapterEntry {
  /** File stem, e.g. `01-asymmetric-loss`. */
  name: string;
  title: string;
  ok: boolean;
  seconds: number;
  /** Page file name relative to the book folder. */
  page: string;
  /** Failure description, when not ok. */
  error?: string;
}

export const BOOK_STYLE =
  'body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;line-height:1.5}' +
  'li{margin:.4rem 0}.ok{color:#0a7a33}.fail{color:#b00020}.meta{color:#666;font-size:.9em}';

/** The first Markdown `# ` heading of a notebook's cells, or the fallback. */
export function notebookTitle(cells: Array<{ cell_type: string; source: string | string[] }>, fallback: string): string {
  for (const cell of cells) {
    if (cell.cell_type !== 'markdown') continue;
    const text = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
    const m = /^#\s+(.+)$/m.exec(text);
    if (m) return m[1].trim();
  }
  return fallback;
}

export function bookIndexHtml(title: string, chapters: readonly ChapterEntry[], meta: string): string {
  const items = chapters
    .map((c) => {
      const status = c.ok ? '<span class="ok">✓</span>' : `<span class="fail">✗ ${escapeHtml(c.error ?? 'failed')}</span>`;
      return `<li>${status} <a href="${escapeHtml(c.page)}">${escapeHtml(c.title)}</a> <span class="meta">(${escapeHtml(c.name)}, ${c.seconds.toFixed(0)} s)</span></li>`;
    })
    .join('\n');
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${BOOK_STYLE}</style></head>` +
    `<body><h1>${escapeHtml(title)}</h1><p class="meta">${escapeHtml(meta)}</p><ol>\n${items}\n</ol></body></html>\n`;
}
