/**
 * src/discovery/semver.ts against npm's `semver` package: every range × version of
 * test/fixtures/sharing/build/semver-vectors.json (computed by the real package at fixture
 * build time) must give the same `satisfies`, `validRange`, `valid` and `compare`.
 */
import { expect } from '@open-wc/testing';
import { compare, parse, satisfies, valid, validRange } from '../../src/discovery/semver.js';

interface Vectors {
  semver: string;
  ranges: string[];
  versions: string[];
  validRange: boolean[];
  valid: boolean[];
  satisfies: string[];
  ordered: string[];
  compare: string[];
}

const vectors: Promise<Vectors> = fetch('/test/fixtures/sharing/build/semver-vectors.json').then((r) => {
  if (!r.ok) throw new Error(`semver vectors: HTTP ${r.status} (run node test/fixtures/build.mjs)`);
  return r.json() as Promise<Vectors>;
});

/** Mismatches as readable lines (at most 20), so a failure says which inputs differ. */
const report = (bad: string[]): string => `${bad.length} mismatches:\n${bad.slice(0, 20).join('\n')}`;

describe('semver (checked against npm semver)', () => {
  it('satisfies() agrees with semver.satisfies on every range × version', async () => {
    const v = await vectors;
    const bad: string[] = [];
    let checked = 0;
    v.ranges.forEach((range, i) =>
      v.versions.forEach((version, j) => {
        checked++;
        const want = v.satisfies[i]![j] === '1';
        if (satisfies(version, range) !== want) bad.push(`satisfies(${JSON.stringify(version)}, ${JSON.stringify(range)}): semver ${v.semver} says ${want}`);
      }),
    );
    expect(checked).to.be.greaterThan(10_000);
    expect(bad, report(bad)).to.deep.equal([]);
  });

  it('validRange() agrees with semver.validRange on every range, valid and invalid', async () => {
    const v = await vectors;
    const bad = v.ranges.filter((r, i) => validRange(r) !== v.validRange[i]).map((r) => `validRange(${JSON.stringify(r)})`);
    // Both kinds are covered.
    expect(v.validRange.filter(Boolean).length).to.be.greaterThan(100);
    expect(v.validRange.filter((x) => !x).length).to.be.greaterThan(30);
    expect(bad, report(bad)).to.deep.equal([]);
  });

  it('valid() and compare() agree with semver on every version and pair', async () => {
    const v = await vectors;
    const bad = v.versions.filter((x, i) => valid(x) !== v.valid[i]).map((x) => `valid(${JSON.stringify(x)})`);
    v.ordered.forEach((a, i) =>
      v.ordered.forEach((b, j) => {
        const got = '<=>'[compare(parse(a)!, parse(b)!) + 1];
        if (got !== v.compare[i]![j]) bad.push(`compare(${a}, ${b}): semver says ${v.compare[i]![j]}, got ${got}`);
      }),
    );
    expect(bad, report(bad)).to.deep.equal([]);
  });

  it('reads the ranges a manifest typically holds', () => {
    expect(satisfies('19.3.1', '^19.0.0')).to.equal(true);
    expect(satisfies('19.3.1', '^18.2.0')).to.equal(false);
    expect(satisfies('18.3.1', '^18.2.0 || ^19.0.0')).to.equal(true);
    expect(satisfies('19.0.0-rc.1', '^19.0.0')).to.equal(false); // prereleases need a prerelease comparator
    expect(satisfies('19.0.0-rc.2', '^19.0.0-rc.1')).to.equal(true);
    expect(satisfies('1.2.9', '~1.2.3')).to.equal(true);
    expect(satisfies('1.3.0', '~1.2.3')).to.equal(false);
    expect(satisfies('0.2.9', '^0.2.3')).to.equal(true);
    expect(satisfies('0.3.0', '^0.2.3')).to.equal(false);
    expect(satisfies('2.3.4', '1.2 - 2.3.4')).to.equal(true);
    expect(satisfies('2.3.5', '1.2 - 2.3.4')).to.equal(false);
    expect(validRange('^19')).to.equal(true);
    expect(validRange('banana')).to.equal(false);
  });

  it('never throws on bad input', () => {
    for (const bad of [undefined, null, 42, {}, '', 'x'.repeat(300)] as unknown as string[]) {
      expect(() => satisfies(bad, bad)).not.to.throw();
      expect(() => validRange(bad)).not.to.throw();
      expect(() => valid(bad)).not.to.throw();
    }
    expect(satisfies('1.2.3', undefined as unknown as string)).to.equal(false);
  });
});
