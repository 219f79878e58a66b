/** The application is built on first use: /healthz never waits for it, and concurrent first requests share one build. */
import assert from "node:assert/strict";
import { loadConfig } from "../../src/config/mod.ts";
import { startEmulator } from "../../src/emulator/mod.ts";
import { serverEnvironmentFor } from "../../src/emulator/server_env.ts";
import { importAndCreateApp, lazyApp } from "../../src/http/lazy_app.ts";
import { silentLogger } from "../../src/log/logger.ts";

Deno.test("healthz is answered without building the app; the first other requests build it exactly once", async () => {
  await using emulator = await startEmulator();
  const config = loadConfig(serverEnvironmentFor(emulator.config, { baseUrl: "http://127.0.0.1:8000" }));
  let builds = 0;
  const app = lazyApp(() => {
    builds++;
    return importAndCreateApp(config, { logger: silentLogger });
  });
  const health = await app.fetch(new Request("http://127.0.0.1:8000/healthz"));
  assert.equal(health.status, 200);
  assert.equal(builds, 0);
  assert.equal(app.current(), undefined);
  const [ready, metadata] = await Promise.all([
    app.fetch(new Request("http://127.0.0.1:8000/readyz")),
    app.fetch(new Request("http://127.0.0.1:8000/.well-known/oauth-protected-resource/mcp")),
  ]);
  assert.equal(ready.status, 200);
  assert.equal(metadata.status, 200);
  await ready.body?.cancel();
  await metadata.body?.cancel();
  assert.equal(builds, 1);
  assert.ok(app.current());
  app.current()!.close();
});
