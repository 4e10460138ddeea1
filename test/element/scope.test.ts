/**
 * What a mount gets besides its shadow root (src/element/scope.ts): a custom element registry
 * of its own where the engine has scoped registries, a guarded global one elsewhere, and an
 * overlay layer above the page for modals and portals.
 */
import { expect, oneEvent } from '@open-wc/testing';
import type { MfeHost } from '../../src/index.js';
import { host, uid } from './../helpers.js';

const scopedRegistries = ((): boolean => {
  try {
    new CustomElementRegistry();
    return true;
  } catch {
    return false;
  }
})();

const xButton = (v: string): string => new URL(`/test/fixtures/scope/x-button.js?v=${v}&t=${uid()}`, location.origin).href;
const buttonOf = (el: MfeHost): HTMLElement => el.shadowRoot!.querySelector('[part=content] .probe') as HTMLElement;

/** Collects console.warn calls while `fn` runs. */
async function warnings(fn: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void seen.push(args.join(' '));
  try {
    await fn();
  } finally {
    console.warn = warn;
  }
  return seen;
}

describe('ctx.registry', () => {
  it('is given to every mount, and markup set with host.innerHTML upgrades with its definitions', async () => {
    const tag = `x-probe-${uid().replace(/\W/g, '')}`;
    const el = await host(xButton('A').replace('v=A', `v=A&tag=${tag}`));
    expect(el.status).to.equal('mounted');
    const probe = el.shadowRoot!.querySelector(`[part=content] ${tag}`) as HTMLElement;
    expect(probe.textContent).to.equal('button A');
    expect(probe.dataset.variant).to.equal('A');
  });

  it('upgrades markup rendered before ctx.registry was first asked for, in the container and the overlay', async () => {
    const tag = `x-late-${uid().replace(/\W/g, '')}`;
    const el = await host(xButton('L').replace('v=L', `v=L&tag=${tag}&late`));
    expect(el.status).to.equal('mounted');
    expect(buttonOf(el).textContent).to.equal('button L');
    expect((el.shadowRoot!.querySelector(`[part=overlay] ${tag}`) as HTMLElement).textContent).to.equal('button L');
  });

  it('works with document.createElement(tag, { customElementRegistry: ctx.registry }) in every engine', async () => {
    const tag = `x-made-${uid().replace(/\W/g, '')}`;
    const el = await host(xButton('M').replace('v=M', `v=M&tag=${tag}&create`));
    expect(el.status).to.equal('mounted');
    expect(buttonOf(el).localName).to.equal(tag);
    expect(buttonOf(el).textContent).to.equal('button M');
  });

  if (scopedRegistries) {
    it('lets two MFEs define the same tag with different classes (scoped registries)', async () => {
      const seen = await warnings(async () => {
        const a = await host(xButton('A'));
        const b = await host(xButton('B'));
        expect(buttonOf(a).textContent).to.equal('button A');
        expect(buttonOf(b).textContent).to.equal('button B');
      });
      expect(customElements.get('x-button'), 'nothing leaks into the global registry').to.equal(undefined);
      expect(seen).to.deep.equal([]);
    });

    it('gives every mount a fresh registry, so a remount defines its tags again', async () => {
      const src = xButton('A');
      const el = await host(src);
      const first = buttonOf(el);
      await el.reload();
      expect(el.status).to.equal('mounted');
      expect(buttonOf(el)).to.not.equal(first);
      expect(buttonOf(el).textContent).to.equal('button A');
    });
  } else {
    it('falls back to the global registry and warns on a clash, naming both MFEs', async () => {
      let a!: MfeHost;
      let b!: MfeHost;
      const seen = await warnings(async () => {
        a = await host(xButton('A'), { name: 'alpha' });
        b = await host(xButton('B'), { name: 'beta' });
      });
      // Both mounted: the clash is a warning, not a failed mount; the first definition stays.
      expect([a.status, b.status]).to.deep.equal(['mounted', 'mounted']);
      expect(buttonOf(a).textContent).to.equal('button A');
      expect(buttonOf(b).textContent).to.equal('button A');
      expect(seen).to.have.length(1);
      expect(seen[0]).to.contain('beta').and.contain('<x-button>').and.contain('MFE "alpha"').and.contain('no scoped custom element registries');
    });

    it('warns once per MFE and tag, and not at all when the same class is defined again', async () => {
      const src = xButton('C').replace('v=C', 'v=C&tag=x-same');
      const seen = await warnings(async () => {
        const el = await host(src, { name: 'gamma' });
        await el.reload(); // the same module defines the same class again: no clash
        expect(el.status).to.equal('mounted');
      });
      expect(seen).to.deep.equal([]);
    });
  }

});

describe('ctx.overlayRoot', () => {
  const portal = (): string => new URL(`/test/fixtures/scope/build/portal.js?t=${uid()}`, location.origin).href;

  it('puts a React portal above the page, styled by the MFE, and removes it at unmount', async () => {
    // The page does its worst: a clipping, transformed, low-z-index ancestor and a cover on top.
    const cage = document.createElement('div');
    cage.style.cssText = 'position:relative;z-index:0;overflow:hidden;height:40px;transform:translateZ(0)';
    const cover = document.createElement('div');
    cover.style.cssText = 'position:fixed;inset:0;z-index:2147483647;background:transparent';
    document.body.append(cage, cover);
    try {
      const el = document.createElement('mfe-host');
      el.src = portal();
      cage.append(el);
      await el.settled;
      expect(el.status).to.equal('mounted');
      const root = el.shadowRoot!;
      expect(root.querySelector('[part=overlay]'), 'created only when used').to.equal(null);
      (root.querySelector('.open') as HTMLButtonElement).click();
      const modal = root.querySelector('[part=overlay] .modal') as HTMLElement;
      expect(modal, 'the portal rendered into the overlay, inside the shadow root').to.not.equal(null);
      expect(getComputedStyle(modal).backgroundColor, "the MFE's styles apply").to.equal('rgb(1, 2, 3)');
      const box = modal.getBoundingClientRect();
      expect(box.height, 'not clipped by the 40px ancestor').to.be.greaterThan(100);
      // Top layer: the modal is what the user hits, above the max-z-index cover.
      const x = box.left + box.width / 2;
      const y = box.top + box.height / 2;
      expect(document.elementFromPoint(x, y)).to.equal(el);
      expect(root.elementFromPoint(x, y)?.closest('.modal')).to.equal(modal);
      // React's events work in the portal.
      (modal.querySelector('.close') as HTMLButtonElement).click();
      expect(root.querySelector('.modal')).to.equal(null);
      (root.querySelector('.open') as HTMLButtonElement).click();
      const gone = oneEvent(el, 'mfe-unmounted');
      el.remove();
      await gone;
      expect(root.querySelector('[part=overlay]'), 'the overlay goes with the MFE').to.equal(null);
    } finally {
      cage.remove();
      cover.remove();
    }
  });

  it('with isolation="none", lives in the light DOM and still shows above the page', async () => {
    const el = await host(portal(), { isolation: 'none' });
    expect(el.status).to.equal('mounted');
    (el.querySelector('.open') as HTMLButtonElement).click();
    const layer = el.querySelector('[part=overlay]') as HTMLElement;
    expect(layer.slot).to.equal('mfe-content');
    const modal = layer.querySelector('.modal') as HTMLElement;
    expect(getComputedStyle(modal).backgroundColor).to.equal('rgb(1, 2, 3)');
    expect(modal.getBoundingClientRect().height).to.be.greaterThan(100);
    el.remove();
    await oneEvent(el, 'mfe-unmounted');
    expect(el.querySelector('[part=overlay]')).to.equal(null);
  });
});
