import { fileNameOf } from './file-routes';

describe("the gateway's file routes", () => {
  it('keeps a downloaded file’s own name, never a path', () => {
    expect(fileNameOf('attachment; filename="disclosure-1-20260105T010000.csv"', 'x.csv')).toBe(
      'disclosure-1-20260105T010000.csv',
    );
    expect(fileNameOf('attachment; filename="../etc/passwd"', 'x.csv')).toBe('x.csv');
    expect(fileNameOf('attachment; filename=".hidden"', 'x.csv')).toBe('x.csv');
    expect(fileNameOf(null, 'x.json')).toBe('x.json');
    expect(fileNameOf('attachment; filename="renkei-terminal-0a1b.p12"', 'x.p12')).toBe('renkei-terminal-0a1b.p12');
  });
});
