// Every response body is read with a size limit: a server that answers without end fails the call
// at once, saying so, and the action's memory stays where it is on a normal run (the child's peak
// resident set, VmHWM in /proc/<pid>/status).
import { readFile } from 'node:fs/promises';
import { calls, makeWorld, MUTATING, type World } from '../e2e/helpers.js';

let world: World;
afterEach(async () => world?.server.close());

/** Runs the action and samples its peak memory (kB) until it exits. */
async function runMeasured(inputs: Record<string, string>) {
  let peakKb = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  const run = await world.run(inputs, {
    onSpawn: (pid) => {
      const sample = () =>
        readFile(`/proc/${pid}/status`, 'utf8').then(
          (text) => {
            const kb = Number(/^VmHWM:\s+(\d+) kB/m.exec(text)?.[1] ?? 0);
            peakKb = Math.max(peakKb, kb);
          },
          () => undefined,
        );
      timer = setInterval(() => void sample(), 20);
    },
  });
  clearInterval(timer);
  return { run, peakMb: peakKb / 1024 };
}

const linux = process.platform === 'linux' ? test : test.skip;

linux(
  'an endless response body fails the call cleanly; memory stays flat',
  async () => {
    world = await makeWorld();
    const app = world.server.seedApp({ name: 'hello-bot' });
    const baseline = await runMeasured({ command: 'stop', 'app-id': app._id });
    expect(baseline.run.exitCode).toBe(0);
    world.server.seedApp({ name: 'other' });
    const other = [...world.server.apps.values()].find((a) => a.name === 'other')!;

    world.server.addFault({ path: `/v1/apps/${other._id}`, kind: 'endless' });
    const { run, peakMb } = await runMeasured({ command: 'stop', 'app-id': other._id });
    expect(run.exitCode).toBe(1);
    expect(run.errors.join('\n')).toContain(
      `CamposCloud API GET /v1/apps/${other._id} failed with HTTP 200 (its body was larger than 4 MB and was not read)`,
    );
    // Not sent again: the same body would come back.
    expect(calls(world.server).filter((c) => c === `GET /v1/apps/${other._id}`)).toHaveLength(1);
    expect(calls(world.server).filter((c) => MUTATING.test(c))).toEqual([
      `POST /v1/apps/${app._id}/stop`,
    ]);
    // A body read whole took 4.4 GB here; read with the limit, the run is the size of a normal one.
    expect(baseline.peakMb).toBeGreaterThan(0);
    expect(peakMb).toBeLessThan(baseline.peakMb + 40);
  },
  60_000,
);

linux(
  'a server that pages for ever, with pages of new apps: the walk stops at its bound; memory stays flat',
  async () => {
    world = await makeWorld();
    const app = world.server.seedApp({ name: 'my-bot' });
    const baseline = await runMeasured({ command: 'stop', 'app-name': 'my-bot' });
    expect(baseline.run.exitCode).toBe(0);
    expect(world.server.apps.get(app._id)?.running).toBe(false);
    world.server.requests.length = 0;

    world.server.addFault({
      path: '/v1/apps',
      kind: 'endless-pages',
      pageItems: 2500,
      times: Infinity,
    });
    const { run, peakMb } = await runMeasured({ command: 'stop', 'app-name': 'my-bot' });
    expect(run.exitCode).toBe(1);
    expect(run.errors.join('\n')).toContain(
      'Could not list every app: GET /v1/apps answered more than 10000 apps in 5 pages, the most the action reads (far more than a plan holds), so 10000 apps were seen. Nothing was created or changed',
    );
    // Ended by the bound, not by the deadline: five pages asked for, nothing changed.
    expect(calls(world.server)).toEqual(Array(5).fill('GET /v1/apps'));
    // Unbounded, this walk reached 1.6 GB in 30 s; bounded, the run is the size of a normal one.
    expect(peakMb).toBeLessThan(baseline.peakMb + 40);
  },
  60_000,
);
