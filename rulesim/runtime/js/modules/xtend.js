(function (module, exports, require, host) {
  // The `xtend` npm package: a new object with the own enumerable properties of every argument,
  // later arguments winning. Legacy runtimes exposed it as a bare global.
  'use strict';
  module.exports = function extend() {
    var target = {};
    for (var i = 0; i < arguments.length; i++) {
      var source = arguments[i];
      if (source === null || source === undefined) continue;
      for (var key in source) {
        if (Object.prototype.hasOwnProperty.call(source, key)) target[key] = source[key];
      }
    }
    return target;
  };
})
