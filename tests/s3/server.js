'use strict';
// Starts s3rver on loopback for Bulwark's object-storage tests and prints "listening PORT" once it accepts
// connections. Usage: node server.js DIRECTORY BUCKET [PORT]   (PORT 0 or absent: the system picks one)
//
// s3rver 3.7.1 speaks the parts of the S3 protocol Bulwark uses except two multipart operations:
// AbortMultipartUpload (DELETE ?uploadId=) and ListMultipartUploads (GET bucket?uploads). Both are added here
// over s3rver's own on-disk layout, so that the tests can prove an interrupted upload leaves no parts behind.
const path = require('path');
const fs = require('fs-extra');
const S3rver = require('s3rver');

const [directory, bucket, port = '0'] = process.argv.slice(2);
if (!directory || !bucket) {
  console.error('usage: node server.js DIRECTORY BUCKET [PORT]');
  process.exit(2);
}

const server = new S3rver({
  address: '127.0.0.1',
  port: Number(port),
  directory,
  silent: true,
  configureBuckets: [{ name: bucket }],
});

function uploadsDirectory(store, bucketName) {
  return store.getResourcePath(bucketName, undefined, 'uploads');
}

async function multipartShim(ctx, next) {
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
