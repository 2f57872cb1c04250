// Preloaded into the action when studying its memory (NODE_OPTIONS=--import=bench/mem-trace.mjs,
// with BENCH_MEM_TRACE_FILE set): samples process.memoryUsage() every few milliseconds and, at exit,
// writes the samples (ms since start, rss, heapTotal, heapUsed, external, arrayBuffers, in bytes) as
// JSON lines to BENCH_MEM_TRACE_FILE, with the peak (see peak-rss.mjs) last. Plain JavaScript,
// like max-rss.mjs, so it loads no type stripper into the process it measures.
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { peakRssKiB } from './peak-rss.mjs';

const file = process.env.BENCH_MEM_TRACE_FILE;
if (file) {
  const t0 = performance.now();
  const samples = [];
  const sample = () => {
    const m = process.memoryUsage();
    samples.push([
      Math.round(performance.now() - t0),
      m.rss,
      m.heapTotal,
      m.heapUsed,
      m.external,
      m.arrayBuffers,
    ]);
  };
  sample();
  const timer = setInterval(sample, Number(process.env.BENCH_MEM_TRACE_MS || 10));
  timer.unref();
  process.on('exit', () => {
    sample();
    const lines = samples.map((s) => JSON.stringify(s));
    lines.push(JSON.stringify({ maxRssKiB: peakRssKiB() }));
    writeFileSync(file, lines.join('\n') + '\n');
  });
}
