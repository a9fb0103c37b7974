import { describe, expect, it } from 'vitest';
import { RouterScraper } from './router-scraper.js';

const exposition = (queued: number, serviceSum = 0, serviceCount = 0) => `
# TYPE slm_fleet_router_specialist_calls_queued_total counter
slm_fleet_router_specialist_calls_queued_total{specialist="team-a/extractor"} ${queued}
slm_fleet_router_specialist_service_seconds_sum{specialist="team-a/extractor"} ${serviceSum}
slm_fleet_router_specialist_service_seconds_count{specialist="team-a/extractor"} ${serviceCount}
`;

/** A scraper over fixed answers per URL; a URL without an answer fails its scrape. */
function scraperOver(answers: Map<string, string>, urls = ['http://a/metrics', 'http://b/metrics']) {
  return new RouterScraper(
    () => urls,
    async (url) => {
      const text = answers.get(url);
      if (text === undefined) throw new Error('connection refused');
      return text;
    },
  );
}

describe('RouterScraper', () => {
  it('knows no rate until a router was scraped twice (its counters hold calls from before)', async () => {
    const answers = new Map([['http://a/metrics', exposition(1000)]]);
    const scraper = scraperOver(answers);
    expect((await scraper.scrape(0)).measured).toBe(false);
    answers.set('http://a/metrics', exposition(1050, 10, 50));
    const rates = await scraper.scrape(10_000);
    expect(rates.measured).toBe(true);
    expect(rates.bySpecialist.get('team-a/extractor')).toMatchObject({ arrivalRate: 5, serviceTimeSeconds: 0.2 });
  });

  it('adds up the routers, and a router first seen only sets its baseline', async () => {
    const answers = new Map([['http://a/metrics', exposition(0)]]);
    const scraper = scraperOver(answers);
    await scraper.scrape(0);
    answers.set('http://a/metrics', exposition(20));
    answers.set('http://b/metrics', exposition(5000));
    expect((await scraper.scrape(10_000)).bySpecialist.get('team-a/extractor')?.arrivalRate).toBe(2);
    answers.set('http://a/metrics', exposition(40));
    answers.set('http://b/metrics', exposition(5030));
    expect((await scraper.scrape(20_000)).bySpecialist.get('team-a/extractor')?.arrivalRate).toBe(5);
  });

  it('reads a router that restarted as counting from zero, without resetting the others', async () => {
    const answers = new Map([
      ['http://a/metrics', exposition(100)],
      ['http://b/metrics', exposition(100)],
    ]);
    const scraper = scraperOver(answers);
    await scraper.scrape(0);
    answers.set('http://a/metrics', exposition(10)); // restarted: 10 since
    answers.set('http://b/metrics', exposition(120));
    expect((await scraper.scrape(10_000)).bySpecialist.get('team-a/extractor')?.arrivalRate).toBe(3);
  });

  it('is not measured when every router fails, and a router back after a failure starts a new baseline', async () => {
    const answers = new Map([['http://a/metrics', exposition(0)]]);
    const scraper = scraperOver(answers, ['http://a/metrics']);
    await scraper.scrape(0);
    answers.delete('http://a/metrics');
    expect((await scraper.scrape(10_000)).measured).toBe(false);
    answers.set('http://a/metrics', exposition(900));
    expect((await scraper.scrape(20_000)).measured).toBe(false);
  });
});
