/**
 * The per-epoch history of a training run and the result a finished run returns. Both display
 * themselves in notebooks as tables (the notebook package adds the loss/mAP charts).
 */
import { JUPYTER_DISPLAY, escapeHtml, tableHtml, tableText, type MimeBundle, type PlainTable } from '../core/rich';
import type { ResolvedTrainConfig } from './config';
import type { EpochRecord } from './events';
import type { BestEpoch } from './train-state';
import type * as tf from '../core/tf';

export class TrainingHistory {
  constructor(
    readonly records: EpochRecord[],
    readonly name = 'run',
  ) {}

  /** The best validation mAP (percent) over raw and EMA weights. */
  get bestMap(): number {
    return Math.max(-Infinity, ...this.records.flatMap((r) => [r.valMap, Number.isFinite(r.valMapEma) ? r.valMapEma : -Infinity]));
  }

  /** The epochs as a table: epoch, losses, metrics. */
  toTable(): PlainTable {
    const single = this.records.some((r) => Number.isFinite(r.valAccuracy));
    const columns = ['epoch', 'train loss', 'val loss', 'val BCE', 'mAP', 'mAP (EMA)', ...(single ? ['accuracy', 'macro-F1'] : []), 'lr', 'seconds', 'best'];
    const rows = this.records.map((r) => [
      r.epoch + 1,
      r.trainLoss,
      r.valLoss,
      r.valBce,
      r.valMap,
      Number.isFinite(r.valMapEma) ? r.valMapEma : '',
      ...(single ? [r.valAccuracy, r.valMacroF1] : []),
      r.lr,
      r.seconds,
      r.best ? '*' : '',
    ]);
    return { columns, rows };
  }

  toText(): string {
    return `training history '${this.name}' (best mAP ${this.bestMap.toFixed(2)})\n${tableText(this.toTable())}`;
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    return { 'text/plain': this.toText(), 'text/html': tableHtml(this.toTable(), { caption: `training history '${this.name}' (best mAP ${this.bestMap.toFixed(2)})` }) };
  }
}

/** Everything a finished run returns. */
export class TrainingResult {
  constructor(
    readonly config: ResolvedTrainConfig,
    readonly history: TrainingHistory,
    /** The best epoch, its metric and which weights (raw or EMA) gave it. */
    readonly best: BestEpoch,
    readonly seconds: number,
    readonly backend: string,
    /** The trained model (raw weights), unless `keepModel: false`. */
    readonly model?: tf.LayersModel,
    /** The epoch this run continued from, when it resumed from a checkpoint. */
    readonly resumedFromEpoch?: number,
    readonly outDir?: string,
    /** The configuration as recorded in the run folder (the loss as a name and parameters). */
    readonly recordedConfig?: unknown,
    /** The final states of the run's callbacks that have one (trackers' records), by callback name. */
    readonly callbackStates: Record<string, unknown> = {},
  ) {}

  /** One line: best metric, where, time and backend. */
  summary(): string {
    const resumed = this.resumedFromEpoch !== undefined ? `, resumed at epoch ${this.resumedFromEpoch + 1}` : '';
    const extra = this.best.metric === 'mAP' ? '' : ` (mAP ${this.best.valMap.toFixed(2)})`;
    return `${this.config.name}: best ${this.best.metric} ${this.best.value.toFixed(2)}${extra} (epoch ${this.best.epoch + 1}, ${this.best.weights} weights), ${this.history.records.length} epochs in ${this.seconds.toFixed(1)} s on ${this.backend}${resumed}`;
  }

  /** A JSON-friendly report (what `report.json` holds). */
  toJSON(): Record<string, unknown> {
    return {
      config: this.recordedConfig ?? this.config,
      best: this.best,
      seconds: this.seconds,
      backend: this.backend,
      resumedFromEpoch: this.resumedFromEpoch,
      outDir: this.outDir,
      history: this.history.records,
      ...(Object.keys(this.callbackStates).length ? { callbacks: this.callbackStates } : {}),
    };
  }

  [JUPYTER_DISPLAY](): MimeBundle {
    const h = this.history[JUPYTER_DISPLAY]();
    return { 'text/plain': `${this.summary()}\n${h['text/plain']}`, 'text/html': `<p>${escapeHtml(this.summary())}</p>${h['text/html']}` };
  }
}
