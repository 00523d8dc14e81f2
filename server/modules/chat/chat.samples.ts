import { randomInt } from 'node:crypto';
import { api, type Session, testApp } from '../../test/harness.ts';
import type { Samples } from '../../test/samples.ts';

/** A conversation a visitor started through the widget's route, in the owner's workspace. */
async function conversation(s: Session) {
  const slug = `chat-sample-${Date.now().toString(36)}-${randomInt(1e9)}`;
  const put = await api(s).put('/knowledge/help-centre', { slug });
  if (put.statusCode !== 200) throw new Error(`slug: ${put.statusCode} ${put.body}`);
  const r = await (await testApp()).inject({
    method: 'POST',
    url: `/chat/${slug}/conversations`,
    // An address of its own, so that the generated suites' many setups stay under the limit per address.
    remoteAddress: `10.${randomInt(256)}.${randomInt(256)}.${randomInt(256)}`,
    payload: { body: 'Hello from the website', email: 'visitor@example.test' },
  });
  if (r.statusCode !== 201) throw new Error(`start: ${r.statusCode} ${r.body}`);
  return { id: r.json().id as string };
}

export const samples: Samples = {
  'GET /api/v1/chat/conversations': { setup: conversation },
  'GET /api/v1/chat/conversations/:id': { setup: conversation },
  'POST /api/v1/chat/conversations/:id/messages': { setup: conversation, body: () => ({ body: 'How can I help?' }), ok: 201 },
  'POST /api/v1/chat/conversations/:id/close': { setup: conversation, body: () => ({}) },
  'POST /api/v1/chat/conversations/:id/ticket': { setup: conversation, body: () => ({}), ok: 201 },
  // A stream that ends after its `ready` event: the generated suites get an answer, not a wait.
  'GET /api/v1/chat/stream': { query: 'seconds=0' },
};
