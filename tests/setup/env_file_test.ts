/** Updating `.env`: keys replaced in place, others and comments kept, values round-trip, mode 0600. */
import assert from "node:assert/strict";
import { parseEnv } from "node:util";
import { readEnvFileValues, updatedEnvText, writeEnvFile } from "../../src/setup/env_file.ts";

Deno.test("updatedEnvText replaces keys in place, drops later duplicates, appends new keys, keeps the rest", () => {
  const original = [
    "# Entra settings",
    "AZURE_TENANT_ID=old",
    "",
    "export AZURE_CLIENT_ID=old-client",
    "LOG_LEVEL=debug # keep",
    "AZURE_TENANT_ID=duplicate",
  ].join("\n");
  const text = updatedEnvText(original, {
    AZURE_TENANT_ID: "t",
    AZURE_CLIENT_ID: "c",
    BASE_URL: "http://localhost:8000",
  });
  assert.equal(
    text,
    [
      "# Entra settings",
      "AZURE_TENANT_ID=t",
      "",
      "AZURE_CLIENT_ID=c",
      "LOG_LEVEL=debug # keep",
      "BASE_URL=http://localhost:8000",
      "",
    ].join("\n"),
  );
  assert.equal(updatedEnvText("", { A: "1" }), "A=1\n");
  assert.equal(updatedEnvText("A=1\r\nB=2\r\n", { B: "3" }), "A=1\nB=3\n");
});

Deno.test("values round-trip through the dotenv parser, whatever quotes they need", () => {
  const values = {
    SECRET: "Ab~8Q~x.y_z-0123456789abcdefghijklmnopq",
    SPACES: "a b # not a comment",
    SINGLE: "it's",
    BOTH: `it's "quoted"`,
    NEWLINE: "line1\nline2",
  };
  assert.deepEqual({ ...parseEnv(updatedEnvText("", values)) }, values);
  assert.throws(() => updatedEnvText("", { BAD: `'\`"` }), /cannot be written/);
});

Deno.test("writeEnvFile creates the file with mode 0600 and tightens an existing 0644 one", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/.env`;
  assert.deepEqual(await readEnvFileValues(path), {}, "a missing file has no values");
  await writeEnvFile(path, { AZURE_CLIENT_SECRET: "s3cret~" });
  assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  assert.deepEqual(await readEnvFileValues(path), { AZURE_CLIENT_SECRET: "s3cret~" });

  const existing = `${dir}/existing.env`;
  await Deno.writeTextFile(existing, "# mine\nOTHER=1\n", { mode: 0o644 });
  await Deno.chmod(existing, 0o644);
  await writeEnvFile(existing, { AZURE_CLIENT_ID: "c" });
  assert.equal((await Deno.stat(existing)).mode! & 0o777, 0o600);
  assert.equal(await Deno.readTextFile(existing), "# mine\nOTHER=1\nAZURE_CLIENT_ID=c\n");
  assert.deepEqual(
    [...Deno.readDirSync(dir)].map((e) => e.name).sort(),
    [".env", "existing.env"],
    "no temp files left",
  );
});

Deno.test("writeEnvFile fails cleanly when the directory is not there", async () => {
  await assert.rejects(writeEnvFile("/nonexistent-dir-for-test/.env", { A: "1" }), Deno.errors.NotFound);
});
