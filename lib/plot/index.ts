export { lineFigure, PALETTE } from './line';
export type { LineSeries, LineFigureOptions } from './line';
