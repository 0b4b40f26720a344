// js-libp2p 3.x Kademlia peer (@libp2p/kad-dht, server mode) for Casto's DHT interop tests. Loopback only.
//   node --import ./polyfill.mjs kad.mjs
// Prints {"peerId","addrs","protocols"}, then answers one JSON command per stdin line with one JSON stdout line {"reply":ID,...}:
//   {"cmd":"dial","addr":MA} {"cmd":"provide","cid":CID} {"cmd":"findProviders","cid":CID}
//   {"cmd":"findPeer","peer":ID} {"cmd":"closest","key":HEX} {"cmd":"putPk"} {"cmd":"get","key":HEX}
//   {"cmd":"table"} (routing-table size) {"cmd":"inTable","peer":ID}
//   {"cmd":"closestStats","key":HEX} and {"cmd":"provideStats","cid":CID}: the DHT's own getClosestPeers/provide,
//   timed inside node ({"peers","ms","queried"} / {"ms"}; ms excludes the stdin/stdout round trip), for bench/Casto.Benchmarks kad-js
// passthroughMapper keeps loopback addresses in DHT answers; allowQueryWithZeroPeers lets provide() store locally
// (see docs in shared notes: js-libp2p behaviour).
import { createInterface } from 'node:readline'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht'
import { publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { CID } from 'multiformats/cid'
import { fromString, toString, concat } from 'uint8arrays'

const node = await createLibp2p({
  addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  services: {
    identify: identify(),
    ping: ping(),
    dht: kadDHT({ protocol: '/ipfs/kad/1.0.0', clientMode: false, peerInfoMapper: passthroughMapper, allowQueryWithZeroPeers: true })
  }
})

console.log(JSON.stringify({ peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(String), protocols: node.getProtocols() }))

const withTimeout = (promise, ms = 20000) => Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), ms))])

async function run (c) {
  switch (c.cmd) {
    case 'dial': {
      const connection = await node.dial(multiaddr(c.addr))
      await new Promise((resolve) => setTimeout(resolve, 300)) // let identify add the peer to the routing table
      return { remotePeer: connection.remotePeer.toString() }
    }
    case 'provide':
      await withTimeout(node.contentRouting.provide(CID.parse(c.cid)))
      return { provided: c.cid }
    case 'findProviders': {
      const providers = []
      for await (const p of node.contentRouting.findProviders(CID.parse(c.cid), { signal: AbortSignal.timeout(20000) })) {
        providers.push({ id: p.id.toString(), addrs: p.multiaddrs.map(String) })
        if (providers.length >= (c.max ?? 1)) break
      }
      return { providers }
    }
    case 'findPeer': {
      const info = await node.peerRouting.findPeer(peerIdFromString(c.peer), { signal: AbortSignal.timeout(20000) })
      return { id: info.id.toString(), addrs: info.multiaddrs.map(String) }
    }
    case 'closest': {
      const peers = []
      for await (const p of node.peerRouting.getClosestPeers(fromString(c.key, 'base16'), { signal: AbortSignal.timeout(20000) })) peers.push(p.id.toString())
      return { peers }
    }
    case 'putPk': {
      const key = concat([fromString('/pk/'), node.peerId.toMultihash().bytes])
      await withTimeout(node.contentRouting.put(key, publicKeyToProtobuf(node.peerId.publicKey)))
      return { key: toString(key, 'base16') }
    }
    case 'get': {
      const value = await node.contentRouting.get(fromString(c.key, 'base16'), { signal: AbortSignal.timeout(20000) })
      return { value: toString(value, 'base16') }
    }
    case 'closestStats': {
      const started = performance.now()
      const peers = []
      let queried = 0
      for await (const e of node.services.dht.getClosestPeers(fromString(c.key, 'base16'), { signal: AbortSignal.timeout(20000) })) {
        if (e.name === 'PEER_RESPONSE') queried++
        else if (e.name === 'FINAL_PEER') peers.push(e.peer.id.toString())
      }
      return { peers, ms: performance.now() - started, queried }
    }
    case 'provideStats': {
      const started = performance.now()
      for await (const _ of node.services.dht.provide(CID.parse(c.cid), { signal: AbortSignal.timeout(20000) })) { /* drain */ }
      return { ms: performance.now() - started }
    }
    case 'table':
      return { size: node.services.dht.routingTable.size }
    case 'inTable':
      return { present: (await node.services.dht.routingTable.find(peerIdFromString(c.peer))) != null }
    default:
      throw new Error(`unknown command ${c.cmd}`)
  }
}

const lines = createInterface({ input: process.stdin })
lines.on('line', async (line) => {
  const c = JSON.parse(line)
  let out
  try {
    out = await run(c)
  } catch (err) {
    out = { error: String(err?.message ?? err) }
  }
  console.log(JSON.stringify({ reply: c.id, ...out }))
})
lines.on('close', async () => { await node.stop(); process.exit(0) })
process.on('SIGTERM', async () => { await node.stop(); process.exit(0) })
