/** The result of one `doctor` check, and how results are printed. */

/** `warn` does not fail the run (e.g. a secret that expires soon); `skip` means the check could not run. */
export type CheckStatus = "pass" | "warn" | "fail" | "skip";

/** One check's outcome. */
export interface CheckResult {
  /** Stable identifier, e.g. `credential` or `registration.scope`. */
  id: string;
  /** What was checked, for a person. */
  title: string;
  status: CheckStatus;
  /** What was found. */
  detail: string;
  /** What to do about a failure or warning. */
  fix?: string;
}

/** The `--json` report. */
export interface DoctorReport {
  /** True when no check that ran failed. */
  ok: boolean;
  envFile: string;
  checks: CheckResult[];
}

const LABELS: Readonly<Record<CheckStatus, string>> = {
  pass: "PASS",
  warn: "WARN",
  fail: "FAIL",
  skip: "SKIP",
};

/** Whether every check that ran passed (warnings and skips do not fail the run). */
export function allPassed(checks: readonly CheckResult[]): boolean {
  return checks.every((c) => c.status !== "fail");
}

/** One line per check (the fix on the same line), then a verdict. */
export function formatChecks(checks: readonly CheckResult[]): string {
  const lines = checks.map((c) => {
    const fix = c.fix && (c.status === "fail" || c.status === "warn") ? ` -> fix: ${c.fix}` : "";
    return `${LABELS[c.status]}  ${c.title}: ${c.detail}${fix}`;
  });
  const failed = checks.filter((c) => c.status === "fail").length;
  const ran = checks.filter((c) => c.status !== "skip").length;
  lines.push(
    "",
    failed === 0 ? `All ${ran} checks that ran passed.` : `${failed} of ${ran} checks that ran failed.`,
  );
  return lines.join("\n");
}

/** A check that could not run because an earlier one failed. */
export function skipped(id: string, title: string, because: string): CheckResult {
  return { id, title, status: "skip", detail: `not run: ${because}` };
}
