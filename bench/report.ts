import os from "node:os";

/** One line of the results table: a figure, the target it is held against, and whether it met it. */
export interface Row {
  section: string;
  measure: string;
  value: string;
  target?: string;
  /** undefined: no target; null: could not be measured. */
  met?: boolean | null;
  note?: string;
}

export const machine = () => {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown CPU",
    cores: cpus.length,
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GB`,
    load: os.loadavg().map((l) => l.toFixed(2)).join(" "),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString(),
  };
};

const verdict = (r: Row): string => (r.met === undefined ? "" : r.met === null ? "not measured" : r.met ? "met" : "**MISSED**");

/** A plain text table for the terminal. */
export function textTable(rows: readonly Row[]): string {
  const cells = rows.map((r) => [r.section, r.measure, r.value, r.target ?? "", verdict(r).replace(/\*/g, "")]);
  const head = ["section", "measure", "value", "target", ""];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n");
}

export function markdown(rows: readonly Row[], notes: readonly string[]): string {
  const m = machine();
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  const lines = [
    "# pairbot benchmarks",
    "",
    "Written by `npm run bench` (bench/run.ts); run it again to refresh. Figures from a busy or shared",
    "machine are noisy: the load average below says how quiet this one was.",
    "",
    `- Machine: ${m.cpu}, ${m.cores} cores, ${m.memory} memory, ${m.platform}`,
    `- Load average at the end of the run (1, 5, 15 min): ${m.load}`,
    `- Node ${m.node}`,
    `- Date: ${m.date}`,
    "",
    "| section | measure | value | target | |",
    "| --- | --- | --- | --- | --- |",
    ...rows.map((r) => `| ${esc(r.section)} | ${esc(r.measure)} | ${esc(r.value)} | ${esc(r.target ?? "")} | ${verdict(r)} |`),
    "",
  ];
  const withNotes = rows.filter((r) => r.note);
  if (withNotes.length > 0 || notes.length > 0) {
    lines.push("## Notes", "");
    for (const r of withNotes) lines.push(`- **${r.section}, ${r.measure}**: ${r.note}`);
    for (const n of notes) lines.push(`- ${n}`);
    lines.push("");
  }
  return lines.join("\n");
}
