import { isLoopbackAddress, isLoopbackHost } from './loopback-host';

describe('loopback names', () => {
  it.each([
    'localhost',
    'localhost:8080',
    '127.0.0.1',
    '127.0.0.1:80',
    '127.1.2.3:9',
    '[::1]',
    '[::1]:8080',
    'app.localhost:3000',
  ])('accepts %s as a Host of this machine', (host) => expect(isLoopbackHost(host)).toBe(true));

  it.each([
    undefined,
    '',
    'evil.example',
    'evil.example:8080',
    'localhost.evil.example',
    '127.0.0.1.nip.io',
    '10.0.0.1:8080',
    '0.0.0.0:8080',
    '[::]:8080',
    'localhost:8080:1',
    'user@localhost',
  ])('refuses %s, which a rebinding page or another machine would send', (host) =>
    expect(isLoopbackHost(host)).toBe(false),
  );

  it('knows which bind addresses are loopback', () => {
    expect(['127.0.0.1', '::1', 'localhost', '::ffff:127.0.0.1'].every(isLoopbackAddress)).toBe(true);
    expect(['0.0.0.0', '::', '192.168.1.4'].some(isLoopbackAddress)).toBe(false);
  });
});
