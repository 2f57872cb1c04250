// The text of the pull request comment: one per app, found again by a hidden marker that names the
// app. Every name, id and server word goes through the summary's escaping (runner-text.ts): the
// comment is markdown that anyone who can read the pull request sees.
import { mdCell, mdCode, mdText, mdUrl } from '../runner-text.js';

/** The hidden line that says which app a comment is for (the name percent-encoded: no `-->` in it). */
export function commentMarker(appName: string): string {
  return `<!-- camposcloud-deploy app=${encodeURIComponent(appName)} -->`;
}

export interface CommentFacts {
  appName: string;
  appId: string | undefined;
  /** What was read of the app, in words, e.g. "online", "not online after 2.0 s". */
  state: string;
  url: string;
  /** The commit deployed (the pull request's head). */
  sha: string | undefined;
  /** When, as an ISO time. */
  at: string;
  runUrl: string | undefined;
  /** Set when the app is gone or stopped: the heading says so. */
  ended?: 'removed' | 'stopped';
}

export function commentBody(f: CommentFacts): string {
  const heading = f.ended
    ? `### CamposCloud preview ${mdCode(f.appName)}: ${f.ended === 'removed' ? '🗑️ removed' : '⏹️ stopped'}`
    : `### CamposCloud preview ${mdCode(f.appName)}`;
  const rows: [string, string][] = [
    ['App', f.appId ? `${mdCode(f.appName)}, id ${mdCode(f.appId)}` : mdCode(f.appName)],
    ['State', mdText(f.state)],
  ];
  if (f.url && !f.ended) rows.push(['URL', mdUrl(f.url)]);
  if (f.sha) rows.push(['Commit', mdCode(f.sha.slice(0, 12))]);
  rows.push([
    'Updated',
    mdText(
      `${f.at
        .replace('T', ' ')
        .replace(/\.\d+Z$/, '')
        .replace(/Z$/, '')} UTC`,
    ),
  ]);
  if (f.runUrl) rows.push(['Run', mdUrl(f.runUrl)]);
  return [
    commentMarker(f.appName),
    heading,
    '',
    '| | |',
    '| --- | --- |',
    ...rows.map(([k, v]) => `| ${k} | ${mdCell(v)} |`),
    '',
    '<sub>Kept up to date by camposcloud-deploy: one comment per app, edited on every deploy.</sub>',
    '',
  ].join('\n');
}
