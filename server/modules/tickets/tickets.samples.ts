import { api, type Session } from '../../test/harness.ts';
import { createOk, recordSamples, type Samples } from '../../test/samples.ts';

const ticket = () => ({ subject: 'Printer on fire', description: 'It smokes.', priority: 'high', channel: 'phone', tags: ['hardware'] });

const policy = {
  calendar: { name: 'Office', timeZone: 'Europe/Berlin', week: { 1: [{ from: 540, to: 1020 }] }, holidays: ['2026-12-25'] },
  targets: {
    low: { firstResponse: 480, nextResponse: 480, resolution: 2400 },
    normal: { firstResponse: 240, nextResponse: 240, resolution: 1440 },
    high: { firstResponse: 60, nextResponse: 120, resolution: 480 },
    urgent: { firstResponse: 15, nextResponse: 30, resolution: 240 },
  },
  overrides: [
    {
      name: 'Gold by chat',
      channels: ['chat'],
      tiers: ['gold'],
      targets: {
        low: { firstResponse: 60, nextResponse: 60, resolution: 480 },
        normal: { firstResponse: 30, nextResponse: 30, resolution: 480 },
        high: { firstResponse: 15, nextResponse: 15, resolution: 240 },
        urgent: { firstResponse: 5, nextResponse: 10, resolution: 120 },
      },
    },
  ],
};

/** A ticket with a reply carrying one file. */
async function withFile(s: Session) {
  const { id } = await createOk(s, '/tickets', ticket());
  const r = await api(s).post(`/tickets/${id}/messages`, {
    kind: 'reply',
    body: 'Attached.',
    attachments: [{ filename: 'a.txt', contentType: 'text/plain', content: Buffer.from('hello').toString('base64') }],
  });
  if (r.statusCode !== 201) throw new Error(`message → ${r.statusCode} ${r.body}`);
  return { id, attachmentId: r.json().attachments[0].id as string };
}

export const samples: Samples = {
  ...recordSamples('tickets', ticket, { status: 'open' }),
  'POST /api/v1/tickets/bulk-update': {
    setup: async (s) => ({ recordId: (await createOk(s, '/tickets', ticket())).id }),
    body: (s, p) => ({ ids: [p.recordId], set: { assigneeId: s.memberId } }),
  },
  'GET /api/v1/tickets/queues': {},
  'GET /api/v1/tickets/report': { query: 'from=2026-01-01&to=2026-12-31' },
  'GET /api/v1/tickets/:id/messages': { setup: async (s) => ({ id: (await createOk(s, '/tickets', ticket())).id }) },
  'POST /api/v1/tickets/:id/messages': {
    setup: async (s) => ({ id: (await createOk(s, '/tickets', ticket())).id }),
    body: () => ({ kind: 'reply', body: 'We are on it.' }),
  },
  'GET /api/v1/tickets/:id/attachments': { setup: withFile },
  'GET /api/v1/tickets/:id/attachments/:attachmentId': { setup: withFile },
  'GET /api/v1/sla-policy': {},
  'PUT /api/v1/sla-policy': { body: () => policy },
};
