/*
 * GraphQL explorer bootstrap. Served as a static file (never inlined) so the
 * page can run under `script-src 'self'`. Expects the React, ReactDOM and
 * GraphiQL UMD globals loaded by the preceding <script> tags.
 */
(function () {
  'use strict';

  // Shown in GraphiQL's "Headers" editor until the user pastes a real token.
  var TOKEN_PLACEHOLDER = '<paste a token from npm run token -- handler@vncert.test>';

  var container = document.getElementById('graphiql');
  if (!container) return;

  // The server writes the GraphQL path into a data attribute (no inline script needed).
  var graphqlPath = container.getAttribute('data-graphql-path') || '/graphql';
  var httpUrl = new URL(graphqlPath, window.location.href);
  // Subscriptions go over graphql-ws on the same path; wss when the page is served over https.
  var wsUrl = new URL(graphqlPath, window.location.href);
  wsUrl.protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';

  var baseFetcher = window.GraphiQL.createFetcher({
    url: httpUrl.href,
    subscriptionUrl: wsUrl.href,
    // Lets the server tell explorer traffic apart; also a non-simple header, so
    // a cross-site form or <img> can never forge these requests (CSRF).
    headers: { 'x-graphql-explorer': '1' },
  });

  // Until a token is pasted, drop the placeholder Authorization header rather than
  // sending a bogus bearer token (which would make introspection fail with 401).
  function withoutPlaceholder(headers) {
    if (!headers || typeof headers !== 'object') return headers;
    var out = {};
    Object.keys(headers).forEach(function (name) {
      var value = headers[name];
      var isPlaceholder =
        name.toLowerCase() === 'authorization' &&
        typeof value === 'string' &&
        value.indexOf(TOKEN_PLACEHOLDER) !== -1;
      if (!isPlaceholder) out[name] = value;
    });
    return out;
  }

  function fetcher(params, opts) {
    if (opts && opts.headers) {
      opts = Object.assign({}, opts, { headers: withoutPlaceholder(opts.headers) });
    }
    return baseFetcher(params, opts);
  }

  var defaultHeaders = JSON.stringify({ Authorization: 'Bearer ' + TOKEN_PLACEHOLDER }, null, 2);

  var root = window.ReactDOM.createRoot(container);
  root.render(
    window.React.createElement(window.GraphiQL, {
      fetcher: fetcher,
      defaultHeaders: defaultHeaders,
      // Keep the pasted token across reloads (stored in this origin's localStorage).
      shouldPersistHeaders: true,
      // Open the Headers tab so the token field is visible on first load.
      defaultEditorToolsVisibility: 'headers',
    }),
  );
})();
