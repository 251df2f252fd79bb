/**
 * `npm run bench`: every benchmark, each printed beside a baseline measured in the same run.
 * Figures, not pass/fail: timing never fails the test suite.
 */
import { benchAgentRecording } from "./agent-recording.js";
import { benchBigRun } from "./big-run.js";
import { benchCliColdStart } from "./cli-cold-start.js";
import { benchHistoryQueries } from "./history-queries.js";
import { benchHttpIngest } from "./http-ingest.js";
import { benchOtlpIngest } from "./otlp-ingest.js";
import { benchPgHistory } from "./pg-history.js";
import { benchPgTeam } from "./pg-team.js";
import { benchStoreIngest } from "./store-ingest.js";
import { benchTriggers } from "./triggers.js";
import { benchWebHistory } from "./web-history.js";
import { benchWorkflows } from "./workflows.js";

const only = process.argv.slice(2);
const want = (name: string) => only.length === 0 || only.includes(name);

console.log(`# Keystroke benchmarks — ${new Date().toISOString()}, Node ${process.version}`);
if (want("store")) await benchStoreIngest();
if (want("http")) await benchHttpIngest();
if (want("otlp")) await benchOtlpIngest();
if (want("history")) await benchHistoryQueries();
if (want("big-run")) await benchBigRun();
if (want("agent")) await benchAgentRecording();
if (want("cli")) await benchCliColdStart();
if (want("web")) await benchWebHistory();
if (want("workflows")) await benchWorkflows();
if (want("triggers")) await benchTriggers();
// These need a PostgreSQL server and take minutes: only when named.
if (only.includes("pg-history")) await benchPgHistory();
if (only.includes("pg-team")) await benchPgTeam();
