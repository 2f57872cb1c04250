// Replies: handlers compute one, the request loop decides whether it is written (reset-after drops it).

export interface Reply {
  status: number;
  body: string;
  headers: Record<string, string>;
}

/** A handler's way to say "answer this error", caught by the request loop. */
export class HttpError extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;
  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return {
    status,
    body: JSON.stringify(value),
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  };
}

export function errorReply(
  status: number,
  message: string,
  headers: Record<string, string> = {},
): Reply {
  return json(status, { error: message }, headers);
}

export function htmlPage(status: number): Reply {
  const body =
    `<!DOCTYPE html>\n<html><head><title>${status} Bad Gateway</title></head>` +
    `<body><center><h1>${status} Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n`;
  return { status, body, headers: { 'content-type': 'text/html; charset=utf-8' } };
}
