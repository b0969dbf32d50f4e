// recheck ships types only for its Node entry, which spawns workers; the pure-JS build has the same API.
declare module 'recheck/lib/browser.js' {
  const recheck: typeof import('recheck');
  export default recheck;
}
