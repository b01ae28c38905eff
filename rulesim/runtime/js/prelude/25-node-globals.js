
  // ---------------------------------------------------------------- Node globals and console
  // What Node gives every script and QuickJS lacks (URL, URLSearchParams, TextEncoder,
  // TextDecoder, process, atob/btoa, structuredClone, queueMicrotask, ES2022 methods), V8's
  // wording of JSON.parse errors (modules/node_globals.js), and console lines formatted by
  // Node's util.format, as Auth0's logs showed them.
  if (requireFn && requireFn.defineNodeGlobals) {
    requireFn.defineNodeGlobals(G, { lineBlock: OPTIONS.lineBlock });
    var nodeFormat = requireFn.builtin('util').format;
    formatLine = function (args) { return nodeFormat.apply(null, args); };
  }
