// npm run train:tags [-- --check]
// Trains the learned tagging layer from the labelled files (test/fixtures/tagging/*.jsonl
// except blind-*.jsonl) and writes feeds/tag-model.bin and feeds/tag-model.json. The run is
// deterministic: the same files give the same bytes. --check trains in memory and fails when
// the shipped files differ (a model not retrained after a change of data or rules).

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MODEL_BIN, MODEL_JSON } from '../src/tagging/learned.ts';
import { buildDataset, inputHash, trainModel, trainingFiles } from '../src/tagging/training.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

function main(argv: string[]): number {
  const check = argv.includes('--check');
  const t0 = Date.now();
  const files = trainingFiles(root);
  const data = buildDataset(root, files);
  const { bin, json, model } = trainModel(data, files, inputHash(root));
  const binPath = `${root}feeds/${MODEL_BIN}`;
  const jsonPath = `${root}feeds/${MODEL_JSON}`;
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (check) {
    const same =
      existsSync(binPath) &&
      existsSync(jsonPath) &&
      readFileSync(binPath).equals(bin) &&
      readFileSync(jsonPath, 'utf8') === json;
    process.stdout.write(
      same
        ? `shipped model matches a fresh training run (${data.items.length} items, ${secs} s)\n`
        : `feeds/${MODEL_BIN} / feeds/${MODEL_JSON} differ from a fresh training run: run npm run train:tags\n`,
    );
    return same ? 0 : 1;
  }
  writeFileSync(binPath, bin);
  writeFileSync(jsonPath, json);
  const m = model.meta;
  process.stdout.write(
    `trained on ${data.items.length} items from ${files.length} files in ${secs} s; wrote feeds/${MODEL_BIN} (${bin.length} bytes) and feeds/${MODEL_JSON}\n`,
  );
  m.themes.forEach((t, i) =>
    process.stdout.write(
      `  ${t.padEnd(20)} cv F1 ${m.cv.f1[i]!.toFixed(3)}  threshold p=${(1 / (1 + Math.exp(-m.threshold[i]!))).toFixed(2)}  confident p=${(1 / (1 + Math.exp(-m.confident[i]!))).toFixed(2)} (cv precision ${m.cv.precisionAtConfident[i]!.toFixed(2)})\n`,
    ),
  );
  return 0;
}

process.exitCode = main(process.argv);
