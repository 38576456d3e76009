/**
 * Coalesces a cell's stdout/stderr writes into few `stream` messages: a loop that logs every step
 * would otherwise send one message per line and slow the front end down. Text is flushed after
 * `delayMs`, when it passes `maxChars`, when the stream name changes, and before any other output
 * of the cell (so outputs keep their order).
 */
export class StreamCoalescer {
  private name: 'stdout' | 'stderr' | undefined;
  private text = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly emit: (name: 'stdout' | 'stderr', text: string) => void,
    private readonly delayMs = 30,
    private readonly maxChars = 65536,
  ) {}

  write(name: 'stdout' | 'stderr', text: string): void {
    if (!text) return;
    if (this.name !== undefined && this.name !== name) this.flush();
    this.name = name;
    this.text += text;
    if (this.text.length >= this.maxChars) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.delayMs);
      this.timer.unref?.();
    }
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.name !== undefined && this.text) this.emit(this.name, this.text);
    this.name = undefined;
    this.text = '';
  }
}

type WriteCallback = (error?: Error | null) => void;

/**
 * A replacement for `process.stdout.write` / `process.stderr.write` that sends the text to `sink`
 * (strings as they are, bytes decoded as UTF-8) and honours the optional callback.
 */
export function streamWriter(sink: (text: string) => void): (chunk: unknown, encoding?: unknown, cb?: unknown) => boolean {
  const decoder = new TextDecoder();
  return (chunk: unknown, encoding?: unknown, cb?: unknown): boolean => {
    const text = typeof chunk === 'string' ? chunk : chunk instanceof Uint8Array ? decoder.decode(chunk) : String(chunk);
    sink(text);
    const done = (typeof encoding === 'function' ? encoding : cb) as WriteCallback | undefined;
    if (typeof done === 'function') process.nextTick(done);
    return true;
  };
}
