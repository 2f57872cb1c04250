// The peak memory of a spawned action: its VmHWM (peak resident set) read from /proc/<pid>/status
// while it runs. Linux only; elsewhere the peak reads 0.
import { readFile } from 'node:fs/promises';

export interface PeakWatch {
  /** Pass as run-action's onSpawn. */
  onSpawn: (pid: number) => void;
  /** Stops sampling; the highest VmHWM seen, in MB. */
  stop: () => number;
}

export function watchPeakRss(everyMs = 20): PeakWatch {
  let peakKb = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  return {
    onSpawn: (pid) => {
      const sample = () =>
        readFile(`/proc/${pid}/status`, 'utf8').then(
          (text) => {
            peakKb = Math.max(peakKb, Number(/^VmHWM:\s+(\d+) kB/m.exec(text)?.[1] ?? 0));
          },
          () => undefined,
        );
      timer = setInterval(() => void sample(), everyMs);
    },
    stop: () => {
      clearInterval(timer);
      return peakKb / 1024;
    },
  };
}
