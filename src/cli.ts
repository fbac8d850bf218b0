// Placeholder until the command line lands.
export async function main(_argv: string[]): Promise<void> {
  process.stderr.write('govwatch: not built yet\n');
  process.exitCode = 1;
}
