// Tests of the data file loaders on the real LCL file and on malformed input.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeNpy, parseNpy, parseTableCsv, readLclFile, parseIsoTimestamp } from './data-files.ts';
import { CliError } from './errors.ts';

function errorOf(f: () => unknown): CliError {
  try {
    f();
  } catch (e) {
    if (e instanceof CliError) return e;
    throw e;
  }
  throw new Error('expected a CliError');
}

describe('data-files', () => {
  it('loads the real LCL file: 17,520 half-hours × 100 households, 5.1 % missing', () => {
    const t = readLclFile();
    expect(t.timestamps.length).toBe(17_520);
    expect(t.ids.length).toBe(100);
    expect(t.timestamps[0]).toBe(Date.UTC(2013, 0, 1));
    expect(t.timestamps[1]! - t.timestamps[0]!).toBe(1_800_000);
    let missing = 0;
    for (const c of t.columns) for (const v of c) if (Number.isNaN(v)) missing++;
    expect(missing / (17_520 * 100)).toBeCloseTo(0.051, 3);
  });

  it('names the line of a malformed row', () => {
    const text = 'timestamp,a,b\n2013-01-01T00:00:00Z,1,2\n2013-01-01T00:30:00Z,1\n';
    const e = errorOf(() => parseTableCsv(text, 'x.csv'));
    expect(e.code).toBe('GT_ERR_CLI_BAD_DATA_FILE');
    expect(e.message).toContain('x.csv:3');
    expect(errorOf(() => parseTableCsv('timestamp,a\n2013-01-01T00:00:00Z,abc\n', 'y')).message).toContain(
      'y:2',
    );
    expect(errorOf(() => parseTableCsv('timestamp,a\nyesterday,1\n', 'z')).message).toContain('z:2');
    expect(errorOf(() => parseTableCsv('a,b\n', 'h')).message).toContain('h:1');
    const dup = 'timestamp,a\n2013-01-01T00:00:00Z,1\n2013-01-01T00:00:00Z,2\n';
    expect(errorOf(() => parseTableCsv(dup, 'd')).message).toContain('d:3');
  });

  it('reads long CSV into the same table and empty cells as NaN', () => {
    const long =
      'timestamp,customer,value\n2013-01-01T00:00Z,b,2\n2013-01-01T00:00Z,a,1\n2013-01-01T00:30Z,a,\n';
    const t = parseTableCsv(long, 'l');
    expect(t.ids).toEqual(['a', 'b']);
    expect([...t.columns[0]!]).toEqual([1, NaN]);
    expect([...t.columns[1]!]).toEqual([2, NaN]);
  });

  it('parses timestamps without zone as UTC and with offsets', () => {
    expect(parseIsoTimestamp('2000-06-05T00:30:00')).toBe(Date.UTC(2000, 5, 5, 0, 30));
    expect(parseIsoTimestamp('2000-06-05T01:30:00+01:00')).toBe(Date.UTC(2000, 5, 5, 0, 30));
    expect(parseIsoTimestamp('2000-13-05T01:30:00')).toBeUndefined();
  });

  it('round-trips .npy float32 and float64 matrices', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 1, max: 30 }),
        fc.boolean(),
        (rows, cols, f32) => {
          const data = f32 ? new Float32Array(rows * cols) : new Float64Array(rows * cols);
          for (let i = 0; i < data.length; i++) data[i] = Math.sin(i) * 1e3;
          const buf = encodeNpy({ rows, cols, data });
          expect((10 + buf.readUInt16LE(8)) % 64).toBe(0);
          const back = parseNpy(buf, 'm.npy');
          expect(back.rows).toBe(rows);
          expect(back.cols).toBe(cols);
          expect(back.data.constructor).toBe(data.constructor);
          expect([...back.data]).toEqual([...data]);
        },
      ),
    );
    expect(errorOf(() => parseNpy(Buffer.from('hello world'), 'bad.npy')).message).toContain('bad magic');
  });
});
