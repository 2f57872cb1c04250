// POST /v1/apps/{id}/stop|start|restart and DELETE /v1/apps/{id}/delete.
import { checkPlanMemory, findApp, startApp, uptimeOf } from '../apps.ts';
import { render } from '../render.ts';
import { HttpError, json, type Reply } from '../reply.ts';
import { REFUSALS } from '../variants.ts';
import { nowIso, type World } from '../world.ts';

export function setRunning(world: World, id: string, want: 'start' | 'stop' | 'restart'): Reply {
  const app = findApp(world, id);
  const already = want === 'stop' ? !app.running : want === 'start' && app.running;
  if (already) {
    if (world.variants.refusal === 'accepted') return json(200, render(world, app, false));
    const verb = want === 'stop' ? 'stop' : 'start';
    throw new HttpError(world.variants.refusalStatus, REFUSALS[world.variants.refusal][verb]);
  }
  // The docs' stop example answers with the app still online: the answer may predate the stop.
  const before = render(world, app, false);
  if (want === 'stop') {
    app.lastUptime = uptimeOf(app, Date.now());
    app.running = false;
    app.startedAt = null;
  } else {
    // A stopped app that held no memory takes it again when it starts.
    if (!app.running && world.variants.stoppedAppsMemory === 'free') {
      checkPlanMemory(world, app.allocatedMemoryMB);
    }
    startApp(world, app, Date.now());
  }
  app.updatedAt = nowIso();
  return json(
    200,
    want === 'stop' && world.variants.stopAnswer === 'before' ? before : render(world, app, false),
  );
}

export function deleteApp(world: World, id: string): Reply {
  const app = findApp(world, id);
  world.apps.delete(id);
  app.deleted = true;
  app.lastUptime = uptimeOf(app, Date.now());
  app.running = false;
  app.startedAt = null;
  return json(200, { message: 'Application deleted' });
}
