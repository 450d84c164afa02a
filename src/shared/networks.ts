/** Address-in-network checks shared by main (search) and the renderer. */
import ipaddr from 'ipaddr.js'

/**
 * True when the network `cidr` ("198.51.100.0/24") contains the address `ip`; IPv4-mapped IPv6
 * addresses are compared as IPv4. False for anything that does not parse.
 */
export function networkContains(cidr: string, ip: string): boolean {
  try {
    const [net, bits] = ipaddr.parseCIDR(cidr)
    let addr = ipaddr.parse(ip)
    if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress())
      addr = (addr as ipaddr.IPv6).toIPv4Address()
    if (addr.kind() !== net.kind()) return false
    return addr.match(net, bits)
  } catch {
    return false
  }
}
