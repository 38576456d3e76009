/**
 * The kernel's input history for `history_request` (tail, range and search, as IPython answers
 * them), kept in memory for the session. Entries are `[session, line, input]`, or
 * `[session, line, [input, output]]` when the output is asked for (the `text/plain` of the result).
 */

/** The session number of the running kernel's history. */
export const HISTORY_SESSION = 1;

export interface HistoryRequest {
  output?: boolean;
  hist_access_type?: 'range' | 'tail' | 'search';
  session?: number;
  start?: number;
  stop?: number;
  n?: number;
  pattern?: string;
  unique?: boolean;
}

type Entry = [number, number, string | [string, string | null]];

/** Converts a glob (`*`, `?`) to a regular expression matching a whole input. */
export function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[\\s\\S]*').replace(/\?/g, '[\\s\\S]');
  return new RegExp(`^${body}$`);
}

export class ExecutionHistory {
  private readonly entries: Array<{ line: number; input: string; output: string | null }> = [];

  /** Records a stored execution. */
  add(line: number, input: string): void {
    this.entries.push({ line, input, output: null });
  }

  /** Attaches the `text/plain` result to execution `line`. */
  setOutput(line: number, output: string): void {
    const e = this.entries.find((x) => x.line === line);
    if (e) e.output = output;
  }

  /** Answers a `history_request`. */
  query(req: HistoryRequest): Entry[] {
    const withOutput = !!req.output;
    const entry = (e: { line: number; input: string; output: string | null }): Entry =>
      withOutput ? [HISTORY_SESSION, e.line, [e.input, e.output]] : [HISTORY_SESSION, e.line, e.input];
    const n = req.n ?? 10;
    switch (req.hist_access_type) {
      case 'tail':
        return this.entries.slice(Math.max(0, this.entries.length - n)).map(entry);
      case 'range': {
        const session = req.session ?? 0;
        if (session !== 0 && session !== HISTORY_SESSION && session > 0) return [];
        const start = req.start ?? 1;
        const stop = req.stop ?? Number.POSITIVE_INFINITY;
        return this.entries.filter((e) => e.line >= start && e.line < stop).map(entry);
      }
      case 'search': {
        const re = globToRegExp(req.pattern ?? '*');
        let hits = this.entries.filter((e) => re.test(e.input));
        if (req.unique) {
          const seen = new Set<string>();
          hits = hits.reverse().filter((e) => !seen.has(e.input) && seen.add(e.input)).reverse();
        }
        return (req.n === undefined ? hits : hits.slice(Math.max(0, hits.length - req.n))).map(entry);
      }
      default:
        return [];
    }
  }
}
