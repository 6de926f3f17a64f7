import type { ImportProgress } from './run.js';

// Progress for a long import: on a terminal one line redrawn in place (bar, rows/s, ETA from the bytes
// read, rejects); otherwise (a log, CI) a plain line every few seconds.

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function duration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const mmss = `${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}

export function describeProgress(p: ImportProgress): { fraction: number; rate: number; eta: number } {
  const fraction = p.totalBytes > 0 ? Math.min(1, p.bytesDone / p.totalBytes) : 1;
  const seconds = p.elapsedMs / 1000;
  const done = p.inserted + p.updated + p.skipped + p.rejected;
  const rate = seconds > 0 ? done / seconds : 0;
  // Bytes give the ETA: the row count of the file is not known until it has been read.
  const eta = fraction > 0 ? (seconds / fraction) * (1 - fraction) : Infinity;
  return { fraction, rate, eta };
}

/**
 * What the bar shows, kept from going backwards: the fraction done only grows, and the time left only
 * shrinks. A fresh estimate above the one shown (a slow batch, a second file) is not shown: the last one
 * counts down instead, never below a second while the import runs, until the estimate catches up.
 */
export function createProgressView(): (progress: ImportProgress) => { fraction: number; rate: number; eta: number } {
  let fraction = 0;
  let eta = Infinity;
  let etaAt = 0;
  return (p) => {
    const fresh = describeProgress(p);
    fraction = Math.max(fraction, fresh.fraction);
    const countdown = Number.isFinite(eta) ? Math.max(eta - (p.elapsedMs - etaAt) / 1000, fraction < 1 ? 1 : 0) : Infinity;
    eta = Math.min(fresh.eta, countdown);
    etaAt = p.elapsedMs;
    return { fraction, rate: fresh.rate, eta };
  };
}

export interface ProgressReporter {
  update(progress: ImportProgress): void;
  /** Clears the bar (a terminal) before the summary is printed. */
  finish(): void;
}

export function createProgressReporter(out: NodeJS.WriteStream, options: { intervalMs?: number } = {}): ProgressReporter {
  const tty = out.isTTY === true;
  const interval = options.intervalMs ?? (tty ? 100 : 5000);
  let last = performance.now();
  let drawn = false;
  const view = createProgressView();
  return {
    update(p) {
      const now = performance.now();
      if (now - last < interval) return;
      last = now;
      const { fraction, rate, eta } = view(p);
      const done = p.inserted + p.updated + p.skipped + p.rejected;
      const stats = `${integer.format(done)} rows  ${integer.format(rate)} rows/s  ETA ${duration(eta)}  rejected ${integer.format(p.rejected)}`;
      if (tty) {
        const width = 24;
        const filled = Math.round(fraction * width);
        const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(fraction * 100).toFixed(1).padStart(5)}%`;
        out.write(`\r\x1b[K${bar}  ${stats}`.slice(0, (out.columns || 120) + 5));
        drawn = true;
      } else {
        out.write(`import: ${(fraction * 100).toFixed(1)}%  ${stats}\n`);
      }
    },
    finish() {
      if (tty && drawn) out.write('\r\x1b[K');
    },
  };
}
