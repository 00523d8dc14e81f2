import { api, type Session } from '../../test/harness.ts';
import { createOk, type Samples } from '../../test/samples.ts';
import { startMailServers } from '../email/mail-servers.fixture.ts';

// A support address is a shared mailbox, verified against the test mail servers when saved.
let n = 0;
async function sharedMailbox(s: Session) {
  const servers = await startMailServers();
  const u = await servers.addUser(`support${process.pid}x${++n}`);
  return { id: (await createOk(s, '/mailboxes', servers.mailboxBody(u, { name: 'Support', shared: true }))).id };
}

export const samples: Samples = {
  'GET /api/v1/support-mailboxes': {},
  'PUT /api/v1/support-mailboxes/:id': { setup: sharedMailbox, body: () => ({ autoAcknowledge: true }) },
  'DELETE /api/v1/support-mailboxes/:id': {
    setup: async (s) => {
      const mb = await sharedMailbox(s);
      await api(s).put(`/support-mailboxes/${mb.id}`, { autoAcknowledge: false });
      return mb;
    },
    ok: 204,
  },
};
