// The pure parts of src/github/: reading a deployment payload and wording a failure.
import { failureWarning, readFailure } from '../../src/github/api-failure.js';
import { deploymentPayload, recordedApp } from '../../src/github/payload.js';

test('reads the app from an object payload or a JSON string payload, and nothing else', () => {
  const id = 'a'.repeat(24);
  expect(recordedApp(deploymentPayload({ id, name: 'bot' }))).toEqual({
    appId: id,
    appName: 'bot',
    wellFormed: true,
  });
  expect(recordedApp(JSON.stringify({ camposcloudAppId: id.toUpperCase() }))).toEqual({
    appId: id,
    appName: undefined,
    wellFormed: true,
  });
  for (const other of [
    {},
    '',
    'not json',
    '"a string"',
    null,
    42,
    { camposcloudAppId: 7 },
    { camposcloudAppId: ' ' },
  ]) {
    expect(recordedApp(other)).toBeUndefined();
  }
});

test('an id that is not 24 hex characters is read, but marked as not well formed', () => {
  for (const id of [
    'a'.repeat(23),
    'a'.repeat(25),
    `${'a'.repeat(22)}/x`,
    '../apps',
    ` ${'a'.repeat(24)}`,
  ]) {
    expect(recordedApp({ camposcloudAppId: id, camposcloudAppName: 'bot' })?.wellFormed).toBe(
      false,
    );
  }
});

test('a response error gives its status and GitHub message; an error without response its text', () => {
  const withResponse = Object.assign(new Error('Not Found - https://docs.github.com/rest'), {
    status: 404,
    response: { status: 404, data: { message: 'Not Found' } },
  });
  expect(readFailure(withResponse)).toEqual({
    status: 404,
    serverMessage: 'Not Found',
    cause: undefined,
  });
  expect(readFailure(new Error('fetch failed'))).toEqual({
    status: undefined,
    serverMessage: undefined,
    cause: 'fetch failed',
  });
});

test('the warning names the call, the status, the consequence and what to check', () => {
  const text = failureWarning(
    'create deployment (POST /repos/o/r/deployments)',
    { status: 404, serverMessage: 'Not Found', cause: undefined },
    'https://api.github.com',
    'Not recorded.',
  );
  expect(text).toBe(
    'GitHub deployments: create deployment (POST /repos/o/r/deployments) failed with HTTP 404: Not Found. ' +
      'Not recorded. The workflow needs `permissions: deployments: write` (a GITHUB_TOKEN without it gets 403 ' +
      '"Resource not accessible by integration"), and the token must see this repository.',
  );
});

describe('mutation: src/github/payload.ts', () => {
  test('a name that is not a string is no name: only the id is read', () => {
    const id = 'a'.repeat(24);
    for (const name of [7, null, { first: 'bot' }, ['bot']]) {
      expect(recordedApp({ camposcloudAppId: id, camposcloudAppName: name })).toEqual({
        appId: id,
        appName: undefined,
        wellFormed: true,
      });
    }
  });
});
