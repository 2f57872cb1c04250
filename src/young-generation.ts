// Keeps V8's young generation at the size start-up left it: its growth makes allocation cheaper,
// but this action's time goes to the file system, zlib and the network, so growth buys no speed and
// costs peak memory (figures in bench/README.md). Called once the bundle has loaded: V8 reads the
// factor at each growth decision, so this stops later growth without slowing the start-up.
import v8 from 'node:v8';

export function stopYoungGenerationGrowth(): void {
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}
