// CSV of terminals to import: header `system_title,type,fusion_terminal,tenant,root_key`; rows checked one by one.
import type { TerminalInput } from '../../keys/index.ts';
import { CliError } from '../errors.ts';

/** Columns the importer understands; `system_title` is required, the others optional. */
export const CSV_COLUMNS = ['system_title', 'type', 'fusion_terminal', 'tenant', 'root_key'] as const;
type Column = (typeof CSV_COLUMNS)[number];

/** One data row: its 1-based line number and either an input or why the row is unusable. */
export type CsvRow =
  | { line: number; ok: true; input: TerminalInput }
  | { line: number; ok: false; reason: 'BAD_ROW' | 'BAD_TENANT' | 'BAD_ROOT_KEY'; detail: string };

/** Splits one CSV line (RFC 4180 quotes allowed); undefined when a quote is left open. */
export function splitCsvLine(line: string): string[] | undefined {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"' && cur.trim() === '') {
      quoted = true;
      cur = '';
    } else if (ch === ',') {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (quoted) return undefined;
  out.push(cur.trim());
  return out;
}

function headerOf(source: string, line: string | undefined): Column[] {
  const cols = splitCsvLine((line ?? '').replace(/^\uFEFF/, ''))?.map((c) => c.toLowerCase());
  const unknown = (cols ?? []).filter((c) => !(CSV_COLUMNS as readonly string[]).includes(c));
  if (
    cols === undefined ||
    !cols.includes('system_title') ||
    unknown.length > 0 ||
    new Set(cols).size !== cols.length
  ) {
    throw new CliError(
      'GT_ERR_CLI_BAD_DATA_FILE',
      `${source}:1: header must name columns of ${CSV_COLUMNS.join(',')}`,
      {
        hint: `start the file with the line: ${CSV_COLUMNS.join(',')} (system_title required${
          unknown.length > 0 ? `; unknown: ${unknown.join(', ')}` : ''
        })`,
      },
    );
  }
  return cols as Column[];
}

function toInput(line: number, get: (c: Column) => string, defaultTenant: number): CsvRow {
  const tenantText = get('tenant');
  const tenant = tenantText === '' ? defaultTenant : Number(tenantText);
  if (tenantText !== '' && !/^\d+$/.test(tenantText)) {
    return { line, ok: false, reason: 'BAD_TENANT', detail: 'tenant must be a whole number' };
  }
  const keyText = get('root_key').replace(/[\s:]/g, '');
  if (keyText !== '' && !/^[0-9a-fA-F]{64}$/.test(keyText)) {
    // The value is never echoed: it may be a (mistyped) secret.
    return {
      line,
      ok: false,
      reason: 'BAD_ROOT_KEY',
      detail: 'root_key must be 64 hex digits (32 bytes) or empty',
    };
  }
  const input: TerminalInput = {
    systemTitle: get('system_title'),
    tenant,
    fusionTerminal: get('fusion_terminal'),
    ...(get('type') === '' ? {} : { type: get('type') }),
    ...(keyText === '' ? {} : { rootKey: Buffer.from(keyText, 'hex') }),
  };
  return { line, ok: true, input };
}

/** Parses the whole file; a bad header throws, a bad row becomes a row problem with its line number. */
export function parseTerminalsCsv(source: string, text: string, defaultTenant: number): CsvRow[] {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const cols = headerOf(source, lines[0]);
  const rows: CsvRow[] = [];
  lines.slice(1).forEach((raw, i) => {
    const line = i + 2;
    if (raw.trim() === '') return;
    const cells = splitCsvLine(raw);
    // Trailing optional fields may be left out; more fields than columns is an error.
    if (cells === undefined || cells.length > cols.length) {
      const detail = `expected at most ${cols.length} comma-separated fields and closed quotes`;
      rows.push({ line, ok: false, reason: 'BAD_ROW', detail });
      return;
    }
    rows.push(toInput(line, (c) => cells[cols.indexOf(c)] ?? '', defaultTenant));
  });
  return rows;
}
