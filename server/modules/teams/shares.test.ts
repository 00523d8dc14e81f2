import { describe, expect, it } from 'vitest';
import { addMember, api, signUp, testDatabase } from '../../test/harness.ts';
import { createOk } from '../../test/samples.ts';

describe('record shares', () => {
  it('go with a record deleted for good, and only with it', async () => {
    const owner = await signUp();
    const member = await addMember(owner, 'member', 'Sharee');
    const gone = await createOk(owner, '/contacts', { firstName: 'Gone', lastName: 'Forgood' });
    const kept = await createOk(owner, '/contacts', { firstName: 'Kept', lastName: 'Around' });
    for (const c of [gone, kept]) {
      expect((await api(owner).post(`/records/contact/${c.id}/shares`, { memberId: member.memberId, access: 'read' })).statusCode).toBe(
        201,
      );
    }
    const sharesOf = async (id: string) =>
      Number(
        (
          await (
            await testDatabase()
          ).query<{ n: number }>('select count(*)::int as n from record_shares where workspace_id = $1 and record_id = $2', [
            owner.workspaceId,
            id,
          ])
        )[0].n,
      );
    expect((await api(owner).delete(`/contacts/${gone.id}`)).statusCode).toBe(200);
    // In the trash the share stays: a restore brings the record back shared as it was.
    expect(await sharesOf(gone.id)).toBe(1);
    const purged = await api(owner).delete(`/trash/contact/${gone.id}`);
    expect(purged.statusCode, purged.body).toBe(204);
    expect(await sharesOf(gone.id)).toBe(0);
    expect(await sharesOf(kept.id)).toBe(1);
  });

  it('are security events: who shared what with whom, and who took it back', async () => {
    const owner = await signUp();
    const member = await addMember(owner, 'member', 'Sharee');
    const c = await createOk(owner, '/contacts', { firstName: 'Shared', lastName: 'Once' });
    const share = (await api(owner).post(`/records/contact/${c.id}/shares`, { memberId: member.memberId, access: 'edit' })).json();
    expect((await api(owner).delete(`/records/contact/${c.id}/shares/${share.id}`)).statusCode).toBeLessThan(300);
    const events = (await api(owner).get('/audit/security-events'))
      .json()
      .data.filter((e: { kind: string }) => e.kind.startsWith('record.'));
    expect(events.map((e: { kind: string }) => e.kind)).toEqual(['record.unshared', 'record.shared']);
    for (const e of events) {
      expect(e).toMatchObject({
        actorId: owner.memberId,
        subjectType: 'contact',
        subjectId: c.id,
        detail: { memberId: member.memberId, access: 'edit' },
      });
    }
  });
});
