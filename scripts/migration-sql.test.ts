import fs from 'node:fs';
import { repoPath } from '../lib/repo-paths';
import { migrationNameProblem, migrationStamp, parseMigrationArgs, schemaForPrisma6 } from './migration-sql';

describe('migration:sql', () => {
  it("rewrites our schema into Prisma 6.19's dialect: the client engine and a datasource URL, nothing else", () => {
    const ours = fs.readFileSync(repoPath('prisma', 'schema.prisma'), 'utf8');
    const rewritten = schemaForPrisma6(ours, 'postgresql://postgres@127.0.0.1:5432/postgres');
    const added = rewritten.split('\n').filter((line) => !ours.split('\n').includes(line));
    expect(added).toEqual(['  engineType = "client"', '  url = "postgresql://postgres@127.0.0.1:5432/postgres"']);
    expect(rewritten).toMatch(/generator client \{\n {2}engineType = "client"\n/);
    expect(rewritten).toMatch(/datasource db \{\n {2}provider = "postgresql"\n {2}url = "postgresql:/);
  });

  it('refuses a schema without the blocks it rewrites', () => {
    expect(() => schemaForPrisma6('model A {\n  id Int @id\n}\n', 'postgresql://x')).toThrow(/generator client/);
  });

  it('takes a short lower-case name for the migration folder', () => {
    expect(migrationNameProblem('add_room_notes')).toBeNull();
    expect(migrationNameProblem(undefined)).toMatch(/short name/);
    expect(migrationNameProblem('Add notes')).toMatch(/lower-case/);
    expect(migrationNameProblem('../escape')).toMatch(/lower-case/);
  });

  it('dates the new migration after the last one, so the runner, which goes by name, applies it last', () => {
    const now = new Date('2026-12-06T11:38:37Z');
    expect(migrationStamp(now, '20261201090000_rooms')).toBe('20261206113837');
    expect(migrationStamp(now, '20261206140000_certificate_expiry_notices')).toBe('20261206140100');
    expect(migrationStamp(now, '20261231235930_year_end')).toBe('20270101000030');
    expect(migrationStamp(now, undefined)).toBe('20261206113837');
  });

  it('reads the command line as the README writes it, with or without --from, and names what is wrong', () => {
    expect(parseMigrationArgs(['add_room_notes'])).toEqual({ name: 'add_room_notes' });
    expect(parseMigrationArgs(['add_room_notes', '--from', '/tmp/previous.prisma'])).toEqual({
      name: 'add_room_notes',
      fromFile: '/tmp/previous.prisma',
    });
    expect(parseMigrationArgs(['--from', '/tmp/previous.prisma', 'add_room_notes'])).toEqual({
      name: 'add_room_notes',
      fromFile: '/tmp/previous.prisma',
    });
    expect(parseMigrationArgs([])).toEqual({ problem: expect.stringMatching(/short name/) });
    expect(parseMigrationArgs(['add_room_notes', '--from'])).toEqual({
      problem: expect.stringMatching(/--from needs/),
    });
    expect(parseMigrationArgs(['add_room_notes', '--force'])).toEqual({
      problem: expect.stringMatching(/unknown option --force/),
    });
    expect(parseMigrationArgs(['one', 'two'])).toEqual({ problem: expect.stringMatching(/one name only/) });
  });
});
