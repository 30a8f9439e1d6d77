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

export function markdown(all: readonly Row[], notes: readonly string[]): string {
  const m = machine();
  const rows = all.filter((r) => r.section !== POSTGRES_SECTION);
  const postgres = all.filter((r) => r.section === POSTGRES_SECTION);
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
  if (postgres.length > 0) lines.push(postgresPart(postgres, new Map(rows.map((r) => [r.measure, r.value]))));
  return lines.join("\n");
}

export const POSTGRES_SECTION = "9 PostgreSQL";
const PART_START = "<!-- postgres -->";
const PART_END = "<!-- /postgres -->";

/**
 * The PostgreSQL column beside the file: each PostgreSQL row next to the file row of the same measure
 * (`file`: measure -> value, from this run or from the file table already in BENCHMARKS.md).
 */
export function postgresPart(rows: readonly Row[], file: ReadonlyMap<string, string>): string {
  const m = machine();
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  const lines = [
    PART_START,
    "## PostgreSQL beside the file",
    "",
    "The same measures on the PostgreSQL backend (a scratch database on the local server, reached over TCP),",
    "written by `npm run bench` or alone by `node dist/bench/run.js --only postgres` (the file column is then",
    `the table above). Measured ${m.date} with other work on the machine: load average ${m.load}.`,
    "",
    "| measure | file | PostgreSQL | target | |",
    "| --- | --- | --- | --- | --- |",
    ...rows.map((r) => `| ${esc(r.measure)} | ${esc(file.get(r.measure) ?? "")} | ${esc(r.value)} | ${esc(r.target ?? "")} | ${verdict(r)} |`),
    "",
  ];
  const withNotes = rows.filter((r) => r.note);
  for (const r of withNotes) lines.push(`- **${r.measure}**: ${r.note}`);
  if (withNotes.length > 0) lines.push("");
  lines.push(PART_END, "");
  return lines.join("\n");
}

/** BENCHMARKS.md with its PostgreSQL part replaced (or added), the file table left as it was. */
export function withPostgresPart(current: string, rows: readonly Row[]): string {
  const file = new Map<string, string>();
  for (const line of current.split("\n")) {
    const cells = line.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, "|"));
    // | section | measure | value | target | verdict |
    if (cells.length === 7 && cells[2] && cells[3] && !cells[1]!.startsWith("---")) file.set(cells[2], cells[3]);
  }
  const start = current.indexOf(PART_START);
  const end = current.indexOf(PART_END);
  const before = start >= 0 ? current.slice(0, start) : `${current.trimEnd()}\n\n`;
  const after = end >= 0 ? current.slice(end + PART_END.length).replace(/^\n+/, "") : "";
  return before + postgresPart(rows, file) + after;
}
