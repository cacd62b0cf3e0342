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
  // Present only on a development hub with the generated secret and the demo data (demo-accounts.ts).
  var demoAccountsUrl = container.getAttribute('data-demo-accounts');
  var demoTokenUrl = container.getAttribute('data-demo-token');
  var httpUrl = new URL(graphqlPath, window.location.href);
  // Subscriptions go over graphql-ws on the same path; wss when the page is served over https.
  var wsUrl = new URL(graphqlPath, window.location.href);
  wsUrl.protocol = window.location.protocol === 'https:' ? 'wss:' : 'ws:';

  // The first tab's text: a query of this hub rather than GraphiQL's generic welcome.
  var EXAMPLE_QUERY = [
    '# Incident coordination hub: a first query.',
    demoAccountsUrl ? '# Choose a demo account above, then run (▶).' : '# Put a token in the Headers tab, then run (▶).',
    '# Each organization sees only what it may:',
    '# try another account.',
    'query FirstLook {',
    '  viewer {',
    '    organization { code name kind }',
    '    role { memberRole }',
    '    capabilities',
    '  }',
    '  incidents(first: 5) {',
    '    edges {',
    '      node {',
    '        reference title status tlp',
    '        accessLevel handler { code }',
    '      }',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');

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
      var isPlaceholder = name.toLowerCase() === 'authorization' && typeof value === 'string' && value.indexOf(TOKEN_PLACEHOLDER) !== -1;
      if (!isPlaceholder) out[name] = value;
    });
    return out;
  }

  function hasAuthorization(headers) {
    return (
      Boolean(headers) &&
      Object.keys(headers).some(function (name) {
        return name.toLowerCase() === 'authorization';
      })
    );
  }

  // The chosen demo account's header; it stands in until the Headers editor shows it (GraphiQL may
  // fetch the schema with the editor's previous text).
  var chosenAuthorization = null;

  // A new function per chosen demo account: GraphiQL fetches the schema again when its fetcher changes.
  function makeFetcher() {
    return function fetcher(params, opts) {
      var headers = withoutPlaceholder((opts && opts.headers) || {});
      if (chosenAuthorization && !hasAuthorization(headers)) headers.Authorization = chosenAuthorization;
      if (demoAccountsUrl && !hasAuthorization(headers)) {
        // Development page without a token yet: say what to do instead of sending a request bound to be 401.
        return Promise.reject(new Error('Choose a demo account in the bar above (or put a token in the Headers tab), then run the query.'));
      }
      return baseFetcher(params, Object.assign({}, opts, { headers: headers }));
    };
  }
  var fetcher = makeFetcher();

  var defaultHeaders = JSON.stringify({ Authorization: 'Bearer ' + TOKEN_PLACEHOLDER }, null, 2);

  var root = window.ReactDOM.createRoot(container);
  // `headers` is set when a demo account is chosen: GraphiQL then writes it into the Headers editor.
  function render(headers) {
    root.render(
      window.React.createElement(window.GraphiQL, {
        fetcher: fetcher,
        defaultQuery: EXAMPLE_QUERY,
        defaultHeaders: defaultHeaders,
        headers: headers,
        // Keep the pasted token across reloads (stored in this origin's localStorage).
        shouldPersistHeaders: true,
        // Open the Headers tab so the token field is visible on first load.
        defaultEditorToolsVisibility: 'headers',
      }),
    );
  }
  render(undefined);

  if (!demoAccountsUrl || !demoTokenUrl) return;

  // The demo-account picker: a bar above GraphiQL, built with the DOM (no markup from the server).
  var bar = document.createElement('div');
  bar.className = 'demo-bar';
  bar.id = 'demo-bar';
  var label = document.createElement('label');
  label.textContent = 'Demo account ';
  var select = document.createElement('select');
  select.id = 'demo-account';
  select.setAttribute('aria-label', 'Demo account');
  var none = document.createElement('option');
  none.value = '';
  none.textContent = 'choose one to fill the Authorization header…';
  select.appendChild(none);
  label.appendChild(select);
  var note = document.createElement('span');
  note.className = 'demo-note';
  note.textContent = 'development only: tokens minted by this hub for the demo network (npm run token does the same)';
  bar.appendChild(label);
  bar.appendChild(note);
  container.parentNode.insertBefore(bar, container);

  var explorerHeaders = { 'x-graphql-explorer': '1' };

  fetch(demoAccountsUrl, { headers: explorerHeaders })
    .then(function (res) {
      return res.ok ? res.json() : { accounts: [] };
    })
    .then(function (body) {
      body.accounts.forEach(function (a) {
        var option = document.createElement('option');
        option.value = a.email;
        option.textContent = a.email + ' — ' + a.organization + ' (' + a.kind + ', ' + a.role + ')';
        select.appendChild(option);
      });
    });

  select.addEventListener('change', function () {
    var email = select.value;
    if (!email) return;
    fetch(demoTokenUrl, {
      method: 'POST',
      headers: Object.assign({ 'content-type': 'application/json' }, explorerHeaders),
      body: JSON.stringify({ email: email }),
    })
      .then(function (res) {
        if (!res.ok) throw new Error('no token for ' + email);
        return res.json();
      })
      .then(function (body) {
        chosenAuthorization = 'Bearer ' + body.token;
        fetcher = makeFetcher();
        render(JSON.stringify({ Authorization: chosenAuthorization }, null, 2));
        note.textContent = 'Authorization header filled for ' + body.email + ': run the query.';
      })
      .catch(function (err) {
        note.textContent = String(err.message || err);
      });
  });
})();
