(function (module, exports, require, host) {
  // The `slack-notify` npm package: `require('slack-notify')(webhookUrl)` returns a sender that
  // POSTs a JSON payload to the incoming-webhook URL (through `host.http`).
  //
  // With a callback, the callback gets `(err)` or `(null, body)` and the returned promise never
  // rejects; without one, the promise rejects on failure and `slack.onError(err)` is called.
  'use strict';

  var PAYLOAD_KEYS = ['channel', 'text', 'username', 'icon_url', 'icon_emoji', 'attachments',
    'blocks', 'unfurl_links', 'unfurl_media', 'link_names', 'mrkdwn', 'thread_ts'];

  function buildPayload(options) {
    var payload = {};
    PAYLOAD_KEYS.forEach(function (k) {
      if (options[k] !== undefined) payload[k] = options[k];
    });
    // `fields: {Title: value}` become one attachment with short fields, as the package does.
    if (options.fields && typeof options.fields === 'object') {
      var fields = Object.keys(options.fields).map(function (title) {
        var value = options.fields[title];
        value = typeof value === 'string' ? value : JSON.stringify(value);
        return { title: title, value: value, short: String(value).length < 25 };
      });
      payload.attachments = (payload.attachments || []).concat([{ fallback: 'Alert details', fields: fields }]);
    }
    return payload;
  }

  function notifier(url) {
    var slack = {};

    slack.onError = function () {};

    slack.request = function (payload, done) {
      return new Promise(function (resolve, reject) {
        if (!url) {
          var noUrl = new Error('No Slack URL configured.');
          if (done) { done(noUrl); resolve(); } else { slack.onError(noUrl); reject(noUrl); }
          return;
        }
        host.http({
          method: 'POST',
          url: url,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(payload)
        }, function (err, res) {
          if (!err && (res.status < 200 || res.status >= 300)) {
            err = new Error('Slack responded with ' + res.status + ': ' + res.body);
            err.statusCode = res.status;
          }
          if (err) {
            if (done) { done(err); resolve(); } else { slack.onError(err); reject(err); }
            return;
          }
          if (done) done(null, res.body);
          resolve(res.body);
        });
      });
    };

    slack.send = function (options, done) {
      if (typeof options === 'string') options = { text: options };
      return slack.request(buildPayload(options || {}), typeof done === 'function' ? done : null);
    };

    slack.extend = function (defaults) {
      return function (options, done) {
        if (typeof options === 'string') options = { text: options };
        return slack.send(Object.assign({}, defaults, options), done);
      };
    };

    slack.bug = slack.extend({ channel: '#bugs', icon_emoji: ':bomb:', username: 'Bug' });
    slack.alert = slack.extend({ channel: '#alerts', icon_emoji: ':warning:', username: 'Alert' });
    slack.note = slack.extend({ channel: '#alerts', icon_emoji: ':bulb:', username: 'Note' });
    slack.success = slack.extend({ channel: '#alerts', icon_emoji: ':trophy:', username: 'Hoorah' });
    return slack;
  }

  module.exports = notifier;
})
