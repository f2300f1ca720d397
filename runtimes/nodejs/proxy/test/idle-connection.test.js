'use strict';
// The invoker opens a keep-alive connection to a container before it has work for it (a pre-warmed stem
// cell, an idle warm container) and may leave it unused for minutes. Node 20's own header timeout (60 s)
// closed such connections, and the invoker replaced the container. The proxy keeps them open.
const test = require('node:test');
const assert = require('node:assert/strict');
const { createServer } = require('../server');

test('the server has no header, request or socket timeout of its own and a 10 min keep-alive', () => {
    const server = createServer({}, undefined);
    assert.equal(server.headersTimeout, 0);
    assert.equal(server.requestTimeout, 0);
    assert.equal(server.timeout, 0);
    assert.ok(server.keepAliveTimeout >= 10 * 60 * 1000);
});
