// What the server said, in a line a person can read in a log: the JSON error field when there is
// one, the <title> of an HTML error page (proxies answer 502s with HTML), else the text itself.
import { isObject } from '../loose-json.js';
import { oneLine, truncate } from '../text.js';

const MAX_CHARS = 300;

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  '#39': "'",
};

function decodeEntities(text: string): string {
  return text.replace(
    /&(amp|lt|gt|quot|apos|nbsp|#39);/g,
    (_m, name: string) => ENTITIES[name] ?? '',
  );
}

function fromHtml(html: string): string {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
  if (title && oneLine(title)) return decodeEntities(oneLine(title));
  const text = html
    .replace(/<(script|style|head)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ');
  return decodeEntities(oneLine(text));
}

/** The first of error, message, msg that holds words, looking inside nested objects and arrays. */
function fromJson(value: unknown, depth = 0): string | undefined {
  if (depth > 4) return undefined;
  if (typeof value === 'string') return value.trim() ? value : undefined;
  if (Array.isArray(value)) {
    const parts = value.map((v) => fromJson(v, depth + 1)).filter((v) => v !== undefined);
    return parts.length ? parts.join('; ') : undefined;
  }
  if (isObject(value)) {
    const obj = value;
    for (const key of ['error', 'message', 'msg', 'errors', 'detail']) {
      const found = fromJson(obj[key], depth + 1);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function looksLikeJson(body: string, contentType: string | undefined): boolean {
  return /json/i.test(contentType ?? '') || /^\s*[{["]/.test(body);
}

function looksLikeHtml(body: string, contentType: string | undefined): boolean {
  return /html/i.test(contentType ?? '') || /^\s*<(!doctype|html|head|body)\b/i.test(body);
}

/** Pure. undefined when the body says nothing. */
export function extractServerMessage(
  body: string,
  contentType: string | undefined,
): string | undefined {
  if (!body.trim()) return undefined;
  let text: string | undefined;
  if (looksLikeJson(body, contentType)) {
    try {
      text = fromJson(JSON.parse(body));
    } catch {
      // not JSON after all: fall through to the text
    }
  }
  if (text === undefined) text = looksLikeHtml(body, contentType) ? fromHtml(body) : body;
  return truncate(text, MAX_CHARS) || undefined;
}
