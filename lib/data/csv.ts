/**
 * A small RFC 4180 CSV reader that keeps line numbers, so loaders can report `file:line` for a bad
 * row. Quoted fields may hold commas, doubled quotes and newlines; CRLF and LF both end a record.
 */
import { fail } from '../core/errors';

/** One record and the (1-based) line it starts on. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** Parses CSV text; an unterminated quote is an error naming `source` and the line it opened on. */
export function parseCsv(text: string, source = 'csv'): CsvRecord[] {
  const out: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let quoteLine = 0;
  let any = false;
  const endField = () => {
    fields.push(field);
    field = '';
  };
  const endRecord = () => {
    endField();
    if (!(fields.length === 1 && fields[0] === '')) out.push({ line: recordLine, fields });
    fields = [];
    any = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (!any) {
      recordLine = line;
      any = true;
    }
    if (ch === '"' && field === '') {
      quoted = true;
      quoteLine = line;
    } else if (ch === ',') endField();
    else if (ch === '\n') {
      endRecord();
      line++;
    } else if (ch === '\r') {
      if (text[i + 1] !== '\n') {
        endRecord();
        line++;
      }
    } else field += ch;
  }
  if (quoted) fail('parseCsv', 'text', `${source}:${quoteLine}: unterminated quoted field`);
  if (any) endRecord();
  return out;
}
