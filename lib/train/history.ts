/**
 * The per-epoch history of a training run, displayable in notebooks (a table of the epochs and a
 * loss / mAP chart) and convertible to plain records.
 */
import { escapeHtml } from '../display/mime';
import { figureHtml } from '../display/plotly';
import { lineFigure } from '../plot/line';
import type { EpochRecord } from './callbacks';

export class TrainingHistory {
  constructor(
    readonly records: EpochRecord[],
    readonly name = 'run',
  ) {}

  /** The best validation mAP (percent) over raw and EMA weights. */
  get bestMap(): number {
    return Math.max(-Infinity, ...this.records.flatMap((r) => [r.valMap, Number.isFinite(r.valMapEma) ? r.valMapEma : -Infinity]));
  }

  toText(): string {
    const rows = this.records.map(
      (r) => `${String(r.epoch + 1).padStart(5)}  ${r.trainLoss.toFixed(4)}  ${r.valLoss.toFixed(4)}  ${r.valMap.toFixed(2).padStart(6)}  ${Number.isFinite(r.valMapEma) ? r.valMapEma.toFixed(2).padStart(6) : '     -'}${r.best ? '  *' : ''}`,
    );
    return [`training history '${this.name}' (best mAP ${this.bestMap.toFixed(2)})`, 'epoch  loss    val-loss  mAP    mAP-ema', ...rows].join('\n');
  }

  [Symbol.for('Jupyter.display')](): Record<string, string> {
    return this.toMimeBundle();
  }

  /** text/plain (a table of the epochs) and text/html (the table and a validation mAP chart). */
  toMimeBundle(): Record<string, string> {
    const xs = this.records.map((r) => r.epoch + 1);
    const fig = lineFigure(
      [
        { name: 'val mAP', x: xs, y: this.records.map((r) => r.valMap) },
        { name: 'val mAP (EMA)', x: xs, y: this.records.map((r) => r.valMapEma) },
      ],
      { title: `${this.name}: validation mAP (%)`, xTitle: 'epoch', height: 320 },
    );
    return { 'text/plain': this.toText(), 'text/html': `<pre>${escapeHtml(this.toText())}</pre>${figureHtml(fig)}` };
  }
}
