// `npm run demo`: the whole action, end to end, with no CamposCloud account. Starts the local
// CamposCloud-compatible server, deploys examples/python-bot twice (the second run replaces the
// first app), then stops the app, printing each run's log, outputs and job summary.
// Runs on Node 24's built-in TypeScript support, against the committed dist/index.js.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startFakeCamposCloud } from '../local-server/camposcloud.ts';
import { repoRoot, runAction, type ActionRun } from '../local-runner/run-action.ts';

const server = await startFakeCamposCloud({ token: 'demo-token' });
const workspace = await mkdtemp(path.join(os.tmpdir(), 'camposcloud-demo-'));
await cp(path.join(repoRoot, 'examples', 'python-bot'), workspace, { recursive: true });

const common = {
  token: server.token,
  'api-url': server.url,
  'app-name': 'demo-bot',
  'main-file': 'main.py',
  'env-vars': 'GREETING=hi there\nAPI_KEY=not-a-real-secret',
};

/** Workflow commands as the runner renders them (debug lines hidden, as without step debug logging). */
function asRunnerShowsIt(stdout: string): string {
  return stdout
    .trimEnd()
    .split('\n')
    .filter((l) => !/^::(add-mask|debug)::/.test(l) && l !== '::endgroup::')
    .map((l) => l.replace(/^::group::/, '> ').replace(/^::(warning|error|notice)[^:]*::/, '$1: '))
    .join('\n');
}

function show(title: string, run: ActionRun): void {
  console.log(`\n${'='.repeat(78)}\n${title}\n${'='.repeat(78)}`);
  console.log(asRunnerShowsIt(run.stdout));
  if (run.stderr.trim()) console.log(run.stderr.trimEnd());
  console.log('\n--- outputs');
  for (const [k, v] of Object.entries(run.outputs)) console.log(`${k}=${v}`);
  console.log('\n--- job summary');
  console.log(run.summary.trimEnd());
  console.log(`\n--- exit code ${run.exitCode}`);
}

let failed = false;
try {
  const first = await runAction({ workspace, inputs: { ...common } });
  show('1. deploy examples/python-bot (first deploy: creates the app)', first);

  const mainPy = path.join(workspace, 'main.py');
  await writeFile(
    mainPy,
    (await readFile(mainPy, 'utf8')).replace('VERSION = "1"', 'VERSION = "2"'),
  );
  console.log(
    '\n(The demo changes main.py to version 2 and deploys again: within 3 s of the first create, so the server answers 429 and the action waits as told.)',
  );
  const second = await runAction({ workspace, inputs: { ...common } });
  show('2. deploy again (stops the running app and creates it anew)', second);

  const stop = await runAction({
    workspace,
    inputs: { token: server.token, 'api-url': server.url, command: 'stop', 'app-name': 'demo-bot' },
    eventName: 'delete',
    event: { ref: 'demo-bot', ref_type: 'branch' },
  });
  show('3. stop the app (what a branch-delete workflow does)', stop);

  console.log('\n--- API calls the server received');
  for (const r of server.requests) console.log(`${r.method} ${r.path} -> ${r.status}`);
  failed = [first, second, stop].some((r) => r.exitCode !== 0);
} finally {
  await server.close();
  await rm(workspace, { recursive: true, force: true });
}
console.log(
  failed ? '\nDemo FAILED: see the runs above.' : '\nDemo finished: every run succeeded.',
);
process.exit(failed ? 1 : 0);
