// Drives the platform through the real `openwhisk` npm client and prints one JSON object of what it saw.
// Every step records its result or its error, so one failure does not hide the others.
const openwhisk = require('openwhisk');

const ow = openwhisk({ apihost: process.env.APIHOST, api_key: process.env.AUTH });
const other = openwhisk({ apihost: process.env.APIHOST, api_key: process.env.OTHER_AUTH });
const out = {};

async function step(name, fn) {
  try {
    out[name] = await fn();
  } catch (err) {
    out[name] = { failed: true, status: err.statusCode, message: err.message };
  }
}

function sleep(ms) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

async function activationOf(id) {
  for (let i = 0; i < 300; i++) {
    try {
      return await ow.activations.get({ name: id });
    } catch (err) {
      if (err.statusCode !== 404) throw err;
      await sleep(100);
    }
  }
  throw new Error('activation ' + id + ' never appeared');
}

(async () => {
  await step('namespaces', () => ow.namespaces.list());
  await step('createAction', async () => (await ow.actions.create({ name: 'npmHello',
    action: "function main(p) { console.log('hi ' + p.name); return { greeting: 'Hello ' + p.name }; }",
    params: { name: 'default' } })).version);
  await step('invokeResult', () => ow.actions.invoke({ name: 'npmHello', blocking: true, result: true,
    params: { name: 'npm' } }));
  await step('invokeDefault', () => ow.actions.invoke({ name: 'npmHello', blocking: true, result: true }));
  await step('updateWithoutCode', async () => {
    const a = await ow.actions.update({ name: 'npmHello', params: { name: 'updated' } });
    return { version: a.version, kind: a.exec.kind };
  });
  await step('invokeUpdated', () => ow.actions.invoke({ name: 'npmHello', blocking: true, result: true }));
  await step('nonBlocking', async () => {
    const r = await ow.actions.invoke({ name: 'npmHello', params: { name: 'later' } });
    const record = await activationOf(r.activationId);
    const logs = await ow.activations.logs({ name: r.activationId });
    const result = await ow.activations.result({ name: r.activationId });
    return { id: r.activationId, recordId: record.activationId, logs: logs.logs, result: result.result };
  });
  await step('createSequence', async () => (await ow.actions.create({ name: 'npmSeq',
    sequence: ['/guest/npmHello', '/whisk.system/utils/echo'] })).exec.kind);
  await step('invokeSequence', () => ow.actions.invoke({ name: 'npmSeq', blocking: true, result: true,
    params: { name: 'seq' } }));
  await step('actionList', async () => (await ow.actions.list()).map(a => a.name));
  await step('activationList', async () => (await ow.activations.list({ name: 'npmHello', limit: 50 })).length);
  await step('activationCount', () => ow.activations.list({ name: 'npmHello', count: true }));

  await step('createPackage', async () => (await ow.packages.create({ name: 'npmPkg',
    package: { publish: true, parameters: [{ key: 'p', value: 'package' }, { key: 'b', value: 'package' }] } })).name);
  await step('createPackagedAction', async () => (await ow.actions.create({ name: 'npmPkg/show',
    action: 'function main(p) { return p; }' })).namespace);
  await step('bindFromOtherNamespace', async () => (await other.packages.create({ name: 'npmBinding',
    package: { binding: { namespace: process.env.NAMESPACE, name: 'npmPkg' },
      parameters: [{ key: 'b', value: 'binding' }] } })).binding);
  await step('invokeThroughBinding', () => other.actions.invoke({ name: 'npmBinding/show', blocking: true,
    result: true, params: { x: 1 } }));
  await step('getBinding', async () => (await other.packages.get({ name: 'npmBinding' })).actions.map(a => a.name));
  await step('otherReadsPrivateAction', () => other.actions.get({ name: '/' + process.env.NAMESPACE + '/npmHello' }));
  await step('packageList', async () => (await ow.packages.list()).map(p => p.name));

  await step('createTrigger', async () => (await ow.triggers.create({ name: 'npmTrigger',
    trigger: { parameters: [{ key: 't', value: 1 }] } })).name);
  await step('createRule', async () => (await ow.rules.create({ name: 'npmRule', action: 'npmHello',
    trigger: 'npmTrigger' })).status);
  await step('disableRule', async () => { await ow.rules.disable({ name: 'npmRule' });
    return (await ow.rules.get({ name: 'npmRule' })).status; });
  await step('fireWithoutActiveRule', () => ow.triggers.invoke({ name: 'npmTrigger', params: { a: 1 } }));
  await step('enableRule', async () => { await ow.rules.enable({ name: 'npmRule' });
    return (await ow.rules.get({ name: 'npmRule' })).status; });
  await step('triggerRules', async () => Object.keys((await ow.triggers.get({ name: 'npmTrigger' })).rules));
  await step('ruleList', async () => (await ow.rules.list()).map(r => r.name));
  await step('namespaceGet', async () => {
    const ns = await ow.namespaces.get();
    return { actions: ns.actions.length, packages: ns.packages.length, triggers: ns.triggers.length,
      rules: ns.rules.length };
  });
  await step('deleteRule', async () => (await ow.rules.delete({ name: 'npmRule' })).name);
  await step('deleteTrigger', async () => (await ow.triggers.delete({ name: 'npmTrigger' })).name);
  await step('deleteAction', async () => (await ow.actions.delete({ name: 'npmHello' })).name);
  await step('getDeleted', () => ow.actions.get({ name: 'npmHello' }));
  process.stdout.write(JSON.stringify(out));
})();
