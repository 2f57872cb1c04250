// Upload progress for long uploads: a line every few seconds (bytes, percent, MB/s), never one per
// chunk. Pure apart from the injected clock, so it is tested without waiting.
import type { MultipartBody } from './multipart.js';

interface ProgressOptions {
  totalBytes: number;
  /** Where the lines go (the client's log.info). */
  log: (line: string) => void;
  /** Gap between lines; default 5 s. */
  everyMs?: number;
  now?: () => number;
  /** e.g. 'Uploading the zip'. */
  label?: string;
}

interface ProgressReporter {
  /**
   * Called with each chunk's size as it is sent. The chunk that completes the total ends with a
   * final line, but only if progress was shown at all: a short upload stays silent.
   */
  add(bytes: number): void;
}

const MB = 1024 * 1024;

export function formatProgress(
  sent: number,
  total: number,
  elapsedMs: number,
  label: string,
): string {
  const pct = total > 0 ? Math.floor((100 * sent) / total) : 100;
  const rate = elapsedMs > 0 ? sent / MB / (elapsedMs / 1000) : 0;
  return `${label}: ${(sent / MB).toFixed(1)} of ${(total / MB).toFixed(1)} MB (${pct}%), ${rate.toFixed(1)} MB/s`;
}

export function progressReporter(opts: ProgressOptions): ProgressReporter {
  const now = opts.now ?? Date.now;
  const every = opts.everyMs ?? 5000;
  const label = opts.label ?? 'Uploading the zip';
  const started = now();
  let sent = 0;
  let lastLine = started;
  let shown = false;
  return {
    add(bytes) {
      const before = sent;
      sent += bytes;
      const t = now();
      if (sent >= opts.totalBytes) {
        if (shown && before < opts.totalBytes) {
          opts.log(formatProgress(sent, opts.totalBytes, t - started, label));
        }
        return;
      }
      if (t - lastLine < every) return;
      lastLine = t;
      shown = true;
      opts.log(formatProgress(sent, opts.totalBytes, t - started, label));
    },
  };
}

/** The same body, reporting the file part's progress; each attempt (open) counts from zero. */
export function withUploadProgress(
  body: MultipartBody,
  fileBytes: number,
  log: (line: string) => void,
  opts: Pick<ProgressOptions, 'everyMs' | 'now' | 'label'> = {},
): MultipartBody {
  return {
    contentType: body.contentType,
    contentLength: body.contentLength,
    open: (onChunk) => {
      const progress = progressReporter({ ...opts, totalBytes: fileBytes, log });
      return body.open((n) => {
        progress.add(n);
        onChunk?.(n);
      });
    },
  };
}
