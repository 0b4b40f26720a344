// Reference key handling by js-libp2p, for Casto's identity interop tests.
//   node keys.mjs id FILE            prints the peer id js-libp2p derives for the protobuf PrivateKey in FILE
//   node keys.mjs gen TYPE FILE      writes a new js-generated key (Ed25519|secp256k1|ECDSA|RSA) and prints its id
//   node keys.mjs verify FILE HEXDATA HEXSIG   checks a signature with the key's public half (prints true/false)
//   node keys.mjs sign FILE HEXDATA                 prints the hex signature js-libp2p makes over the data
//   node keys.mjs parse PEERID       prints the base58 form of a peer id given as base58 or CID
import { readFileSync, writeFileSync } from 'node:fs'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'

const [cmd, ...args] = process.argv.slice(2)
const hex = (s) => Uint8Array.from(Buffer.from(s, 'hex'))

switch (cmd) {
  case 'id': {
    const key = privateKeyFromProtobuf(readFileSync(args[0]))
    console.log(peerIdFromPrivateKey(key).toString())
    break
  }
  case 'gen': {
    const key = args[0] === 'RSA' ? await generateKeyPair('RSA', 2048) : await generateKeyPair(args[0])
    writeFileSync(args[1], privateKeyToProtobuf(key), { mode: 0o600 })
    console.log(peerIdFromPrivateKey(key).toString())
    break
  }
  case 'verify': {
    const key = privateKeyFromProtobuf(readFileSync(args[0]))
    console.log(String(await key.publicKey.verify(hex(args[1]), hex(args[2]))))
    break
  }
  case 'sign': {
    const key = privateKeyFromProtobuf(readFileSync(args[0]))
    console.log(Buffer.from(await key.sign(hex(args[1]))).toString('hex'))
    break
  }
  case 'parse': {
    console.log(peerIdFromString(args[0]).toString())
    break
  }
  default:
    console.error('usage: keys.mjs id FILE | gen TYPE FILE | verify FILE HEXDATA HEXSIG | sign FILE HEXDATA | parse PEERID')
    process.exit(2)
}
