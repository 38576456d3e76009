/**
 * Capturing outputs: code run through {@link runWithOutputSink} sends its displays, streams, errors
 * and clears to the sink instead of the notebook cell (the Output widget uses this). The capture
 * follows the code across `await`s and timers it starts (AsyncLocalStorage), so an async callback
 * of a widget still writes into its Output.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { shared } from '../shared';

/** The IOPub output messages a sink receives. */
export type OutputMessageType = 'display_data' | 'update_display_data' | 'execute_result' | 'stream' | 'error' | 'clear_output';

/** Where captured outputs go. */
export interface OutputSink {
  /** One output message, with the content Jupyter's messaging spec gives it. */
  emit(msgType: OutputMessageType, content: Record<string, unknown>): void;
}

const storage = shared('output-sink', () => new AsyncLocalStorage<OutputSink>());

/** Runs `fn` (and what it starts) with its outputs going to `sink`. */
export function runWithOutputSink<T>(sink: OutputSink, fn: () => T): T {
  return storage.run(sink, fn);
}

/** The sink of the running code, if it runs inside {@link runWithOutputSink}. */
export function currentOutputSink(): OutputSink | undefined {
  return storage.getStore();
}
