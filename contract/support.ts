import Type, { type Static } from 'typebox';
import { DateOnly, ShortText } from './common.ts';

// The support desk's shapes (issue 14). Business hours first: SLA targets count only the minutes a
// team is open, in the team's own time zone.

/** Minutes after local midnight, 0 … 1440: an opening hour [from, to) of one weekday. */
const DayMinute = Type.Integer({ minimum: 0, maximum: 1440 });
export const OpeningHours = Type.Object({ from: DayMinute, to: DayMinute }, { additionalProperties: false });
const DayHours = Type.Array(OpeningHours, { maxItems: 8 });

/**
 * When a team is open: hours per ISO weekday ('1' Monday … '7' Sunday) in local wall-clock time of
 * `timeZone` (an IANA name), closed on `holidays` (local dates). A day absent from `week` is closed.
 */
export const BusinessCalendar = Type.Object(
  {
    name: ShortText({ minLength: 1 }),
    timeZone: Type.String({ minLength: 1, maxLength: 64 }),
    week: Type.Object(
      {
        1: Type.Optional(DayHours),
        2: Type.Optional(DayHours),
        3: Type.Optional(DayHours),
        4: Type.Optional(DayHours),
        5: Type.Optional(DayHours),
        6: Type.Optional(DayHours),
        7: Type.Optional(DayHours),
      },
      { additionalProperties: false },
    ),
    holidays: Type.Array(DateOnly, { maxItems: 400 }),
  },
  { additionalProperties: false },
);
export type BusinessCalendar = Static<typeof BusinessCalendar>;
