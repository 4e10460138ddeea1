// The trivial MFE every mount scenario uses (ES module, the mfe-host contract).
export function mount(ctx) {
  ctx.host.innerHTML = '<p>hello</p>';
}
export function unmount(ctx) {
  ctx.host.replaceChildren();
}
