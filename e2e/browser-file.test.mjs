// The page as someone opens it from disk (file://, origin "null"), against a server that allows
// that origin by name, as the README tells them to: the same browser scenarios as served mode.
process.env.PAGE_URL_MODE = 'file';
await import('./browser.test.mjs');
