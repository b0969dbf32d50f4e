import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('..', import.meta.url).pathname;

/**
 * The layering, as data. Each workspace package lists the workspace packages it may import; a new
 * package fails this test until it is placed here. Pure packages may not import I/O modules.
 */
const LAYERS: Record<string, { allowed: string[]; pure: boolean }> = {
  '@dougong/schema': { allowed: [], pure: true },
  '@dougong/rules': { allowed: [], pure: true },
  '@dougong/access': { allowed: ['@dougong/schema'], pure: true },
  '@dougong/forms': { allowed: ['@dougong/schema', '@dougong/rules'], pure: true },
  '@dougong/template-kit': { allowed: ['@dougong/schema'], pure: true },
  '@dougong/template-sales': { allowed: ['@dougong/schema', '@dougong/template-kit'], pure: true },
  '@dougong/flows': { allowed: ['@dougong/schema', '@dougong/rules'], pure: true },
  '@dougong/designer': {
    allowed: ['@dougong/schema', '@dougong/rules', '@dougong/forms', '@dougong/flows'],
    pure: true,
  },
  '@dougong/db': {
    allowed: [
      '@dougong/schema',
      '@dougong/rules',
      '@dougong/access',
      '@dougong/forms',
      '@dougong/flows',
      '@dougong/template-kit',
    ],
    pure: false,
  },
  '@dougong/server': {
    allowed: [
      '@dougong/schema',
      '@dougong/rules',
      '@dougong/access',
      '@dougong/forms',
      '@dougong/flows',
      '@dougong/db',
      '@dougong/template-kit',
    ],
    pure: false,
  },
  '@dougong/web': {
    allowed: ['@dougong/schema', '@dougong/rules', '@dougong/forms', '@dougong/designer', '@dougong/flows'],
    pure: false,
  },
  '@dougong/server-app': {
    allowed: [
      '@dougong/schema',
      '@dougong/rules',
      '@dougong/access',
      '@dougong/forms',
      '@dougong/db',
      '@dougong/server',
      '@dougong/template-sales',
      '@dougong/flows',
      '@dougong/template-kit',
    ],
    pure: false,
  },
};

/** Modules that do I/O or need a DOM/browser; pure packages may import none of them. */
const IMPURE = [
  /^node:/,
  /^(fs|path|os|net|http|https|child_process|crypto|stream|url|worker_threads)$/,
  /^pg$/,
  /^@electric-sql\//,
  /^kysely-pglite/,
  /^fastify/,
  /^@fastify\//,
  /^react/,
  /^puppeteer/,
  /^playwright/,
  /^nodemailer/,
];

interface PackageInfo {
  name: string;
  dir: string;
  deps: string[];
}

function packages(): PackageInfo[] {
  const out: PackageInfo[] = [];
  for (const group of ['packages', 'apps', 'templates']) {
    const base = join(ROOT, group);
    for (const entry of readdirSync(base)) {
      const dir = join(base, entry);
      const manifestPath = join(dir, 'package.json');
      try {
        statSync(manifestPath);
      } catch {
        continue;
      }
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
        name: string;
        dependencies?: Record<string, string>;
      };
      out.push({ name: manifest.name, dir, deps: Object.keys(manifest.dependencies ?? {}) });
    }
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|tsx)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push(path);
    }
  };
  walk(join(dir, 'src'));
  return files;
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers: string[] = [];
  for (const match of text.matchAll(
    /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm,
  )) {
    specifiers.push((match[1] ?? match[2] ?? match[3])!);
  }
  return specifiers;
}

describe('architecture', () => {
  const all = packages();

  it('places every workspace package in a layer', () => {
    expect(all.map((p) => p.name).filter((n) => !(n in LAYERS))).toEqual([]);
  });

  it.each(all.map((p) => [p.name, p] as const))('%s depends only on lower layers', (_name, pkg) => {
    const rule = LAYERS[pkg.name]!;
    const workspaceDeps = pkg.deps.filter((d) => d.startsWith('@dougong/'));
    expect(workspaceDeps.filter((d) => !rule.allowed.includes(d))).toEqual([]);
    const violations: string[] = [];
    for (const file of sourceFiles(pkg.dir)) {
      for (const spec of imports(file)) {
        const where = relative(ROOT, file);
        if (spec.startsWith('@dougong/')) {
          const target = spec.split('/').slice(0, 2).join('/');
          if (!rule.allowed.includes(target)) violations.push(`${where} imports ${spec}`);
        } else if (rule.pure && IMPURE.some((re) => re.test(spec))) {
          violations.push(`${where} imports I/O module ${spec}`);
        } else if (spec.startsWith('.') && spec.includes('/src/')) {
          violations.push(`${where} reaches into another package: ${spec}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });
});
