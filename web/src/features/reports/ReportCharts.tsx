import { BarChart, CompositeChart } from '@mantine/charts';

// The charts alone, in their own file: it is loaded lazily (see LazyCharts.tsx), so that pages
// without a chart never download recharts. The numbers a chart draws are always in a table beside
// it; the chart itself is one image with a description, and is kept out of the keyboard order.

export interface BarSeries {
  name: string;
  label: string;
  color: string;
}

export interface ReportBarsProps {
  label: string;
  data: Record<string, string | number>[];
  dataKey: string;
  series: BarSeries[];
  /** Values in the tooltip, exact. */
  format: (n: number) => string;
  /** Values on the axis, short. */
  formatTick: (n: number) => string;
  wholeNumbers?: boolean;
  h?: number;
}

export function ReportBars({ label, data, dataKey, series, format, formatTick, wholeNumbers, h = 260 }: ReportBarsProps) {
  return (
    <div role="img" aria-label={label}>
      <BarChart
        h={h}
        data={data}
        dataKey={dataKey}
        series={series}
        valueFormatter={format}
        yAxisProps={{ tickFormatter: formatTick, allowDecimals: !wholeNumbers, width: 64 }}
        withLegend={series.length > 1}
        maxBarWidth={48}
        accessibilityLayer={false}
      />
    </div>
  );
}

export interface WinRateBarsProps {
  label: string;
  /** One row per month: `month` (its label), `won`, `lost`, and `rate` in percent (null without a closed deal). */
  data: { month: string; won: number; lost: number; rate: number | null }[];
  labels: { won: string; lost: string; rate: string };
  formatCount: (n: number) => string;
  formatRate: (percent: number) => string;
  h?: number;
}

const order = ['won', 'lost', 'rate'];

export function WinRateBars({ label, data, labels, formatCount, formatRate, h = 260 }: WinRateBarsProps) {
  return (
    <div role="img" aria-label={label}>
      <CompositeChart
        h={h}
        data={data}
        dataKey="month"
        series={[
          { name: 'won', label: labels.won, color: 'teal.6', type: 'bar' },
          { name: 'lost', label: labels.lost, color: 'red.6', type: 'bar' },
          { name: 'rate', label: labels.rate, color: 'indigo.5', type: 'line', yAxisId: 'right' },
        ]}
        valueFormatter={formatCount}
        yAxisProps={{ allowDecimals: false, width: 40 }}
        withRightYAxis
        rightYAxisProps={{ domain: [0, 100], tickFormatter: formatRate, width: 48 }}
        connectNulls={false}
        withLegend
        // In the order of the series (won, lost, rate), not recharts' alphabetical one.
        legendProps={{ itemSorter: (item) => order.indexOf(String(item.dataKey)) }}
        maxBarWidth={32}
        accessibilityLayer={false}
      />
    </div>
  );
}
