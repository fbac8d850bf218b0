import type { ThemeId } from './model.ts';

/** One line per theme id, for /themes and help texts (ids and meaning from the taxonomy v1). */
export const THEME_DESCRIPTIONS: Record<ThemeId, string> = {
  censorship:
    'State blocking, filtering or removal of content and services: site and app bans, VPN/Tor blocking, takedowns',
  surveillance:
    'Monitoring of people by states or companies: spyware, interception, data retention, facial recognition',
  encryption:
    'End-to-end encryption, backdoors, client-side scanning, cryptographic standards, anonymity tools',
  shutdowns: 'Internet shutdowns, mobile-data cuts, throttling and their measurement',
  standards:
    'Technical standard-setting and its bodies: ITU-T/R, IETF, W3C, ISO/IEC, ETSI, 3GPP; national standards strategies',
  'internet-governance':
    'ICANN, IGF, WSIS, the Global Digital Compact, multistakeholder vs multilateral, DNS/IP policy, fragmentation',
  cybercrime: 'Cybercrime law and treaties: the UN convention, Budapest Convention, e-evidence',
  cybersecurity:
    'Security policy and incidents: state hacking, ransomware, vulnerability disclosure, cyber norms, vendor bans',
  privacy: 'Data protection law and enforcement: GDPR, localisation, data transfers, adtech, data brokers',
  disinformation:
    'Disinformation, influence operations, election interference, propaganda, political deepfakes',
  platforms:
    'Regulation of platforms and app stores: DSA/DMA, online-safety laws, moderation, intermediary liability',
  'ai-governance':
    'Regulation, standards and governance of AI: the EU AI Act, safety institutes, UN AI bodies',
  'free-expression': 'People punished or threatened for what they say online: users, journalists, activists',
  geopolitics:
    'Technology as state rivalry and alliance: US–China competition, export controls, tech sovereignty',
  infrastructure:
    'Networks and access: submarine cables, satellites, 5G/6G, spectrum, IPv6, routing security, the digital divide',
};
