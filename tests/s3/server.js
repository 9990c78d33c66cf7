'use strict';
// Starts s3rver on loopback for Bulwark's object-storage tests and prints "listening PORT" once it accepts
// connections. Usage: node server.js DIRECTORY BUCKET [PORT]   (PORT 0 or absent: the system picks one)
//
// s3rver 3.7.1 speaks the parts of the S3 protocol Bulwark uses except two multipart operations:
// AbortMultipartUpload (DELETE ?uploadId=) and ListMultipartUploads (GET bucket?uploads). Both are added here
// over s3rver's own on-disk layout, so that the tests can prove an interrupted upload leaves no parts behind.
// s3rver also accepts any Signature Version 4 without checking it; presigned URLs (query-string SigV4) are
// verified here, with their expiry, so that a test can tell a valid presigned download URL from a forged one.
const crypto = require('crypto');
const path = require('path');
const fs = require('fs-extra');
const S3rver = require('s3rver');

const [directory, bucket, port = '0'] = process.argv.slice(2);
if (!directory || !bucket) {
  console.error('usage: node server.js DIRECTORY BUCKET [PORT]');
  process.exit(2);
}

// s3rver encodes ListObjectsV2 continuation tokens with DES, which the OpenSSL 3 of current Node no longer offers:
// every truncated listing (more keys than max-keys, such as the one-key listing of Bulwark's store check) then failed
// with InternalError. The token only has to survive the round trip through the client, so under the name 'des' the
// bytes pass through unchanged; every other cipher is Node's own.
const nodeCipheriv = crypto.createCipheriv;
const nodeDecipheriv = crypto.createDecipheriv;
const passThrough = () => ({
  update: (data, encoding) => (Buffer.isBuffer(data) ? data : Buffer.from(data, encoding || 'utf8')),
  final: () => Buffer.alloc(0),
});
crypto.createCipheriv = (algorithm, ...rest) => (algorithm === 'des' ? passThrough() : nodeCipheriv(algorithm, ...rest));
crypto.createDecipheriv = (algorithm, ...rest) => (algorithm === 'des' ? passThrough() : nodeDecipheriv(algorithm, ...rest));

const server = new S3rver({
  address: '127.0.0.1',
  port: Number(port),
  directory,
  silent: true,
  configureBuckets: [{ name: bucket }],
});

const SECRET_KEYS = { S3RVER: 'S3RVER' };

function rfc3986(value) {
  return encodeURIComponent(value).replace(/[!'()*]/g, c => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function hmac(key, value) {
  return crypto.createHmac('sha256', key).update(value, 'utf8').digest();
}

function denied(ctx, code, message) {
  ctx.status = 403;
  ctx.body = { Error: { Code: code, Message: message } };
}

// Verifies a presigned (query-string) SigV4 request as S3 does: canonical request, string to sign, the derived
// signing key of the credential's date, region and service, and the expiry. Returns true when it answered.
function refusePresigned(ctx) {
  if (ctx.query['X-Amz-Algorithm'] === undefined) return false;
  if (ctx.query['X-Amz-Algorithm'] !== 'AWS4-HMAC-SHA256') {
    denied(ctx, 'AuthorizationQueryParametersError', 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256"');
    return true;
  }
  const [accessKey, date, region, service, terminator] = String(ctx.query['X-Amz-Credential'] || '').split('/');
  const secret = SECRET_KEYS[accessKey];
  if (!secret || terminator !== 'aws4_request') {
    denied(ctx, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
    return true;
  }
  const amzDate = String(ctx.query['X-Amz-Date'] || '');
  const signedAt = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  const expires = Number(ctx.query['X-Amz-Expires']);
  if (Number.isNaN(signedAt) || !(expires > 0) || Date.now() > signedAt + expires * 1000) {
    denied(ctx, 'AccessDenied', 'Request has expired');
    return true;
  }
  const rawQuery = ctx.querystring.split('&').filter(p => p.length > 0);
  const canonicalQuery = rawQuery
    .map(p => p.split('=').map(x => decodeURIComponent(x.replace(/\+/g, '%20'))))
    .filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v = '']) => [rfc3986(k), rfc3986(v)])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const signedHeaders = String(ctx.query['X-Amz-SignedHeaders'] || 'host');
  const canonicalHeaders = signedHeaders
    .split(';')
    .map(h => `${h}:${String(ctx.get(h)).trim().replace(/ +/g, ' ')}\n`)
    .join('');
  const canonicalUri = ctx.originalUrl.split('?')[0];
  const canonicalRequest = [ctx.method, canonicalUri, canonicalQuery, canonicalHeaders, signedHeaders, 'UNSIGNED-PAYLOAD'].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, crypto.createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  const key = hmac(hmac(hmac(hmac('AWS4' + secret, date), region), service), 'aws4_request');
  const expected = hmac(key, stringToSign).toString('hex');
  const provided = String(ctx.query['X-Amz-Signature'] || '');
  if (provided.length !== expected.length || !crypto.timingSafeEqual(Buffer.from(provided), Buffer.from(expected))) {
    denied(ctx, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
    return true;
  }
  return false;
}

function uploadsDirectory(store, bucketName) {
  return store.getResourcePath(bucketName, undefined, 'uploads');
}

async function multipartShim(ctx, next) {
  if (refusePresigned(ctx)) return;
  const segments = ctx.path.split('/').filter(s => s.length > 0);
  if (segments.length === 0) return next();
  const bucketName = decodeURIComponent(segments[0]);
  if (!(await ctx.store.getBucket(bucketName))) return next();
  const uploads = uploadsDirectory(ctx.store, bucketName);

  if (ctx.method === 'DELETE' && segments.length > 1 && typeof ctx.query.uploadId === 'string') {
    const id = ctx.query.uploadId;
    const dir = path.join(uploads, id);
    if (!/^[0-9a-f]+$/.test(id) || !(await fs.pathExists(dir))) {
      ctx.status = 404;
      ctx.body = { Error: { Code: 'NoSuchUpload', Message: 'The specified upload does not exist.', UploadId: id } };
      return;
    }
    await fs.remove(dir);
    ctx.status = 204;
    return;
  }

  if (ctx.method === 'GET' && segments.length === 1 && 'uploads' in ctx.query) {
    const ids = (await fs.pathExists(uploads)) ? await fs.readdir(uploads) : [];
    const prefix = typeof ctx.query.prefix === 'string' ? ctx.query.prefix : '';
    const entries = [];
    for (const id of ids.sort()) {
      const key = (await fs.readFile(path.join(uploads, id, 'key'))).toString();
      if (key.startsWith(prefix)) entries.push({ Key: key, UploadId: id });
    }
    ctx.body = {
      ListMultipartUploadsResult: {
        '@': { xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' },
        Bucket: bucketName,
        Prefix: prefix,
        IsTruncated: false,
        ...(entries.length > 0 ? { Upload: entries } : {}),
      },
    };
    return;
  }
  return next();
}

// Koa runs middleware in order; s3rver's router is the last one, so the shim goes just before it (after the
// logger and the XML body encoder, which then serialize the shim's answers too).
server.middleware.splice(server.middleware.length - 1, 0, multipartShim);

server.run().then(
  address => console.log(`listening ${address.port}`),
  err => {
    console.error(err);
    process.exit(1);
  },
);
process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
