// js-libp2p mDNS reference node for Casto's discovery interop tests and benchmark.
//   node --import ./polyfill.mjs mdns.mjs [LISTEN_MULTIADDR] [QUERY_INTERVAL_MS]
// Prints {"self":true,"peerId","addrs"} once started, then one {"source":"mdns","peerId","addrs"} line per
// peer:discovery event (addrs as @libp2p/mdns reports them: without /p2p; ms = since just before createLibp2p). Exits on SIGTERM/SIGINT or when stdin closes.
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { mdns } from '@libp2p/mdns'

const [listen = '/ip4/127.0.0.1/tcp/0', interval = '10000'] = process.argv.slice(2)
const t0 = performance.now()
const node = await createLibp2p({
  addresses: { listen: [listen] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  peerDiscovery: [mdns({ interval: Number(interval) })]
})

node.addEventListener('peer:discovery', (event) => {
  const { id, multiaddrs } = event.detail
  console.log(JSON.stringify({ source: 'mdns', peerId: id.toString(), addrs: multiaddrs.map(a => a.toString()), ms: performance.now() - t0 }))
})
console.log(JSON.stringify({ self: true, peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(a => a.toString()) }))

const stop = async () => { await node.stop(); process.exit(0) }
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
process.stdin.on('end', stop)
process.stdin.resume()
