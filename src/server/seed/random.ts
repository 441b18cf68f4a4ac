import { createHash } from 'node:crypto';

/**
 * A small, fast, seeded pseudo-random generator (sfc32), so that the same seed number always
 * gives the same data. Each phase of the seed takes its own stream (`Rng.for(seed, 'posts')`),
 * so changing one phase does not shift the numbers of the others.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(a: number, b: number, c: number, d: number) {
    this.a = a >>> 0;
    this.b = b >>> 0;
    this.c = c >>> 0;
    this.d = d >>> 0;
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** The stream named `name` of seed `seed`. */
  static for(seed: number, name: string): Rng {
    const h = createHash('sha256').update(`${seed}:${name}`).digest();
    return new Rng(h.readUInt32LE(0), h.readUInt32LE(4), h.readUInt32LE(8), h.readUInt32LE(12));
  }

  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }

  /** An index in [0, n) biased towards 0: about Zipf-like with exponent `skew` (> 1 = steeper). */
  skewed(n: number, skew = 2): number {
    return Math.min(n - 1, Math.floor(n * Math.pow(this.next(), skew)));
  }

  /** Exponentially distributed with this mean. */
  exp(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Fisher–Yates in place. */
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [xs[i], xs[j]] = [xs[j]!, xs[i]!];
    }
    return xs;
  }

  /** `k` distinct integers of [0, n), in the order drawn. */
  sample(n: number, k: number, draw: () => number = () => Math.floor(this.next() * n)): number[] {
    k = Math.min(k, n);
    if (k > n / 3) return this.shuffle(Array.from({ length: n }, (_, i) => i)).slice(0, k);
    const seen = new Set<number>();
    const out: number[] = [];
    while (out.length < k) {
      const x = draw();
      if (!seen.has(x)) {
        seen.add(x);
        out.push(x);
      }
    }
    return out;
  }

  hex(chars: number): string {
    let s = '';
    while (s.length < chars) s += this.u32().toString(16).padStart(8, '0');
    return s.slice(0, chars);
  }

  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i += 4) b.writeUInt32LE(this.u32(), i);
    return b;
  }

  /**
   * A UUIDv7 (the app's id format) for a row made at `ms`: the time in the first 48 bits, the
   * rest from this stream, so ids are time-ordered like the app's and reproducible.
   */
  uuid(ms: number): string {
    const t = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
    const r = this.hex(20);
    const variant = ((parseInt(r[3]!, 16) & 0x3) | 0x8).toString(16);
    return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${r.slice(0, 3)}-${variant}${r.slice(4, 7)}-${r.slice(8, 20)}`;
  }
}

/** Weights 1/(i+1)^s for i in [0, n), scaled to sum to `total` and rounded (largest first). */
export function zipfCounts(n: number, total: number, s: number, max = Infinity, min = 0): number[] {
  const w = Array.from({ length: n }, (_, i) => 1 / Math.pow(i + 1, s));
  const sum = w.reduce((a, b) => a + b, 0);
  return w.map((x) => Math.max(min, Math.min(max, Math.round((x / sum) * total))));
}

/** Picks indexes with probability proportional to `weights` (cumulative table, binary search). */
export class WeightedPicker {
  private readonly cum: Float64Array;

  constructor(weights: readonly number[]) {
    this.cum = new Float64Array(weights.length);
    let acc = 0;
    weights.forEach((w, i) => (this.cum[i] = acc += w));
  }

  pick(rng: Rng): number {
    const x = rng.next() * this.cum[this.cum.length - 1]!;
    let lo = 0;
    let hi = this.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cum[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
