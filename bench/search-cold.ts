// One search in a freshly started process, for search-bench's cold figures:
//   node --import tsx bench/search-cold.ts <archive.db> ours|plain '<SearchQuery JSON>'
// Opens the archive, runs the query once, prints its time in ms (opening not included) and
// the minor page faults it took (each costs 15-60 µs on the development VM) and its CPU time
// in ms (all of the process's threads: on a shared machine, wall-clock includes waiting).
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
const faults = process.resourceUsage().minorPageFault;
const cpu = process.cpuUsage();
const t = performance.now();
if (engine === 'ours') await store.search(q);
else plainFtsSearch(store.db, q);
const ms = performance.now() - t;
const took = process.resourceUsage().minorPageFault - faults;
const used = process.cpuUsage(cpu);
await store.close();
process.stdout.write(`${ms} ${took} ${(used.user + used.system) / 1000}\n`);
