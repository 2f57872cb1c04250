// wait-for-online reports its progress at the normal log level every few seconds (shrunk here),
// and says what is known at the end: online after how long, or not online after the limit.
import { CamposCloudClient } from '../../src/camposcloud/client.js';
import { waitForOnline } from '../../src/commands/wait-online.js';
import { startFakeCamposCloud, type FakeCamposCloud } from '../../local-server/camposcloud.js';
import type { Clock } from '../../src/clock.js';
import { skippingClock } from '../support/skipping-clock.js';
import { recordingLog } from './helpers.js';

let server: FakeCamposCloud;
afterEach(async () => {
  await server.close();
});

async function waitFor(onlineAfterMs: number, limitSeconds: number, clock?: Clock) {
  server = await startFakeCamposCloud({ onlineAfterMs });
  const app = server.seedApp({ name: 'bot', running: false });
  // A start makes the app report online onlineAfterMs later.
  const client = new CamposCloudClient({ apiUrl: server.url, token: server.token });
  await client.startApp(app._id);
  const log = recordingLog();
  const result = await waitForOnline(
    client,
    app._id,
    {
      limitSeconds,
      deadlineAt: Date.now() + 60_000,
      intervalMs: 40,
      maxIntervalMs: 40,
      reportEveryMs: 150,
      ...(clock ? { clock } : {}),
    },
    log,
  );
  return { result, info: log.lines.filter((l) => l.startsWith('info: ')), lines: log.lines };
}

test('progress lines at the normal level while waiting, then how long it took', async () => {
  const { result, info } = await waitFor(700, 20);
  expect(result.online).toBe(true);
  expect(info[0]).toMatch(/^info: Waiting up to 20\.0 s for app \w+ to report online/);
  const progress = info.filter((l) => / is not online yet \(.+ of 20\.0 s\)\.$/.test(l));
  expect(progress.length).toBeGreaterThanOrEqual(1);
  expect(info.at(-1)).toMatch(/^info: App \w+ is online \(after (\d+ ms|\d+\.\d s)\)\.$/);
});

test('an app that does not come online in time is a warning naming the limit', async () => {
  // The limit runs out on the test's clock: polls every 40 ms of it, for the whole second.
  const clock = skippingClock();
  const { result, lines } = await waitFor(10 * 60_000, 1, clock);
  expect(result.online).toBe(false);
  expect(result.waitedMs).toBe(1000);
  expect(clock.slept).toHaveLength(25);
  expect(lines.at(-1)).toMatch(
    /^warning: App \w+ did not report online within wait-for-online \(1\.0 s\)/,
  );
});
