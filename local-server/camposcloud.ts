// A local, CamposCloud-compatible API server: what the client tests, the end-to-end tests, the benchmark
// and `npm run demo` talk to. It models the CamposCloud API as publicly known, from its API reference
// (docs.camposcloud.com) and its official TypeScript SDK (GitHub camposcloud/camposcloud-sdk, v1.1.3):
// bearer auth, the multipart create with its validation, the documented limit of one create every 3 s
// (429 with Retry-After), the app object's shape. For each behaviour those sources leave open it has a
// switch (Variants; CONTRIBUTING.md lists them), and it injects faults on demand.
//
// This file is its entry: what tests and scripts import, and `npm run local-server`. The folder must
// run under Node's own type stripping (scripts import it as .ts files), so it imports only node
// builtins and npm packages, never a file outside this folder, and uses erasable TypeScript only.
import { pathToFileURL } from 'node:url';
import { runCli } from './cli.ts';

export { startFakeCamposCloud } from './server.ts';
export type {
  FakeApp,
  FakeCamposCloud,
  FakeCamposCloudOptions,
  Fault,
  FaultKind,
  RecordedRequest,
  ZipEntryRead,
} from './types.ts';
export { DEFAULT_VARIANTS, type Variants } from './variants.ts';

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runCli(process.argv.slice(2));
}
