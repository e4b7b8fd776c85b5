// Human output of `gridtrust bench <name>`: one figure per line, nested figures as dotted keys.

/** Flattens a bench result into [dotted key, printed value] rows; arrays print as one list. */
export function figureRows(result: Record<string, unknown>, prefix = ''): [string, string][] {
  const rows: [string, string][] = [];
  for (const [k, v] of Object.entries(result)) {
    const key = `${prefix}${k}`;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      rows.push(...figureRows(v as Record<string, unknown>, `${key}.`));
    } else if (Array.isArray(v)) rows.push([key, v.map((x) => JSON.stringify(x)).join(', ')]);
    else rows.push([key, typeof v === 'string' ? v : JSON.stringify(v)]);
  }
  return rows;
}

/** The rows as aligned lines (`key   value`). */
export function formatFigures(result: Record<string, unknown>): string {
  const rows = figureRows(result);
  const width = Math.max(0, ...rows.map(([k]) => k.length)) + 2;
  return rows.map(([k, v]) => `${k.padEnd(width)}${v}\n`).join('');
}
