/**
 * Wraps tslab's converter (the TypeScript compiler of cells) for the workbook kernel. tslab's
 * executor calls `convert`; the wrapper:
 *
 * - writes out shorthand properties and lets a top-level `for await` run (./source-fixes: two gaps
 *   in tslab's converter);
 * - marks statements before compiling and keeps a line map per cell (tracebacks name cell lines);
 * - maps diagnostics' columns back to the cell as written;
 * - instruments `await`s so an interrupt stops async loops (./interrupt);
 * - names each cell's script with `//# sourceURL=asl-cell-N`, so stack frames say which cell;
 * - takes the name of the last-expression variable out of the result, so the executor does not
 *   `console.log` the value: the kernel reads it from the executor's locals and sends an
 *   `execute_result` instead;
 * - keeps the declarations of the session itself: a cell that compiled but failed at run time (or
 *   was interrupted) keeps its declarations, so the variables it set stay usable in later cells;
 * - recovers from tslab's "Unexpected pending rebuildTimer": tslab's compiler host allows one
 *   pending TypeScript timer, and a file-system event in a watched folder (e.g. rebuilding
 *   lib/dist while the kernel runs) leaves one behind, after which every compile throws. The
 *   wrapper then builds a fresh converter (a few seconds) and retries once; the session's
 *   declarations are the wrapper's, so nothing is lost.
 */
import type { CompletionInfo, ConvertResult, Converter } from 'tslab/dist/converter';
import type { CodeMetadata } from 'tslab/dist/metadata';
import type * as ts from '@tslab/typescript-for-tslab';
import { instrumentAwaits } from './interrupt';
import { buildLineMap, markCellSource } from './line-map';
import { fixCellSource } from './source-fixes';
import type { CellRecord } from './traceback';

/** What the last `convert` produced, for the kernel. */
export interface LastConversion {
  cell: CellRecord;
  /** Diagnostics in cell coordinates (empty when it compiled). */
  diagnostics: ConvertResult['diagnostics'];
  /** The executor-local variable holding the cell's last expression, if it has one. */
  lastExpressionVar?: string;
}

export interface CellConverterOptions {
  /** Instrument awaits for interrupts (default true). */
  instrumentAwaits?: boolean;
}

/** A tslab `Converter` that adds line maps, interrupt guards and result capture. */
export class CellConverter implements Converter {
  private decls = '';
  private serial = 0;
  private readonly cells = new Map<string, CellRecord>();
  /** The label the next converted cell gets (the kernel sets it to `In [n]`). */
  nextLabel = 'cell';
  /** The result of the latest `convert`. */
  last: LastConversion | undefined;

  private inner: Converter;
  /** How many times the inner converter was rebuilt after a failure. */
  rebuilds = 0;

  constructor(
    private readonly create: () => Converter,
    private readonly options: CellConverterOptions = {},
  ) {
    this.inner = create();
  }

  /** Runs `fn` on the inner converter; on tslab's stuck-timer failure rebuilds it and retries once. */
  private withInner<T>(fn: (inner: Converter) => T): T {
    try {
      return fn(this.inner);
    } catch (e) {
      if (!/rebuildTimer/.test(String((e as Error)?.message))) throw e;
      try {
        this.inner.close();
      } catch {
        // the broken converter may fail to close; it is dropped either way
      }
      this.inner = this.create();
      this.rebuilds++;
      return fn(this.inner);
    }
  }

  /** Returns the result of the latest `convert` and forgets it. */
  takeLast(): LastConversion | undefined {
    const last = this.last;
    this.last = undefined;
    return last;
  }

  /** The compiled cell a script name belongs to. */
  readonly lookup = (url: string): CellRecord | undefined => this.cells.get(url);

  /** The declarations of everything defined so far (what cells are type-checked against). */
  get declarations(): string {
    return this.decls;
  }

  private prepared: { src: string; declsBefore: string; result: ConvertResult } | undefined;

  /**
   * Compiles a cell ahead of its run, so the kernel can let the event loop turn between compiling
   * and running (an interrupt pressed during a long compile is then seen before the cell starts).
   * The executor's next `convert` of the same source returns this result.
   */
  prepare(src: string): void {
    this.prepared = undefined;
    const declsBefore = this.decls;
    const result = this.convert('', src);
    this.prepared = { src, declsBefore, result };
  }

  /** Forgets a prepared cell that will not run, and the declarations it added. */
  discardPrepared(): void {
    if (this.prepared) this.decls = this.prepared.declsBefore;
    this.prepared = undefined;
  }

  convert(_prevDecl: string, src: string): ConvertResult {
    const prepared = this.prepared;
    this.prepared = undefined;
    if (prepared && prepared.src === src) return prepared.result;
    const url = `asl-cell-${++this.serial}`;
    const cell: CellRecord = { url, label: this.nextLabel, lines: src.split('\n') };
    this.cells.set(url, cell);
    const marked = markCellSource(fixCellSource(src));
    const result = this.withInner((c) => c.convert(this.decls, marked.marked));
    if (result.diagnostics.length > 0) {
      const diagnostics = result.diagnostics.map((d) =>
        d.fileName
          ? d
          : {
              ...d,
              start: { ...d.start, character: marked.toSourceColumn(d.start.line, d.start.character) },
              end: { ...d.end, character: marked.toSourceColumn(d.end.line, d.end.character) },
            },
      );
      this.last = { cell, diagnostics };
      return { ...result, diagnostics };
    }
    this.decls = result.declOutput ?? '';
    this.last = { cell, diagnostics: [], lastExpressionVar: result.lastExpressionVar };
    if (!result.output) return { ...result, lastExpressionVar: undefined };
    let output = this.options.instrumentAwaits === false ? result.output : instrumentAwaits(result.output);
    cell.map = buildLineMap(marked, output);
    output += `\n//# sourceURL=${url}`;
    return { ...result, output, lastExpressionVar: undefined };
  }

  inspect(_prevDecl: string, src: string, position: number): ts.QuickInfo {
    return this.withInner((c) => c.inspect(this.decls, src, position));
  }

  complete(_prevDecl: string, src: string, position: number): CompletionInfo {
    return this.withInner((c) => c.complete(this.decls, src, position));
  }

  addModule(name: string, content: string, meta?: CodeMetadata): ReturnType<Converter['addModule']> {
    return this.inner.addModule(name, content, meta);
  }

  /** Forgets the session's declarations (kernel reset). */
  reset(): void {
    this.decls = '';
  }

  close(): void {
    this.inner.close();
  }
}
