(function (module, exports, require, host) {
  // Node's internal error helpers (lib/internal/errors.js) that several built-ins share: the
  // "Received ..." part of ERR_INVALID_ARG_TYPE messages, coded TypeErrors, DOMExceptions. Built-ins only: rules cannot
  // require 'internal/errors', as in Node.
  'use strict';

  // How Node names an argument it did not expect (determineSpecificType).
  function received(value) {
    if (value === null || value === undefined) return 'Received ' + value;
    if (typeof value === 'function') return 'Received function ' + (value.name || '(anonymous)');
    if (typeof value === 'object') {
      var ctor = value.constructor;
      return 'Received ' + (ctor && ctor.name ? 'an instance of ' + ctor.name : '[Object: null prototype]');
    }
    var shown = typeof value === 'string' ? "'" + value + "'" : typeof value === 'bigint' ? value + 'n' : String(value);
    if (shown.length > 28) shown = shown.slice(0, 25) + '...';
    return 'Received type ' + typeof value + ' (' + shown + ')';
  }

  // new TypeError('The "name" argument must be <expected>. Received ...'), code ERR_INVALID_ARG_TYPE.
  function invalidArgType(name, expected, value) {
    var what = name.indexOf(' ') >= 0 ? name
      : 'The "' + name + '" ' + (name.indexOf('.') >= 0 ? 'property' : 'argument');
    var err = new TypeError(what + ' must be ' + expected + '. ' + received(value));
    err.code = 'ERR_INVALID_ARG_TYPE';
    return err;
  }

  // Node's coded TypeErrors, and its DOMExceptions as Errors of the same name and code.
  function typeError(message, code) {
    var e = new TypeError(message);
    e.code = code;
    return e;
  }
  function domException(name, message, code) {
    var e = new Error(message);
    e.name = name;
    e.code = code;
    return e;
  }

  module.exports = { received: received, invalidArgType: invalidArgType, typeError: typeError, domException: domException };
})
