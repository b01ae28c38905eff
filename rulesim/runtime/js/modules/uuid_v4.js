(function (module, exports, require, host) {
  // `require('uuid/v4')`, the uuid@3 deep import: the v4 generator itself.
  'use strict';
  module.exports = require('uuid').v4;
})
