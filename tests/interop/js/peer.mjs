// js-libp2p 3.x reference peer for Casto's interop tests (tcp + noise + yamux + identify + ping + perf).
//   node --import ./polyfill.mjs peer.mjs listen [MULTIADDR]     prints {"peerId","addrs","protocols"} and serves until SIGTERM
//   node --import ./polyfill.mjs peer.mjs dial MULTIADDR SCENARIO [ARGS]   runs one scenario, prints one JSON line
// Scenarios: ping N | identify | echo STREAMS BYTES | perf UP DOWN | connect | connect-loop N
// Test protocols served: /casto/echo/1.0.0 (echo), /casto/reset/1.0.0 (reads a chunk, then resets),
// /casto/close/1.0.0 (reads a chunk, then closes both ways), /perf/1.0.0 (libp2p perf spec).
import { createHash, randomBytes } from 'node:crypto'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { multiaddr } from '@multiformats/multiaddr'

const [mode, ...args] = process.argv.slice(2)
const streamLimits = { maxInboundStreams: 1024, maxOutboundStreams: 1024 }
const toBytes = (chunk) => chunk.subarray ? chunk.subarray() : chunk

async function send (stream, data) {
  if (!stream.send(data)) await stream.onDrain()
}

async function sendZeros (stream, count) {
  const block = new Uint8Array(64 * 1024)
  while (count > 0) {
    const n = Math.min(count, block.length)
    await send(stream, n === block.length ? block : block.subarray(0, n))
    count -= n
  }
}

async function perfHandler (stream) {
  let header = new Uint8Array(0)
  let download = null
  for await (const chunk of stream) {
    if (download === null) {
      header = Uint8Array.from([...header, ...toBytes(chunk)])
      if (header.length >= 8) download = new DataView(header.buffer, header.byteOffset).getBigUint64(0)
    }
  }
  await sendZeros(stream, Number(download ?? 0n))
  await stream.close()
}

const node = await createLibp2p({
  addresses: { listen: mode === 'listen' ? [args[0] ?? '/ip4/127.0.0.1/tcp/0'] : [] },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  services: { identify: identify(), ping: ping() },
  connectionManager: { maxConnections: 1000, inboundConnectionThreshold: 10000, maxIncomingPendingConnections: 1000 }
})

await node.handle('/casto/echo/1.0.0', async (stream) => {
  for await (const chunk of stream) await send(stream, toBytes(chunk))
  await stream.close()
}, streamLimits)
await node.handle('/casto/reset/1.0.0', async (stream) => {
  for await (const _ of stream) { stream.abort(new Error('reset by js on purpose')); return }
}, streamLimits)
await node.handle('/casto/close/1.0.0', async (stream) => {
  for await (const _ of stream) { await stream.close(); return }
}, streamLimits)
await node.handle('/perf/1.0.0', perfHandler, streamLimits)

if (mode === 'listen') {
  console.log(JSON.stringify({ peerId: node.peerId.toString(), addrs: node.getMultiaddrs().map(String), protocols: node.getProtocols() }))
  const stop = async () => { await node.stop(); process.exit(0) }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  process.stdin.on('end', stop)
  process.stdin.resume()
} else if (mode === 'dial') {
  const [address, scenario, ...rest] = args
  const ma = multiaddr(address)
  const started = performance.now()
  let out
  try {
    out = await run(ma, scenario, rest, started)
  } catch (err) {
    out = { error: String(err?.message ?? err), name: err?.name }
  }
  console.log(JSON.stringify(out))
  await node.stop()
  process.exit(out.error ? 1 : 0)
}

async function run (ma, scenario, rest, started) {
  switch (scenario) {
    case 'connect': {
      const connection = await node.dial(ma)
      return { remotePeer: connection.remotePeer.toString(), ms: performance.now() - started }
    }
    case 'connect-loop': {
      // dial + first ping on a fresh connection, N times in one process: [0] is cold, the rest warm
      const times = []
      for (let i = 0; i < Number(rest[0] ?? 20); i++) {
        const t0 = performance.now()
        const connection = await node.dial(ma)
        await node.services.ping.ping(ma)
        times.push(performance.now() - t0)
        await node.hangUp(connection.remotePeer)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      const warm = times.slice(1).sort((a, b) => a - b)
      return { coldMs: times[0], warmMedianMs: warm[Math.floor(warm.length / 2)] ?? times[0] }
    }
    case 'ping': {
      const rtts = []
      for (let i = 0; i < Number(rest[0] ?? 3); i++) rtts.push(await node.services.ping.ping(ma))
      return { rtts, firstMs: performance.now() - started }
    }
    case 'identify': {
      // identify runs on every new connection; wait for its event rather than asking twice.
      const identified = new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('identify timed out')), 10000)
        node.addEventListener('peer:identify', (evt) => { clearTimeout(timer); resolve(evt.detail) }, { once: true })
      })
      await node.dial(ma)
      const result = await identified
      return {
        peerId: result.peerId.toString(),
        protocols: result.protocols,
        agentVersion: result.agentVersion,
        protocolVersion: result.protocolVersion,
        observedAddr: result.observedAddr?.toString(),
        listenAddrs: result.listenAddrs.map(String)
      }
    }
    case 'echo': {
      const streams = Number(rest[0] ?? 100)
      const bytes = Number(rest[1] ?? 65536)
      const connection = await node.dial(ma)
      await Promise.all(Array.from({ length: streams }, async () => {
        const stream = await connection.newStream('/casto/echo/1.0.0', streamLimits)
        const data = randomBytes(bytes)
        const reading = (async () => {
          const hash = createHash('sha256')
          let total = 0
          for await (const chunk of stream) { hash.update(toBytes(chunk)); total += chunk.byteLength }
          return { digest: hash.digest('hex'), total }
        })()
        for (let i = 0; i < data.length; i += 65536) await send(stream, data.subarray(i, i + 65536))
        await stream.close()
        const got = await reading
        const want = createHash('sha256').update(data).digest('hex')
        if (got.total !== bytes || got.digest !== want) throw new Error(`echo mismatch: ${got.total} bytes`)
      }))
      return { streams, bytes, ms: performance.now() - started }
    }
    case 'perf': {
      const up = Number(rest[0] ?? 0)
      const down = BigInt(rest[1] ?? 0)
      const connection = await node.dial(ma)
      const t0 = performance.now()
      const stream = await connection.newStream('/perf/1.0.0', streamLimits)
      const header = new Uint8Array(8)
      new DataView(header.buffer).setBigUint64(0, down)
      await send(stream, header)
      await sendZeros(stream, up)
      const reading = (async () => { let n = 0; for await (const c of stream) n += c.byteLength; return n })()
      await stream.close()
      const received = await reading
      const seconds = (performance.now() - t0) / 1000
      return { seconds, uploadBytes: up, downloadBytes: received, gbps: (up + received) * 8 / seconds / 1e9 }
    }
    default:
      throw new Error(`unknown scenario ${scenario}`)
  }
}
