export { JUPYTER_DISPLAY, isDisplayable, escapeHtml } from './mime';
export type { MimeBundle, Displayable } from './mime';
export { publish, inNotebook, newDisplay, setDisplayPublisher, activePublisher } from './publish';
export type { DisplayHandle, DisplayPublisher, PublishOptions } from './publish';
export {
  showFigure,
  collectFigure,
  figureHtml,
  figureBundle,
  figurePage,
  saveFigure,
  plotlyJsPath,
  plotlyJsSource,
  plotlyScriptTag,
  PLOTLY_BUNDLE_ID,
  isPlotlyInlined,
  notePlotlyInlined,
} from './plotly';
export type { PlotlyFigure, FigureHtmlOptions, ShowFigureOptions } from './plotly';
export { showTable, tableHtml, tableText, tableBundle, toPlainTable, formatCell } from './table';
export type { PlainTable, TableLike, TableHtmlOptions } from './table';
export {
  mimeBundleOf,
  mimeBundleOfAsync,
  displayValue,
  registerValueRenderer,
  plainTextOf,
  tensorBundle,
  danfoBundle,
  arqueroBundle,
  fitHistoryBundle,
  isTensorLike,
  isDanfoFrame,
  isArqueroTable,
  isPlotlyFigure,
  isFitHistory,
} from './renderers';
export type {
  RenderOptions,
  ValueRenderer,
  RenderableTensor,
  RenderableDanfoFrame,
  RenderableArqueroTable,
  RenderableFitHistory,
} from './renderers';
export { setKernelHooks, clearOutput, kernelInterruptSignal, throwIfKernelInterrupted } from './kernel-hooks';
export type { KernelHooks } from './kernel-hooks';
