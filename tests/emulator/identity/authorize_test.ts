import assert from "node:assert/strict";
import { startEmulator } from "../../../src/emulator/mod.ts";
import { DEMO } from "../../../src/emulator/seed.ts";
import { AZURE_CLI_APP_ID, GRAPH_APP_ID } from "../../../src/emulator/well_known.ts";
import {
  addApp,
  ADELE,
  authorize,
  authorizeRedirect,
  authorizeUrl,
  CLIENT_REDIRECT,
  expectAuthorizeErrorPage,
  expectRedirectError,
  MIRIAM,
  pkcePair,
  SERVER_SCOPE,
  TID,
} from "./helpers.ts";

const base = {
  response_type: "code",
  client_id: DEMO.client.appId,
  redirect_uri: CLIENT_REDIRECT,
  scope: `${SERVER_SCOPE} offline_access`,
};

Deno.test("a known login_hint signs in at once: code, state and session_state go back by query", async () => {
  await using emulator = await startEmulator();
  const location = await authorizeRedirect(emulator, { ...base, login_hint: ADELE, state: "s t&a=te" });
  assert.equal(`${location.origin}${location.pathname}`, CLIENT_REDIRECT);
  assert.ok(location.searchParams.get("code")!.length > 40);
  assert.equal(location.searchParams.get("state"), "s t&a=te");
  assert.match(location.searchParams.get("session_state")!, /^[0-9a-f-]{36}$/);
  const stats = await (await fetch(`${emulator.url}/_emulator/stats`)).json();
  assert.equal(stats.requests.authorize, 1);
});

Deno.test("common and organizations work for /authorize; an unknown tenant is an error page", async () => {
  await using emulator = await startEmulator();
  for (const tenant of ["common", "organizations", DEMO.domain]) {
    const response = await fetch(authorizeUrl(emulator, { ...base, login_hint: ADELE }, tenant), {
      redirect: "manual",
    });
    assert.equal(response.status, 302, tenant);
    assert.ok(new URL(response.headers.get("location")!).searchParams.get("code"), tenant);
  }
  const unknown = await fetch(authorizeUrl(emulator, { ...base, login_hint: ADELE }, "nope.example"), {
    redirect: "manual",
  });
  await expectAuthorizeErrorPage(unknown, { status: 400, error: "invalid_tenant", code: 90002 });
});

Deno.test("an unknown client_id is AADSTS700016 on an HTML page, never a redirect", async () => {
  await using emulator = await startEmulator();
  const response = await authorize(emulator, { ...base, client_id: crypto.randomUUID(), login_hint: ADELE });
  await expectAuthorizeErrorPage(response, { status: 400, error: "unauthorized_client", code: 700016 });
  const missing = await authorize(emulator, {
    response_type: "code",
    redirect_uri: CLIENT_REDIRECT,
    scope: "openid",
  });
  await expectAuthorizeErrorPage(missing, { status: 400, error: "invalid_request", code: 900144 });
});

Deno.test("an unregistered redirect_uri is AADSTS50011 on an HTML page, never a redirect", async () => {
  await using emulator = await startEmulator();
  for (
    const redirectUri of [
      "https://evil.example/callback",
      "http://localhost:8080/oauth/mcp/callback/",
      "http://localhost:8080/other",
      "https://localhost:8080/oauth/mcp/callback",
    ]
  ) {
    const response = await authorize(emulator, { ...base, redirect_uri: redirectUri, login_hint: ADELE });
    const html = await expectAuthorizeErrorPage(response, {
      status: 400,
      error: "invalid_request",
      code: 50011,
    });
    assert.ok(html.includes(DEMO.client.appId));
  }
  const none = await authorize(emulator, { ...base, redirect_uri: "", login_hint: ADELE });
  await expectAuthorizeErrorPage(none, { status: 400, error: "invalid_request", code: 900144 });
  const app = addApp(emulator, { webRedirectUris: [] });
  const noReplyUrls = await authorize(emulator, { ...base, client_id: app.appId, login_hint: ADELE });
  await expectAuthorizeErrorPage(noReplyUrls, { status: 400, error: "invalid_request", code: 500113 });
});

Deno.test("loopback redirect URIs match on any port; other hosts must match exactly", async () => {
  await using emulator = await startEmulator();
  const app = addApp(emulator, {
    webRedirectUris: ["http://127.0.0.1/callback", "http://[::1]/cb", "https://app.example.com/callback"],
  });
  app.application.api.requestedAccessTokenVersion = 2;
  const params = { ...base, client_id: app.appId, scope: "openid", login_hint: ADELE };
  for (const redirectUri of ["http://127.0.0.1:49152/callback", "http://[::1]:8400/cb", CLIENT_REDIRECT]) {
    const client = redirectUri === CLIENT_REDIRECT ? DEMO.client.appId : app.appId;
    const location = await authorizeRedirect(emulator, {
      ...params,
      client_id: client,
      redirect_uri: redirectUri,
    });
    assert.equal(`${location.origin}${location.pathname}`, redirectUri);
    assert.ok(location.searchParams.get("code"));
  }
  // The demo client registered http://localhost:8080/...: any loopback port works, the path does not change.
  const otherPort = await authorizeRedirect(emulator, {
    ...base,
    login_hint: ADELE,
    redirect_uri: "http://localhost:9999/oauth/mcp/callback",
  });
  assert.ok(otherPort.searchParams.get("code"));
  for (const redirectUri of ["https://app.example.com:8443/callback", "http://localhost:5000/callback"]) {
    const response = await authorize(emulator, { ...params, redirect_uri: redirectUri });
    await expectAuthorizeErrorPage(response, { status: 400, error: "invalid_request", code: 50011 });
  }
});

Deno.test("errors after the redirect URI is validated go back to it with state", async () => {
  await using emulator = await startEmulator();
  const cases: Array<[Record<string, string>, string, number]> = [
    [{ response_type: "token" }, "unsupported_response_type", 70005],
    [{ response_type: "" }, "invalid_request", 900144],
    [{ scope: "" }, "invalid_request", 900144],
    [{ scope: "   " }, "invalid_scope", 70011],
    [{ scope: "api:/" + "/x" }, "invalid_scope", 70011],
    [{ scope: `${SERVER_SCOPE}/` }, "invalid_scope", 70011],
    [{ scope: `${SERVER_SCOPE} https://graph.microsoft.com/User.Read` }, "invalid_scope", 28000],
    [{ scope: `${SERVER_SCOPE} User.Read` }, "invalid_scope", 28000],
    [{ scope: "api://11111111-2222-3333-4444-555555555555/read" }, "invalid_resource", 500011],
    [{ scope: `api://${DEMO.server.appId}/nope` }, "invalid_scope", 650053],
    [{ scope: "Calendars.Read" }, "invalid_scope", 650053],
    [{ scope: `api://${DEMO.server.appId}/.default ${SERVER_SCOPE}` }, "invalid_scope", 70011],
    [{ resource: `api://${DEMO.server.appId}/` }, "invalid_target", 9010010],
    [{ resource: "https://mcp.example.com/mcp" }, "invalid_target", 9010010],
    [{ code_challenge: "x".repeat(43), code_challenge_method: "S512" }, "invalid_request", 90100],
    [{ code_challenge: "short", code_challenge_method: "S256" }, "invalid_request", 501491],
    [{ claims: "not json" }, "invalid_request", 90100],
  ];
  for (const [override, error, code] of cases) {
    const location = await authorizeRedirect(emulator, {
      ...base,
      login_hint: ADELE,
      state: "xyz",
      ...override,
    });
    expectRedirectError(location, { redirectUri: CLIENT_REDIRECT, error, code, state: "xyz" });
  }
  assert.equal(emulator.state.authorizationCodes.size, 0, "no code was issued");
});

Deno.test("a disabled scope is AADSTS650053", async () => {
  await using emulator = await startEmulator();
  const server = emulator.state.directory.applications.find((a) => a.appId === DEMO.server.appId)!;
  server.api.oauth2PermissionScopes[0].isEnabled = false;
  const location = await authorizeRedirect(emulator, { ...base, login_hint: ADELE });
  expectRedirectError(location, { redirectUri: CLIENT_REDIRECT, error: "invalid_scope", code: 650053 });
});

Deno.test("a resource parameter equal to an identifier of the requested API is accepted", async () => {
  await using emulator = await startEmulator();
  for (const resource of [`api://${DEMO.server.appId}`, DEMO.server.appId]) {
    const location = await authorizeRedirect(emulator, { ...base, login_hint: ADELE, resource });
    assert.ok(location.searchParams.get("code"), resource);
    assert.equal(
      emulator.state.authorizationCodes.get(location.searchParams.get("code")!)!.resource,
      resource,
    );
  }
});

Deno.test("public-client redirect URIs require PKCE; confidential Web ones do not", async () => {
  await using emulator = await startEmulator();
  const params = {
    response_type: "code",
    client_id: AZURE_CLI_APP_ID,
    redirect_uri: "http://localhost:8400",
    scope: "https://graph.microsoft.com/.default offline_access",
    login_hint: ADELE,
  };
  const withoutPkce = await authorizeRedirect(emulator, params);
  expectRedirectError(withoutPkce, {
    redirectUri: "http://localhost:8400/",
    error: "invalid_request",
    code: 9002325,
  });
  const { challenge } = await pkcePair();
  const withPkce = await authorizeRedirect(emulator, {
    ...params,
    code_challenge: challenge,
    code_challenge_method: "S256",
  });
  const grant = emulator.state.authorizationCodes.get(withPkce.searchParams.get("code")!)!;
  assert.equal(grant.publicClient, true);
  assert.equal(grant.codeChallengeMethod, "S256");
  const web = await authorizeRedirect(emulator, { ...base, login_hint: ADELE });
  assert.equal(emulator.state.authorizationCodes.get(web.searchParams.get("code")!)!.publicClient, false);
});

Deno.test("codes are bound to client, redirect URI, PKCE, scopes, user, nonce and MFA, and live 10 minutes", async () => {
  await using emulator = await startEmulator();
  const { challenge } = await pkcePair();
  const before = Date.now();
  const location = await authorizeRedirect(emulator, {
    ...base,
    redirect_uri: "http://localhost:1234/oauth/mcp/callback",
    login_hint: MIRIAM,
    nonce: "n-0S6_WzA2Mj",
    code_challenge: challenge,
    code_challenge_method: "S256",
    claims: JSON.stringify({ access_token: { capolids: { essential: true, values: ["x"] } } }),
  });
  const grant = emulator.state.authorizationCodes.get(location.searchParams.get("code")!)!;
  assert.equal(grant.clientAppId, DEMO.client.appId);
  assert.equal(grant.redirectUri, "http://localhost:1234/oauth/mcp/callback");
  assert.equal(grant.codeChallenge, challenge);
  assert.deepEqual(grant.scopes, [SERVER_SCOPE, "offline_access"]);
  assert.equal(grant.userId, emulator.state.directory.users.find((u) => u.admin)!.id);
  assert.equal(grant.nonce, "n-0S6_WzA2Mj");
  assert.equal(grant.mfa, true, "a claims challenge makes the sign-in perform MFA");
  assert.equal(grant.redeemed, false);
  assert.ok(grant.expiresAtMs >= before + 600_000 && grant.expiresAtMs <= Date.now() + 600_000);
  const plain = await authorizeRedirect(emulator, { ...base, login_hint: ADELE });
  assert.equal(emulator.state.authorizationCodes.get(plain.searchParams.get("code")!)!.mfa, false);
});

Deno.test("response_mode=form_post answers with an auto-submitting, escaped form", async () => {
  await using emulator = await startEmulator();
  const response = await authorize(emulator, {
    ...base,
    login_hint: ADELE,
    response_mode: "form_post",
    state: `"><script>alert(1)</script>`,
  });
  const html = await response.text();
  assert.equal(response.status, 200);
  assert.match(response.headers.get("content-type")!, /^text\/html/);
  assert.ok(html.includes(`action="${CLIENT_REDIRECT}"`));
  assert.match(html, /<input type="hidden" name="code" value="[^"]{40,}">/);
  assert.ok(html.includes(`value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"`));
  assert.ok(!html.includes("<script>alert(1)"));
  const error = await authorize(emulator, {
    ...base,
    login_hint: ADELE,
    response_mode: "form_post",
    scope: "Nope.Read",
  });
  const errorHtml = await error.text();
  assert.match(errorHtml, /name="error" value="invalid_scope"/);
  assert.match(errorHtml, /name="error_description" value="AADSTS650053: /);
});

Deno.test("response_mode=fragment puts the code in the fragment", async () => {
  await using emulator = await startEmulator();
  const location = await authorizeRedirect(emulator, {
    ...base,
    login_hint: ADELE,
    response_mode: "fragment",
  });
  assert.equal(location.search, "");
  assert.ok(new URLSearchParams(location.hash.slice(1)).get("code"));
});

Deno.test("without login_hint the sign-in page lists the users and carries every parameter, escaped", async () => {
  await using emulator = await startEmulator();
  const state = `<b>"x"</b>&'`;
  for (const loginHint of [undefined, "nobody@contoso.onmicrosoft.com"]) {
    const response = await authorize(emulator, {
      ...base,
      state,
      ...(loginHint ? { login_hint: loginHint } : {}),
    });
    const html = await response.text();
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("cache-control"), "no-store, no-cache");
    for (const user of emulator.state.directory.users) {
      assert.ok(
        html.includes(`type="radio" name="emulator_user" value="${user.id}"`),
        user.userPrincipalName,
      );
      assert.ok(html.includes(user.userPrincipalName));
    }
    assert.ok(html.includes(`name="state" value="&lt;b&gt;&quot;x&quot;&lt;/b&gt;&amp;&#39;"`));
    assert.ok(html.includes(`name="client_id" value="${DEMO.client.appId}"`));
    assert.ok(html.includes(`action="/${TID}/oauth2/v2.0/authorize"`));
    assert.ok(!html.includes(`<b>"x"</b>`));
  }
  assert.equal(emulator.state.authorizationCodes.size, 0);
});

Deno.test("posting the page back with a chosen user signs that user in", async () => {
  await using emulator = await startEmulator();
  const megan = emulator.state.directory.users[1];
  const response = await fetch(`${emulator.url}/${TID}/oauth2/v2.0/authorize`, {
    method: "POST",
    redirect: "manual",
    body: new URLSearchParams({ ...base, state: "abc", emulator_user: megan.id }),
  });
  await response.body?.cancel();
  assert.equal(response.status, 302);
  const location = new URL(response.headers.get("location")!);
  assert.equal(location.searchParams.get("state"), "abc");
  assert.equal(emulator.state.authorizationCodes.get(location.searchParams.get("code")!)!.userId, megan.id);
});

Deno.test("consent: login_hint records a Principal grant for User scopes", async () => {
  await using emulator = await startEmulator();
  const app = addApp(emulator);
  const params = {
    response_type: "code",
    client_id: app.appId,
    redirect_uri: "https://app.example.com/callback",
    scope: "https://graph.microsoft.com/User.Read Mail.Read offline_access",
    login_hint: ADELE,
  };
  const location = await authorizeRedirect(emulator, params);
  assert.ok(location.searchParams.get("code"));
  const adele = emulator.state.directory.users[0];
  const grants = emulator.state.directory.permissionGrants.filter((g) =>
    g.clientId === app.servicePrincipal!.id
  );
  assert.equal(grants.length, 1);
  assert.equal(grants[0].consentType, "Principal");
  assert.equal(grants[0].principalId, adele.id);
  assert.equal(grants[0].resourceId, DEMO.graphServicePrincipalId);
  assert.equal(grants[0].scope, "User.Read Mail.Read");
  // Consent is remembered: a second sign-in adds nothing.
  await authorizeRedirect(emulator, params);
  assert.equal(
    emulator.state.directory.permissionGrants.filter((g) => g.clientId === app.servicePrincipal!.id).length,
    1,
  );
});

Deno.test("consent: the page asks, accept records consent, cancel is access_denied AADSTS65004", async () => {
  await using emulator = await startEmulator();
  const app = addApp(emulator);
  const adele = emulator.state.directory.users[0];
  const fields = {
    response_type: "code",
    client_id: app.appId,
    redirect_uri: "https://app.example.com/callback",
    scope: "User.Read",
    state: "st",
    emulator_user: adele.id,
  };
  const post = (extra: Record<string, string>) =>
    fetch(`${emulator.url}/${TID}/oauth2/v2.0/authorize`, {
      method: "POST",
      redirect: "manual",
      body: new URLSearchParams({ ...fields, ...extra }),
    });
  const prompt = await post({});
  const html = await prompt.text();
  assert.equal(prompt.status, 200);
  assert.ok(html.includes("<code>User.Read</code>"));
  assert.ok(html.includes(`name="emulator_user" value="${adele.id}"`));
  assert.ok(html.includes(`name="emulator_consent" value="accept"`));
  assert.equal(emulator.state.directory.permissionGrants.filter((g) => g.principalId === adele.id).length, 0);

  const declined = await post({ emulator_consent: "decline" });
  await declined.body?.cancel();
  expectRedirectError(new URL(declined.headers.get("location")!), {
    redirectUri: "https://app.example.com/callback",
    error: "access_denied",
    code: 65004,
    state: "st",
  });

  const accepted = await post({ emulator_consent: "accept" });
  await accepted.body?.cancel();
  assert.equal(accepted.status, 302);
  assert.ok(new URL(accepted.headers.get("location")!).searchParams.get("code"));
  assert.equal(
    emulator.state.directory.permissionGrants.find((g) => g.principalId === adele.id)?.scope,
    "User.Read",
  );
});

Deno.test("consent: Admin scopes need an administrator (AADSTS90094 for others)", async () => {
  await using emulator = await startEmulator();
  const app = addApp(emulator);
  const params = {
    response_type: "code",
    client_id: app.appId,
    redirect_uri: "https://app.example.com/callback",
    scope: "https://graph.microsoft.com/Application.ReadWrite.All User.Read",
    state: "s1",
  };
  const denied = await authorizeRedirect(emulator, { ...params, login_hint: ADELE });
  expectRedirectError(denied, {
    redirectUri: "https://app.example.com/callback",
    error: "consent_required",
    code: 90094,
    state: "s1",
  });
  assert.equal(
    emulator.state.directory.permissionGrants.filter((g) => g.clientId === app.servicePrincipal!.id).length,
    0,
  );
  const admin = await authorizeRedirect(emulator, { ...params, login_hint: MIRIAM });
  assert.ok(admin.searchParams.get("code"));
  const grant = emulator.state.directory.permissionGrants.find((g) =>
    g.clientId === app.servicePrincipal!.id
  )!;
  assert.equal(grant.scope, "User.Read Application.ReadWrite.All");
});

Deno.test("consent: .default asks for the client's declared permissions", async () => {
  await using emulator = await startEmulator();
  const app = addApp(emulator);
  app.application.requiredResourceAccess = [{
    resourceAppId: GRAPH_APP_ID,
    resourceAccess: [{ id: "570282fd-fa5c-430d-a7fd-fc8dc98a9dca", type: "Scope" }],
  }];
  const location = await authorizeRedirect(emulator, {
    response_type: "code",
    client_id: app.appId,
    redirect_uri: "https://app.example.com/callback",
    scope: "https://graph.microsoft.com/.default",
    login_hint: ADELE,
  });
  assert.ok(location.searchParams.get("code"));
  const grant = emulator.state.directory.permissionGrants.find((g) =>
    g.clientId === app.servicePrincipal!.id
  )!;
  assert.equal(grant.scope, "Mail.Read");
});

Deno.test("an app without a service principal gets one on first consent, as Entra creates it", async () => {
  await using emulator = await startEmulator();
  const app = addApp(emulator, { servicePrincipal: false });
  const location = await authorizeRedirect(emulator, {
    response_type: "code",
    client_id: app.appId,
    redirect_uri: "https://app.example.com/callback",
    scope: "User.Read",
    login_hint: ADELE,
  });
  assert.ok(location.searchParams.get("code"));
  const sp = emulator.state.directory.servicePrincipals.find((s) => s.appId === app.appId);
  assert.ok(sp);
  assert.equal(
    emulator.state.directory.permissionGrants.find((g) => g.clientId === sp.id)?.scope,
    "User.Read",
  );
});

Deno.test("codes expired for over an hour are dropped when new ones are issued; recent ones are kept", async () => {
  await using emulator = await startEmulator();
  const first = await authorizeRedirect(emulator, { ...base, login_hint: ADELE });
  const second = await authorizeRedirect(emulator, { ...base, login_hint: ADELE });
  const codes = emulator.state.authorizationCodes;
  codes.get(first.searchParams.get("code")!)!.expiresAtMs = Date.now() - 3_700_000;
  codes.get(second.searchParams.get("code")!)!.expiresAtMs = Date.now() - 60_000;
  await authorizeRedirect(emulator, { ...base, login_hint: ADELE });
  assert.equal(codes.has(first.searchParams.get("code")!), false);
  assert.equal(codes.has(second.searchParams.get("code")!), true);
  assert.equal(codes.size, 2);
});
