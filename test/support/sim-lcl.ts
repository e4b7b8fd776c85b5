// Test support for the sim area: reads the real LCL household file (tests may do I/O; the domain may not).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** Path of the LCL file relative to the project root (data/README). */
export const LCL_PATH = '../shared/data/lcl/lcl_london_2013_halfhourly_kwh_dev.csv.gz';

/** The LCL table as `{ timestamps, ids, columns }` (NaN = missing), parsed minimally for tests. */
export function readLclForTests(path: string = LCL_PATH): {
  timestamps: Float64Array;
  ids: string[];
  columns: Float64Array[];
} {
  const lines = gunzipSync(readFileSync(path)).toString('utf8').trim().split('\n');
  const ids = (lines[0] ?? '').split(',').slice(1);
  const rows = lines.length - 1;
  const timestamps = new Float64Array(rows);
  const columns = ids.map(() => new Float64Array(rows));
  for (let r = 0; r < rows; r++) {
    const cells = (lines[r + 1] ?? '').split(',');
    timestamps[r] = Date.parse(cells[0] ?? '');
    for (let c = 0; c < ids.length; c++) {
      const cell = cells[c + 1] ?? '';
      columns[c]![r] = cell === '' ? NaN : Number(cell);
    }
  }
  return { timestamps, ids, columns };
}
