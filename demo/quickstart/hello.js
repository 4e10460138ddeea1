// An MFE is any ES module that exports mount and unmount.
export const styles = 'p { color: rebeccapurple; font: 1.5rem system-ui }'; // stays in its shadow root
export function mount(ctx) { ctx.host.innerHTML = `<p>Hello ${ctx.props.who}</p>`; }
export function update(ctx) { ctx.host.querySelector('p').textContent = `Hello ${ctx.props.who}`; }
export function unmount(ctx) { ctx.host.replaceChildren(); }
