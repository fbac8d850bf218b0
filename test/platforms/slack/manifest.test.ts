// slack-manifest.yaml declares exactly the commands the adapter serves, with the scopes it uses.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { MANIFEST_COMMANDS, slashFor, commandNameFromSlash } from '../../../src/platforms/slack/names.ts';

interface Manifest {
  features: {
    slash_commands: Array<{
      command: string;
      description: string;
      usage_hint?: string;
      should_escape: boolean;
    }>;
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: { interactivity: { is_enabled: boolean }; socket_mode_enabled: boolean };
}

const manifest = parse(
  readFileSync(new URL('../../../slack-manifest.yaml', import.meta.url), 'utf8'),
) as Manifest;

describe('slack-manifest.yaml', () => {
  it('declares the umbrella command and one prefixed command per govwatch command', () => {
    const declared = manifest.features.slash_commands.map((c) => c.command);
    expect(declared).toEqual(['/govwatch', ...MANIFEST_COMMANDS.map(slashFor)]);
    expect(declared.map(commandNameFromSlash)).toEqual([null, ...MANIFEST_COMMANDS]);
  });

  it('keeps command entries within Slack rules (lowercase, ≤ 32 characters, short texts)', () => {
    for (const c of manifest.features.slash_commands) {
      expect(c.command).toMatch(/^\/[a-z0-9_-]{1,31}$/);
      expect(c.description.length).toBeLessThanOrEqual(2000);
      expect((c.usage_hint ?? '').length).toBeLessThanOrEqual(1000);
      expect(c.should_escape).toBe(false);
    }
  });

  it('asks for the scopes the adapter uses and enables interactivity and Socket Mode', () => {
    expect(new Set(manifest.oauth_config.scopes.bot)).toEqual(
      new Set([
        'commands',
        'chat:write',
        'chat:write.public',
        'users:read',
        'im:write',
        'channels:history',
        'groups:history',
        'im:history',
        'files:write',
      ]),
    );
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
  });
});
