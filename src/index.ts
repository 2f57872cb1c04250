// The action's entry point (dist/index.js after bundling).
import { run } from './main.js';
import { stopYoungGenerationGrowth } from './young-generation.js';

stopYoungGenerationGrowth();
await run();
