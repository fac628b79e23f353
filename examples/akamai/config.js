// EdgeWorkers have no environment: the GDN host and API key ship in the bundle.
export const GDN = {
  url: 'https://api-gdn.paas.macrometa.io',
  tenant: '_mm',
  fabric: '_system',
  apiKey: '_mm.dev.replace-with-your-api-key',
};
