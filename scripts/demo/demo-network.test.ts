// The demo's data, checked before a seeding would find a mistake half a
// minute in: every kind of facility, codes the network accepts, names in
// kana, and every person a room names is someone the demo enrols.
import { careProviderNumberProblem, medicalInstitutionCodeProblem } from '../../lib/exchange/jp-identifiers';
import { facilityKinds } from '../../subgraphs/identity/domain/application-forms';
import { isKanaName } from '../../subgraphs/identity/domain/subject-rules';
import {
  adminManagerSpec,
  demoFacilities,
  demoSubjects,
  hospitalManagerSpec,
  staff,
  tryFirstKey,
} from './demo-network';

const enrolled = [
  'systemAdmin',
  adminManagerSpec.key,
  hospitalManagerSpec.key,
  ...Object.values(staff).flatMap(({ manager, user }) => [manager.key, user.key]),
];
const users = Object.values(staff).map(({ user }) => user.key);
const deciders = ['systemAdmin', adminManagerSpec.key, hospitalManagerSpec.key];

describe('the demo network', () => {
  it('has a facility of every kind Art. 6 names (the city office is the other approved one)', () => {
    const kinds = new Set<string>(demoFacilities.map((facility) => facility.kind));
    kinds.add('OTHER_APPROVED');
    expect([...kinds].sort()).toEqual([...facilityKinds].sort());
  });

  it('gives facilities codes the network accepts, and each person a key of their own', () => {
    for (const facility of demoFacilities) {
      const codes = facility as { medicalInstitutionCode?: string; careProviderNumber?: string };
      if (codes.medicalInstitutionCode) expect(medicalInstitutionCodeProblem(codes.medicalInstitutionCode)).toBeNull();
      if (codes.careProviderNumber) expect(careProviderNumberProblem(codes.careProviderNumber)).toBeNull();
    }
    expect(new Set(enrolled).size).toBe(enrolled.length);
    const people = [adminManagerSpec, hospitalManagerSpec, ...Object.values(staff).flatMap((s) => [s.manager, s.user])];
    for (const person of people) expect(isKanaName(person.nameKana)).toBe(true);
  });

  it('routes each subject as the regulations do: a user registers it and asks for the room, a decider approves', () => {
    for (const subject of demoSubjects) {
      expect(isKanaName(subject.nameKana)).toBe(true);
      expect(users).toContain(subject.registeredBy);
      expect(subject.room.members).toContain(subject.registeredBy);
      for (const member of subject.room.members) expect(enrolled).toContain(member);
      if (subject.room.approvedBy) expect(deciders).toContain(subject.room.approvedBy);
      for (const post of subject.room.posts) expect(subject.room.members).toContain(post.by);
    }
    // The walkthrough's person is a member of the room seeded last, the newest.
    expect(demoSubjects[demoSubjects.length - 1]!.room.members).toContain(tryFirstKey);
  });
});
