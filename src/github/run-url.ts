/** The workflow run's page, from what the runner sets; undefined outside a run. */
export function runUrl(env: NodeJS.ProcessEnv, repository: string | undefined): string | undefined {
  const [owner, repo] = (repository ?? '').split('/');
  if (!owner || !repo || !env['GITHUB_RUN_ID']) return undefined;
  const server = env['GITHUB_SERVER_URL'] || 'https://github.com';
  return `${server}/${owner}/${repo}/actions/runs/${env['GITHUB_RUN_ID']}`;
}
