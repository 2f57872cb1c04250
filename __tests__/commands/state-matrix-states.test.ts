// The state-changing commands (state-matrix.ts) in the worlds that differ in how an app's state
// reads and changes, the least convenient of all (the defaults) first.
import { DEFAULT_VARIANTS } from '../../local-server/camposcloud.js';
import { stateMatrix, STATE_WORLDS } from './state-matrix.js';

test('the defaults are the least convenient value of each state switch', () => {
  expect(DEFAULT_VARIANTS).toMatchObject({
    stoppedMetrics: 'uptime',
    stopAnswer: 'before',
    createdApps: 'waits-for-start',
    refusal: 'pt',
  });
});

stateMatrix(STATE_WORLDS);
