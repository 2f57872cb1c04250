// Which CamposCloud runtime the package needs, from its files, when the `runtime` input is empty. Pure.
import type { Runtime } from '../camposcloud/types.js';

const NODE_MARKERS = ['package.json'];
const PYTHON_MARKERS = ['requirements.txt', 'pyproject.toml'];
const NODE_MAIN = /\.(js|mjs|cjs)$/i;
const PYTHON_MAIN = /\.py$/i;

/**
 * `fileNames` are entry names (root-relative, '/'-separated); only root-level markers count, so a
 * vendored package.json deep in the tree does not change the answer. The error text is the `problem`
 * of an InputError('runtime', ...).
 */
export function detectRuntime(
  fileNames: ReadonlySet<string> | string[],
  mainFile: string,
): { runtime: Runtime } | { error: string } {
  const names = Array.isArray(fileNames) ? new Set(fileNames) : fileNames;
  const node = NODE_MARKERS.filter((m) => names.has(m));
  const python = PYTHON_MARKERS.filter((m) => names.has(m));
  if (NODE_MAIN.test(mainFile)) node.push(`main-file ${mainFile}`);
  if (PYTHON_MAIN.test(mainFile)) python.push(`main-file ${mainFile}`);

  if (node.length > 0 && python.length > 0) {
    return {
      error:
        `cannot be detected: ${list(node)} point${node.length === 1 ? 's' : ''} to nodejs but ` +
        `${list(python)} point${python.length === 1 ? 's' : ''} to python`,
    };
  }
  if (node.length > 0) return { runtime: 'nodejs' };
  if (python.length > 0) return { runtime: 'python' };
  return {
    error:
      `cannot be detected: no package.json, requirements.txt or pyproject.toml at the root of path, ` +
      `and main-file '${mainFile}' is neither .py nor .js/.mjs/.cjs`,
  };
}

function list(items: string[]): string {
  return items.length <= 1
    ? (items[0] ?? '')
    : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
