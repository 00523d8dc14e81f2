import { describe, expect, it } from 'vitest';
import { addMember, api, type Session, signUp } from '../../test/harness.ts';
import { createOk } from '../../test/samples.ts';

// Mentions in notes: stored as member ids; each newly mentioned member is told, with a link to the
// record the note is on and to the note.

type N = {
  kind: string;
  title: string;
  recordType: string | null;
  recordId: string | null;
  activityId: string | null;
  actorId: string | null;
};
const mentionsOf = async (s: Session) => ((await api(s).get('/notifications')).json().data as N[]).filter((n) => n.kind === 'mention');

describe('mentions in notes', () => {
  it('stores mentions by id and notifies each mentioned member once, linking the record and the note', async () => {
    const s = await signUp();
    const ada = await addMember(s, 'member', 'Ada Lovelace');
    const bob = await addMember(s, 'member', 'Bob Builder');
    const contact = await createOk(s, '/contacts', { firstName: 'Grace' });
    const created = await api(s).post('/activities', {
      type: 'note',
      body: 'Call with Grace went well, @Ada Lovelace please send the offer',
      mentions: [ada.memberId, s.memberId],
      links: [{ recordType: 'contact', recordId: contact.id }],
    });
    expect(created.statusCode, created.body).toBe(201);
    const note = created.json();
    expect(note.mentions).toEqual([ada.memberId, s.memberId]);
    // The timeline (JSON built by the database) carries them too.
    const timeline = (await api(s).get(`/contacts/${contact.id}/timeline`)).json();
    expect(timeline.data[0].mentions).toEqual([ada.memberId, s.memberId]);

    expect(await mentionsOf(ada)).toMatchObject([
      {
        title: 'Call with Grace went well, @Ada Lovelace please send the offer',
        recordType: 'contact',
        recordId: contact.id,
        activityId: note.id,
        actorId: s.memberId,
      },
    ]);
    // The writer is not told of their own mention; Bob was not mentioned.
    expect(await mentionsOf(s)).toEqual([]);
    expect(await mentionsOf(bob)).toEqual([]);

    // An edit that adds Bob tells Bob alone; Ada heard of it already.
    const edited = await api(s).patch(`/activities/${note.id}`, {
      version: note.version,
      body: `${note.body} and @Bob Builder the contract`,
      mentions: [ada.memberId, bob.memberId],
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(await mentionsOf(ada)).toHaveLength(1);
    expect(await mentionsOf(bob)).toMatchObject([{ activityId: note.id }]);
    // An edit of the text alone tells nobody again.
    await api(s).patch(`/activities/${note.id}`, { version: edited.json().version, subject: 'Offer' });
    expect(await mentionsOf(bob)).toHaveLength(1);
  });

  it('refuses a mention of someone outside the workspace, naming the entry', async () => {
    const s = await signUp();
    const stranger = await signUp({ workspaceName: 'Elsewhere' });
    const contact = await createOk(s, '/contacts', { firstName: 'Grace' });
    const r = await api(s).post('/activities', {
      type: 'note',
      body: 'Hi',
      mentions: [stranger.memberId],
      links: [{ recordType: 'contact', recordId: contact.id }],
    });
    expect(r.statusCode).toBe(422);
    expect(r.body).toContain('body.mentions.0');
    expect(await mentionsOf(stranger)).toEqual([]);
  });

  it('does not tell a member who turned mentions off', async () => {
    const s = await signUp();
    const ada = await addMember(s, 'member', 'Ada Lovelace');
    await api(ada).patch('/notifications/preferences', { mentions: false });
    const contact = await createOk(s, '/contacts', { firstName: 'Grace' });
    const r = await api(s).post('/activities', {
      type: 'note',
      body: '@Ada Lovelace hi',
      mentions: [ada.memberId],
      links: [{ recordType: 'contact', recordId: contact.id }],
    });
    expect(r.statusCode).toBe(201);
    expect(await mentionsOf(ada)).toEqual([]);
  });
});
