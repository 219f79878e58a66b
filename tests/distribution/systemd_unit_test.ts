/** deploy/entra-obo-mcp.service: the settings the README promises, and systemd's own checks when available. */
import assert from "node:assert/strict";

const UNIT_PATH = new URL("../../deploy/entra-obo-mcp.service", import.meta.url).pathname;

/** Directives per section, in file order; a repeated directive keeps every value. */
type Unit = Record<string, Record<string, string[]>>;

function parseUnit(text: string): Unit {
  const unit: Unit = {};
  let section = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = line.match(/^\[(.+)\]$/);
    if (header) {
      section = header[1];
      unit[section] ??= {};
      continue;
    }
    const at = line.indexOf("=");
    assert.ok(section && at > 0, `not a directive: ${line}`);
    (unit[section][line.slice(0, at).trim()] ??= []).push(line.slice(at + 1).trim());
  }
  return unit;
}

/** Whether `systemd-analyze` can be run here. */
async function systemdAnalyzeAvailable(): Promise<boolean> {
  try {
    const { success } = await new Deno.Command("systemd-analyze", { args: ["--version"], stdout: "null" })
      .output();
    return success;
  } catch {
    return false;
  }
}

const unit = parseUnit(await Deno.readTextFile(UNIT_PATH));
const service = unit.Service;
const analyze = await systemdAnalyzeAvailable();
if (!analyze) console.warn("systemd-analyze not found: skipping its checks (apt-get install systemd)");

/** The unit with ExecStart pointing at an existing executable (the binary is not built in tests). */
async function unitWithRealExecutable(): Promise<{ dir: string; path: string }> {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/entra-obo-mcp.service`;
  const text = await Deno.readTextFile(UNIT_PATH);
  await Deno.writeTextFile(path, text.replace(/^ExecStart=\S+/m, `ExecStart=${Deno.execPath()}`));
  return { dir, path };
}

Deno.test("systemd unit: runs the binary's serve command as a non-root user with the env file", () => {
  assert.deepEqual(service.ExecStart, ["/usr/local/bin/entra-obo-mcp serve"]);
  assert.deepEqual(service.EnvironmentFile, ["/etc/entra-obo-mcp/env"]);
  assert.ok(service.DynamicUser?.[0] === "yes" || (service.User && service.User[0] !== "root"));
  assert.equal(service.User, undefined, "DynamicUser allocates the user");
  assert.deepEqual(unit.Install.WantedBy, ["multi-user.target"]);
  assert.ok(unit.Unit.After.join(" ").includes("network-online.target"));
});

Deno.test("systemd unit: restarts on failure, stops with SIGTERM and waits for in-flight requests", () => {
  assert.deepEqual(service.Restart, ["on-failure"]);
  const restartSeconds = Number(service.RestartSec[0].replace(/s$/, ""));
  assert.ok(restartSeconds >= 1 && restartSeconds <= 30, "RestartSec between 1 and 30 s");
  assert.deepEqual(service.KillSignal, ["SIGTERM"]);
  const stopSeconds = Number(service.TimeoutStopSec[0].replace(/s$/, ""));
  assert.ok(stopSeconds >= 15, "long enough for an upstream call (UPSTREAM_TIMEOUT_SECONDS defaults to 10)");
});

Deno.test("systemd unit: hardening options", () => {
  const expected: Record<string, string> = {
    NoNewPrivileges: "yes",
    CapabilityBoundingSet: "",
    ProtectSystem: "strict",
    ProtectHome: "yes",
    PrivateTmp: "yes",
    PrivateDevices: "yes",
    ProtectKernelTunables: "yes",
    ProtectKernelModules: "yes",
    ProtectKernelLogs: "yes",
    ProtectControlGroups: "yes",
    RestrictNamespaces: "yes",
    RestrictSUIDSGID: "yes",
    LockPersonality: "yes",
    RestrictAddressFamilies: "AF_INET AF_INET6 AF_UNIX",
  };
  for (const [name, value] of Object.entries(expected)) {
    assert.deepEqual(service[name], [value], name);
  }
  assert.ok(service.SystemCallFilter.some((filter) => filter.split(" ").includes("@system-service")));
  // V8's JIT needs writable-then-executable memory: with this the server would not start.
  assert.equal(service.MemoryDenyWriteExecute, undefined);
});

Deno.test({
  name: "systemd unit: systemd-analyze verify accepts it",
  ignore: !analyze,
  fn: async () => {
    const { dir, path } = await unitWithRealExecutable();
    try {
      const { code, stderr } = await new Deno.Command("systemd-analyze", {
        args: ["verify", "--man=no", path],
      }).output();
      const messages = new TextDecoder().decode(stderr);
      assert.equal(code, 0, messages);
      assert.equal(messages.trim(), "", "no warnings");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "systemd unit: systemd-analyze security rates its exposure OK (at most 2.0 of 10)",
  ignore: !analyze,
  fn: async () => {
    const { dir, path } = await unitWithRealExecutable();
    try {
      const { stdout } = await new Deno.Command("systemd-analyze", {
        args: ["security", "--offline=true", "--no-pager", path],
        env: { SYSTEMD_COLORS: "0" },
      }).output();
      const report = new TextDecoder().decode(stdout);
      const exposure = Number(report.match(/Overall exposure level for \S+: ([\d.]+)/)?.[1]);
      assert.ok(exposure <= 2.0, `exposure ${exposure}:\n${report}`);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
