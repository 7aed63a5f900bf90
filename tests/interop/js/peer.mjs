#!/usr/bin/env node
// A peer for leadbadge's interop tests: signs and verifies eddsa-rdfc-2022 credentials with the
// Digital Bazaar stack, offline, with only the JSON-LD contexts leadbadge ships.
//
//   node peer.mjs keygen [--seed HEX]                  -> {publicKeyMultibase, secretKeyMultibase,
//                                                          did, verificationMethod}
//   node peer.mjs sign [--key FILE] [--created ISO] < credential(s) > signed credential(s)
//                      (or the keygen JSON in the PEER_KEY environment variable)
//   node peer.mjs verify [--now ISO] < credential(s)  -> {verified, error, errors} per credential
//   node peer.mjs verify [--now ISO] --status-lists FILE < credential(s)
//                      (FILE: a JSON array of BitstringStatusListCredentials; credentials with
//                       credentialStatus are then checked against them, see statusChecker)
//   node peer.mjs present [--key FILE] [--created ISO] [--challenge C] [--domain D] [--unsigned]
//                      < credentials array > presentation (vc.createPresentation, holder = the
//                      key's did:key, then vc.signPresentation unless --unsigned)
//   node peer.mjs verify-presentation [--now ISO] [--challenge C] [--domain D] [--unsigned]
//                      < presentation -> {verified, error, errors} (vc.verify)
//
// stdin holds one JSON credential or a JSON array of them; the output mirrors that shape, so a
// caller can send a whole batch through one node process. Exit status: 0 when the command ran
// (whatever the verdicts), 2 for bad usage or input, 1 for a signing failure.

import {createHash} from 'node:crypto';
import {readFileSync} from 'node:fs';
import {gunzipSync} from 'node:zlib';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {parseArgs} from 'node:util';

import * as vc from '@digitalbazaar/vc';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

const HERE = dirname(fileURLToPath(import.meta.url));
const CONTEXTS_DIR = join(HERE, '..', '..', '..', 'src', 'leadbadge', '_data', 'contexts');
const DID_V1 = 'https://www.w3.org/ns/did/v1';
const MULTIKEY_V1 = 'https://w3id.org/security/multikey/v1';

class UsageError extends Error {}

// The shipped index maps each context URL to a file and its sha256; serving exactly those bytes
// keeps both sides hashing the same contexts, and anything else is refused rather than fetched.
function loadShippedContexts() {
  const index = JSON.parse(readFileSync(join(CONTEXTS_DIR, 'index.json'), 'utf8'));
  const contexts = new Map();
  for(const [url, entry] of Object.entries(index)) {
    const bytes = readFileSync(join(CONTEXTS_DIR, entry.file));
    const digest = createHash('sha256').update(bytes).digest('hex');
    if(digest !== entry.sha256) {
      throw new Error(`shipped context ${entry.file} does not match its sha256`);
    }
    contexts.set(url, JSON.parse(bytes.toString('utf8')));
  }
  return contexts;
}

const CONTEXTS = loadShippedContexts();

// did:key for Ed25519 only: the DID document is derived from the key itself, so no lookup
// happens. Returns null when `did` is not an Ed25519 did:key.
async function didKeyDocument(did) {
  const match = /^did:key:(z6Mk[1-9A-HJ-NP-Za-km-z]+)$/.exec(did);
  if(!match) {
    return null;
  }
  const publicKeyMultibase = match[1];
  // Throws unless the value decodes to a 32-byte key with the ed25519-pub multicodec header.
  await Ed25519Multikey.from({publicKeyMultibase});
  const vmId = `${did}#${publicKeyMultibase}`;
  return {
    '@context': [DID_V1, MULTIKEY_V1],
    id: did,
    verificationMethod: [{
      id: vmId,
      type: 'Multikey',
      controller: did,
      publicKeyMultibase
    }],
    authentication: [vmId],
    assertionMethod: [vmId],
    capabilityDelegation: [vmId],
    capabilityInvocation: [vmId]
  };
}

async function documentLoader(url) {
  if(typeof url !== 'string') {
    throw new Error('peer document loader: URL must be a string');
  }
  if(CONTEXTS.has(url)) {
    return {contextUrl: null, documentUrl: url, document: structuredClone(CONTEXTS.get(url))};
  }
  const [did, fragment] = url.split('#', 2);
  const didDocument = url.startsWith('did:key:') ? await didKeyDocument(did) : null;
  if(didDocument) {
    if(fragment === undefined) {
      return {contextUrl: null, documentUrl: url, document: didDocument};
    }
    const vm = didDocument.verificationMethod.find(m => m.id === url);
    if(vm) {
      return {
        contextUrl: null,
        documentUrl: url,
        document: {'@context': MULTIKEY_V1, ...vm}
      };
    }
  }
  throw new Error(`peer document loader refuses ${JSON.stringify(url)} (not shipped, not did:key)`);
}

function readStdinJson() {
  const text = readFileSync(0, 'utf8');
  try {
    return JSON.parse(text);
  } catch(e) {
    throw new UsageError(`stdin is not JSON: ${e.message}`);
  }
}

function parseDate(value, flag) {
  if(value === undefined) {
    return undefined;
  }
  const date = new Date(value);
  if(Number.isNaN(date.getTime())) {
    throw new UsageError(`${flag} is not a date: ${value}`);
  }
  return date;
}

function hexToBytes(hex) {
  if(!/^([0-9a-fA-F]{2})*$/.test(hex)) {
    throw new UsageError('--seed must be hex');
  }
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

async function keygen({seed}) {
  const bytes = seed === undefined ? undefined : hexToBytes(seed);
  if(bytes !== undefined && bytes.length !== 32) {
    throw new UsageError('--seed must be 32 bytes (64 hex digits)');
  }
  const key = await Ed25519Multikey.generate({seed: bytes});
  const exported = await key.export({publicKey: true, secretKey: true, canonicalize: true});
  const did = `did:key:${exported.publicKeyMultibase}`;
  return {
    publicKeyMultibase: exported.publicKeyMultibase,
    secretKeyMultibase: exported.secretKeyMultibase,
    did,
    verificationMethod: `${did}#${exported.publicKeyMultibase}`
  };
}

function readKeyMaterial(keyPath) {
  const text = keyPath === undefined ? process.env.PEER_KEY : readFileSync(keyPath, 'utf8');
  if(!text) {
    throw new UsageError('sign needs a key: --key FILE or PEER_KEY (the JSON keygen prints)');
  }
  const key = JSON.parse(text);
  if(typeof key.publicKeyMultibase !== 'string' || typeof key.secretKeyMultibase !== 'string') {
    throw new UsageError('the key JSON needs publicKeyMultibase and secretKeyMultibase');
  }
  return key;
}

async function signingKey(keyPath) {
  const material = readKeyMaterial(keyPath);
  const did = `did:key:${material.publicKeyMultibase}`;
  const key = await Ed25519Multikey.from({
    '@context': MULTIKEY_V1,
    type: 'Multikey',
    id: `${did}#${material.publicKeyMultibase}`,
    controller: did,
    publicKeyMultibase: material.publicKeyMultibase,
    secretKeyMultibase: material.secretKeyMultibase
  });
  return {did, key};
}

// A holder's presentation of the given credentials: VC 2.0, holder = the key's did:key, signed
// for authentication with the verifier's challenge and domain (vc.signPresentation).
async function present(credentials, {keyPath, created, challenge, domain, unsigned}) {
  const {did, key} = await signingKey(keyPath);
  const presentation = vc.createPresentation({verifiableCredential: credentials, holder: did});
  if(unsigned) {
    return presentation;
  }
  if(challenge === undefined) {
    throw new UsageError('present needs --challenge (or --unsigned)');
  }
  const suite = new DataIntegrityProof({
    signer: key.signer(), cryptosuite: eddsaRdfc2022, date: created
  });
  return vc.signPresentation({presentation, suite, challenge, domain, documentLoader});
}

async function verifyPresentation(presentation, {now, challenge, domain, unsigned}) {
  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
  let result;
  try {
    result = await vc.verify({
      presentation, suite, documentLoader, now, challenge, domain,
      unsignedPresentation: unsigned
    });
  } catch(error) {
    result = {verified: false, error};
  }
  const errors = [];
  if(!result.verified) {
    errors.push(...describeError(result.error));
    errors.push(...describeError(result.presentationResult?.error));
    for(const r of result.presentationResult?.results || []) {
      errors.push(...describeError(r.error));
    }
    for(const c of result.credentialResults || []) {
      errors.push(...describeError(c.error));
    }
  }
  const unique = [...new Set(errors)];
  return {
    verified: result.verified === true,
    error: result.verified ? null : (unique[0] ?? 'not verified'),
    errors: unique
  };
}

async function sign(credentials, {keyPath, created}) {
  const material = readKeyMaterial(keyPath);
  const did = `did:key:${material.publicKeyMultibase}`;
  const key = await Ed25519Multikey.from({
    '@context': MULTIKEY_V1,
    type: 'Multikey',
    id: `${did}#${material.publicKeyMultibase}`,
    controller: did,
    publicKeyMultibase: material.publicKeyMultibase,
    secretKeyMultibase: material.secretKeyMultibase
  });
  const signed = [];
  for(const credential of credentials) {
    // One suite per credential: the suite caches the last document hash it computed.
    const suite = new DataIntegrityProof({
      signer: key.signer(), cryptosuite: eddsaRdfc2022, date: created
    });
    signed.push(await vc.issue({credential: structuredClone(credential), suite, documentLoader}));
  }
  return signed;
}

function describeError(error) {
  if(!error) {
    return [];
  }
  const nested = Array.isArray(error.errors) ? error.errors.flatMap(describeError) : [];
  const own = error.message ? [`${error.name || 'Error'}: ${error.message}`] : [];
  const details = [];
  if(error.details?.event) {
    details.push(`details: ${JSON.stringify(error.details.event.details ?? error.details.event)}`);
  }
  if(error.details?.cause?.message) {
    details.push(`cause: ${error.details.cause.message}`);
  }
  return nested.length ? nested.concat(details) : own.concat(details);
}

function idOf(value) {
  return typeof value === 'string' ? value : value?.id;
}

function statusError(message) {
  return {verified: false, error: new Error(message)};
}

// Bitstring Status List v1.0 §3.2, for the entries leadbadge writes (statusSize 1): each list is
// one of those handed in (nothing is fetched), must verify with this same stack, be issued by the
// credential's issuer and have the entry's purpose; bit 0 is the most significant bit of the
// first byte of the GZIP-compressed, multibase base64url `encodedList`.
function statusChecker(lists, now) {
  const byUrl = new Map(lists.map(list => [list.id, list]));
  return async ({credential}) => {
    for(const entry of [].concat(credential.credentialStatus)) {
      if(entry?.type !== 'BitstringStatusListEntry') {
        return statusError(`unsupported status entry type ${JSON.stringify(entry?.type)}`);
      }
      const list = byUrl.get(entry.statusListCredential);
      if(!list) {
        return statusError(`no status list ${entry.statusListCredential} was given`);
      }
      const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
      const checked = await vc.verifyCredential({credential: list, suite, documentLoader, now});
      if(!checked.verified) {
        return {verified: false, error: checked.error ?? new Error('the status list does not verify')};
      }
      if(idOf(list.issuer) !== idOf(credential.issuer)) {
        return statusError('the status list is not issued by the credential\'s issuer');
      }
      const subject = list.credentialSubject;
      if(subject?.type !== 'BitstringStatusList' ||
        subject.statusPurpose !== entry.statusPurpose) {
        return statusError(`the status list is not a ${entry.statusPurpose} list`);
      }
      if(typeof subject.encodedList !== 'string' || !subject.encodedList.startsWith('u')) {
        return statusError('the status list is not multibase base64url');
      }
      const bits = gunzipSync(Buffer.from(subject.encodedList.slice(1), 'base64url'));
      const index = Number(entry.statusListIndex);
      if(!Number.isInteger(index) || index < 0 || index >= bits.length * 8) {
        return statusError(`status list index ${entry.statusListIndex} is out of range`);
      }
      if((bits[index >> 3] >> (7 - (index & 7))) & 1) {
        return statusError(`the credential's ${entry.statusPurpose} status is set`);
      }
    }
    return {verified: true};
  };
}

async function verify(credentials, {now, statusLists}) {
  const results = [];
  const checkStatus = statusLists === undefined ? undefined : statusChecker(statusLists, now);
  for(const credential of credentials) {
    const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
    let result;
    try {
      result = await vc.verifyCredential({credential, suite, documentLoader, now, checkStatus});
    } catch(error) {
      result = {verified: false, error};
    }
    const errors = [];
    if(!result.verified) {
      errors.push(...describeError(result.error));
      errors.push(...describeError(result.statusResult?.error));
      for(const r of result.results || []) {
        errors.push(...describeError(r.error));
      }
    }
    const unique = [...new Set(errors)];
    results.push({
      verified: result.verified === true,
      error: result.verified ? null : (unique[0] ?? 'not verified'),
      errors: unique
    });
  }
  return results;
}

function readStatusLists(path) {
  if(path === undefined) {
    return undefined;
  }
  const lists = JSON.parse(readFileSync(path, 'utf8'));
  if(!Array.isArray(lists) || !lists.every(l => l && typeof l === 'object')) {
    throw new UsageError('--status-lists must name a JSON array of status list credentials');
  }
  return lists;
}

async function main(argv) {
  const [command, ...rest] = argv;
  const {values} = parseArgs({
    args: rest,
    options: {
      seed: {type: 'string'},
      key: {type: 'string'},
      created: {type: 'string'},
      now: {type: 'string'},
      'status-lists': {type: 'string'},
      challenge: {type: 'string'},
      domain: {type: 'string'},
      unsigned: {type: 'boolean'}
    },
    strict: true
  });
  let output;
  if(command === 'keygen') {
    output = await keygen({seed: values.seed});
  } else if(command === 'present') {
    const credentials = readStdinJson();
    if(!Array.isArray(credentials)) {
      throw new UsageError('present reads a JSON array of credentials');
    }
    output = await present(credentials, {
      keyPath: values.key,
      created: parseDate(values.created, '--created'),
      challenge: values.challenge,
      domain: values.domain,
      unsigned: values.unsigned === true
    });
  } else if(command === 'verify-presentation') {
    const presentation = readStdinJson();
    if(!presentation || typeof presentation !== 'object' || Array.isArray(presentation)) {
      throw new UsageError('verify-presentation reads one presentation object');
    }
    output = await verifyPresentation(presentation, {
      now: parseDate(values.now, '--now'),
      challenge: values.challenge,
      domain: values.domain,
      unsigned: values.unsigned === true
    });
  } else if(command === 'sign' || command === 'verify') {
    const input = readStdinJson();
    const batch = Array.isArray(input);
    const credentials = batch ? input : [input];
    if(!credentials.every(c => c && typeof c === 'object' && !Array.isArray(c))) {
      throw new UsageError('stdin must hold a credential object or an array of them');
    }
    const results = command === 'sign' ?
      await sign(credentials, {keyPath: values.key, created: parseDate(values.created, '--created')}) :
      await verify(credentials, {
        now: parseDate(values.now, '--now'),
        statusLists: readStatusLists(values['status-lists'])
      });
    output = batch ? results : results[0];
  } else {
    throw new UsageError(
      'usage: peer.mjs keygen|sign|verify|present|verify-presentation (see the header of peer.mjs)');
  }
  process.stdout.write(JSON.stringify(output, null, 2) + '\n');
}

main(process.argv.slice(2)).catch(error => {
  process.stderr.write(`peer.mjs: ${error.message}\n`);
  process.exitCode = error instanceof UsageError || error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ?
    2 : 1;
});
