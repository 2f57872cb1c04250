// Every call of the official SDK (camposcloud/camposcloud-sdk v1.1.3), formed as the SDK forms it
// (axios with a JSON content type and a bearer token on every call, multipart with the zip part
// named file.zip, the team as `team`, no page parameter), against the local server: each answer
// must have the shape the SDK reads. The SDK is not a dependency: its requests are written out.
import { startFakeCamposCloud, type FakeCamposCloud } from '../../local-server/camposcloud.js';
import { zipBuffer } from './zip.js';

let server: FakeCamposCloud;
let zip: Buffer;

beforeAll(async () => {
  zip = await zipBuffer({ 'index.js': 'console.log("hi")\n' });
});
beforeEach(async () => {
  server = await startFakeCamposCloud({ createIntervalMs: 0 });
});
afterEach(async () => {
  await server.close();
});

/** The SDK's axios instance: baseURL .../v1/, these two headers on every request. */
async function sdk(method: string, path: string, body?: unknown): Promise<unknown> {
  const headers: Record<string, string> = { authorization: `Bearer ${server.token}` };
  let payload: FormData | string | undefined;
  if (body instanceof FormData) payload = body;
  else {
    headers['content-type'] = 'application/json';
    if (body !== undefined) payload = JSON.stringify(body);
  }
  const res = await fetch(`${server.url}/v1${path}`, { method, headers, body: payload });
  const text = await res.text();
  // The call in the string, so a failure says which one.
  expect(`${method} ${path} -> ${res.status} ${res.status >= 300 ? text : ''}`).toMatch(
    / -> 2\d\d $/,
  );
  return text ? (JSON.parse(text) as unknown) : undefined;
}

/** The fields of ApplicationResponseData, with the types the SDK declares. */
const applicationResponseData = {
  _id: expect.stringMatching(/^[0-9a-f]{24}$/),
  containerId: expect.any(String),
  restartRequired: expect.any(Boolean),
  userId: expect.any(String),
  name: expect.any(String),
  allocatedMemoryMB: expect.any(Number),
  allocatedVCpu: expect.any(Number),
  workerNodeId: { _id: expect.any(String), nodeName: expect.any(String) },
  currentResourceMetrics: expect.objectContaining({ online: expect.any(Boolean) }),
  containerImage: expect.any(String),
  exposedViaWeb: expect.any(Boolean),
  startupCommand: expect.any(String),
  runtimeEnvironment: expect.any(String),
  autoRestartEnabled: expect.any(Boolean),
  status: expect.stringMatching(/^(active|creating|suspended)$/),
  createdAt: expect.any(String),
  updatedAt: expect.any(String),
};

/** createApplication, with every optional field the SDK may append, in its order. */
async function createApplication(): Promise<Record<string, unknown>> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(zip)], { type: 'application/zip' }), 'file.zip');
  form.append('appName', 'My Node.js App');
  form.append('mainFile', 'index.js');
  form.append('memoryMB', '256');
  form.append('runtimeEnvironment', 'nodejs');
  form.append('environmentVariables', JSON.stringify([{ key: 'A', value: 'b' }]));
  form.append('exposedViaWeb', 'true');
  form.append('autoRestartEnabled', 'false');
  form.append('startupCommand', 'node index.js');
  form.append('team', 'team-1');
  return (await sdk('POST', '/apps/create', form)) as Record<string, unknown>;
}

test('createApplication, then getApplication: the app object the SDK types', async () => {
  const created = await createApplication();
  expect(created).toMatchObject({ ...applicationResponseData, name: 'My Node.js App' });
  const app = server.apps.get(created._id as string)!;
  expect(app.teamId).toBe('team-1');
  expect(app.environmentVariables).toEqual([{ key: 'A', value: 'b' }]);
  const read = await sdk('GET', `/apps/${app._id}`);
  expect(read).toMatchObject(applicationResponseData);
});

test('getApplications: applications, totalUsedRAM and pagination, without a page parameter', async () => {
  await createApplication();
  expect(await sdk('GET', '/apps')).toEqual({
    applications: [expect.objectContaining(applicationResponseData)],
    totalUsedRAM: expect.any(String),
    pagination: {
      totalItems: 1,
      totalPages: 1,
      currentPage: 1,
      itemsPerPage: expect.any(Number),
      hasNextPage: false,
      hasPrevPage: false,
    },
  });
});

test('updateApplication: the JSON body, answered with the app', async () => {
  const { _id } = await createApplication();
  const updated = await sdk('POST', `/apps/${_id as string}/update`, {
    appName: 'Renamed',
    memoryMB: 512,
    runtimeEnvironment: 'nodejs',
    environmentVariables: [{ key: 'C', value: 'd' }],
    exposedViaWeb: false,
    autoRestartEnabled: true,
    startupCommand: 'node index.js --prod',
  });
  expect(updated).toMatchObject({
    ...applicationResponseData,
    name: 'Renamed',
    allocatedMemoryMB: 512,
    autoRestartEnabled: true,
    startupCommand: 'node index.js --prod',
  });
});

test('stopApplication, startApplication, restartApplication: POST with no body, answered with the app', async () => {
  const { _id } = await createApplication();
  // A created app waits for its start (the default world), as the SDK's README starts it.
  for (const verb of ['start', 'stop', 'start', 'restart']) {
    expect(await sdk('POST', `/apps/${_id as string}/${verb}`)).toMatchObject({
      _id,
      name: 'My Node.js App',
    });
  }
  expect(server.apps.get(_id as string)?.running).toBe(true);
});

test('uploadFile: the zip as file.zip, path in the query (also the "undefined" the SDK sends when none)', async () => {
  const { _id } = await createApplication();
  for (const path of ['/config', 'undefined']) {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(zip)]), 'file.zip');
    expect(await sdk('POST', `/apps/${_id as string}/upload?path=${path}`, form)).toEqual({
      message: expect.any(String),
    });
  }
});

test('deleteApplication: DELETE .../delete', async () => {
  const { _id } = await createApplication();
  await sdk('DELETE', `/apps/${_id as string}/delete`);
  expect(server.apps.has(_id as string)).toBe(false);
});

test('getMe: the user under body.user', async () => {
  const body = (await sdk('GET', '/users/@me')) as { user: Record<string, unknown> };
  expect(body.user).toMatchObject({
    _id: expect.any(String),
    name: expect.any(String),
    email: expect.any(String),
  });
});

test('getTeams and getTeam: unwrapped', async () => {
  const teams = (await sdk('GET', '/teams')) as Record<string, unknown>[];
  expect(Array.isArray(teams)).toBe(true);
  const team = {
    _id: expect.any(String),
    name: expect.any(String),
    owner: { _id: expect.any(String), name: expect.any(String), email: expect.any(String) },
    members: expect.any(Array),
    invites: expect.any(Array),
    createdAt: expect.any(String),
    updatedAt: expect.any(String),
    applicationsCount: expect.any(Number),
  };
  expect(teams[0]).toEqual(team);
  expect(await sdk('GET', `/teams/${teams[0]!._id as string}`)).toEqual(team);
});
