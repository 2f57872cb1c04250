// Keeps V8's young generation at the size start-up left it.
// Kept because the memory goal needs it: without it (and without the upload's old buffer ring) peak
// RSS was 170 MB on the 300 MB bench workspace and 189 MB on the 1 GB one, with it 129 and 126 MB.
//
// V8 doubles its young generation (here up to 2 x 16 MB) once enough objects have survived its
// collections, to make allocation cheaper. This action's time goes to the file system, zlib and the
// network, not to allocating: measured with `npm run bench` and alternating runs, the growth bought
// no speed and cost 15-40 MB of peak RSS ((b) 135-163 -> 120-131 MB, 1 GB 146-158 -> 121-127 MB,
// (a) 160-172 -> 131-147 MB).
//
// Called once the bundle has loaded, not before: kept at its very first size while the modules
// load, the young generation made (a) 5% slower. V8 reads the factor at each growth decision, so
// setting it now only stops later growth. (--max-semi-space-size would cap it as well, but only as a
// start-up flag, which a JavaScript action cannot pass.)
import v8 from 'node:v8';

export function stopYoungGenerationGrowth(): void {
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}
