// Parses Terraform files with HashiCorp's HCL parser (@cdktf/hcl2json: hcl2json compiled to
// WebAssembly) and prints one JSON object {"<file>": <the file as hcl2json's JSON>, ...}.
// Usage: node hcl2json.js <path of node_modules/@cdktf/hcl2json> <file.tf>...
// Used by infra-test's Hcl2Json; exits non-zero with the parser's message on any syntax error.
'use strict';
const fs = require('fs');

async function main() {
  const [pkg, ...files] = process.argv.slice(2);
  if (!pkg || files.length === 0) {
    throw new Error('usage: node hcl2json.js <@cdktf/hcl2json directory> <file.tf>...');
  }
  const { parse } = require(pkg);
  const out = {};
  for (const f of files) {
    try {
      out[f] = await parse(f, fs.readFileSync(f, 'utf8'));
    } catch (e) {
      throw new Error(`${f}: ${e && e.message ? e.message : e}`);
    }
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
  process.stderr.write(`hcl2json: ${e && e.message ? e.message : e}\n`);
  process.exit(1);
});
