// Reading the router's per-Specialist metrics out of its Prometheus text exposition.
import { describe, expect, it } from 'vitest';
import { parseRouterMetrics, type RouterSpecialistMetrics } from './router-metrics.js';

const EMPTY = { callsQueued: 0, serviceSecondsSum: 0, serviceCount: 0, queueWaitSecondsSum: 0, queueWaitCount: 0 };

function metrics(overrides: Partial<RouterSpecialistMetrics>): RouterSpecialistMetrics {
  return { ...EMPTY, ...overrides };
}

// What prom-client writes for the router's registry (abridged buckets), other metrics included.
const ROUTER_EXPOSITION = `# HELP slm_fleet_router_calls_total Agent calls finished, by task and gRPC status code.
# TYPE slm_fleet_router_calls_total counter
slm_fleet_router_calls_total{task="summarise",code="OK"} 40
# HELP slm_fleet_router_specialist_calls_queued_total Calls this router put on a Specialist's queue.
# TYPE slm_fleet_router_specialist_calls_queued_total counter
slm_fleet_router_specialist_calls_queued_total{specialist="team-a/summariser"} 42
slm_fleet_router_specialist_calls_queued_total{specialist="team-b/tagger"} 7

# HELP slm_fleet_router_specialist_queue_wait_seconds Time answered calls waited in a Specialist's queue.
# TYPE slm_fleet_router_specialist_queue_wait_seconds histogram
slm_fleet_router_specialist_queue_wait_seconds_bucket{le="0.005",specialist="team-a/summariser"} 10
slm_fleet_router_specialist_queue_wait_seconds_bucket{le="+Inf",specialist="team-a/summariser"} 40
slm_fleet_router_specialist_queue_wait_seconds_sum{specialist="team-a/summariser"} 3.5
slm_fleet_router_specialist_queue_wait_seconds_count{specialist="team-a/summariser"} 40
# HELP slm_fleet_router_specialist_service_seconds Time a Specialist's worker spent on an answered call.
# TYPE slm_fleet_router_specialist_service_seconds histogram
slm_fleet_router_specialist_service_seconds_bucket{le="0.5",specialist="team-a/summariser"} 30
slm_fleet_router_specialist_service_seconds_bucket{le="+Inf",specialist="team-a/summariser"} 40
slm_fleet_router_specialist_service_seconds_sum{specialist="team-a/summariser"} 22.25
slm_fleet_router_specialist_service_seconds_count{specialist="team-a/summariser"} 40
# HELP slm_fleet_router_specialist_queue_waiting Calls waiting in a Specialist's queue.
# TYPE slm_fleet_router_specialist_queue_waiting gauge
slm_fleet_router_specialist_queue_waiting{specialist="team-a/summariser"} 2
# HELP slm_fleet_router_calls_in_flight Calls received and not yet answered.
# TYPE slm_fleet_router_calls_in_flight gauge
slm_fleet_router_calls_in_flight 3
`;

describe('parseRouterMetrics', () => {
  it("adds the calls a task's fallback took on a capacity trigger to the Specialist's queued calls (its demand)", () => {
    const text = [
      'slm_fleet_router_specialist_calls_queued_total{specialist="team-a/small"} 30',
      'slm_fleet_router_specialist_calls_diverted_total{specialist="team-a/small"} 12',
      'slm_fleet_router_specialist_calls_queued_total{specialist="team-a/llm"} 12',
    ].join('\n');
    expect(parseRouterMetrics(text)).toEqual(
      new Map([
        ['team-a/small', metrics({ callsQueued: 42 })],
        ['team-a/llm', metrics({ callsQueued: 12 })],
      ]),
    );
  });

  it("reads every Specialist's counters, histogram sums and counts, and the waiting gauge", () => {
    expect(parseRouterMetrics(ROUTER_EXPOSITION)).toEqual(
      new Map([
        [
          'team-a/summariser',
          metrics({
            callsQueued: 42,
            serviceSecondsSum: 22.25,
            serviceCount: 40,
            queueWaitSecondsSum: 3.5,
            queueWaitCount: 40,
            waiting: 2,
          }),
        ],
        ['team-b/tagger', metrics({ callsQueued: 7 })],
      ]),
    );
  });

  it.each<[string, string, Map<string, RouterSpecialistMetrics>]>([
    ['an empty exposition', '', new Map()],
    [
      'only comments and other metrics',
      '# HELP x y\n# TYPE x counter\nx 1\nslm_fleet_router_calls_in_flight 3\n',
      new Map(),
    ],
    [
      'a sample with a timestamp',
      'slm_fleet_router_specialist_calls_queued_total{specialist="a/b"} 5 1700000000000',
      new Map([['a/b', metrics({ callsQueued: 5 })]]),
    ],
    [
      'labels in another order, with spaces and a trailing comma',
      'slm_fleet_router_specialist_service_seconds_sum{ zone = "x" , specialist="a/b", } 1.5',
      new Map([['a/b', metrics({ serviceSecondsSum: 1.5 })]]),
    ],
    [
      'escaped quotes, backslashes and newlines in label values',
      String.raw`slm_fleet_router_specialist_calls_queued_total{note="say \"hi\", {ok}",specialist="a\\b\"c\nd"} 2`,
      new Map([['a\\b"c\nd', metrics({ callsQueued: 2 })]]),
    ],
    [
      'Windows line endings',
      'slm_fleet_router_specialist_calls_queued_total{specialist="a/b"} 5\r\nslm_fleet_router_specialist_queue_waiting{specialist="a/b"} 1\r\n',
      new Map([['a/b', metrics({ callsQueued: 5, waiting: 1 })]]),
    ],
    [
      'exponent notation',
      'slm_fleet_router_specialist_queue_wait_seconds_sum{specialist="a/b"} 1.25e+3',
      new Map([['a/b', metrics({ queueWaitSecondsSum: 1250 })]]),
    ],
    [
      'a waiting gauge of 0 (present, not missing)',
      'slm_fleet_router_specialist_queue_waiting{specialist="a/b"} 0',
      new Map([['a/b', metrics({ waiting: 0 })]]),
    ],
    [
      'samples differing in other labels, added up',
      'slm_fleet_router_specialist_calls_queued_total{specialist="a/b",pod="1"} 2\n' +
        'slm_fleet_router_specialist_calls_queued_total{pod="2",specialist="a/b"} 3',
      new Map([['a/b', metrics({ callsQueued: 5 })]]),
    ],
  ])('reads %s', (_name, text, expected) => {
    expect(parseRouterMetrics(text)).toEqual(expected);
  });

  it.each<[string, string]>([
    ['no specialist label', 'slm_fleet_router_specialist_calls_queued_total 5'],
    ['an empty specialist label', 'slm_fleet_router_specialist_calls_queued_total{specialist=""} 5'],
    [
      'a histogram bucket, +Inf included',
      'slm_fleet_router_specialist_service_seconds_bucket{specialist="a/b",le="+Inf"} 9',
    ],
    ['a longer metric name', 'slm_fleet_router_specialist_calls_queued_total_extra{specialist="a/b"} 5'],
    ['a shorter metric name', 'slm_fleet_router_specialist_queue_wait{specialist="a/b"} 5'],
    ['a prefixed metric name', 'x_slm_fleet_router_specialist_calls_queued_total{specialist="a/b"} 5'],
    ['an OpenMetrics _created sample', 'slm_fleet_router_specialist_calls_queued_created{specialist="a/b"} 1.7e9'],
    ['a NaN value', 'slm_fleet_router_specialist_service_seconds_sum{specialist="a/b"} NaN'],
    ['a +Inf value', 'slm_fleet_router_specialist_service_seconds_sum{specialist="a/b"} +Inf'],
    ['a missing value', 'slm_fleet_router_specialist_calls_queued_total{specialist="a/b"}'],
    ['a value that is not a number', 'slm_fleet_router_specialist_calls_queued_total{specialist="a/b"} many'],
    ['an unterminated label value', 'slm_fleet_router_specialist_calls_queued_total{specialist="a/b} 5'],
    ['an unclosed label set', 'slm_fleet_router_specialist_calls_queued_total{specialist="a/b" 5'],
    ['no space before the value', 'slm_fleet_router_specialist_calls_queued_total{specialist="a/b"}5'],
    ['labels without a comma between', 'slm_fleet_router_specialist_calls_queued_total{specialist="a/b" zone="x"} 5'],
    ['an unquoted label value', 'slm_fleet_router_specialist_calls_queued_total{specialist=a} 5'],
    ['a commented-out sample', '# slm_fleet_router_specialist_calls_queued_total{specialist="a/b"} 5'],
  ])('skips %s', (_name, line) => {
    // The good line around it still counts, so a parser that gives up on the whole text fails.
    const text = `${line}\nslm_fleet_router_specialist_calls_queued_total{specialist="ok"} 1\n`;
    expect(parseRouterMetrics(text)).toEqual(new Map([['ok', metrics({ callsQueued: 1 })]]));
  });

  it('leaves waiting out when no gauge sample names the Specialist', () => {
    const parsed = parseRouterMetrics('slm_fleet_router_specialist_calls_queued_total{specialist="a/b"} 5');
    expect(parsed.get('a/b')).not.toHaveProperty('waiting');
  });
});
