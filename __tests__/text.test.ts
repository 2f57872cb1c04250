// duration(): one way of writing a time span, in the log lines and the summary alike.
import { duration } from '../src/text.js';

test('milliseconds under a second, seconds with one decimal from there', () => {
  expect(duration(0)).toBe('0 ms');
  expect(duration(12.4)).toBe('12 ms');
  expect(duration(999)).toBe('999 ms');
  expect(duration(1000)).toBe('1.0 s');
  expect(duration(2149)).toBe('2.1 s');
  expect(duration(30_000)).toBe('30.0 s');
});
