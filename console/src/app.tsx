// The console's top level: the sign-in page until there is a session, the
// password change while the graph requires one, then the signed-in shell.
// `key={token}` remounts everything for a new session, so nothing of one
// person's pages survives into the next.
import { useEffect, useState } from 'react';
import { MeDocument, type MeQuery } from '../../generated/console/operations';
import { GraphError } from './graphql';
import { useSession } from './session';
import { useRoute, type Route } from './route';
import { Applications } from './screens/applications/applications';
import { ChangePassword } from './screens/change-password';
import { Exchange } from './screens/exchange/exchange';
import { Facilities } from './screens/facilities/facilities';
import { Outbound } from './screens/outbound/outbound';
import { Partners } from './screens/partners/partners';
import { Faults } from './screens/faults/faults';
import { Audit } from './screens/audit/audit';
import { Emergency } from './screens/emergency/emergency';
import { RoomApplications } from './screens/room-applications/room-applications';
import { Rooms } from './screens/rooms/rooms';
import { Subjects } from './screens/subjects/subjects';
import { Inbox } from './screens/inbox';
import { Shell } from './screens/shell';
import { SignIn } from './screens/sign-in';

export type Me = NonNullable<MeQuery['me']>;

export function App() {
  const session = useSession();
  if (!session.token) return <SignIn />;
  return <SignedIn key={session.token} />;
}

function SignedIn() {
  const session = useSession();
  const [me, setMe] = useState<Me | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    session
      .call(MeDocument, {})
      .then((data) => {
        if (!live) return;
        if (data.me) setMe(data.me);
        else session.end(null);
      })
      .catch((error: unknown) => {
        if (live && error instanceof GraphError) setProblem(error.message);
      });
    return () => {
      live = false;
    };
    // Once per session (the token is this component's key), not again when `session` changes identity.
  }, []);

  if (problem)
    return (
      <p role="alert" className="problem">
        {problem}
      </p>
    );
  if (!me) return <p className="loading">{session.t.loading}</p>;
  if (me.mustChangePassword) return <ChangePassword />;
  return <Screens me={me} />;
}

function Screens({ me }: { me: Me }) {
  const route = useRoute();
  return (
    <Shell me={me} route={route}>
      {screenFor(route, me)}
    </Shell>
  );
}

function screenFor(route: Route, me: Me) {
  switch (route.page) {
    case 'inbox':
      return <Inbox role={me.user.role} />;
    case 'applications':
      return <Applications me={me} id={route.id} />;
    case 'room-applications':
      return <RoomApplications me={me} id={route.id} />;
    case 'rooms':
      return <Rooms me={me} id={route.id} />;
    case 'subjects':
      return <Subjects me={me} id={route.id} />;
    case 'exchange':
      return <Exchange me={me} id={route.id} />;
    case 'outbound':
      return <Outbound me={me} id={route.id} />;
    case 'facilities':
      return <Facilities me={me} id={route.id} />;
    case 'partners':
      return <Partners me={me} id={route.id} />;
    case 'faults':
      return <Faults me={me} id={route.id} />;
    case 'audit':
      return <Audit me={me} id={route.id} />;
    case 'emergency':
      return <Emergency me={me} />;
  }
}
