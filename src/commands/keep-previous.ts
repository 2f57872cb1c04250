// keep-previous, carried out: the deletes a version plan (versions.ts) asks for. A recreate sends
// them in up to three places: before its create when stopped versions hold the plan's memory, when
// a create is refused for memory, and after the deploy, with the replaced app last (keep-previous:
// 0). Each old version's delete is sent once, whatever place comes first; what each did is kept
// here, so the later places send only what is left and the summary never lists a failed delete as
// deleted. Best effort: a delete that fails is a warning naming the app, never a failed run.
import type { App, AppListing } from '../camposcloud/types.js';
import { errorText } from '../errors.js';
import { count } from '../text.js';
import type { CommandContext } from './context.js';
import {
  timed,
  type OnlineWait,
  type PreviousOutcome,
  type PrunedApp,
  type Timing,
} from './result.js';
import { memoryFacts, type VersionPlan } from './versions.js';

/** What keep-previous did, for the deploy's result. */
export interface KeepPreviousOutcome {
  /** The replaced app's outcome, updated when the plan deleted it (or tried to). */
  previousOutcome: PreviousOutcome | undefined;
  /** Every old version a delete was sent for, in order, with what it did. */
  versionsDeleted: PrunedApp[];
  /** What is left, stopped, to roll back to: the replaced one first. */
  versionsKept: App[];
}

export class KeepPrevious {
  readonly #plan: VersionPlan;
  readonly #ctx: Pick<CommandContext, 'client' | 'log'>;
  /** Every delete of an old version sent, in order, with what it did. */
  readonly #sent: PrunedApp[] = [];

  constructor(plan: VersionPlan, ctx: Pick<CommandContext, 'client' | 'log'>) {
    this.#plan = plan;
    this.#ctx = ctx;
  }

  /** The old versions the plan deletes that no delete was sent for yet, newest first. */
  pending(): App[] {
    const sent = new Set(this.#sent.map((p) => p.app.id));
    return this.#plan.excess.filter((a) => !sent.has(a.id));
  }

  /**
   * Before the create: when the listing shows that stopped apps hold memory on the plan, the old
   * versions go first, so that the create has room (the replaced app stays: it is the way back).
   */
  async beforeCreate(listing: AppListing | undefined, timings: Timing[]): Promise<void> {
    if (this.pending().length === 0 || !listing) return;
    if (memoryFacts(listing).stoppedAppsCount !== true) return;
    const { log } = this.#ctx;
    await log.group('Delete old versions before the create', () =>
      timed(timings, 'delete old versions before the create', () => {
        log.info(
          `Stopped apps hold memory on the plan (totalUsedRAM ${listing.totalUsedRamMB} MB counts them): the versions keep-previous does not keep are deleted before the create.`,
        );
        return this.deleteOld();
      }),
    );
  }

  /**
   * Deletes `apps` (by default every one still pending), one by one. Only an old version the plan
   * deletes and no delete was sent for is touched: any other app given is passed over.
   */
  async deleteOld(apps: readonly App[] = this.pending()): Promise<PrunedApp[]> {
    const pending = new Set(this.pending().map((a) => a.id));
    const done: PrunedApp[] = [];
    for (const app of apps.filter((a) => pending.has(a.id))) {
      const pruned = await this.#deleteOne(app);
      this.#sent.push(pruned);
      done.push(pruned);
    }
    return done;
  }

  /**
   * After the deploy: the old versions still pending, then the replaced app when the plan deletes
   * it (only once the new app is up: until then it is the way back). Says what is kept.
   */
  async finish(
    previousOutcome: PreviousOutcome | undefined,
    onlineWait: OnlineWait | undefined,
    timings: Timing[],
  ): Promise<KeepPreviousOutcome> {
    const { log } = this.#ctx;
    const replaced = this.#plan.deleteReplaced ? this.#plan.replaced : undefined;
    let outcome = previousOutcome;
    if (this.pending().length > 0 || replaced) {
      await log.group('Delete old versions', () =>
        timed(timings, 'delete old versions', async () => {
          await this.deleteOld();
          if (replaced) outcome = await this.#deleteReplaced(replaced, outcome, onlineWait);
        }),
      );
    }
    const versionsKept = this.#kept(outcome);
    log.info(
      versionsKept.length === 0
        ? 'No previous version is kept.'
        : `Kept ${count(versionsKept.length, 'previous version')}, stopped, to roll back to: ${versionsKept.map((a) => a.id).join(', ')}.`,
    );
    return { previousOutcome: outcome, versionsDeleted: [...this.#sent], versionsKept };
  }

  /**
   * The versions left after the deploy: those the plan keeps, those whose delete failed or was
   * never sent, and the replaced app unless a delete of it went through.
   */
  #kept(previousOutcome: PreviousOutcome | undefined): App[] {
    const gone = new Set(
      this.#sent.filter((p) => p.outcome !== 'delete-failed').map((p) => p.app.id),
    );
    const { replaced, deleteReplaced } = this.#plan;
    const replacedLeft = deleteReplaced && replaced && previousOutcome !== 'deleted';
    return [...(replacedLeft ? [replaced] : []), ...this.#plan.kept, ...this.#plan.excess].filter(
      (a) => !gone.has(a.id),
    );
  }

  async #deleteOne(app: App): Promise<PrunedApp> {
    const { client, log } = this.#ctx;
    try {
      const { alreadyGone } = await client.deleteApp(app.id);
      log.info(
        `${alreadyGone ? 'Already gone' : 'Deleted'}: old version ${app.id} ('${app.name}', ${app.memoryMB ?? '?'} MB).`,
      );
      return { app, outcome: alreadyGone ? 'already-gone' : 'deleted' };
    } catch (err) {
      log.warning(
        `Deleting the old version ${app.id} ('${app.name}') failed: ${errorText(err)}. It is kept, stopped; delete it from the dashboard or re-run.`,
      );
      return { app, outcome: 'delete-failed' };
    }
  }

  async #deleteReplaced(
    previous: App,
    outcome: PreviousOutcome | undefined,
    onlineWait: OnlineWait | undefined,
  ): Promise<PreviousOutcome> {
    const { client, log } = this.#ctx;
    const kept = outcome === 'was-stopped' ? 'as it was' : 'stopped';
    // Until the new app is up, the replaced one is the way back.
    if (onlineWait && onlineWait.online !== true) {
      log.warning(
        `The new app did not report online, so the previous app ${previous.id} is kept, ${kept}, rather than deleted.`,
      );
      return 'delete-skipped';
    }
    try {
      const { alreadyGone } = await client.deleteApp(previous.id);
      log.info(
        alreadyGone ? `App ${previous.id} was already gone.` : `Deleted app ${previous.id}.`,
      );
      return 'deleted';
    } catch (err) {
      // The new app exists: failing the step now would report a broken deploy that is not broken.
      log.warning(
        `The new app was created, but deleting the previous app ${previous.id} failed: ${errorText(err)}. It is kept, ${kept}; delete it from the dashboard or re-run.`,
      );
      return 'delete-failed';
    }
  }
}
