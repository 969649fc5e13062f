// Partner systems (Art. 20-2, 20-3). The system admin: the registry (one
// partner at #/partners/<id>), our exchange identity for partners to register
// us, our users' memberships in partners' rooms, and the share codes of the
// rooms it manages. Everyone else: the partners we exchange with, by name; a
// user its own rooms at partners, a facility manager its facility's users'; a
// room's manager the share codes of its rooms. The graph decides who sees
// what: a page opened without the right shows the graph's refusal.
import { useState } from 'react';
import type { Me } from '../../app';
import { useWords } from '../../session';
import { Tabs } from '../loading';
import { ExchangeIdentityView } from './identity';
import { Memberships } from './memberships';
import { PartnerNamesView } from './names';
import { PartnerPage } from './partner';
import { PartnerRegistry } from './registry';
import { ManagedRoomsShareCodes, managesRooms } from './share-codes';
import { words } from './words';
import './partners.css';

type Tab = 'registry' | 'identity' | 'names' | 'memberships' | 'myRooms' | 'shareCodes';

/** The tabs a role has, the first one shown first. */
export function tabsFor(me: Me): Tab[] {
  const role = me.user.role;
  const tabs: Tab[] = role === 'SYSTEM_ADMIN' ? ['registry', 'identity'] : ['names'];
  if (role === 'USER') tabs.push('myRooms');
  if (role === 'SYSTEM_ADMIN' || role === 'FACILITY_MANAGER') tabs.push('memberships');
  if (managesRooms(me)) tabs.push('shareCodes');
  return tabs;
}

export function Partners({ me, id }: { me: Me; id?: string }) {
  const w = useWords(words);
  const tabs = tabsFor(me);
  const [tab, setTab] = useState<Tab>(tabs[0]!);
  if (id)
    return (
      <div className="partners">
        <PartnerPage id={id} />
      </div>
    );
  const label: Record<Tab, string> = {
    registry: w.registry,
    identity: w.identity,
    names: w.names,
    memberships: w.memberships,
    myRooms: w.myRooms,
    shareCodes: w.managedRooms,
  };
  return (
    <div className="partners">
      <h1>{w.title}</h1>
      <Tabs options={tabs.map((key) => [key, label[key]] as const)} value={tab} onChange={setTab} />
      {tab === 'registry' && <PartnerRegistry />}
      {tab === 'identity' && <ExchangeIdentityView />}
      {tab === 'names' && <PartnerNamesView />}
      {tab === 'myRooms' && <Memberships mine />}
      {tab === 'memberships' && <Memberships mine={false} />}
      {tab === 'shareCodes' && <ManagedRoomsShareCodes me={me} />}
    </div>
  );
}
