// The GitHub deployment a deploy or a rollback records (github-token given): where it points, and
// the record of the app that now serves the environment.
import { appUrl } from '../app-facts.js';
import type { App } from '../camposcloud/types.js';
import type { Inputs } from '../inputs/settings.js';
import type { CommandContext, DeploymentTarget } from './context.js';

/** The deployment of this run's commit (else its branch) to the environment. */
export function deploymentTarget(
  inputs: Pick<Inputs, 'environment' | 'preview'>,
  ctx: Pick<CommandContext, 'event'>,
  description: string,
): DeploymentTarget {
  return {
    ref: ctx.event.sha ?? ctx.event.branch ?? 'HEAD',
    environment: inputs.environment,
    transient: inputs.preview,
    description,
  };
}

/**
 * Records `app` as what serves the target's environment, in its log group; its address is read
 * from `read` (the app as last read, when that is another read than `app`). undefined without
 * github-token, or when the record failed (deployments.ts has said why).
 */
export async function recordGitHubDeployment(
  target: DeploymentTarget,
  app: App,
  ctx: Pick<CommandContext, 'deployments' | 'log'>,
  read: App = app,
): Promise<{ id: number; environment: string } | undefined> {
  const deployments = ctx.deployments;
  if (!deployments) return undefined;
  const id = await ctx.log.group('Record the GitHub deployment', () =>
    deployments.recordDeployment(target, {
      id: app.id,
      name: app.name,
      url: appUrl(read) || undefined,
    }),
  );
  return id > 0 ? { id, environment: target.environment } : undefined;
}
