// GET /v1/apps (paged, with the memory in use) and GET /v1/apps/{id}/files (the uploaded zip's tree).
import { findApp, memoryInUse } from '../apps.ts';
import { normaliseEntryName } from '../platform.ts';
import { listItem } from '../render.ts';
import { HttpError, json, type Reply } from '../reply.ts';
import type { World } from '../world.ts';
import { readZipEntries } from '../zip.ts';

export function listApps(world: World, query: Record<string, string>): Reply {
  const raw = query.page ?? '1';
  if (!/^[0-9]+$/.test(raw) || Number(raw) < 1) throw new HttpError(400, 'Invalid page');
  const page = world.variants.pageParam === 'honoured' ? Number(raw) : 1;
  const all = [...world.apps.values()];
  const totalPages = Math.ceil(all.length / world.pageSize);
  const slice = all.slice((page - 1) * world.pageSize, page * world.pageSize);
  const totalRam = memoryInUse(world);
  return json(200, {
    applications: slice.map((app) => listItem(world, app)),
    ...(world.variants.totalUsedRam === 'absent'
      ? {}
      : { totalUsedRAM: world.variants.totalUsedRam === 'number' ? totalRam : `${totalRam} MB` }),
    pagination: {
      totalItems: all.length,
      totalPages,
      currentPage: page,
      itemsPerPage: world.pageSize,
      hasNextPage: page < totalPages,
      hasPrevPage: page > 1,
    },
  });
}

export async function listFiles(
  world: World,
  id: string,
  query: Record<string, string>,
): Promise<Reply> {
  const app = findApp(world, id);
  const entries = app.zipPath ? await readZipEntries(app.zipPath) : [];
  const dir = normaliseEntryName(query.path ?? '/').replace(/\/+$/, '');
  const file = entries.find((e) => normaliseEntryName(e.name) === dir && !e.name.endsWith('/'));
  const modified = app.updatedAt;
  if (dir !== '' && file) {
    return json(200, {
      isDirectory: false,
      content: file.data.toString('utf8'),
      files: [],
      prevPath: `/${dir.split('/').slice(0, -1).join('/')}`,
      currentPath: `/${dir}`,
    });
  }
  const prefix = dir === '' ? '' : `${dir}/`;
  const children = new Map<string, { isDirectory: boolean; size: number }>();
  for (const e of entries) {
    const name = normaliseEntryName(e.name);
    if (!name.startsWith(prefix) || name === prefix) continue;
    const rest = name.slice(prefix.length);
    const [head, ...tail] = rest.split('/');
    if (!head) continue;
    const isDirectory = tail.length > 0;
    if (!children.has(head) || isDirectory) {
      children.set(head, { isDirectory, size: isDirectory ? 0 : e.size });
    }
  }
  if (dir !== '' && children.size === 0) throw new HttpError(404, 'Path not found');
  const files = [...children].map(([name, c]) => ({
    name,
    isDirectory: c.isDirectory,
    isFile: !c.isDirectory,
    path: `/${prefix}${name}`,
    size: c.size,
    createdAt: modified,
    modifiedAt: modified,
  }));
  return json(200, {
    isDirectory: true,
    content: null,
    files,
    prevPath: `/${dir.split('/').slice(0, -1).join('/')}`,
    currentPath: `/${dir}`,
  });
}
