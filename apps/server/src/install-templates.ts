import type { AppStore, TemplateInstaller } from '@dougong/db';
import { createTemplateRegistry, type TemplateRegistry } from '@dougong/template-kit';
import { salesTemplate } from '@dougong/template-sales';

/** The template packages bundled with the platform. */
export function bundledTemplates(): TemplateRegistry {
  return createTemplateRegistry([salesTemplate()]);
}

/**
 * Installs each named template (by id or short name, e.g. `sales`) whose app does not exist yet. An app
 * that exists is left alone, so a customer's changes are never overwritten (upgrades are explicit).
 */
export async function installTemplates(
  store: AppStore,
  installer: TemplateInstaller,
  registry: TemplateRegistry,
  names: string[],
  log: (message: string) => void,
): Promise<void> {
  const existing = new Set((await store.list()).map((a) => a.key));
  for (const name of names) {
    const pkg = registry.find(name);
    if (!pkg)
      throw new Error(
        `Unknown template "${name}"; bundled: ${registry
          .list()
          .map((p) => p.id)
          .join(', ')}`,
      );
    if (existing.has(pkg.appKey)) continue;
    const installed = await installer.install(pkg, { actor: null });
    log(
      `installed template ${pkg.id} ${pkg.version} as app "${installed.appKey}" (version ${installed.version}, ${installed.plan.steps.length} steps)`,
    );
  }
}
