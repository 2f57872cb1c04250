// The packaging phase of a deploy: choose the files, check that the package can run (main file
// present, runtime known), and write the zip. Everything here happens before any API call, so a
// package that cannot work fails the run while nothing has changed on CamposCloud.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Runtime } from '../camposcloud/types.js';
import { DeadlineError, InputError, PackagingError } from '../errors.js';
import type { Inputs } from '../inputs/settings.js';
import type { Log } from '../log.js';
import type { CommandContext } from './context.js';
import { isDotenv } from '../packaging/credentials.js';
import { formatBytes, summarizeManifest, type ManifestSummary } from '../packaging/manifest.js';
import { detectRuntime } from '../packaging/runtime.js';
import { explainExclusion, selectFiles, type Selection } from '../packaging/select.js';
import { writeZip } from '../packaging/zip.js';
import { count } from '../text.js';

export interface PreparedPackage {
  zipPath: string;
  zipBytes: number;
  fileCount: number;
  sha256: string;
  runtime: Runtime;
  mainFile: string;
  manifest: ManifestSummary;
  /** Entry names, sorted; printed in full by a dry run. */
  names: string[];
  /** Files and folders left out as credentials: named in the log and the summary. */
  credentials: { path: string; isDir: boolean; what: string }[];
}

/** What packaging needs of the run (a CommandContext has it all). */
type PackageContext = Pick<CommandContext, 'log' | 'tempDir' | 'gitDirInEnvironment'> & {
  deadlineAt?: number;
};

/**
 * `deadlineAt` (a Date.now() time, the run's timeout-seconds) stops the listing and the zip: a
 * workspace too big for the run's time ends in a DeadlineError, with no zip left behind.
 */
export async function preparePackage(
  inputs: Inputs,
  ctx: PackageContext,
): Promise<PreparedPackage> {
  const controller = new AbortController();
  const deadlineAt = ctx.deadlineAt;
  const timer =
    deadlineAt === undefined
      ? undefined
      : setTimeout(
          () =>
            controller.abort(new DeadlineError('the files to be packaged', inputs.timeoutSeconds)),
          Math.max(0, deadlineAt - Date.now()),
        );
  try {
    return await packageFiles(inputs, ctx, controller.signal);
  } finally {
    clearTimeout(timer);
  }
}

async function packageFiles(
  inputs: Inputs,
  { log, tempDir, gitDirInEnvironment }: PackageContext,
  signal: AbortSignal,
): Promise<PreparedPackage> {
  const mainFile = inputs.mainFile;
  if (!mainFile) {
    throw new InputError(
      'main-file',
      'is empty',
      'A deploy needs the entry file, e.g. main.py or index.js.',
    );
  }
  const selection = await selectFiles({
    root: inputs.path,
    exclude: inputs.exclude,
    include: inputs.include,
    warn: (m) => log.warning(m),
    signal,
    gitDirInEnvironment,
  });
  if (selection.files.length === 0 && selection.excluded.length === 0) {
    throw new PackagingError(
      `No files to deploy: '${inputs.path}' is empty.`,
      'An empty workspace usually means the job has no actions/checkout step before this one (add - uses: actions/checkout@v5), or path names the wrong folder.',
    );
  }
  if (selection.files.length === 0) {
    throw new PackagingError(
      `No files to deploy under '${inputs.path}': every file was left out by the ignore rules.`,
      describeExclusions(selection),
    );
  }
  const names = selection.files.map((f) => f.name);
  checkMainFile(selection, mainFile);
  const runtime = inputs.runtime ?? resolveRuntime(names, mainFile);

  const zipPath = path.join(tempDir, `camposcloud-${randomBytes(6).toString('hex')}.zip`);
  const zip = await writeZip(selection.files, zipPath, { signal });
  const manifest = summarizeManifest(selection.files);
  log.info(
    `Packaged ${count(zip.fileCount, 'file')} (${formatBytes(selection.totalBytes)}) into ${formatBytes(zip.bytes)} zip, sha256 ${zip.sha256}`,
  );
  for (const f of manifest.byFolder) {
    log.info(`  ${f.folder}: ${count(f.files, 'file')}, ${formatBytes(f.bytes)}`);
  }
  logExclusions(selection, log);
  return {
    zipPath: zip.path,
    zipBytes: zip.bytes,
    fileCount: zip.fileCount,
    sha256: zip.sha256,
    runtime,
    mainFile,
    manifest,
    names,
    credentials: selection.excluded
      .filter((e) => e.layer === 'credentials')
      .map((e) => ({ path: e.path, isDir: e.isDir, what: e.rule })),
  };
}

function checkMainFile(selection: Selection, mainFile: string): void {
  if (selection.files.some((f) => f.name === mainFile)) return;
  const why = explainExclusion(selection, mainFile);
  if (why) {
    const what = why.path === mainFile ? `'${mainFile}'` : `its folder '${why.path}/'`;
    throw new InputError(
      'main-file',
      `'${mainFile}' exists but is not in the package: ${what} is left out by the rule '${why.rule}' in ${why.source}`,
      overrideHint(why.layer, why.path, why.isDir),
    );
  }
  throw new InputError(
    'main-file',
    `'${mainFile}' is not in the package (no such file under the 'path' folder)`,
    'Give the entry file relative to the path input, e.g. main.py or src/index.js.',
  );
}

/** Folders left out are worth a line each (a missing folder is the usual surprise); files only in debug. */
function logExclusions(selection: Selection, log: Log): void {
  const MAX_FOLDER_LINES = 10;
  const folders = selection.excluded.filter(
    (e) => e.isDir && e.layer !== 'always' && e.layer !== 'credentials',
  );
  for (const ex of folders.slice(0, MAX_FOLDER_LINES)) {
    log.info(
      `Left out folder ${ex.path}/ (rule '${ex.rule}' in ${ex.source}). ${overrideHint(ex.layer, ex.path, true)}`,
    );
  }
  if (folders.length > MAX_FOLDER_LINES) {
    log.info(
      `...and ${folders.length - MAX_FOLDER_LINES} more folders left out (all in the debug log).`,
    );
  }
  const dotenvs = selection.excluded.filter(
    (e) => !e.isDir && isDotenv(path.posix.basename(e.path)),
  );
  if (dotenvs.length > 0) {
    const shown = dotenvs.slice(0, 5).map((e) => e.path);
    const more = dotenvs.length > shown.length ? ` and ${dotenvs.length - shown.length} more` : '';
    log.info(
      `Left out ${shown.join(', ')}${more}: .env files hold secrets by convention and are not deployed. Give the app the values it needs with the env-vars input (from secrets); to ship a .env on purpose, name it in the include input.`,
    );
  }
  for (const ex of selection.excluded.filter((e) => e.layer === 'credentials')) {
    if (!ex.isDir && isDotenv(path.posix.basename(ex.path))) continue;
    log.info(
      `Left out ${ex.path}${ex.isDir ? '/' : ''}: it looks like a credential (${ex.rule}). ${overrideHint(ex.layer, ex.path, ex.isDir)}`,
    );
  }
  for (const ex of selection.excluded) {
    log.debug(`left out ${ex.path}${ex.isDir ? '/' : ''}: rule '${ex.rule}' (${ex.source})`);
  }
}

function overrideHint(layer: string, target: string, isDir: boolean): string {
  const pattern = isDir ? `${target}/` : target;
  if (layer === 'always') {
    return 'That file can never be deployed (it may hold credentials): choose another main-file.';
  }
  if (layer === 'credentials') {
    return `To ship it on purpose, add '${pattern}' to the include input.`;
  }
  return `To ship it anyway, add '${pattern}' to the include input, or a line '!${pattern}' to .camposcloudignore.`;
}

function resolveRuntime(names: string[], mainFile: string): Runtime {
  const detected = detectRuntime(names, mainFile);
  if ('runtime' in detected) return detected.runtime;
  throw new InputError('runtime', detected.error, "Set the runtime input to 'python' or 'nodejs'.");
}

function describeExclusions(selection: Selection): string {
  const top = selection.excluded
    .slice(0, 5)
    .map((e) => `'${e.path}' (rule '${e.rule}' in ${e.source})`);
  if (top.length === 0) return 'The folder is empty.';
  return `Left out: ${top.join(', ')}. Check exclude, .gitignore and .camposcloudignore, or bring files back with the include input.`;
}
