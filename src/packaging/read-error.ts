// The one error for a file or folder under `path` that cannot be read, while listing or zipping.
import { errorText, PackagingError } from '../errors.js';

/** The error's code ('ENOENT', 'EACCES'...), when it has one. */
export function errCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err
    ? String((err as { code: unknown }).code)
    : undefined;
}

/** `rel`: the path under the deployed folder, as the user knows it. */
export function unreadable(rel: string, err: unknown): PackagingError {
  if (err instanceof PackagingError) return err;
  const code = errCode(err);
  return new PackagingError(
    `Cannot read '${rel}' under the deployed folder (${code ?? 'error'}: ${errorText(err)}).`,
    code === 'EACCES' || code === 'EPERM'
      ? 'Fix its permissions in an earlier step, or leave it out with the `exclude` input.'
      : 'Leave it out with the `exclude` input if it is not needed.',
  );
}
