// Drives the API gateway through the real `openwhisk` npm client's `routes` and prints one JSON object of what it
// saw: create, get, list, a call of the created route over HTTP, delete, and the call after the delete.
const openwhisk = require('openwhisk');

const ow = openwhisk({ apihost: process.env.APIHOST, api_key: process.env.AUTH });
const out = {};

async function step(name, fn) {
  try {
    out[name] = await fn();
  } catch (err) {
    out[name] = { failed: true, status: err.statusCode, message: err.message };
  }
}

(async () => {
  await step('create', () => ow.routes.create({ basepath: '/npm', relpath: '/greet/{who}', operation: 'GET',
    action: 'routed', responsetype: 'json' }));
  await step('createPost', () => ow.routes.create({ basepath: '/npm', relpath: '/greet', operation: 'POST',
    action: 'routed' }));
  await step('get', () => ow.routes.get({ basepath: '/npm' }));
  await step('list', () => ow.routes.list());
  await step('listFiltered', () => ow.routes.list({ relpath: '/greet', operation: 'POST' }));
  await step('call', async () => {
    const r = await fetch(process.env.APIHOST + '/api/' + process.env.NAMESPACE + '/npm/greet/npm%20user?x=1');
    return { status: r.status, body: await r.json() };
  });
  await step('deleteOne', () => ow.routes.delete({ basepath: '/npm', relpath: '/greet', operation: 'POST' }));
  await step('listAfterDeleteOne', () => ow.routes.list());
  await step('delete', () => ow.routes.delete({ basepath: '/npm' }));
  await step('listAfterDelete', () => ow.routes.list());
  await step('callAfterDelete', async () => {
    const r = await fetch(process.env.APIHOST + '/api/' + process.env.NAMESPACE + '/npm/greet/again');
    return { status: r.status };
  });
  process.stdout.write(JSON.stringify(out));
})();
