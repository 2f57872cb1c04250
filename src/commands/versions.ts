// Versions of an app: every deploy with strategy recreate makes a new app of the same name and keeps
// the one it replaced, stopped, as the way back. These pure functions decide, from the state the API
// reports (running or not, createdAt, allocated memory, totalUsedRAM), which version is which: the
// one to replace, the ones to keep, the ones to delete, the one a rollback starts.
import { isRunning } from '../camposcloud/app-state.js';
import type { Describe } from '../camposcloud/endpoints.js';
import type { App, AppListing } from '../camposcloud/types.js';
import { count } from '../text.js';

/**
 * The version a deploy replaces: the running one (after a rollback that is not the newest), else the
 * newest. `versions` is newest first.
 */
export function versionToReplace(versions: readonly App[]): App | undefined {
  return versions.find(isRunning) ?? versions[0];
}

/**
 * keep-previous for one deploy: what stays, what goes and what is left alone. keep-previous.ts
 * carries it out; the log's and the dry run's words come from it (versionsText, plannedDeletes).
 */
export interface VersionPlan {
  /** The app the deploy stops and replaces; undefined for a first deploy (nothing is planned). */
  replaced: App | undefined;
  /** Kept, stopped, after the deploy: the replaced one first, then the newest others. */
  kept: App[];
  /** Older than what keep-previous keeps: deleted. Never the replaced app (see deleteReplaced). */
  excess: App[];
  /** keep-previous is 0: the replaced app itself goes, once the new one is up. */
  deleteReplaced: boolean;
  /** Beyond keep-previous but running (started by hand): left alone, never deleted. */
  running: App[];
}

/**
 * Which versions stay after a deploy that replaces `replaced`. The replaced app is always the first
 * kept (it is the way back); older versions fill the rest, newest first. `versions` is newest first
 * and holds every app of the name, `replaced` included.
 */
export function planVersions(
  versions: readonly App[],
  replaced: App | undefined,
  keepPrevious: number,
): VersionPlan {
  if (!replaced) {
    return { replaced: undefined, kept: [], excess: [], deleteReplaced: false, running: [] };
  }
  const others = versions.filter((a) => a.id !== replaced.id);
  const kept = keepPrevious > 0 ? [replaced, ...others.slice(0, keepPrevious - 1)] : [];
  const beyond = others.slice(Math.max(0, keepPrevious - 1));
  return {
    replaced,
    kept,
    excess: beyond.filter((a) => !isRunning(a)),
    deleteReplaced: keepPrevious === 0,
    running: beyond.filter(isRunning),
  };
}

/** keep-previous, as it applies to this deploy, for the log (`keepPrevious`: the input's value). */
export function versionsText(v: VersionPlan, keepPrevious: number): string {
  const parts = [
    v.deleteReplaced
      ? 'keep-previous: 0, so it is deleted once the new app is up'
      : `keep-previous: ${keepPrevious} keeps it${
          v.kept.length > 1
            ? ` and ${count(v.kept.length - 1, 'older version')} (${v.kept
                .slice(1)
                .map((a) => a.id)
                .join(', ')})`
            : ''
        }, stopped`,
  ];
  if (v.excess.length > 0) {
    parts.push(
      `${count(v.excess.length, 'older version')} beyond that will be deleted: ${v.excess.map((a) => a.id).join(', ')}`,
    );
  }
  if (v.running.length > 0) {
    parts.push(
      `${count(v.running.length, 'older version')} beyond that ${v.running.length === 1 ? 'is' : 'are'} running, so it is not deleted: ${v.running.map((a) => a.id).join(', ')}`,
    );
  }
  return `${parts.join('; ')}.`;
}

/** The deletes the plan asks for, in the order they are sent, as a dry run lists them. */
export function plannedDeletes(v: VersionPlan, describe: Pick<Describe, 'deleteApp'>): string[] {
  return [
    ...v.excess.map((a) => `${describe.deleteApp(a.id)}  (an old version beyond keep-previous)`),
    ...(v.replaced && v.deleteReplaced
      ? [`${describe.deleteApp(v.replaced.id)}  (delete the replaced app: keep-previous: 0)`]
      : []),
  ];
}

export interface MemoryFacts {
  /** totalUsedRAM as GET /apps reports it, in MB. */
  totalUsedRamMB: number | undefined;
  runningMB: number;
  stoppedMB: number;
  /**
   * Whether stopped apps hold memory on the plan: true when totalUsedRAM covers them, false when it
   * is only the running apps' memory, undefined when the listing does not tell.
   */
  stoppedAppsCount: boolean | undefined;
  /** Stopped apps that hold memory, biggest first. */
  stopped: App[];
}

const mb = (apps: readonly App[]): number => apps.reduce((sum, a) => sum + (a.memoryMB ?? 0), 0);

export function memoryFacts(listing: AppListing): MemoryFacts {
  const running = listing.apps.filter(isRunning);
  const stopped = listing.apps
    .filter((a) => !isRunning(a) && (a.memoryMB ?? 0) > 0)
    .sort((a, b) => (b.memoryMB ?? 0) - (a.memoryMB ?? 0));
  const runningMB = mb(running);
  const stoppedMB = mb(stopped);
  const total = listing.totalUsedRamMB;
  let stoppedAppsCount: boolean | undefined;
  // Compared with a little slack: totalUsedRAM may be rounded (e.g. shown in GB).
  const near = (a: number, b: number) => Math.abs(a - b) <= Math.max(1, b * 0.01);
  if (total !== undefined && stoppedMB > 0) {
    if (near(total, runningMB + stoppedMB)) stoppedAppsCount = true;
    else if (near(total, runningMB)) stoppedAppsCount = false;
  }
  return { totalUsedRamMB: total, runningMB, stoppedMB, stoppedAppsCount, stopped };
}

/** "'my-bot' (64b7..., 256 MB)" */
export function appWithMemory(app: App): string {
  return `'${app.name}' (${app.id}, ${app.memoryMB ?? '?'} MB)`;
}

export type RollbackPlan =
  | {
      ok: true;
      /** Stopped: the running version (newest running), or the newest when none runs. */
      from: App;
      /** Started: the newest version created before `from`. */
      to: App;
      /** Other running versions: stopped too, so that only `to` runs afterwards. */
      alsoRunning: App[];
    }
  | { ok: false; why: string };

/**
 * Which version a rollback stops and which it starts. `versions` is newest first. `current` names
 * the version the GitHub deployment says serves the environment, when known and running.
 */
export function planRollback(versions: readonly App[], current?: App): RollbackPlan {
  if (versions.length === 0) return { ok: false, why: 'there is no app of that name' };
  const from =
    (current && isRunning(current) ? current : undefined) ??
    versions.find(isRunning) ??
    versions[0]!;
  // Newest first, so the next one down is the newest version created before `from`.
  const to = versions[versions.findIndex((a) => a.id === from.id) + 1];
  if (!to) {
    const what = isRunning(from) ? 'the running version' : 'the newest version';
    // Newer versions, stopped: what a rollback before this one left (it goes back, never forward).
    const newer = versions.slice(
      0,
      versions.findIndex((a) => a.id === from.id),
    );
    if (newer.length > 0) {
      const ids = newer.map((a) => a.id).join(', ');
      return {
        ok: false,
        why: `${what} ${from.id} is the oldest version there is; ${ids} ${newer.length === 1 ? 'is' : 'are'} newer, stopped (as an earlier rollback left ${newer.length === 1 ? 'it' : 'them'}), and a rollback only goes back to an older version. To run ${newer[0]!.id} again, start it from the CamposCloud dashboard, or deploy again`,
      };
    }
    return {
      ok: false,
      why: `${what} ${from.id} is the only version: none was kept to go back to (the first deploy, or keep-previous: 0; a deploy keeps the replaced version when keep-previous is 1 or more)`,
    };
  }
  const alsoRunning = versions.filter((a) => isRunning(a) && a.id !== from.id && a.id !== to.id);
  return { ok: true, from, to, alsoRunning };
}
