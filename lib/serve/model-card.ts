/** The demo page's files and the model card it shows. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The demo page's folder (plain ES modules, no build step). */
export const DEMO_DIR = fileURLToPath(new URL('../../web/demo/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
};

/** The files of a folder by URL path (`/index.html` also as `/`), with their content types. */
export function loadStatic(dir: string): Map<string, { body: Buffer; type: string }> {
  const out = new Map<string, { body: Buffer; type: string }>();
  for (const name of readdirSync(dir)) {
    const type = CONTENT_TYPES[extname(name)];
    if (type === undefined) continue;
    const body = readFileSync(join(dir, name));
    out.set(`/${name}`, { body, type });
    if (name === 'index.html') out.set('/', { body, type });
  }
  return out;
}

/**
 * What the page says about a model: the title and first paragraph of the `MODEL_CARD.md` next to the model
 * file (the bundled example has one), as plain text; null when there is none.
 */
export function modelCard(modelPath: string): { title: string; summary: string } | null {
  const path = join(dirname(modelPath), 'MODEL_CARD.md');
  if (!existsSync(path)) return null;
  const text = readFileSync(path, 'utf8');
  const plain = (md: string): string => md.replace(/`([^`]*)`/g, '$1').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/\s+/g, ' ').trim();
  const title = /^# (.+)$/m.exec(text)?.[1] ?? basename(modelPath);
  const paragraph = text.slice(text.indexOf(title) + title.length).split(/\n\s*\n/).map((p) => p.trim()).find((p) => p !== '' && !p.startsWith('#')) ?? '';
  return { title: plain(title), summary: plain(paragraph) };
}
