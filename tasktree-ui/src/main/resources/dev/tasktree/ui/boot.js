// A classic script, not a module: it runs as soon as it arrives, while the modules are still
// loading, and on /traces/{id} starts fetching that run's trace so the run view does not wait for
// the whole module graph before asking. api.js's getTrace takes this response (once).
(function () {
  var m = /^\/traces\/([^/]+)\/?$/.exec(location.pathname);
  if (!m || typeof fetch !== 'function') return;
  var id;
  try {
    id = decodeURIComponent(m[1]);
  } catch (e) {
    return;
  }
  performance.mark('tt:fetch');
  var response = fetch('/api/traces/' + encodeURIComponent(id) + '?form=compact',
    { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
  response.then(function () { performance.mark('tt:response'); }, function () {});
  window.__tasktreeEarlyTrace = { id: id, response: response };
})();
