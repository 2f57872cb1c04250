// Every CamposCloud endpoint the action calls, spelled once: the client sends these, its errors
// name them, and a dry run shows them (client.describe) as the calls a real run would make.

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** Under the API root, e.g. '/apps/{id}/stop', its parts already encoded. */
  path: string;
  /** Sent encoded; shown as written (upload's path=/). */
  query?: Readonly<Record<string, string>>;
}

const segment = encodeURIComponent;

export const routes = {
  getApp: (id: string): Route => ({ method: 'GET', path: `/apps/${segment(id)}` }),
  listApps: (page: number): Route => ({
    method: 'GET',
    path: '/apps',
    query: { page: String(page) },
  }),
  createApp: (): Route => ({ method: 'POST', path: '/apps/create' }),
  stopApp: (id: string): Route => ({ method: 'POST', path: `/apps/${segment(id)}/stop` }),
  startApp: (id: string): Route => ({ method: 'POST', path: `/apps/${segment(id)}/start` }),
  deleteApp: (id: string): Route => ({ method: 'DELETE', path: `/apps/${segment(id)}/delete` }),
  updateApp: (id: string): Route => ({ method: 'POST', path: `/apps/${segment(id)}/update` }),
  uploadFiles: (id: string): Route => ({
    method: 'POST',
    path: `/apps/${segment(id)}/upload`,
    query: { path: '/' },
  }),
};

/** What follows the API root in the request's URL: the path and the encoded query. */
export function sentPath(route: Route): string {
  const query = Object.entries(route.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
  return query ? `${route.path}?${query}` : route.path;
}

/** 'POST /v1/apps/{id}/stop': how errors and logs name the endpoint (no query). */
export function endpointName(route: Route, rootPath: string): string {
  return `${route.method} ${rootPath}${route.path}`;
}

/** The call as a person reads it, query included: 'POST /v1/apps/{id}/upload?path=/'. */
export function callText(route: Route, rootPath: string): string {
  const query = Object.entries(route.query ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  return `${endpointName(route, rootPath)}${query ? `?${query}` : ''}`;
}

/** One describer per route: the call a real run would make, in words (client.describe). */
export type Describe = {
  [K in keyof typeof routes]: (...args: Parameters<(typeof routes)[K]>) => string;
};

export function describer(rootPath: string): Describe {
  const text = (route: Route) => callText(route, rootPath);
  return {
    getApp: (id) => text(routes.getApp(id)),
    listApps: (page) => text(routes.listApps(page)),
    createApp: () => text(routes.createApp()),
    stopApp: (id) => text(routes.stopApp(id)),
    startApp: (id) => text(routes.startApp(id)),
    deleteApp: (id) => text(routes.deleteApp(id)),
    updateApp: (id) => text(routes.updateApp(id)),
    uploadFiles: (id) => text(routes.uploadFiles(id)),
  };
}
