// s3rver for tools/s3server: `node tools/s3server.js DATA_DIR PORT` (NODE_PATH names the
// node_modules that holds s3rver). Serves 127.0.0.1:PORT with the bucket `myvault-test`.
//
// s3rver 3.7.1 answers NotImplemented to ListMultipartUploads (GET /BUCKET?uploads) and
// MethodNotAllowed to AbortMultipartUpload (DELETE /BUCKET/KEY?uploadId=ID), which myvault needs
// to clean up after a failed or killed upload. This adds both, over s3rver's own upload store
// (DATA_DIR/BUCKET/._S3rver_uploads/ID/{key,metadata,N}, where s3rver keeps the parts until
// CompleteMultipartUpload), after the same access-key check s3rver makes. Everything else is
// s3rver as published.
'use strict';
const fs = require('fs');
const path = require('path');
const S3rver = require('s3rver');
const AWSAccount = require('s3rver/lib/models/account');

const [dataDir, port] = process.argv.slice(2);
const server = new S3rver({
  address: '127.0.0.1',
  port: Number(port),
  directory: dataDir,
  silent: false,
  configureBuckets: [{ name: 'myvault-test' }],
});

function xmlEscape(s) {
  return s.replace(/[<>&'"]/g, c => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]);
}

function error(ctx, status, code, message) {
  ctx.status = status;
  ctx.type = 'application/xml';
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}

// The access key id of a SigV4 Authorization header, as s3rver's authentication reads it.
function knownAccessKey(ctx) {
  const m = /Credential=([^/]+)\//.exec(ctx.headers.authorization || '');
  return m && AWSAccount.registry.has(m[1]);
}

async function uploads(ctx, next) {
  const m = /^\/([^/]+)(?:\/(.+))?$/.exec(ctx.path);
  const listing = ctx.method === 'GET' && m && !m[2] && 'uploads' in ctx.query;
  const aborting = ctx.method === 'DELETE' && m && m[2] && 'uploadId' in ctx.query;
  if (!listing && !aborting) return next();
  if (!knownAccessKey(ctx)) {
    return error(ctx, 403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.');
  }
  const bucketDir = path.join(dataDir, m[1]);
  if (!fs.existsSync(bucketDir)) return error(ctx, 404, 'NoSuchBucket', 'The specified bucket does not exist');
  const uploadsDir = path.join(bucketDir, '._S3rver_uploads');
  if (aborting) {
    const id = String(ctx.query.uploadId);
    const dir = path.join(uploadsDir, path.basename(id));
    if (!fs.existsSync(dir)) return error(ctx, 404, 'NoSuchUpload', 'The specified upload does not exist.');
    fs.rmSync(dir, { recursive: true, force: true });
    ctx.status = 204;
    return;
  }
  const prefix = String(ctx.query.prefix || '');
  let body = `<?xml version="1.0" encoding="UTF-8"?><ListMultipartUploadsResult><Bucket>${xmlEscape(m[1])}</Bucket>`;
  const ids = fs.existsSync(uploadsDir) ? fs.readdirSync(uploadsDir) : [];
  for (const id of ids.sort()) {
    let key;
    try { key = fs.readFileSync(path.join(uploadsDir, id, 'key'), 'utf8'); } catch (e) { continue; }
    if (!key.startsWith(prefix)) continue;
    body += `<Upload><Key>${xmlEscape(key)}</Key><UploadId>${xmlEscape(id)}</UploadId></Upload>`;
  }
  body += '<IsTruncated>false</IsTruncated></ListMultipartUploadsResult>';
  ctx.status = 200;
  ctx.type = 'application/xml';
  ctx.body = body;
}

// A fault for tests: when the file DIR/exit-after (DIR holds DATA_DIR) holds a regular
// expression, the first request whose "METHOD /PATH?QUERY" matches it is served as s3rver serves
// it, and once its answer is sent, the file is removed and the server exits at once, as a server
// that crashes or loses its network at exactly that point.
const exitAfterFile = path.join(dataDir, '..', 'exit-after');
async function exitAfter(ctx, next) {
  let pattern = null;
  try { pattern = new RegExp(fs.readFileSync(exitAfterFile, 'utf8').trim()); } catch (e) { return next(); }
  const request = `${ctx.method} ${ctx.path}?${ctx.querystring}`;
  await next();
  if (!pattern.test(request)) return;
  fs.rmSync(exitAfterFile, { force: true });
  console.log(`exit-after: exiting after ${request} (${ctx.status})`);
  ctx.res.on('finish', () => process.exit(0));
}

// Before s3rver's router (its last middleware), after its logger.
server.middleware.splice(server.middleware.length - 1, 0, exitAfter, uploads);
server.run().catch(e => { console.error(e); process.exit(1); });
process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
