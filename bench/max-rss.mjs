// Preloaded into the action under test (NODE_OPTIONS=--import): at exit, writes the process's peak
// resident set size, in KiB, to the file named by BENCH_MAX_RSS_FILE. Plain JavaScript on purpose:
// a .ts preload would load the type stripper, which costs memory the action itself does not use.
import { writeFileSync } from 'node:fs';
import { peakRssKiB } from './peak-rss.mjs';

const file = process.env.BENCH_MAX_RSS_FILE;
if (file) {
  process.on('exit', () => writeFileSync(file, String(peakRssKiB())));
}
