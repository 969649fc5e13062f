// Placeholder until this screen is built (branch console-base only; never on main as is).
import type { Me } from '../../app';

export function Partners(_: { me: Me; id?: string }) {
  return <p className="loading">…</p>;
}
