/** Addresses that only this machine can reach. */
export function isLoopbackAddress(address: string): boolean {
  const bare = address.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return (
    bare === 'localhost' ||
    bare === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare) ||
    /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare)
  );
}

/**
 * Whether a Host header names this machine: localhost (and its *.localhost subdomains, which
 * browsers resolve to loopback themselves), 127.0.0.0/8 or [::1], with or without a port. A page
 * on another origin that rebinds its DNS name to 127.0.0.1 still sends its own name here, so a
 * server bound to loopback answers it with 403 instead of acting for it.
 */
export function isLoopbackHost(header: string | undefined): boolean {
  if (!header) return false;
  const host = /^(\[[^\]]+\]|[^:]+)(?::\d{1,5})?$/.exec(header.trim())?.[1];
  if (!host) return false;
  return isLoopbackAddress(host) || /^[a-z0-9-]+(\.[a-z0-9-]+)*\.localhost\.?$/i.test(host);
}
