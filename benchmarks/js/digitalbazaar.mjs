// The Digital Bazaar side of benchmarks/bench_vs_digitalbazaar.py: signs and verifies
// eddsa-rdfc-2022 credentials with the pinned npm packages of tests/interop/js, timing only the
// work itself (node start-up and the pipe are outside the clock).
//
// Run by the Python benchmark as `node --input-type=module -e <this file>` with its working
// folder tests/interop/js (so the packages resolve from there) and LEADBADGE_CONTEXTS naming
// src/leadbadge/_data/contexts. It reads one JSON request per line on stdin and answers one
// JSON line each:
//   {"op": "sign", "key": {publicKeyMultibase, secretKeyMultibase}, "created": ISO, "docs": [...]}
//     -> {"ms": total milliseconds, "signed": [...]}
//   {"op": "verify", "now": ISO, "docs": [...]} -> {"ms": total milliseconds, "verified": count}
// The document loader serves only the shipped contexts (sha256-checked) and Ed25519 did:keys.

import {createHash} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {performance} from 'node:perf_hooks';
import {createInterface} from 'node:readline';

import * as vc from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

const CONTEXTS_DIR = process.env.LEADBADGE_CONTEXTS;
const DID_V1 = 'https://www.w3.org/ns/did/v1';
const MULTIKEY_V1 = 'https://w3id.org/security/multikey/v1';

const CONTEXTS = new Map();
const index = JSON.parse(readFileSync(join(CONTEXTS_DIR, 'index.json'), 'utf8'));
for(const [url, entry] of Object.entries(index)) {
  const bytes = readFileSync(join(CONTEXTS_DIR, entry.file));
  if(createHash('sha256').update(bytes).digest('hex') !== entry.sha256) {
    throw new Error(`shipped context ${entry.file} does not match its sha256`);
  }
  CONTEXTS.set(url, JSON.parse(bytes.toString('utf8')));
}

async function documentLoader(url) {
  if(CONTEXTS.has(url)) {
    return {contextUrl: null, documentUrl: url, document: structuredClone(CONTEXTS.get(url))};
  }
  const [did, fragment] = url.split('#', 2);
  const match = /^did:key:(z6Mk[1-9A-HJ-NP-Za-km-z]+)$/.exec(did);
  if(match) {
    const publicKeyMultibase = match[1];
    await Ed25519Multikey.from({publicKeyMultibase});
    const vm = {id: `${did}#${publicKeyMultibase}`, type: 'Multikey', controller: did,
      publicKeyMultibase};
    if(fragment === undefined) {
      return {contextUrl: null, documentUrl: url, document: {
        '@context': [DID_V1, MULTIKEY_V1], id: did, verificationMethod: [vm],
        authentication: [vm.id], assertionMethod: [vm.id]
      }};
    }
    if(vm.id === url) {
      return {contextUrl: null, documentUrl: url, document: {'@context': MULTIKEY_V1, ...vm}};
    }
  }
  throw new Error(`document loader refuses ${JSON.stringify(url)}`);
}

async function sign({key, created, docs}) {
  const did = `did:key:${key.publicKeyMultibase}`;
  const pair = await Ed25519Multikey.from({
    '@context': MULTIKEY_V1, type: 'Multikey', id: `${did}#${key.publicKeyMultibase}`,
    controller: did, publicKeyMultibase: key.publicKeyMultibase,
    secretKeyMultibase: key.secretKeyMultibase
  });
  const signed = [];
  const started = performance.now();
  for(const credential of docs) {
    const suite = new DataIntegrityProof({
      signer: pair.signer(), cryptosuite: eddsaRdfc2022, date: new Date(created)
    });
    signed.push(await vc.issue({credential, suite, documentLoader}));
  }
  return {ms: performance.now() - started, signed};
}

async function verify({now, docs}) {
  let verified = 0;
  const errors = [];
  const started = performance.now();
  for(const credential of docs) {
    const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
    const result = await vc.verifyCredential({credential, suite, documentLoader,
      now: new Date(now)});
    if(result.verified) {
      verified += 1;
    } else if(errors.length < 3) {
      errors.push(String(result.error?.errors?.[0]?.message ?? result.error?.message ?? result.error));
    }
  }
  return {ms: performance.now() - started, verified, errors};
}

const lines = createInterface({input: process.stdin});
for await (const line of lines) {
  const request = JSON.parse(line);
  const answer = request.op === 'sign' ? await sign(request) : await verify(request);
  process.stdout.write(JSON.stringify(answer) + '\n');
}
