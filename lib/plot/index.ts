export { lineFigure, PALETTE, DASHES } from './line';
export type { LineSeries, LineFigureOptions } from './line';
