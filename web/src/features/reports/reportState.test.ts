import { describe, expect, it } from 'vitest';
import { ownerIdOf, readReportFilters, reportsHref } from './reportState.ts';

const id = '0190a0b0-1111-7222-8333-444455556666';

describe('report filters in the address', () => {
  it('reads back what it wrote', () => {
    const f = { pipeline: id, owner: 'me', months: 6 } as const;
    const href = reportsHref(f);
    expect(href).toBe(`/reports?pipeline=${id}&owner=me&months=6`);
    expect(readReportFilters(new URL(href, 'http://x').searchParams)).toEqual(f);
  });

  it('leaves defaults out of the address', () => {
    expect(reportsHref({ pipeline: null, owner: null, months: 12 })).toBe('/reports');
    expect(readReportFilters(new URLSearchParams())).toEqual({ pipeline: null, owner: null, months: 12 });
  });

  it('ignores what a hand-edited link gets wrong', () => {
    expect(readReportFilters(new URLSearchParams('pipeline=nope&owner=someone&months=5'))).toEqual({
      pipeline: null,
      owner: null,
      months: 12,
    });
  });

  it('asks the API about the signed-in member for "me"', () => {
    expect(ownerIdOf('me', id)).toBe(id);
    expect(ownerIdOf(null, id)).toBeUndefined();
    expect(ownerIdOf('0190a0b0-0000-7000-8000-000000000000', id)).toBe('0190a0b0-0000-7000-8000-000000000000');
  });
});
