import { describe, expect, it } from 'vitest';
import { amountOf, booleanOf, dateOf, dateTimeOf, integerOf, optionOf } from './record-values.ts';

// The cells other tools export, read as typed values; anything else is an error the importer warns with.

describe('cells as typed values', () => {
  it('reads dates as ISO, day-first with dots, and month-first with slashes (day-first when the first cannot be a month)', () => {
    expect(dateOf('2026-03-31')).toEqual({ value: '2026-03-31' });
    expect(dateOf('2026-03-31 00:00:00')).toEqual({ value: '2026-03-31' });
    expect(dateOf('31.03.2026')).toEqual({ value: '2026-03-31' });
    expect(dateOf('03/31/2026')).toEqual({ value: '2026-03-31' });
    expect(dateOf('31/03/2026')).toEqual({ value: '2026-03-31' });
    for (const bad of ['2026-02-30', '31/02/2026', 'soon', '2026']) expect(dateOf(bad)).toHaveProperty('error');
  });

  it('reads moments as UTC unless they name an offset, with 12-hour times', () => {
    expect(dateTimeOf('2026-03-31T14:30:00Z')).toEqual({ value: '2026-03-31T14:30:00.000Z' });
    expect(dateTimeOf('2026-03-31T14:30:00+02:00')).toEqual({ value: '2026-03-31T12:30:00.000Z' });
    expect(dateTimeOf('2026-03-31 14:30')).toEqual({ value: '2026-03-31T14:30:00.000Z' });
    expect(dateTimeOf('03/31/2026 2:30 PM')).toEqual({ value: '2026-03-31T14:30:00.000Z' });
    expect(dateTimeOf('2026-03-31')).toEqual({ value: '2026-03-31T00:00:00.000Z' });
    for (const bad of ['2026-03-31 25:00', 'tomorrow', '2026-02-30T10:00:00Z']) expect(dateTimeOf(bad)).toHaveProperty('error');
  });

  it('reads amounts with either decimal separator, thousands separators, symbols and codes, in minor units', () => {
    expect(amountOf('12500', 'USD')).toEqual({ value: { amountMinor: 1_250_000, currency: null } });
    expect(amountOf('12,500.00', 'USD')).toEqual({ value: { amountMinor: 1_250_000, currency: null } });
    expect(amountOf('12.500,50', 'EUR')).toEqual({ value: { amountMinor: 1_250_050, currency: null } });
    expect(amountOf('$ 1,200.5', 'USD')).toEqual({ value: { amountMinor: 120_050, currency: null } });
    expect(amountOf('1 200,50 €', 'EUR')).toEqual({ value: { amountMinor: 120_050, currency: null } });
    expect(amountOf('EUR 99', 'USD')).toEqual({ value: { amountMinor: 9_900, currency: 'EUR' } });
    expect(amountOf('5000 JPY', 'USD')).toEqual({ value: { amountMinor: 5_000, currency: 'JPY' } });
    for (const bad of ['lots', '-5', '', '1.2.3,4,5x']) expect(amountOf(bad, 'USD')).toHaveProperty('error');
  });

  it('reads whole numbers in bounds, yes/no and task statuses, and options by name or other tools’ words', () => {
    expect(integerOf('40%', 0, 100)).toEqual({ value: 40 });
    expect(integerOf('140', 0, 100)).toHaveProperty('error');
    expect(integerOf('4.5', 0, 100)).toHaveProperty('error');
    expect(booleanOf('COMPLETED')).toEqual({ value: true });
    expect(booleanOf('NOT_STARTED')).toEqual({ value: false });
    expect(booleanOf('ja')).toEqual({ value: true });
    expect(booleanOf('maybe')).toHaveProperty('error');
    expect(optionOf('High', ['low', 'normal', 'high'])).toEqual({ value: 'high' });
    expect(optionOf('Medium', ['low', 'normal', 'high'])).toEqual({ value: 'normal' });
    expect(optionOf('Phone Call', ['note', 'call', 'meeting'])).toEqual({ value: 'call' });
    expect(optionOf('Fax', ['note', 'call', 'meeting'])).toHaveProperty('error');
  });
});
