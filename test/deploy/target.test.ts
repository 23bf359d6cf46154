import {
  chooseCredential,
  CLOUDS,
  redact,
  resolveTarget,
  TargetError,
  tenantOfToken,
} from '../../scripts/deploy/target';

describe('resolveTarget', () => {
  test('each cloud has its own ARM endpoint, audience and authority', () => {
    expect(resolveTarget({ cloud: 'AzureUSGovernment' })).toMatchObject({
      armEndpoint: 'https://management.usgovcloudapi.net',
      armScope: 'https://management.usgovcloudapi.net/.default',
      customEndpoint: false,
    });
    expect(resolveTarget({ cloud: 'AzureChinaCloud' }).cloud.authorityHost).toBe('https://login.chinacloudapi.cn');
    expect(resolveTarget().cloud).toBe(CLOUDS.AzureCloud);
  });
  test('--arm-endpoint moves the requests, keeps the cloud audience unless --arm-audience', () => {
    expect(resolveTarget({ armEndpoint: 'https://127.0.0.1:8443/' })).toMatchObject({
      armEndpoint: 'https://127.0.0.1:8443',
      armScope: 'https://management.azure.com/.default',
      customEndpoint: true,
    });
    expect(resolveTarget({ armEndpoint: 'https://arm.local', armAudience: 'https://arm.local/' }).armScope).toBe(
      'https://arm.local/.default',
    );
  });
  test('the ARM token goes to another host only with an explicit --arm-audience, or to a loopback test endpoint', () => {
    for (const loop of ['https://127.0.0.1:8443', 'https://127.10.20.30', 'https://localhost:1', 'https://[::1]:8443'])
      expect(resolveTarget({ armEndpoint: loop }).customEndpoint).toBe(true);
    for (const other of [
      'https://management.example.com',
      'https://127.0.0.1.evil.example',
      'https://128.0.0.1',
      'https://localhost.evil.example',
      'https://10.0.0.1',
    ]) {
      expect(() => resolveTarget({ armEndpoint: other })).toThrow(/is not AzureCloud's ARM .*--arm-audience/);
    }
    expect(
      resolveTarget({
        armEndpoint: 'https://management.local.azurestack.external',
        armAudience: 'https://management.adfs.azurestack.local/abc',
      }).armScope,
    ).toBe('https://management.adfs.azurestack.local/abc/.default');
    // the cloud's own ARM, named explicitly, is not custom
    expect(
      resolveTarget({ cloud: 'AzureUSGovernment', armEndpoint: 'https://management.usgovcloudapi.net/' })
        .customEndpoint,
    ).toBe(false);
    expect(() => resolveTarget({ armEndpoint: 'https://127.0.0.1', armAudience: '  ' })).toThrow(/--arm-audience/);
  });
  test('unknown clouds, plain http and endpoints with a path are refused with the reason', () => {
    expect(() => resolveTarget({ cloud: 'AzureGermanCloud' })).toThrow(
      /expected one of AzureCloud, AzureUSGovernment, AzureChinaCloud/,
    );
    expect(() => resolveTarget({ armEndpoint: 'http://127.0.0.1:8443' })).toThrow(/must be https/);
    expect(() => resolveTarget({ armEndpoint: 'https://x/arm' })).toThrow(TargetError);
    expect(() => resolveTarget({ armEndpoint: 'not a url' })).toThrow(/absolute https URL/);
  });
});

describe('chooseCredential', () => {
  test('BTG_ACCESS_TOKEN wins and is used as the bearer token as given', async () => {
    const c = await chooseCredential(resolveTarget(), { BTG_ACCESS_TOKEN: 'Bearer abc.def.ghi' });
    expect(c.source).toBe('BTG_ACCESS_TOKEN');
    expect((await c.credential.getToken('x'))!.token).toBe('abc.def.ghi');
    await expect(chooseCredential(resolveTarget(), { BTG_ACCESS_TOKEN: 'two words' })).rejects.toThrow(
      /single bearer token/,
    );
  });
  test('otherwise DefaultAzureCredential, with the cloud named', async () => {
    const c = await chooseCredential(resolveTarget({ cloud: 'AzureChinaCloud' }), {});
    expect(c.source).toBe('DefaultAzureCredential (AzureChinaCloud)');
    expect(c.secret).toBeUndefined();
  });
});

test('redact removes secrets, tenantOfToken reads the tid claim of a JWT', () => {
  expect(redact('token supersecret123 leaked supersecret123', ['supersecret123'])).toBe('token *** leaked ***');
  const jwt = ['e30', Buffer.from(JSON.stringify({ tid: 't-1' })).toString('base64url'), 'sig'].join('.');
  expect(tenantOfToken(jwt)).toBe('t-1');
  expect(tenantOfToken('opaque')).toBeUndefined();
});
