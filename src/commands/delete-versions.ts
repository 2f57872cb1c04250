// Deleting the versions keep-previous does not keep. Best effort: the deploy has its new app (or is
// about to create it), so a delete that fails is a warning naming the app, never a failed run.
import type { App } from '../camposcloud/types.js';
import { errorText } from '../errors.js';
import type { CommandContext } from './context.js';

export interface PrunedApp {
  app: App;
  outcome: 'deleted' | 'already-gone' | 'delete-failed';
}

export async function deleteVersions(
  apps: readonly App[],
  ctx: CommandContext,
): Promise<PrunedApp[]> {
  const done: PrunedApp[] = [];
  for (const app of apps) {
    try {
      const { alreadyGone } = await ctx.client.deleteApp(app.id);
      ctx.log.info(
        `${alreadyGone ? 'Already gone' : 'Deleted'}: old version ${app.id} ('${app.name}', ${app.memoryMB ?? '?'} MB).`,
      );
      done.push({ app, outcome: alreadyGone ? 'already-gone' : 'deleted' });
    } catch (err) {
      ctx.log.warning(
        `Deleting the old version ${app.id} ('${app.name}') failed: ${errorText(err)}. It is kept, stopped; delete it from the dashboard or re-run.`,
      );
      done.push({ app, outcome: 'delete-failed' });
    }
  }
  return done;
}
