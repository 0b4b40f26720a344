// A bare /noise session with @chainsafe/libp2p-noise over a raw TCP socket (no multistream, no muxer), for Casto's
// Noise wire-compatibility tests.
//   node noise.mjs dial PORT [EXPECTED_PEER]   connects to 127.0.0.1:PORT and runs the initiator side
//   node noise.mjs listen PORT                 accepts one connection on 127.0.0.1:PORT and runs the responder side
// After the handshake, js sends u32be N + N pattern bytes; the other side answers with SHA-256(those N bytes) +
// u32be M + M pattern bytes (pattern byte i = (i * 7 + seed) % 251, seed 1 from js, 2 from Casto). js checks both and
// prints one JSON line: {"local": <js peer id>, "remote": <peer id js authenticated>, "remoteMuxers": [...], "ok": true}.
// Our stream_muxers extension advertises /yamux/1.0.0 (stream muxer negotiation itself is skipped).
import net from 'node:net'
import { createHash } from 'node:crypto'
import { noise } from '@chainsafe/libp2p-noise'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { defaultLogger } from '@libp2p/logger'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { toMultiaddrConnection } from './node_modules/@libp2p/tcp/dist/src/socket-to-conn.js'

const [mode, portText, expected] = process.argv.slice(2)
const port = Number(portText)
const SEND = 300 * 1024 + 7

const pattern = (n, seed) => Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) % 251)

const privateKey = await generateKeyPair('Ed25519')
const logger = defaultLogger()
const encrypter = noise({ extensions: { streamMuxers: ['/yamux/1.0.0'] } })({
  privateKey,
  logger,
  upgrader: { getStreamMuxers: () => new Map() }
})

const socket = await (mode === 'dial' ? dial() : accept())
const maConn = toMultiaddrConnection({
  socket,
  remoteAddr: multiaddr(`/ip4/127.0.0.1/tcp/${port}`),
  direction: mode === 'dial' ? 'outbound' : 'inbound',
  log: logger.forComponent('casto:noise-interop')
})

const options = { skipStreamMuxerNegotiation: true, signal: AbortSignal.timeout(20_000) }
const secured = mode === 'dial'
  ? await encrypter.secureOutbound(maConn, { ...options, remotePeer: expected ? peerIdFromString(expected) : undefined })
  : await encrypter.secureInbound(maConn, options)
const stream = secured.connection

// Collect incoming plaintext until `want` bytes are there.
let received = Buffer.alloc(0)
let waiting = null
stream.addEventListener('message', (evt) => {
  received = Buffer.concat([received, evt.data.subarray ? evt.data.subarray() : evt.data])
  waiting?.()
})
const readExactly = async (want) => {
  while (received.length < want) await new Promise((resolve) => { waiting = resolve })
  const out = received.subarray(0, want)
  received = received.subarray(want)
  return out
}

const data = pattern(SEND, 1)
const header = Buffer.alloc(4)
header.writeUInt32BE(SEND)
if (!stream.send(Buffer.concat([header, data]))) await stream.onDrain()

const digest = await readExactly(32)
const m = (await readExactly(4)).readUInt32BE(0)
const reply = await readExactly(m)
const ok = Buffer.compare(digest, createHash('sha256').update(data).digest()) === 0 &&
  Buffer.compare(reply, Buffer.from(pattern(m, 2))) === 0

console.log(JSON.stringify({
  local: peerIdFromPrivateKey(privateKey).toString(),
  remote: secured.remotePeer.toString(),
  remoteMuxers: secured.remoteExtensions?.streamMuxers ?? [],
  ok
}))
await stream.close().catch(() => {})
socket.destroy()
process.exit(ok ? 0 : 1)

function dial () {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s))
    s.once('error', reject)
  })
}

function accept () {
  return new Promise((resolve, reject) => {
    const server = net.createServer((s) => { server.close(); resolve(s) })
    server.once('error', reject)
    server.listen(port, '127.0.0.1')
  })
}
