import { formatBytes, summarizeManifest } from '../../src/packaging/manifest.js';
import type { SelectedFile } from '../../src/packaging/select.js';

function file(name: string, size: number): SelectedFile {
  return { name, absPath: `/unused/${name}`, size, mode: 0o644 };
}

describe('summarizeManifest', () => {
  const files = [
    file('main.py', 300),
    file('README.md', 100),
    file('app/models.py', 2000),
    file('app/views/index.py', 500),
    file('static/logo.png', 5000),
    file('static/app.css', 250),
    file('tests/a.py', 250),
  ];

  test('groups by top-level folder, root files under (root), biggest folder first', () => {
    expect(summarizeManifest(files).byFolder).toEqual([
      { folder: 'static', files: 2, bytes: 5250 },
      { folder: 'app', files: 2, bytes: 2500 },
      { folder: '(root)', files: 2, bytes: 400 },
      { folder: 'tests', files: 1, bytes: 250 },
    ]);
  });

  test('lists the N largest files, biggest first, ties by name', () => {
    expect(summarizeManifest(files, 4).largest).toEqual([
      { name: 'static/logo.png', bytes: 5000 },
      { name: 'app/models.py', bytes: 2000 },
      { name: 'app/views/index.py', bytes: 500 },
      { name: 'main.py', bytes: 300 },
    ]);
    expect(summarizeManifest(files).largest).toHaveLength(5);
    expect(summarizeManifest(files).largest[4]).toEqual({ name: 'static/app.css', bytes: 250 });
  });

  test('an empty selection gives an empty summary', () => {
    expect(summarizeManifest([])).toEqual({ byFolder: [], largest: [] });
  });
});

describe('formatBytes', () => {
  test.each([
    [0, '0 B'],
    [1, '1 B'],
    [1023, '1023 B'],
    [1024, '1.0 KB'],
    [1536, '1.5 KB'],
    [12.3 * 1024 * 1024, '12.3 MB'],
    [1.02 * 1024 ** 3, '1.02 GB'],
    [1024 * 1024 - 1, '1.0 MB'],
    [3 * 1024 ** 4, '3072.00 GB'],
  ])('%d bytes is %s', (n, text) => {
    expect(formatBytes(n)).toBe(text);
  });
});
