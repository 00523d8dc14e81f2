import { api, type Session } from '../../test/harness.ts';
import { createOk, type Samples } from '../../test/samples.ts';

const ticket = (s: Session) => createOk(s, '/tickets', { subject: 'Printer jams', description: 'Paper stuck in the printer.' });
const macro = () => ({
  name: 'Solved',
  body: 'Hello {{requester.firstName}}, #{{ticket.number}} is fixed.',
  changes: { status: 'solved' },
});

async function withMessage(s: Session) {
  const { id } = await ticket(s);
  const r = await api(s).post(`/tickets/${id}/messages`, { kind: 'reply', body: 'Second question: the scanner.' });
  if (r.statusCode !== 201) throw new Error(`message → ${r.statusCode} ${r.body}`);
  return { id, messageId: r.json().id as string };
}

export const samples: Samples = {
  'GET /api/v1/ticket-macros': { setup: async (s) => ({ macroId: (await createOk(s, '/ticket-macros', macro())).id }) },
  'POST /api/v1/ticket-macros': { body: macro, ok: 201 },
  'PATCH /api/v1/ticket-macros/:id': {
    setup: async (s) => ({ id: (await createOk(s, '/ticket-macros', macro())).id }),
    body: () => ({ name: 'Solved and thanked', version: 1 }),
  },
  'DELETE /api/v1/ticket-macros/:id': { setup: async (s) => ({ id: (await createOk(s, '/ticket-macros', macro())).id }), ok: 204 },
  'POST /api/v1/tickets/:id/apply-macro': {
    setup: async (s) => ({ id: (await ticket(s)).id, macroId: (await createOk(s, '/ticket-macros', macro())).id }),
    body: (_s, p) => ({ macroId: p.macroId }),
  },
  'POST /api/v1/tickets/apply-macro': {
    setup: async (s) => ({ recordId: (await ticket(s)).id, macroId: (await createOk(s, '/ticket-macros', macro())).id }),
    body: (_s, p) => ({ macroId: p.macroId, ids: [p.recordId] }),
  },
  'POST /api/v1/tickets/bulk-actions': {
    setup: async (s) => ({ recordId: (await ticket(s)).id, macroId: (await createOk(s, '/ticket-macros', macro())).id }),
    body: (s, p) => ({ ids: [p.recordId], changes: { assigneeId: s.memberId, addTags: ['vip'] }, macroId: p.macroId }),
  },
  'GET /api/v1/tickets/:id/presence': { setup: async (s) => ({ id: (await ticket(s)).id }) },
  'PUT /api/v1/tickets/:id/presence': { setup: async (s) => ({ id: (await ticket(s)).id }), body: () => ({ state: 'viewing' }) },
  'POST /api/v1/tickets/:id/merge': {
    setup: async (s) => ({ id: (await ticket(s)).id, sourceId: (await ticket(s)).id }),
    body: (_s, p) => ({ sourceId: p.sourceId }),
  },
  'POST /api/v1/tickets/:id/split': { setup: withMessage, body: (_s, p) => ({ messageId: p.messageId }), ok: 201 },
  'GET /api/v1/tickets/:id/relations': { setup: async (s) => ({ id: (await ticket(s)).id }) },
  'GET /api/v1/tickets/:id/suggested-articles': { setup: async (s) => ({ id: (await ticket(s)).id }), query: 'language=en' },
};
