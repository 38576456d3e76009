/**
 * Jupyter widgets for the workbook kernel: controls, boxes, an output area and `interact`, served in
 * the widget protocol the frontend speaks (./protocol).
 */
export { Widget, widgetState, openWidgets, widgetRef, WIDGET_VIEW_MIMETYPE, WIDGET_STATE_MIMETYPE } from './widget';
export type { JsonValue, WidgetChange, WidgetObserver, ModelIdentity } from './widget';
export {
  Layout, Style, DomWidget, DescriptionWidget, IntSlider, FloatSlider, Dropdown, Checkbox, Button, Text, Label, HTML,
  IntProgress, FloatProgress, HBox, VBox,
} from './controls';
export type {
  LayoutOptions, StyleOptions, DomWidgetOptions, DescriptionOptions, ValueWidget, SliderOptions, DropdownOptions,
  CheckboxOptions, ButtonOptions, ButtonStyleName, TextOptions, StringWidgetOptions, ProgressOptions, BoxOptions,
} from './controls';
export { Output } from './output';
export type { OutputOptions, NotebookOutput } from './output';
export { interact, interactive, Interactive } from './interact';
export { keepKernelResponsive } from './responsive';
export type { KeepResponsiveOptions } from './responsive';
export type { Controls, ControlValues, InteractOptions } from './interact';
export {
  widgetProtocol, widgetFrontend, setWidgetProtocol, onWidgetProtocolChange, installWidgetTargets,
  WIDGET_PROTOCOL_VERSIONS, CONTROL_PROTOCOL_VERSION,
} from './protocol';
export type { WidgetProtocol, WidgetFrontendInfo, ProtocolSource } from './protocol';
