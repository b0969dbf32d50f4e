import { mapFieldNodes } from '@dougong/forms';
import type { AppDocument, Entity, Form, FormAttribution } from '@dougong/schema';

function cleanEntity(entity: Entity, fieldId: string): Entity {
  let out = entity;
  if (out.titleField === fieldId) {
    const { titleField: _, ...rest } = out;
    out = rest;
  }
  if (out.searchFields?.includes(fieldId)) {
    const searchFields = out.searchFields.filter((id) => id !== fieldId);
    const { searchFields: _, ...rest } = out;
    out = searchFields.length > 0 ? { ...rest, searchFields } : rest;
  }
  if (out.defaultSort?.some((k) => k.field === fieldId)) {
    const defaultSort = out.defaultSort.filter((k) => k.field !== fieldId);
    const { defaultSort: _, ...rest } = out;
    out = defaultSort.length > 0 ? { ...rest, defaultSort } : rest;
  }
  return out;
}

function cleanAttribution(attribution: FormAttribution, fieldId: string): FormAttribution {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attribution)) {
    if (key === 'utmFields' && value && typeof value === 'object') {
      const utm = Object.fromEntries(Object.entries(value).filter(([, id]) => id !== fieldId));
      if (Object.keys(utm).length > 0) out[key] = utm;
    } else if (!(key.endsWith('Field') && value === fieldId)) out[key] = value;
  }
  return out as FormAttribution;
}

function cleanForm(form: Form, fieldId: string): Form {
  let placed = false;
  const layout = mapFieldNodes(form.layout, (node) => {
    if (node.fieldId !== fieldId) return node;
    placed = true;
    return null;
  });
  let out = placed ? { ...form, layout } : form;
  const settings = out.public;
  if (settings) {
    let next = settings;
    if (settings.prefill?.includes(fieldId)) {
      const prefill = settings.prefill.filter((id) => id !== fieldId);
      const { prefill: _, ...rest } = next;
      next = prefill.length > 0 ? { ...rest, prefill } : rest;
    }
    if (settings.attribution && JSON.stringify(settings.attribution).includes(`"${fieldId}"`)) {
      const attribution = cleanAttribution(settings.attribution, fieldId);
      const { attribution: _, ...rest } = next;
      next = Object.keys(attribution).length > 0 ? { ...rest, attribution } : rest;
    }
    if (next !== settings) out = { ...out, public: next };
  }
  return out;
}

/**
 * Removes the non-blocking uses of a field (see `fieldUsages`): its nodes on the entity's forms, the
 * entity's title / search / sort settings, public prefill and attribution, role field access.
 */
export function cleanFieldReferences(doc: AppDocument, entityId: string, fieldId: string): AppDocument {
  const entities = doc.entities.map((e) => (e.id === entityId ? cleanEntity(e, fieldId) : e));
  const forms = doc.forms?.map((f) => (f.entity === entityId ? cleanForm(f, fieldId) : f));
  const roles = doc.roles?.map((role) => {
    const grants = role.grants.map((grant) => {
      if (grant.entity !== entityId || !grant.fields || !(fieldId in grant.fields)) return grant;
      const { [fieldId]: _, ...fields } = grant.fields;
      const { fields: __, ...rest } = grant;
      return Object.keys(fields).length > 0 ? { ...rest, fields } : rest;
    });
    return grants.some((g, i) => g !== role.grants[i]) ? { ...role, grants } : role;
  });
  return {
    ...doc,
    entities,
    ...(forms ? { forms } : {}),
    ...(roles ? { roles } : {}),
  };
}
