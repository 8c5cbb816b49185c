// A Node preload (node --require <this file>) that resolves the host names listed in
// RESOLVE_TO_LOOPBACK (comma-separated, exact names) to 127.0.0.1 inside that Node process
// only, so MuleSoft's CLI can reach the sandbox under a name the machine does not know,
// without editing /etc/hosts. Every other name resolves as usual.
'use strict';
const dns = require('dns');

const names = new Set((process.env.RESOLVE_TO_LOOPBACK || '')
  .split(',').map((name) => name.trim().toLowerCase()).filter(Boolean));
const loopback = { address: '127.0.0.1', family: 4 };

function ours(hostname) {
  return names.has(String(hostname || '').toLowerCase().replace(/\.$/, ''));
}

const lookup = dns.lookup;
dns.lookup = function (hostname, options, callback) {
  if (typeof options === 'function') { callback = options; options = {}; }
  if (!ours(hostname)) return lookup.call(dns, hostname, options, callback);
  const all = typeof options === 'object' && options !== null && options.all;
  process.nextTick(() => (all ? callback(null, [loopback])
    : callback(null, loopback.address, loopback.family)));
  return {};
};

const promisesLookup = dns.promises.lookup;
dns.promises.lookup = async function (hostname, options) {
  if (!ours(hostname)) return promisesLookup.call(dns.promises, hostname, options);
  return options && options.all ? [loopback] : loopback;
};
