'use client';

import { formatPkr } from '@mypay/core/money';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export interface VolumePoint {
  date: string;
  payouts: number;
  payments: number;
}

const compact = (minor: number) => {
  const rupees = minor / 100;
  if (rupees >= 1_000_000) return `${(rupees / 1_000_000).toFixed(1)}M`;
  if (rupees >= 1_000) return `${(rupees / 1_000).toFixed(rupees < 10_000 ? 1 : 0)}k`;
  return String(Math.round(rupees));
};

export function VolumeChart({ data }: { data: VolumePoint[] }) {
  return (
    <div className="chart" role="img" aria-label="Payout and payment volume per day over the last 30 days">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="date" tickFormatter={(d: string) => d.slice(5)} fontSize={11} minTickGap={12} />
          <YAxis tickFormatter={compact} fontSize={11} width={44} />
          <Tooltip formatter={(value) => formatPkr(Number(value))} />
          <Legend />
          <Bar dataKey="payouts" name="Payouts" fill="#0b6e4f" isAnimationActive={false} />
          <Bar dataKey="payments" name="Payments" fill="#6aa5e8" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
