// What is in a package, in a form a person reads at a glance (logs, job summary). Pure.
import { compare } from '../text.js';
import type { SelectedFile } from './select.js';

export interface ManifestSummary {
  /** Per top-level folder ('(root)' for files at the root), biggest first. */
  byFolder: { folder: string; files: number; bytes: number }[];
  /** The biggest files, biggest first. */
  largest: { name: string; bytes: number }[];
}

const ROOT_FOLDER = '(root)';

export function summarizeManifest(files: SelectedFile[], topN = 5): ManifestSummary {
  const folders = new Map<string, { folder: string; files: number; bytes: number }>();
  for (const f of files) {
    const slash = f.name.indexOf('/');
    const folder = slash === -1 ? ROOT_FOLDER : f.name.slice(0, slash);
    const entry = folders.get(folder) ?? { folder, files: 0, bytes: 0 };
    entry.files += 1;
    entry.bytes += f.size;
    folders.set(folder, entry);
  }
  // Ties broken by name, so the summary is the same on every run.
  const byFolder = [...folders.values()].sort(
    (a, b) => b.bytes - a.bytes || compare(a.folder, b.folder),
  );
  const largest = files
    .map((f) => ({ name: f.name, bytes: f.size }))
    .sort((a, b) => b.bytes - a.bytes || compare(a.name, b.name))
    .slice(0, Math.max(0, topN));
  return { byFolder, largest };
}

const UNITS = ['KB', 'MB', 'GB'] as const;

/**
 * A size for people: 1024-based steps labelled KB, MB and GB (as most file managers do), one decimal
 * for KB and MB, two for GB: '0 B', '512 B', '1.5 KB', '12.3 MB', '1.02 GB'. Stops at GB.
 */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 1024) return `${Math.max(0, Math.round(n || 0))} B`;
  let value = n;
  for (let i = 0; i < UNITS.length; i++) {
    value /= 1024;
    const last = i === UNITS.length - 1;
    const text = value.toFixed(last ? 2 : 1);
    // 1023.97 KB would print as '1024.0 KB': move up a unit instead.
    if (last || Number(text) < 1024) return `${text} ${UNITS[i]}`;
  }
  return `${n} B`; // unreachable: the loop returns at GB
}
