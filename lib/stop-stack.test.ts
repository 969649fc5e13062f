import { stopStack } from './stop-stack';

describe('stopStack', () => {
  it('stops the parts last-started first', async () => {
    const stopped: string[] = [];
    const parts = stopStack();
    for (const name of ['database', 'subgraphs', 'gateway'])
      parts.push(() => {
        stopped.push(name);
        return Promise.resolve();
      });
    await parts.stopAll();
    expect(stopped).toEqual(['gateway', 'subgraphs', 'database']);
  });

  it('stops each part once: a second stop, during or after the first, waits for the first', async () => {
    const stopped: string[] = [];
    let release: () => void = () => undefined;
    const parts = stopStack();
    parts.push(() => {
      stopped.push('first');
      return Promise.resolve();
    });
    parts.push(() => {
      stopped.push('server');
      // A server's close() fails when it is not running: a second call must not reach it.
      if (stopped.filter((name) => name === 'server').length > 1) throw new Error('the server is not running');
      return new Promise<void>((resolve) => (release = resolve));
    });
    const first = parts.stopAll();
    const during = parts.stopAll();
    release();
    await Promise.all([first, during]);
    await parts.stopAll();
    expect(stopped).toEqual(['server', 'first']);
  });

  it('answers every call with the first stop’s failure', async () => {
    const parts = stopStack();
    parts.push(() => Promise.reject(new Error('redis did not stop')));
    await expect(parts.stopAll()).rejects.toThrow('redis did not stop');
    await expect(parts.stopAll()).rejects.toThrow('redis did not stop');
  });
});
