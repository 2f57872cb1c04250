// The dispatcher for every CamposCloud request: undici's default agent ignores HTTPS_PROXY,
// HTTP_PROXY and NO_PROXY, which the GitHub calls honour, so behind a proxy only half the action
// would get through. EnvHttpProxyAgent reads them as curl does and tunnels with CONNECT.
import { EnvHttpProxyAgent, type Dispatcher } from 'undici';

let agent: Dispatcher | undefined;

/** One agent per process, made on first use: the proxy variables are read then. */
export function proxyAwareDispatcher(): Dispatcher {
  agent ??= new EnvHttpProxyAgent();
  return agent;
}
