// Reference numbers for docs/performance.md: js-libp2p sign/verify cost per key type (mean of N operations).
//   node --import ./polyfill.mjs bench-keys.mjs [N]
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'

const n = Number(process.argv[2] ?? 2000)
const message = new Uint8Array(64)
const time = async (fn, count = n) => {
  for (let i = 0; i < Math.min(count, 200); i++) await fn() // warm-up
  const start = process.hrtime.bigint()
  for (let i = 0; i < count; i++) await fn()
  return Number(process.hrtime.bigint() - start) / count / 1000 // µs
}

for (const type of ['Ed25519', 'secp256k1', 'RSA']) {
  const key = type === 'RSA' ? await generateKeyPair('RSA', 2048) : await generateKeyPair(type)
  const sig = await key.sign(message)
  const count = type === 'RSA' ? n / 10 : n
  const sign = await time(() => key.sign(message), count)
  const verify = await time(() => key.publicKey.verify(message, sig), count)
  console.log(JSON.stringify({ type, signMicros: +sign.toFixed(1), verifyMicros: +verify.toFixed(1), count }))
}
const text = '/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA'
console.log(JSON.stringify({ multiaddrParseMicros: +(await time(() => multiaddr(text).bytes)).toFixed(2) }))
console.log(JSON.stringify({ peerIdParseMicros: +(await time(() => peerIdFromString('12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA'))).toFixed(2) }))
