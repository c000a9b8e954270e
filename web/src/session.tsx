// Who is signed in, and the workspace's connectors (the sandbox banner and several pages need them).

import { createContext, useContext } from 'react';
import type { Connector, Me } from './types.ts';

export interface Session {
  me: Me;
  signOut: () => Promise<void>;
  connectors: Connector[] | undefined;
  reloadConnectors: () => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in page');
  return s;
}
