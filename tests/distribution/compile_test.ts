/**
 * `deno task compile` / `compile:all`. This machine cannot download `denort` (the runtime `deno compile`
 * fetches once per target), so the build uses `DENORT_BIN` = the local `deno`. That proves the module
 * graph compiles and is embedded with the intended permissions; it does not give a runnable program (a
 * full `deno` binary used as the runtime ignores the embedded program and behaves as the Deno CLI), so the
 * output is inspected rather than run. What the program does under those permissions is covered by
 * permissions_test.ts, which runs `main.ts` with exactly the same flags.
 */
import assert from "node:assert/strict";
import { BINARY_NAME, COMPILE_PERMISSIONS, TARGETS } from "../../scripts/compile.ts";
import { runDeno } from "../helpers/process.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

/** The `deno compile` argument lists a task would run, from its `--print` mode. */
async function plannedBy(task: string): Promise<string[][]> {
  const { code, stdout, stderr } = await runDeno(["task", task, "--print"]);
  assert.equal(code, 0, stderr);
  return stdout.trim().split("\n").map((line) => JSON.parse(line));
}

/** The permission flags of a `deno compile` argument list. */
function permissionFlags(args: string[]): string[] {
  return args.filter((arg) =>
    arg.startsWith("--allow-") || arg.startsWith("--deny-") || arg === "--no-prompt"
  );
}

Deno.test("deno task compile builds dist/entra-obo-mcp from main.ts with the shared permission flags", async () => {
  const builds = await plannedBy("compile");
  assert.equal(builds.length, 1);
  const [build] = builds;
  assert.equal(build[0], "compile");
  assert.equal(build.at(-1), "main.ts");
  assert.equal(build[build.indexOf("--output") + 1], `dist/${BINARY_NAME}`);
  assert.ok(!build.includes("--target"));
  assert.deepEqual(permissionFlags(build), [...COMPILE_PERMISSIONS]);
  assert.ok(!build.includes("--allow-all") && !build.includes("-A"));
});

Deno.test("deno task compile:all builds one binary per release target, each with the same permissions", async () => {
  const builds = await plannedBy("compile:all");
  const targets = builds.map((build) => build[build.indexOf("--target") + 1]);
  assert.deepEqual(targets.toSorted(), [
    "aarch64-apple-darwin",
    "aarch64-unknown-linux-gnu",
    "x86_64-apple-darwin",
    "x86_64-pc-windows-msvc",
    "x86_64-unknown-linux-gnu",
  ]);
  assert.deepEqual(targets, [...TARGETS]);
  for (const build of builds) {
    const target = build[build.indexOf("--target") + 1];
    assert.equal(build[build.indexOf("--output") + 1], `dist/${BINARY_NAME}-${target}`);
    assert.deepEqual(permissionFlags(build), [...COMPILE_PERMISSIONS]);
  }
});

Deno.test("the task only drives scripts/compile.ts: permission flags are written down once", async () => {
  const { tasks } = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`));
  for (const name of ["compile", "compile:all"]) {
    assert.match(tasks[name], /scripts\/compile\.ts/);
    assert.doesNotMatch(tasks[name], /\bdeno compile\b|--allow-(net|env|write)/, `${name}: ${tasks[name]}`);
  }
});

Deno.test({
  name:
    "deno task compile (DENORT_BIN = local deno) compiles the graph and bakes in exactly these permissions",
  fn: async () => {
    const dir = await Deno.makeTempDir();
    try {
      const output = `${dir}/${BINARY_NAME}`;
      const runtime = Deno.execPath();
      const { code, stderr } = await runDeno(["task", "compile", "--output", output], {
        DENORT_BIN: runtime,
      });
      assert.equal(code, 0, stderr);
      const runtimeSize = (await Deno.stat(runtime)).size;
      const bytes = await Deno.readFile(output);
      assert.ok(bytes.length > runtimeSize, "the module graph is appended to the runtime");
      // The payload after the runtime: the embedded modules and the metadata with the baked-in flags.
      const payload = new TextDecoder("latin1").decode(bytes.subarray(runtimeSize));
      assert.ok(payload.includes("Usage: entra-obo-mcp [command] [options]"), "main.ts is embedded");
      // setup and doctor are imported on demand; a literal specifier is what lets `deno compile` find them.
      for (const command of ["serve", "setup", "doctor", "demo", "emulator"]) {
        assert.ok(payload.includes(`Usage: entra-obo-mcp ${command}`), `the ${command} command is embedded`);
      }
      const permissions = JSON.parse(payload.match(/"permissions":(\{[^{}]*\})/)![1]);
      assert.deepEqual(
        {
          net: permissions.allow_net,
          env: permissions.allow_env,
          read: permissions.allow_read,
          write: permissions.allow_write,
          run: permissions.allow_run,
          sys: permissions.allow_sys,
          ffi: permissions.allow_ffi,
          prompt: permissions.prompt,
        },
        { net: [], env: [], read: [], write: [], run: ["az"], sys: null, ffi: null, prompt: false },
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
