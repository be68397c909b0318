'use client';

import { formatPkr } from '@mypay/core/money';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export interface VolumePoint {
  date: string;
  payouts: number;
  payments: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Value-axis ticks in rupees (amounts are paisa): 0, 500, 1.5k, 25k, 1.2M. The axis label says PKR. */
export function formatPkrTick(minor: number): string {
  const rupees = minor / 100;
  const trim = (n: number) => n.toFixed(1).replace(/\.0$/, '');
  if (Math.abs(rupees) >= 1_000_000) return `${trim(rupees / 1_000_000)}M`;
  if (Math.abs(rupees) >= 1_000)
    return `${Math.abs(rupees) < 10_000 ? trim(rupees / 1_000) : Math.round(rupees / 1_000)}k`;
  return String(Math.round(rupees));
}

/** Time-axis ticks: `2026-12-03` → `3 Dec` (the days are UTC days, as the dashboard counts them). */
export function formatDayTick(day: string): string {
  const [, month, date] = day.split('-');
  return `${Number(date)} ${MONTHS[Number(month) - 1] ?? ''}`;
}

export function VolumeChart({ data }: { data: VolumePoint[] }) {
  return (
    <div
      className="chart"
      data-testid="volume-chart"
      role="img"
      aria-label="Payout and payment volume in PKR per day (UTC) over the last 30 days"
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 4, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="date"
            tickFormatter={formatDayTick}
            fontSize={11}
            minTickGap={12}
            height={42}
            label={{ value: 'Day (UTC)', position: 'insideBottom', offset: 0, fontSize: 11 }}
          />
          <YAxis
            tickFormatter={formatPkrTick}
            fontSize={11}
            width={56}
            allowDecimals={false}
            label={{ value: 'PKR', angle: -90, position: 'insideLeft', offset: 0, fontSize: 11 }}
          />
          <Tooltip labelFormatter={(d) => formatDayTick(String(d))} formatter={(value) => formatPkr(Number(value))} />
          <Legend verticalAlign="top" height={24} />
          <Bar dataKey="payouts" name="Payouts" fill="#0b6e4f" isAnimationActive={false} />
          <Bar dataKey="payments" name="Payments" fill="#6aa5e8" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
