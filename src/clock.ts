// The time a wait reads and how it sleeps, as one argument: a caller that must not wait out a
// limit in real time (a test of what happens when it runs out) gives a clock of its own.

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Left for the steps after a wait (recovery, the GitHub deployment, outputs) before the deadline. */
const DEADLINE_MARGIN_MS = 5000;

/** When a wait that would end at `endAt` must end so that the run's deadline still holds. */
export function waitEndsAt(endAt: number, deadlineAt: number): number {
  return Math.min(endAt, deadlineAt - DEADLINE_MARGIN_MS);
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
};
