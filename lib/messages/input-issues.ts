// What a caller reads when an argument fails its zod schema. zod keeps a
// message as a string, so our own messages travel inside it encoded
// (`inputMessage`, both languages); zod's built-in issues (wrong type, too
// long, not in the enum) are worded here from the issue's code and limits, so
// zod's English never reaches a caller.
import type { ZodIssue } from 'zod';
import { isMessage, type Message } from './message';

const marker = '\u0000renkei-message:';

/** A zod schema's message in both languages (`.min(1, inputMessage({ en, ja }))`). */
export function inputMessage(message: Message): string {
  return `${marker}${JSON.stringify({ en: message.en, ja: message.ja })}`;
}

function decoded(text: string): Message | undefined {
  if (!text.startsWith(marker)) return undefined;
  try {
    const value: unknown = JSON.parse(text.slice(marker.length));
    return isMessage(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

const invalid: Message = { en: 'It is not valid.', ja: '正しくありません。' };

function sizeMessage(issue: ZodIssue & { code: 'too_small' | 'too_big' }): Message {
  const limit = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
  const least = issue.code === 'too_small';
  switch (issue.type) {
    case 'string':
      if (least && limit === 1) return { en: 'It must not be empty.', ja: '入力してください。' };
      return least
        ? { en: `It must be at least ${limit} characters.`, ja: `${limit}文字以上にしてください。` }
        : { en: `It must be at most ${limit} characters.`, ja: `${limit}文字以内にしてください。` };
    case 'array':
    case 'set':
      return least
        ? { en: `Give at least ${limit}.`, ja: `${limit}件以上指定してください。` }
        : { en: `Give at most ${limit}.`, ja: `${limit}件以内にしてください。` };
    case 'number':
    case 'bigint':
      return least
        ? { en: `It must be at least ${limit}.`, ja: `${limit}以上にしてください。` }
        : { en: `It must be at most ${limit}.`, ja: `${limit}以下にしてください。` };
    default:
      return invalid;
  }
}

/** The issue in both languages, without the field (parseInput adds it). */
export function issueMessage(issue: ZodIssue): Message {
  const own = decoded(issue.message);
  if (own) return own;
  switch (issue.code) {
    case 'invalid_type':
      return issue.received === 'undefined' || issue.received === 'null'
        ? { en: 'It is required.', ja: '必須です。' }
        : {
            en: `It must be of type ${issue.expected}, not ${issue.received}.`,
            ja: `型が正しくありません（${issue.received} ではなく ${issue.expected} にしてください）。`,
          };
    case 'too_small':
    case 'too_big':
      return sizeMessage(issue);
    case 'invalid_string':
      return issue.validation === 'uuid'
        ? { en: 'It must be a valid ID.', ja: '正しい ID にしてください。' }
        : { en: 'Its format is not valid.', ja: '形式が正しくありません。' };
    case 'invalid_enum_value':
      return {
        en: `It must be one of ${issue.options.join(', ')}.`,
        ja: `${issue.options.join('、')} のいずれかにしてください。`,
      };
    case 'invalid_date':
      return { en: 'It must be a valid date and time.', ja: '正しい日時にしてください。' };
    case 'unrecognized_keys':
      return { en: `Leave out ${issue.keys.join(', ')}.`, ja: `${issue.keys.join('、')} は指定できません。` };
    default:
      return invalid;
  }
}
