import { parseSyslogTarget, syslogMessage } from './checkpoint-syslog';

describe('the checkpoints’ syslog sink', () => {
  it('reads udp:// and tcp:// targets, 514 by default, and nothing else', () => {
    expect(parseSyslogTarget('udp://logs.example.jp')).toEqual({ protocol: 'udp', host: 'logs.example.jp', port: 514 });
    expect(parseSyslogTarget('tcp://10.0.0.5:6514')).toEqual({ protocol: 'tcp', host: '10.0.0.5', port: 6514 });
    expect(parseSyslogTarget('udp://[::1]:5140')).toEqual({ protocol: 'udp', host: '::1', port: 5140 });
    for (const bad of ['syslog://host', 'http://host:514', 'udp://', 'udp://host:514/path', 'host:514', ''])
      expect(parseSyslogTarget(bad)).toBeNull();
  });

  it('writes an RFC 5424 message, facility log audit, with the signed line as its message', () => {
    const checkpoint = {
      trail: 'rooms' as const,
      seq: '12',
      hash: 'ab'.repeat(32),
      records: 12,
      at: '2026-12-06T05:00:00.000Z',
      signature: 'c2ln',
    };
    const message = syslogMessage(checkpoint, new Date('2026-12-06T05:00:01.000Z'), 'renkei host');
    expect(message).toBe(
      `<109>1 2026-12-06T05:00:01.000Z renkeihost renkei ${process.pid} audit-checkpoint - ${JSON.stringify(checkpoint)}`,
    );
  });
});
