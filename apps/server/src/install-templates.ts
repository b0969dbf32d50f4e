import type { AppStore } from '@dougong/db';
import type { AppDocument } from '@dougong/schema';
import { salesApp } from '@dougong/template-sales';

/** Templates bundled with the platform, by name. */
export const BUNDLED_TEMPLATES: Record<string, () => AppDocument> = { sales: salesApp };

/**
 * Installs each named template whose app does not exist yet: saves it as the draft and publishes it.
 * An app that already exists is left alone, so a customer's changes are never overwritten.
 */
export async function installTemplates(
  store: AppStore,
  names: string[],
  log: (message: string) => void,
): Promise<void> {
  const existing = new Set((await store.list()).map((a) => a.key));
  for (const name of names) {
    const make = BUNDLED_TEMPLATES[name];
    if (!make)
      throw new Error(`Unknown template "${name}"; bundled: ${Object.keys(BUNDLED_TEMPLATES).join(', ')}`);
    const doc = make();
    if (existing.has(doc.key)) continue;
    await store.saveDraft(doc.key, doc, { actor: null, expectedRevision: 0 });
    const published = await store.publish(doc.key, {
      actor: null,
      summary: `Installed template ${doc.template?.id ?? name} ${doc.template?.version ?? ''}`.trim(),
    });
    log(
      `installed template ${name} as app "${doc.key}" (version ${published.version}, ${published.plan.steps.length} steps)`,
    );
  }
}
