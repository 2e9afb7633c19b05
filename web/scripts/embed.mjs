#!/usr/bin/env node
// Usage: node embed.mjs DIST_DIR OUT_CC
//
// Writes OUT_CC, a C++ source that embeds every file of DIST_DIR (the built UI) in the binary
// with the assembler's .incbin, and defines planwatch::http::EmbeddedWebAssets()
// (src/planwatch/http/web_assets.h): one entry per file, sorted by path, with its content type,
// a quoted SHA-256 prefix as ETag, and a gzip -9 copy (written to OUT_CC's folder/gz/) when that
// is smaller. OUT_CC is rewritten only when its text changes, so an unchanged UI recompiles
// nothing. Node 20, no dependencies.

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

// The same table as WebContentType() in src/planwatch/http/web_files.cc.
const CONTENT_TYPES = new Map([
  ['.html', 'text/html; charset=utf-8'],
  ['.js', 'text/javascript; charset=utf-8'],
  ['.css', 'text/css; charset=utf-8'],
  ['.svg', 'image/svg+xml'],
  ['.png', 'image/png'],
  ['.ico', 'image/x-icon'],
  ['.woff2', 'font/woff2'],
  ['.json', 'application/json'],
  ['.txt', 'text/plain; charset=utf-8'],
  ['.map', 'application/json'],
]);
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.txt', '.map']);
const ETAG_HEX_DIGITS = 32; // as kEtagHexDigits in web_files.cc
const SYMBOL_PREFIX = 'planwatch_web_asset_';

function fail(message) {
  console.error(`embed.mjs: ${message}`);
  process.exit(1);
}

// Every regular file below `dir`, as paths relative to it with '/' separators.
function listFiles(dir, prefix = '') {
  const out = [];
  for (const entry of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) {
      out.push(...listFiles(dir, rel));
    } else if (entry.isFile()) {
      out.push(rel);
    } else {
      fail(`${path.join(dir, rel)} is neither a file nor a directory`);
    }
  }
  return out;
}

// A C++ string literal. Control characters would need escapes that C++ and the assembler read
// differently; no file name of a build has them.
function cxxString(text) {
  if (/[\x00-\x1f\x7f]/.test(text)) fail(`control character in ${JSON.stringify(text)}`);
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

// An assembler string literal (GNU as: backslash escapes as in C).
function asmString(text) {
  if (/[\x00-\x1f\x7f]/.test(text)) fail(`control character in ${JSON.stringify(text)}`);
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

// Writes `content` to `file` unless it already holds exactly that.
function writeIfChanged(file, content) {
  try {
    if (Buffer.compare(fs.readFileSync(file), Buffer.from(content)) === 0) return;
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
  }
  const tmp = `${file}.tmp${process.pid}`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

function main() {
  const [distArg, outArg] = process.argv.slice(2);
  if (!distArg || !outArg || process.argv.length !== 4) fail('usage: embed.mjs DIST_DIR OUT_CC');
  const dist = path.resolve(distArg);
  const outCc = path.resolve(outArg);
  if (!fs.existsSync(dist) || !fs.statSync(dist).isDirectory()) {
    fail(`${dist} is not a directory`);
  }
  const gzDir = path.join(path.dirname(outCc), 'gz');
  fs.mkdirSync(gzDir, { recursive: true });

  const files = listFiles(dist).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const blobs = []; // {symbol, file, size}
  const rows = [];
  const keptGz = new Set();
  files.forEach((rel, i) => {
    const abs = path.join(dist, rel);
    const body = fs.readFileSync(abs);
    const ext = path.extname(rel).toLowerCase();
    const contentType = CONTENT_TYPES.get(ext) ?? 'application/octet-stream';
    const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, ETAG_HEX_DIGITS)}"`;
    const symbol = `${SYMBOL_PREFIX}${i}`;
    blobs.push({ symbol, file: abs, size: body.length });
    let gzipRef = '{}';
    if (COMPRESSIBLE.has(ext)) {
      const gz = zlib.gzipSync(body, { level: 9 });
      if (gz.length < body.length) {
        const gzFile = path.join(gzDir, `${rel}.gz`);
        fs.mkdirSync(path.dirname(gzFile), { recursive: true });
        writeIfChanged(gzFile, gz);
        keptGz.add(gzFile);
        blobs.push({ symbol: `${symbol}_gz`, file: gzFile, size: gz.length });
        gzipRef = `{${symbol}_gz, ${gz.length}}`;
      }
    }
    rows.push(
      `    {${cxxString(`/${rel}`)}, ${cxxString(contentType)}, ${cxxString(etag)},\n` +
        `     {${symbol}, ${body.length}}, ${gzipRef}},`,
    );
  });
  // Copies of files no longer in the build would only accumulate.
  for (const stale of listFiles(gzDir).map((rel) => path.join(gzDir, rel))) {
    if (!keptGz.has(stale)) fs.rmSync(stale);
  }

  const asmLines = ['.section .rodata'];
  for (const { symbol, file, size } of blobs) {
    asmLines.push(
      '.balign 16',
      `.global ${symbol}`,
      `.type ${symbol}, %object`,
      `.size ${symbol}, ${size}`,
      `${symbol}:`,
      `.incbin ${asmString(file)}`,
      // The table's sizes were read by this script; a file changed since fails the build.
      `.if . - ${symbol} != ${size}`,
      `.error ${asmString(`${file} changed after embed.mjs read it; rebuild`)}`,
      '.endif',
    );
  }
  asmLines.push('.previous');

  const out = [
    `// Generated by web/scripts/embed.mjs from ${dist.replace(/[\r\n]/g, ' ')}; do not edit.`,
    '#include <array>',
    '',
    '#include "planwatch/http/web_assets.h"',
    '',
    ...(blobs.length > 0
      ? [
          'asm(',
          ...asmLines.map((line) => `    ${cxxString(line)} "\\n"`),
          ');',
          '',
          ...blobs.map(({ symbol }) => `extern "C" const char ${symbol}[];`),
          '',
        ]
      : []),
    'namespace planwatch::http {',
    'namespace {',
    '',
    `constexpr std::array<WebAsset, ${rows.length}> kAssets{{`,
    ...rows,
    '}};',
    '',
    '}  // namespace',
    '',
    'std::span<const WebAsset> EmbeddedWebAssets() { return kAssets; }',
    '',
    '}  // namespace planwatch::http',
    '',
  ].join('\n');
  writeIfChanged(outCc, out);
}

main();
