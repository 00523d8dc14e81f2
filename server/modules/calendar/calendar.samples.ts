import type { Session } from '../../test/harness.ts';
import { createOk, type Samples } from '../../test/samples.ts';

const window = `from=${encodeURIComponent('2030-01-01T00:00:00Z')}&to=${encodeURIComponent('2030-02-01T00:00:00Z')}`;

/** A meeting and a task of the owner inside the sample window, so that the leak checks have data to look for. */
async function meetingAndTask(s: Session) {
  const company = await createOk(s, '/companies', { name: 'Initech' });
  const links = [{ recordType: 'company', recordId: company.id }];
  const meeting = await createOk(s, '/activities', {
    type: 'meeting',
    subject: 'Kick-off',
    occurredAt: '2030-01-10T09:00:00Z',
    durationSeconds: 3600,
    links,
  });
  const task = await createOk(s, '/tasks', { title: 'Send the minutes', dueAt: '2030-01-11T09:00:00Z', links });
  return { meetingId: meeting.id, taskId: task.id };
}

export const samples: Samples = {
  'GET /api/v1/calendar': { setup: meetingAndTask, query: window },
  'GET /api/v1/calendar/feed': {},
  'POST /api/v1/calendar/feed': { body: () => ({}), ok: 201 },
  'DELETE /api/v1/calendar/feed': {},
};
