/**
 * The device code sign-in (RFC 8628): the polling decisions as a pure function, and the real flow against
 * the emulator, including `slow_down`, a declined sign-in, an expired and an unknown code.
 */
import assert from "node:assert/strict";
import { type EmulatorHandle, startEmulator } from "../../src/emulator/mod.ts";
import { nextPollStep, signInWithDeviceCode } from "../../src/setup/device_code.ts";
import { SignInError } from "../../src/setup/errors.ts";
import { GRAPH_CLI_CLIENT_ID, SETUP_SCOPES } from "../../src/setup/registration_spec.ts";
import { ADMIN, directorySnapshot, emulatorEnvFile, runSetup } from "./helpers.ts";

const STATE = { intervalSeconds: 5, deadlineMs: 1_000_000 };

Deno.test("nextPollStep: a token ends polling; pending waits the interval; slow_down adds 5 s", () => {
  assert.deepEqual(nextPollStep(STATE, { status: 200, body: { access_token: "t" } }, { nowMs: 0 }), {
    action: "done",
    accessToken: "t",
  });
  assert.deepEqual(
    nextPollStep(STATE, { status: 400, body: { error: "authorization_pending" } }, { nowMs: 0 }),
    {
      action: "wait",
      delayMs: 5000,
      state: STATE,
    },
  );
  assert.deepEqual(nextPollStep(STATE, { status: 400, body: { error: "slow_down" } }, { nowMs: 0 }), {
    action: "wait",
    delayMs: 10_000,
    state: { ...STATE, intervalSeconds: 10 },
  });
  const zero = nextPollStep({ ...STATE, intervalSeconds: 0 }, {
    status: 400,
    body: { error: "authorization_pending" },
  }, { nowMs: 0 });
  assert.equal(zero.action === "wait" && zero.delayMs, 100, "never a tight loop");
});

Deno.test("nextPollStep: gives up at expires_in, and on every terminal error with its AADSTS code", () => {
  const late = nextPollStep(STATE, { status: 400, body: { error: "authorization_pending" } }, {
    nowMs: 996_000,
  });
  assert.equal(late.action, "fail");
  assert.equal(late.action === "fail" && late.error.code, "expired_token");
  const cases: Array<[string, number, RegExp]> = [
    ["authorization_declined", 65004, /declined/],
    ["expired_token", 70019, /expired/],
    ["bad_verification_code", 70020, /did not recognise/],
    ["invalid_client", 7000218, /invalid_client: AADSTS7000218: no public client/],
  ];
  for (const [error, code, message] of cases) {
    const step = nextPollStep(STATE, {
      status: 400,
      body: {
        error,
        error_codes: [code],
        error_description: `AADSTS${code}: no public client\r\nTrace ID: x`,
      },
    }, { nowMs: 0 });
    assert.ok(step.action === "fail", error);
    assert.equal(step.error.code, error);
    assert.equal(step.error.aadsts, code);
    assert.match(step.error.message, message);
  }
  const gateway = nextPollStep(STATE, { status: 502, body: {} }, { nowMs: 0 });
  assert.equal(gateway.action === "fail" && gateway.error.code, "http_502");
});

/** Starts the flow; `onCode` runs against the emulator's pending grant when the code is printed. */
async function deviceFlow(
  emulator: EmulatorHandle,
  onCode: (
    grant: NonNullable<ReturnType<EmulatorHandle["state"]["deviceCodes"]["get"]>>,
    userCode: string,
  ) => void,
  tenant = "organizations",
): Promise<string> {
  const printed: string[] = [];
  return await signInWithDeviceCode({
    authorityHost: emulator.url,
    tenant,
    clientId: GRAPH_CLI_CLIENT_ID,
    scope: SETUP_SCOPES,
    print: (line) => {
      printed.push(line);
      const userCode = line.match(/enter the code (\S+)/)![1];
      const grant = [...emulator.state.deviceCodes.values()].find((g) => g.userCode === userCode)!;
      onCode(grant, userCode);
    },
  });
}

async function approve(emulator: EmulatorHandle, userCode: string): Promise<void> {
  const response = await fetch(`${emulator.url}/_emulator/device/approve`, {
    method: "POST",
    body: JSON.stringify({ userPrincipalName: ADMIN, user_code: userCode }),
  });
  assert.equal(response.status, 200);
  await response.body?.cancel();
}

Deno.test("device code: after slow_down the client waits 5 s longer before it polls again", async () => {
  await using emulator = await startEmulator({ settings: { deviceCodeIntervalSeconds: 0 } });
  const started = Date.now();
  const token = await deviceFlow(emulator, (grant, userCode) => {
    // The emulator answers slow_down to a poll sooner than its interval after the last one.
    grant.lastPollMs = Date.now() + 60_000;
    setTimeout(() => approve(emulator, userCode), 500);
  });
  assert.equal(typeof token, "string");
  assert.ok(Date.now() - started >= 5000, "waited the extra 5 seconds");
  const stats = (await (await fetch(`${emulator.url}/_emulator/stats`)).json()).requests;
  assert.equal(stats["token:device_code"], 2, "one slow_down, then the token: no extra polls");
});

Deno.test("device code: declined, expired and unknown codes end the sign-in with Entra's code", async () => {
  await using emulator = await startEmulator({ settings: { deviceCodeIntervalSeconds: 0 } });
  const cases: Array<
    [string, number, (grant: { status: string; expiresAtMs: number; deviceCode: string }) => void]
  > = [
    ["authorization_declined", 65004, (grant) => grant.status = "declined"],
    ["expired_token", 70019, (grant) => grant.expiresAtMs = Date.now() - 1],
    ["bad_verification_code", 70020, (grant) => emulator.state.deviceCodes.delete(grant.deviceCode)],
  ];
  for (const [code, aadsts, act] of cases) {
    const error = await deviceFlow(emulator, (grant) => act(grant)).catch((e) => e);
    assert.ok(error instanceof SignInError, code);
    assert.equal(error.code, code);
    assert.equal(error.aadsts, aadsts);
  }
  const tenant = await deviceFlow(emulator, () => {}, "no-such-tenant.example").catch((e) => e);
  assert.ok(tenant instanceof SignInError);
  assert.equal(tenant.aadsts, 90002);
});

Deno.test("setup: a declined sign-in stops before anything is read or changed", async () => {
  await using emulator = await startEmulator({ settings: { deviceCodeIntervalSeconds: 0 } });
  const envFile = await emulatorEnvFile(emulator);
  const before = directorySnapshot(emulator);
  const result = await runSetup(emulator, ["--env-file", envFile, "--name", "Declined"], {
    approveAs: null,
    onDeviceCode: (userCode) => {
      const grant = [...emulator.state.deviceCodes.values()].find((g) => g.userCode === userCode)!;
      grant.status = "declined";
    },
  });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /setup: The sign-in was declined\.\nNothing was changed\./);
  assert.equal(directorySnapshot(emulator), before);
  assert.equal(
    await Deno.readTextFile(envFile),
    `AZURE_AUTHORITY_HOST=${emulator.url}\nGRAPH_BASE_URL=${emulator.url}\n`,
  );
});
