// The evidence stand-in's data for the tests: Iraq, 18–21 Nov 2026 and the 30 days before.
import { addDays, daysBetween } from '../../src/evidence/days.ts';
import type { CountsFixture, EvidenceFixture } from '../../src/demo/evidence-server.ts';

function c(m: number, a: number, conf: number, f: number): CountsFixture {
  return {
    measurement_count: m,
    anomaly_count: a,
    confirmed_count: conf,
    failure_count: f,
    ok_count: m - a - conf - f,
  };
}

const t = (iso: string) => Date.parse(iso) / 1000;

export function iraqFixture(): EvidenceFixture {
  const iq: Record<string, Record<string, CountsFixture>> = {};
  // Baseline: 5% anomalous every day.
  for (const day of daysBetween(addDays('2026-11-18', -30), '2026-11-17')) {
    iq[day] = { web_connectivity: c(100, 5, 0, 2) };
  }
  iq['2026-11-18'] = { web_connectivity: c(200, 60, 10, 5), tor: c(10, 4, 0, 1) };
  iq['2026-11-19'] = {
    web_connectivity: c(150, 40, 5, 5),
    psiphon: c(8, 0, 0, 0),
    'web_connectivity@telegram.org': c(20, 16, 2, 0),
  };
  // 20 Nov: no measurements at all (the API lists no row for it).
  iq['2026-11-21'] = { web_connectivity: c(100, 20, 0, 0) };
  return {
    ooni: { IQ: iq },
    ioda: {
      events: {
        IQ: [
          {
            start: t('2026-11-19T03:00:00Z'),
            duration: 7200,
            datasource: 'bgp',
            method: 'median',
            score: 12.5,
          },
          {
            start: t('2026-11-20T03:00:00Z'),
            duration: 3600,
            datasource: 'ping-slash24',
            method: 'median',
            score: 4,
          },
        ],
      },
      signals: {
        IQ: [
          {
            datasource: 'bgp',
            from: t('2026-11-18T00:00:00Z'),
            step: 6 * 3600,
            values: [100, 100, 100, 100, 100, 40, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100],
          },
        ],
      },
    },
    radar: {
      annotations: {
        IQ: [
          {
            id: 'a1',
            dataSource: 'ALL',
            eventType: 'OUTAGE',
            locations: ['IQ'],
            outage: { outageCause: 'GOVERNMENT_DIRECTED', outageType: 'NATIONWIDE' },
            startDate: '2026-11-19T03:00:00Z',
            endDate: '2026-11-19T05:00:00Z',
          },
        ],
      },
      anomalies: { IQ: [] },
    },
  };
}
