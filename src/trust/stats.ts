// Small numeric helpers on typed arrays: in-place median (quickselect), percentiles, mean and 95 % CI.

/** Median of `a[0..len)`; reorders `a` (pass a scratch copy). NaN for an empty range. */
export function medianInPlace(a: Float64Array, len: number): number {
  if (len === 0) return Number.NaN;
  const mid = len >> 1;
  const hi = select(a, len, mid);
  if (len % 2 === 1) return hi;
  let lo = -Infinity;
  for (let i = 0; i < mid; i++) if ((a[i] ?? 0) > lo) lo = a[i] ?? 0;
  return (lo + hi) / 2;
}

/** The k-th smallest (0-based) of a[0..len); reorders `a`. */
export function kthInPlace(a: Float64Array, len: number, k: number): number {
  return len === 0 ? Number.NaN : select(a, len, Math.min(len - 1, Math.max(0, k)));
}

/** Hoare quickselect: after the call a[k] holds the k-th smallest of a[0..len). */
function select(a: Float64Array, len: number, k: number): number {
  let l = 0;
  let r = len - 1;
  while (l < r) {
    const pivot = a[(l + r) >> 1] ?? 0;
    let i = l;
    let j = r;
    while (i <= j) {
      while ((a[i] ?? 0) < pivot) i++;
      while ((a[j] ?? 0) > pivot) j--;
      if (i <= j) {
        const t = a[i] ?? 0;
        a[i] = a[j] ?? 0;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) r = j;
    else if (k >= i) l = i;
    else break;
  }
  return a[k] ?? Number.NaN;
}

/** The q-quantile (0..1) of values, linear interpolation; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((x, y) => x - y);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = s[lo] ?? Number.NaN;
  const b = s[hi] ?? Number.NaN;
  return a + (b - a) * (pos - lo);
}

/** Mean and half-width of the 95 % confidence interval (Student t) over seeds. */
export function meanCi(values: readonly number[]): { mean: number; ci95: number } {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, ci95: Number.NaN };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, ci95: 0 };
  const v = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
  return { mean, ci95: tCrit(n - 1) * Math.sqrt(v / n) };
}

/** Two-sided 97.5 % Student t quantile (table up to 30 dof, normal beyond). */
function tCrit(dof: number): number {
  const T = [
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
    2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
  ];
  return T[dof - 1] ?? 1.96;
}
