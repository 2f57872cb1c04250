// The dispatcher for every CamposCloud request. undici's default agent ignores HTTPS_PROXY,
// HTTP_PROXY and NO_PROXY, while the GitHub calls (@actions/http-client) honour them: behind a
// corporate proxy the GitHub half worked and the deploy timed out. EnvHttpProxyAgent reads the
// same variables (lower case first, as curl does) and tunnels through the proxy with CONNECT.
import { EnvHttpProxyAgent, type Dispatcher } from 'undici';

let agent: Dispatcher | undefined;

/** One agent per process, made on first use: the proxy variables are read then. */
export function proxyAwareDispatcher(): Dispatcher {
  agent ??= new EnvHttpProxyAgent();
  return agent;
}
