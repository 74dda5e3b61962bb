// Relative asset paths, so the built app can be served from any folder.
export default { base: './', build: { emptyOutDir: true } };
