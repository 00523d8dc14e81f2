import { Skeleton } from '@mantine/core';
import { lazy, Suspense } from 'react';
import type { ReportBarsProps, WinRateBarsProps } from './ReportCharts.tsx';

// recharts is the largest library in the app: Home and the Reports page fetch it only when they
// draw a chart, while the tables beside the charts show at once.
const charts = () => import('./ReportCharts.tsx');
const Bars = lazy(() => charts().then((m) => ({ default: m.ReportBars })));
const WinBars = lazy(() => charts().then((m) => ({ default: m.WinRateBars })));

export function LazyBars(props: ReportBarsProps) {
  return (
    <Suspense fallback={<Skeleton h={props.h ?? 260} />}>
      <Bars {...props} />
    </Suspense>
  );
}

export function LazyWinRateBars(props: WinRateBarsProps) {
  return (
    <Suspense fallback={<Skeleton h={props.h ?? 260} />}>
      <WinBars {...props} />
    </Suspense>
  );
}
