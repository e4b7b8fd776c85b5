// Seeded pseudo-random numbers for deterministic simulations (never Math.random in the domain).

/** A seeded source of uniform doubles in [0, 1). */
export interface Random {
  next(): number;
  /** Integer in [min, max] inclusive. */
  int(min: number, max: number): number;
  /** Uniform double in [min, max). */
  uniform(min: number, max: number): number;
  /** Standard normal variate (Box–Muller). */
  normal(mean?: number, sd?: number): number;
  /** Exponential variate with the given mean. */
  exponential(mean: number): number;
  /** A new independent stream derived from this one (for per-terminal streams). */
  fork(): Random;
}

/**
 * sfc32 (Small Fast Counter, PractRand-clean) seeded through splitmix32 so that nearby seeds differ.
 * @example
 * const rnd = createRandom(42); rnd.next(); // deterministic
 */
export function createRandom(seed: number): Random {
  let s = seed >>> 0;
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  let spare: number | undefined;
  const rnd: Random = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    uniform: (min, max) => min + next() * (max - min),
    normal: (mean = 0, sd = 1) => {
      if (spare !== undefined) {
        const v = spare;
        spare = undefined;
        return mean + sd * v;
      }
      let u = 0;
      while (u === 0) u = next();
      const r = Math.sqrt(-2 * Math.log(u));
      const th = 2 * Math.PI * next();
      spare = r * Math.sin(th);
      return mean + sd * r * Math.cos(th);
    },
    exponential: (mean) => {
      let u = 0;
      while (u === 0) u = next();
      return -mean * Math.log(u);
    },
    fork: () => createRandom(Math.floor(next() * 4294967296)),
  };
  return rnd;
}
