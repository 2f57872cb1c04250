// How the Actions runner reads a step's stdout, after actions/runner (src/Runner.Common/ActionCommand.cs
// and src/Runner.Worker/ActionCommandManager.cs): each line (split at \r\n, \r or \n) is a workflow
// command when, after its leading whitespace, it is `::name props::data` with a known name, or when
// it holds the legacy `##[name props]data` anywhere; `::stop-commands::T` makes the runner ignore
// every command until a line whose command is `T`. The tests read the action's stdout through this
// to see which commands the runner would really have run.

const REGISTERED = [
  'add-mask',
  'add-matcher',
  'remove-matcher',
  'add-path',
  'debug',
  'echo',
  'endgroup',
  'error',
  'group',
  'notice',
  'save-state',
  'set-env',
  'set-output',
  'warning',
  'stop-commands',
];

export interface RunnerCommand {
  command: string;
  properties: Record<string, string>;
  data: string;
}

function unescape(text: string, property: boolean): string {
  let out = text.replace(/%0D/g, '\r').replace(/%0A/g, '\n');
  if (property) out = out.replace(/%3A/g, ':').replace(/%2C/g, ',');
  return out.replace(/%25/g, '%');
}

function parseV2(line: string, known: Set<string>): RunnerCommand | undefined {
  const message = line.replace(/^\s+/, '');
  if (!message.startsWith('::')) return undefined;
  const end = message.indexOf('::', 2);
  if (end < 0) return undefined;
  const info = message.slice(2, end);
  const space = info.indexOf(' ');
  const command = space < 0 ? info : info.slice(0, space);
  if (!known.has(command.toLowerCase())) return undefined;
  const properties: Record<string, string> = {};
  if (space > 0) {
    for (const pair of info
      .slice(space + 1)
      .trim()
      .split(',')
      .filter(Boolean)) {
      const eq = pair.indexOf('=');
      if (eq > 0) properties[pair.slice(0, eq)] = unescape(pair.slice(eq + 1), true);
    }
  }
  return { command, properties, data: unescape(message.slice(end + 2), false) };
}

function parseLegacy(line: string, known: Set<string>): RunnerCommand | undefined {
  const prefix = line.indexOf('##[');
  if (prefix < 0) return undefined;
  const rb = line.indexOf(']', prefix);
  if (rb < 0) return undefined;
  const info = line.slice(prefix + 3, rb);
  const space = info.indexOf(' ');
  const command = space < 0 ? info : info.slice(0, space);
  if (!known.has(command.toLowerCase())) return undefined;
  const properties: Record<string, string> = {};
  if (space > 0) {
    for (const pair of info
      .slice(space + 1)
      .split(';')
      .filter(Boolean)) {
      const eq = pair.indexOf('=');
      if (eq > 0) properties[pair.slice(0, eq)] = pair.slice(eq + 1);
    }
  }
  return { command, properties, data: line.slice(rb + 1) };
}

/** The commands the runner would run for this stdout, in order (stop/resume pairs left out). */
export function runnerCommands(stdout: string): RunnerCommand[] {
  const known = new Set(REGISTERED);
  const run: RunnerCommand[] = [];
  let stopToken: string | undefined;
  for (const line of stdout.split(/\r\n|\r|\n/)) {
    const cmd = parseV2(line, known) ?? parseLegacy(line, known);
    if (!cmd) continue;
    const name = cmd.command.toLowerCase();
    if (stopToken !== undefined) {
      // An empty token never resumes (the runner checks for one).
      if (stopToken !== '' && name === stopToken.toLowerCase()) {
        known.delete(stopToken.toLowerCase());
        stopToken = undefined;
      }
      continue;
    }
    if (name === 'stop-commands') {
      stopToken = cmd.data;
      known.add(stopToken.toLowerCase());
      continue;
    }
    run.push(cmd);
  }
  return run;
}
