export { lineFigure, PALETTE, DASHES } from './line';
export type { LineSeries, LineFigureOptions } from './line';
export { heatmapFigure } from './heatmap';
export type { HeatmapFigureOptions } from './heatmap';
