(function (module, exports, require, host, runtime) {
  // Node's `process`, as an Auth0 rule saw it: `env` empty of secrets (configuration holds
  // them), the runtime's version, nextTick and hrtime on the virtual clock. What would reach
  // the real process (exit, kill, chdir, stdin/stdout, bindings) is refused with an error.
  'use strict';

  var EventEmitter = require('events');
  var version = (runtime && runtime.nodeVersion) || 'v18.20.4';

  function refuse(name) {
    return function () {
      var err = new Error('process.' + name + '() is not available in the rulesim sandbox');
      err.code = 'ERR_RULESIM_REFUSED';
      throw err;
    };
  }

  function nextTick(fn) {
    if (typeof fn !== 'function') {
      throw require('internal/errors').invalidArgType('callback', 'of type function', fn);
    }
    var args = Array.prototype.slice.call(arguments, 1);
    Promise.resolve().then(function () { fn.apply(undefined, args); });
  }

  // [seconds, nanoseconds] of the virtual clock; with `previous`, the time since then.
  function hrtime(previous) {
    var ms = Date.now();
    var sec = Math.floor(ms / 1000);
    var ns = (ms % 1000) * 1e6;
    if (Array.isArray(previous)) {
      sec -= previous[0];
      ns -= previous[1];
      if (ns < 0) { sec -= 1; ns += 1e9; }
    }
    return [sec, ns];
  }
  hrtime.bigint = function () { return BigInt(Date.now()) * BigInt(1000000); };

  var proc = new EventEmitter();
  Object.assign(proc, {
    title: 'node',
    version: version,
    versions: { node: version.slice(1) },
    arch: 'x64',
    platform: 'linux',
    release: { name: 'node' },
    env: {},
    argv: ['/usr/local/bin/node'],
    execArgv: [],
    pid: 1,
    ppid: 0,
    exitCode: undefined,
    nextTick: nextTick,
    hrtime: hrtime,
    uptime: function () { return 0; },
    cwd: function () { return '/'; },
    umask: function () { return 18; },
    memoryUsage: function () { return { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 }; },
    cpuUsage: function () { return { user: 0, system: 0 }; },
    emitWarning: function () {},
    exit: refuse('exit'),
    abort: refuse('abort'),
    kill: refuse('kill'),
    chdir: refuse('chdir'),
    binding: refuse('binding'),
    dlopen: refuse('dlopen')
  });
  module.exports = proc;
})
