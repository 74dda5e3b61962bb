// Moves the start-up script trunk writes inline into www/dist/index.html to its own file, so
// that the page runs under a Content-Security-Policy without 'unsafe-inline' (the policy is a
// <meta> in www/index.html, so any static host serves it).
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';

const path = new URL('../www/dist/index.html', import.meta.url);
const html = readFileSync(path, 'utf8');
const inline = /<script type="module">([\s\S]*?)<\/script>/;
const match = html.match(inline);
if (!match) {
  console.error('www/dist/index.html: no inline module script to move (did trunk change its output?)');
  process.exit(1);
}
const name = `start-${createHash('sha256').update(match[1]).digest('hex').slice(0, 16)}.js`;
writeFileSync(new URL(`../www/dist/${name}`, import.meta.url), match[1].trim() + '\n');
writeFileSync(path, html.replace(inline, `<script type="module" src="./${name}"></script>`));
if (/<script(?![^>]*\bsrc=)[^>]*>/.test(readFileSync(path, 'utf8'))) {
  console.error('www/dist/index.html still has an inline script');
  process.exit(1);
}
