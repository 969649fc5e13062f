// The demo's people, written where anyone trying the network finds them:
// DATA_DIR/people/<account>.p12 (each person's terminal certificate),
// people.txt (to read) and people.json (for scripts/walkthrough.sh). Like
// the bootstrap files, they are readable by the owner only: they hold
// passwords and passphrases, of invented people on a demo network.
// people.json is written last: its presence says the seeding finished, and
// a later `npm run demo` just starts the network again.
import fs from 'node:fs';
import path from 'node:path';
import type { SeededNetwork } from './seed-network';

export const peopleJsonName = 'people.json';
export const peopleTextName = 'people.txt';
/** Present while the demo seeds (and left behind if the seeding stopped): scripts/walkthrough.sh checks it. */
export const seedingMarkerName = 'demo-seeding';

export interface PeopleFile {
  /** Paths are relative to the data directory. */
  caCertificate: string;
  /** The account the walkthrough signs in as unless told otherwise. */
  tryFirst: string;
  people: Array<{
    accountId: string;
    name: string;
    role: string;
    job: string;
    facility: string;
    password: string;
    passwordIsOneTime: boolean;
    certificate: string;
    passphrase: string;
  }>;
  facilities: Array<{ id: string; name: string; kind: string }>;
  rooms: Array<{ id: string; title: string; subject: string; members: string[] }>;
  pendingRoomApplications: SeededNetwork['pendingRoomApplications'];
  partner: { id: string; name: string; privateJwkFile: string };
}

export function readPeopleFile(dataDir: string): PeopleFile | null {
  const file = path.join(dataDir, peopleJsonName);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as PeopleFile) : null;
}

export function writePeopleFiles(
  dataDir: string,
  caCertificatePath: string,
  network: SeededNetwork,
  tryFirstKey: string,
): PeopleFile {
  const peopleDir = path.join(dataDir, 'people');
  fs.mkdirSync(peopleDir, { recursive: true, mode: 0o700 });
  const accountOf = (key: string) => network.people.find((p) => p.key === key)?.accountId ?? key;
  const people = network.people.map((person) => {
    const certificate = path.join('people', `${person.accountId}.p12`);
    fs.writeFileSync(path.join(dataDir, certificate), person.terminal.pfx, { mode: 0o600 });
    return {
      accountId: person.accountId,
      name: person.name,
      role: person.role,
      job: person.job,
      facility: person.facilityName,
      password: person.password,
      passwordIsOneTime: false,
      certificate,
      passphrase: person.terminal.passphrase,
    };
  });
  const privateJwkFile = 'partner-private-jwk.json';
  fs.writeFileSync(path.join(dataDir, privateJwkFile), `${JSON.stringify(network.partner.privateJwk, null, 2)}\n`, {
    mode: 0o600,
  });
  const file: PeopleFile = {
    caCertificate: path.relative(dataDir, caCertificatePath),
    tryFirst: accountOf(tryFirstKey),
    people,
    facilities: network.facilities.map(({ id, name, kind }) => ({ id, name, kind })),
    rooms: network.rooms.map((room) => ({ ...room, members: room.members.map(accountOf) })),
    pendingRoomApplications: network.pendingRoomApplications,
    partner: { id: network.partner.id, name: network.partner.name, privateJwkFile },
  };
  fs.writeFileSync(path.join(dataDir, peopleTextName), peopleText(dataDir, file), { mode: 0o600 });
  const json = path.join(dataDir, peopleJsonName);
  fs.writeFileSync(`${json}.partial`, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(`${json}.partial`, json);
  return file;
}

function peopleText(dataDir: string, file: PeopleFile): string {
  const lines = [
    'Renkei demo network: invented people, facilities and subjects. Never put real personal data here.',
    '',
    `Network CA (trust it in the browser): ${path.join(dataDir, file.caCertificate)}`,
    'Each person signs in with the account ID and password below, from a terminal that presents the',
    "person's certificate (people/<account ID>.p12, with its passphrase). Passwords are already set",
    '(no one-time password to change).',
    '',
  ];
  for (const person of file.people) {
    lines.push(
      `${person.accountId}  ${person.role.padEnd(16)} ${person.name} (${person.job}), ${person.facility}`,
      `    password: ${person.password}   certificate: ${person.certificate}   passphrase: ${person.passphrase}`,
    );
  }
  lines.push('', 'Rooms:');
  for (const room of file.rooms) lines.push(`  ${room.title} (${room.id}): members ${room.members.join(', ')}`);
  lines.push('', 'Room applications waiting (Form 8):');
  for (const waiting of file.pendingRoomApplications)
    lines.push(`  ${waiting.title} (${waiting.id}): waits for ${waiting.waitsFor}`);
  lines.push(
    '',
    `Partner network: ${file.partner.name} (${file.partner.id}); its private key (to sign its FHIR requests): ${file.partner.privateJwkFile}`,
    '',
    `Try it: the walkthrough signs in as ${file.tryFirst} and reads a room's timeline:`,
    `  DATA_DIR=${dataDir} scripts/walkthrough.sh [account ID]`,
    '',
  );
  return lines.join('\n');
}
