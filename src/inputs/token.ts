// The CamposCloud token: masked before anything can throw, and never quoted in a message.
import { InputError } from '../errors.js';

export function maskToken(rawToken: string, mask: (secret: string) => void): void {
  const token = rawToken.trim();
  if (token === '') return;
  mask(token);
  // A token broken by whitespace would be logged piece by piece if anything ever printed it. Split
  // on runs of whitespace after the trim, no piece is empty.
  for (const piece of token.split(/\s+/)) {
    if (piece !== token) mask(piece);
  }
}

export function parseToken(raw: string): string {
  const token = raw.trim();
  const allowed =
    'Pass your CamposCloud API token from a secret, e.g. token: ${{ secrets.CAMPOSCLOUD_TOKEN }}';
  if (token === '') {
    throw new InputError(
      'token',
      'is required but empty (is the secret set for this repository?)',
      allowed,
    );
  }
  // Never quote the token, not even in part.
  if (/^bearer\s/i.test(token)) {
    throw new InputError(
      'token',
      "starts with 'Bearer ': the action adds that word itself",
      'Pass the token alone, as the CamposCloud dashboard shows it',
    );
  }
  if (/\s/.test(token)) {
    throw new InputError(
      'token',
      'contains whitespace (a space or a line break inside it)',
      allowed,
    );
  }
  return token;
}
