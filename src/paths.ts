import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The package's own folder, so shipped files are found whatever the working directory. */
export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));

export const THEMES_FILE = join(PACKAGE_ROOT, 'feeds', 'themes.yaml');
export const SAMPLES_DIR = join(PACKAGE_ROOT, 'feeds', 'samples');
export const SHIPPED_SOURCES_FILE = join(PACKAGE_ROOT, 'feeds', 'sources.yaml');
export const SHIPPED_EVENTS_FILE = join(PACKAGE_ROOT, 'feeds', 'events.yaml');
