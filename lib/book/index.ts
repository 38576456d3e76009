export { exportFigurePngs, findChromium, HEADLESS_CHROMIUM_ARGS, CHROMIUM_CANDIDATES } from './figure-export';
export type { PngExportResult } from './figure-export';
export { bookIndexHtml, notebookTitle, BOOK_STYLE } from './index-page';
export type { ChapterEntry } from './index-page';
