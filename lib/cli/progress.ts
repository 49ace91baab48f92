import type { SweepProgress } from '../sweep';

export interface ProgressBar {
  update(progress: SweepProgress): void;
  /** Erase the bar, so that what follows starts on a clean line. */
  done(): void;
}

/**
 * A one-line progress bar for a terminal, redrawn in place at most every `intervalMs`. The caller
 * creates one only when stderr is a terminal: piped output must not fill with carriage returns.
 */
export function progressBar(
  write: (s: string) => void,
  opts: { intervalMs?: number; width?: number; now?: () => number } = {},
): ProgressBar {
  const intervalMs = opts.intervalMs ?? 100;
  const width = opts.width ?? 30;
  const now = opts.now ?? Date.now;
  let lastDrawn = -Infinity;
  const fmt = (x: number) => x.toLocaleString('en-US');
  return {
    update(p) {
      const t = now();
      const finished = p.listingDone && p.checked === p.listed;
      if (!finished && t - lastDrawn < intervalMs) return;
      lastDrawn = t;
      const fraction = p.listed ? p.checked / p.listed : 0;
      const filled = Math.round(fraction * width);
      const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
      const total = p.listingDone ? fmt(p.listed) : `${fmt(p.listed)}+ (still listing)`;
      write(`\r\x1b[K${bar} ${fmt(p.checked)}/${total} buckets checked`);
    },
    done() {
      write('\r\x1b[K');
    },
  };
}
