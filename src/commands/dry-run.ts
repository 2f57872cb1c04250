// A dry run's log: in one group, the API calls a real run would make, in order, and what else the
// command lists (a deploy: the files in the zip).
import type { Log } from '../log.js';

export function logDryRun(
  log: Log,
  calls: readonly string[],
  more?: { title: string; items: readonly string[] },
): Promise<void> {
  return log.group('Dry run: nothing was changed', async () => {
    log.info('A real run would make these API calls:');
    for (const call of calls) log.info(`  ${call}`);
    if (!more) return;
    log.info(more.title);
    for (const item of more.items) log.info(`  ${item}`);
  });
}
