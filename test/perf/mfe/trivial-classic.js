// The same trivial MFE as a classic script, for peers that take an HTML entry (qiankun,
// micro-app, wujie): renders into #root, exposes single-spa style lifecycles for qiankun.
(function (g) {
  function root(p) { return ((p && p.container) || document).querySelector('#root'); }
  g.trivialMfe = {
    bootstrap: function () { return Promise.resolve(); },
    mount: function (p) { root(p).innerHTML = '<p>hello</p>'; return Promise.resolve(); },
    unmount: function (p) { root(p).replaceChildren(); return Promise.resolve(); },
  };
  if (!g.__POWERED_BY_QIANKUN__) root().innerHTML = '<p>hello</p>';
})(window);
