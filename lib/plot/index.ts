export { lineFigure, PALETTE, DASHES } from './line';
export type { LineSeries, LineFigureOptions } from './line';
export { barFigure } from './bar';
export type { BarSeries, BarFigureOptions } from './bar';
export { heatmapFigure } from './heatmap';
export type { HeatmapFigureOptions } from './heatmap';
