// The order jest starts the test files in: its own (last run's failures, then the slowest by the
// durations it kept, then by file size), except that the longest file goes first whatever it kept.
// jest keeps no durations in a fresh clone (CI) and runs a file it has none for before every file
// it has them for: by size, the zip64 test, a small file and the longest of all, would start among
// the last and end the run alone.
import path from 'node:path';
import Sequencer from '@jest/test-sequencer';

const LONGEST = ['/__tests__/packaging/zip64.test.ts'];

export default class LongestFirst extends Sequencer {
  async sort(tests) {
    const sorted = await super.sort(tests);
    const longest = (test) =>
      LONGEST.some((end) => test.path.split(path.sep).join('/').endsWith(end));
    return [...sorted.filter(longest), ...sorted.filter((test) => !longest(test))];
  }
}
