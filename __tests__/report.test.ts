// The failure summary says "Nothing was changed" from what the clients report having sent, never
// from the step's title (which is shown as it is).
import { renderFailureSummary } from '../src/report.js';

const err = new Error('boom');

test('"Nothing was changed" follows whether a change was sent, whatever the step is called', () => {
  const unchanged = renderFailureSummary(
    'deploy',
    err,
    { phase: 'Create the app', changed: false },
    10,
  );
  expect(unchanged).toContain('Nothing was changed on CamposCloud.');
  expect(unchanged).toContain('| Failed while | Create the app |');
  const changed = renderFailureSummary('stop', err, { phase: 'Find the app', changed: true }, 10);
  expect(changed).not.toContain('Nothing was changed');
  expect(changed).toContain('| Failed while | Find the app |');
});

test('a failure before any step (the inputs) says so and that nothing was changed', () => {
  const text = renderFailureSummary('deploy', err, { phase: undefined, changed: false }, 10);
  expect(text).toContain('| Failed while | reading the inputs |');
  expect(text).toContain('Nothing was changed on CamposCloud.');
});
