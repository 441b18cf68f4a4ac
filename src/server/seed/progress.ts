/** A progress bar per phase on stderr: rows done / total, rate, ETA; and the phase timings. */
export class Progress {
  readonly timings: { phase: string; rows: number; ms: number }[] = [];
  private phase = '';
  private total = 0;
  private done = 0;
  private started = 0;
  private lastDraw = 0;

  constructor(
    private readonly out: NodeJS.WriteStream | null = process.stderr,
    private readonly tty = process.stderr.isTTY === true,
  ) {}

  start(phase: string, total: number): void {
    this.phase = phase;
    this.total = Math.max(1, total);
    this.done = 0;
    this.started = performance.now();
    this.lastDraw = 0;
    this.draw(true);
  }

  tick(n = 1): void {
    this.done += n;
    const now = performance.now();
    if (now - this.lastDraw > (this.tty ? 150 : 5_000)) this.draw(false);
  }

  end(): void {
    const ms = performance.now() - this.started;
    this.timings.push({ phase: this.phase, rows: this.done, ms });
    this.draw(true);
    this.out?.write(this.tty ? '\n' : '');
  }

  private draw(force: boolean): void {
    if (!this.out || (!this.tty && !force && this.lastDraw === 0)) return;
    this.lastDraw = performance.now();
    const secs = (this.lastDraw - this.started) / 1000;
    const rate = secs > 0 ? this.done / secs : 0;
    const frac = Math.min(1, this.done / this.total);
    const eta = rate > 0 ? Math.max(0, (this.total - this.done) / rate) : 0;
    const width = 24;
    const bar = '█'.repeat(Math.round(frac * width)).padEnd(width, '░');
    const line =
      `${this.phase.padEnd(14)} ${bar} ${fmt(this.done)}/${fmt(this.total)} ` +
      `${String(Math.round(frac * 100)).padStart(3)}%  ${fmt(Math.round(rate))}/s  ` +
      `${secs.toFixed(1)}s  ETA ${eta.toFixed(0)}s`;
    this.out.write(this.tty ? `\r${line}\x1b[K` : `${line}\n`);
  }
}

export const fmt = (n: number) => n.toLocaleString('en-US');
