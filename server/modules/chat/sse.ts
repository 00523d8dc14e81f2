import type { ServerResponse } from 'node:http';

/** One Server-Sent Event. JSON.stringify keeps a message's newlines escaped, so `data` is one line. */
export const sse = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * Starts an event stream on a hijacked response and returns its `end`, called when the client goes,
 * when `seconds` pass, or by `ends` on shutdown. `extraHeaders` carries the widget's CORS headers.
 */
export function openStream(res: ServerResponse, ends: Set<() => void>, seconds: number, onEnd: () => void, extraHeaders = {}) {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-accel-buffering': 'no',
    'x-content-type-options': 'nosniff',
    ...extraHeaders,
  });
  let ended = false;
  const timers: NodeJS.Timeout[] = [];
  const end = () => {
    if (ended) return;
    ended = true;
    for (const t of timers) clearTimeout(t);
    ends.delete(end);
    onEnd();
    res.end();
  };
  ends.add(end);
  res.on('close', end);
  timers.push(setInterval(() => res.write(': keep-alive\n\n'), 20_000));
  // No time at all (`seconds=0`): the caller sends what there is and ends the stream itself; a timer
  // of 0 would end it before the first read of the database had come back.
  if (seconds > 0) timers.push(setTimeout(end, seconds * 1_000));
  return { end, isEnded: () => ended, write: (text: string) => !ended && res.write(text) };
}
