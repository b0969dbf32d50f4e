import type { AppDocument } from '@dougong/schema';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuthFixture, type Client, createAuthFixture } from './support/auth-fixture.js';

// The organisation: 销售部 → 华东区 → 上海组, and 华南区 beside 华东区.
// Roles cover every row scope, an extra condition, and every field access.
const L = (en: string) => ({ en });
const app: AppDocument = {
  schemaVersion: 1,
  key: 'perm',
  label: L('Permissions'),
  entities: [
    {
      id: 'deal',
      key: 'deal',
      label: L('Deal'),
      titleField: 'title',
      searchFields: ['title', 'secret'],
      fields: [
        { id: 'title', key: 'title', type: 'text', label: L('Title') },
        { id: 'region', key: 'region', type: 'text', label: L('Region') },
        { id: 'amount', key: 'amount', type: 'money', label: L('Amount') },
        { id: 'secret', key: 'secret', type: 'text', label: L('Secret') },
        { id: 'partner', key: 'partner', type: 'reference', target: 'partner', label: L('Partner') },
      ],
    },
    {
      id: 'partner',
      key: 'partner',
      label: L('Partner'),
      titleField: 'name',
      fields: [{ id: 'name', key: 'name', type: 'text', label: L('Name') }],
    },
  ],
  roles: [
    {
      key: 'own',
      label: L('Own'),
      grants: [
        {
          entity: 'deal',
          actions: ['create', 'read', 'update', 'delete'],
          scope: 'own',
          fields: { secret: 'hidden', amount: 'readOnly', partner: 'hidden' },
        },
        { entity: 'partner', actions: ['read'], scope: 'all' },
      ],
    },
    {
      key: 'dept',
      label: L('Department'),
      grants: [
        { entity: 'deal', actions: ['read', 'update'], scope: 'department', fields: { secret: 'hidden' } },
      ],
    },
    {
      key: 'tree',
      label: L('Tree'),
      grants: [
        {
          entity: 'deal',
          actions: ['read', 'update', 'delete'],
          scope: 'departmentTree',
          fields: { secret: 'hidden' },
        },
      ],
    },
    {
      key: 'eastAll',
      label: L('East, all'),
      grants: [
        { entity: 'deal', actions: ['read'], scope: 'all', condition: { '==': [{ var: 'region' }, 'east'] } },
      ],
    },
    {
      key: 'boss',
      label: L('Boss'),
      grants: [{ entity: 'deal', actions: ['create', 'read', 'update', 'delete', 'assign'], scope: 'all' }],
    },
  ],
};

type Scope = 'own' | 'department' | 'departmentTree' | 'all';
interface RoleModel {
  read?: { scope: Scope; east?: boolean };
  update?: Scope;
  delete?: Scope;
  hidden: string[];
  readOnly: string[];
}
// An independent oracle of the role definitions above.
const ORACLE: Record<string, RoleModel> = {
  own: {
    read: { scope: 'own' },
    update: 'own',
    delete: 'own',
    hidden: ['secret', 'partner'],
    readOnly: ['amount'],
  },
  dept: { read: { scope: 'department' }, update: 'department', hidden: ['secret'], readOnly: [] },
  tree: {
    read: { scope: 'departmentTree' },
    update: 'departmentTree',
    delete: 'departmentTree',
    hidden: ['secret'],
    readOnly: [],
  },
  eastAll: {
    read: { scope: 'all', east: true },
    hidden: [],
    readOnly: ['title', 'region', 'amount', 'secret'],
  },
  boss: { read: { scope: 'all' }, update: 'all', delete: 'all', hidden: [], readOnly: [] },
};

interface Person {
  login: string;
  id: string;
  dept: 'root' | 'east' | 'shanghai' | 'south';
  client: Client;
}
interface Deal {
  id: string;
  owner: Person;
  region: string;
}

describe('permission matrix: roles × row scopes × actions × field access', () => {
  let fx: AuthFixture;
  const people: Record<string, Person> = {};
  const deals: Deal[] = [];
  const depts: Record<string, string> = {};
  const below: Record<string, string[]> = {
    root: ['root', 'east', 'shanghai', 'south'],
    east: ['east', 'shanghai'],
    shanghai: ['shanghai'],
    south: ['south'],
  };

  beforeAll(async () => {
    fx = await createAuthFixture();
    await fx.publish(app);
    const mk = async (name: string, parentId?: string) =>
      (await fx.admin.request('POST', '/api/departments', { name, ...(parentId ? { parentId } : {}) })).body
        .id as string;
    depts.root = await mk('销售部');
    depts.east = await mk('华东区', depts.root);
    depts.shanghai = await mk('上海组', depts.east);
    depts.south = await mk('华南区', depts.root);
    const placement: Array<[string, Person['dept']]> = [
      ['zhang', 'shanghai'],
      ['liu', 'shanghai'],
      ['li', 'east'],
      ['huang', 'south'],
    ];
    for (const [login, dept] of placement) {
      const id = await fx.createUser(login);
      expect(
        (
          await fx.admin.request('PUT', `/api/users/${id}/departments`, {
            memberships: [{ departmentId: depts[dept], primary: true }],
          })
        ).status,
      ).toBe(200);
      // Everyone can create their own deals to seed the data.
      expect((await fx.admin.request('PUT', `/api/users/${id}/roles/perm`, { roles: ['own'] })).status).toBe(
        200,
      );
      people[login] = { login, id, dept, client: await fx.login(login, 'Passw0rd!x') };
    }
    for (const person of Object.values(people)) {
      for (const region of ['east', 'south']) {
        const created = await person.client.request('POST', '/api/apps/perm/entities/deal/records', {
          title: `${person.login}-${region}`,
          region,
        });
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        expect(created.body.ownerId).toBe(person.id);
        expect(created.body.ownerDeptId).toBe(depts[person.dept]);
        expect(created.body).not.toHaveProperty('secret');
        deals.push({ id: created.body.id, owner: person, region });
      }
    }
    // Seed secrets and amounts as the boss (admin), so hidden data exists to leak.
    for (const deal of deals) {
      const current = await fx.admin.request('GET', `/api/apps/perm/entities/deal/records/${deal.id}`);
      const patched = await fx.admin.request('PATCH', `/api/apps/perm/entities/deal/records/${deal.id}`, {
        version: current.body.version,
        secret: `s-${deal.id.slice(0, 4)}`,
        amount: '100.00',
      });
      expect(patched.status).toBe(200);
    }
  });
  afterAll(async () => fx?.close());

  const inScope = (viewer: Person, deal: Deal, scope: Scope | undefined): boolean => {
    switch (scope) {
      case undefined:
        return false;
      case 'all':
        return true;
      case 'own':
        return deal.owner.id === viewer.id;
      case 'department':
        return deal.owner.dept === viewer.dept;
      case 'departmentTree':
        return below[viewer.dept]!.includes(deal.owner.dept);
    }
  };
  const canRead = (role: RoleModel, viewer: Person, deal: Deal) =>
    role.read !== undefined &&
    inScope(viewer, deal, role.read.scope) &&
    (!role.read.east || deal.region === 'east');

  const fingerprint = async () =>
    JSON.stringify((await sql`select * from app_perm.t_deal order by id`.execute(fx.database.db)).rows);

  for (const roleKey of Object.keys(ORACLE)) {
    it(`role ${roleKey}: get, list, update, delete and field access per row`, async () => {
      const role = ORACLE[roleKey]!;
      for (const viewer of Object.values(people)) {
        expect(
          (await fx.admin.request('PUT', `/api/users/${viewer.id}/roles/perm`, { roles: [roleKey] })).status,
        ).toBe(200);
        const listed = await viewer.client.request('GET', '/api/apps/perm/entities/deal/records?limit=500');
        expect(listed.status).toBe(200);
        const expectedIds = deals
          .filter((d) => canRead(role, viewer, d))
          .map((d) => d.id)
          .sort();
        expect(
          listed.body.items.map((r: { id: string }) => r.id).sort(),
          `${roleKey} as ${viewer.login}`,
        ).toEqual(expectedIds);
        expect(listed.body.total).toBe(expectedIds.length);
        for (const item of listed.body.items)
          for (const hidden of role.hidden) expect(item).not.toHaveProperty(hidden);

        for (const deal of deals) {
          const label = `${roleKey}: ${viewer.login} → ${deal.owner.login}/${deal.region}`;
          const readable = canRead(role, viewer, deal);
          const got = await viewer.client.request('GET', `/api/apps/perm/entities/deal/records/${deal.id}`);
          expect(got.status, label).toBe(readable ? 200 : 404);
          if (!readable) continue;
          for (const hidden of role.hidden) expect(got.body, label).not.toHaveProperty(hidden);

          // Update: a read-only field is refused whatever the scope; an editable one works inside the update scope.
          const before = await fingerprint();
          if (role.readOnly.includes('amount')) {
            const denied = await viewer.client.request(
              'PATCH',
              `/api/apps/perm/entities/deal/records/${deal.id}`,
              { version: got.body.version, amount: '1.00' },
            );
            expect(denied.status, label).toBe(
              inScope(viewer, deal, role.update) ? 403 : readable ? 403 : 404,
            );
            expect(await fingerprint(), label).toBe(before);
          }
          const updatable = inScope(viewer, deal, role.update) && !role.readOnly.includes('title');
          const renamed = await viewer.client.request(
            'PATCH',
            `/api/apps/perm/entities/deal/records/${deal.id}`,
            { version: got.body.version, title: got.body.title },
          );
          expect(renamed.status, label).toBe(updatable ? 200 : 403);
          if (!updatable) expect(await fingerprint(), label).toBe(before);

          // Hidden fields cannot be written either.
          if (role.hidden.includes('secret')) {
            const snapshot = await fingerprint();
            const current = await viewer.client.request(
              'GET',
              `/api/apps/perm/entities/deal/records/${deal.id}`,
            );
            const sneaky = await viewer.client.request(
              'PATCH',
              `/api/apps/perm/entities/deal/records/${deal.id}`,
              { version: current.body.version, secret: 'overwritten' },
            );
            expect(sneaky.status, label).toBe(403);
            expect(await fingerprint(), label).toBe(snapshot);
          }
        }
        // Delete permission is checked on a copy so the matrix keeps its data.
        if (role.delete) {
          const mine = await fx.admin.request('POST', '/api/apps/perm/entities/deal/records', {
            title: 'to-delete',
            region: 'south',
            ownerId: viewer.id,
            ownerDeptId: depts[viewer.dept],
          });
          expect(mine.status).toBe(201);
          expect(
            (await viewer.client.request('DELETE', `/api/apps/perm/entities/deal/records/${mine.body.id}`))
              .status,
          ).toBe(204);
        }
        const others = deals.find((d) => !canRead(role, viewer, d));
        if (others) {
          const before = await fingerprint();
          expect(
            (await viewer.client.request('DELETE', `/api/apps/perm/entities/deal/records/${others.id}`))
              .status,
          ).toBe(404);
          expect(await fingerprint()).toBe(before);
        }
      }
    });
  }

  it('filter, sort, expand on a hidden field are 400; search skips hidden fields', async () => {
    const zhang = people.zhang!;
    expect(
      (await fx.admin.request('PUT', `/api/users/${zhang.id}/roles/perm`, { roles: ['own'] })).status,
    ).toBe(200);
    const base = '/api/apps/perm/entities/deal/records';
    const filter = await zhang.client.request(
      'GET',
      `${base}?filter=${encodeURIComponent(JSON.stringify({ '==': [{ var: 'secret' }, 'x'] }))}`,
    );
    expect(filter.status).toBe(400);
    expect(filter.body.error.details[0].path).toBe('/filter/==/0/var');
    expect((await zhang.client.request('GET', `${base}?sort=secret`)).status).toBe(400);
    const expand = await zhang.client.request('GET', `${base}?expand=partner`);
    expect(expand.status).toBe(400);
    expect(expand.body.error.details[0].path).toBe('/expand/0');
    // Searching the secret's value finds nothing for zhang (the hidden field is not searched) but does for the boss.
    const secret = `s-${deals.find((d) => d.owner.id === zhang.id)!.id.slice(0, 4)}`;
    expect((await zhang.client.request('GET', `${base}?q=${secret}`)).body.items).toHaveLength(0);
    expect((await fx.admin.request('GET', `${base}?q=${secret}`)).body.items.length).toBeGreaterThan(0);
  });

  it('a union of roles sees the union of rows', async () => {
    const zhang = people.zhang!;
    expect(
      (await fx.admin.request('PUT', `/api/users/${zhang.id}/roles/perm`, { roles: ['own', 'eastAll'] }))
        .status,
    ).toBe(200);
    const listed = await zhang.client.request('GET', '/api/apps/perm/entities/deal/records?limit=500');
    const expected = deals
      .filter((d) => d.owner.id === zhang.id || d.region === 'east')
      .map((d) => d.id)
      .sort();
    expect(listed.body.items.map((r: { id: string }) => r.id).sort()).toEqual(expected);
  });

  it("a record given to someone else takes that person's department, so their team's managers see it", async () => {
    // The admin belongs to no department: a deal created for liu (上海组) belongs to 上海组, as one liu
    // created would; handing it to huang moves it to 华南区.
    const liu = people.liu!;
    const huang = people.huang!;
    const created = await fx.admin.request('POST', '/api/apps/perm/entities/deal/records', {
      title: 'for-liu',
      region: 'east',
      ownerId: liu.id,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.ownerDeptId).toBe(depts.shanghai);
    const zhang = people.zhang!;
    expect(
      (await fx.admin.request('PUT', `/api/users/${zhang.id}/roles/perm`, { roles: ['dept'] })).status,
    ).toBe(200);
    const seen = await zhang.client.request('GET', `/api/apps/perm/entities/deal/records/${created.body.id}`);
    expect(seen.status).toBe(200);

    const moved = await fx.admin.request('PATCH', `/api/apps/perm/entities/deal/records/${created.body.id}`, {
      version: created.body.version,
      ownerId: huang.id,
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.ownerDeptId).toBe(depts.south);
    expect(
      (await zhang.client.request('GET', `/api/apps/perm/entities/deal/records/${created.body.id}`)).status,
    ).toBe(404);
    // A department given with the owner is kept as given.
    const given = await fx.admin.request('POST', '/api/apps/perm/entities/deal/records', {
      title: 'for-liu-in-east',
      region: 'east',
      ownerId: liu.id,
      ownerDeptId: depts.east,
    });
    expect(given.body.ownerDeptId).toBe(depts.east);
    await fx.admin.request('DELETE', `/api/apps/perm/entities/deal/records/${created.body.id}`);
    await fx.admin.request('DELETE', `/api/apps/perm/entities/deal/records/${given.body.id}`);
  });
});
