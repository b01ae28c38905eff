(function (module, exports, require, host) {
  // Node's `events`: an EventEmitter with the usual listener API.
  'use strict';

  function EventEmitter() {
    EventEmitter.init.call(this);
  }

  EventEmitter.init = function () {
    if (!this._events || this._events === Object.getPrototypeOf(this)._events) {
      this._events = Object.create(null);
    }
    this._maxListeners = this._maxListeners || undefined;
  };
  EventEmitter.defaultMaxListeners = 10;

  function listenersOf(self, name) {
    if (!self._events) self._events = Object.create(null);
    return self._events[name] || (self._events[name] = []);
  }

  function add(self, name, fn, prepend) {
    if (typeof fn !== 'function') {
      var err = new TypeError('The "listener" argument must be of type function');
      err.code = 'ERR_INVALID_ARG_TYPE';
      throw err;
    }
    if (self._events && self._events.newListener) self.emit('newListener', name, fn.listener || fn);
    var list = listenersOf(self, name);
    if (prepend) list.unshift(fn);
    else list.push(fn);
    return self;
  }

  function onceWrapper(self, name, fn) {
    var fired = false;
    function wrapped() {
      if (fired) return undefined;
      fired = true;
      self.removeListener(name, wrapped);
      return fn.apply(self, arguments);
    }
    wrapped.listener = fn;
    return wrapped;
  }

  EventEmitter.prototype.on = function (name, fn) { return add(this, name, fn, false); };
  EventEmitter.prototype.addListener = EventEmitter.prototype.on;
  EventEmitter.prototype.prependListener = function (name, fn) { return add(this, name, fn, true); };
  EventEmitter.prototype.once = function (name, fn) { return add(this, name, onceWrapper(this, name, fn), false); };
  EventEmitter.prototype.prependOnceListener = function (name, fn) {
    return add(this, name, onceWrapper(this, name, fn), true);
  };

  EventEmitter.prototype.removeListener = function (name, fn) {
    var list = this._events && this._events[name];
    if (!list) return this;
    for (var i = list.length - 1; i >= 0; i--) {
      if (list[i] === fn || list[i].listener === fn) {
        list.splice(i, 1);
        if (this._events.removeListener) this.emit('removeListener', name, fn);
        break;
      }
    }
    if (!list.length) delete this._events[name];
    return this;
  };
  EventEmitter.prototype.off = EventEmitter.prototype.removeListener;

  EventEmitter.prototype.removeAllListeners = function (name) {
    if (!this._events) return this;
    if (name === undefined) this._events = Object.create(null);
    else delete this._events[name];
    return this;
  };

  EventEmitter.prototype.emit = function (name) {
    var list = this._events && this._events[name];
    var args = Array.prototype.slice.call(arguments, 1);
    if (!list || !list.length) {
      if (name === 'error') {
        var er = args[0];
        if (er instanceof Error) throw er;
        var err = new Error('Unhandled error.' + (er === undefined ? '' : ' (' + er + ')'));
        err.context = er;
        throw err;
      }
      return false;
    }
    list = list.slice();
    for (var i = 0; i < list.length; i++) list[i].apply(this, args);
    return true;
  };

  EventEmitter.prototype.listeners = function (name) {
    var list = (this._events && this._events[name]) || [];
    return list.map(function (f) { return f.listener || f; });
  };
  EventEmitter.prototype.rawListeners = function (name) {
    return ((this._events && this._events[name]) || []).slice();
  };
  EventEmitter.prototype.listenerCount = function (name) {
    return ((this._events && this._events[name]) || []).length;
  };
  EventEmitter.prototype.eventNames = function () {
    return this._events ? Object.keys(this._events) : [];
  };
  EventEmitter.prototype.setMaxListeners = function (n) { this._maxListeners = n; return this; };
  EventEmitter.prototype.getMaxListeners = function () {
    return this._maxListeners === undefined ? EventEmitter.defaultMaxListeners : this._maxListeners;
  };

  EventEmitter.listenerCount = function (emitter, name) { return emitter.listenerCount(name); };
  EventEmitter.once = function (emitter, name) {
    return new Promise(function (resolve, reject) {
      function onError(err) {
        emitter.removeListener(name, onEvent);
        reject(err);
      }
      function onEvent() {
        if (name !== 'error') emitter.removeListener('error', onError);
        resolve(Array.prototype.slice.call(arguments));
      }
      emitter.once(name, onEvent);
      if (name !== 'error') emitter.once('error', onError);
    });
  };
  EventEmitter.EventEmitter = EventEmitter;

  module.exports = EventEmitter;
})
