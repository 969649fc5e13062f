import { GraphQLError } from 'graphql';
import { z } from 'zod';
import { calendarDate, pageArgs, parseInput, text, uuid } from './input';
import { messageOf } from './graphql-errors';

describe('boundary input parsing', () => {
  it('accepts real calendar dates only', () => {
    expect(calendarDate.safeParse('2024-02-29').success).toBe(true);
    for (const bad of ['2023-02-29', '2024-13-01', '24-01-01', '2024-1-1', 20240101]) {
      expect(calendarDate.safeParse(bad).success).toBe(false);
    }
  });

  it('trims and bounds text', () => {
    expect(text(5).parse('  abc ')).toBe('abc');
    expect(text(5).safeParse('   ').success).toBe(false);
    expect(text(5).safeParse('abcdef').success).toBe(false);
  });

  it('names the failing field in BAD_USER_INPUT', () => {
    const schema = z.object({ subjectId: uuid, title: text(10) });
    try {
      parseInput(schema, { subjectId: 'nope', title: 'ok' });
      throw new Error('expected failure');
    } catch (error) {
      expect(error).toBeInstanceOf(GraphQLError);
      expect((error as GraphQLError).extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'subjectId' });
      expect((error as GraphQLError).message).toBe('subjectId: It must be a valid ID.');
      expect(messageOf(error)).toEqual({
        en: 'subjectId: It must be a valid ID.',
        ja: 'subjectId: 正しい ID にしてください。',
      });
    }
  });

  it("words zod's own issues in both languages, never in zod's English", () => {
    const schema = z.object({ title: text(5), kind: z.enum(['A', 'B']), count: z.number() });
    const messageFor = (value: unknown) => {
      try {
        parseInput(schema, value);
      } catch (error) {
        return messageOf(error);
      }
      throw new Error('expected failure');
    };
    expect(messageFor({ title: 'too long', kind: 'A', count: 1 })).toEqual({
      en: 'title: It must be at most 5 characters.',
      ja: 'title: 5文字以内にしてください。',
    });
    expect(messageFor({ title: 'ok', kind: 'C', count: 1 })).toEqual({
      en: 'kind: It must be one of A, B.',
      ja: 'kind: A、B のいずれかにしてください。',
    });
    expect(messageFor({ title: 'ok', kind: 'A' })).toEqual({ en: 'count: It is required.', ja: 'count: 必須です。' });
  });

  it('bounds page sizes', () => {
    expect(pageArgs(100).parse({})).toEqual({ first: 50 });
    expect(pageArgs(100).safeParse({ first: 101 }).success).toBe(false);
    expect(pageArgs(100).safeParse({ first: 0 }).success).toBe(false);
  });
});
