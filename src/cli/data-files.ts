// File loaders for real data: wide/long CSV (optionally .gz via node:zlib) and NumPy .npy matrices.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { CliError } from './errors.ts';

/** Default location of the LCL household file, relative to the project root (see data README). */
export const LCL_DEFAULT_PATH = '../shared/data/lcl/lcl_london_2013_halfhourly_kwh_dev.csv.gz';

/** Environment variable naming the LCL file when no --load option is given. */
export const LCL_FILE_ENV = 'GRIDTRUST_LCL_FILE';

/** The package root (…/src/cli → …), so default data paths do not depend on the working directory. */
const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** --load FILE, else $GRIDTRUST_LCL_FILE, else `<package root>/../shared/data/lcl/…` (data README). */
export function resolveLclPath(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string {
  if (flag !== undefined) return flag;
  const fromEnv = env[LCL_FILE_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  return resolve(PACKAGE_ROOT, LCL_DEFAULT_PATH);
}

/**
 * A time series table: one timestamp column, then one value column per customer (or series).
 * Missing values are NaN. Columns are stored separately (column-major) for fast per-customer work.
 */
export interface WideTable {
  /** Where the table came from (a path), used in messages. */
  readonly source: string;
  /** UTC milliseconds since the epoch, one per row, strictly increasing. */
  readonly timestamps: Float64Array;
  /** Column names after `timestamp` (customer ids, or `demand_mw`). */
  readonly ids: readonly string[];
  /** One Float64Array per id, `timestamps.length` long; NaN = missing. */
  readonly columns: readonly Float64Array[];
}

/** A 2-D float matrix in row-major order, as stored in a `.npy` file. */
export interface NpyMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array | Float64Array;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parses an ISO 8601 timestamp; a stamp without zone is taken as UTC (the data README's convention).
 * @returns UTC milliseconds, or undefined when the text is not a timestamp.
 */
export function parseIsoTimestamp(text: string): number | undefined {
  const m = ISO.exec(text.trim());
  if (m === null) return undefined;
  const n = (i: number): number => Number(m[i] ?? '0');
  let ms = Date.UTC(n(1), n(2) - 1, n(3), n(4), n(5), n(6), Number((m[7] ?? '0').padEnd(3, '0')));
  const zone = m[8];
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return Number.isFinite(ms) && n(2) >= 1 && n(2) <= 12 ? ms : undefined;
}

function badData(source: string, line: number, what: string, hint: string): CliError {
  return new CliError('GT_ERR_CLI_BAD_DATA_FILE', `${source}:${line}: ${what}`, { hint });
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

function parseCell(cell: string, source: string, line: number, col: string): number {
  if (cell === '' || cell === 'NA' || cell === 'NaN') return NaN;
  const v = Number(cell);
  if (!Number.isFinite(v)) {
    throw badData(
      source,
      line,
      `column ${col}: "${cell.slice(0, 20)}" is not a number`,
      'values must be decimal numbers; leave a cell empty for a missing reading',
    );
  }
  return v;
}

function parseHeader(first: string | undefined, source: string): string[] {
  if (first === undefined)
    throw badData(source, 1, 'the file is empty', 'give a CSV with a header `timestamp,<id>,...`');
  const header = first
    .replace(/^\uFEFF/, '')
    .split(',')
    .map((h) => h.trim().replace(/^"(.*)"$/, '$1'));
  if (header.length < 2 || !/time/i.test(header[0] ?? '')) {
    throw badData(
      source,
      1,
      `header "${first.slice(0, 60)}" does not start with a timestamp column`,
      'the first header cell must be `timestamp` followed by one column per series',
    );
  }
  return header;
}

/**
 * Parses a wide CSV (`timestamp,<id>,<id>,...`) or a long CSV (`timestamp,customer,value`).
 * Throws a CliError naming the line for any malformed row (wrong cell count, bad number, bad or
 * non-increasing timestamp).
 */
export function parseTableCsv(text: string, source: string): WideTable {
  const lines = splitLines(text);
  const header = parseHeader(lines[0], source);
  if (header.length === 3 && /customer|id|meter/i.test(header[1] ?? '')) return parseLongCsv(lines, source);
  const ids = header.slice(1);
  const rows = lines.length - 1;
  const timestamps = new Float64Array(rows);
  const columns = ids.map(() => new Float64Array(rows));
  for (let r = 0; r < rows; r++) {
    const lineNo = r + 2;
    const cells = (lines[r + 1] ?? '').split(',');
    if (cells.length !== header.length) {
      throw badData(
        source,
        lineNo,
        `${cells.length} cells, the header has ${header.length}`,
        'every row needs one timestamp and one cell per column (empty = missing)',
      );
    }
    const t = parseIsoTimestamp(cells[0] ?? '');
    if (t === undefined)
      throw badData(
        source,
        lineNo,
        `"${(cells[0] ?? '').slice(0, 30)}" is not an ISO 8601 timestamp`,
        'use e.g. 2013-01-01T00:00:00Z',
      );
    if (r > 0 && t <= (timestamps[r - 1] ?? 0))
      throw badData(
        source,
        lineNo,
        'timestamps are not strictly increasing',
        'sort the rows by time and remove duplicate stamps',
      );
    timestamps[r] = t;
    for (let c = 0; c < ids.length; c++) {
      (columns[c] as Float64Array)[r] = parseCell(cells[c + 1] ?? '', source, lineNo, ids[c] ?? '');
    }
  }
  if (rows === 0)
    throw badData(source, 2, 'no data rows after the header', 'the file needs at least one reading');
  return { source, timestamps, ids, columns };
}

function parseLongCsv(lines: readonly string[], source: string): WideTable {
  const byId = new Map<string, Map<number, number>>();
  const stamps = new Set<number>();
  for (let r = 1; r < lines.length; r++) {
    const cells = (lines[r] ?? '').split(',');
    if (cells.length !== 3)
      throw badData(
        source,
        r + 1,
        `${cells.length} cells, expected 3`,
        'a long CSV row is `timestamp,customer,value`',
      );
    const t = parseIsoTimestamp(cells[0] ?? '');
    if (t === undefined)
      throw badData(
        source,
        r + 1,
        `"${(cells[0] ?? '').slice(0, 30)}" is not an ISO 8601 timestamp`,
        'use e.g. 2013-01-01T00:00:00Z',
      );
    const id = (cells[1] ?? '').trim();
    const m = byId.get(id) ?? new Map<number, number>();
    byId.set(id, m);
    if (m.has(t))
      throw badData(
        source,
        r + 1,
        `duplicate reading for ${id}`,
        'keep one reading per customer and timestamp',
      );
    m.set(t, parseCell(cells[2] ?? '', source, r + 1, 'value'));
    stamps.add(t);
  }
  if (stamps.size === 0)
    throw badData(source, 2, 'no data rows after the header', 'the file needs at least one reading');
  const timestamps = Float64Array.from([...stamps].sort((a, b) => a - b));
  const ids = [...byId.keys()].sort();
  const columns = ids.map((id) => {
    const m = byId.get(id) ?? new Map<number, number>();
    return timestamps.map((t) => m.get(t) ?? NaN);
  });
  return { source, timestamps, ids, columns };
}

/** Reads a file's bytes, naming the path in the error. */
export function readBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (cause) {
    throw new CliError('GT_ERR_CLI_READ_FILE', `cannot read ${path}`, {
      hint: 'check the path (relative paths start at the current directory) and its permissions',
      cause,
    });
  }
}

/** Reads a `.csv` or `.csv.gz` table (gzip detected by magic bytes, not only by name). */
export function readTableFile(path: string): WideTable {
  const raw = readBytes(path);
  let bytes = raw;
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      bytes = gunzipSync(raw);
    } catch (cause) {
      throw new CliError('GT_ERR_CLI_BAD_DATA_FILE', `${path}: corrupt gzip data`, {
        hint: 'the file is truncated or not gzip; re-download it',
        cause,
      });
    }
  }
  return parseTableCsv(bytes.toString('utf8'), path);
}

/** Reads the LCL London households file (default path of the data README). */
export function readLclFile(path: string = resolve(PACKAGE_ROOT, LCL_DEFAULT_PATH)): WideTable {
  return readTableFile(path);
}

const NPY_MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);

/** Parses a `.npy` (format 1.0–3.0) holding a little-endian float32/float64 C-order 1-D or 2-D array. */
export function parseNpy(buf: Buffer, source: string): NpyMatrix {
  const bad = (what: string): CliError =>
    new CliError('GT_ERR_CLI_BAD_DATA_FILE', `${source}: ${what}`, {
      hint: "save a C-order float32/float64 2-D array with numpy.save (dtype '<f4' or '<f8')",
    });
  if (buf.length < 10 || !buf.subarray(0, 6).equals(NPY_MAGIC)) throw bad('not a .npy file (bad magic)');
  const major = buf[6] ?? 0;
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 + headerLen : 12 + headerLen;
  if (start > buf.length) throw bad('truncated header');
  const header = buf.subarray(major === 1 ? 10 : 12, start).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || shape === undefined) throw bad('header lacks descr or shape');
  if (fortran) throw bad('Fortran-order arrays are not supported');
  const dims = shape
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (dims.length < 1 || dims.length > 2 || dims.some((d) => !Number.isInteger(d) || d < 0))
    throw bad(`shape (${shape}) is not 1-D or 2-D`);
  const rows = dims[0] ?? 0;
  const cols = dims[1] ?? 1;
  const size = descr === '<f4' ? 4 : descr === '<f8' ? 8 : 0;
  if (size === 0) throw bad(`dtype ${descr} is not '<f4' or '<f8'`);
  if (buf.length - start < rows * cols * size)
    throw bad(`data truncated: expected ${rows * cols * size} bytes`);
  const copy = new Uint8Array(buf.subarray(start, start + rows * cols * size)).buffer;
  const data = size === 4 ? new Float32Array(copy) : new Float64Array(copy);
  return { rows, cols, data };
}

/** Encodes a matrix as `.npy` version 1.0 (header padded to 64 bytes, as numpy does). */
export function encodeNpy(m: NpyMatrix): Buffer {
  const descr = m.data instanceof Float32Array ? '<f4' : '<f8';
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${m.rows}, ${m.cols}), }`;
  const total = 10 + dict.length + 1;
  dict += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  NPY_MAGIC.copy(head);
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(dict.length, 8);
  const body = Buffer.from(m.data.buffer, m.data.byteOffset, m.rows * m.cols * m.data.BYTES_PER_ELEMENT);
  return Buffer.concat([head, Buffer.from(dict, 'latin1'), body]);
}

/** Reads a `.npy` matrix file. */
export function readNpyFile(path: string): NpyMatrix {
  return parseNpy(readBytes(path), path);
}

/** Writes a `.npy` matrix file. */
export function writeNpyFile(path: string, m: NpyMatrix): void {
  try {
    writeFileSync(path, encodeNpy(m));
  } catch (cause) {
    throw new CliError('GT_ERR_CLI_WRITE_FILE', `cannot write ${path}`, {
      hint: 'check that the directory exists and is writable',
      cause,
    });
  }
}
