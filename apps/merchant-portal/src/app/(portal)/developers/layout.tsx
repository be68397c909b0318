import type { ReactNode } from 'react';
import { DevTabs } from '../../../components/dev-tabs.tsx';

export default function DevelopersLayout({ children }: { children: ReactNode }) {
  return (
    <>
      <h1>Developers</h1>
      <DevTabs />
      {children}
    </>
  );
}
