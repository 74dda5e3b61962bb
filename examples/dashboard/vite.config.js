// Two pages: the dashboard, and the simulated sensor it embeds (one per iframe, so removing an
// iframe drops that sensor's connection without a DISCONNECT, as a crash would).
// Relative asset paths: the built site works from any folder.
export default {
  base: './',
  // The package is a file dependency (../../pkg): let the dev server read it.
  server: { fs: { allow: ['../..'] } },
  build: {
    emptyOutDir: true,
    rollupOptions: { input: { index: 'index.html', sensor: 'sensor.html' } },
  },
};
