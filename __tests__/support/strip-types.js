// jest's transform for the TypeScript sources and tests: Node's own type stripping, which leaves
// every line and column where it was, so stack traces need no source map. The project's
// TypeScript is erasable syntax only (tsconfig.json's erasableSyntaxOnly), and `npm test`
// type-checks it with tsc before jest runs: the transform has nothing to check, and loading the
// TypeScript compiler in every worker cost more than the tests it served (bench/README.md).
import { createHash } from 'node:crypto';
import { stripTypeScriptTypes } from 'node:module';

export default {
  process(sourceText, sourcePath) {
    return { code: stripTypeScriptTypes(sourceText, { mode: 'strip', sourceUrl: sourcePath }) };
  },
  getCacheKey(sourceText, sourcePath) {
    return createHash('sha256')
      .update(process.version)
      .update('\0')
      .update(sourcePath)
      .update('\0')
      .update(sourceText)
      .digest('hex');
  },
};
