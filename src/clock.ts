// The time a wait reads and how it sleeps, as one argument: a caller that must not wait out a
// limit in real time (a test of what happens when it runs out) gives a clock of its own.

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
};
