/** The workflow run's page, from what the runner sets; undefined outside a run. */
export function runUrl(
  runner: { serverUrl: string; runId: string | undefined },
  repository: string | undefined,
): string | undefined {
  const [owner, repo] = (repository ?? '').split('/');
  if (!owner || !repo || !runner.runId) return undefined;
  return `${runner.serverUrl}/${owner}/${repo}/actions/runs/${runner.runId}`;
}
