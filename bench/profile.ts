// Profiles the built action (dist/index.js) deploying a workspace to the local server:
//   node bench/profile.ts small|mixed [--files N] [--mb N]
// Runs it under `node --cpu-prof`, then prints where the main thread's time went: self time by
// function (top 25), plus idle (the main thread waiting on the file system, zlib's thread pool or the
// socket) and garbage collection. The .cpuprofile is kept for Chrome DevTools or speedscope.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startFakeCamposCloud } from '../local-server/camposcloud.ts';
import { timedDeploy } from './deploy.ts';
import { mib } from './stats.ts';
import { buildMixedTree, buildSmallSourceTree } from './workspaces.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time in ms per function (name + file + line), largest first. */
function selfTimes(profile: CpuProfile): { name: string; ms: number }[] {
  const byNode = new Map<number, ProfileNode>(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const frame = byNode.get(id)?.callFrame;
    const where = frame?.url ? ` ${path.basename(frame.url)}:${frame.lineNumber + 1}` : '';
    const name = `${frame?.functionName || '(anonymous)'}${where}`;
    totals.set(name, (totals.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const kind = args[0] === 'mixed' ? 'mixed' : 'small';
  const opt = (name: string, def: number) => {
    const i = args.indexOf(name);
    return i >= 0 ? Number(args[i + 1]) : def;
  };
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'ccd-profile-'));
  const workspace = path.join(scratch, 'ws');
  const profDir = path.join(scratch, 'prof');
  const stats =
    kind === 'mixed'
      ? await buildMixedTree(workspace, opt('--mb', 300))
      : await buildSmallSourceTree(workspace, opt('--files', 10_000));
  console.log(`workspace: ${stats.files} files, ${mib(stats.bytes)}`);
  const server = await startFakeCamposCloud({ createIntervalMs: 0, variants: { createMs: 0 } });
  try {
    const { ms: wallMs } = await timedDeploy(
      server,
      workspace,
      'profiled',
      { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profDir}` },
      300_000,
    );
    const file = (await readdir(profDir)).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error('no .cpuprofile written');
    const profile = JSON.parse(await readFile(path.join(profDir, file), 'utf8')) as CpuProfile;
    const times = selfTimes(profile);
    const sampled = times.reduce((s, t) => s + t.ms, 0);
    console.log(`wall ${wallMs.toFixed(0)} ms; main thread sampled ${sampled.toFixed(0)} ms`);
    for (const t of times.slice(0, 25)) {
      console.log(
        `${t.ms.toFixed(0).padStart(7)} ms ${((100 * t.ms) / sampled).toFixed(1).padStart(5)}%  ${t.name}`,
      );
    }
    console.log(`profile: ${path.join(profDir, file)}`);
  } finally {
    await server.close();
    await rm(workspace, { recursive: true, force: true });
  }
}

await main();
