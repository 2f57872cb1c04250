// `npm run mutate [-- src/x.ts ... --concurrency 1]`: Stryker on each module of stryker.config.mjs
// in turn (or the ones named), each against its own test files, then the surviving mutants and one
// table of mutation scores. Options (--x value) go to Stryker. HTML reports: reports/mutation/.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MODULES } from '../stryker.config.mjs';

const args = process.argv.slice(2);
const options = args.flatMap((a, i) => (a.startsWith('--') ? [a, args[i + 1] ?? ''] : []));
const named = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
const modules = named.length > 0 ? named : Object.keys(MODULES);
const rows = [];
const survivors = [];
for (const module of modules) {
  console.log(`\n== ${module}`);
  // Stryker ends its jest processes without jest's globalTeardown, which removes each one's temp
  // folder: they are made in one folder of this run's, removed when Stryker is done.
  const tempBase = mkdtempSync(path.join(os.tmpdir(), 'ccd-mutate-'));
  const run = spawnSync(path.join('node_modules', '.bin', 'stryker'), ['run', ...options], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, MUTATE_MODULE: module, CCD_TEST_TEMP_BASE: tempBase },
  });
  rmSync(tempBase, { recursive: true, force: true });
  const counts = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, other: 0 };
  try {
    const file = `reports/mutation/${path.basename(module, '.ts')}.json`;
    const report = JSON.parse(readFileSync(file, 'utf8'));
    for (const mutant of report.files[module]?.mutants ?? []) {
      counts[mutant.status in counts ? mutant.status : 'other']++;
      if (mutant.status === 'Survived' || mutant.status === 'NoCoverage') {
        const at = mutant.location.start;
        survivors.push(
          `${module}:${at.line}:${at.column} ${mutant.status} ${mutant.mutatorName}: ${JSON.stringify(mutant.replacement)}`,
        );
      }
    }
  } catch (err) {
    console.error(`${module}: no report (${err.message}); stryker exited ${run.status}`);
  }
  const detected = counts.Killed + counts.Timeout;
  const valid = detected + counts.Survived + counts.NoCoverage;
  rows.push({
    module,
    score: valid ? `${((100 * detected) / valid).toFixed(1)}%` : 'n/a',
    killed: counts.Killed,
    timeout: counts.Timeout,
    survived: counts.Survived,
    'no coverage': counts.NoCoverage,
  });
}
console.log('\nSurviving mutants:');
for (const line of survivors) console.log(`  ${line}`);
console.log('\nMutation scores (killed + timed out, of all valid mutants):');
console.table(rows);
