// strategy recreate carries the replaced app's set-up over to the new app: memory, web exposure,
// auto-restart, a custom startup command, team and environment variables (merged by key, or
// replaced), except what the workflow sets; values read from CamposCloud stay secret; a read
// without the variables is said plainly; the dry run and the summary say where each setting came
// from.
import { calls, visible, type World, worldMaker } from '../e2e/helpers.js';
import { runActionInProcess } from '../support/run-in-process.js';

const makeWorld = worldMaker(runActionInProcess);

let world: World;
afterEach(async () => {
  await world?.server.close();
});

const TOKEN_VALUE = 'discord-token-set-in-dashboard-0123';
const MULTI_LINE = 'first-line-of-a-key\nsecond-line-of-a-key';
const SET_UP = {
  allocatedMemoryMB: 1024,
  exposedViaWeb: true,
  assignedSubdomain: 'hello-bot',
  autoRestartEnabled: true,
  startupCommand: 'python -u main.py --shards 2',
  teamId: '64b7f0c2a1d4e5f6a7b8c9d0',
  environmentVariables: [
    { key: 'DISCORD_TOKEN', value: TOKEN_VALUE },
    { key: 'PEM', value: MULTI_LINE },
    { key: 'LOG_LEVEL', value: 'info' },
  ],
};

/** The app this run created: the one that is not `old`. */
function created(w: World, oldId: string) {
  const made = [...w.server.apps.values()].filter((a) => a._id !== oldId);
  expect(made).toHaveLength(1);
  return made[0]!;
}

function secretsNowhere(run: { stdout: string; summary: string; outputFileText: string }) {
  for (const value of [TOKEN_VALUE, 'first-line-of-a-key', 'second-line-of-a-key']) {
    expect(visible(run.stdout)).not.toContain(value);
    expect(run.summary).not.toContain(value);
    expect(run.outputFileText).not.toContain(value);
  }
}

describe.each([['full'], ['lean']] as const)('list items %s', (listItems) => {
  test('a recreate keeps every setting the workflow left unset, and merges env vars by key', async () => {
    world = await makeWorld({}, { variants: { listItems, appEnvVars: 'included' } });
    const old = world.server.seedApp({ name: 'hello-bot', ...SET_UP });
    const run = await world.run({ 'env-vars': 'LOG_LEVEL=debug\nNEW_FLAG=on' });
    expect(run.exitCode).toBe(0);
    const app = created(world, old._id);
    expect(app.allocatedMemoryMB).toBe(1024);
    expect(app.exposedViaWeb).toBe(true);
    expect(app.autoRestartEnabled).toBe(true);
    expect(app.startupCommand).toBe('python -u main.py --shards 2');
    expect(app.teamId).toBe(SET_UP.teamId);
    // The app's keys kept, the workflow's value where both set one, its new key added.
    expect(app.environmentVariables).toEqual([
      { key: 'DISCORD_TOKEN', value: TOKEN_VALUE },
      { key: 'PEM', value: MULTI_LINE },
      { key: 'LOG_LEVEL', value: 'debug' },
      { key: 'NEW_FLAG', value: 'on' },
    ]);
    expect(run.outputs.url).toBe(`https://${app.assignedSubdomain}.camposcloud.app`);
    // Masked, each line of a multi-line value too, and in no log line, output or summary.
    expect(run.stdout).toContain(`::add-mask::${TOKEN_VALUE}`);
    expect(run.stdout).toContain('::add-mask::first-line-of-a-key');
    expect(run.stdout).toContain('::add-mask::second-line-of-a-key');
    secretsNowhere(run);
    expect(run.stdout).not.toContain('::warning::');
    // Where each setting came from, in the log and the summary (keys only).
    expect(run.stdout).toContain('memory-mb: 1024 MB (previous app)');
    expect(run.stdout).toContain('startup-command: python -u main.py --shards 2 (previous app)');
    expect(run.stdout).toContain(
      'env-vars: DISCORD_TOKEN (previous app), PEM (previous app), LOG_LEVEL (workflow), NEW_FLAG (workflow)',
    );
    expect(run.summary).toContain('| `memory-mb` | 1024 MB | previous app |');
    expect(run.summary).toContain('| `exposed-via-web` | true | previous app |');
    expect(run.summary).toContain('| `auto-restart` | true | previous app |');
  });
});

test('what the workflow sets wins over the replaced app, and a derived command follows main-file', async () => {
  world = await makeWorld({}, { variants: { appEnvVars: 'included' } });
  const old = world.server.seedApp({
    name: 'hello-bot',
    ...SET_UP,
    startupCommand: 'python -u old.py',
  });
  const run = await world.run({ 'memory-mb': '512', 'exposed-via-web': 'false' });
  expect(run.exitCode).toBe(0);
  const app = created(world, old._id);
  expect(app.allocatedMemoryMB).toBe(512);
  expect(app.exposedViaWeb).toBe(false);
  expect(app.autoRestartEnabled).toBe(true);
  // Derived from the old main file: derived anew (the platform's own, from main.py).
  expect(app.startupCommand).toBe('python -u main.py');
  expect(run.summary).toContain('| `memory-mb` | 512 MB | workflow |');
  expect(run.summary).toContain('| `auto-restart` | true | previous app |');
});

test('env-vars-mode: replace gives the new app the workflow variables alone', async () => {
  world = await makeWorld({}, { variants: { appEnvVars: 'included' } });
  const old = world.server.seedApp({ name: 'hello-bot', ...SET_UP });
  const run = await world.run({ 'env-vars': 'LOG_LEVEL=debug', 'env-vars-mode': 'replace' });
  expect(run.exitCode).toBe(0);
  const app = created(world, old._id);
  expect(app.environmentVariables).toEqual([{ key: 'LOG_LEVEL', value: 'debug' }]);
  expect(app.allocatedMemoryMB).toBe(1024);
  expect(run.summary).toContain('workflow only (env-vars-mode: replace)');
  expect(run.stdout).toContain(
    "::warning::env-vars-mode is replace: the app's DISCORD_TOKEN, PEM are not in env-vars and are dropped.",
  );
  secretsNowhere(run);
});

test('a read without the variables (the server default) says plainly what the new app gets', async () => {
  world = await makeWorld();
  const old = world.server.seedApp({ name: 'hello-bot', ...SET_UP });
  const run = await world.run({ 'env-vars': 'LOG_LEVEL=debug' });
  expect(run.exitCode).toBe(0);
  const app = created(world, old._id);
  expect(app.environmentVariables).toEqual([{ key: 'LOG_LEVEL', value: 'debug' }]);
  // The rest of the set-up still comes from the read.
  expect(app.allocatedMemoryMB).toBe(1024);
  expect(app.autoRestartEnabled).toBe(true);
  const warnings = run.stdout.split('\n').filter((l) => l.startsWith('::warning::'));
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toContain(
    `CamposCloud's answer for app ${old._id} carried no environment variables, so the new app gets only the variables env-vars sets (LOG_LEVEL)`,
  );
  expect(warnings[0]).toContain('pass each one the app needs in env-vars from a secret');
  expect(run.summary).toContain("workflow only (the previous app's could not be read)");
});

test('a dry run reads the replaced app and lists the settings and their origins, changing nothing', async () => {
  world = await makeWorld({}, { variants: { listItems: 'lean', appEnvVars: 'included' } });
  const old = world.server.seedApp({ name: 'hello-bot', ...SET_UP });
  const run = await world.run({ 'dry-run': 'true', 'auto-restart': 'false' });
  expect(run.exitCode).toBe(0);
  expect(calls(world.server)).toEqual(['GET /v1/apps', `GET /v1/apps/${old._id}`]);
  expect(run.stdout).toContain("POST /v1/apps/create  (create app 'hello-bot' (python, 1024 MB");
  expect(run.stdout).toContain('auto-restart: false (workflow)');
  expect(run.stdout).toContain('team-id: 64b7f0c2a1d4e5f6a7b8c9d0 (previous app)');
  expect(run.summary).toContain('**Settings the new app would get:**');
  expect(run.summary).toContain(
    '| `env-vars` | DISCORD_TOKEN (previous app), PEM (previous app), LOG_LEVEL (previous app) |',
  );
  secretsNowhere(run);
});

test('a first deploy names its defaults as such', async () => {
  world = await makeWorld();
  const run = await world.run({ 'memory-mb': '512' });
  expect(run.exitCode).toBe(0);
  expect(run.summary).toContain('| `memory-mb` | 512 MB | workflow |');
  expect(run.summary).toContain('| `exposed-via-web` | false | default |');
  expect(run.stdout).not.toContain('::warning::');
});
