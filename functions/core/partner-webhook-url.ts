import { BlockList, isIP } from 'node:net';
import { messageFor, type DetailCode } from './messages.js';

/**
 * Where we may POST a partner's signed batches (SSRF guard). Everything here is pure: the URL as written is
 * checked when the partner is saved, and every address its host resolves to is checked again at send time
 * (the transport connects to the address it checked, so a DNS answer cannot change in between).
 */
export interface WebhookUrlPolicy {
  /**
   * Loopback hosts and plain `http`: the local runtime and the tests, whose partners (the carrier
   * simulators) listen on 127.0.0.1. Never in AWS, where localhost:9001 is Lambda's own runtime API.
   */
  allowLoopback: boolean;
}

export type AddressKind = 'public' | 'loopback' | 'private' | 'forbidden';

const subnets = (list: [string, number][]) => {
  const block = new BlockList();
  for (const [network, prefix] of list)
    block.addSubnet(network, prefix, isIP(network) === 6 ? 'ipv6' : 'ipv4');
  return block;
};

/** Never a partner: link-local (cloud metadata at 169.254.169.254), "this host", multicast, reserved. */
const FORBIDDEN = subnets([
  ['0.0.0.0', 8],
  ['169.254.0.0', 16],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
  ['::', 128],
  ['fe80::', 10],
  ['ff00::', 8],
  // AWS's IPv6 instance metadata endpoint (inside the private fc00::/7).
  ['fd00:ec2::', 32],
]);
const LOOPBACK = subnets([
  ['127.0.0.0', 8],
  ['::1', 128],
]);
/** Private and shared networks (RFC 1918, carrier-grade NAT, benchmarking, IETF, unique local, site local). */
const PRIVATE = subnets([
  ['10.0.0.0', 8],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['100.64.0.0', 10],
  ['192.0.0.0', 24],
  ['198.18.0.0', 15],
  ['fc00::', 7],
  ['fec0::', 10],
]);

/** What an IP address is; IPv4-mapped IPv6 (`::ffff:127.0.0.1`) counts as its IPv4 address. */
export const addressKind = (address: string): AddressKind => {
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  if (FORBIDDEN.check(address, family)) return 'forbidden';
  if (LOOPBACK.check(address, family)) return 'loopback';
  if (PRIVATE.check(address, family)) return 'private';
  return 'public';
};

/** Why a URL or an address is refused: a catalogue code (functions/core/messages.ts) and its words. */
export interface UrlProblem {
  code: DetailCode;
  params?: { address: string };
  message: string;
}

const problem = (code: DetailCode, address?: string): UrlProblem => {
  const params = address === undefined ? undefined : { address };
  return { code, ...(params ? { params } : {}), message: messageFor(code, params, 'en') };
};

/** Why the policy refuses an address, or undefined when it may be used. */
export const addressProblem = (address: string, policy: WebhookUrlPolicy): UrlProblem | undefined => {
  switch (addressKind(address)) {
    case 'forbidden':
      return problem('forbidden_address', address);
    case 'loopback':
      return policy.allowLoopback ? undefined : problem('loopback_address', address);
    case 'private':
      return problem('private_address', address);
    case 'public':
      return undefined;
  }
};

/** The host as the URL parser reads it (`0x7f000001`, `2130706433`, `127.1` are 127.0.0.1), without []. */
export const urlHost = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();

const isLocalhostName = (host: string) => host === 'localhost' || host.endsWith('.localhost');

/**
 * Why a webhook URL is refused as written, or undefined. A host name is checked again, resolved, at send
 * time (`addressProblem` on each address).
 */
export const webhookUrlProblem = (raw: string, policy: WebhookUrlPolicy): UrlProblem | undefined => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return problem('invalid_http_url');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowLoopback))
    return problem(policy.allowLoopback ? 'invalid_http_url' : 'https_required');
  if (url.username || url.password) return problem('url_credentials');
  const host = urlHost(url);
  if (isIP(host)) return addressProblem(host, policy);
  if (isLocalhostName(host)) return policy.allowLoopback ? undefined : problem('loopback_host', host);
  if (!host.includes('.')) return problem('not_public_host', host);
  return undefined;
};
