// One search in a freshly started process, for search-bench's cold figures:
//   node --import tsx bench/search-cold.ts <archive.db> ours|plain '<SearchQuery JSON>'
// Opens the archive, runs the query once, prints its time in ms (opening not included) and
// the minor page faults it took (each costs 15-60 µs on the development VM), the main
// thread's time on a CPU and its time waiting for one (ms, from /proc/thread-self/schedstat:
// on a shared machine wall-clock includes that wait; the process's other threads, still busy
// with start-up's compilation and garbage, are not counted).
import { readFileSync } from 'node:fs';
import type { SearchQuery } from '../src/store/types.ts';
import { openSqliteStore } from '../src/store/sqlite/index.ts';
import { plainFtsSearch } from './search-bench.ts';

const [path, engine, json] = process.argv.slice(2);
if (!path || (engine !== 'ours' && engine !== 'plain') || !json) {
  process.stderr.write('usage: search-cold.ts <archive.db> ours|plain <query json>\n');
  process.exit(2);
}
const q = JSON.parse(json) as SearchQuery;
const store = openSqliteStore(path, { create: false });
/** [on CPU, waiting for a CPU] of this thread so far, in ms; NaN off Linux. */
function schedstat(): [number, number] {
  try {
    const [run, wait] = readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ').map(Number);
    return [run! / 1e6, wait! / 1e6];
  } catch {
    return [NaN, NaN];
  }
}
const faults = process.resourceUsage().minorPageFault;
const sched = schedstat();
const t = performance.now();
if (engine === 'ours') await store.search(q);
else plainFtsSearch(store.db, q);
const ms = performance.now() - t;
const took = process.resourceUsage().minorPageFault - faults;
const after = schedstat();
await store.close();
process.stdout.write(`${ms} ${took} ${after[0] - sched[0]} ${after[1] - sched[1]}\n`);
