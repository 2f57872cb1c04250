// The pure parts of the retry policy added for rate limits and secret redaction.
import { rateLimitWait, RetryBudget } from '../../src/camposcloud/retry.js';
import { redactSecrets, REDACTED } from '../../src/camposcloud/redact.js';

describe('rateLimitWait', () => {
  test('waits what the server asked plus a jitter within the span', () => {
    expect(rateLimitWait(3000, 60_000, 3000, () => 0)).toEqual({
      waitMs: 3000,
      askedMs: 3000,
      jitterMs: 0,
      capped: false,
    });
    expect(rateLimitWait(3000, 60_000, 3000, () => 0.5).waitMs).toBe(4500);
    expect(rateLimitWait(3000, 60_000, 3000, () => 0.999).jitterMs).toBeLessThan(3000);
  });

  test('caps a long Retry-After and says so', () => {
    expect(rateLimitWait(3_600_000, 60_000, 0, () => 0.3)).toEqual({
      waitMs: 60_000,
      askedMs: 60_000,
      jitterMs: 0,
      capped: true,
    });
    // Exactly the cap is what the server asked: not capped.
    expect(rateLimitWait(60_000, 60_000, 0, () => 0).capped).toBe(false);
  });

  test('two runs refused together come back at different times', () => {
    const a = rateLimitWait(3000, 60_000, 3000, () => 0.1).waitMs;
    const b = rateLimitWait(3000, 60_000, 3000, () => 0.7).waitMs;
    expect(Math.abs(a - b)).toBeGreaterThan(1000);
  });
});

describe('RetryBudget', () => {
  test('failures and rate limits are counted apart', () => {
    const budget = new RetryBudget(3, 2);
    expect(budget.spend(false)).toBe(true); // failure 1: a second attempt is allowed
    expect(budget.spend(true)).toBe(true); // 429 1
    expect(budget.spend(true)).toBe(true); // 429 2
    expect(budget.spend(false)).toBe(true); // failure 2: a third attempt is allowed
    expect(budget.spend(true)).toBe(false); // 429 3: over the rate-limit budget
    expect(budget.spend(false)).toBe(false); // failure 3: that was the last attempt
  });

  test('a budget of one attempt allows no retry of a failure', () => {
    expect(new RetryBudget(1, 5).spend(false)).toBe(false);
  });
});

describe('redactSecrets', () => {
  test('hides every occurrence of each secret, longest first', () => {
    const text = 'bad value abcd-efgh for KEY (abcd-efgh), prefix abcd';
    expect(redactSecrets(text, ['abcd', 'abcd-efgh'])).toBe(
      `bad value ${REDACTED} for KEY (${REDACTED}), prefix ${REDACTED}`,
    );
  });

  test('cuts a secret of several lines whole and line by line (a server may quote one line)', () => {
    const key = '-----BEGIN KEY-----\n  b3BlbnNzaC1rZXktdjEAAAA\nQyNTUxOQAAACBx==\n}';
    const text = `bad line "b3BlbnNzaC1rZXktdjEAAAA" near QyNTUxOQAAACBx== in {${key}}`;
    expect(redactSecrets(text, [key])).toBe(
      `bad line "${REDACTED}" near ${REDACTED} in {${REDACTED}}`,
    );
  });

  test('leaves values too short to be secrets alone', () => {
    expect(redactSecrets('memory 256 is too low', ['256', ''])).toBe('memory 256 is too low');
  });
});

describe('mutation: src/camposcloud/redact.ts', () => {
  test('a flag or a small number is a setting, never masked; anything else may be a secret', async () => {
    // Imported here so the block carries over whole when test files are merged.
    const { isSettingValue } = await import('../../src/camposcloud/redact.js');
    const settings = ['true', 'FALSE', 'Yes', 'no', 'none', 'null', '0', '3600', '999999'];
    const others = ['1000000', 'truely', 'no-op', ' true', '12.5', 'hunter22', ''];
    expect(settings.filter(isSettingValue)).toEqual(settings);
    expect(others.filter(isSettingValue)).toEqual([]);
  });
});
