/**
 * asl-workbook-notebook: the workbook in Jupyter — the TypeScript kernel (`asl-kernel`), rich display
 * of tensors, tables (danfo, arquero, records) and plotly figures, figure specs for the paper's plots,
 * and live training displays. Built on the core package `asl-workbook`, which never imports this one.
 */
// Display: show anything, figures, tables.
export { displayValue, mimeBundleOf, mimeBundleOfAsync, registerValueRenderer, plainTextOf } from './display/renderers';
export type { RenderOptions, ValueRenderer } from './display/renderers';
export { publish, inNotebook, newDisplay, setDisplayPublisher } from './display/publish';
export type { DisplayHandle, DisplayPublisher, PublishOptions } from './display/publish';
export { showFigure, figureHtml, figureBundle, figurePage, saveFigure, collectFigure, plotlyJsPath, plotlyScriptTag } from './display/plotly';
export type { PlotlyFigure, FigureHtmlOptions, ShowFigureOptions } from './display/plotly';
export { showTable, tableBundle } from './display/table';
export { clearOutput, kernelInterruptSignal, throwIfKernelInterrupted } from './display/kernel-hooks';
export { setFigureRenderer, figureRenderer, plotlyCdnUrl, ensurePlotlyInPage } from './display/plotly';
export type { FigureRenderer } from './display/plotly';
export { runWithOutputSink } from './display/output-sink';
export type { OutputSink, OutputMessageType } from './display/output-sink';
export { prompt } from './display/prompt';
export type { PromptOptions } from './display/prompt';
// Comms and widgets (need the workbook kernel and a frontend to be seen).
export { openComm, registerCommTarget, unregisterCommTarget, listComms, commsAvailable, Comm } from './comm/comm';
export type { CommData, CommMessage, CommSendOptions, CommMessageHandler, CommTargetHandler } from './comm/comm';
export * from './widgets';
// Figure specs.
export { lineFigure, PALETTE, DASHES } from './plot/line';
export type { LineSeries, LineFigureOptions } from './plot/line';
export { barFigure } from './plot/bar';
export type { BarSeries, BarFigureOptions } from './plot/bar';
export { heatmapFigure } from './plot/heatmap';
export type { HeatmapFigureOptions } from './plot/heatmap';
export { precisionRecallFigure } from './plot/pr-curve';
export type { PrecisionRecallCurveLike } from './plot/pr-curve';
export { classFrequencyFigure, labelsPerSampleFigure, cooccurrenceFigure } from './plot/dataset-stats';
export type { ClassFrequencyFigureOptions, CooccurrenceFigureOptions } from './plot/dataset-stats';
// Training in a notebook.
export { liveTrainingDisplay, registerTrainingRenderers } from './training/live';
export { lossFigure, metricFigure, probabilityFigure } from './training/figures';
export { smallMultiplesFigure } from './plot/small-multiples';
export type { SmallMultiplesOptions, Panel } from './plot/small-multiples';
export { OUTSIDE_LEGEND } from './plot/line';
export { sliderExplorerFigure, aslExplorerFigure } from './plot/explorer';
export type { ExplorerParameter, ExplorerCurve, ExplorerPanel, SliderExplorerOptions, LossExplorerOptions } from './plot/explorer';
