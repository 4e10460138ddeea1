// Smoke test: proves the runner works in each engine and that the dev-server test routes
// from test/server-routes.mjs behave as documented.
import { expect } from '@open-wc/testing';

const FIXTURE = 'test/fixtures/smoke/hello.js';

function uniqueKey(label: string): string {
  return `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

describe('test runner smoke', () => {
  it('runs in a real browser with custom elements and shadow DOM', async () => {
    expect(typeof customElements.define).to.equal('function');
    const host = document.createElement('div');
    const root = host.attachShadow({ mode: 'open' });
    root.innerHTML = '<span>ok</span>';
    expect(root.querySelector('span')?.textContent).to.equal('ok');
  });

  it('serves TypeScript through esbuild and plain modules via import()', async () => {
    const mod = (await import(`/${FIXTURE}`)) as { hello: string };
    expect(mod.hello).to.equal('hello from smoke fixture');
  });
});

describe('dev-server test routes', () => {
  it('/flaky/<key>/…: first request 503 no-store, later ones serve the file', async () => {
    const key = uniqueKey('flaky');
    const url = `/flaky/${key}/${FIXTURE}`;
    const first = await fetch(url);
    expect(first.status).to.equal(503);
    expect(first.headers.get('cache-control')).to.equal('no-store');
    expect(await first.text()).to.equal('flaky');

    const second = await fetch(url);
    expect(second.status).to.equal(200);
    expect(await second.text()).to.contain('hello from smoke fixture');

    // Another key is independent: its first request fails again.
    const other = await fetch(`/flaky/${uniqueKey('flaky')}/${FIXTURE}`);
    expect(other.status).to.equal(503);
  });

  it('/flaky/<key>/…: a module import fails once, then loads', async () => {
    const key = uniqueKey('flaky-import');
    const first = await fetch(`/flaky/${key}/${FIXTURE}`);
    expect(first.status).to.equal(503);
    const mod = (await import(`/flaky/${key}/${FIXTURE}`)) as { hello: string };
    expect(mod.hello).to.equal('hello from smoke fixture');
  });

  it('/status/<code>/…: answers that status with a text body', async () => {
    for (const code of [200, 404, 500, 503]) {
      const res = await fetch(`/status/${code}/anything/here.js`);
      expect(res.status).to.equal(code);
      expect(await res.text()).to.equal(`status ${code}`);
    }
  });

  it('/count/<key>/…: counts requests; /count-of/<key> reports them', async () => {
    const key = uniqueKey('count');
    const countOf = async (): Promise<number> => {
      const res = await fetch(`/count-of/${key}`);
      expect(res.headers.get('cache-control')).to.equal('no-store');
      return ((await res.json()) as { count: number }).count;
    };
    expect(await countOf()).to.equal(0);

    const url = `/count/${key}/${FIXTURE}`;
    const a = (await import(url)) as { hello: string };
    const b = (await import(url)) as { hello: string };
    expect(a).to.equal(b);
    expect(a.hello).to.equal('hello from smoke fixture');
    expect(await countOf()).to.equal(1);

    const res = await fetch(url);
    expect(res.status).to.equal(200);
    expect(res.headers.get('cache-control')).to.equal('no-store');
    await res.text();
    expect(await countOf()).to.equal(2);
  });

  it('/count/<key>/…: relative imports are counted per path, not as the entry', async () => {
    const key = uniqueKey('count-dep');
    const mod = (await import(`/count/${key}/test/fixtures/smoke/uses-dep.js`)) as { greeting: string };
    expect(mod.greeting).to.equal('hello from smoke fixture!');
    const res = await fetch(`/count-of/${key}`);
    expect(await res.json()).to.deep.equal({
      count: 1,
      total: 2,
      paths: { '/test/fixtures/smoke/uses-dep.js': 1, '/test/fixtures/smoke/hello.js': 1 },
    });
  });

  it('serves a JS file the dev server cannot parse as written, so import() fails in the browser', async () => {
    const url = '/test/fixtures/smoke/syntax-error.js';
    const res = await fetch(url);
    expect(res.status).to.equal(200);
    expect(await res.text()).to.contain('export const broken = () => {;');
    let error: unknown;
    try {
      await import(url);
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(Error);
  });

  it('/hang/…: never answers until the client aborts', async () => {
    const controller = new AbortController();
    let settled = false;
    const pending = fetch(`/hang/${uniqueKey('hang')}`, { signal: controller.signal }).then(
      (res) => {
        settled = true;
        return res;
      },
      (err: unknown) => {
        settled = true;
        throw err;
      },
    );
    // Round-trips to other routes complete while the hanging one stays unanswered.
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`/status/200/after-hang-${i}`);
      expect(res.status).to.equal(200);
      await res.text();
    }
    const raced = await Promise.race([pending.then(() => 'answered', () => 'failed'), Promise.resolve('pending')]);
    expect(raced).to.equal('pending');
    expect(settled).to.equal(false);

    controller.abort();
    let error: unknown;
    try {
      await pending;
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(DOMException);
    expect((error as DOMException).name).to.equal('AbortError');
  });
});
