// A create refused while the plan's memory is full. CamposCloud documents neither the refusal's
// status nor its words (and they may be Portuguese), so it is recognised by state: a 4xx that is
// not about the token, the app, the size or the rate, while the listing shows apps holding memory.
// The error then says which apps hold it (names, ids, MB) and what to set.
import type { CreateAppRequest } from '../camposcloud/types.js';
import { ApiError, errorText, PlanMemoryError } from '../errors.js';
import { appWithMemory, type MemoryFacts } from './versions.js';

/** 401 token, 404 no such thing, 408 timeout, 413 zip size, 429 rate: never the plan's memory. */
const NOT_MEMORY = new Set([401, 404, 408, 413, 429]);

export function mayBeMemoryRefusal(err: unknown): err is ApiError {
  return (
    err instanceof ApiError &&
    err.status !== undefined &&
    err.status >= 400 &&
    err.status < 500 &&
    !NOT_MEMORY.has(err.status)
  );
}

/** Whether stopped apps hold memory the plan counts (or may count: the listing does not say). */
export function stoppedAppsHoldMemory(facts: MemoryFacts): boolean {
  return facts.stopped.length > 0 && facts.stoppedAppsCount !== false;
}

/**
 * The error for a create refused with `err` while `facts` holds. `keepPrevious` is the input's
 * value; `sameName` is what the deploy is called, to tell its own versions from other apps.
 */
export function planMemoryError(
  err: ApiError,
  facts: MemoryFacts,
  req: Pick<CreateAppRequest, 'appName' | 'memoryMB'>,
  keepPrevious: number,
): PlanMemoryError {
  const total =
    facts.totalUsedRamMB !== undefined
      ? `${facts.totalUsedRamMB} MB in use (totalUsedRAM)`
      : `${facts.runningMB + facts.stoppedMB} MB allocated`;
  const versions = facts.stopped.filter((a) => a.name === req.appName);
  const others = facts.stopped.filter((a) => a.name !== req.appName);
  const running = facts.runningMB > 0 ? ` Running apps hold ${facts.runningMB} MB.` : '';
  const lines = [
    // The refusal as any other API error reads, so what the server said comes first.
    errorText(err).replace(/\.?$/, '.'),
    `If that is the plan's memory running out (CamposCloud does not document how it says so): creating '${req.appName}' asks for ${req.memoryMB} MB; ${total}, and stopped apps hold ${facts.stoppedMB} MB of it` +
      (facts.stoppedAppsCount === true ? ' (totalUsedRAM counts them)' : '') +
      '.',
  ];
  if (versions.length > 0) {
    lines.push(
      `Kept versions of '${req.appName}' (stopped): ${versions.map(appWithMemory).join(', ')}.`,
    );
  }
  if (others.length > 0) {
    lines.push(`Other stopped apps: ${others.map(appWithMemory).join(', ')}.`);
  }
  // The replaced app must outlive the create (it is the way back if the create fails), so below
  // keep-previous: 1 nothing more is freed before the create.
  const keep =
    keepPrevious > 1
      ? `keep-previous: 1 (now ${keepPrevious}) keeps only the replaced version; `
      : '';
  lines.push(
    `What to set: ${keep}strategy: update reuses the app and its memory instead of creating another; ` +
      'a lower memory-mb asks for less; or delete stopped apps you no longer need from the dashboard.' +
      running,
  );
  return new PlanMemoryError(lines.join(' '), { cause: err });
}
