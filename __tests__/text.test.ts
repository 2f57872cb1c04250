// duration(): one way of writing a time span, in the log lines and the summary alike.
import { duration } from '../src/text.js';

test.each([
  [0, '0 ms'],
  [12.4, '12 ms'],
  [999, '999 ms'],
  [1000, '1.0 s'],
  [2149, '2.1 s'],
  [30_000, '30.0 s'],
])('duration(%p) is %p: milliseconds under a second, then seconds with one decimal', (ms, text) => {
  expect(duration(ms)).toBe(text);
});
