// A clock whose sleeps end at once and move its time on by what was asked: a wait that runs out
// its limit does so after the same reads as with the real clock, without the real time passing.
import type { Clock } from '../../src/clock.js';

export function skippingClock(start = Date.now()): Clock & { slept: number[] } {
  let now = start;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: (ms) => {
      slept.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
}
