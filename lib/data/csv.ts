/**
 * CSV through csv-parse (RFC 4180): quoted fields may hold commas, doubled quotes and line breaks;
 * CRLF, LF and CR all end a record (mixed in one file too); a UTF-8 byte-order mark is dropped;
 * blank lines are skipped. Every record keeps the line it starts on, so loaders report `file:line`
 * for a bad row, and a syntax error (an unterminated quote, a stray quote) names the line too.
 * Headers are not guessed here: each loader decides, explicitly, whether its first record is one.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { fail } from '../core/errors';

/** One record and the (1-based) line it starts on. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** Byte offsets where each line of `bytes` starts (CRLF, LF and CR end a line). */
function lineStarts(bytes: Uint8Array): number[] {
  const starts = [0];
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 0x0a || (b === 0x0d && bytes[i + 1] !== 0x0a)) starts.push(i + 1);
  }
  return starts;
}

/** The 1-based line holding byte `offset`, after skipping blank lines (a record never starts on one). */
function lineAtRecordStart(bytes: Uint8Array, starts: readonly number[], offset: number): number {
  let o = offset;
  while (o < bytes.length && (bytes[o] === 0x0a || bytes[o] === 0x0d)) o++;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= o) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** What a csv-parse error means, in words (the line is added by the caller). */
function csvErrorText(e: CsvError): string {
  switch (e.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'unterminated quoted field';
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return 'a closing quote must be followed by a comma or the end of the line';
    case 'INVALID_OPENING_QUOTE':
      return 'a quote inside an unquoted field (quote the whole field and double the quote: "say ""hi""")';
    default:
      return e.message;
  }
}

/**
 * Parses CSV text into records with their starting lines. Syntax errors are AslInputErrors naming
 * `source` and the line of the record at fault: `labels.csv:2: unterminated quoted field`.
 */
export function parseCsv(text: string, source = 'csv'): CsvRecord[] {
  const bytes = Buffer.from(text, 'utf8');
  const starts = lineStarts(bytes);
  // csv-parse counts its progress in bytes; each record starts where the previous one ended.
  const ends: number[] = [];
  let rows: string[][];
  try {
    rows = parse(bytes, {
      bom: true,
      delimiter: ',',
      quote: '"',
      escape: '"',
      record_delimiter: ['\r\n', '\n', '\r'],
      relax_column_count: true,
      skip_empty_lines: true,
      on_record: (record: string[], context) => {
        // `bytes` is in csv-parse's context at run time but not in its type declarations.
        const bytes: unknown = Reflect.get(context, 'bytes');
        if (typeof bytes !== 'number') throw new Error('parseCsv: csv-parse gave no byte position for a record (unexpected csv-parse version)');
        ends.push(bytes);
        return record;
      },
    });
  } catch (e) {
    if (e instanceof CsvError) {
      const at = typeof e.bytes === 'number' ? e.bytes : (ends[ends.length - 1] ?? 0);
      return fail('parseCsv', undefined, `${source}:${lineAtRecordStart(bytes, starts, at)}: ${csvErrorText(e)}`);
    }
    throw e;
  }
  return rows.map((fields, i) => ({ line: lineAtRecordStart(bytes, starts, i === 0 ? 0 : ends[i - 1]), fields }));
}
