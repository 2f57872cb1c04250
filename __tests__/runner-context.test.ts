// readRunnerContext reads what the runner hands over: environment variables and a real event file.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readRunnerContext } from '../src/runner-context.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ccd-runner-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function eventFile(text: string): Promise<string> {
  const file = path.join(dir, 'event.json');
  await writeFile(file, text);
  return file;
}

test('the event name, ref, sha, repository and payload as the runner sets them', async () => {
  const payload = { ref: 'refs/heads/main', repository: { full_name: 'octo-org/bot' } };
  const warnings: string[] = [];
  const ctx = readRunnerContext(
    {
      GITHUB_EVENT_NAME: 'push',
      GITHUB_EVENT_PATH: await eventFile(JSON.stringify(payload)),
      GITHUB_REF: 'refs/heads/main',
      GITHUB_SHA: 'abc123',
      GITHUB_REPOSITORY: 'octo-org/bot',
    },
    (m) => warnings.push(m),
  );
  expect(ctx).toEqual({
    eventName: 'push',
    payload,
    ref: 'refs/heads/main',
    sha: 'abc123',
    repository: 'octo-org/bot',
  });
  expect(warnings).toEqual([]);
});

test('no event file (a local run) is an empty payload, without a warning', () => {
  const warnings: string[] = [];
  const ctx = readRunnerContext({ GITHUB_EVENT_PATH: path.join(dir, 'missing.json') }, (m) =>
    warnings.push(m),
  );
  expect(ctx).toEqual({ eventName: '', payload: {}, ref: '', sha: '', repository: undefined });
  expect(readRunnerContext({}, (m) => warnings.push(m)).payload).toEqual({});
  expect(warnings).toEqual([]);
});

test.each([
  ['not JSON', '{"ref": '],
  ['an array', '[1, 2]'],
  ['null', 'null'],
])(
  'an event file that is %s is an empty payload, with a warning naming the file',
  async (_what, text) => {
    const file = await eventFile(text);
    const warnings: string[] = [];
    const ctx = readRunnerContext({ GITHUB_EVENT_PATH: file }, (m) => warnings.push(m));
    expect(ctx.payload).toEqual({});
    expect(warnings).toEqual([
      `The event payload ${file} is not a JSON object: the event's branch and pull request are unknown.`,
    ]);
  },
);
