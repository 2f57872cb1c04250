// Standalone: `npm run local-server -- [--port N] [--token T] [--variant name=value ...]`.
import { startFakeCamposCloud } from './server.ts';
import { DEFAULT_VARIANTS, type Variants } from './variants.ts';

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** Every `--variant name=value`, checked against DEFAULT_VARIANTS' names. */
function variantArgs(args: string[]): Partial<Variants> {
  const out: Record<string, string | number | null> = {};
  const numeric = ['refusalStatus', 'memoryRefusalStatus', 'planMemoryMB', 'createMs'];
  args.forEach((arg, i) => {
    if (arg !== '--variant') return;
    const [name = '', value = ''] = (args[i + 1] ?? '').split('=');
    if (!(name in DEFAULT_VARIANTS)) {
      throw new Error(
        `unknown variant '${name}': one of ${Object.keys(DEFAULT_VARIANTS).join(', ')}`,
      );
    }
    if (!numeric.includes(name)) out[name] = value;
    else out[name] = value === 'null' ? null : Number(value);
  });
  return out as Partial<Variants>;
}

/** Runs the server until SIGINT, logging each request. */
export async function runCli(args: string[]): Promise<void> {
  const server = await startFakeCamposCloud({
    port: Number(argValue(args, '--port') ?? 8787),
    token: argValue(args, '--token') ?? process.env.CAMPOSCLOUD_TOKEN ?? 'test-token',
    variants: variantArgs(args),
    log: (line) => console.log(`${new Date().toISOString()} ${line}`),
  });
  // Before the lines that say it is ready: until a handler is installed, a SIGINT sent on reading
  // them would end the process by the default action, not through close().
  process.once('SIGINT', () => {
    void server.close().then(() => process.exit(0));
  });
  console.log(`fake CamposCloud listening on ${server.url} (api-url), token '${server.token}'`);
  console.log(`variants: ${JSON.stringify(server.variants)}`);
}
