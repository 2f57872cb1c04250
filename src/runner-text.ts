// The one place that decides how text reaches the runner. Log lines, annotations, step outputs, the
// job summary and GitHub deployment descriptions carry names and words the action does not control
// (file and folder names, server fields and messages, event payloads, input values): each channel
// gets one function here, applied where the text is written (main.ts, report.ts, the GitHub
// deployments client), so a line someone adds later is covered without thinking about it.
//
// How the runner reads a step's stdout (actions/runner, ActionCommand.cs and ActionCommandManager.cs):
// every line (split at \n, \r or \r\n) is a command when, after its leading whitespace, it starts
// with `::name ...::`, or when it contains the legacy `##[name ...]` anywhere; `::stop-commands::T`
// ignores every command until a line `::T::`. A normal name prints exactly as it is.
import { randomBytes } from 'node:crypto';

/**
 * Line breaks, other control characters (ANSI escapes included) and the bidirectional overrides
 * that make text read differently from what it is. Tab is kept.
 */
const INVISIBLE =
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this finds
  /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r' };

/** The text on one line with every invisible or line-breaking character shown as an escape. */
export function visibleText(text: string): string {
  return text.replace(
    INVISIBLE,
    (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Whether the runner could take this (single) line for a workflow command. */
function looksLikeCommand(line: string): boolean {
  return /^\s*::/.test(line) || line.includes('##[');
}

/**
 * A log line (core.info): always exactly one visible line. A line the runner could read as a
 * command is printed as it is, between `::stop-commands::` and its resume line, with a token drawn
 * afresh each time, so nothing printed earlier (a server answer, a file name) can know it.
 */
export function logLine(text: string): string {
  const line = visibleText(text);
  if (!looksLikeCommand(line)) return line;
  const token = `camposcloud-deploy-${randomBytes(12).toString('hex')}`;
  return `::stop-commands::${token}\n${line}\n::${token}::`;
}

/**
 * The message of an annotation (error, warning, notice), a debug line or a group title: the toolkit
 * escapes line breaks in these, so the runner cannot mistake them for commands; shown on one line
 * anyway, like a log line, so a name cannot pose as several messages.
 */
export function annotationText(text: string): string {
  return visibleText(text);
}

/** A step output's value: one line, no control characters (every output the action sets is one line). */
export function outputValue(value: string): string {
  return visibleText(value);
}

/** GitHub keeps at most 140 characters of a deployment (status) description and refuses longer ones. */
const DESCRIPTION_MAX = 140;

/** A GitHub deployment or deployment status description: plain text, one line, cut to 140. */
export function deploymentDescription(text: string): string {
  const line = visibleText(text).replace(/\s+/g, ' ').trim();
  return line.length <= DESCRIPTION_MAX ? line : `${line.slice(0, DESCRIPTION_MAX - 1).trimEnd()}…`;
}

/**
 * Characters that can start markup in prose: each is written as a numeric character reference,
 * which CommonMark reads as literal text (never as a delimiter) and renders as the character
 * itself. A backslash escape would do as much, but shows as a stray backslash wherever a renderer
 * does not take it (and in the raw file): the rendered message must read exactly as written.
 * `_` only at a word's edge (DISCORD_TOKEN stays as it is: inside a word it is never emphasis),
 * `>` only where it could open a quote.
 */
const MARKUP = /[\\`*[\]<&|~$]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])|^(\s*)>/g;

/**
 * Prose in the job summary (an error message, a server's words): rendered as the same text, never
 * as markdown or HTML. A zero-width space breaks what GitHub would turn into a link on its own
 * (`https://`, `www.`, e-mail addresses).
 */
export function mdText(text: string): string {
  return visibleText(text)
    .replace(MARKUP, (c: string, lead: string | undefined) =>
      lead === undefined ? reference(c) : `${lead}${reference('>')}`,
    )
    .replace(/:\/\//g, ':\u200b//')
    .replace(/\bwww\./gi, (w) => `${w.slice(0, 3)}\u200b.`)
    .replace(/@/g, '@\u200b');
}

function reference(c: string): string {
  return c === '&' ? '&amp;' : `&#${c.charCodeAt(0)};`;
}

/**
 * A name or id in the job summary, as inline code: nothing inside a code span is markup. The fence
 * is longer than any run of backticks in the text (CommonMark), so a backtick cannot close it.
 */
export function mdCode(text: string): string {
  const shown = visibleText(text);
  if (shown === '') return '` `';
  const longest = Math.max(0, ...(shown.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = shown.startsWith('`') || shown.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${shown}${pad}${fence}`;
}

/**
 * A table cell: a `|` would end the cell, even inside a code span (GFM reads `\|` there as `|`).
 * Applied to the whole cell, after mdText or mdCode.
 */
export function mdCell(markdown: string): string {
  return markdown.replace(/(?<!\\)\|/g, '\\|');
}

/** An http(s) address the action built (the app's URL): linked when it is plainly one, else code. */
export function mdUrl(url: string): string {
  return /^https?:\/\/[A-Za-z0-9.-]+(:\d+)?(\/[A-Za-z0-9._~/-]*)?$/.test(url) ? url : mdCode(url);
}
