// Names for preview apps and GitHub environments, derived from the event. Pure.
import { createHash } from 'node:crypto';
import type { EventInfo } from './event.js';

/**
 * CamposCloud does not document what names it accepts; the subdomain it derives from a name is a
 * DNS label, so preview names keep to what a label allows: a-z, 0-9 and '-', at most 63.
 */
const MAX_PREVIEW_NAME = 63;

function slugify(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** 'pr-12' for a pull request, the branch as a slug otherwise; undefined when the event names neither. */
export function previewSuffix(event: EventInfo): string | undefined {
  if (event.pullRequest !== undefined) return `pr-${event.pullRequest}`;
  if (event.branch) return slugify(event.branch) || undefined;
  return undefined;
}

/**
 * base + '-' + suffix as a safe name. When too long, the suffix is cut and a short hash of the
 * full name is added, so two long branch names that share a prefix still get different apps.
 */
export function previewAppName(base: string, suffix: string): string {
  const full = slugify(`${base}-${suffix}`);
  if (full.length <= MAX_PREVIEW_NAME) return full;
  const hash = createHash('sha256').update(full).digest('hex').slice(0, 6);
  return `${full.slice(0, MAX_PREVIEW_NAME - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

/** The GitHub environment a deploy is recorded under when the environment input is empty. */
export function defaultEnvironment(
  event: EventInfo,
  previewSuffixValue: string | undefined,
): string {
  if (previewSuffixValue) return `preview/${previewSuffixValue}`;
  if (!event.branch || event.branch === event.defaultBranch) return 'production';
  return event.branch;
}
