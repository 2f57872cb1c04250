// The CamposCloud API client: one typed method per endpoint the action uses, with timeouts, the
// run's deadline, retries of what is safe to repeat, create pacing, and a create that is never
// blindly sent twice (README "What happens when" and docs/lifecycle.md say why each rule is there).
// Each concern lives in its own file; this is the face the commands use:
//   request.ts   one call and its retries (timeouts, deadline, 429 waits, secrets redacted)
//   listing.ts   every app, page by page, or an error when the pages do not add up
//   app-state.ts stop and start, judged by the state the app reports
//   create.ts    the create: spacing, and an app made by a lost create adopted, not made twice
//   endpoints.ts every endpoint, spelled once (sent, named in errors, described to a dry run)
import { stampFingerprint } from './fingerprint-var.js';
import { Readable } from 'node:stream';
import { ApiError } from '../errors.js';
import { startApp, stopApp, tryApp, type SettleLimits, type StateChange } from './app-state.js';
import { Creator, type Created } from './create.js';
import { describer, routes, type Describe } from './endpoints.js';
import { appsNamed, listAppsWithUsage } from './listing.js';
import type { MultipartBody } from './multipart.js';
import { newestFirst } from './normalize.js';
import { CLIENT_TUNING, Requester, type ClientOptions } from './request.js';
import type { App, AppListing, AppSettings, CreateAppRequest } from './types.js';

export type { ClientOptions, Created };

export class CamposCloudClient {
  private readonly http: Requester;
  private readonly creator: Creator;
  private readonly settle: SettleLimits;
  /** The API's path, e.g. '/v1' (or '/prefix/v1' behind a proxy): how endpoints read in messages. */
  readonly rootPath: string;
  /** The call each method would make, in words: a dry run's plan lists these. */
  readonly describe: Describe;

  constructor(opts: ClientOptions) {
    this.http = new Requester(opts);
    this.creator = new Creator(this.http, this);
    this.settle = {
      settleMs: opts.stateSettleMs ?? CLIENT_TUNING.stateSettleMs,
      pollMs: opts.statePollMs ?? CLIENT_TUNING.statePollMs,
    };
    this.rootPath = this.http.rootPath;
    this.describe = describer(this.rootPath);
  }

  /** GET /apps/{id}. ApiError with status 404 when there is no such app. */
  async getApp(id: string): Promise<App> {
    const route = routes.getApp(id);
    const { json } = await this.http.call(route, 'json');
    const app = this.http.toApp(json, route);
    // The full read is what a recreate or an update carries over: its values are secrets.
    this.http.treatAsSecrets(app.environmentVariables);
    return app;
  }

  /** Like getApp, but undefined when there is no such app. */
  async findApp(id: string): Promise<App | undefined> {
    try {
      return await this.getApp(id);
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  /**
   * Every app, walking GET /apps?page=N (listing.ts says when the list counts as incomplete), and
   * the memory in use as the first page's totalUsedRAM says (undefined if unreadable).
   */
  listAppsWithUsage(): Promise<AppListing> {
    return listAppsWithUsage(this.http);
  }

  /**
   * Every app whose name is exactly `name` (case-sensitive), in the API's order; an error when an
   * unreadable item has that name (listing.ts, appsNamed).
   */
  async findAppsByName(name: string): Promise<App[]> {
    return appsNamed(await this.listAppsWithUsage(), name);
  }

  /**
   * The apps named `name` whose ids are not in `known`, newest first: after a create whose answer
   * never came, these are what it may have made.
   */
  async findNewAppsByName(name: string, known: ReadonlySet<string>): Promise<App[]> {
    const fresh = (await this.findAppsByName(name)).filter((a) => !known.has(a.id));
    return newestFirst(fresh);
  }

  /**
   * Sends a stop, whatever the app reports (`online: false` may be an app still starting), then
   * reads the app until it does not report running. A refused or unanswered stop is judged by that
   * read, never by the server's words. The result is the read, not the stop's own answer (which may
   * show the app as it was before the stop). Throws when the app still reports running.
   */
  stopApp(id: string): Promise<StateChange> {
    return stopApp(this.http, (i) => this.getApp(i), id, this.settle);
  }

  /**
   * Starts the app unless it reads running (`current`: the app as just read, else a fresh read),
   * then reads it once: the result says what that read showed (an accepted start of an app that
   * installs its dependencies is not online yet). A refused start is success when the app comes
   * online soon after, else an error.
   */
  startApp(id: string, current?: App): Promise<StateChange> {
    return startApp(this.http, (i) => this.getApp(i), id, this.settle, current);
  }

  /**
   * DELETE /apps/{id}/delete. 404 means it is gone already, also when a retry after a lost
   * response finds it gone (then it was this call that deleted it). The response body is ignored.
   */
  async deleteApp(id: string): Promise<{ alreadyGone: boolean }> {
    try {
      await this.http.call(routes.deleteApp(id), 'ignore');
      return { alreadyGone: false };
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return { alreadyGone: true };
      throw err;
    }
  }

  /**
   * POST /apps/create with the zip; never sent twice while the first may still be in progress
   * (create.ts). `existingIds`: the ids
   * of the apps already named req.appName, when the caller has just listed them; saves listing
   * every app again before the first attempt.
   */
  createApp(
    req: CreateAppRequest,
    opts: { existingIds?: readonly string[] } = {},
  ): Promise<Created> {
    return this.creator.create(req, opts);
  }

  /** How long a create's answer is awaited (createAnswerMs): a deadline shorter than it can cut a create short. */
  get createAnswerMs(): number {
    return this.http.createAnswerMs;
  }

  /**
   * POST /apps/{id}/update with the settings the caller gives (it resends the app's own values for
   * those the user left unset). Safe to repeat: the same settings again change nothing.
   */
  async updateApp(
    id: string,
    settings: AppSettings,
    opts: { deployFingerprint?: string } = {},
  ): Promise<App | undefined> {
    // May resend the dashboard's own variables (strategy: update keeps them), not only the input's.
    this.http.hideEchoed(settings.environmentVariables);
    const sent: AppSettings = settings.environmentVariables
      ? {
          ...settings,
          environmentVariables: stampFingerprint(
            settings.environmentVariables,
            opts.deployFingerprint,
          ),
        }
      : settings;
    const json = Buffer.from(JSON.stringify(sent));
    const body: MultipartBody = {
      contentType: 'application/json',
      contentLength: json.length,
      open: () => Readable.from([json]),
    };
    const res = await this.http.call(routes.updateApp(id), 'optional-json', {
      body,
      small: true,
    });
    return tryApp(res.json);
  }

  /**
   * POST /apps/{id}/upload?path=/ with the zip, which the platform extracts over the app's files
   * (files missing from the zip stay). Safe to repeat for the same reason.
   */
  async uploadFiles(id: string, zipPath: string, zipBytes: number): Promise<void> {
    const body = await this.http.zipBody([], zipPath, zipBytes);
    await this.http.call(routes.uploadFiles(id), 'ignore', { body });
  }
}
