// Small named facts the archive keeps about itself (e.g. that the operator removed the
// terminal's default subscription, so it is not made again). Keys are fixed strings owned
// by the code that uses them; values are text.
export interface SettingsStore {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<boolean>;
}
